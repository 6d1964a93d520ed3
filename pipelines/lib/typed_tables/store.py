"""The typed tables in the warehouse: built from the working database, written with a catalog, validated.

Each typed table is written like any registry table (DDL and COMMENT ON from its :class:`Table`), its columns
described in ``meta.typed_tables`` and ``meta.typed_columns`` (what publishing, the report and ``cli source``
read them back from: :func:`typed_specs`) and its values in long form in ``tables.document_tables`` (what
``marts.edition_changes`` compares). A typed table of a document no longer in the warehouse is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from pipelines.lib import background
from pipelines.lib.schema import BY_NAME, Column, Table, table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.tables.registry import UNRECOGNISED
from pipelines.lib.typed_tables.build import SCHEMA, TypedTable, build_typed_tables, describe
from pipelines.lib.typed_tables.suite import typed_table_suite
from pipelines.lib.validation.suites import document_parameters
from pipelines.lib.validation.validate import ValidationSummary
from pipelines.lib.warehouse.build import ident, read_table, write_table

VALUES = table("tables.document_tables")
CATALOG = table("meta.typed_tables")
COLUMNS = table("meta.typed_columns")


def load_typed_tables(con: duckdb.DuckDBPyConnection) -> list[TypedTable]:
    """Every typed table the working database's raw layer and staging.quantities give (nothing written)."""
    tables = con.execute("SELECT * FROM raw.tables WHERE family = ?", [UNRECOGNISED]).df()
    cells = con.execute(
        "SELECT c.* FROM raw.table_cells AS c JOIN raw.tables AS t USING (document_id, table_id) WHERE t.family = ?",
        [UNRECOGNISED],
    ).df()
    quantities = con.execute(
        "SELECT q.* FROM staging.quantities AS q JOIN raw.tables AS t "
        "ON q.document_id = t.document_id AND q.source_table_id = t.table_id AND q.source_page = t.page "
        "WHERE t.family = ?",
        [UNRECOGNISED],
    ).df()
    return build_typed_tables(tables, cells, quantities)


def _catalog_rows(t: TypedTable) -> tuple[dict, list[dict]]:
    entry = {
        "table_name": t.name,
        "document_id": t.document_id,
        "table_id": t.table_id,
        "source_page": t.page,
        "title": t.title or None,
        "header": " | ".join(t.header),
        "header_rows": t.header_rows,
        "n_rows": len(t.rows),
        "row_key_columns": ", ".join(t.key_columns) or None,
    }
    columns = [
        {
            "table_name": t.name,
            "column_idx": i,
            "column_name": c.name,
            "type": c.type,
            "role": c.role,
            "unit": c.unit,
            "source_col": c.source_col,
            "header": c.header,
            "description": c.description,
        }
        for i, c in enumerate(t.columns)
    ]
    return entry, columns


def stored_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of schema tables that are not registry tables: the typed tables stored."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = ? AND table_catalog = current_database() ORDER BY 1",
        [SCHEMA],
    ).fetchall()
    return [n for (n,) in rows if f"{SCHEMA}.{n}" not in BY_NAME]


def write_typed_tables(con: duckdb.DuckDBPyConnection, built: list[TypedTable]) -> None:
    """Write every typed table, its catalog rows and its values; drop the typed tables no longer built."""
    clash = [t.qualified for t in built if t.qualified in BY_NAME]
    if clash:
        raise ValueError(f"typed table names clash with registry tables: {clash}")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    names = {t.name for t in built}
    for stale in stored_names(con):
        if stale not in names:
            con.execute(f"DROP TABLE {SCHEMA}.{ident(stale)}")
    entries, columns, values = [], [], []
    for t in built:
        write_table(con, t.spec, t.frame())
        entry, cols = _catalog_rows(t)
        entries.append(entry)
        columns += cols
        values += t.values()
    write_table(con, CATALOG, typed_frame(entries, CATALOG))
    write_table(con, COLUMNS, typed_frame(columns, COLUMNS))
    write_table(con, VALUES, typed_frame(values, VALUES))


def build_document_tables(con: duckdb.DuckDBPyConnection) -> list[TypedTable]:
    """Build and write every typed table of the working database (see module doc); returns them."""
    built = load_typed_tables(con)
    write_typed_tables(con, built)
    return built


def typed_specs(con: duckdb.DuckDBPyConnection) -> list[Table]:
    """The typed tables a database holds, as registry tables (from its catalog; none without one)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'meta' "
        "AND table_name IN (?, ?)",
        [CATALOG.name, COLUMNS.name],
    ).fetchall()[0][0]
    if found < 2:  # a warehouse from before typed tables (the current database only: publish attaches a copy)
        return []
    tables = con.execute(
        "SELECT table_name, title, document_id, source_page, table_id FROM meta.typed_tables "
        "ORDER BY document_id, source_page, table_id"
    ).fetchall()
    columns: dict[str, list[Column]] = {}
    for name, column, type_, description, required in con.execute(
        "SELECT c.table_name, c.column_name, c.type, c.description, "
        "c.role IN ('key', 'provenance') AND c.column_name <> 'source_col' "
        "FROM meta.typed_columns AS c ORDER BY c.table_name, c.column_idx"
    ).fetchall():
        columns.setdefault(name, []).append(Column(column, type_, description, bool(required)))
    out = []
    for name, title, document_id, page, table_id in tables:
        description = describe(title, page, document_id, table_id)
        out.append(Table(SCHEMA, name, description, tuple(columns.get(name, ())), key=("document_id", "source_row")))
    return out


@dataclass(frozen=True)
class Verdict:
    """A typed table's generated suite on its stored rows."""

    table: str
    passed: bool
    evaluated: int
    failures: str


def _batches(con: duckdb.DuckDBPyConnection) -> list[tuple[TypedTable, pd.DataFrame | None, dict[str, Any]]]:
    """Each typed table the raw layer gives now, its stored rows (None when not stored) and its suite parameters."""
    built = load_typed_tables(con)
    parameters = document_parameters(con, sorted({t.document_id for t in built}))
    stored = set(stored_names(con))
    return [(t, read_table(con, t.spec) if t.name in stored else None, parameters[t.document_id]) for t in built]


def submit_validations(con: duckdb.DuckDBPyConnection) -> int:
    """Hand each stored typed table's suite to the background worker, if one runs (its check takes the result)."""
    return sum(
        background.submit(t.name, df, params, typed_table_suite(t)) for t, df, params in _batches(con) if df is not None
    )


def validate_typed_tables(
    con: duckdb.DuckDBPyConnection, validate: Callable[..., ValidationSummary] = background.validate
) -> list[Verdict]:
    """Each stored typed table against the suite of what the raw layer and staging.quantities give now (the
    background worker's result where it validated the same rows, else validated here)."""
    out = []
    for t, df, params in _batches(con):
        if df is None:
            out.append(Verdict(t.qualified, False, 0, f"{t.qualified}: not in the working database"))
            continue
        summary = validate(t.name, df, parameters=params, suite_dict=typed_table_suite(t))
        out.append(Verdict(t.qualified, summary.success, summary.evaluated, summary.describe_failures()))
    return out
