"""Grids from text where a table has no rules: columns from gutters of white space that run through its rows, rows
from the bands its cells' text fills, and horizontal rules where a table still has them.

A cell's text is a *block*: lines of one column set at the column's line pitch. Blocks that overlap vertically
(across columns) belong to one *band*; a gap no block crosses is a row edge, and so is a horizontal rule. Inside a
band, the column with most blocks sets the rows; a block that overlaps several rows spans them (a merged cell). A
label set alone in its column, centred on a run of rows whose cells in that column are empty, spans that run, and
beside a label over several rows a column with one cell there spans them too (the group's attributes). A wrapped
cell stays one cell because its lines keep the column's line pitch. Several readings are tried (white columns no
text crosses, then ones a lone label at the left may cross); the first that cuts no text and fits is kept.
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdfplumber.page import Page

from pipelines.lib.pdf.layout import (
    BBox,
    Grid,
    GridCell,
    GridCheck,
    TextLine,
    baseline,
    edge_cuts,
    glyph_size,
    group_lines,
    join_lines,
    lines_outside,
    page_spacing,
)

TABULAR_GAP = 0.6  # em: a gap this wide inside a line separates two cells (word spaces are ~0.3 em)
MIN_GUTTER = 0.5  # em: narrowest white column that separates two table columns
SPANNING = (False, True)  # whether lines alone at the left edge may cross gutters (labels spanning columns),
# tried in this order: white columns no text crosses first
BLOCK_PITCH = 1.45  # line pitch (in em) above which two lines of one column are two cells
MAX_LINE_GAP = 3.0  # em between two lines of one table region; a wider gap ends it
MIN_SHAPE = (3, 2)  # rows and columns of an inferred grid
CENTRE_TOLERANCE = 0.35  # em: a label is centred on a run of rows when the centres differ by less
WRAP_SLACK = 0.1  # em past a column's longest line that its lines may reach: wider than the fit margin for rounding
_ASCENT, _DESCENT = 0.8, 0.2  # em above and below the baseline: a line's box, whatever the font claims


@dataclass
class _Block:
    col: int
    lines: list[TextLine]
    last_col: int = -1  # the last column a spanning cell covers (col when it covers one)

    @property
    def top(self) -> float:
        return baseline(self.lines[0].chars[0]) - _ASCENT * self.lines[0].size

    @property
    def bottom(self) -> float:
        return baseline(self.lines[-1].chars[0]) + _DESCENT * self.lines[-1].size

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


def _segments(line: TextLine) -> list[list[dict[str, Any]]]:
    """A line's pieces separated by gaps wider than TABULAR_GAP."""
    out: list[list[dict[str, Any]]] = []
    for ch in line.chars:
        if out and ch["x0"] - out[-1][-1]["x1"] > TABULAR_GAP * glyph_size(ch):
            out.append([ch])
        elif out:
            out[-1].append(ch)
        else:
            out.append([ch])
    return out


def _regions(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """Runs of body lines of one size that start and end with a line of several pieces (a table's rows)."""
    regions: list[list[TextLine]] = []
    run: list[TextLine] = []
    for ln in sorted(lines, key=lambda ln: baseline(ln.chars[0])):
        if run:
            prev = run[-1]
            gap = baseline(ln.chars[0]) - baseline(prev.chars[0])
            if abs(ln.size - prev.size) > 0.08 * prev.size or gap > MAX_LINE_GAP * prev.size:
                regions.append(run)
                run = []
        run.append(ln)
    if run:
        regions.append(run)
    out = []
    for region in regions:
        tabular = [i for i, ln in enumerate(region) if len(_segments(ln)) >= 2]
        if len(tabular) >= 2:
            out.append(_trimmed(region, tabular[0], tabular[-1]))
    return out


def _trimmed(region: Sequence[TextLine], first: int, last: int) -> list[TextLine]:
    """The region from its first to its last line of several pieces, extended over the lines next to them that
    stay inside the columns (a header of one cell), not over lines that cross a gutter (a lead or a note)."""
    core = region[first : last + 1]
    em = statistics.median(ln.size for ln in core)
    lone = _lone_labels(core, em)
    pieces = [(seg[0]["x0"], seg[-1]["x1"]) for i, ln in enumerate(core) if i not in lone for seg in _segments(ln)]
    mids = [(a + b) / 2 for a, b in _gutters(pieces, em)]

    def inside(ln: TextLine) -> bool:
        return not any(seg[0]["x0"] < m < seg[-1]["x1"] for seg in _segments(ln) for m in mids)

    while first > 0 and inside(region[first - 1]):
        first -= 1
    while last + 1 < len(region) and inside(region[last + 1]):
        last += 1
    return list(region[first : last + 1])


def _gutters(segments: Sequence[tuple[float, float]], em: float) -> list[tuple[float, float]]:
    """White columns at least MIN_GUTTER wide that no piece of text crosses, between the region's left and right."""
    spans = sorted(segments)
    out: list[tuple[float, float]] = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= MIN_GUTTER * em:
            out.append((reach, x0))
        reach = max(reach, x1)
    return out


def _lone_labels(lines: Sequence[TextLine], em: float) -> set[int]:
    """Lines set alone (one piece) from the region's left edge: labels and headings that may span columns."""
    left = min(ln.bbox[0] for ln in lines)
    return {i for i, ln in enumerate(lines) if len(_segments(ln)) == 1 and ln.bbox[0] - left < MIN_GUTTER * em}


def _blocks(chars: Sequence[dict[str, Any]], col: int, spacing: Any, span: dict[int, int]) -> list[_Block]:
    """One column's text as blocks: lines grouped by baseline, split where the pitch exceeds BLOCK_PITCH; a block
    covers the columns its widest piece spans (``span``: id of a char -> last column)."""
    blocks: list[_Block] = []
    for ln in group_lines(chars, spacing):
        last = max(span.get(id(c), col) for c in ln.chars)
        if blocks:
            prev = blocks[-1].lines[-1]
            if baseline(ln.chars[0]) - baseline(prev.chars[0]) <= BLOCK_PITCH * max(ln.size, prev.size):
                blocks[-1].lines.append(ln)
                blocks[-1].last_col = max(blocks[-1].last_col, last)
                continue
        blocks.append(_Block(col, [ln], last))
    return blocks


def _bands(blocks: Sequence[_Block], rules: Sequence[float]) -> list[list[_Block]]:
    """Blocks grouped into bands: overlapping vertically, and not separated by a horizontal rule."""
    bands: list[list[_Block]] = []
    bottom = -1e9
    for b in sorted(blocks, key=lambda b: b.top):
        ruled = any(bottom <= y <= b.top + 0.3 * b.lines[0].size for y in rules)
        if bands and b.top < bottom and not ruled:
            bands[-1].append(b)
            bottom = max(bottom, b.bottom)
        else:
            bands.append([b])
            bottom = b.bottom
    return bands


def _rows_of_band(band: Sequence[_Block], n_cols: int) -> list[tuple[float, float]] | None:
    """The rows of one band as (top, bottom): set by the column with most blocks; None when columns disagree."""
    per_col: dict[int, list[_Block]] = {}
    for b in band:
        per_col.setdefault(b.col, []).append(b)
    most = max(len(v) for v in per_col.values())
    if most == 1:
        return [(min(b.top for b in band), max(b.bottom for b in band))]
    keys = [sorted(v, key=lambda b: b.top) for v in per_col.values() if len(v) == most]
    rows = []
    for i in range(most):
        rows.append((min(k[i].top for k in keys), max(k[i].bottom for k in keys)))
    for a, b in itertools.pairwise(rows):
        if a[1] > b[0]:
            return None
    return rows


@dataclass
class _Placed:
    block: _Block
    r0: int
    r1: int  # inclusive


def _row_edges(rows: Sequence[tuple[float, float]], rules: Sequence[float], em: float) -> list[float]:
    """Edges between rows: the rule between two rows where there is one, else the middle of the gap; outer edges
    on the rules just outside the text, else on the text."""

    def rule_in(lo: float, hi: float) -> float | None:
        return next((y for y in rules if lo <= y <= hi), None)

    first = rule_in(rows[0][0] - 1.5 * em, rows[0][0] + 0.2 * em)
    last = rule_in(rows[-1][1] - 0.2 * em, rows[-1][1] + 1.5 * em)
    edges = [first if first is not None else rows[0][0] - 1.0]
    for a, b in itertools.pairwise(rows):
        ruled = rule_in(a[1] - 0.2 * em, b[0] + 0.2 * em)
        edges.append(ruled if ruled is not None else (a[1] + b[0]) / 2)
    edges.append(last if last is not None else rows[-1][1] + 1.0)
    return edges


def _place(
    blocks_by_band: Sequence[list[_Block]], n_cols: int, rules: Sequence[float], em: float
) -> tuple[list[float], list[_Placed]] | None:
    """Row edges and every block placed on its rows (and columns); None where two blocks of a column share a row."""
    rows: list[tuple[float, float]] = []
    placed: list[_Placed] = []
    for band in blocks_by_band:
        band_rows = _rows_of_band(band, n_cols)
        if band_rows is None:
            return None
        base = len(rows)
        rows.extend(band_rows)
        for b in band:
            hit = [i for i, (t, btm) in enumerate(band_rows) if b.top < btm and t < b.bottom]
            if not hit:  # between two rows of its band: spans both
                above = [i for i, (t, _) in enumerate(band_rows) if t < b.top]
                hit = [above[-1], min(above[-1] + 1, len(band_rows) - 1)] if above else [0]
            placed.append(_Placed(b, base + min(hit), base + max(hit)))
    for col in range(n_cols):
        mine = sorted((p for p in placed if p.block.col <= col <= p.block.last_col), key=lambda p: p.r0)
        for a, b in itertools.pairwise(mine):
            if b.r0 <= a.r1:
                return None  # two cells of one column in one row: the rows are wrong
    edges = _row_edges(rows, rules, em)
    _group_spans(placed, n_cols)
    _centre_spans(edges, placed, n_cols)
    _group_spans(placed, n_cols)
    _label_spans(placed, n_cols)
    return edges, placed


def _label_spans(placed: Sequence[_Placed], n_cols: int) -> None:
    """A label of the first column spans the columns to its right that are empty over all its rows."""
    for p in placed:
        if p.block.col != 0:
            continue
        while p.block.last_col + 1 < n_cols and not any(
            q.block.col <= p.block.last_col + 1 <= q.block.last_col and q.r0 <= p.r1 and p.r0 <= q.r1 for q in placed
        ):
            p.block.last_col += 1


def _centre_spans(edges: Sequence[float], placed: Sequence[_Placed], n_cols: int) -> None:
    """A block alone in its column over a run of rows, centred on that run, spans it (a merged label)."""
    for col in range(n_cols):
        mine = sorted((p for p in placed if p.block.col == col), key=lambda p: p.r0)
        for i, p in enumerate(mine):
            lo = mine[i - 1].r1 + 1 if i else 0
            hi = mine[i + 1].r0 - 1 if i + 1 < len(mine) else len(edges) - 2
            if lo == p.r0 and hi == p.r1:
                continue
            em = p.block.lines[0].size
            best = (abs((edges[p.r0] + edges[p.r1 + 1]) / 2 - p.block.centre), p.r0, p.r1)
            for a in range(lo, p.r0 + 1):
                for b in range(p.r1, hi + 1):
                    if (a, b) == (p.r0, p.r1) or a == 0 < p.r0:
                        continue  # a label never joins the header row
                    off = abs((edges[a] + edges[b + 1]) / 2 - p.block.centre)
                    if off < CENTRE_TOLERANCE * em and b - a > best[2] - best[1]:
                        best = (off, a, b)  # of the runs it is centred on, the longest: empty labels are merged
            p.r0, p.r1 = best[1], best[2]


def _group_spans(placed: Sequence[_Placed], n_cols: int) -> None:
    """Beside a label that spans rows, a column with one cell in those rows describes the label's group: that cell
    spans the label's rows too (a program's start year beside the program); stops at a column that varies."""
    for p in sorted(placed, key=lambda p: p.block.col):
        if p.r1 == p.r0:
            continue
        for col in range(p.block.last_col + 1, n_cols):
            inside = [q for q in placed if q.block.col == col and q.r0 <= p.r1 and p.r0 <= q.r1]
            if len(inside) != 1 or inside[0].r0 < p.r0 or inside[0].r1 > p.r1:
                break
            inside[0].r0, inside[0].r1 = p.r0, p.r1


def _region_grid(page: Page, lines: Sequence[TextLine], rules: Sequence[float], fits: GridCheck | None) -> Grid | None:
    """The first grid of a region, over the ways of reading its gutters, that cuts no text and fits; else the first
    that cuts no text (kept for the caller to report, as a ruled grid in doubt is); None when every reading cuts."""
    uncut: list[Grid] = []
    for spanning in SPANNING:
        grid = _region_grid_with(page, lines, rules, spanning)
        if grid is None or grid.cuts:
            continue
        if fits is None or fits(grid):
            return grid
        uncut.append(grid)
    return uncut[0] if uncut else None


def _region_grid_with(
    page: Page,
    lines: Sequence[TextLine],
    rules: Sequence[float],
    spanning: bool,
    dropped: frozenset[float] = frozenset(),
) -> Grid | None:
    """One reading of a region; a header centred over a column whose body is set flush left or right stands apart
    from its body, so the gutter between a column of header only and one of body only is dropped and read again."""
    chars = [c for ln in lines for c in ln.chars]
    em = statistics.median(glyph_size(c) for c in chars)
    pieces = [seg for ln in lines for seg in _segments(ln)]
    lone = _lone_labels(lines, em) if spanning else set()
    gutters = _gutters(
        [(seg[0]["x0"], seg[-1]["x1"]) for i, ln in enumerate(lines) if i not in lone for seg in _segments(ln)], em
    )
    if len(gutters) + 1 < MIN_SHAPE[1]:
        return None
    x0 = min(c["x0"] for c in chars)
    x1 = max(c["x1"] for c in chars)
    mids = [m for a, b in gutters if (m := round((a + b) / 2, 2)) not in dropped]
    if len(mids) + 1 < MIN_SHAPE[1]:
        return None
    xs = [x0 - 1.0, *mids, x1 + 1.0]
    n_cols = len(xs) - 1
    by_col: list[list[dict[str, Any]]] = [[] for _ in range(n_cols)]
    span: dict[int, int] = {}
    for seg in pieces:
        first = bisect.bisect_left(mids, (seg[0]["x0"] + seg[0]["x1"]) / 2)
        last = bisect.bisect_left(mids, (seg[-1]["x0"] + seg[-1]["x1"]) / 2)
        if first == last:
            for c in seg:
                by_col[bisect.bisect_left(mids, (c["x0"] + c["x1"]) / 2)].append(c)
            continue
        by_col[first].extend(seg)
        span.update((id(c), last) for c in seg)
    spacing = page_spacing(page)
    blocks = [b for i, cs in enumerate(by_col) for b in _blocks(cs, i, spacing, span)]
    top = min(b.top for b in blocks)
    bottom = max(b.bottom for b in blocks)
    inner = [y for y in rules if top < y < bottom]
    found = _place(_bands(blocks, inner), n_cols, rules, em)
    if found is None:
        return None
    ys, placed = found
    n_rows = len(ys) - 1
    if n_rows < MIN_SHAPE[0]:
        return None
    origin = "partial_rules" if inner else "text_alignment"
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    grid = Grid(page.page_number, bbox, n_rows=n_rows, n_cols=n_cols, padding=0.0, edge_source=origin)
    grid.origin = origin
    # A column's wrap width is at least its longest line: a glyph that ends there fits (no margin for rounding).
    right = [max((c["x1"] for c in cs), default=xs[i + 1]) + WRAP_SLACK * em for i, cs in enumerate(by_col)]
    for p in placed:  # a header centred over its column spans as far right of its middle as the column's text left
        c = p.block.col
        if p.r0 == 0 and p.block.last_col == c and by_col[c]:
            widest = max(p.block.lines, key=lambda ln: ln.bbox[2] - ln.bbox[0])
            right[c] = max(right[c], widest.bbox[0] + widest.bbox[2] - min(ch["x0"] for ch in by_col[c]))
    taken: set[tuple[int, int]] = set()
    boxes: list[BBox] = []
    for p in placed:
        c0, c1 = p.block.col, p.block.last_col
        boxes.append((xs[c0], ys[p.r0], xs[c1 + 1], ys[p.r1 + 1]))
        text = join_lines(p.block.lines, right[c1])
        for r in range(p.r0, p.r1 + 1):
            for c in range(c0, c1 + 1):
                taken.add((r, c))
                cell_box = (xs[c], ys[r], xs[c + 1], ys[r + 1])
                grid.cells.append(GridCell(r, c, text, (r, c) != (p.r0, c0), cell_box))
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) not in taken:
                grid.cells.append(GridCell(r, c, "", False, (xs[c], ys[r], xs[c + 1], ys[r + 1])))
                boxes.append((xs[c], ys[r], xs[c + 1], ys[r + 1]))
    grid.cells.sort(key=lambda c: (c.row, c.col))
    grid.cuts = edge_cuts([ln for b in blocks for ln in b.lines], boxes, xs, ys)
    own = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    for cell in grid.cells:
        own[cell.row][cell.col] = "" if cell.is_merged_fill else cell.text
    apart = _header_apart(own)
    if apart is not None:
        return _region_grid_with(page, lines, rules, spanning, dropped | {mids[apart]})
    return grid


def _header_apart(rows: Sequence[Sequence[str]]) -> int | None:
    """The gutter (by index) between a column that holds only a header and a neighbour that holds only a body."""

    def header_only(c: int) -> bool:
        return bool(rows[0][c]) and not any(r[c] for r in rows[1:])

    def body_only(c: int) -> bool:
        return not rows[0][c] and any(r[c] for r in rows[1:])

    for c in range(len(rows[0])):
        if header_only(c):
            for k in (c + 1, c - 1):
                if 0 <= k < len(rows[0]) and body_only(k):
                    return min(c, k)
    return None


def horizontal_rules(page: Page, body: float) -> list[float]:
    """The y of every horizontal line or thin rect longer than a few glyphs: rules that separate rows."""
    out = []
    for obj in (*page.lines, *page.rects):
        if obj["x1"] - obj["x0"] > 3 * body and obj["bottom"] - obj["top"] < 0.3 * body:
            out.append((obj["top"] + obj["bottom"]) / 2)
    return sorted(out)


def has_shapes(page: Page) -> bool:
    """True when the page draws a line, rect or curve larger than a glyph other than a horizontal rule (vertical
    rules, frames, shading, figures)."""
    chars = [c for c in page.chars if not c["text"].isspace()]
    body = statistics.median(glyph_size(c) for c in chars) if chars else 10.0
    return any(
        max(o["x1"] - o["x0"], o["bottom"] - o["top"]) > 1.5 * body and o["bottom"] - o["top"] >= 0.3 * body
        for o in (*page.lines, *page.rects, *page.curves)
    )


def find_text_grids(page: Page, ruled: Sequence[Grid], fits: GridCheck | None = None) -> list[Grid]:
    """Tables the page sets without (vertical) rules, found from its text outside the ruled grids; each grid cuts
    no text and passes `fits`, or is not returned."""
    body = lines_outside(page, ruled)
    if not body:
        return []
    em = statistics.median(ln.size for ln in body)
    rules = horizontal_rules(page, em)
    out = []
    for region in _regions(body):
        grid = _region_grid(page, region, rules, fits)
        if grid is not None:
            out.append(grid)
    return out


BOX_GAP = 1.5  # em: bands of a passage closer than this are one framed box


def text_boxes(page: Page) -> list[Grid]:
    """The framed boxes of a passage page printed without frames: its body in columns (white gutters through
    every line, whatever the type size), each run of bands closer than BOX_GAP one box of one row, a cell per
    column. Empty when the body is not set in columns."""
    body = lines_outside(page, [])
    if len(body) < 2:
        return []
    em = statistics.median(ln.size for ln in body)
    gutters = _gutters([(seg[0]["x0"], seg[-1]["x1"]) for ln in body for seg in _segments(ln)], em)
    if not gutters:
        return []
    mids = [(a + b) / 2 for a, b in gutters]
    chars = [c for ln in body for c in ln.chars]
    xs = [min(c["x0"] for c in chars) - 1.0, *mids, max(c["x1"] for c in chars) + 1.0]
    by_col: list[list[dict[str, Any]]] = [[] for _ in range(len(xs) - 1)]
    for c in chars:
        by_col[bisect.bisect_left(mids, (c["x0"] + c["x1"]) / 2)].append(c)
    spacing = page_spacing(page)
    blocks = [b for i, cs in enumerate(by_col) for b in _blocks(cs, i, spacing, {})]
    boxes: list[list[_Block]] = []
    bottom = -1e9
    for band in _bands(blocks, []):
        top = min(b.top for b in band)
        if boxes and top - bottom < BOX_GAP * em:
            boxes[-1].extend(band)
        else:
            boxes.append(list(band))
        bottom = max(bottom, *(b.bottom for b in band))
    if any(len({b.col for b in box}) < 2 for box in boxes):
        return []  # a box with text in one column only: not a layout of boxes in columns
    right = [max((c["x1"] for c in cs), default=xs[i + 1]) + WRAP_SLACK * em for i, cs in enumerate(by_col)]
    out = []
    for box in boxes:
        top, btm = min(b.top for b in box) - 1.0, max(b.bottom for b in box) + 1.0
        grid = Grid(page.page_number, (xs[0], top, xs[-1], btm), 1, len(xs) - 1, 0.0, edge_source="text_alignment")
        grid.origin = "text_alignment"
        for c in range(len(xs) - 1):
            lines = sorted((ln for b in box if b.col == c for ln in b.lines), key=lambda ln: baseline(ln.chars[0]))
            text = join_lines(lines, right[c]) if lines else ""
            grid.cells.append(GridCell(0, c, text, False, (xs[c], top, xs[c + 1], btm)))
        out.append(grid)
    return out
