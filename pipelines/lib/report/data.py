"""What the report reads from the published warehouse: every mart, metric qualifiers and the run's provenance.

Marts are listed from information_schema, so a new mart appears in the report without code changes. Units
and descriptions come from the registry (pipelines/lib/schema.py), or from the column comments DuckDB holds
(which the registry generated) for a table the registry does not know. The values OCR was unsure of are the
findings of the WARN check has_no_uncertain_ocr_values itself (pipelines/lib/staging/document_checks.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines.lib.errors import PublishError
from pipelines.lib.refresh.kept import KeptWork
from pipelines.lib.report.sources import resolve_mart_sources
from pipelines.lib.report.units import column_unit
from pipelines.lib.schema import BY_NAME
from pipelines.lib.sources import ADDRESS_COLUMNS, Address, Source, finding_sources
from pipelines.lib.staging.document_checks import uncertain_ocr_findings
from pipelines.lib.tables.registry import UNRECOGNISED
from pipelines.lib.typed_tables.store import typed_specs


@dataclass(frozen=True)
class ColumnInfo:
    """One column of a mart as the report shows it."""

    name: str
    type: str
    description: str
    unit: str | None


@dataclass(frozen=True)
class MartData:
    """One mart: its columns, its rows (Python values, DECIMAL kept exact) in a deterministic order."""

    name: str
    description: str
    columns: tuple[ColumnInfo, ...]
    rows: tuple[tuple[Any, ...], ...]

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (object columns; charts convert what they plot)."""
        return pd.DataFrame(list(self.rows), columns=[c.name for c in self.columns], dtype=object)

    def _document_column(self) -> int | None:
        """Position of the document_id column, or None if the mart has none."""
        return next((i for i, c in enumerate(self.columns) if c.name == "document_id"), None)

    def document_ids(self) -> set[str]:
        """The document_id values of the rows (none if the mart has no document_id column)."""
        i = self._document_column()
        return set() if i is None else {str(r[i]) for r in self.rows}

    def for_document(self, document_id: str) -> MartData:
        """Only the rows of one document (all rows if the mart has no document_id column)."""
        i = self._document_column()
        if i is None:
            return self
        return MartData(self.name, self.description, self.columns, tuple(r for r in self.rows if r[i] == document_id))


@dataclass(frozen=True)
class RunInfo:
    """The meta.runs row the report's footer cites."""

    run_id: str
    documents: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class UnknownTable:
    """A table no family knows (raw.tables family 'unrecognised') and the quantities read from its cells."""

    document_id: str
    table_id: str
    page: int
    title: str
    header: tuple[str, ...]
    quantities: MartData


@dataclass(frozen=True)
class UncertainValues:
    """What has_no_uncertain_ocr_values lists in one raw cell, text block or line printed with a table: the check's
    findings there, and that source (None where the raw layer has no such thing)."""

    findings: tuple[dict[str, Any], ...]
    source: Source | None

    @property
    def document_id(self) -> str:
        """The document it was read from."""
        return str(self.findings[0]["document_id"])


@dataclass(frozen=True)
class ReportData:
    """Everything a report is made of."""

    marts: dict[str, MartData]
    cluster_metrics: pd.DataFrame
    run: RunInfo
    sources: dict[Address, Source] = field(default_factory=dict)
    """The raw cell, row or block behind each mart row's address (pipelines/lib/report/sources.py)."""
    unknown_tables: tuple[UnknownTable, ...] = ()
    typed_tables: tuple[MartData, ...] = ()
    """The typed tables of the tables no family knows (tables.<document_id>_<table_id>), in page order."""
    uncertain_ocr: tuple[UncertainValues, ...] = ()
    """The values OCR was unsure of, by the cell, block or line they were read from, in the check's order."""

    def document_ids(self) -> list[str]:
        """Every document with rows in a mart, sorted."""
        return sorted(set().union(*(m.document_ids() for m in self.marts.values())))

    def for_document(self, document_id: str) -> ReportData:
        """The marts and metrics of one document: what each chart draws, so editions never mix in one chart."""
        metrics = self.cluster_metrics
        if "document_id" in metrics.columns:
            metrics = metrics[metrics["document_id"] == document_id]
        marts = {n: m.for_document(document_id) for n, m in self.marts.items()}
        unknown = tuple(t for t in self.unknown_tables if t.document_id == document_id)
        typed = tuple(t for t in self.typed_tables if document_id in t.document_ids())
        uncertain = tuple(u for u in self.uncertain_ocr if u.document_id == document_id)
        return ReportData(marts, metrics, self.run, self.sources, unknown, typed, uncertain)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def mart_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table of the marts schema, by name."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


def read_mart(con: duckdb.DuckDBPyConnection, name: str) -> MartData:
    """One mart with its column units and descriptions, rows ordered by every column."""
    spec = BY_NAME.get(f"marts.{name}")
    registry = {c.name: c.description for c in spec.columns} if spec else {}
    cols = con.execute(
        "SELECT column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
        "WHERE schema_name = 'marts' AND table_name = ? ORDER BY column_index",
        [name],
    ).fetchall()
    table_comment = con.execute(
        "SELECT coalesce(comment, '') FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?", [name]
    ).fetchall()
    columns = tuple(
        ColumnInfo(col, typ, registry.get(col, comment), column_unit(col, typ, registry.get(col, comment)))
        for col, typ, comment in cols
    )
    rows = con.execute(f"SELECT * FROM marts.{_quote_ident(name)} ORDER BY ALL").fetchall()
    description = spec.description if spec else (table_comment[0][0] if table_comment else "")
    return MartData(name, description, columns, tuple(tuple(r) for r in rows))


QUANTITY_COLUMNS = ("row_label", "column_label", "raw_text", "value", "unit", "qualifier", "context")
"""What the report shows of a quantity of an unknown table (its address opens the source popover)."""


def read_unknown_tables(con: duckdb.DuckDBPyConnection) -> tuple[UnknownTable, ...]:
    """Every table no family knows, with its header row and the quantities of its cells, in page order."""
    spec = BY_NAME["staging.quantities"]
    names = (*ADDRESS_COLUMNS, *QUANTITY_COLUMNS)
    columns = tuple(
        ColumnInfo(c.name, c.type, c.description, column_unit(c.name, c.type, c.description))
        for c in (spec.column(n) for n in names)
    )
    tables = con.execute(
        "SELECT document_id, table_id, page, title FROM raw.tables WHERE family = ? "
        "ORDER BY document_id, page, table_id",
        [UNRECOGNISED],
    ).fetchall()
    out = []
    for document_id, table_id, page, title in tables:
        header = con.execute(
            "SELECT text FROM raw.table_cells WHERE document_id = ? AND table_id = ? AND row_idx = 0 ORDER BY col_idx",
            [document_id, table_id],
        ).fetchall()
        rows = con.execute(
            f"SELECT {', '.join(names)} FROM staging.quantities WHERE document_id = ? AND source_table_id = ? "
            "ORDER BY source_row, source_col, quantity_idx",
            [document_id, table_id],
        ).fetchall()
        value, unit = names.index("value"), names.index("unit")
        shown = tuple(tuple(int(v) if i == value and r[unit] == "year" else v for i, v in enumerate(r)) for r in rows)
        quantities = MartData("quantities", spec.description, columns, shown)  # a year reads 2003, not 2,003
        out.append(UnknownTable(document_id, table_id, int(page), title or "", tuple(h for (h,) in header), quantities))
    return tuple(out)


TYPED_UNITS = {
    "yen": "円",
    "year": "年",
    "cases": "件",
    "persons": "人",
    "companies": "社",
    "percent": "%",
    "km2": "km²",
}
"""The unit a typed column's header shows, by its staging.quantities unit (any other: the unit word itself)."""


def read_typed_tables(con: duckdb.DuckDBPyConnection) -> tuple[MartData, ...]:
    """Every typed table the published file's catalog lists, with its columns' units, rows in printed order."""
    specs = typed_specs(con)
    if not specs:
        return ()
    query = "SELECT table_name, column_name, unit FROM meta.typed_columns WHERE unit IS NOT NULL"
    units = {(t, c): TYPED_UNITS.get(u, u) for t, c, u in con.execute(query).fetchall()}
    out = []
    for spec in specs:
        columns = tuple(ColumnInfo(c.name, c.type, c.description, units.get((spec.name, c.name))) for c in spec.columns)
        names = ", ".join(_quote_ident(c.name) for c in spec.columns)
        sql = f"SELECT {names} FROM {spec.schema}.{_quote_ident(spec.name)} ORDER BY source_row"
        out.append(MartData(spec.qualified, spec.description, columns, tuple(map(tuple, con.execute(sql).fetchall()))))
    return tuple(out)


def read_uncertain_ocr(con: duckdb.DuckDBPyConnection, kept: KeptWork | None = None) -> tuple[UncertainValues, ...]:
    """Every value has_no_uncertain_ocr_values lists (its findings, kept ones reused), grouped by the raw cell,
    block or line each was read from, in the check's order; none for documents without OCR'd pages."""
    return tuple(UncertainValues(*group) for group in finding_sources(con, uncertain_ocr_findings(con, kept)))


def read_run(con: duckdb.DuckDBPyConnection, run_id: str | None) -> RunInfo:
    """The meta.runs row of run_id, or the latest published run when run_id is None or not recorded."""
    rows = con.execute(
        "SELECT run_id, documents FROM meta.runs ORDER BY (run_id = ?) DESC, finished_at DESC LIMIT 1",
        [run_id or ""],
    ).fetchall()
    if not rows:
        raise PublishError("meta.runs is empty: publish the warehouse before building the report")
    documents = json.loads(rows[0][1] or "[]")
    docs = tuple(
        {k: str(d.get(k, "")) for k in ("document_id", "file_name", "sha256")}
        for d in sorted(documents, key=lambda d: d.get("document_id", ""))
    )
    return RunInfo(rows[0][0], docs)


def read_report_data(published: Path, run_id: str | None = None, kept: KeptWork | None = None) -> ReportData:
    """Read the published warehouse read-only (a concurrent reader never blocks or is blocked); with ``kept``,
    each document's sources are resolved once for its raw rows and addresses."""
    if not published.exists():
        raise PublishError(f"{published} does not exist: publish the warehouse before building the report")
    con = duckdb.connect(str(published), read_only=True)
    try:
        marts = {name: read_mart(con, name) for name in mart_names(con)}
        metrics = con.execute(
            "SELECT document_id, cluster_id, metric, value, qualifier, raw_text FROM staging.cluster_metrics "
            "ORDER BY ALL"
        ).df()
        run = read_run(con, run_id)
        unknown = read_unknown_tables(con)
        typed = read_typed_tables(con)
        sourced = {n: (tuple(c.name for c in m.columns), m.rows) for n, m in marts.items()}
        if unknown:
            quantities = unknown[0].quantities
            sourced["quantities"] = (
                tuple(c.name for c in quantities.columns),
                [r for t in unknown for r in t.quantities.rows],
            )
        sources = resolve_mart_sources(con, sourced, kept)
        uncertain = read_uncertain_ocr(con, kept)
    finally:
        con.close()
    return ReportData(marts, metrics, run, sources, unknown, typed, uncertain)
