"""Page geometry with pdfplumber: ruled grids with merged cells, the page title, and text lines around tables."""

from __future__ import annotations

import bisect
import statistics
import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pdfplumber.page import Page

from pipelines.lib.pdf.text import (
    _WORD_GAP,
    NO_EVIDENCE,
    Spacing,
    glue,
    is_soft_wrap,
    join_wrapped_lines,
    line_text,
    measure_spacing,
)

BBox = tuple[float, float, float, float]

# Ruled slide tables: cells are drawn with lines, so find them from the ruling, not from text alignment.
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
# Edge sources pdfplumber offers besides the default, tried in this order on a grid in doubt. Producers
# draw one table differently: LibreOffice strokes the rules and fills each cell with one rect; cairo
# splits fills into many rects and draws the outlines of bold glyphs as small curves and rects, whose
# edges the default snapping merges into column rules at the wrong place. Sizes are relative to the
# body text of the table (its median glyph size), never absolute.
EDGE_SOURCES: tuple[str, ...] = (
    "shapes larger than a glyph",  # explicit edges from every drawn shape but glyph-sized ones
    "edges longer than a glyph",  # the default, with edges shorter than a glyph dropped before snapping
    "stroked lines only",  # pdfplumber's lines_strict
    "tight snapping",  # the default with 1 pt snap/join/intersection tolerances
    "filled rects only",  # explicit edges from filled rects larger than a glyph
)
GLYPH_SIZED = 1.5  # em: a shape no larger than this either way is a glyph (or part of one), never a rule
TITLE_MIN_RATIO = 1.2  # a slide title is set at least this much larger than the page's body text
# Fractions of the slide's extent (its text from top to bottom, not the paper: a slide printed on A4 may sit
# in the middle of the sheet): the title is in the top fifth, the page number in the bottom 6.5%.
TITLE_ZONE = 0.2
FOOTER_ZONE = 0.065
_BASELINE_TOLERANCE = 0.3  # em: glyphs whose baselines differ by less share a line
_MID_HEIGHT = 0.35  # em above the baseline: the middle of a glyph, whatever ascent/descent the font claims


@dataclass(frozen=True)
class GridCell:
    """One position of a ruled grid; merged positions repeat the spanning cell's text."""

    row: int
    col: int
    text: str
    is_merged_fill: bool
    bbox: BBox
    confidence: float | None = None  # the lowest OCR confidence of its characters; None for a text layer


@dataclass
class Grid:
    """A ruled table as a full rectangular grid of cells."""

    page: int
    bbox: BBox
    n_rows: int
    n_cols: int
    padding: float = 3.0
    cells: list[GridCell] = field(default_factory=list)
    cuts: int = 0  # text runs a cell edge cuts through (0 for a grid that fits its text)
    edge_source: str = "default"  # which pdfplumber edge source gave the grid
    origin: str = "rules"  # where its edges come from: rules, partial_rules or text_alignment

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
    spacing: Spacing = NO_EVIDENCE


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
_PAGE_CHARS: weakref.WeakKeyDictionary[Page, list[dict[str, Any]]] = weakref.WeakKeyDictionary()
_PAGE_SPACING: weakref.WeakKeyDictionary[Page, Spacing] = weakref.WeakKeyDictionary()
_PAGE_TITLE_ZONE: weakref.WeakKeyDictionary[Page, tuple[list[TextLine], float]] = weakref.WeakKeyDictionary()


def baseline(ch: dict[str, Any]) -> float:
    """A glyph's baseline (top-down page coordinates): its origin, not its box, whose ascent and descent
    come from the font descriptor and differ between producers of the same text."""
    return float(ch["bottom"] + ch["y0"] - ch["matrix"][5])


def glyph_size(ch: dict[str, Any]) -> float:
    """A glyph's font size (10 pt when the PDF gives none)."""
    return float(ch.get("size") or 10) or 10.0


def _centre(ch: dict[str, Any]) -> tuple[float, float]:
    return (ch["x0"] + ch["x1"]) / 2, baseline(ch) - _MID_HEIGHT * glyph_size(ch)


def _chars(page: Page) -> list[dict[str, Any]]:
    """The page's upright, visible characters (memoized per page)."""
    if page not in _PAGE_CHARS:
        _PAGE_CHARS[page] = [c for c in page.chars if c.get("upright", True) and not c["text"].isspace()]
    return _PAGE_CHARS[page]


def page_spacing(page: Page) -> Spacing:
    """The page's autospace and word space, measured from its own glyphs (memoized per page)."""
    if page not in _PAGE_SPACING:
        spaces = [(c["x1"] - c["x0"]) / glyph_size(c) for c in page.chars if c["text"] == " " and c["x1"] > c["x0"]]
        _PAGE_SPACING[page] = measure_spacing((ln.chars for ln in group_lines(_chars(page), None)), spaces)
    return _PAGE_SPACING[page]


def text_lines(page: Page, bbox: BBox | None = None) -> list[TextLine]:
    """The text lines inside bbox (or the page), top to bottom, each with its chars (whole pages are memoized).

    A glyph is inside bbox when its middle is.
    """
    if bbox is None:
        if page not in _PAGE_LINES:
            _PAGE_LINES[page] = group_lines(_chars(page), page_spacing(page))
        return _PAGE_LINES[page]
    return group_lines(_within(_chars(page), bbox), page_spacing(page))


def _within(chars: Sequence[dict[str, Any]], bbox: BBox) -> list[dict[str, Any]]:
    x0, top, x1, bottom = bbox
    out = []
    for c in chars:
        x, y = _centre(c)
        if x0 <= x <= x1 and top <= y <= bottom:
            out.append(c)
    return out


def group_lines(chars: Sequence[dict[str, Any]], spacing: Spacing | None) -> list[TextLine]:
    """Glyphs grouped into visual lines by baseline (a tolerance relative to the font size), left to right."""
    lines: list[list[dict[str, Any]]] = []
    current_base = 0.0
    for ch in sorted(chars, key=baseline):
        b = baseline(ch)
        if lines and b - current_base <= _BASELINE_TOLERANCE * min(glyph_size(ch), glyph_size(lines[-1][0])):
            lines[-1].append(ch)
        else:
            lines.append([ch])
            current_base = b
    out = []
    for ln in lines:
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
                size=max(glyph_size(c) for c in ln),
                chars=tuple(ln),
                spacing=spacing or NO_EVIDENCE,
            )
        )
    return out


def lowest_confidence(lines: Sequence[TextLine]) -> float | None:
    """The lowest OCR confidence of the lines' characters; None when none was OCR'd (a text layer's glyphs)."""
    return min((c["confidence"] for ln in lines for c in ln.chars if "confidence" in c), default=None)


def join_lines(lines: Sequence[TextLine], right_edge: float) -> str:
    """Join visual lines into text: soft wraps joined, real breaks kept as newlines."""
    if not lines:
        return ""
    return join_wrapped_lines([ln.chars for ln in lines], right_edge, lines[0].spacing)


def _title_zone(page: Page) -> tuple[list[TextLine], float]:
    """The lines in the top fifth of the slide and the page's body size (memoized per page: every table's
    annotations and every text block ask for the title)."""
    if page not in _PAGE_TITLE_ZONE:
        first, last = _text_extent(page)
        zone = (0, first, page.width, first + TITLE_ZONE * (last - first))
        _PAGE_TITLE_ZONE[page] = (text_lines(page, zone), _body_size(page))
    return _PAGE_TITLE_ZONE[page]


def _title_lines(page: Page, grids: Sequence[Grid]) -> list[TextLine]:
    zone, body = _title_zone(page)
    top = [ln for ln in zone if not _inside(ln.bbox, grids)]
    biggest = max((ln.size for ln in top), default=0.0)
    if not top or biggest < TITLE_MIN_RATIO * body:
        return []
    return [ln for ln in top if ln.size >= biggest - 0.5]


def page_title(page: Page, grids: Sequence[Grid] = ()) -> str:
    """The slide title: the line(s) in the largest type at the top of the page, outside any table."""
    return "".join(ln.text for ln in _title_lines(page, grids))


def _text_extent(page: Page) -> tuple[float, float]:
    """Top of the page's highest glyph and bottom of its lowest: where the slide's content sits on the sheet."""
    chars = _chars(page)
    if not chars:
        return 0.0, float(page.height)
    return min(c["top"] for c in chars), max(c["bottom"] for c in chars)


def _body_size(page: Page) -> float:
    """The page's most common text size (the median glyph size)."""
    sizes = [glyph_size(c) for c in _chars(page)]
    return statistics.median(sizes) if sizes else 0.0


def _inside(bbox: BBox, grids: Sequence[Grid]) -> bool:
    x_mid, y_mid = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return any(g.bbox[0] <= x_mid <= g.bbox[2] and g.bbox[1] <= y_mid <= g.bbox[3] for g in grids)


def _cell_padding(left_gaps: Sequence[float]) -> float:
    """The table's inner cell padding: the most common left gap (centred cells have larger ones)."""
    if not left_gaps:
        return 3.0
    rounded = Counter(round(g, 1) for g in left_gaps if g >= 0)
    return rounded.most_common(1)[0][0] if rounded else 3.0


GridCheck = Callable[[Grid], bool]


def find_grids(page: Page, fits: GridCheck | None = None) -> list[Grid]:
    """Every ruled table on the page as a full grid, merged cells filled and flagged, soft wraps joined.

    On a page that draws its text as outlines too, glyph-sized shapes are left out of the edges from the
    start. A grid is trusted when no cell edge cuts through a run of characters on one line and it passes `fits`
    (the caller's check, e.g. that its header matches its family). Where pdfplumber's default edges give a
    grid in doubt, the other edge sources are tried on that table's region, and the first grid that cuts
    no text and fits replaces it. When none does, the default grid is kept (with its `cuts`), for the
    caller to report what it found.
    """
    grids: list[Grid] = []
    source = EDGE_SOURCES[0] if outlines_text(page) else "default"
    settings = edge_settings(page, source)
    if settings is None:  # nothing but glyph-sized shapes on the page: no rules, no tables
        return []
    for table in page.find_tables(settings):
        grid = _grid(page, table.cells, tuple(table.bbox), source)
        if grid is None:
            continue
        if grid.cuts or (fits is not None and not fits(grid)):
            grid = _better_grid(page, grid, fits) or grid
        grids.append(grid)
    grids.sort(key=lambda g: (g.bbox[1], g.bbox[0]))
    return grids


def _grid(page: Page, table_cells: Sequence[BBox], bbox: BBox, source: str = "default") -> Grid | None:
    cells = [tuple(c) for c in table_cells if c[2] - c[0] > 1 and c[3] - c[1] > 1]
    if not cells:
        return None
    xs = _boundaries([c[0] for c in cells] + [c[2] for c in cells])
    ys = _boundaries([c[1] for c in cells] + [c[3] for c in cells])
    chars = _within(_chars(page), bbox)
    spacing = page_spacing(page)
    contents = [(c, group_lines(part, spacing)) for c, part in zip(cells, _split_by_cell(chars, cells), strict=True)]
    pad = _cell_padding([lines[0].bbox[0] - c[0] for c, lines in contents if lines])
    grid = Grid(page.page_number, bbox, n_rows=len(ys) - 1, n_cols=len(xs) - 1, padding=pad, edge_source=source)
    em = _body(chars)
    band = _within(_chars(page), (0.0, bbox[1] - em, page.width, bbox[3] + em))  # the table's rows, page-wide
    grid.cuts = edge_cuts(group_lines(band, spacing), cells, xs, ys)
    for cell_bbox, lines in contents:
        text = join_lines(lines, cell_bbox[2] - max(pad, 0.0))
        r0, r1 = _index(ys, cell_bbox[1]), _index(ys, cell_bbox[3])
        c0, c1 = _index(xs, cell_bbox[0]), _index(xs, cell_bbox[2])
        for r in range(r0, r1):
            for c in range(c0, c1):
                box = (xs[c], ys[r], xs[c + 1], ys[r + 1])
                grid.cells.append(GridCell(r, c, text, (r, c) != (r0, c0), box, lowest_confidence(lines)))
    grid.cells.sort(key=lambda c: (c.row, c.col))
    return grid


def _split_by_cell(chars: Sequence[dict[str, Any]], cells: Sequence[BBox]) -> list[list[dict[str, Any]]]:
    """The chars of each cell (by the glyph's middle), found by bisecting the cell boundaries."""
    xs = sorted({c[0] for c in cells} | {c[2] for c in cells})
    ys = sorted({c[1] for c in cells} | {c[3] for c in cells})
    owner: dict[tuple[int, int], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for ci in range(bisect.bisect_left(xs, x0), bisect.bisect_left(xs, x1)):
            for ri in range(bisect.bisect_left(ys, top), bisect.bisect_left(ys, bottom)):
                owner.setdefault((ri, ci), i)
    out: list[list[dict[str, Any]]] = [[] for _ in cells]
    for ch in chars:
        x, y = _centre(ch)
        i = owner.get((bisect.bisect_left(ys, y) - 1, bisect.bisect_left(xs, x) - 1))
        if i is not None:
            out[i].append(ch)
    return out


def _runs(chars: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A line's runs: glyphs set one after the other, with no word space (or wider gap) between them."""
    runs: list[list[dict[str, Any]]] = []
    for ch in chars:
        if runs and ch["x0"] - runs[-1][-1]["x1"] <= _WORD_GAP * glyph_size(ch):
            runs[-1].append(ch)
        else:
            runs.append([ch])
    return runs


def edge_cuts(lines: Sequence[TextLine], cells: Sequence[BBox], xs: Sequence[float], ys: Sequence[float]) -> int:
    """How many runs of characters a cell edge (outer edges included) cuts through: vertically between two
    glyphs of a run, or horizontally through the middle of a line's glyphs. A grid drawn from the right
    edges cuts none."""
    edge_xs = list(xs)
    edge_ys = list(ys)
    v_edges = {(round(x, 1), c[1], c[3]) for c in cells for x in (c[0], c[2])}
    h_edges = {(round(y, 1), c[0], c[2]) for c in cells for y in (c[1], c[3])}
    cuts = 0
    for ln in lines:
        for run in _runs(ln.chars):
            if len(run) < 2:
                continue
            lo, y = _centre(run[0])
            hi = _centre(run[-1])[0]
            i = bisect.bisect_right(edge_xs, lo)
            if i < len(edge_xs) and edge_xs[i] < hi:
                cuts += any(lo < x < hi and top < y < bottom for x, top, bottom in v_edges)
        base, size = baseline(ln.chars[0]), ln.size
        upper, lower = base - 0.75 * size, base - 0.1 * size
        i = bisect.bisect_right(edge_ys, upper)
        if i < len(edge_ys) and edge_ys[i] < lower:
            mids = [_centre(c)[0] for c in ln.chars]
            cuts += any(upper < y < lower and any(x0 < m < x1 for m in mids) for y, x0, x1 in h_edges)
    return cuts


def _body(chars: Sequence[dict[str, Any]]) -> float:
    return statistics.median(glyph_size(c) for c in chars) if chars else 0.0


def _glyph_sized(obj: dict[str, Any], body: float) -> bool:
    return max(obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]) <= GLYPH_SIZED * body


def outlines_text(page: Page) -> bool:
    """True when the page draws glyph-sized shapes over its characters: a producer drew (bold) text as
    outlines as well as text, and those shapes are no rules of any table."""
    chars = sorted(_chars(page), key=lambda c: c["x0"])
    if not chars:
        return False
    body = _body(chars)
    starts = [c["x0"] for c in chars]
    widest = max(c["x1"] - c["x0"] for c in chars)
    for obj in (*page.rects, *page.curves):
        if not _glyph_sized(obj, body):
            continue
        x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
        near = chars[bisect.bisect_left(starts, x0 - widest) : bisect.bisect_left(starts, x1)]
        if any(x0 < c["x1"] and c["top"] < bottom and top < c["bottom"] for c in near):
            return True
    return False


def edge_settings(page: Page, source: str, bbox: BBox | None = None) -> dict[str, Any] | None:
    """pdfplumber table settings for one edge source, sized to the body text of bbox (or the page).

    None when the source has nothing to offer there (an explicit source needs two shapes at least)."""
    chars = _chars(page) if bbox is None else _within(_chars(page), bbox)
    body = max(_body(chars), 1.0)
    explicit = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit"}
    if source == "shapes larger than a glyph":
        shapes = [o for o in (*page.rects, *page.curves, *page.lines) if not _glyph_sized(o, body)]
        if len(shapes) < 2:
            return None
        return {**TABLE_SETTINGS, **explicit, "explicit_vertical_lines": shapes, "explicit_horizontal_lines": shapes}
    if source == "edges longer than a glyph":
        return {**TABLE_SETTINGS, "edge_min_length_prefilter": body}
    if source == "stroked lines only":
        return {**TABLE_SETTINGS, "vertical_strategy": "lines_strict", "horizontal_strategy": "lines_strict"}
    if source == "tight snapping":
        return {**TABLE_SETTINGS, "snap_tolerance": 1, "join_tolerance": 1, "intersection_tolerance": 1}
    if source == "filled rects only":
        rects = [r for r in page.rects if r.get("fill") and min(r["width"], r["height"]) > body]
        if len(rects) < 2:
            return None
        return {**TABLE_SETTINGS, **explicit, "explicit_vertical_lines": rects, "explicit_horizontal_lines": rects}
    return dict(TABLE_SETTINGS)


def _better_grid(page: Page, doubtful: Grid, fits: GridCheck | None) -> Grid | None:
    """A grid of the same region from another edge source that cuts no text and fits; None if there is none."""
    x0, top, x1, bottom = doubtful.bbox
    region = page.crop((max(x0 - 2, 0), max(top - 2, 0), min(x1 + 2, page.width), min(bottom + 2, page.height)))
    for name in EDGE_SOURCES:
        if name == doubtful.edge_source:
            continue
        settings = edge_settings(page, name, doubtful.bbox)
        if settings is None:
            continue
        tables = region.find_tables(settings)
        best = max(tables, key=lambda t: _overlap(tuple(t.bbox), doubtful.bbox), default=None)
        if best is None or _overlap(tuple(best.bbox), doubtful.bbox) < 0.5:
            continue
        grid = _grid(page, best.cells, tuple(best.bbox), name)
        if grid is not None and not grid.cuts and (fits is None or fits(grid)):
            return grid
    return None


def _overlap(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _page_number_lines(page: Page, grids: Sequence[Grid]) -> list[TextLine]:
    """Lines of nothing but digits at the foot of the slide, outside any table: the page number."""
    first, last = _text_extent(page)
    footer_top = last - FOOTER_ZONE * (last - first)
    return [
        ln for ln in text_lines(page) if ln.bbox[1] >= footer_top and ln.text.isdigit() and not _inside(ln.bbox, grids)
    ]


def page_furniture(page: Page, grids: Sequence[Grid]) -> tuple[list[TextLine], list[TextLine]]:
    """The slide title's lines and the page number's lines: printed on the page, but not its body."""
    return _title_lines(page, grids), _page_number_lines(page, grids)


def lines_outside(page: Page, grids: Sequence[Grid]) -> list[TextLine]:
    """Body text lines that are not inside any grid, without the title and the page number."""
    title, numbers = page_furniture(page, grids)
    furniture = {ln.bbox for ln in (*title, *numbers)}
    return [ln for ln in text_lines(page) if ln.bbox not in furniture and not _inside(ln.bbox, grids)]


SET_APART_EMS = 3.0
"""An OCR'd line starting this many font sizes right of the next line's start is set apart (a right-aligned date,
2004年4月現在, above a heading): no wrapped line starts there. An engine's boxes are too loose to tell from the
room left at the line's end alone."""


def _set_apart(prev: TextLine, ln: TextLine) -> bool:
    ocr = bool(prev.chars) and "confidence" in prev.chars[0]
    return ocr and prev.bbox[0] - ln.bbox[0] > SET_APART_EMS * prev.size


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
            or not is_soft_wrap(prev.chars, ln.chars, right_edge, ln.spacing)
            or _set_apart(prev, ln)
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
