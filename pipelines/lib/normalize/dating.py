"""When a document was written, read from its own text: the era it counts years in, and its own year.

A deck that writes 平成17年度においては… counts its era-less years (17年度予算) in 平成; one that writes
令和7年度 counts them in 令和. The era a document names most often is its era (ties go to the later era).
The document's own year is the latest year it writes with an era (平成17年度 → 2005), else the latest
dated month it writes (2004年12月 → 2004). Both are None when the text gives no such clue: nothing is guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .text import clean_text
from .years import ERA_BASES

_ERA_YEAR = re.compile(rf"(?P<era>{'|'.join(ERA_BASES)})(?P<num>[0-9]{{1,2}}|元)(?=年)")
_DATED_MONTH = re.compile(r"(?<![0-9])(?P<year>(?:19|20)[0-9]{2})年[0-9]{1,2}月")


def _era_years(texts: Iterable[str]) -> list[tuple[str, int]]:
    out = []
    for text in texts:
        for m in _ERA_YEAR.finditer(clean_text(text)):
            n = 1 if m.group("num") == "元" else int(m.group("num"))
            out.append((m.group("era"), ERA_BASES[m.group("era")] + n - 1))
    return out


def document_era(texts: Iterable[str]) -> str | None:
    """The era a document counts its years in: the one it names most often (平成17年度 → '平成'), or None.

    >>> document_era(["平成17年度においては", "平成16年度", "昭和60年"])
    '平成'
    >>> document_era(["2005年"]) is None
    True
    """
    counts = Counter(era for era, _ in _era_years(texts))
    if not counts:
        return None
    return max(counts, key=lambda era: (counts[era], ERA_BASES[era]))


def document_year(texts: Iterable[str]) -> int | None:
    """The document's own year: its latest era-dated year, else its latest dated month's year, else None.

    >>> document_year(["平成17年度においては", "平成16年度予算"])
    2005
    >>> document_year(["2004年4月現在", "2004年12月～2005年1月実施"])
    2005
    >>> document_year(["1990年代"]) is None
    True
    """
    texts = list(texts)
    era_years = [year for _, year in _era_years(texts)]
    if era_years:
        return max(era_years)
    months = [int(m.group("year")) for text in texts for m in _DATED_MONTH.finditer(clean_text(text))]
    return max(months) if months else None
