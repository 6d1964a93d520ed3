"""Marts in one step: one SQL file each, built in the working database; drift between editions is a WARN."""

from collections.abc import Callable, Iterator
from typing import Any

import dagster as dg
import pandas as pd

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result, table_metadata
from pipelines.defs.resources import Warehouse
from pipelines.lib.code_versions import mart_version
from pipelines.lib.marts import MARTS, Mart, build_mart
from pipelines.lib.schema import table
from pipelines.lib.validation.drift import MOVE_SHARE, describe_move, describe_row_change, moved_values, row_changes
from pipelines.lib.warehouse.build import read_table

EDITION_CHANGES = table("marts.edition_changes")
EDITION_CHANGES_KEY = dg.AssetKey(["marts", "edition_changes"])


def _spec(mart: Mart) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=["marts", mart.name],
        group_name="marts",
        description=mart.spec.description,
        deps=[[t.schema, t.name] for t in mart.inputs],
        kinds={"sql", "duckdb"},
        owners=["team:data-engineering"],
        metadata={**definition_metadata(mart.spec), "sql": dg.MetadataValue.md(f"```sql\n{mart.sql()}\n```")},
        code_version=mart_version(mart),
        freshness_policy=WEEKLY_FRESHNESS,
    )


def _rows_kept(changes: pd.DataFrame) -> dg.AssetCheckResult:
    """Lists, per edition pair and staging table, the keys of the rows added and removed."""
    found = row_changes(changes)
    added, removed = sum(len(c["added"]) for c in found), sum(len(c["removed"]) for c in found)
    lines = [describe_row_change(c) for c in found]
    return findings_result(found, lines, warn=True, rows_added=added, rows_removed=removed)


def _values_move_little(changes: pd.DataFrame) -> dg.AssetCheckResult:
    """Lists the numeric values that moved by more than the stated share between consecutive editions."""
    found = moved_values(changes)
    return findings_result(found, [describe_move(m) for m in found], warn=True, share=MOVE_SHARE)


MART_CHECKS: dict[str, tuple[str, Callable[[pd.DataFrame], dg.AssetCheckResult]]] = {
    "editions_keep_the_same_rows": (
        "No staging table gains or loses rows from one edition to the next (WARN: drift is shown, not blocked)",
        _rows_kept,
    ),
    "edition_values_move_less_than_a_quarter": (
        f"No number moves more than {MOVE_SHARE:.0%} between consecutive editions (WARN, not blocking)",
        _values_move_little,
    ),
}
"""The WARN checks on marts.edition_changes: description and what they find in its rows."""


@dg.multi_asset(
    name="mart_tables",
    specs=[_spec(m) for m in MARTS],
    check_specs=[
        dg.AssetCheckSpec(name, asset=EDITION_CHANGES_KEY, blocking=False, description=description)
        for name, (description, _) in MART_CHECKS.items()
    ],
    can_subset=True,
    pool=WRITER_POOL,
)
def mart_tables(context: dg.AssetExecutionContext, warehouse: Warehouse) -> Iterator[Any]:
    """Every mart from its pipelines/sql/marts/<name>.sql, then the edition checks."""
    selected = context.selected_asset_keys
    checks = {k.name for k in context.selected_asset_check_keys}
    with warehouse.working() as con:
        for mart in MARTS:
            key = dg.AssetKey(["marts", mart.name])
            if key in selected:
                build_mart(con, mart)
                yield dg.MaterializeResult(
                    asset_key=key, metadata=table_metadata(mart.spec, read_table(con, mart.spec))
                )
        if checks:
            changes = read_table(con, EDITION_CHANGES)
            for name, (_, find) in MART_CHECKS.items():
                if name in checks:
                    yield find(changes)._replace(asset_key=EDITION_CHANGES_KEY, check_name=name)
