"""The raw layer: every recognised table and numeric passage, as cells and text blocks with provenance."""

from collections.abc import Iterator

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result, table_metadata
from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib.code_versions import raw_version
from pipelines.lib.editions import (
    extracted_versions,
    extractor_version,
    merge_frames,
    record_extractions,
    stale_documents,
    stored_frames,
)
from pipelines.lib.pdf.crops import Region, regions_markdown
from pipelines.lib.pdf.document import list_source_pdfs, sha256_file
from pipelines.lib.schema import table
from pipelines.lib.staging.layouts import tables_missing_columns, unmapped_columns
from pipelines.lib.staging.new_content import documents_of_other_kinds, unrecognised_tables
from pipelines.lib.staging.raw_layer import RawLayer, raw_layer_from_duckdb
from pipelines.lib.tables.extract import extract_document
from pipelines.lib.warehouse.build import write_table

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
        previous = stored_frames(con, RAW_OUTPUTS)
        stale = stale_documents(current, extracted_versions(con), version, have_rows=previous is not None)
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
        frames = {
            name: merge_frames(previous[name] if previous else None, getattr(fresh, name), keep) for name in RAW_OUTPUTS
        }
        for name, df in frames.items():
            write_table(con, table(f"raw.{name}"), df)
        record_extractions(con, current, version)
    regions = [
        Region(r.document_id, r.table_id, int(r.page), (r.x0, r.top, r.x1, r.bottom))
        for r in frames["tables"].sort_values(["document_id", "page", "table_id"]).itertuples()
    ]
    images = dg.MetadataValue.md(regions_markdown(pdfs, regions))
    for name, df in frames.items():
        spec = table(f"raw.{name}")
        metadata = table_metadata(spec, df)
        metadata["extracted_documents"] = dg.MetadataValue.json(stale)
        if name in WITH_TABLE_IMAGES:
            metadata["table_images"] = images
        yield dg.MaterializeResult(asset_key=["raw", name], metadata=metadata)


@dg.asset_check(
    asset=dg.AssetKey(["raw", "tables"]),
    name="has_no_unrecognised_tables",
    description="Every table of at least 2 x 2 cells belongs to a known family (WARN: others are kept, listed)",
    blocking=False,
    pool=WRITER_POOL,
)
def has_no_unrecognised_tables(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists the tables no family claims, with page and header; they stay in raw.tables as 'unrecognised'."""
    with warehouse.working() as con:
        found = unrecognised_tables(
            con.execute("SELECT * FROM raw.tables").df(), con.execute("SELECT * FROM raw.table_cells").df()
        )
    return findings_result(found, [f"{t['where']}: header {t['header']}" for t in found], warn=True)


@dg.asset_check(
    asset=dg.AssetKey(["raw", "tables"]),
    name="documents_are_known_decks",
    description="Some table or passage family recognises each document (WARN: a document of another kind is kept)",
    blocking=False,
    pool=WRITER_POOL,
)
def documents_are_known_decks(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists documents no family recognises: their tables, text and numbers are kept (staging.quantities)."""
    with warehouse.working() as con:
        raw = raw_layer_from_duckdb(con, ("documents", "tables", "text_blocks"))
    found = documents_of_other_kinds(raw.documents, raw.tables, raw.text_blocks)
    lines = [
        f"{f['where']}: no known table or passage ({f['pages']} pages); a document of another kind: its tables "
        "and text are in the raw layer, its numbers in staging.quantities"
        for f in found
    ]
    return findings_result(found, lines, warn=True)


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
    with warehouse.working() as con:
        found = unmapped_columns(raw_layer_from_duckdb(con, ("tables", "table_cells")))
    lines = [
        f"{f['where']}, {'row' if 'row' in f else 'column'} {f.get('row', f.get('column'))}: "
        + (f"header {f['header']!r} names no field of {f['family']}" if f["header"] else f"no header; {f['read']}")
        for f in found
    ]
    return findings_result(found, lines, warn=True)


@dg.asset_check(
    asset=dg.AssetKey(["raw", "tables"]),
    name="claimed_tables_have_their_required_columns",
    description="A table a family claims has every column the family needs (WARN: one without is kept unrecognised)",
    blocking=False,
    pool=WRITER_POOL,
)
def claimed_tables_have_their_required_columns(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists tables kept as unrecognised because their header lacks a column their family cannot do without."""
    with warehouse.working() as con:
        found = tables_missing_columns(raw_layer_from_duckdb(con, ("tables", "table_cells")))
    lines = [
        f"{f['where']}: looks like {f['family']} but has no column for "
        + ", ".join(f"{name} ({' / '.join(w)})" for name, w in f["missing"].items())
        + f"; kept as unrecognised, its numbers in staging.quantities (header {f['header']})"
        for f in found
    ]
    return findings_result(found, lines, warn=True)
