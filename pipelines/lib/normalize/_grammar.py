"""Grammar pieces shared by every quantity family: numbers, qualifier words, the "exactly one" rule.

All patterns here run on text that has already been through :func:`clean_text`, so digits are ASCII,
full-width brackets are ASCII and both wave dashes are ``～`` (U+FF5E).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation, localcontext
from typing import Literal, TypeVar

from .errors import NormalizeError

Qualifier = Literal["exact", "approx", "at_least", "at_most", "range"]

# Longest digit string we accept (commas and the decimal point excluded); longer ones are junk, not amounts.
MAX_DIGITS = 24
# Enough precision that no product of a MAX_DIGITS number with 10**12 is ever rounded.
_PRECISION = 80

# A number may not start inside another number (1,000 / 12.4), right after a footnote marker (*1, ※2),
# a slash (1/2), an unreadable character ('?', U+FFFD) or a lone '.' (an ellipsis '...' is fine).
NUM_START = r"(?<![0-9*※/?\ufffd])(?<![0-9],)(?<!(?<!\.)\.)"
# A digit touching '?' or U+FFFD means the PDF text lost a character: '1?.9%' is unreadable, not 9%.
_GARBLED = re.compile(r"[0-9][?\ufffd]|[?\ufffd]\.?[0-9]")
# 1,000 / 5,800 (well-formed thousands groups only), 568, 20.1, 4.35
NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
RANGE_SEP = r"[～~]"
KANJI_KATAKANA = r"\u4e00-\u9fff\u30a0-\u30ffー"
MULTIPLIER = r"(?:[百千]?[万億兆]|千)"
"""A kanji multiplier after a number: 万, 億, 兆, 千, and 百万 / 千万 / 百億 … (a hundred or thousand of a big unit)."""
_MULTIPLIER_VALUES = {"百": 10**2, "千": 10**3, "万": 10**4, "億": 10**8, "兆": 10**12}

# 約 is "about" only when it is not the tail of a word such as 契約 (contract) or 要約 (summary).
_YAKU_WORDS = "契予集要節制条規公婚協誓特盟確解倹簡"
PREFIX_QUALIFIERS: dict[str, Qualifier] = {
    "約": "approx",
    "およそ": "approx",
    "概ね": "approx",
    "ほぼ": "approx",
    "最大": "at_most",
    "上限": "at_most",
    "最低": "at_least",
}
SUFFIX_QUALIFIERS: dict[str, Qualifier] = {
    # An approximate bound is a bound: 5,000万円程度以内 is at most 5,000万円.
    "程度以内": "at_most",
    "程度以下": "at_most",
    "程度未満": "at_most",
    "程度以上": "at_least",
    "を超える": "at_least",
    "を上回る": "at_least",
    "を下回る": "at_most",
    "以上": "at_least",
    "強": "at_least",
    "超": "at_least",
    "～": "at_least",
    "~": "at_least",
    "以内": "at_most",
    "未満": "at_most",
    "以下": "at_most",
    "弱": "at_most",
    "程度": "approx",
    "ほど": "approx",
    "前後": "approx",
}


# A bound phrase between a number and the noun it counts: 200を超える大学, 50余りの地域, 30以上の機関, 100近い大学,
# 19のプロジェクト. It carries the qualifier of the number (None for a bare の). More than (を超える, 余り) is
# ``at_least`` as the contract reads 超; 近い (close to) is ``approx`` as 近く is; 弱 (just under) is ``at_most``.
BOUND_QUALIFIERS: dict[str, Qualifier | None] = {
    "を超える": "at_least",
    "を上回る": "at_least",
    "を下回る": "at_most",
    "近い": "approx",
    **{
        f"{word}の": qualifier
        for word, qualifier in {
            "程度以内": "at_most",
            "程度以下": "at_most",
            "程度以上": "at_least",
            "以上": "at_least",
            "強": "at_least",
            "超": "at_least",
            "余り": "at_least",
            "余": "at_least",
            "以内": "at_most",
            "未満": "at_most",
            "以下": "at_most",
            "弱": "at_most",
            "程度": "approx",
            "ほど": "approx",
            "前後": "approx",
            "近く": "approx",
        }.items()
    },
    "の": None,
}


def bound(name: str) -> str:
    """A bound phrase between a number and its counter (を超える, 以上の, 近い, の …), captured as group ``name``."""
    words = sorted(BOUND_QUALIFIERS, key=len, reverse=True)
    return rf"(?P<{name}>{'|'.join(map(re.escape, words))})"


def prefix(name: str) -> str:
    """Optional qualifier word written before a number (約, およそ, 最大 …), captured as group ``name``."""
    return rf"(?P<{name}>(?<![{_YAKU_WORDS}])約|およそ|概ね|ほぼ|最大|上限|最低)?"


def suffix(name: str) -> str:
    """Optional qualifier word written after the unit (以上, 強, 以内, 程度, ほど …), group ``name``.

    強/弱/超 only count when they end the word: 連携強化 and 超軽量 are not qualifiers.
    A trailing ～ (from …) counts only when no number follows it.
    """
    return (
        rf"(?P<{name}>程度(?:以内|以下|未満|以上)|を(?:超える|上回る|下回る)|以上|以内|未満|以下|程度|ほど|前後"
        rf"|(?:強|弱|超)(?![{KANJI_KATAKANA}いくまめさ])|[～~](?![0-9]))?"
    )


def multiplier_value(word: str | None) -> int:
    """The factor a multiplier word stands for: '万' → 10**4, '百万' → 10**6, '千万' → 10**7; None → 1.

    >>> multiplier_value("百万"), multiplier_value("千"), multiplier_value(None)
    (1000000, 1000, 1)
    """
    factor = 1
    for ch in word or "":
        factor *= _MULTIPLIER_VALUES[ch]
    return factor


def to_decimal(number: str, text: str) -> Decimal:
    """'1,000' -> Decimal('1000'), '4.35' -> Decimal('4.35'); refuses absurdly long digit strings.

    >>> to_decimal("5,800", "約5,800社")
    Decimal('5800')
    """
    digits = number.replace(",", "")
    if len(digits.replace(".", "")) > MAX_DIGITS:
        raise NormalizeError(text, f"number {number[:30]!r} has more than {MAX_DIGITS} digits")
    try:
        return Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the regexes only hand over digit strings
        raise NormalizeError(text, f"cannot read number {number!r}") from exc


def scale(value: Decimal, multiplier: int) -> Decimal:
    """Exact ``value * multiplier`` (no float, no context rounding).

    >>> scale(Decimal("4.35"), 10**12)
    Decimal('4350000000000')
    """
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return tidy(value * multiplier)


def shift(value: Decimal, places: int) -> Decimal:
    """Exact ``value * 10**places`` for any sign of ``places``.

    >>> shift(Decimal(2010000000), -8)
    Decimal('20.1')
    """
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return tidy(value.scaleb(places))


def tidy(value: Decimal) -> Decimal:
    """Canonical form: integers without exponent or trailing '.0', fractions without trailing zeros.

    >>> tidy(Decimal("20.10")), tidy(Decimal("2.0E+3"))
    (Decimal('20.1'), Decimal('2000'))
    """
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


def combine_qualifiers(
    text: str, before: str | None, after: str | None, *, is_range: bool, bound: str | None = None
) -> Qualifier:
    """Merge the word before the number, the bound phrase before its counter and the word after the unit.

    A range wins over everything (its bounds are what was written). 約…程度 agree and give 'approx';
    words that disagree (約100社以上, 約200を超える大学) are refused rather than one of them being dropped.
    """
    if is_range:
        return "range"
    words = {
        word: qualifier
        for word, qualifier in (
            (before, PREFIX_QUALIFIERS.get(before or "")),
            (bound, BOUND_QUALIFIERS.get(bound or "")),
            (after, SUFFIX_QUALIFIERS.get(after or "")),
        )
        if qualifier is not None
    }
    if len(set(words.values())) > 1:
        raise NormalizeError(text, f"conflicting qualifiers {', '.join(map(repr, words))}")
    return next(iter(words.values()), "exact")


T = TypeVar("T")


def exactly_one(found: Sequence[T], text: str, what: str) -> T:
    """The single item of ``found``; NormalizeError naming ``text`` when there are none or several."""
    if not found:
        raise NormalizeError(text, f"no {what} found")
    if len(found) > 1:
        raise NormalizeError(text, f"expected exactly one {what}, found {len(found)}")
    return found[0]


def reject_garbled_digits(text: str, cleaned: str) -> None:
    """Refuse the whole passage when a digit touches an unreadable character, rather than read a fragment.

    >>> reject_garbled_digits("約61?0社", "約61?0社")
    Traceback (most recent call last):
    ...
    pipelines.lib.normalize.errors.NormalizeError: unreadable character next to a digit ('1?') in '約61?0社'
    """
    m = _GARBLED.search(cleaned)
    if m is not None:
        raise NormalizeError(text, f"unreadable character next to a digit ({m.group(0)!r})")


def check_not_range_tail(text: str, cleaned: str, start: int, what: str) -> None:
    """Refuse a number that ends a range we do not understand (e.g. '10～20平方キロメートル' for areas)."""
    if re.search(rf"[0-9]{RANGE_SEP}$", cleaned[max(0, start - 2) : start]):
        raise NormalizeError(text, f"a range of {what} is not supported")


M = TypeVar("M")


def read_matches(matches: Iterable[M], read: Callable[[M], T], *, strict: bool) -> list[T]:
    """``read`` every match; with ``strict=False`` a match that raises NormalizeError is left out."""
    out: list[T] = []
    for m in matches:
        try:
            out.append(read(m))
        except NormalizeError:
            if strict:
                raise
    return out
