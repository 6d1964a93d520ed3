"""Areas: 約24平方キロメートル, 約5キロ四方, 南北50km東西15km程度, 半径50km範囲内."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Literal

from ._grammar import (
    NUM,
    NUM_START,
    Qualifier,
    check_not_range_tail,
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

Shape = Literal["area", "rectangle", "square", "radius"]

# π to 50 places: enough that π·r² is exact to the cent for any radius we accept.
PI = Decimal("3.14159265358979323846264338327950288419716939937510")
_CENT = Decimal("0.01")

_AREA_UNIT = r"(?:平方キロメートル|平方キロ|平方km| ?km2)"  # ㎢ and km² are km2 after clean_text
_LEN_UNIT = r"(?:キロメートル|キロ| ?km)"  # ㎞ is km after clean_text
_DIRECTION = r"(?:南北|東西|縦|横)"
_WITHIN = r"(?:範囲内|以内|圏内|の範囲)"

_AREA_RE = re.compile(
    prefix("pre")
    + "(?:"
    + rf"(?P<area>{NUM_START}{NUM}){_AREA_UNIT}"
    + rf"|(?P<side>{NUM_START}{NUM}){_LEN_UNIT}四方"
    + rf"|半径(?P<radius>{NUM_START}{NUM}){_LEN_UNIT}(?P<within>{_WITHIN})?"
    + rf"|(?P<dir1>{_DIRECTION})(?P<len1>{NUM_START}{NUM}){_LEN_UNIT}[、,]?"
    + rf"(?P<dir2>{_DIRECTION})(?P<len2>{NUM_START}{NUM}){_LEN_UNIT}"
    + rf"|(?P<by1>{NUM_START}{NUM}){_LEN_UNIT}[×xX*](?P<by2>{NUM_START}{NUM}){_LEN_UNIT}"
    + ")"
    + suffix("suf")
)


@dataclass(frozen=True)
class Area:
    """An area in km², with the lengths it was computed from.

    shape 'area': stated directly (``extents_km`` is empty). 'square': N km 四方 (extents (N, N)).
    'rectangle': two lengths along named perpendicular directions (南北50km東西15km) or written
    A km×B km; extents as written. Two bare lengths (10km、20km) are distances, not an area.
    'radius': 半径 N km; ``km2`` is the disc area π·N² computed in Decimal and rounded to 0.01 km²,
    and 範囲内/以内/圏内 (within) make the qualifier 'at_most'. ``extents_km`` = (N,) so the disc
    can be recomputed. ``raw_text`` is ``clean_text(text)[span[0]:span[1]]``.
    """

    km2: Decimal
    qualifier: Qualifier
    shape: Shape
    extents_km: tuple[Decimal, ...]
    raw_text: str
    span: tuple[int, int]


def _disc_km2(radius: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return tidy((PI * radius * radius).quantize(_CENT, rounding=ROUND_HALF_EVEN))


def _area_from_match(m: re.Match[str], text: str, cleaned: str) -> Area:
    check_not_range_tail(text, cleaned, m.start(), "areas")
    qualifier = combine_qualifiers(text, m.group("pre"), m.group("suf"), is_range=False)
    raw, span = m.group(0), (m.start(), m.end())
    if m.group("area") is not None:
        return Area(tidy(to_decimal(m.group("area"), text)), qualifier, "area", (), raw, span)
    if m.group("side") is not None:
        side = tidy(to_decimal(m.group("side"), text))
        return Area(tidy(side * side), qualifier, "square", (side, side), raw, span)
    if m.group("radius") is not None:
        radius = tidy(to_decimal(m.group("radius"), text))
        if m.group("within") and qualifier == "exact":
            qualifier = "at_most"
        return Area(_disc_km2(radius), qualifier, "radius", (radius,), raw, span)
    if m.group("dir1") is not None:
        if m.group("dir1") == m.group("dir2"):
            raise NormalizeError(text, f"{raw!r} gives the same direction twice")
        a, b = tidy(to_decimal(m.group("len1"), text)), tidy(to_decimal(m.group("len2"), text))
    else:
        a, b = tidy(to_decimal(m.group("by1"), text)), tidy(to_decimal(m.group("by2"), text))
    return Area(tidy(a * b), qualifier, "rectangle", (a, b), raw, span)


def find_areas(text: str, *, strict: bool = True) -> list[Area]:
    """Every area expression in a passage, in order, with spans into ``clean_text(text)``.

    ``strict=False`` leaves out an area that cannot be read (a range of areas, a direction given twice).

    A lone length (中心から10km) is not an area and is not returned.

    >>> [a.km2 for a in find_areas("約24平方キロメートル、約5キロ四方")]
    [Decimal('24'), Decimal('25')]
    """
    cleaned = clean_text(text)
    reject_garbled_digits(text, cleaned)
    return read_matches(_AREA_RE.finditer(cleaned), lambda m: _area_from_match(m, text, cleaned), strict=strict)


def parse_area(text: str) -> Area:
    """Exactly one area expression in ``text``; NormalizeError if none or several.

    >>> a = parse_area("南北50km東西15km程度")
    >>> (a.km2, a.qualifier, a.shape, a.extents_km)
    (Decimal('750'), 'approx', 'rectangle', (Decimal('50'), Decimal('15')))
    >>> a = parse_area("半径50km範囲内")
    >>> (a.km2, a.qualifier, a.extents_km)
    (Decimal('7853.98'), 'at_most', (Decimal('50'),))
    """
    return exactly_one(find_areas(text), text, "area")
