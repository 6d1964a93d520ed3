"""Publishing: the validated working database is swapped in atomically, every mart exported (Parquet, CSV, xlsx)."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import findings_result
from pipelines.defs.resources import Warehouse
from pipelines.lib.errors import PublishError
from pipelines.lib.marts import MARTS
from pipelines.lib.refresh import background
from pipelines.lib.refresh.code_versions import publish_version
from pipelines.lib.refresh.kept import KeptWork
from pipelines.lib.refresh.run_info import code_version, package_versions
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


PUBLISHED_KEY = dg.AssetKey(["published_warehouse"])
DATA_DOCS_KEY = dg.AssetKey(["data_docs"])
"""GX Data Docs (pipelines/defs/report.py): the publish starts their rendering in the background."""
COLUMNS_CHECK = "published_columns_match_the_registry"


@dg.multi_asset(
    name="published_warehouse",
    specs=[
        dg.AssetSpec(
            key=PUBLISHED_KEY,
            description=(
                "warehouse/clusters.duckdb and exports/ (Parquet, CSV, xlsx), replaced atomically once every check "
                "has passed."
            ),
            group_name="publish",
            deps=[["marts", m.name] for m in MARTS]
            + [["staging", st.name] for st in STAGING]
            + [["tables", "document_tables"]],
            kinds={"duckdb", "parquet", "csv", "excel"},
            owners=["team:data-engineering"],
            code_version=publish_version(),
            freshness_policy=WEEKLY_FRESHNESS,
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(
            COLUMNS_CHECK,
            asset=PUBLISHED_KEY,
            blocking=True,
            description=(
                "Every registry table of the published file declares the registry's columns and types, in order"
            ),
        )
    ],
    can_subset=True,
    pool=WRITER_POOL,
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> Iterator[Any]:
    """Publish the validated working copy, then check the published file's declared columns against the registry."""
    if PUBLISHED_KEY in context.selected_asset_keys:
        yield _publish(context, warehouse)
    if context.selected_asset_check_keys:
        yield _columns_match_the_registry(warehouse)


def _publish(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """warehouse/clusters.duckdb and exports/, replaced atomically (every blocking check before it has passed)."""
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
    if _run_selects(context, DATA_DOCS_KEY) and background.start_task(
        published_docs.task_key(context.run_id), published_docs.published_data_docs, paths
    ):
        context.log.debug("the Data Docs render in the background worker while the report is drawn")
    return dg.MaterializeResult(
        asset_key=PUBLISHED_KEY,
        metadata={
            "path": dg.MetadataValue.path(result["published"]),
            "exports": dg.MetadataValue.json(result["exports"]),
            "documents": dg.MetadataValue.json(run.documents),
            "code_version": run.code_version,
        },
    )


def _run_selects(context: dg.AssetExecutionContext, key: dg.AssetKey) -> bool:
    """Whether this run materializes key too (a run of a subset without it renders nothing for it)."""
    selection = context.run.asset_selection
    return selection is None or key in selection


def _columns_match_the_registry(warehouse: Warehouse) -> dg.AssetCheckResult:
    """One query on the published file's information_schema.columns; lists each table that differs, and how."""
    with warehouse.published() as con:
        specs = [*BY_NAME.values(), *typed_specs(con)]  # the registry's tables and the typed tables it lists
        found = type_mismatches(con, specs)
    return findings_result(found, found, tables=len(specs))._replace(asset_key=PUBLISHED_KEY, check_name=COLUMNS_CHECK)
