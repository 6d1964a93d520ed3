"""Source documents: every *.pdf in the raw folder (after fetching raw/sources.yaml), identified by sha256."""

import hashlib

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, table_metadata
from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib import background
from pipelines.lib.code_versions import sources_version
from pipelines.lib.editions import inspected_documents
from pipelines.lib.kept import KeptWork
from pipelines.lib.pdf.crops import Region, regions_markdown
from pipelines.lib.pdf.document import list_source_pdfs
from pipelines.lib.remote_sources import RemoteSourceError, sync_remote_sources
from pipelines.lib.schema import table
from pipelines.lib.tables.extract import documents_frame
from pipelines.lib.warehouse.build import write_table

SPEC = table("raw.documents")


@dg.asset(
    key=["raw", "documents"],
    group_name="sources",
    kinds={"pdf", "duckdb"},
    owners=["team:data-engineering"],
    metadata=definition_metadata(SPEC),
    code_version=sources_version(SPEC),
    freshness_policy=WEEKLY_FRESHNESS,
    pool=WRITER_POOL,
)
def source_documents(
    context: dg.AssetExecutionContext, settings: PipelineSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Every PDF in the raw folder, with sha256 and page count; the sha256s are the data version."""
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
        write_table(con, SPEC, df)
    version = hashlib.sha256("".join(f"{d.document_id}:{d.sha256}\n" for d in docs).encode()).hexdigest()
    context.log.info(f"{len(docs)} source document(s): " + ", ".join(f"{d.file_name} {d.sha256[:12]}" for d in docs))
    first_pages = [Region(d.document_id, "first page", 1, (0.0, 0.0, 1e6, 1e6)) for d in docs]
    metadata = table_metadata(SPEC, df)
    metadata["remote_sources"] = dg.MetadataValue.json([f.__dict__ for f in fetched])
    metadata["documents_recomputed"] = dg.MetadataValue.json(inspected.recomputed)
    metadata["documents_reused"] = dg.MetadataValue.json(inspected.reused)
    metadata["first_pages"] = dg.MetadataValue.md(
        regions_markdown(
            {d.document_id: d.path for d in docs}, first_pages, resolution=36, kept=kept, kind="first_pages"
        )
    )
    return dg.MaterializeResult(metadata=metadata, data_version=dg.DataVersion(version))
