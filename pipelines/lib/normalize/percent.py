"""Percentages: 38.5%, 回収率約40%, (全米の18%), 就業者の20%."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ._grammar import (
    NUM,
    NUM_START,
    RANGE_SEP,
    Qualifier,
    combine_qualifiers,
    exactly_one,
    prefix,
    read_matches,
    reject_garbled_digits,
    suffix,
    tidy,
    to_decimal,
)
from .errors import NormalizeError
from .text import clean_text

_PERCENT_SIGN = r"(?: ?%|パーセント)"  # ％ is already % after clean_text, which keeps a space between ASCII: 12 %
_PERCENT_RE = re.compile(
    prefix("pre")
    + rf"(?:(?P<low>{NUM_START}{NUM})(?:{_PERCENT_SIGN})?{RANGE_SEP})?"
    + rf"(?P<num>{NUM_START}{NUM}){_PERCENT_SIGN}"
    + suffix("suf")
)


@dataclass(frozen=True)
class Percent:
    """A percentage as written: ``value`` is in percent (38.5 for 38.5%), never a fraction.

    For a range (10～20%) ``value`` is the high bound and ``low``/``high`` hold both bounds.
    ``raw_text`` is ``clean_text(text)[span[0]:span[1]]``.
    """

    value: Decimal
    qualifier: Qualifier
    raw_text: str
    span: tuple[int, int]
    low: Decimal | None = None
    high: Decimal | None = None


def _percent_from_match(m: re.Match[str], text: str) -> Percent:
    value = tidy(to_decimal(m.group("num"), text))
    low = tidy(to_decimal(m.group("low"), text)) if m.group("low") is not None else None
    if low is not None and low > value:
        raise NormalizeError(text, f"range {m.group(0)!r} runs backwards")
    return Percent(
        value=value,
        qualifier=combine_qualifiers(text, m.group("pre"), m.group("suf"), is_range=low is not None),
        raw_text=m.group(0),
        span=(m.start(), m.end()),
        low=low,
        high=value if low is not None else None,
    )


def find_percents(text: str, *, strict: bool = True) -> list[Percent]:
    """Every percentage in a passage, in order, with spans into ``clean_text(text)``.

    ``strict=False`` leaves out a percentage that cannot be read (a backwards range, conflicting qualifiers).

    >>> [p.value for p in find_percents("新事業を開始した企業 58.7% 第二創業を行った企業 18.9%")]
    [Decimal('58.7'), Decimal('18.9')]
    """
    cleaned = clean_text(text)
    reject_garbled_digits(text, cleaned)
    return read_matches(_PERCENT_RE.finditer(cleaned), lambda m: _percent_from_match(m, text), strict=strict)


def parse_percent(text: str) -> Percent:
    """Exactly one percentage in ``text``; NormalizeError if none or several.

    >>> p = parse_percent("回収率約40%")
    >>> (p.value, p.qualifier)
    (Decimal('40'), 'approx')
    """
    return exactly_one(find_percents(text), text, "percentage")
