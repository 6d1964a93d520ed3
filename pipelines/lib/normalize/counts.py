"""Counts of things: 約230万人, 3.2万人強, 約1750社, 59の研究機関, 200を超える大学, 30以上の機関, 40件以上, 大学30校."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ._grammar import (
    KANJI_KATAKANA,
    MULTIPLIER,
    NUM,
    NUM_START,
    RANGE_SEP,
    Qualifier,
    bound,
    combine_qualifiers,
    exactly_one,
    multiplier_value,
    prefix,
    read_matches,
    reject_garbled_digits,
    scale,
    suffix,
    to_decimal,
)
from .errors import NormalizeError
from .text import clean_text

# Counter word -> what is counted. Lookaheads keep 人口 (population), 社会 (society), 大学院 etc. out.
UNITS: dict[str, str] = {
    "人": "persons",
    "名": "persons",
    "社": "companies",
    "機関": "institutions",
    "大学": "universities",
    "団体": "organizations",
    "件": "cases",
    "校": "schools",
    "企業": "companies",
}
# 企業 counts only as the last word of a count (約6,100の企業と…), never inside 企業数, 企業群, 企業化 ….
_UNIT = (
    r"(?:人(?![口材])|名(?![称前誉])|社(?![会長員団])|機関|大学(?!院)|団体|件|校(?![舎長])"
    rf"|企業(?![{KANJI_KATAKANA}]))"
)
_MULT = MULTIPLIER

_COUNT_RE = re.compile(
    prefix("pre")
    + rf"(?:(?P<low>{NUM_START}{NUM})(?P<low_mult>{_MULT})?(?P<low_unit>{_UNIT})?{RANGE_SEP})?"
    + rf"(?P<num>{NUM_START}{NUM})(?P<mult>{_MULT})?"
    # '59の研究機関', '200を超える大学', '30以上の機関': a bound phrase, then maybe a short noun, then the counter.
    + rf"(?:{bound('bound')}(?P<noun>[{KANJI_KATAKANA}]{{0,8}}?))?"
    + rf"(?P<unit>{_UNIT})"
    + suffix("suf")
)


@dataclass(frozen=True)
class Count:
    """A number of persons, companies, institutions, universities, organizations, cases or schools.

    ``value`` is the number of units (万 multiplies by 10,000). For a range (10～20社) ``value`` is
    the high bound and ``low``/``high`` hold both bounds; they are None otherwise.
    ``raw_text`` is ``clean_text(text)[span[0]:span[1]]``.
    """

    value: Decimal
    unit: str
    qualifier: Qualifier
    low: Decimal | None
    high: Decimal | None
    raw_text: str
    span: tuple[int, int]


def _value(number: str, mult: str | None, text: str) -> Decimal:
    return scale(to_decimal(number, text), multiplier_value(mult))


def _count_from_match(m: re.Match[str], text: str) -> Count:
    unit_word = m.group("unit")
    value = _value(m.group("num"), m.group("mult"), text)
    low: Decimal | None = None
    if m.group("low") is not None:
        low_unit = m.group("low_unit")
        if low_unit is not None and low_unit != unit_word:
            raise NormalizeError(text, f"range {m.group(0)!r} mixes {low_unit} and {unit_word}")
        # '1～2万人': a bare low end borrows the high end's multiplier.
        low_mult = m.group("low_mult") or (m.group("mult") if low_unit is None else None)
        low = _value(m.group("low"), low_mult, text)
        if low > value:
            raise NormalizeError(text, f"range {m.group(0)!r} runs backwards")
    return Count(
        value=value,
        unit=UNITS[unit_word],
        qualifier=combine_qualifiers(
            text, m.group("pre"), m.group("suf"), is_range=low is not None, bound=m.group("bound")
        ),
        low=low,
        high=value if low is not None else None,
        raw_text=m.group(0),
        span=(m.start(), m.end()),
    )


def find_counts(text: str, *, strict: bool = True) -> list[Count]:
    """Every count in a passage, in order, with spans into ``clean_text(text)``.

    ``strict=False`` leaves out a count that cannot be read (conflicting qualifiers, a backwards range).

    Years (1999年), percentages and footnote markers (*2) are not counts; neither is a number
    without a counter word (企業数は約1100).

    >>> [(c.value, c.qualifier) for c in find_counts("人口約12.4万人*2 うち、…7500人以上*2")]
    [(Decimal('124000'), 'approx'), (Decimal('7500'), 'at_least')]
    """
    cleaned = clean_text(text)
    reject_garbled_digits(text, cleaned)
    return read_matches(_COUNT_RE.finditer(cleaned), lambda m: _count_from_match(m, text), strict=strict)


def parse_count(text: str) -> Count:
    """Exactly one count in ``text``; NormalizeError if none or several.

    >>> c = parse_count("3.2万人強")
    >>> (c.value, c.unit, c.qualifier)
    (Decimal('32000'), 'persons', 'at_least')
    >>> parse_count("59の研究機関").unit
    'institutions'
    """
    return exactly_one(find_counts(text), text, "count")
