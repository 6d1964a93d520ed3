"""Yen amounts: 568億円, 20.1億円, 4.35兆円, 3000万円～1億円以内, (新規)."""

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
    multiplier_value,
    prefix,
    read_matches,
    reject_garbled_digits,
    scale,
    shift,
    suffix,
    to_decimal,
)
from .errors import NormalizeError
from .text import clean_text

_UNITS: dict[str, int] = {"cho": 10**12, "oku": 10**8, "man": 10**4, "sen": 10**3, "one": 1}


def _amount(p: str) -> str:
    # 1兆2000億円, 4.35兆, 3000万, 5千万, 1,234百万, 1,000億, 12万3456: big units in order, each optionally ×百/×千.
    big = "".join(
        rf"(?:(?P<{p}_{key}>{NUM})(?P<{p}_{key}_k>[百千])?{kanji})?"
        for key, kanji in (("cho", "兆"), ("oku", "億"), ("man", "万"))
    )
    return rf"{NUM_START}(?=[0-9]){big}(?:(?P<{p}_sen>{NUM})千)?(?P<{p}_one>{NUM})?"


AMOUNT_PATTERN = (
    prefix("pre")
    + rf"(?:(?P<low>{_amount('l')})(?P<low_yen>円)?{RANGE_SEP})?"
    + rf"(?P<high>{_amount('h')})円"
    + suffix("suf")
)
_MONEY_RE = re.compile(rf"(?P<new>\(新規\))|{AMOUNT_PATTERN}")


@dataclass(frozen=True)
class Money:
    """One yen amount as written.

    ``yen`` is exact (``Decimal`` arithmetic, never float) and ``oku_yen`` is the same in units of 億円.
    For a range both hold the high bound and ``low_yen``/``high_yen`` hold the bounds; they are None
    otherwise. ``(新規)`` (a new budget line, no previous amount) gives ``is_new=True`` and ``yen=None``.
    ``raw_text`` is ``clean_text(text)[span[0]:span[1]]``.
    """

    yen: int | None
    oku_yen: Decimal | None
    qualifier: Qualifier
    low_yen: int | None
    high_yen: int | None
    is_new: bool
    raw_text: str
    span: tuple[int, int]


def _components(m: re.Match[str], p: str, text: str) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for key, unit in _UNITS.items():
        number = m.group(f"{p}_{key}")
        if number is not None:
            factor = multiplier_value(m.group(f"{p}_{key}_k")) if key in ("cho", "oku", "man") else 1
            found[key] = scale(to_decimal(number, text), unit * factor)
    return found


def _to_yen(value: Decimal, text: str) -> int:
    if value != value.to_integral_value():
        raise NormalizeError(text, f"amount {value} yen is not a whole number of yen")
    return int(value)


def _money_from_match(m: re.Match[str], text: str) -> Money:
    span = (m.start(), m.end())
    if m.group("new"):
        return Money(None, None, "exact", None, None, True, m.group(0), span)
    high_parts = _components(m, "h", text)
    high = _to_yen(sum(high_parts.values(), Decimal(0)), text)
    low: int | None = None
    if m.group("low") is not None:
        low_parts = _components(m, "l", text)
        low_value = sum(low_parts.values(), Decimal(0))
        if set(low_parts) == {"one"} and not m.group("low_yen"):
            # '100～200億円': the low end borrows the high end's unit, if that unit is unambiguous.
            big = [key for key in high_parts if key != "one"]
            if len(high_parts) != 1 and big:
                raise NormalizeError(text, f"cannot tell which unit {m.group('low')!r} is in")
            if big:
                low_value = scale(low_parts["one"], _UNITS[big[0]])
        low = _to_yen(low_value, text)
        if low > high:
            raise NormalizeError(text, f"range {m.group(0)!r} runs backwards")
    qualifier = combine_qualifiers(text, m.group("pre"), m.group("suf"), is_range=low is not None)
    return Money(
        yen=high,
        oku_yen=shift(Decimal(high), -8),
        qualifier=qualifier,
        low_yen=low,
        high_yen=high if low is not None else None,
        is_new=False,
        raw_text=m.group(0),
        span=span,
    )


def find_money(text: str, *, strict: bool = True) -> list[Money]:
    """Every yen amount in a passage, in order, with spans into ``clean_text(text)``.

    ``strict=False`` leaves out an amount that cannot be read (a range that runs backwards, conflicting
    qualifiers) instead of raising; garbled digits raise either way.

    >>> [m.oku_yen for m in find_money("貿易産業省約180億円(6年間、研究100億円、基盤80億円)")]
    [Decimal('180'), Decimal('100'), Decimal('80')]
    >>> find_money("568億円 (490億円)")[1].span  # cleaned text is '568億円(490億円)'
    (6, 11)
    """
    cleaned = clean_text(text)
    reject_garbled_digits(text, cleaned)
    return read_matches(_MONEY_RE.finditer(cleaned), lambda m: _money_from_match(m, text), strict=strict)


def parse_money(text: str) -> Money:
    """Exactly one yen amount (or '(新規)') in ``text``; NormalizeError if none or several.

    >>> parse_money("4.35兆円").yen
    4350000000000
    >>> m = parse_money("3000万円～1億円以内")
    >>> (m.qualifier, m.low_yen, m.high_yen)
    ('range', 30000000, 100000000)
    >>> parse_money("新規").is_new
    True
    """
    if clean_text(text) == "新規":
        return Money(None, None, "exact", None, None, True, "新規", (0, 2))
    return exactly_one(find_money(text), text, "yen amount")
