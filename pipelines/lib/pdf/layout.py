"""Page geometry with pdfplumber: ruled grids with merged cells, the page title, and text lines around tables."""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pdfplumber.page import Page

from pipelines.lib.pdf.text import glue, is_soft_wrap, join_wrapped_lines, line_text

BBox = tuple[float, float, float, float]

# Ruled slide tables: cells are drawn with lines, so find them from the ruling, not from text alignment.
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
TITLE_MIN_SIZE = 14.0  # slide titles are set at 17-20 pt, body text at 8-12 pt
FOOTER_TOP = 505.0  # fraction-free: the page number sits below this on a 720x540 slide
_LINE_TOLERANCE = 2.0


@dataclass(frozen=True)
class GridCell:
    """One position of a ruled grid; merged positions repeat the spanning cell's text."""

    row: int
    col: int
    text: str
    is_merged_fill: bool
    bbox: BBox


@dataclass
class Grid:
    """A ruled table as a full rectangular grid of cells."""

    page: int
    bbox: BBox
    n_rows: int
    n_cols: int
    padding: float = 3.0
    cells: list[GridCell] = field(default_factory=list)

    def rows(self) -> list[list[str]]:
        """The grid as lists of cell texts, row by row."""
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row][c.col] = c.text
        return out


@dataclass(frozen=True)
class TextLine:
    """One visual line of text (CJK spaces removed) with its chars kept for wrap decisions."""

    text: str
    bbox: BBox
    size: float
    chars: tuple[dict[str, Any], ...]


def _boundaries(values: Sequence[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(bounds: Sequence[float], v: float, tol: float = 1.5) -> int:
    for i, b in enumerate(bounds):
        if abs(b - v) <= tol:
            return i
    raise ValueError(f"coordinate {v} is not on the grid {bounds}")


_PAGE_LINES: weakref.WeakKeyDictionary[Page, list[TextLine]] = weakref.WeakKeyDictionary()


def text_lines(page: Page, bbox: BBox | None = None) -> list[TextLine]:
    """The text lines inside bbox (or the page), top to bottom, each with its chars (whole pages are memoized)."""
    if bbox is None:
        if page not in _PAGE_LINES:
            _PAGE_LINES[page] = _text_lines(page, None)
        return _PAGE_LINES[page]
    return _text_lines(page, bbox)


def _text_lines(page: Page, bbox: BBox | None) -> list[TextLine]:
    chars = [c for c in page.chars if c.get("upright", True) and not c["text"].isspace()]
    if bbox is not None:  # fully within, as pdfplumber's within_bbox, without cropping every object type
        x0, top, x1, bottom = bbox
        chars = [c for c in chars if c["x0"] >= x0 and c["x1"] <= x1 and c["top"] >= top and c["bottom"] <= bottom]
    chars.sort(key=lambda c: (round(c["top"], 0), c["x0"]))
    lines: list[list[dict[str, Any]]] = []
    for ch in sorted(chars, key=lambda c: c["top"]):
        for ln in lines:
            if abs(ln[0]["top"] - ch["top"]) <= _LINE_TOLERANCE and abs(ln[0]["bottom"] - ch["bottom"]) <= 4:
                ln.append(ch)
                break
        else:
            lines.append([ch])
    out = []
    for ln in sorted(lines, key=lambda ln: min(c["top"] for c in ln)):
        ln.sort(key=lambda c: c["x0"])
        out.append(
            TextLine(
                text=line_text(ln),
                bbox=(
                    min(c["x0"] for c in ln),
                    min(c["top"] for c in ln),
                    max(c["x1"] for c in ln),
                    max(c["bottom"] for c in ln),
                ),
                size=max(float(c["size"]) for c in ln),
                chars=tuple(ln),
            )
        )
    return out


def join_lines(lines: Sequence[TextLine], right_edge: float) -> str:
    """Join visual lines into text: soft wraps joined, real breaks kept as newlines."""
    if not lines:
        return ""
    return join_wrapped_lines([ln.chars for ln in lines], right_edge)


def _title_lines(page: Page, grids: Sequence[Grid]) -> list[TextLine]:
    top = [ln for ln in text_lines(page, (0, 0, page.width, page.height * 0.2)) if not _inside(ln.bbox, grids)]
    biggest = max((ln.size for ln in top), default=0.0)
    if biggest < TITLE_MIN_SIZE:
        return []
    return [ln for ln in top if ln.size >= biggest - 0.5]


def page_title(page: Page, grids: Sequence[Grid] = ()) -> str:
    """The slide title: the line(s) in the largest type at the top of the page, outside any table."""
    return "".join(ln.text for ln in _title_lines(page, grids))


def _inside(bbox: BBox, grids: Sequence[Grid]) -> bool:
    x_mid, y_mid = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return any(g.bbox[0] <= x_mid <= g.bbox[2] and g.bbox[1] <= y_mid <= g.bbox[3] for g in grids)


def _cell_padding(left_gaps: Sequence[float]) -> float:
    """The table's inner cell padding: the most common left gap (centred cells have larger ones)."""
    if not left_gaps:
        return 3.0
    rounded = Counter(round(g, 1) for g in left_gaps if g >= 0)
    return rounded.most_common(1)[0][0] if rounded else 3.0


def find_grids(page: Page) -> list[Grid]:
    """Every ruled table on the page as a full grid, merged cells filled and flagged, soft wraps joined."""
    grids: list[Grid] = []
    for table in page.find_tables(TABLE_SETTINGS):
        cells = [c for c in table.cells if c[2] - c[0] > 1 and c[3] - c[1] > 1]
        if not cells:
            continue
        xs = _boundaries([c[0] for c in cells] + [c[2] for c in cells])
        ys = _boundaries([c[1] for c in cells] + [c[3] for c in cells])
        contents = [(c, text_lines(page, c)) for c in cells]
        pad = _cell_padding([lines[0].bbox[0] - c[0] for c, lines in contents if lines])
        grid = Grid(page.page_number, tuple(table.bbox), n_rows=len(ys) - 1, n_cols=len(xs) - 1, padding=pad)
        for bbox, lines in contents:
            text = join_lines(lines, bbox[2] - max(pad, 0.0))
            r0, r1 = _index(ys, bbox[1]), _index(ys, bbox[3])
            c0, c1 = _index(xs, bbox[0]), _index(xs, bbox[2])
            for r in range(r0, r1):
                for c in range(c0, c1):
                    grid.cells.append(GridCell(r, c, text, (r, c) != (r0, c0), (xs[c], ys[r], xs[c + 1], ys[r + 1])))
        grid.cells.sort(key=lambda c: (c.row, c.col))
        grids.append(grid)
    grids.sort(key=lambda g: (g.bbox[1], g.bbox[0]))
    return grids


def lines_outside(page: Page, grids: Sequence[Grid]) -> list[TextLine]:
    """Body text lines that are not inside any grid, without the title and the page number."""
    out = []
    title = {ln.bbox for ln in _title_lines(page, grids)}
    for ln in text_lines(page):
        if ln.bbox in title:
            continue
        if ln.bbox[1] >= FOOTER_TOP and ln.text.isdigit():
            continue
        if _inside(ln.bbox, grids):
            continue
        out.append(ln)
    return out


def paragraphs(lines: Sequence[TextLine], right_edge: float) -> list[tuple[str, BBox]]:
    """Group consecutive lines into logical paragraphs (soft wraps joined), each with its bbox."""
    out: list[tuple[str, BBox]] = []
    text = ""
    boxes: list[BBox] = []
    prev: TextLine | None = None
    for ln in lines:
        new_para = (
            prev is None
            or ln.bbox[1] - prev.bbox[3] > prev.size * 1.2
            or not is_soft_wrap(prev.chars, ln.chars, right_edge)
        )
        if new_para:
            if boxes:
                out.append((text, _union(boxes)))
            text, boxes = ln.text, [ln.bbox]
        else:
            text = glue(text, ln.text)
            boxes.append(ln.bbox)
        prev = ln
    if boxes:
        out.append((text, _union(boxes)))
    return out


def _union(boxes: Sequence[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
