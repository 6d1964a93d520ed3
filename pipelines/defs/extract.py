"""The raw layer in one step: the source documents, then every table and passage of each new or changed PDF.

One ``multi_asset`` yields raw/documents and the four raw tables (each its own asset in the UI, with its own
metadata), then the WARN checks on raw/tables; a UI selection of some of them computes only those.
"""

import hashlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result, stored_table_metadata, table_metadata
from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib.pdf.crops import Region, regions_markdown
from pipelines.lib.pdf.document import list_source_pdfs, sha256_file
from pipelines.lib.pdf.ocr import OcrSettings
from pipelines.lib.refresh import background
from pipelines.lib.refresh.code_versions import raw_version, sources_version
from pipelines.lib.refresh.editions import (
    document_versions,
    extracted_versions,
    extractor_version,
    has_raw_layer,
    inspected_documents,
    ocr_extractor_version,
    record_extractions,
    stale_documents,
    store_extractions,
    table_regions,
)
from pipelines.lib.refresh.kept import KeptWork
from pipelines.lib.remote_sources import RemoteSourceError, sync_remote_sources
from pipelines.lib.schema import table
from pipelines.lib.staging.document_checks import RAW_TABLE_CHECKS, all_findings, document_findings
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.extract import documents_frame, extract_document
from pipelines.lib.warehouse.build import write_table

DOCUMENTS = table("raw.documents")
RAW_OUTPUTS = {
    "tables": "Every recognised table: family, page, title and bbox.",
    "table_cells": "Every cell of every recognised table, merged cells filled and flagged, with bbox.",
    "table_annotations": "Footnotes, notes, sources and lead lines printed with each table.",
    "text_blocks": "Every paragraph of every page outside its tables: passages, other text, titles, page numbers.",
}
WITH_TABLE_IMAGES = ("tables", "table_cells")
PAGES = logging.getLogger("pipelines.pages")
"""Each page extracted: not an event of the run (28 writes to its event log per document), only the terminal's
bar listens (`make run` attaches it)."""
DOCUMENTS_KEY = dg.AssetKey(["raw", "documents"])
TABLES_KEY = dg.AssetKey(["raw", "tables"])


def _unmapped_line(f: dict[str, Any]) -> str:
    return f"{f['where']}, {'row' if 'row' in f else 'column'} {f.get('row', f.get('column'))}: " + (
        f"header {f['header']!r} names no field of {f['family']}" if f["header"] else f"no header; {f['read']}"
    )


def _missing_columns_line(f: dict[str, Any]) -> str:
    return (
        f"{f['where']}: looks like {f['family']} but has no column for "
        + ", ".join(f"{name} ({' / '.join(w)})" for name, w in f["missing"].items())
        + f"; kept as unrecognised, its numbers in staging.quantities (header {f['header']})"
    )


RAW_CHECKS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "has_no_unrecognised_tables": (
        "Every table of at least 2 x 2 cells belongs to a known family (WARN: others are kept, listed)",
        lambda t: f"{t['where']}: header {t['header']}",
    ),
    "documents_are_known_decks": (
        "Some table or passage family recognises each document (WARN: a document of another kind is kept)",
        lambda f: (
            f"{f['where']}: no known table or passage ({f['pages']} pages); a document of another kind: its tables "
            "and text are in the raw layer, its numbers in staging.quantities"
        ),
    ),
    "has_no_unmapped_columns": (
        "Every column of a recognised table means a field of its family (WARN: others are kept, listed)",
        _unmapped_line,
    ),
    "claimed_tables_have_their_required_columns": (
        "A table a family claims has every column the family needs (WARN: one without is kept unrecognised)",
        _missing_columns_line,
    ),
    "pages_that_promise_a_table_have_one": (
        "A slide whose title or header names a table family gives that table (WARN: page and family listed)",
        lambda f: f"{f['where']}: {f['why']}, but no {f['family']} table was recognised there",
    ),
}
"""The WARN checks on raw/tables: description and one line per finding (their logic: RAW_TABLE_CHECKS)."""


def _spec(key: list[str], description: str, group: str, kinds: set[str], code_version: str, **kw: Any) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=key,
        description=description,
        group_name=group,
        kinds=kinds,
        owners=["team:data-engineering"],
        metadata=definition_metadata(table(".".join(key))),
        code_version=code_version,
        freshness_policy=WEEKLY_FRESHNESS,
        **kw,
    )


@dg.multi_asset(
    name="raw_layer",
    specs=[
        _spec(
            ["raw", "documents"],
            "Every PDF in the raw folder, with sha256 and page count; the sha256s are the data version.",
            "sources",
            {"pdf", "duckdb"},
            sources_version(DOCUMENTS),
        ),
        *(
            _spec(["raw", name], description, "raw", {"pdf", "pandas", "duckdb"}, raw_version(), deps=[DOCUMENTS_KEY])
            for name, description in RAW_OUTPUTS.items()
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(name, asset=TABLES_KEY, blocking=False, description=description)
        for name, (description, _) in RAW_CHECKS.items()
    ],
    can_subset=True,
    pool=WRITER_POOL,
)
def raw_layer(
    context: dg.AssetExecutionContext, settings: PipelineSettings, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """The source documents, then every table and passage of each new or changed PDF (pdfplumber)."""
    selected = context.selected_asset_keys
    if DOCUMENTS_KEY in selected:
        yield _source_documents(context, settings, warehouse)
    if any(key.path[-1] in RAW_OUTPUTS for key in selected):
        yield from _raw_extraction(context, settings, warehouse)
    checks = {key.name for key in context.selected_asset_check_keys}
    kept = KeptWork.in_build_dir(warehouse.paths.build_dir)
    with warehouse.working() as con:
        for name, (_, describe) in RAW_CHECKS.items():
            if name in checks:
                work = document_findings(con, RAW_TABLE_CHECKS[name], kept)
                found = all_findings(work)
                yield findings_result(
                    found,
                    [describe(f) for f in found],
                    warn=True,
                    documents_recomputed=dg.MetadataValue.json(work.recomputed),
                    documents_reused=dg.MetadataValue.json(work.reused),
                )._replace(asset_key=TABLES_KEY, check_name=name)


def _source_documents(
    context: dg.AssetExecutionContext, settings: PipelineSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """raw.documents: every PDF in the raw folder (after fetching raw/sources.yaml), identified by sha256."""
    if background.start():
        context.log.debug("started the background validation worker (it imports Great Expectations now)")
    try:
        fetched = sync_remote_sources(settings.raw_path(), timeout_s=settings.http_timeout_s, log=context.log.warning)
    except RemoteSourceError as exc:
        raise dg.Failure(str(exc)) from exc
    for f in fetched:
        context.log.info(f"remote source {f.file_name}: {f.status} ({f.bytes} bytes, sha256 {f.sha256[:12]})")
    pdfs = list_source_pdfs(settings.raw_path())
    if not pdfs:
        raise dg.Failure(f"no *.pdf in {settings.raw_path()} (PIPELINES_RAW_DIR)")
    kept = KeptWork.in_build_dir(warehouse.paths.build_dir)
    inspected = inspected_documents(pdfs, settings.max_pages, kept)
    docs = [inspected.results[p.stem] for p in pdfs]  # in the raw folder's order
    df = documents_frame(docs)
    with warehouse.working() as con:
        write_table(con, DOCUMENTS, df)
    version = hashlib.sha256("".join(f"{d.document_id}:{d.sha256}\n" for d in docs).encode()).hexdigest()
    context.log.info(f"{len(docs)} source document(s): " + ", ".join(f"{d.file_name} {d.sha256[:12]}" for d in docs))
    first_pages = [Region(d.document_id, "first page", 1, (0.0, 0.0, 1e6, 1e6)) for d in docs]
    metadata = table_metadata(DOCUMENTS, df)
    metadata["remote_sources"] = dg.MetadataValue.json([f.__dict__ for f in fetched])
    metadata["documents_recomputed"] = dg.MetadataValue.json(inspected.recomputed)
    metadata["documents_reused"] = dg.MetadataValue.json(inspected.reused)
    metadata["first_pages"] = dg.MetadataValue.md(
        regions_markdown(
            {d.document_id: d.path for d in docs}, first_pages, resolution=36, kept=kept, kind="first_pages"
        )
    )
    return dg.MaterializeResult(asset_key=DOCUMENTS_KEY, metadata=metadata, data_version=dg.DataVersion(version))


def _raw_extraction(
    context: dg.AssetExecutionContext, settings: PipelineSettings, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """Extract every table and passage of each new or changed source PDF; keep the others' rows."""

    def progress(page: int, pages: int, file_name: str) -> None:
        PAGES.info("%s: page %d/%d extracted", file_name, page, pages)

    def ocr_progress(page: int, pages: int, file_name: str) -> None:
        PAGES.info("%s: page %d/%d read by OCR", file_name, page, pages)

    pdfs = {p.stem: p for p in list_source_pdfs(settings.raw_path())}
    current = {d: sha256_file(p) for d, p in pdfs.items()}
    version, ocr = extractor_version(), OcrSettings(dpi=settings.ocr_dpi)
    read_version = ocr_extractor_version(version, ocr)  # a document OCR read: its OCR code and settings too
    with warehouse.working() as con:
        versions = document_versions(con, current, version, read_version)
        stale = stale_documents(current, extracted_versions(con), versions, have_rows=has_raw_layer(con, RAW_OUTPUTS))
    context.log.info(
        f"extracting {len(stale)} of {len(current)} document(s): {', '.join(stale) or 'none'}; "
        f"unchanged since their last extraction: {', '.join(sorted(set(current) - set(stale))) or 'none'}"
    )
    extractions = [
        extract_document(
            pdfs[d],
            max_pages=settings.max_pages,
            page_timeout_s=settings.page_timeout_s,
            progress=progress,
            ocr=ocr,
            ocr_progress=ocr_progress,
        )
        for d in stale
    ]
    for ex in extractions:
        for t in ex.unrecognised_tables:
            header = t.grid.rows()[0]
            context.log.warning(f"{ex.document.file_name}, page {t.page}: unrecognised table {t.table_id} {header!r}")
    fresh = RawLayer.from_extractions(extractions)
    keep = set(current) - set(stale)
    with warehouse.working() as con:
        store_extractions(con, fresh, keep, RAW_OUTPUTS)  # the others' rows stay as they are
        record_extractions(con, current, document_versions(con, current, version, read_version))
        regions = table_regions(con)
        stored = {name: stored_table_metadata(con, table(f"raw.{name}")) for name in RAW_OUTPUTS}
    kept = KeptWork.in_build_dir(warehouse.paths.build_dir)
    # the tables of the documents extracted in this run (the others' are in the runs that extracted them)
    extracted = {d: pdfs[d] for d in stale}
    images = dg.MetadataValue.md(regions_markdown(extracted, regions, kept=kept, kind="table_images", documents=pdfs))
    selected = {key.path[-1] for key in context.selected_asset_keys}
    for name, metadata in stored.items():
        if name not in selected:
            continue
        metadata["extracted_documents"] = dg.MetadataValue.json(stale)
        metadata["documents_recomputed"] = dg.MetadataValue.json(stale)
        metadata["documents_reused"] = dg.MetadataValue.json(sorted(keep))
        if name in WITH_TABLE_IMAGES:
            metadata["table_images"] = images
        yield dg.MaterializeResult(asset_key=["raw", name], metadata=metadata)
