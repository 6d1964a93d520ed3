"""Build warehouse/report/index.html from the published warehouse (read-only), written atomically."""

from __future__ import annotations

import hashlib
import html as html_lib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.lib.refresh.fingerprint import module_version
from pipelines.lib.refresh.kept import KeptWork, work_key
from pipelines.lib.report.charts import CHARTS, Chart
from pipelines.lib.report.data import ReportData, read_report_data
from pipelines.lib.report.fonts import font_face_css, missing_glyphs
from pipelines.lib.report.html import FONT_FAMILY, ChartImage, page
from pipelines.lib.report.render import check_glyphs, report_style, to_png, to_svg
from pipelines.lib.report.sources import CropWork, ReportSources, render_source_crops
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
    """Crops of the PDF embedded for the figures' sources (one per source cell, row or block) and for the cells of
    the values OCR was unsure of."""
    charts_drawn: list[str] = field(default_factory=list)
    """Documents whose charts this build drew (the others' were kept)."""
    charts_drawn_ids: list[str] = field(default_factory=list)
    """The ids of the charts this build drew (of charts_png)."""
    charts_kept: list[str] = field(default_factory=list)
    crops_rendered: list[str] = field(default_factory=list)
    """Documents whose source crops this build rendered (the others' were kept)."""
    crops_kept: list[str] = field(default_factory=list)

    @property
    def documents_recomputed(self) -> list[str]:
        """Documents whose charts or crops this build made."""
        return sorted({*self.charts_drawn, *self.crops_rendered})

    @property
    def documents_reused(self) -> list[str]:
        """Documents whose charts and crops were all kept."""
        return sorted({*self.charts_kept, *self.crops_kept} - set(self.documents_recomputed))


def report_path(paths: WarehousePaths) -> Path:
    """warehouse/report/index.html"""
    return paths.root / REPORT_DIR_NAME / REPORT_FILE_NAME


Drawn = Callable[[], tuple[list[ChartImage], dict[str, bytes]]]
"""Charts being drawn: calling it gives them (SVG for the page, PNG for Dagster), waiting if need be."""
Draw = Callable[[ReportData, Sequence[str] | None], Drawn]
"""Starts drawing the charts of some documents (all when None): here, or in a background worker."""

CHARTS_KIND = "report_charts"
"""Kept work: one document's charts, as SVG for the page and PNG for Dagster."""


@dataclass(frozen=True)
class Plan:
    """A chart the page shows: what draws it, the data it draws (one document's), its id and title, and its
    document (None when the warehouse holds one: its ids and titles carry no document)."""

    chart: Chart
    part: ReportData
    id: str
    title: str
    document_id: str | None

    def image(self, svg: bytes = b"") -> ChartImage:
        """The chart as the page places it (without its drawing: a draft)."""
        return ChartImage(
            self.id, self.title, self.chart.mart, svg, self.chart.draw.__doc__ or self.title, self.document_id
        )


def _planned(data: ReportData) -> list[Plan]:
    """Every chart the page shows, in order; fails when a mart is missing.

    Each chart draws one document: with several documents (editions) every chart appears once per document,
    titled with its document_id; a chart whose mart has no rows for a document is left out for it.
    """
    return [plan for plans in _planned_by_document(data).values() for plan in plans]


def _planned_by_document(data: ReportData) -> dict[str, list[Plan]]:
    """The planned charts of each document, in document order."""
    missing = [f"chart {c.id} needs marts.{c.mart}" for c in CHARTS if c.mart not in data.marts]
    if missing:
        raise ValueError(f"{'; '.join(missing)}, which the warehouse lacks")
    documents = data.document_ids()
    if len(documents) <= 1:
        single = documents[0] if documents else ""
        return {single: [Plan(c, data, c.id, c.title, None) for c in CHARTS if data.marts[c.mart].rows]}
    out = {}
    for d in documents:
        part = data.for_document(d)
        out[d] = [Plan(c, part, f"{c.id}-{d}", f"{c.title} [{d}]", d) for c in CHARTS if part.marts[c.mart].rows]
    return out


CHART_MARTS = sorted({c.mart for c in CHARTS} | {"budget_yoy"})
"""The marts a chart reads (the timeline also reads budget_yoy, for the document's own year)."""


def _chart_inputs(plans: list[Plan]) -> str:
    """What a document's charts are drawn from: which charts, its rows of the marts charts read, its cluster
    metrics. Not their ids and titles on the page, which name the document once the warehouse holds two: the
    drawings of the first document are kept when a second one comes."""
    if not plans:
        return ""
    part = plans[0].part
    marts = [(n, part.marts[n].columns, part.marts[n].rows) for n in CHART_MARTS if n in part.marts]
    metrics = part.cluster_metrics
    return repr(([p.chart.id for p in plans], marts, list(metrics.columns), metrics.values.tolist()))


def planned_charts(data: ReportData) -> list[ChartImage]:
    """The charts the page shows (id, title, mart, alt text) before any is drawn: enough for its text."""
    return [plan.image() for plan in _planned(data)]


def render_charts(
    data: ReportData, documents: Sequence[str] | None = None
) -> tuple[list[ChartImage], dict[str, bytes]]:
    """Every chart whose mart exists (of ``documents`` only, when given), as SVG for the page and PNG for
    Dagster; fails on a missing glyph."""
    images, pngs = [], {}
    plans = _planned_by_document(data)
    with report_style():
        for document_id in plans if documents is None else documents:
            for plan in plans[document_id]:
                fig = plan.chart.draw(plan.part)
                check_glyphs(fig, plan.id)
                images.append(plan.image(to_svg(fig)))
                pngs[plan.id] = to_png(fig)
    return images, pngs


def draw_here(data: ReportData, documents: Sequence[str] | None = None) -> Drawn:
    """Draw the charts (of ``documents``) in this process, when they are asked for."""
    return lambda: render_charts(data, documents)


@dataclass
class ChartWork:
    """Which documents' charts were drawn in this build and which were kept."""

    recomputed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    drawn_ids: list[str] = field(default_factory=list)


def kept_charts(data: ReportData, draw: Draw, kept: KeptWork | None, work: ChartWork) -> Drawn:
    """Every chart of the page: kept ones as they were drawn, the others drawn (by ``draw``, only those
    documents) and kept, as (SVG, PNG) by chart id, under the key of their document's chart data and the
    charts' code."""
    plans = _planned_by_document(data)
    if kept is None:
        work.recomputed, work.drawn_ids = sorted(plans), [p.id for p in _planned(data)]
        return draw(_for_charts(data), None)
    version = module_version("pipelines.lib.report.charts", "pipelines.lib.report.render")
    keys = {d: work_key(version, f"matplotlib {_version('matplotlib')}", _chart_inputs(p)) for d, p in plans.items()}
    found = {d: kept.load(CHARTS_KIND, d, keys[d]) for d in plans}
    stale = [d for d in plans if found[d] is None]
    work.recomputed, work.reused = stale, [d for d in plans if d not in stale]
    work.drawn_ids = [p.id for d in stale for p in plans[d]]
    drawing = draw(_for_charts(data), stale) if stale else None

    def collect() -> tuple[list[ChartImage], dict[str, bytes]]:
        drawn: dict[str, tuple[bytes, bytes]] = {}
        fresh_images, fresh_pngs = drawing() if drawing is not None else ([], {})
        fresh = {i.id: (i.svg, fresh_pngs[i.id]) for i in fresh_images}
        for d in plans:
            if found[d] is None:
                mine = {p.chart.id: fresh[p.id] for p in plans[d]}  # kept by chart, whatever the page calls it
                kept.save(CHARTS_KIND, d, keys[d], (mine,))
            else:
                mine = found[d][0]
            drawn.update({p.id: mine[p.chart.id] for p in plans[d]})
        kept.prune(CHARTS_KIND, plans)
        ordered = _planned(data)
        return [p.image(drawn[p.id][0]) for p in ordered], {p.id: drawn[p.id][1] for p in ordered}

    return collect


def _for_charts(data: ReportData) -> ReportData:
    """What the charts read of the report's data (the marts and cluster metrics), to send to a worker."""
    return ReportData(data.marts, data.cluster_metrics, data.run)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _visible_text(document: str) -> str:
    """Text characters of an HTML document without its data URLs (for font subsetting and glyph checks)."""
    without_data = re.sub(r"data:[^\"')]+", "", document)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", without_data))


FONT_KIND, PAGE_FONT = "report_font", "(page)"
"""Kept work: the page's font subset, for the characters it shows (an edition seldom brings new ones)."""


def _font_css(chars: list[str], kept: KeptWork | None) -> str:
    """The @font-face rule of a subset holding exactly these characters, made once per set of characters."""
    if kept is None:
        return font_face_css(FONT_FAMILY, chars)
    fonts = f"fonttools {_version('fonttools')} matplotlib-fontja {_version('matplotlib-fontja')}"
    key = work_key(module_version("pipelines.lib.report.fonts"), fonts, *chars)
    found = kept.load(FONT_KIND, PAGE_FONT, key)
    if found is None:
        found = (font_face_css(FONT_FAMILY, chars),)
        kept.save(FONT_KIND, PAGE_FONT, key, found)
    return found[0]


def render_page(
    data: ReportData, drawn: Drawn, raw_dir: Path | None = None, kept: KeptWork | None = None
) -> tuple[str, CropWork, dict[str, bytes]]:
    """The page with a font subset covering exactly its characters, its source crops, and each chart as PNG.

    A draft (the charts' places without their images) finds the sources the shown figures use; only those, and
    the cells of the values OCR was unsure of, are cropped from the PDFs in raw_dir (or taken as kept), while the
    charts are drawn (``drawn`` may be drawing elsewhere).
    """
    marts = [data.marts[name] for name in sorted(data.marts)]
    draft_sources = ReportSources(data.sources, {})
    unknown = data.unknown_tables
    typed = data.typed_tables
    uncertain = data.uncertain_ocr
    draft = page(TITLE, LEAD, planned_charts(data), marts, data.run, "", draft_sources, unknown, typed, uncertain)
    cropped = {**{u.source.slug: u.source for u in uncertain if u.source}, **draft_sources.used}
    crops = render_source_crops(cropped.values(), raw_dir, data.run.documents, kept)
    chars = sorted(set(_visible_text(draft)))  # an image's data URL is no text: the draft's text is the page's
    font_css = _font_css(chars, kept)
    if missing_glyphs(chars):  # text of a document the font does not cover (≥, rare kanji): the reader's own font
        font_css += FALLBACK_CSS
    sources = ReportSources(data.sources, crops.crops)
    charts, pngs = drawn()
    return page(TITLE, LEAD, charts, marts, data.run, font_css, sources, unknown, typed, uncertain), crops, pngs


def build_report(
    paths: WarehousePaths,
    run_id: str | None = None,
    raw_dir: Path | None = None,
    *,
    draw: Draw = draw_here,
    kept: KeptWork | None = None,
) -> ReportResult:
    """Read the published warehouse, draw every chart and table, and replace report/index.html atomically.

    With raw_dir, figures' sources show a crop of the PDF they were read from (if it is the file the warehouse
    read); without, their popovers give the place in words only. ``draw`` starts drawing the charts (here, by
    default; the asset hands them to a background worker while this process crops the sources). With
    ``kept``, each document's sources, charts and crops are made once and kept until what they are made of
    changes: only new or changed documents' are made again.
    """
    data = read_report_data(paths.published, run_id, kept)
    charts = ChartWork()
    text, crops, pngs = render_page(data, kept_charts(data, draw, kept, charts), raw_dir, kept)
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
        path=target,
        sha256=hashlib.sha256(document).hexdigest(),
        size=len(document),
        run_id=data.run.run_id,
        marts=tuple(sorted(data.marts)),
        charts_png=pngs,
        source_crops=len(crops.crops),
        charts_drawn=charts.recomputed,
        charts_drawn_ids=charts.drawn_ids,
        charts_kept=charts.reused,
        crops_rendered=crops.recomputed,
        crops_kept=crops.reused,
    )
