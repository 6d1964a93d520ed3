"""Asset metadata shared by every layer: row count, column schema from the registry, a markdown preview."""

from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from pipelines.lib.schema import Table
from pipelines.lib.warehouse.build import count_where, table_head

PREVIEW_ROWS = 5


def column_schema(spec: Table) -> dg.TableSchema:
    """The registry's columns as a Dagster table schema."""
    return dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, description=c.description) for c in spec.columns])


def preview(df: pd.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    """First rows as a markdown table, long texts shortened."""
    head = df.head(rows).copy()
    for col in head.columns:
        head[col] = head[col].map(lambda v: (str(v)[:40] + "…") if isinstance(v, str) and len(v) > 40 else v)
    return head.to_markdown(index=False) if len(head) else "_empty_"


def definition_metadata(spec: Table) -> dict[str, Any]:
    """What the UI shows before the first run: the registry's column schema and the DuckDB table name."""
    return {"dagster/column_schema": column_schema(spec), "dagster/table_name": spec.qualified}


HELD_BY_CURATED = "held_by_curated_tables"
"""Metadata of a table of quantities: how many of its rows a curated staging table holds too (claimed_by)."""


def table_metadata(spec: Table, df: pd.DataFrame) -> dict[str, Any]:
    """dagster/row_count, dagster/column_schema, dagster/table_name and a preview (and, for a table of
    quantities, how many a curated table holds)."""
    metadata: dict[str, Any] = {
        "dagster/row_count": len(df),
        "dagster/column_schema": column_schema(spec),
        "dagster/table_name": spec.qualified,
        "preview": dg.MetadataValue.md(preview(df)),
    }
    if "claimed_by" in df.columns:
        metadata[HELD_BY_CURATED] = int(df["claimed_by"].notna().sum())
    return metadata


def stored_table_metadata(con: duckdb.DuckDBPyConnection, spec: Table) -> dict[str, Any]:
    """table_metadata of a table as stored, read without loading it whole (its count and first rows)."""
    count, head = table_head(con, spec, PREVIEW_ROWS)
    metadata = table_metadata(spec, head)
    metadata["dagster/row_count"] = count
    if "claimed_by" in spec.column_names:
        metadata[HELD_BY_CURATED] = count_where(con, spec, "claimed_by IS NOT NULL")
    return metadata


def findings_result(
    findings: list[Any], lines: list[str], *, warn: bool = False, **metadata: Any
) -> dg.AssetCheckResult:
    """A check's result from what it found: passes when nothing was found; the lines describe each finding.

    ``findings`` go into the metadata as JSON (with their count), beside any other ``metadata`` given.
    """
    return dg.AssetCheckResult(
        passed=not findings,
        severity=dg.AssetCheckSeverity.WARN if warn else dg.AssetCheckSeverity.ERROR,
        description="\n".join(lines) or None,
        metadata={"found": len(findings), "findings": dg.MetadataValue.json(findings), **metadata},
    )
