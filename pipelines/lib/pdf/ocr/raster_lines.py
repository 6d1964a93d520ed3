"""Ruled lines of a scan, found in its pixels: another edge source for the same grid code as vector rules.

After deskewing, the ink is binarised with a local (adaptive) threshold, so a shaded cell is paper inside and
only its rules and text are ink. A morphological opening with a long thin kernel keeps runs of ink longer than
any glyph, horizontally and vertically; each run thinner than a rule may be becomes one line, in PDF points,
shaped like pdfplumber's line objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

MIN_RULE_PT = 30.0  # a rule is longer than any glyph of a slide (a title's ー is about 24 pt)
MAX_RULE_THICKNESS_PT = 4.0  # thicker runs of ink are fills or pictures, not rules
_BLOCK_PT = 8.0  # the adaptive threshold's neighbourhood


@dataclass(frozen=True)
class RasterLine:
    """One ruled line in PDF points: horizontal (top == bottom) or vertical (x0 == x1)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        """True for a horizontal rule."""
        return self.top == self.bottom


def _rule_ink(gray: np.ndarray, scale: float) -> np.ndarray:
    block = max(int(_BLOCK_PT * scale) | 1, 3)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)


def _runs(gray: np.ndarray, scale: float, horizontal: bool) -> np.ndarray:
    """Ink in runs longer than any glyph, one way."""
    length = max(int(MIN_RULE_PT * scale), 3)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    return cv2.morphologyEx(_rule_ink(gray, scale), cv2.MORPH_OPEN, kernel)


def without_rules(gray: np.ndarray, scale: float) -> np.ndarray:
    """The page with its ruled lines painted out: a crop of a cell's text then holds no border for an engine to
    read as 1 or |."""
    mask = cv2.bitwise_or(_runs(gray, scale, True), _runs(gray, scale, False))
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=max(1, int(scale)))
    out = gray.copy()
    out[mask > 0] = 255
    return out


MIN_FILL_PT = (12.0, 40.0)  # a shaded region this large (short side, long side) is a cell's fill, not an arrow
FILL_BELOW = 235  # gray levels darker than this are shading (paper is near 255)


MIN_STEP = 12  # gray levels: a fill edge is a step in shade at least this large across it


def _step(gray: np.ndarray, edge: tuple[int, int, int, int], vertical: bool, offset: int, width: int) -> float:
    """The difference in median shade between the two strips beside an edge (pixels), rules and text aside."""
    x0, y0, x1, y1 = edge
    if vertical:
        a = gray[y0:y1, max(x0 - offset - width, 0) : max(x0 - offset, 0)]
        b = gray[y0:y1, x0 + offset : x0 + offset + width]
    else:
        a = gray[max(y0 - offset - width, 0) : max(y0 - offset, 0), x0:x1]
        b = gray[y0 + offset : y0 + offset + width, x0:x1]
    if not a.size or not b.size:
        return 255.0
    return abs(float(np.median(a)) - float(np.median(b)))


def fill_edges(gray: np.ndarray, scale: float) -> list[RasterLine]:
    """The edges of every shaded region larger than any glyph: a cell filled with a shade (or black) has an
    edge there even where no rule is drawn, as a vector fill gives pdfplumber one. An edge is kept only where the
    shade steps across it (a light band broken up by speckle has pieces, but no step between them), and only where
    it is longer than any glyph (the ends of a shaded row are no column rule)."""
    shade = (cv2.medianBlur(gray, 5) < FILL_BELOW).astype(np.uint8) * 255
    size = max(int(MIN_FILL_PT[0] * scale), 3)
    shade = cv2.morphologyEx(shade, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))
    contours, _ = cv2.findContours(shade, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    blurred = cv2.medianBlur(gray, 5)
    offset, width = max(int(2 * scale), 1), max(int(3 * scale), 2)
    out = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if min(w, h) < MIN_FILL_PT[0] * scale or max(w, h) < MIN_FILL_PT[1] * scale:
            continue
        edges = [
            ((x, y, x + w, y), False),
            ((x, y + h, x + w, y + h), False),
            ((x, y, x, y + h), True),
            ((x + w, y, x + w, y + h), True),
        ]
        for (ex0, ey0, ex1, ey1), vertical in edges:
            if max(ex1 - ex0, ey1 - ey0) < MIN_FILL_PT[1] * scale:  # the short side of a band: no cell edge
                continue
            if _step(blurred, (ex0, ey0, ex1, ey1), vertical, offset, width) >= MIN_STEP:
                out.append(RasterLine(ex0 / scale, ey0 / scale, ex1 / scale, ey1 / scale))
    return out


def find_raster_lines(gray: np.ndarray, scale: float) -> list[RasterLine]:
    """Every horizontal and vertical rule of a deskewed page (scale: pixels per point), and the edges of its
    shaded regions."""
    thick = MAX_RULE_THICKNESS_PT * scale
    out: list[RasterLine] = fill_edges(gray, scale)
    for horizontal in (True, False):
        runs = _runs(gray, scale, horizontal)
        contours, _ = cv2.findContours(runs, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            if (h if horizontal else w) > thick:
                continue
            if horizontal:
                mid = (y + h / 2) / scale
                out.append(RasterLine(x / scale, mid, (x + w) / scale, mid))
            else:
                mid = (x + w / 2) / scale
                out.append(RasterLine(mid, y / scale, mid, (y + h) / scale))
    return out


def line_objects(lines: list[RasterLine], page_height: float, doctop: float = 0.0) -> list[dict[str, Any]]:
    """The rules as pdfplumber line objects (what `page.lines` holds for a vector rule)."""
    out = []
    for ln in lines:
        out.append(
            {
                "object_type": "line",
                "x0": ln.x0,
                "x1": ln.x1,
                "top": ln.top,
                "bottom": ln.bottom,
                "doctop": ln.top + doctop,
                "y0": page_height - ln.bottom,
                "y1": page_height - ln.top,
                "width": ln.x1 - ln.x0,
                "height": ln.bottom - ln.top,
                "pts": [(ln.x0, ln.top), (ln.x1, ln.bottom)],
                "linewidth": 1.0,
                "stroke": True,
                "fill": False,
                "stroking_color": (0,),
                "non_stroking_color": None,
                "origin": "raster_lines",
            }
        )
    return out
