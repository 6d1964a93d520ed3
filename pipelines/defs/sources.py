"""Source documents: every *.pdf in the raw folder, identified by sha256."""

import hashlib

import dagster as dg

from pipelines.defs.metadata import table_metadata
from pipelines.defs.resources import PipelineSettings
from pipelines.lib.pdf.document import inspect_document, list_source_pdfs
from pipelines.lib.schema import table
from pipelines.lib.tables.extract import documents_frame
from pipelines.lib.warehouse import working_db, write_table

SPEC = table("raw.documents")


@dg.asset(
    key=["raw", "documents"],
    group_name="sources",
    kinds={"pdf", "duckdb"},
    owners=["team:data-engineering"],
)
def source_documents(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    """Every PDF in the raw folder, with sha256 and page count; the sha256s are the data version."""
    pdfs = list_source_pdfs(settings.raw_path())
    if not pdfs:
        raise dg.Failure(f"no *.pdf in {settings.raw_path()} (PIPELINES_RAW_DIR)")
    docs = [inspect_document(p, max_pages=settings.page_limit()) for p in pdfs]
    df = documents_frame(docs)
    with working_db(settings.warehouse()) as con:
        write_table(con, SPEC, df)
    version = hashlib.sha256("".join(f"{d.document_id}:{d.sha256}\n" for d in docs).encode()).hexdigest()
    context.log.info(f"{len(docs)} source document(s): " + ", ".join(f"{d.file_name} {d.sha256[:12]}" for d in docs))
    return dg.MaterializeResult(metadata=table_metadata(SPEC, df), data_version=dg.DataVersion(version))
