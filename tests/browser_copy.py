"""A copy of the deck as a browser prints it: the slides' text and tables as HTML, another font, A4 paper.

The layout (where each title, paragraph and table sits, column widths, row heights, cell padding) is
taken from the bundled deck and scaled to A4 landscape; table cells hold the hand-written fixture text
(tests/fixtures/grids, real breaks as <br>), and Chromium wraps everything else itself, in whatever CJK
font fontconfig gives it (Droid Sans Fallback on Debian), not the deck's IPAexGothic.
"""

from __future__ import annotations

import html
import itertools
import json
import statistics
import subprocess
from pathlib import Path

import pdfplumber

from pipelines.lib.pdf import layout
from pipelines.lib.tables.extract import DocumentExtraction, header_fits
from tests.support import CHROMIUM, CHROMIUM_ARGS, DECK

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "grids"
PAGE_W, PAGE_H = 842, 595  # A4 landscape, points
FONTS = "'Droid Sans Fallback', 'Noto Sans CJK JP', 'WenQuanYi Zen Hei', sans-serif"
STYLE = """
@page {{ size: {w}pt {h}pt; margin: 0 }}
body {{ margin: 0; font-family: {fonts}; }}
.page {{ position: relative; width: {w}pt; height: {h}pt; overflow: hidden; page-break-after: always; }}
.t {{ position: absolute; line-height: 1.2; }}
table {{ position: absolute; border-collapse: collapse; table-layout: fixed; }}
td {{ border: 0.75pt solid #333; vertical-align: top; line-height: 1.15; }}
"""


def _html_text(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _table(grid: layout.Grid, rows: list[list[str]], at: tuple[float, float], scale: float, size: float) -> str:
    xs = sorted({c.bbox[0] for c in grid.cells} | {c.bbox[2] for c in grid.cells})
    ys = sorted({c.bbox[1] for c in grid.cells} | {c.bbox[3] for c in grid.cells})
    span: dict[tuple[int, int], list[int]] = {}
    for c in grid.cells:  # merged fills extend the span of the cell above/left of them with the same text
        if not c.is_merged_fill:
            span[(c.row, c.col)] = [1, 1]
            continue
        r0, c0 = max(k for k in span if k[0] <= c.row and k[1] <= c.col and rows[k[0]][k[1]] == rows[c.row][c.col])
        span[(r0, c0)] = [max(span[(r0, c0)][0], c.row - r0 + 1), max(span[(r0, c0)][1], c.col - c0 + 1)]
    covered = {
        (r, c) for (r0, c0), (rs, cs) in span.items() for r in range(r0, r0 + rs) for c in range(c0, c0 + cs)
    } - set(span)
    trs = []
    for r in range(grid.n_rows):
        tds = "".join(
            f'<td rowspan="{span[(r, c)][0]}" colspan="{span[(r, c)][1]}" style="padding:{grid.padding * scale:.1f}pt">'
            f"{_html_text(rows[r][c])}</td>"
            for c in range(grid.n_cols)
            if (r, c) in span and (r, c) not in covered
        )
        trs.append(f'<tr style="height:{(ys[r + 1] - ys[r]) * scale:.1f}pt">{tds}</tr>')
    cols = "".join(f'<col style="width:{(b - a) * scale:.1f}pt">' for a, b in itertools.pairwise(xs))
    width = (grid.bbox[2] - grid.bbox[0]) * scale
    style = f"left:{at[0]:.1f}pt;top:{at[1]:.1f}pt;width:{width:.1f}pt;font-size:{size:.1f}pt"
    return f'<table style="{style}">{cols}{"".join(trs)}</table>'


def deck_html(extraction: DocumentExtraction) -> str:
    """The bundled deck as one HTML page per slide, scaled to A4 landscape and centred on the sheet."""
    fixtures = {fx["table_id"]: fx for fx in (json.loads(p.read_text("utf-8")) for p in FIXTURES.glob("*.json"))}
    tables = {(t.page, t.grid.bbox): t.table_id for t in extraction.tables}
    out = [f"<!doctype html><html><head><meta charset='utf-8'><style>{STYLE.format(w=PAGE_W, h=PAGE_H, fonts=FONTS)}"]
    out.append("</style></head><body>")
    with pdfplumber.open(DECK) as pdf:
        scale = min(PAGE_W / pdf.pages[0].width, PAGE_H / pdf.pages[0].height)
        off_x, off_y = (PAGE_W - pdf.pages[0].width * scale) / 2, (PAGE_H - pdf.pages[0].height * scale) / 2

        def at(x: float, y: float) -> tuple[float, float]:
            return off_x + x * scale, off_y + y * scale

        for page in pdf.pages:
            grids = layout.find_grids(page, fits=header_fits)
            out.append('<div class="page">')
            for ln in layout._title_lines(page, grids):
                x, y = at(ln.bbox[0], ln.bbox[1])
                style = f"left:{x:.1f}pt;top:{y:.1f}pt;font-size:{ln.size * scale:.1f}pt;white-space:nowrap"
                out.append(f'<div class="t" style="{style};font-weight:bold">{html.escape(ln.text)}</div>')
            body = layout.lines_outside(page, grids)
            right = max((ln.bbox[2] for ln in body), default=page.width)
            for text, bbox in layout.paragraphs(body, right):
                size = statistics.median(ln.size for ln in body if bbox[1] <= ln.bbox[1] and ln.bbox[3] <= bbox[3])
                x, y = at(bbox[0], bbox[1])
                style = f"left:{x:.1f}pt;top:{y:.1f}pt;width:{(right - bbox[0] + 2) * scale:.1f}pt"
                out.append(f'<div class="t" style="{style};font-size:{size * scale:.1f}pt">{_html_text(text)}</div>')
            for grid in grids:
                table_id = tables.pop((page.page_number, grid.bbox), None)
                rows = fixtures[table_id]["rows"] if table_id in fixtures else grid.rows()
                chars = layout._within(layout._chars(page), grid.bbox)
                # a little smaller than the slide's type, so rows keep their height in a wider font
                size = statistics.median(float(c["size"]) for c in chars) * scale * 0.92
                out.append(_table(grid, rows, at(grid.bbox[0], grid.bbox[1]), scale, size))
            out.append("</div>")
    if tables:
        raise AssertionError(f"tables not laid out from their fixtures: {sorted(tables.values())}")
    out.append("</body></html>")
    return "".join(out)


def browser_copy(extraction: DocumentExtraction, folder: Path) -> Path:
    """Print deck_html with headless Chromium to `<deck stem>_browser.pdf` in folder."""
    page = folder / "deck.html"
    page.write_text(deck_html(extraction), encoding="utf-8")
    out = folder / f"{DECK.stem}_browser.pdf"
    args = [str(CHROMIUM), *CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()]
    subprocess.run(args, check=True, timeout=120, capture_output=True)
    return out
