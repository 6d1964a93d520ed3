"""The source of a number in the report: a click on a figure opens where it was printed in the PDF.

A mart whose rows carry an address (``source_page``, ``source_table_id``, ``source_row``, ``source_col``) gets
its figures (:data:`SOURCED_COLUMNS`) as buttons. Each button opens a popover (the HTML ``popover``
attribute: no script) with the file, page, table, the cell's column header and row label, its text and a crop
of that region of the page. A popover and its crop are written once per source, whichever figures share it.
Crops are small grayscale PNGs rendered with pypdfium2 (through pdfplumber) from the very PDF the warehouse
read (same sha256), so the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from PIL import Image

from pipelines.lib.refresh.fingerprint import module_version
from pipelines.lib.refresh.kept import KeptWork, document_fingerprints, work_key
from pipelines.lib.schema import table
from pipelines.lib.sources import ADDRESS_COLUMNS, Address, Source, pdf_for, render_crops, resolve

HIDDEN_COLUMNS = ADDRESS_COLUMNS[1:]
"""The address itself is not shown as columns: the figure's popover says it in words."""

CROP_RESOLUTION = 96
"""Dots per inch of a report crop: table text stays legible, a cell is a few kB."""
MAX_CROP_WIDTH = 1000
"""Widest crop in pixels (a whole table row is scaled down to this)."""

SOURCED_COLUMNS: dict[str, tuple[str, ...]] = {
    "budget_yoy": ("oku_yen",),
    "foreign_policy_budgets": ("budget_oku_yen",),
    "overseas_cluster_profiles": ("population", "workforce", "employees", "area_km2", "companies"),
    "cluster_networks": ("companies", "universities_research", "municipalities", "financial_institutions"),
    "projects_by_field": ("project_name",),
    "policy_timeline": ("start_year", "end_year"),
    "budget_by_section": ("total_oku_yen",),
    "edition_changes": ("new_value",),
}
"""Per mart, the columns whose values the row's address is the source of."""
SOURCED: dict[str, tuple[str, ...]] = {**SOURCED_COLUMNS, "quantities": ("raw_text",)}
"""Every table the report opens sources in: the marts, and the quantities of the tables no family knows."""


def row_address(columns: tuple[str, ...], row: tuple[Any, ...]) -> Address | None:
    """The address of one mart row, or None if the mart has none or the row's is empty."""
    if not set(ADDRESS_COLUMNS) <= set(columns):
        return None
    values = dict(zip(columns, row, strict=True))
    if values["source_table_id"] is None:
        return None
    return Address(*(values[c] for c in ADDRESS_COLUMNS))


SOURCES_KIND = "report_sources"
"""Kept work: the resolved sources of one document's addresses in the report."""
CROPS_KIND = "report_crops"
"""Kept work: the crops of one document's sources the report shows."""
RAW_INPUTS = ("raw.documents", "raw.tables", "raw.table_cells", "raw.table_annotations", "raw.text_blocks")


def resolve_mart_sources(
    con: duckdb.DuckDBPyConnection,
    marts: Mapping[str, tuple[tuple[str, ...], Iterable[tuple[Any, ...]]]],
    kept: KeptWork | None = None,
) -> dict[Address, Source]:
    """Every address of a sourced mart's rows, resolved in the raw layer (a note line is found by the row's text).

    With ``kept``, a document's sources are resolved again only when its raw rows or its addresses changed.
    """
    wanted: dict[str, dict[Address, list[str]]] = {}
    for name, (columns, rows) in sorted(marts.items()):
        if name not in SOURCED:
            continue
        for row in rows:
            address = row_address(columns, row)
            if address is None or address in wanted.get(address.document_id, {}):
                continue
            hints = sorted((v for v in row if isinstance(v, str)), key=len, reverse=True)
            wanted.setdefault(address.document_id, {})[address] = hints

    def compute(documents: Iterable[str]) -> dict[str, dict[Address, Source]]:
        found: dict[str, dict[Address, Source]] = {}
        for d in documents:
            resolved = {a: resolve(con, a, hints) for a, hints in wanted[d].items()}
            found[d] = {a: s for a, s in resolved.items() if s is not None}
        return found

    if kept is None:
        by_document = compute(sorted(wanted))
    else:
        version = module_version("pipelines.lib.sources", "pipelines.lib.report.sources")
        prints = {name: document_fingerprints(con, table(name), wanted) for name in RAW_INPUTS}
        keys = {
            d: work_key(
                version, repr(sorted(wanted[d].items(), key=repr)), *(f"{n} {prints[n][d]}" for n in RAW_INPUTS)
            )
            for d in wanted
        }
        by_document = kept.by_document(SOURCES_KIND, keys, compute).results
    return {a: s for d in sorted(by_document) for a, s in by_document[d].items()}


def _downscale(png: bytes) -> bytes:
    """A crop no wider than MAX_CROP_WIDTH (deterministic: same input, same bytes)."""
    image = Image.open(io.BytesIO(png))
    if image.width <= MAX_CROP_WIDTH:
        return png
    height = max(1, round(image.height * MAX_CROP_WIDTH / image.width))
    small = image.convert("L").resize((MAX_CROP_WIDTH, height), Image.Resampling.LANCZOS).quantize(16)
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def render_source_crops(
    sources: Iterable[Source],
    raw_dir: Path | None,
    documents: Iterable[Mapping[str, str]],
    kept: KeptWork | None = None,
) -> CropWork:
    """One PNG per source with a bbox (by slug), from the raw folder's PDF if it is the one the warehouse read.

    With ``kept``, a document's crops are rendered once for its PDF (sha256) and the sources shown.
    """
    work = CropWork()
    if raw_dir is None:
        return work
    by_document: dict[str, list[Source]] = {}
    for s in sources:
        by_document.setdefault(s.address.document_id, []).append(s)
    version = module_version("pipelines.lib.sources", "pipelines.lib.report.sources")
    for doc in documents:
        document_id = doc.get("document_id", "")
        mine = sorted(by_document.get(document_id, []), key=lambda s: s.slug)
        pdf, _ = pdf_for(raw_dir, doc.get("file_name", ""), doc.get("sha256", ""))
        if pdf is None or not mine:
            continue
        key = work_key(
            version, str(CROP_RESOLUTION), doc.get("sha256", ""), *(repr((s.slug, s.page, s.bbox)) for s in mine)
        )
        found = kept.load(CROPS_KIND, document_id, key) if kept is not None else None
        if found is None:
            crops = render_crops(pdf, mine, resolution=CROP_RESOLUTION)
            found = ({slug: _downscale(png) for slug, png in crops.items()},)
            if kept is not None:
                kept.save(CROPS_KIND, document_id, key, found)
            work.recomputed.append(document_id)
        else:
            work.reused.append(document_id)
        work.crops.update(found[0])
    if kept is not None:
        kept.prune(CROPS_KIND, [d.get("document_id", "") for d in documents])
    return work


@dataclass
class CropWork:
    """The crops of the sources shown (by slug), and which documents' crops were rendered or kept."""

    crops: dict[str, bytes] = field(default_factory=dict)
    recomputed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


@dataclass
class ReportSources:
    """The resolved sources and their crops; records which popovers the page uses."""

    sources: Mapping[Address, Source]
    crops: Mapping[str, bytes]
    used: dict[str, Source] = field(default_factory=dict)

    def for_cell(self, mart: str, column: str, columns: tuple[str, ...], row: tuple[Any, ...]) -> Source | None:
        """The source of one shown value, if the column is a sourced one and its row's address resolves."""
        if column not in SOURCED.get(mart, ()):
            return None
        address = row_address(columns, row)
        return self.sources.get(address) if address is not None else None

    def button(self, source: Source, text: str) -> str:
        """The value as a button opening its source's popover (title: a one-line summary on hover)."""
        self.used[source.slug] = source
        summary = f"出典: {source.file_name} p.{source.page} {source.address.table_id}: {_one_line(source.text)}"
        return (
            f'<button type="button" class="src" popovertarget="src-{source.slug}" '
            f'title="{html.escape(summary[:200])}">{html.escape(text)}</button>'
        )

    def popovers(self) -> str:
        """One popover per source a button uses, in slug order."""
        return "".join(source_popover(s, self.crops.get(slug)) for slug, s in sorted(self.used.items()))


def _one_line(text: str) -> str:
    return text.replace("\n", " / ")


def crop_image(source: Source, png: bytes) -> str:
    """The crop of a source as an <img> with a data URL, its size and an alt text saying where it is."""
    width, height = Image.open(io.BytesIO(png)).size
    data = base64.b64encode(png).decode("ascii")
    alt = f"p.{source.page} {source.address.table_id}: {_one_line(source.text)[:80]}"
    return (
        f'<img class="crop" alt="{html.escape(alt)}" width="{width}" height="{height}" '
        f'src="data:image/png;base64,{data}">'
    )


def no_crop(has_bbox: bool) -> str:
    """Why a source shows no crop: the raw layer keeps no bbox for it, or the raw folder lacks its PDF."""
    if not has_bbox:
        return '<p class="nocrop">このページの注の行 (no bbox in the raw layer: no crop)</p>'
    return '<p class="nocrop">PDF がない (the raw folder lacks the PDF the warehouse read: no crop)</p>'


def source_popover(source: Source, png: bytes | None) -> str:
    """The popover of one source: where it is, its header and row label, its text, and its crop."""
    a = source.address
    items = [
        ("file", source.file_name),
        ("page", str(source.page)),
        ("table", a.table_id + (f" ({source.table_title})" if source.table_title else "")),
        ("at", source.where),
    ]
    if source.grid is not None:
        items.append(("grid", source.grid))
    if source.column_header is not None:
        items.append(("column", _one_line(source.column_header)))
    if source.row_label is not None:
        items.append(("row", _one_line(source.row_label)))
    items.append(("text", source.text))
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in items)
    image = crop_image(source, png) if png is not None else no_crop(source.bbox is not None)
    return (
        f'<div class="source" id="src-{source.slug}" popover>'
        f'<p class="src-head">出典 (source): {html.escape(source.file_name)} p.{source.page}</p>'
        f"<dl>{rows}</dl>{image}</div>"
    )


CSS = """
button.src { font: inherit; color: #1d4f91; background: none; border: none; padding: 0; cursor: pointer;
  text-decoration: underline dotted; text-underline-offset: 3px; }
button.src:hover, button.src:focus-visible { background: #fff3c4; }
div.source { max-width: min(94vw, 1040px); padding: 12px 16px; border: 1px solid #889; border-radius: 6px;
  box-shadow: 0 6px 24px rgba(0,0,0,.25); font-size: 13px; }
div.source p.src-head { font-weight: bold; margin: 0 0 6px; }
div.source dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0 0 8px; }
div.source dt { color: #666; } div.source dd { margin: 0; white-space: pre-line; }
div.source img.crop { display: block; max-width: 100%; height: auto; border: 1px solid #ccc; }
"""
