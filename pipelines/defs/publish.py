"""Publishing: the validated working database is swapped in atomically, every mart exported (Parquet, CSV, xlsx)."""

from datetime import UTC, datetime

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import findings_result
from pipelines.defs.resources import Warehouse
from pipelines.lib import background
from pipelines.lib.code_versions import data_docs_version, publish_version
from pipelines.lib.errors import PublishError
from pipelines.lib.kept import KeptWork
from pipelines.lib.marts import MARTS
from pipelines.lib.run_info import code_version, package_versions
from pipelines.lib.schema import BY_NAME
from pipelines.lib.staging.document_checks import missing_in_warehouse
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.typed_tables.store import typed_specs
from pipelines.lib.validation import published_docs
from pipelines.lib.validation.declared_types import type_mismatches
from pipelines.lib.warehouse.publish import publish
from pipelines.lib.warehouse.runs import RunRecord

EXPORTED = [m.spec.qualified for m in MARTS] + [st.spec.qualified for st in STAGING if st.exported]
"""What exports/ holds: every mart, then the staging tables people take away too (staging.quantities)."""


def _iso(ts: float | None) -> str:
    return datetime.fromtimestamp(ts or datetime.now(UTC).timestamp(), UTC).isoformat()


@dg.asset(
    key=["published_warehouse"],
    group_name="publish",
    deps=[["marts", m.name] for m in MARTS]
    + [["staging", st.name] for st in STAGING]
    + [["tables", "document_tables"]],
    kinds={"duckdb", "parquet", "csv", "excel"},
    owners=["team:data-engineering"],
    code_version=publish_version(),
    freshness_policy=WEEKLY_FRESHNESS,
    pool=WRITER_POOL,
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """warehouse/clusters.duckdb and exports/ (Parquet, CSV, xlsx), replaced atomically once every check has passed."""
    paths = warehouse.paths
    with warehouse.working() as con:
        documents = con.execute("SELECT document_id, file_name, sha256 FROM raw.documents ORDER BY 1").df()
        missing = missing_in_warehouse(con, KeptWork.in_build_dir(paths.build_dir))
    if missing:  # the completeness rule guards the publish too, whatever subset of checks ran
        raise PublishError(
            "not publishing; raw records no staging row accounts for: " + "; ".join(m.describe() for m in missing)
        )
    stats = context.instance.get_run_stats(context.run_id)
    run = RunRecord(
        run_id=context.run_id,
        started_at=_iso(stats.start_time),
        finished_at=_iso(None),
        status="success",
        documents=documents.to_dict(orient="records"),
        code_version=code_version(),
        packages=package_versions(),
    )
    result = publish(paths, [st.spec for st in STAGING], EXPORTED, run)
    context.log.info(f"published {result['published']}")
    if background.start_task(published_docs.task_key(context.run_id), published_docs.published_data_docs, paths):
        context.log.debug("the Data Docs render in the background worker while the report is drawn")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(result["published"]),
            "exports": dg.MetadataValue.json(result["exports"]),
            "documents": dg.MetadataValue.json(run.documents),
            "code_version": run.code_version,
        }
    )


@dg.asset_check(
    asset=published_warehouse,
    name="published_columns_match_the_registry",
    description="Every registry table of the published file declares the registry's columns and types, in order",
    blocking=True,
)
def published_columns_match_the_registry(warehouse: Warehouse) -> dg.AssetCheckResult:
    """One query on the published file's information_schema.columns; lists each table that differs, and how."""
    with warehouse.published() as con:
        specs = [*BY_NAME.values(), *typed_specs(con)]  # the registry's tables and the typed tables it lists
        found = type_mismatches(con, specs)
    return findings_result(found, found, tables=len(specs))


@dg.asset(
    key=["data_docs"],
    group_name="publish",
    deps=[["published_warehouse"]],
    kinds={"html"},
    owners=["team:data-engineering"],
    code_version=data_docs_version(),
    freshness_policy=WEEKLY_FRESHNESS,
)
def data_docs(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """GX Data Docs: every staging suite and the checks' results on the published rows; rebuilt when either changes."""
    docs = background.task_result(
        published_docs.task_key(context.run_id), published_docs.published_data_docs, warehouse.paths
    )
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(docs.index)),
            "suites": len(STAGING),
            "rebuilt": docs.rebuilt,
            "results_rendered_from_checks": docs.reused,
            "documents_recomputed": dg.MetadataValue.json(list(docs.documents_rendered)),
            "documents_reused": dg.MetadataValue.json(list(docs.documents_kept)),
            "network_resources": dg.MetadataValue.json(list(docs.external)),  # fetched from CDNs: none expected
        }
    )
