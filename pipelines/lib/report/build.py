"""Build warehouse/report/index.html from the published warehouse (read-only), written atomically."""

from __future__ import annotations

import hashlib
import html as html_lib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.lib.report.charts import CHARTS, Chart
from pipelines.lib.report.data import ReportData, read_report_data
from pipelines.lib.report.fonts import font_face_css, missing_glyphs
from pipelines.lib.report.html import FONT_FAMILY, ChartImage, page
from pipelines.lib.report.render import check_glyphs, report_style, to_png, to_svg
from pipelines.lib.report.sources import ReportSources, render_source_crops
from pipelines.lib.warehouse.connections import WarehousePaths

FALLBACK_CSS = f'\nbody, code {{ font-family: "{FONT_FAMILY}", sans-serif; }}'
"""Where the page shows a character the embedded font lacks, the reader's own sans-serif font draws it."""
REPORT_DIR_NAME = "report"
REPORT_FILE_NAME = "index.html"
TITLE = "産業クラスター計画: マートの図表"
LEAD = (
    "経済産業省「産業クラスター計画の現状と課題」(2005) から作った DuckDB ウェアハウスの marts を図と表で示す。"
    "表の見出しの [ ] は単位、「—」は値なし (NULL)。"
    "点線の下線の数値をクリックすると、その出典 (PDF のページ・表・セルと、そこの切り抜き画像) を示す。"
)


@dataclass(frozen=True)
class ReportResult:
    """What was written: the page, its hash, the run it cites, and each chart as PNG for asset metadata."""

    path: Path
    sha256: str
    size: int
    run_id: str
    marts: tuple[str, ...]
    charts_png: dict[str, bytes]
    source_crops: int = 0
    """Crops of the PDF embedded for the figures' sources (one per source cell, row or block)."""


def report_path(paths: WarehousePaths) -> Path:
    """warehouse/report/index.html"""
    return paths.root / REPORT_DIR_NAME / REPORT_FILE_NAME


Drawn = Callable[[], tuple[list[ChartImage], dict[str, bytes]]]
"""Charts being drawn: calling it gives them (SVG for the page, PNG for Dagster), waiting if need be."""


def _planned(data: ReportData) -> list[tuple[Chart, ReportData, str, str]]:
    """(chart, the data it draws, id, title) for every chart the page shows; fails when a mart is missing.

    Each chart draws one document: with several documents (editions) every chart appears once per document,
    titled with its document_id; a chart whose mart has no rows for a document is left out for it.
    """
    missing = [f"chart {c.id} needs marts.{c.mart}" for c in CHARTS if c.mart not in data.marts]
    if missing:
        raise ValueError(f"{'; '.join(missing)}, which the warehouse lacks")
    documents = data.document_ids()
    parts = [(None, data)] if len(documents) <= 1 else [(d, data.for_document(d)) for d in documents]
    return [
        (
            chart,
            part,
            chart.id if document_id is None else f"{chart.id}-{document_id}",
            chart.title if document_id is None else f"{chart.title} [{document_id}]",
        )
        for document_id, part in parts
        for chart in CHARTS
        if part.marts[chart.mart].rows
    ]


def planned_charts(data: ReportData) -> list[ChartImage]:
    """The charts the page shows (id, title, mart, alt text) before any is drawn: enough for its text."""
    return [
        ChartImage(cid, title, chart.mart, b"", chart.draw.__doc__ or title) for chart, _, cid, title in _planned(data)
    ]


def render_charts(data: ReportData) -> tuple[list[ChartImage], dict[str, bytes]]:
    """Every chart whose mart exists, as SVG for the page and PNG for Dagster; fails on a missing glyph."""
    images, pngs = [], {}
    with report_style():
        for chart, part, chart_id, title in _planned(data):
            fig = chart.draw(part)
            check_glyphs(fig, chart_id)
            images.append(ChartImage(chart_id, title, chart.mart, to_svg(fig), chart.draw.__doc__ or title))
            pngs[chart_id] = to_png(fig)
    return images, pngs


def draw_here(data: ReportData) -> Drawn:
    """Draw the charts in this process, when they are asked for."""
    return lambda: render_charts(data)


def _visible_text(document: str) -> str:
    """Text characters of an HTML document without its data URLs (for font subsetting and glyph checks)."""
    without_data = re.sub(r"data:[^\"')]+", "", document)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", without_data))


def render_page(data: ReportData, drawn: Drawn, raw_dir: Path | None = None) -> tuple[str, int, dict[str, bytes]]:
    """The page with a font subset covering exactly its characters, the number of source crops in it, and
    each chart as PNG.

    A draft (the charts' places without their images) finds the sources the shown figures use; only those
    are cropped from the PDFs in raw_dir, while the charts are drawn (``drawn`` may be drawing elsewhere).
    """
    marts = [data.marts[name] for name in sorted(data.marts)]
    draft_sources = ReportSources(data.sources, {})
    unknown = data.unknown_tables
    draft = page(TITLE, LEAD, planned_charts(data), marts, data.run, "", draft_sources, unknown)
    crops = render_source_crops(draft_sources.used.values(), raw_dir, data.run.documents)
    chars = sorted(set(_visible_text(draft)))  # an image's data URL is no text: the draft's text is the page's
    font_css = font_face_css(FONT_FAMILY, chars)
    if missing_glyphs(chars):  # text of a document the font does not cover (≥, rare kanji): the reader's own font
        font_css += FALLBACK_CSS
    sources = ReportSources(data.sources, crops)
    charts, pngs = drawn()
    return page(TITLE, LEAD, charts, marts, data.run, font_css, sources, unknown), len(crops), pngs


def build_report(
    paths: WarehousePaths,
    run_id: str | None = None,
    raw_dir: Path | None = None,
    *,
    draw: Callable[[ReportData], Drawn] = draw_here,
) -> ReportResult:
    """Read the published warehouse, draw every chart and table, and replace report/index.html atomically.

    With raw_dir, figures' sources show a crop of the PDF they were read from (if it is the file the warehouse
    read); without, their popovers give the place in words only. ``draw`` starts drawing the charts (here, by
    default; the asset hands them to a background worker while this process crops the sources).
    """
    data = read_report_data(paths.published, run_id)
    text, crops, pngs = render_page(data, draw(data), raw_dir)
    document = text.encode("utf-8")
    target = report_path(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(document)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return ReportResult(
        target,
        hashlib.sha256(document).hexdigest(),
        len(document),
        data.run.run_id,
        tuple(sorted(data.marts)),
        pngs,
        crops,
    )
