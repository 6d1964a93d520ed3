"""The raw layer: every recognised table and numeric passage, as cells and text blocks with provenance."""

from collections.abc import Iterator

import dagster as dg

from pipelines.defs.metadata import table_metadata
from pipelines.defs.resources import PipelineSettings
from pipelines.lib.pdf.document import list_source_pdfs
from pipelines.lib.schema import table
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.extract import extract_document
from pipelines.lib.warehouse import working_db, write_table

RAW_OUTPUTS = {
    "tables": "Every recognised table: family, page, title and bbox.",
    "table_cells": "Every cell of every recognised table, merged cells filled and flagged, with bbox.",
    "table_annotations": "Footnotes, notes, sources and lead lines printed with each table.",
    "text_blocks": "Paragraphs of the numeric passages that are not tables.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=["raw", name],
            description=description,
            deps=[["raw", "documents"]],
            group_name="raw",
            kinds={"pdf", "pandas", "duckdb"},
            owners=["team:data-engineering"],
        )
        for name, description in RAW_OUTPUTS.items()
    ],
)
def raw_extraction(context: dg.AssetExecutionContext, settings: PipelineSettings) -> Iterator[dg.MaterializeResult]:
    """Extract every table and passage of every source PDF with pdfplumber."""

    def progress(page: int, pages: int, file_name: str) -> None:
        context.log.info(f"{file_name}: page {page}/{pages} extracted")

    extractions = [
        extract_document(
            path, max_pages=settings.page_limit(), page_timeout_s=settings.page_timeout(), progress=progress
        )
        for path in list_source_pdfs(settings.raw_path())
    ]
    for ex in extractions:
        for page, _bbox, header in ex.unrecognised:
            context.log.warning(f"{ex.document.file_name}, page {page}: unrecognised table with header {header!r}")
    raw = RawLayer.from_extractions(extractions)
    with working_db(settings.warehouse()) as con:
        for name in RAW_OUTPUTS:
            spec = table(f"raw.{name}")
            df = getattr(raw, name)
            write_table(con, spec, df)
            yield dg.MaterializeResult(asset_key=["raw", name], metadata=table_metadata(spec, df))
