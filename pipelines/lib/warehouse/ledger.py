"""The validation ledger (meta.validations): which table contents passed their suite."""

from __future__ import annotations

import duckdb

from pipelines.lib.schema import Table
from pipelines.lib.warehouse.build import quote, table_fingerprint

VALIDATIONS_DDL = (
    "CREATE TABLE IF NOT EXISTS meta.validations (table_name VARCHAR PRIMARY KEY, suite VARCHAR, "
    "passed BOOLEAN, fingerprint VARCHAR, evaluated INTEGER, failures VARCHAR)"
)


VALIDATIONS_COMMENTS = {
    "": "Latest Great Expectations result per staging table; publishing requires passed and a matching fingerprint.",
    "table_name": "schema.table validated",
    "suite": "Suite file name in expectations/ (without .json)",
    "passed": "True when every expectation passed",
    "fingerprint": "sha256 of the table contents that were validated",
    "evaluated": "Number of expectations evaluated",
    "failures": "JSON list of failed expectations with unexpected counts and samples",
}


def _ensure_validations(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(VALIDATIONS_DDL)
    for column, text in VALIDATIONS_COMMENTS.items():
        target = f"COLUMN meta.validations.{column}" if column else "TABLE meta.validations"
        con.execute(f"COMMENT ON {target} IS {quote(text)}")


def record_validation(
    con: duckdb.DuckDBPyConnection, spec: Table, suite: str, passed: bool, evaluated: int, failures: str
) -> None:
    """Remember that a table, as it is now (by fingerprint), passed or failed its suite."""
    _ensure_validations(con)
    con.execute(
        "INSERT OR REPLACE INTO meta.validations VALUES (?, ?, ?, ?, ?, ?)",
        [spec.qualified, suite, passed, table_fingerprint(con, spec), evaluated, failures],
    )


def unvalidated_tables(con: duckdb.DuckDBPyConnection, specs: list[Table]) -> list[str]:
    """Tables whose current contents have no passing validation: they must not be published."""
    _ensure_validations(con)
    bad = []
    for spec in specs:
        found = con.execute(
            "SELECT passed, fingerprint FROM meta.validations WHERE table_name = ?", [spec.qualified]
        ).fetchall()
        row = found[0] if found else None
        if row is None:
            bad.append(f"{spec.qualified} (never validated)")
        elif not row[0]:
            bad.append(f"{spec.qualified} (failed its suite)")
        elif row[1] != table_fingerprint(con, spec):
            bad.append(f"{spec.qualified} (changed since it was validated)")
    return bad
