"""Typed tables: every table no family knows becomes tables.<document_id>_<table_id>, checked by a generated suite."""

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result
from pipelines.defs.resources import Warehouse
from pipelines.lib.code_versions import typed_tables_version
from pipelines.lib.schema import table
from pipelines.lib.typed_tables.store import build_document_tables, submit_validations, validate_typed_tables

DOCUMENT_TABLES = table("tables.document_tables")


@dg.asset(
    key=["tables", "document_tables"],
    group_name="tables",
    deps=[["raw", "tables"], ["raw", "table_cells"], ["staging", "quantities"]],
    kinds={"pandas", "duckdb"},
    owners=["team:data-engineering"],
    metadata=definition_metadata(DOCUMENT_TABLES),
    code_version=typed_tables_version(),
    freshness_policy=WEEKLY_FRESHNESS,
    pool=WRITER_POOL,
)
def document_tables(warehouse: Warehouse) -> dg.MaterializeResult:
    """Every table no family knows, typed as a table of its own: tables.<document_id>_<table_id>."""
    with warehouse.working() as con:
        built = build_document_tables(con)
        submit_validations(con)  # the background worker validates while the marts are built; the check takes it
    listed = [{"table": t.qualified, "rows": len(t.rows), "title": t.title, "page": t.page} for t in built]
    lines = ["| table | rows | printed title |", "|---|---|---|"]
    lines += [f"| {t['table']} | {t['rows']} | {t['title']} (p.{t['page']}) |" for t in listed]
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(len(t.values()) for t in built),
            "dagster/table_name": DOCUMENT_TABLES.qualified,
            "typed_tables": dg.MetadataValue.json(listed),
            "preview": dg.MetadataValue.md("\n".join(lines) if built else "_no table no family knows_"),
        }
    )


@dg.asset_check(
    asset=document_tables,
    name="typed_tables_match_their_generated_suites",
    description="Each typed table has the raw grid's rows and its typed columns parsed (a suite generated per table)",
    blocking=True,
    pool=WRITER_POOL,
)
def typed_tables_match_their_generated_suites(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Runs the generated GX suite of every typed table on its stored rows; lists each failed expectation."""
    with warehouse.working() as con:
        verdicts = validate_typed_tables(con)
    failed = [v for v in verdicts if not v.passed]
    lines = [f"{v.table}: {v.failures}" for v in failed]
    evaluated = sum(v.evaluated for v in verdicts)
    return findings_result([v.table for v in failed], lines, tables=len(verdicts), expectations=evaluated)
