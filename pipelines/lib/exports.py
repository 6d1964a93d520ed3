"""Exports of every mart (and typed table) for people who don't run SQL: Parquet, CSV (UTF-8 with BOM), one workbook.

`write_exports` writes them into a folder beside the working copy; `warehouse.publish` swaps them in with the
database. Every file is a function of the rows alone (same rows, same bytes): rows in `ORDER BY ALL` order,
the workbook's created/modified stamps fixed and its zip entries dated 1980 by xlsxwriter. Which marts and
which columns come from the registry (pipelines/lib/schema.py), never from a list kept here.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.errors import PublishError
from pipelines.lib.schema import Table
from pipelines.lib.warehouse.build import ident, quote

WORKBOOK_NAME = "clusters.xlsx"
COLUMNS_SHEET = "columns"
BOM = "\ufeff".encode()
# A workbook records when it was made; a fixed stamp keeps two builds of the same rows byte-identical.
WORKBOOK_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
EXCEL_SHEET_NAME_MAX = 31
TYPED_SCHEMA = "tables"
"""The schema of the typed tables of tables no family knows: exported like marts, their sheets named to fit."""
EXCEL_MAX_ROWS = 1_048_576
COLUMN_WIDTH_MAX = 60


def _select(spec: Table) -> str:
    """Every registry column of a mart, rows in a deterministic order."""
    cols = ", ".join(ident(c) for c in spec.column_names)
    return f"SELECT {cols} FROM {spec.schema}.{ident(spec.name)} ORDER BY ALL"


def write_parquet(con: duckdb.DuckDBPyConnection, spec: Table, target: Path) -> None:
    """<mart>.parquet, zstd-compressed, typed as in DuckDB."""
    con.execute(f"COPY ({_select(spec)}) TO {quote(str(target))} (FORMAT parquet, COMPRESSION zstd)")


def write_csv(con: duckdb.DuckDBPyConnection, spec: Table, target: Path) -> None:
    """<mart>.csv: a header row, comma-separated, UTF-8 with a byte-order mark so Excel reads Japanese as such.

    Nulls are empty fields; text holding commas, quotes or line breaks is quoted; lists print as [1997, 2003].
    """
    part = target.with_name(target.name + ".part")
    con.execute(f"COPY ({_select(spec)}) TO {quote(str(part))} (FORMAT csv, HEADER true, DELIMITER ',')")
    try:
        with target.open("wb") as out:
            out.write(BOM)
            out.write(part.read_bytes())
    finally:
        part.unlink(missing_ok=True)


def _cell_text(value: Any) -> str:
    """A value as the CSV shows it (lists as [a, b])."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cell_text(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_cell(sheet: Any, row: int, col: int, value: Any) -> int:
    """Write one value with its own type (never a formula); returns the width it needs."""
    if value is None:
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return 5
    if isinstance(value, int | float | decimal.Decimal):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):  # NaN/inf: Excel has no such number
            sheet.write_string(row, col, str(value))
        else:
            sheet.write_number(row, col, number)
        return len(str(value))
    text = _cell_text(value)
    sheet.write_string(row, col, text)
    return max((len(line) for line in text.splitlines()), default=0) * 2  # CJK glyphs are about two columns wide


def sheet_name(spec: Table) -> str:
    """A table's sheet: its name; a typed table's (schema tables) too long for Excel is cut, with a hash of it."""
    if spec.schema == TYPED_SCHEMA and len(spec.name) > EXCEL_SHEET_NAME_MAX:
        digest = hashlib.sha256(spec.name.encode()).hexdigest()[:8]
        return f"{spec.name[: EXCEL_SHEET_NAME_MAX - len(digest) - 1]}_{digest}"
    if len(spec.name) > EXCEL_SHEET_NAME_MAX or spec.name == COLUMNS_SHEET:
        raise PublishError(f"{spec.qualified}: cannot be an Excel sheet name (31 characters at most, not 'columns')")
    return spec.name


def write_workbook(con: duckdb.DuckDBPyConnection, specs: Sequence[Table], target: Path) -> None:
    """clusters.xlsx: one sheet per mart (header row frozen, filters on) and a `columns` sheet describing them."""
    import xlsxwriter

    from pipelines.lib.report.units import column_unit

    workbook = xlsxwriter.Workbook(
        str(target),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
    )
    try:
        workbook.set_properties(
            {
                "title": "METI 産業クラスター計画: marts",
                "comments": "Every mart of the warehouse; the columns sheet gives each column's meaning and unit.",
                "created": WORKBOOK_STAMP,
            }
        )
        header = workbook.add_format({"bold": True, "bottom": 1})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        for spec in specs:
            rows = con.execute(_select(spec)).fetchall()
            if len(rows) + 1 > EXCEL_MAX_ROWS:
                raise PublishError(f"{spec.qualified}: {len(rows)} rows do not fit an Excel sheet")
            sheet = workbook.add_worksheet(sheet_name(spec))
            widths = [len(c) for c in spec.column_names]
            for col, name in enumerate(spec.column_names):
                sheet.write_string(0, col, name, header)
            for r, values in enumerate(rows, start=1):
                for col, value in enumerate(values):
                    widths[col] = max(widths[col], _write_cell(sheet, r, col, value))
            for col, width in enumerate(widths):
                sheet.set_column(col, col, min(width + 2, COLUMN_WIDTH_MAX))
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(len(rows), 1), len(spec.columns) - 1)
        sheet = workbook.add_worksheet(COLUMNS_SHEET)
        names = ("table", "column", "type", "unit", "description")
        for col, name in enumerate(names):
            sheet.write_string(0, col, name, header)
        r = 0
        for spec in specs:
            for c in spec.columns:
                r += 1
                unit = column_unit(c.name, c.type, c.description) or ""
                for col, value in enumerate((sheet_name(spec), c.name, c.type, unit, c.description)):
                    sheet.write_string(r, col, value, wrap if col == len(names) - 1 else None)
        for col, width in enumerate((26, 26, 16, 10, 90)):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, r, len(names) - 1)
    finally:
        workbook.close()


def write_exports(con: duckdb.DuckDBPyConnection, specs: Sequence[Table], out_dir: Path) -> dict[str, Path]:
    """Every export of every mart into out_dir, each fsynced; returns {file name: path}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for spec in specs:
        for suffix, write in ((".parquet", write_parquet), (".csv", write_csv)):
            target = out_dir / f"{spec.name}{suffix}"
            write(con, spec, target)
            written[target.name] = target
    workbook = out_dir / WORKBOOK_NAME
    write_workbook(con, specs, workbook)
    written[workbook.name] = workbook
    for path in written.values():
        fsync_file(path)
    return written


def fsync_file(path: Path) -> None:
    """Flush a written file to disk before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
