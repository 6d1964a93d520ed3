"""Exports on a real DuckDB: CSV with a BOM, a workbook whose cells keep their types, both byte-deterministic."""

from decimal import Decimal

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines.lib.errors import PublishError
from pipelines.lib.exports import COLUMNS_SHEET, WORKBOOK_NAME, write_exports
from pipelines.lib.schema import MART_TABLES, C, Table
from tests.support import sha256

SPEC = Table(
    "marts",
    "sample",
    "A mart shaped like ours.",
    (
        C("document_id", "VARCHAR", "Source PDF file name without .pdf"),
        C("label", "VARCHAR", "Verbatim label"),
        C("oku_yen", "DECIMAL(18,4)", "Budget in 億円"),
        C("population", "DOUBLE", "人口, persons"),
        C("is_new", "BOOLEAN", "Program marked (新規)"),
        C("as_of_years", "INTEGER[]", "Reference years, ascending"),
    ),
)
ROWS = [
    ("d", "中関村(北京市西北部)", Decimal("137.2000"), 2300000.0, False, [1997, 2003]),
    ("d", '=1+2, "quoted"\n2行目', None, None, True, []),
    ("d", "@SUM(A1)", Decimal("0.8000"), 124000.0, None, [2003]),
]


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("create schema marts")
    c.execute(
        "create table marts.sample (document_id varchar, label varchar, oku_yen decimal(18,4), population double, "
        "is_new boolean, as_of_years integer[])"
    )
    c.executemany("insert into marts.sample values (?, ?, ?, ?, ?, ?)", ROWS)
    yield c
    c.close()


def test_csv_is_utf8_with_a_bom_and_reads_back_row_for_row(con, tmp_path):
    write_exports(con, [SPEC], tmp_path)
    raw = (tmp_path / "sample.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdocument_id,label,")
    assert "中関村(北京市西北部)".encode() in raw
    df = pd.read_csv(tmp_path / "sample.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(df.columns) == SPEC.column_names and len(df) == len(ROWS)
    assert set(df["label"]) == {r[1] for r in ROWS}  # commas, quotes and a line break survive quoting
    assert set(df["as_of_years"]) == {"[1997, 2003]", "[]", "[2003]"}
    assert len(pd.read_parquet(tmp_path / "sample.parquet")) == len(ROWS)


def test_workbook_cells_keep_their_types_and_text_never_becomes_a_formula(con, tmp_path):
    write_exports(con, [SPEC], tmp_path)
    wb = openpyxl.load_workbook(tmp_path / WORKBOOK_NAME)
    assert wb.sheetnames == ["sample", COLUMNS_SHEET]
    rows = list(wb["sample"].iter_rows(values_only=True))
    assert rows[0] == tuple(SPEC.column_names)
    assert len(rows) - 1 == len(ROWS)
    by_label = {r[1]: r for r in rows[1:]}
    assert by_label["中関村(北京市西北部)"][2:] == (137.2, 2300000, False, "[1997, 2003]")
    assert by_label['=1+2, "quoted"\n2行目'][2:5] == (None, None, True)
    for row in wb["sample"].iter_rows(min_row=2):
        assert row[1].data_type == "s", row[1].value  # '=…' and '@…' stay strings, not formulas
    columns = list(wb[COLUMNS_SHEET].iter_rows(values_only=True))
    assert columns[0] == ("table", "column", "type", "unit", "description")
    assert ("sample", "oku_yen", "DECIMAL(18,4)", "億円", "Budget in 億円") in columns
    assert ("sample", "population", "DOUBLE", "人", "人口, persons") in columns


def test_two_builds_of_the_same_rows_are_byte_identical(con, tmp_path):
    a = write_exports(con, [SPEC], tmp_path / "a")
    b = write_exports(con, [SPEC], tmp_path / "b")
    assert sorted(a) == ["clusters.xlsx", "sample.csv", "sample.parquet"]
    assert {n: sha256(p) for n, p in a.items()} == {n: sha256(p) for n, p in b.items()}
    props = openpyxl.load_workbook(a[WORKBOOK_NAME]).properties
    assert props.created == props.modified and props.created.year == 2000  # fixed, not the build time


def test_a_mart_name_excel_cannot_hold_is_refused(con, tmp_path):
    long = Table("marts", "a_mart_name_longer_than_excel_allows", "", SPEC.columns)
    con.execute(f"create table marts.{long.name} as select * from marts.sample")
    with pytest.raises(PublishError, match="31 characters"):
        write_exports(con, [long], tmp_path)


def test_every_registry_mart_fits_a_sheet_name():
    assert all(len(t.name) <= 31 and t.name != COLUMNS_SHEET for t in MART_TABLES)
