"""Years, year ranges, decades, Japanese fiscal years and durations.

Two-digit years (72年, 90年代) are read with a pivot: this deck dates from 2005, so 00–30 are
2000s and 31–99 are 1900s. ``PIVOT`` is the default; every function takes ``pivot=`` to change it.
A short range end completes the start's leading digits instead: 2001～5 is 2001..2005, 2011～20 is
2011..2020, 1998年～02年 is 1998..2002.

Fiscal years (年度) are named by the calendar year they start in. An era-less 17年度 is a 平成 year
in a 2005 METI deck, but that is context, not text: it needs ``context_era='平成'``, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from ._grammar import (
    NUM_START,
    RANGE_SEP,
    Qualifier,
    combine_qualifiers,
    exactly_one,
    prefix,
    read_matches,
    reject_garbled_digits,
    tidy,
    to_decimal,
)
from .errors import NormalizeError
from .text import clean_text

PIVOT = 30
"""Two-digit years ``<= PIVOT`` are 20xx, the rest 19xx (the deck is from 2005)."""

ERA_BASES: dict[str, int] = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
"""Gregorian year of year 1 (元年) of each era: year N of era E is ``ERA_BASES[E] + N - 1``."""

Kind = Literal["year", "range", "open", "decade", "fiscal_year", "fiscal_range"]
Modifier = Literal["early", "mid", "late"]

MODIFIERS: dict[str, Modifier] = {
    "半ば": "mid",
    "中頃": "mid",
    "初頭": "early",
    "前半": "early",
    "初め": "early",
    "はじめ": "early",
    "後半": "late",
    "末": "late",
}

_ERA = "|".join(ERA_BASES)
_MOD = "|".join(MODIFIERS)
_ATOM = re.compile(
    rf"{NUM_START}(?P<era>{_ERA})?(?P<num>[0-9]{{1,4}}|(?<={_ERA})元)(?![0-9]|[.,][0-9])"
    rf"(?:(?P<unit>年代|年度|年)(?P<month>(?<=年)[0-9]{{1,2}}月(?:[0-9]{{1,2}}日)?)?(?P<mod>{_MOD})?)?"
)
_CONNECTOR = re.compile(r"～|~|から|-")
_OPEN_FROM = re.compile(r"～|~|以降|以来|から")
_OPEN_UNTIL = re.compile(r"まで|以前")
_RANGE_TAIL = re.compile(r"まで|にかけて|にかけ")
# A range end written without 年 ('1996年～2001', '2001～5') must stand alone, not be 5社 or 10%.
_BARE_END_OK = re.compile(r"$|[\s)\]、。,;:・」』]")
# After a 2-digit 'N年' these words make it a duration or an age, not a calendar year.
_DURATION_TAIL = re.compile(r"間|目|以内|未満|以下|以上|前(?!半)|後(?!半)|ぶり|余|程度|ほど|来|超|弱|強|経過|連続|分")
_AFTER_NUMBER_DASH = re.compile(r"[0-9](?:～|~|から|-)$")
_DURATION = re.compile(rf"{NUM_START}(?P<n>[0-9]+(?:\.[0-9]+)?)(?:[ヶカケか箇]年(?:間|以内)?|年(?:間|以内))")


@dataclass(frozen=True)
class YearSpan:
    """A year expression: ``start``..``end`` inclusive, in Gregorian years.

    kind 'year' (start == end), 'decade' (1990年代: 1990..1999; 昭和40年代: 1965..1974), 'range'
    (83年～98年), 'open' (one bound missing: 1999年～ / 95年以降 have end None, 2005年まで has start
    None), 'fiscal_year' and 'fiscal_range' (年度, named by the start year). ``end_planned`` marks an end written in
    parentheses, 2003年～(2008年). ``modifier`` is 'early' (初頭/前半), 'mid' (半ば) or 'late' (後半/末);
    for a range it is the end's modifier if any, else the start's, and ``start_modifier`` /
    ``end_modifier`` say which bound carries it. ``raw_text`` is ``clean_text(text)[span[0]:span[1]]``.
    """

    start: int | None
    end: int | None
    end_planned: bool
    kind: Kind
    modifier: Modifier | None
    raw_text: str
    span: tuple[int, int]
    start_modifier: Modifier | None = None
    end_modifier: Modifier | None = None


@dataclass(frozen=True)
class _Atom:
    era: str | None
    num: str
    unit: str | None
    month: str | None
    mod: Modifier | None
    start: int
    end: int


def _atom(m: re.Match[str]) -> _Atom:
    mod = MODIFIERS[m.group("mod")] if m.group("mod") else None
    return _Atom(m.group("era"), m.group("num"), m.group("unit"), m.group("month"), mod, m.start(), m.end())


def _era_year(era: str, num: str, text: str) -> int:
    n = 1 if num == "元" else int(num)
    if n < 1 or len(num) > 2:
        raise NormalizeError(text, f"{era}{num}年 is not a year of the {era} era")
    return ERA_BASES[era] + n - 1


def _check_era(context_era: str | None, text: str) -> None:
    if context_era is not None and context_era not in ERA_BASES:
        raise NormalizeError(text, f"unknown era {context_era!r} (known: {', '.join(ERA_BASES)})")


def _first_year(atom: _Atom, text: str, *, pivot: int, context_era: str | None, anchor: int | None) -> int:
    """Gregorian year the atom starts in. ``anchor``: 4-digit range start whose digits a short end completes."""
    era = atom.era
    if era is None and anchor is None and atom.unit == "年度" and len(atom.num) <= 2:
        if context_era is None:
            raise NormalizeError(text, f"{atom.num}年度 has no era; pass context_era (e.g. '平成')")
        era = context_era
    if era is not None:
        if atom.unit == "年代" and (atom.num == "元" or int(atom.num) % 10):
            raise NormalizeError(text, f"{era}{atom.num}年代 is not a decade of the era")
        return _era_year(era, atom.num, text)  # 昭和40年代 is 昭和40–49 = 1965–1974
    value = int(atom.num)
    if len(atom.num) == 4:
        year = value
    elif anchor is not None:
        size = 10 ** len(atom.num)
        year = anchor - anchor % size + value
        if year < anchor:
            year += size
    elif len(atom.num) == 2:
        year = 2000 + value if value <= pivot else 1900 + value
    else:
        raise NormalizeError(text, f"{atom.num}年 is not a calendar year")
    if atom.unit == "年代" and year % 10:
        raise NormalizeError(text, f"{atom.num}年代 is not a decade")
    return year


def _last_year(atom: _Atom, first: int) -> int:
    return first + 9 if atom.unit == "年代" else first


def _is_calendar_atom(atom: _Atom, cleaned: str) -> bool:
    """Whether a lone 'N年' can be a calendar year (not 5年, 10年間, 3年目)."""
    if atom.unit is None:
        return False
    if atom.era is not None or atom.unit != "年" or atom.month or atom.mod:
        return True
    if len(atom.num) == 4:
        return True
    if len(atom.num) != 2 or _AFTER_NUMBER_DASH.search(cleaned, max(0, atom.start - 3), atom.start):
        return False  # 5年 / 3年目 / the 10年 of '5～10年' are not calendar years
    return not _DURATION_TAIL.match(cleaned, atom.end)


def _try_range(cleaned: str, text: str, first: _Atom, *, pivot: int, context_era: str | None) -> YearSpan | None:
    conn = _CONNECTOR.match(cleaned, first.end)
    if conn is None:
        return None
    pos, planned = conn.end(), False
    if cleaned.startswith("(", pos):
        pos, planned = pos + 1, True
    if (second_match := _ATOM.match(cleaned, pos)) is None:
        return None
    second = _atom(second_match)
    if planned and not cleaned.startswith(")", second.end):
        return None
    bare_start, bare_end = first.unit is None, second.unit is None
    if bare_end and (planned or not _BARE_END_OK.match(cleaned, second.end)):
        return None
    if bare_start and bare_end and (conn.group(0) not in "～~" or len(first.num) != 4):
        return None  # only plan periods such as 2001～5 may omit 年 on both ends
    if bare_start and not bare_end and _is_duration_span(first, second):
        return None
    # 平成13～15年度: the unit and the era written once apply to both ends.
    first = replace(first, unit=first.unit or second.unit or "年", era=first.era or _short_era(first, second))
    second = replace(second, unit=second.unit or first.unit, era=second.era or _short_era(second, first))
    start = _first_year(first, text, pivot=pivot, context_era=context_era, anchor=None)
    anchor = start if len(first.num) == 4 and first.era is None and second.era is None else None
    if anchor is None and second.era is None and len(second.num) not in (2, 4) and second.unit != "年度":
        return None
    end = _last_year(second, _first_year(second, text, pivot=pivot, context_era=context_era, anchor=anchor))
    if end < start:
        raise NormalizeError(text, f"year range {cleaned[first.start : second.end]!r} runs backwards")
    stop = second.end + (1 if planned else 0)
    tail = _RANGE_TAIL.match(cleaned, stop)
    if tail is not None:
        stop = tail.end()
    fiscal = "年度" in (first.unit, second.unit)
    return YearSpan(
        start=start,
        end=end,
        end_planned=planned,
        kind="fiscal_range" if fiscal else "range",
        modifier=second.mod or first.mod,
        raw_text=cleaned[first.start : stop],
        span=(first.start, stop),
        start_modifier=first.mod,
        end_modifier=second.mod,
    )


def _is_duration_span(first: _Atom, second: _Atom) -> bool:
    """'5～10年' is a span of durations; '83～98年' and '13～15年度' are year ranges."""
    if first.era is not None or len(first.num) == 4:
        return False
    return len(first.num) != 2 or not (len(second.num) == 2 or second.era or second.unit == "年度")


def _short_era(atom: _Atom, other: _Atom) -> str | None:
    return other.era if len(atom.num) <= 2 else None


_SINGLE_KINDS: dict[str, Kind] = {"年代": "decade", "年度": "fiscal_year", "年": "year"}


def _single(cleaned: str, text: str, atom: _Atom, *, pivot: int, context_era: str | None) -> YearSpan | None:
    if not _is_calendar_atom(atom, cleaned):
        return None
    first = _first_year(atom, text, pivot=pivot, context_era=context_era, anchor=None)
    last = _last_year(atom, first)
    kind = _SINGLE_KINDS[atom.unit or "年"]
    start: int | None = first
    end: int | None = last
    stop = atom.end
    if (m := _OPEN_FROM.match(cleaned, stop)) is not None:
        kind, end, stop = "open", None, m.end()
    elif (m := _OPEN_UNTIL.match(cleaned, stop)) is not None:
        kind, start, stop = "open", None, m.end()
    return YearSpan(
        start=start,
        end=end,
        end_planned=False,
        kind=kind,
        modifier=atom.mod,
        raw_text=cleaned[atom.start : stop],
        span=(atom.start, stop),
        start_modifier=atom.mod if start is not None else None,
        end_modifier=atom.mod if start is None else None,
    )


def find_years(text: str, *, pivot: int = PIVOT, context_era: str | None = None, strict: bool = True) -> list[YearSpan]:
    """Every year expression in a passage, in order, with spans into ``clean_text(text)``.

    ``strict=False`` leaves out an expression that cannot be read (an era-less 17年度 without
    ``context_era``, a range that runs backwards) instead of raising.

    ``context_era`` supplies the era for era-less 1–2 digit fiscal years (17年度); without it they
    raise NormalizeError. Lone 'N年' that read as durations (5年間, 3年目, 10年以上) are skipped.
    Run it on a table cell, not a whole row: joined cells (1999年～2003年～(2008年)) are ambiguous.

    >>> [(y.start, y.end, y.kind) for y in find_years("テクノポリス法(83年～98年)・頭脳立地法(88年から98年)")]
    [(1983, 1998, 'range'), (1988, 1998, 'range')]
    """
    _check_era(context_era, text)
    cleaned = clean_text(text)
    reject_garbled_digits(text, cleaned)
    found: list[YearSpan] = []
    pos = 0
    while (m := _ATOM.search(cleaned, pos)) is not None:
        atom = _atom(m)
        try:
            span = _try_range(cleaned, text, atom, pivot=pivot, context_era=context_era)
            if span is None:
                span = _single(cleaned, text, atom, pivot=pivot, context_era=context_era)
        except NormalizeError:
            if strict:
                raise
            span = None
        if span is None:
            pos = max(atom.end, atom.start + 1)
        else:
            found.append(span)
            pos = span.span[1]
    return found


def parse_years(text: str, *, pivot: int = PIVOT, context_era: str | None = None) -> YearSpan:
    """Exactly one year expression in ``text``; NormalizeError if none or several.

    >>> y = parse_years("2003年～(2008年)")
    >>> (y.start, y.end, y.end_planned, y.kind)
    (2003, 2008, True, 'range')
    >>> y = parse_years("(1970年代～90年代半ば)")
    >>> (y.start, y.end, y.modifier, y.end_modifier)
    (1970, 1999, 'mid', 'mid')
    >>> (parse_years("2011～20").start, parse_years("2011～20").end)
    (2011, 2020)
    """
    return exactly_one(find_years(text, pivot=pivot, context_era=context_era), text, "year expression")


def fiscal_year(era_or_text: str, *, context_era: str | None = None) -> YearSpan:
    """Exactly one Japanese fiscal year (年度) or fiscal-year range, in Gregorian years.

    Year N of era E is ``ERA_BASES[E] + N - 1`` (元年 = 1). An era written in the text wins over
    ``context_era``; an era-less 1–2 digit year needs ``context_era`` and is never guessed.

    >>> (fiscal_year("平成16年度").start, fiscal_year("昭和60年度").start, fiscal_year("平成元年度").start)
    (2004, 1985, 1989)
    >>> y = fiscal_year("平成13～15年度")
    >>> (y.start, y.end, y.kind)
    (2001, 2003, 'fiscal_range')
    >>> fiscal_year("17年度予算", context_era="平成").start
    2005
    """
    span = exactly_one(find_years(era_or_text, context_era=context_era), era_or_text, "fiscal year")
    if span.kind not in ("fiscal_year", "fiscal_range"):
        raise NormalizeError(era_or_text, f"{span.raw_text!r} is not a fiscal year (年度)")
    return span


def parse_duration_years(text: str) -> int:
    """A length of time in whole years: 6年間 -> 6, (5年間) -> 5, 3カ年 -> 3.

    'N年以内' (within N years) is returned as N: it is an upper bound, not an exact length.

    >>> parse_duration_years("(5年間)"), parse_duration_years("2年以内")
    (5, 2)
    """
    cleaned = clean_text(text)
    reject_garbled_digits(text, cleaned)
    m = exactly_one(list(_DURATION.finditer(cleaned)), text, "duration in years")
    number = m.group("n")
    if "." in number or len(number) > 4:
        raise NormalizeError(text, f"{number}年 is not a whole number of years")
    return int(number)


_DURATION_SPAN = re.compile(
    prefix("pre")
    + rf"(?:(?P<low>{NUM_START}[0-9]{{1,3}}(?:\.[0-9]+)?)(?:年)?{RANGE_SEP})?"
    + rf"(?<!{_ERA})(?P<n>{NUM_START}[0-9]{{1,3}}(?:\.[0-9]+)?)(?![0-9])"
    + r"(?:(?P<kanen>[ヶカケか箇]年)|年)(?!度|目|代|生)(?P<kan>間)?"
    + r"(?P<suf>以内|以上|未満|以下|程度|ほど|前後|余|超|強|弱)?"
)


@dataclass(frozen=True)
class Duration:
    """A length of time in years: 6年間, 3カ年, 2年以内 (at_most), 10年以上 (at_least), 5～10年 (range).

    ``years`` is the length (the high bound of a range); ``low``/``high`` hold a range's bounds.
    """

    years: Decimal
    qualifier: Qualifier
    raw_text: str
    span: tuple[int, int]
    low: Decimal | None = None
    high: Decimal | None = None


def _duration_from_match(m: re.Match[str], text: str) -> Duration | None:
    explicit = m.group("kanen") or m.group("kan") or m.group("suf") or m.group("pre")
    two_digits = len(m.group("n").split(".")[0]) == 2 and (m.group("low") is None or len(m.group("low")) == 2)
    if not explicit and two_digits:
        return None  # a bare '72年' or '83～98年' is a calendar year: find_years decides
    years = tidy(to_decimal(m.group("n"), text))
    low = tidy(to_decimal(m.group("low"), text)) if m.group("low") else None
    if low is not None and low > years:
        raise NormalizeError(text, f"range {m.group(0)!r} runs backwards")
    suffix = {"余": "超", "弱": "以下"}.get(m.group("suf") or "", m.group("suf"))
    qualifier = combine_qualifiers(text, m.group("pre"), suffix, is_range=low is not None)
    return Duration(years, qualifier, m.group(0), (m.start(), m.end()), low, years if low is not None else None)


def find_durations(text: str, *, strict: bool = True) -> list[Duration]:
    """Every length of time in years in a passage: 6年間, 3カ年, 2年以内, 10年以上, 5～10年.

    A plain two-digit 'N年' is left to :func:`find_years` (72年, 83～98年); '2年目' and '3年度' are never
    durations, nor is an era year (平成9年).

    >>> [(d.years, d.qualifier) for d in find_durations("1億円以内×2年以内、計画期間は5年間")]
    [(Decimal('2'), 'at_most'), (Decimal('5'), 'exact')]
    """
    cleaned = clean_text(text)
    reject_garbled_digits(text, cleaned)
    found = read_matches(_DURATION_SPAN.finditer(cleaned), lambda m: _duration_from_match(m, text), strict=strict)
    return [d for d in found if d is not None]
