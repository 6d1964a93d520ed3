"""Building the working database: tables typed and commented from the registry, read back in key order."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from pipelines.lib.errors import PublishError
from pipelines.lib.schema import Table


def _ddl_columns(spec: Table) -> str:
    return ", ".join(f'"{c.name}" {c.type}' for c in spec.columns)


def quote(s: str) -> str:
    """A SQL string literal for our own text (registry descriptions, paths): COMMENT ON, ATTACH and COPY take no
    parameters."""
    return "'" + s.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier (a table, column or database name)."""
    return '"' + name.replace('"', '""') + '"'


def write_table(con: duckdb.DuckDBPyConnection, spec: Table, df: pd.DataFrame) -> int:
    """Replace one table with df, typed and commented from the registry; returns the row count."""
    missing = [c for c in spec.column_names if c not in df.columns]
    if missing:
        raise PublishError(f"{spec.qualified}: frame lacks columns {missing}")
    con.register("_frame", df[spec.column_names])
    try:
        return replace_from_query(con, spec, "SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def replace_from_query(con: duckdb.DuckDBPyConnection, spec: Table, query: str, *, ordered: bool = False) -> int:
    """Replace one table with the rows of a query (our own SQL), typed and commented from the registry.

    ``ordered`` stores the rows in ``ORDER BY ALL`` order, as the exports have them: a query's own order
    (a hash aggregate's, say) may differ from run to run.
    """
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {spec.schema}")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {spec.qualified} ({_ddl_columns(spec)})")
        order = " ORDER BY ALL" if ordered else ""
        con.execute(f"INSERT INTO {spec.qualified} ({cols}) SELECT {cols} FROM ({query}) AS q{order}")
        comment_table(con, spec)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(con.execute(f"SELECT count(*) FROM {spec.qualified}").fetchall()[0][0])


def comment_table(con: duckdb.DuckDBPyConnection, spec: Table) -> None:
    """COMMENT ON the table and each column, from the registry."""
    con.execute(f"COMMENT ON TABLE {spec.qualified} IS {quote(spec.description)}")
    for c in spec.columns:
        con.execute(f'COMMENT ON COLUMN {spec.qualified}."{c.name}" IS {quote(c.description)}')


def read_table(con: duckdb.DuckDBPyConnection, spec: Table) -> pd.DataFrame:
    """A table as a DataFrame, in key order (deterministic)."""
    order = ", ".join(f'"{k}"' for k in spec.key) if spec.key else "ALL"
    return con.execute(f"SELECT * FROM {spec.qualified} ORDER BY {order}").df()


def has_table(con: duckdb.DuckDBPyConnection, spec: Table) -> bool:
    """True if the table exists with the registry's columns (a table of an older shape counts as absent)."""
    found = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position",
        [spec.schema, spec.name],
    ).fetchall()
    return [r[0] for r in found] == spec.column_names


def replace_documents(
    con: duckdb.DuckDBPyConnection, spec: Table, kept: Iterable[str], fresh: Iterable[pd.DataFrame]
) -> int:
    """Replace a table keyed by document with the kept documents' stored rows and the fresh frames' rows, in
    document order (each document's rows in the order they were stored or given); returns the row count.

    A document is either kept or fresh, never both; documents in neither are dropped.
    """
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _fresh ({_ddl_columns(spec)})")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _kept ({_ddl_columns(spec)}, _pos BIGINT)")
    try:
        for df in fresh:
            missing = [c for c in spec.column_names if c not in df.columns]
            if missing:
                raise PublishError(f"{spec.qualified}: frame lacks columns {missing}")
            con.register("_frame", df[spec.column_names])
            try:
                con.execute(f"INSERT INTO _fresh ({cols}) SELECT {cols} FROM _frame")
            finally:
                con.unregister("_frame")
        if has_table(con, spec):
            con.execute(
                f"INSERT INTO _kept SELECT {cols}, rowid FROM {spec.qualified} "
                "WHERE document_id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted(set(kept))],
            )
        query = (
            f"SELECT {cols} FROM (SELECT {cols}, _pos FROM _kept UNION ALL SELECT {cols}, rowid AS _pos FROM _fresh) "
            "ORDER BY document_id, _pos"
        )
        return replace_from_query(con, spec, query)
    finally:
        con.execute("DROP TABLE IF EXISTS _fresh")
        con.execute("DROP TABLE IF EXISTS _kept")


def table_head(con: duckdb.DuckDBPyConnection, spec: Table, rows: int) -> tuple[int, pd.DataFrame]:
    """A table's row count and its first rows in key order (what a step's metadata shows of it)."""
    order = ", ".join(f'"{k}"' for k in spec.key) if spec.key else "ALL"
    count = int(con.execute(f"SELECT count(*) FROM {spec.qualified}").fetchall()[0][0])
    return count, con.execute(f"SELECT * FROM {spec.qualified} ORDER BY {order} LIMIT {int(rows)}").df()


def count_where(con: duckdb.DuckDBPyConnection, spec: Table, condition: str) -> int:
    """How many rows of a table meet a condition (our own SQL, never a user's)."""
    return int(con.execute(f"SELECT count(*) FROM {spec.qualified} WHERE {condition}").fetchall()[0][0])
