"""The raw layer: every recognised table and numeric passage, as cells and text blocks with provenance."""

from collections.abc import Callable, Iterator
from typing import Any

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result, stored_table_metadata
from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib.code_versions import raw_version
from pipelines.lib.editions import (
    extracted_versions,
    extractor_version,
    has_raw_layer,
    record_extractions,
    stale_documents,
    store_extractions,
    table_regions,
)
from pipelines.lib.kept import KeptWork
from pipelines.lib.pdf.crops import regions_markdown
from pipelines.lib.pdf.document import list_source_pdfs, sha256_file
from pipelines.lib.schema import table
from pipelines.lib.staging.document_checks import EDITION_CHECK, RAW_TABLE_CHECKS, all_findings, document_findings
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.extract import extract_document

RAW_OUTPUTS = {
    "tables": "Every recognised table: family, page, title and bbox.",
    "table_cells": "Every cell of every recognised table, merged cells filled and flagged, with bbox.",
    "table_annotations": "Footnotes, notes, sources and lead lines printed with each table.",
    "text_blocks": "Every paragraph of every page outside its tables: passages, other text, titles, page numbers.",
}
WITH_TABLE_IMAGES = ("tables", "table_cells")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=["raw", name],
            description=description,
            deps=[["raw", "documents"]],
            group_name="raw",
            kinds={"pdf", "pandas", "duckdb"},
            owners=["team:data-engineering"],
            metadata=definition_metadata(table(f"raw.{name}")),
            code_version=raw_version(),
            freshness_policy=WEEKLY_FRESHNESS,
        )
        for name, description in RAW_OUTPUTS.items()
    ],
    pool=WRITER_POOL,
)
def raw_extraction(
    context: dg.AssetExecutionContext, settings: PipelineSettings, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """Extract every table and passage of each new or changed source PDF with pdfplumber; keep the others' rows."""

    def progress(page: int, pages: int, file_name: str) -> None:
        context.log.info(f"{file_name}: page {page}/{pages} extracted")

    pdfs = {p.stem: p for p in list_source_pdfs(settings.raw_path())}
    current = {d: sha256_file(p) for d, p in pdfs.items()}
    version = extractor_version()
    with warehouse.working() as con:
        stale = stale_documents(current, extracted_versions(con), version, have_rows=has_raw_layer(con, RAW_OUTPUTS))
    context.log.info(
        f"extracting {len(stale)} of {len(current)} document(s): {', '.join(stale) or 'none'}; "
        f"unchanged since their last extraction: {', '.join(sorted(set(current) - set(stale))) or 'none'}"
    )
    extractions = [
        extract_document(
            pdfs[d], max_pages=settings.max_pages, page_timeout_s=settings.page_timeout_s, progress=progress
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
        record_extractions(con, current, version)
        regions = table_regions(con)
        stored = {name: stored_table_metadata(con, table(f"raw.{name}")) for name in RAW_OUTPUTS}
    kept = KeptWork.in_build_dir(warehouse.paths.build_dir)
    # the tables of the documents extracted in this run (the others' are in the runs that extracted them)
    extracted = {d: pdfs[d] for d in stale}
    images = dg.MetadataValue.md(regions_markdown(extracted, regions, kept=kept, kind="table_images", documents=pdfs))
    for name, metadata in stored.items():
        metadata["extracted_documents"] = dg.MetadataValue.json(stale)
        metadata["documents_recomputed"] = dg.MetadataValue.json(stale)
        metadata["documents_reused"] = dg.MetadataValue.json(sorted(keep))
        if name in WITH_TABLE_IMAGES:
            metadata["table_images"] = images
        yield dg.MaterializeResult(asset_key=["raw", name], metadata=metadata)


def _raw_tables_result(
    name: str, warehouse: Warehouse, describe: Callable[[dict[str, Any]], str]
) -> dg.AssetCheckResult:
    """A WARN check of raw/tables over every document, each document's findings kept until its rows change."""
    with warehouse.working() as con:
        work = document_findings(con, RAW_TABLE_CHECKS[name], KeptWork.in_build_dir(warehouse.paths.build_dir))
    found = all_findings(work)
    return findings_result(
        found,
        [describe(f) for f in found],
        warn=True,
        documents_recomputed=dg.MetadataValue.json(work.recomputed),
        documents_reused=dg.MetadataValue.json(work.reused),
    )


@dg.asset_check(
    asset=dg.AssetKey(["raw", "tables"]),
    name="has_no_unrecognised_tables",
    description="Every table of at least 2 x 2 cells belongs to a known family (WARN: others are kept, listed)",
    blocking=False,
    pool=WRITER_POOL,
)
def has_no_unrecognised_tables(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists the tables no family claims, with page and header; they stay in raw.tables as 'unrecognised'."""
    return _raw_tables_result("has_no_unrecognised_tables", warehouse, lambda t: f"{t['where']}: header {t['header']}")


@dg.asset_check(
    asset=dg.AssetKey(["raw", "tables"]),
    name="documents_are_known_decks",
    description="Some table or passage family recognises each document (WARN: a document of another kind is kept)",
    blocking=False,
    pool=WRITER_POOL,
)
def documents_are_known_decks(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists documents no family recognises: their tables, text and numbers are kept (staging.quantities)."""
    return _raw_tables_result(
        "documents_are_known_decks",
        warehouse,
        lambda f: (
            f"{f['where']}: no known table or passage ({f['pages']} pages); a document of another kind: its tables "
            "and text are in the raw layer, its numbers in staging.quantities"
        ),
    )


def _unmapped_line(f: dict[str, Any]) -> str:
    return f"{f['where']}, {'row' if 'row' in f else 'column'} {f.get('row', f.get('column'))}: " + (
        f"header {f['header']!r} names no field of {f['family']}" if f["header"] else f"no header; {f['read']}"
    )


@dg.asset_check(
    asset=dg.AssetKey(["raw", "tables"]),
    name="has_no_unmapped_columns",
    description="Every column of a recognised table means a field of its family (WARN: others are kept, listed)",
    blocking=False,
    pool=WRITER_POOL,
)
def has_no_unmapped_columns(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists the columns no field names (a printed 対前年度比, a count beside a share): kept in the raw layer and
    staging.quantities with their header as column_label, never parsed into a field."""
    return _raw_tables_result("has_no_unmapped_columns", warehouse, _unmapped_line)


def _missing_columns_line(f: dict[str, Any]) -> str:
    return (
        f"{f['where']}: looks like {f['family']} but has no column for "
        + ", ".join(f"{name} ({' / '.join(w)})" for name, w in f["missing"].items())
        + f"; kept as unrecognised, its numbers in staging.quantities (header {f['header']})"
    )


@dg.asset_check(
    asset=dg.AssetKey(["raw", "tables"]),
    name="claimed_tables_have_their_required_columns",
    description="A table a family claims has every column the family needs (WARN: one without is kept unrecognised)",
    blocking=False,
    pool=WRITER_POOL,
)
def claimed_tables_have_their_required_columns(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists tables kept as unrecognised because their header lacks a column their family cannot do without."""
    return _raw_tables_result("claimed_tables_have_their_required_columns", warehouse, _missing_columns_line)


def _missing_table_line(f: dict[str, Any]) -> str:
    return f"{f['where']}: {f['why']}, but no {f['family']} table was recognised there"


@dg.asset_check(
    asset=dg.AssetKey(["raw", "tables"]),
    name="pages_that_promise_a_table_have_one",
    description="A slide whose title or header names a table family gives that table (WARN: page and family listed)",
    blocking=False,
    pool=WRITER_POOL,
)
def pages_that_promise_a_table_have_one(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists pages whose title names a family, or whose text is a family's header, where no table was read."""
    return _raw_tables_result("pages_that_promise_a_table_have_one", warehouse, _missing_table_line)


@dg.asset_check(
    asset=dg.AssetKey(["staging", "quantities"]),
    name="curated_tables_hold_as_much_as_the_previous_edition",
    description="Curated tables hold at least half the quantities they held in the deck's previous edition (WARN)",
    blocking=False,
    pool=WRITER_POOL,
)
def curated_tables_hold_as_much_as_the_previous_edition(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists documents whose curated tables hold far fewer quantities than the edition before them did."""
    with warehouse.working() as con:
        work = document_findings(con, EDITION_CHECK, KeptWork.in_build_dir(warehouse.paths.build_dir))
    found = all_findings(work)
    lines = [
        f"{f['where']}: curated tables hold {f['held']} of {f['read']} quantities; {f['previous']} held "
        f"{f['held_before']} of {f['read_before']}: tables may have been printed in a way no grid was read from"
        for f in found
    ]
    return findings_result(
        found,
        lines,
        warn=True,
        documents_recomputed=dg.MetadataValue.json(work.recomputed),
        documents_reused=dg.MetadataValue.json(work.reused),
    )
