"""Marts: one SQL file each, built by one factory in the working database; drift between editions is a WARN."""

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result, table_metadata
from pipelines.defs.resources import Warehouse
from pipelines.lib.code_versions import mart_version
from pipelines.lib.marts import MARTS, Mart, build_mart
from pipelines.lib.schema import table
from pipelines.lib.validation.drift import MOVE_SHARE, describe_move, describe_row_change, moved_values, row_changes
from pipelines.lib.warehouse.build import read_table


def mart_asset(mart: Mart) -> dg.AssetsDefinition:
    """The asset that runs pipelines/sql/marts/<name>.sql."""

    @dg.asset(
        name=mart.name,
        key_prefix=["marts"],
        group_name="marts",
        description=mart.spec.description,
        deps=[[t.schema, t.name] for t in mart.inputs],
        kinds={"sql", "duckdb"},
        owners=["team:data-engineering"],
        metadata={**definition_metadata(mart.spec), "sql": dg.MetadataValue.md(f"```sql\n{mart.sql()}\n```")},
        code_version=mart_version(mart),
        freshness_policy=WEEKLY_FRESHNESS,
        pool=WRITER_POOL,
    )
    def _asset(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.working() as con:
            build_mart(con, mart)
            df = read_table(con, mart.spec)
        return dg.MaterializeResult(metadata=table_metadata(mart.spec, df))

    return _asset


MART_ASSETS = [mart_asset(m) for m in MARTS]

EDITION_CHANGES = table("marts.edition_changes")


@dg.asset_check(
    asset=dg.AssetKey(["marts", "edition_changes"]),
    name="editions_keep_the_same_rows",
    description="No staging table gains or loses rows from one edition to the next (WARN: drift is shown, not blocked)",
    blocking=False,
    pool=WRITER_POOL,
)
def editions_keep_the_same_rows(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists, per edition pair and staging table, the keys of the rows added and removed."""
    with warehouse.working() as con:
        found = row_changes(read_table(con, EDITION_CHANGES))
    added, removed = sum(len(c["added"]) for c in found), sum(len(c["removed"]) for c in found)
    lines = [describe_row_change(c) for c in found]
    return findings_result(found, lines, warn=True, rows_added=added, rows_removed=removed)


@dg.asset_check(
    asset=dg.AssetKey(["marts", "edition_changes"]),
    name="edition_values_move_less_than_a_quarter",
    description=f"No number moves more than {MOVE_SHARE:.0%} between consecutive editions (WARN, not blocking)",
    blocking=False,
    pool=WRITER_POOL,
)
def edition_values_move_less_than_a_quarter(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Lists the numeric values that moved by more than the stated share between consecutive editions."""
    with warehouse.working() as con:
        found = moved_values(read_table(con, EDITION_CHANGES))
    return findings_result(found, [describe_move(m) for m in found], warn=True, share=MOVE_SHARE)


MART_CHECKS = [editions_keep_the_same_rows, edition_values_move_less_than_a_quarter]
