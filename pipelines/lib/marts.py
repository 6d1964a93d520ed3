"""Marts: one SQL file per registry mart in pipelines/sql/marts/, typed by the registry.

A mart's inputs are the registry tables its SQL reads (``FROM`` / ``JOIN schema.table``): they are read
from the file, never declared beside it. A SQL file may hold a ``-- @generated: <block>`` line where SQL
made from the registry goes: only identifiers from the registry are written into it, never data values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.lib.paths import SQL_DIR
from pipelines.lib.schema import MART_TABLES, Table, table
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.warehouse.build import replace_from_query

PROVENANCE_COLUMNS = ("source_page", "source_table_id", "source_row", "source_col")
"""Where a value was printed, not what it is: never compared between editions."""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def staging_cells_sql() -> str:
    """One UNPIVOT per staging table: (tbl, document_id, row_key, col, val) of every non-key value.

    ``row_key`` joins the table's registry key (without document_id) with ' | '; values are cast to text.
    """
    parts = []
    for st in (st for st in STAGING if st.compared_between_editions):
        spec = st.spec
        key = [k for k in spec.key if k != "document_id"]
        excluded = ", ".join(_ident(c) for c in ("document_id", *key, *PROVENANCE_COLUMNS) if c in spec.column_names)
        kept = ", ".join(f"{_ident(c)} AS src_{c.removeprefix('source_')}" for c in PROVENANCE_COLUMNS)
        src = ", ".join(f"src_{c.removeprefix('source_')}" for c in PROVENANCE_COLUMNS)
        parts.append(
            f"SELECT '{spec.qualified}' AS tbl, * FROM (\n"
            f"        SELECT document_id, concat_ws(' | ', {', '.join(_ident(k) for k in key)}) AS row_key, {kept},\n"
            f"            COLUMNS(* EXCLUDE ({excluded}))::VARCHAR\n"
            f"        FROM {spec.qualified}\n"
            f"    ) UNPIVOT INCLUDE NULLS (val FOR col IN (COLUMNS(* EXCLUDE (document_id, row_key, {src}))))"
        )
    return "\n    UNION ALL BY NAME\n    ".join(parts)


GENERATED = {"staging_cells": staging_cells_sql}
"""Blocks a mart's SQL file can ask for with '-- @generated: <name>'."""


COMMENT = re.compile(r"--[^\n]*")
TABLE_READ = re.compile(r"\b(?:FROM|JOIN)\s+(raw|staging|tables|marts|meta)\.(\w+)", re.IGNORECASE)


def tables_read(sql: str) -> tuple[Table, ...]:
    """The registry tables a query reads after FROM or JOIN (comments aside), in name order."""
    names = {f"{schema.lower()}.{name}" for schema, name in TABLE_READ.findall(COMMENT.sub("", sql))}
    return tuple(table(n) for n in sorted(names))


@dataclass(frozen=True)
class Mart:
    """A mart: its registry entry, the SQL that builds it, and the tables that SQL reads."""

    name: str

    @property
    def spec(self) -> Table:
        return table(f"marts.{self.name}")

    @property
    def sql_path(self) -> Path:
        return SQL_DIR / "marts" / f"{self.name}.sql"

    def sql(self) -> str:
        """The SQL file, with its generated blocks filled in from the registry."""
        lines = []
        for line in self.sql_path.read_text(encoding="utf-8").splitlines():
            marker = line.strip().removeprefix("-- @generated:").strip() if "-- @generated:" in line else None
            lines.append(f"    {GENERATED[marker]()}" if marker else line)
        return "\n".join(lines) + "\n"

    @property
    def inputs(self) -> tuple[Table, ...]:
        """The registry tables its SQL (generated blocks filled in) reads."""
        return tables_read(self.sql())


MARTS: tuple[Mart, ...] = tuple(Mart(t.name) for t in MART_TABLES)
"""Every mart of the registry, in its order (the order of the exports)."""


def build_mart(con: duckdb.DuckDBPyConnection, mart: Mart) -> int:
    """Run the mart's SQL and store the result, typed, commented and in a fixed row order; returns rows."""
    return replace_from_query(con, mart.spec, mart.sql(), ordered=True)
