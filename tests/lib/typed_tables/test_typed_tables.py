"""Typed tables of the tables no family knows, checked against the hand-made truth files (never program output).

* The JST deck (tests/fixtures/decks): its programs table against its truth grid and the quantities a person
  read off its slides (…quantities.json).
* The revised edition rev2 (tests/fixtures/editions): its one table no family knows against its truth grid.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from pipelines.lib.schema import table
from pipelines.lib.staging.raw_layer import RAW_TABLES, RawLayer
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.tables.extract import extract_document
from pipelines.lib.typed_tables import build_typed_tables, column_name, table_name
from pipelines.lib.typed_tables.naming import snake, unique
from pipelines.lib.typed_tables.store import (
    build_document_tables,
    typed_specs,
    validate_typed_tables,
    write_typed_tables,
)
from pipelines.lib.typed_tables.suite import typed_table_suite
from pipelines.lib.validation.validate import validate_frame
from pipelines.lib.warehouse.build import read_table, write_table
from tests.support import FIXTURES, JST, REV2

JST_TRUTH = json.loads((FIXTURES / "decks" / "jst_regional_programs_2003.truth.json").read_text(encoding="utf-8"))
HAND_READ = json.loads((FIXTURES / "decks" / "jst_regional_programs_2003.quantities.json").read_text(encoding="utf-8"))
REV2_TRUTH = json.loads(
    (FIXTURES / "editions" / "meti_cluster_seminar_2005_rev2.truth.json").read_text(encoding="utf-8")
)


def squeeze(text: str | None) -> str:
    """Text compared as a reader compares it: NFKC, no whitespace, one range dash."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or "")).replace("〜", "～").replace("~", "～")


def layers(pdf) -> tuple[RawLayer, pd.DataFrame]:
    raw = RawLayer.from_extractions([extract_document(pdf)])
    built: dict[str, pd.DataFrame] = {}
    for st in STAGING:
        built[st.name] = st.build(raw, built)
    return raw, built["quantities"]


def typed_of(pdf) -> list:
    raw, quantities = layers(pdf)
    return build_typed_tables(raw.tables, raw.table_cells, quantities)


@pytest.fixture(scope="module")
def jst_layers():
    return layers(JST)


@pytest.fixture(scope="module")
def jst(jst_layers):
    raw, quantities = jst_layers
    (only,) = build_typed_tables(raw.tables, raw.table_cells, quantities)
    return only


@pytest.fixture(scope="module")
def rev2():
    return typed_of(REV2)


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("制度名(所管)", "制度名_所管"),
        ("1件当り事業規模", "c_1件当り事業規模"),
        ("参画企業数", "参画企業数"),
        ("経済規模(面積、人口等)", "経済規模_面積_人口等"),
        ("Ｒ＆Ｄ 予算", "r_d_予算"),
        ("17年度予算\n(億円)", "c_17年度予算_億円"),
    ],
)
def test_a_header_becomes_a_safe_snake_name_without_romanising(header, name):
    assert column_name(header, 0) == name


def test_an_empty_or_taken_name_is_made_unique():
    assert column_name("", 3) == "col_3"
    assert column_name("(  )", 1) == "col_1"
    assert column_name("予算", 4, ["予算", "予算_2"]) == "予算_3"
    assert unique("source_row", ["source_row"]) == "source_row_2"
    assert snake("---") == ""


def test_a_table_is_named_after_its_document_and_raw_table_id():
    assert table_name("jst_regional_programs_2003", "unrecognised_9182b97c") == (
        "jst_regional_programs_2003_unrecognised_9182b97c"
    )
    assert table_name("資料 2005 (改訂)", "unrecognised_ab") == "資料_2005_改訂_unrecognised_ab"


def _hand_value(column: str, raw_text: str) -> Decimal:
    found = {
        Decimal(str(q["value"]))
        for q in HAND_READ["quantities"]
        if q.get("column_label") == column and squeeze(q["raw_text"]) == squeeze(raw_text)
    }
    assert len(found) == 1, (column, raw_text, found)
    return found.pop()


def _hand_read(column: str, raw_text: str) -> bool:
    return any(
        q.get("column_label") == column and squeeze(q["raw_text"]) == squeeze(raw_text) for q in HAND_READ["quantities"]
    )


def test_the_jst_programs_table_has_one_row_per_printed_row_and_one_column_per_printed_column(jst):
    (truth,) = JST_TRUTH["tables"]
    assert jst.page == truth["page"] and jst.header_rows == truth["header_rows"]
    assert [squeeze(h) for h in jst.header] == [squeeze(h) for h in truth["header"][0]]
    assert len(jst.rows) == truth["n_rows"] - truth["header_rows"]
    printed = [c for c in jst.columns if c.role in ("text", "value")]
    assert [c.source_col for c in printed] == list(range(truth["n_cols"]))
    assert [c.description for c in printed] == truth["header"][0]  # the printed header is the COMMENT
    types = {c.name: c.type for c in jst.columns}
    assert types["制度名_所管"] == "VARCHAR"  # text
    assert types["c_1件当り事業規模"] == "VARCHAR"  # several amounts with words between them: mixed
    assert types["予算"].startswith("DECIMAL")  # yen
    assert types["年度"] == "INTEGER"  # a fiscal year, Western
    assert types["採択件数"] == types["採択件数_応募"] == "BIGINT"  # cases, the applications in their own column
    assert {c.unit for c in jst.columns if c.name.startswith("採択件数")} == {"cases"}


def test_the_jst_programs_table_holds_the_hand_read_values_row_by_row(jst):
    (truth,) = JST_TRUTH["tables"]
    for row, cells in zip(jst.rows, truth["cells"][truth["header_rows"] :], strict=True):
        program, start, _, year, budget, selected = cells
        assert squeeze(row["制度名_所管"]) == squeeze(program)
        assert row["年度"] == (_hand_value("年度", year) if _hand_read("年度", year) else row["年度"])
        assert 1988 < row["年度"] < 2020 and str(row["年度"] - 1988) in year  # 平成N年度 is the year 1988 + N
        if _hand_read("予算", budget):
            assert row["予算"] == _hand_value("予算", budget)
        elif re.search(r"[0-9]", budget) is None:  # 一般枠と同じ or a dash: no amount, the text kept as a note
            assert row["予算"] is None
            assert row["予算_note"] == (budget if budget.strip("-") else None)
        if m := re.fullmatch(r"(.+件)\(応募(.+件)\)", squeeze(selected)):
            assert row["採択件数"] == int(m.group(1).removesuffix("件"))
            applications = m.group(2)
            expected = _hand_value("採択件数", applications) if _hand_read("採択件数", applications) else None
            assert row["採択件数_応募"] == (expected or int(applications.removesuffix("件")))
        else:
            assert row["採択件数"] is None and row["採択件数_応募"] is None
        if "〜" in start:  # 平成13〜14年度: a range, its bounds beside it
            assert (row["開始年_low"], row["開始年_high"], row["開始年_qualifier"]) == (2001, 2002, "range")
        assert row["source_page"] == truth["page"]


def test_rows_are_keyed_by_program_and_fiscal_year_for_editions(jst):
    assert jst.key_columns == ("制度名_所管", "年度")
    assert len(set(jst.row_keys)) == len(jst.rows)
    assert jst.row_keys[0] == "地域新生コンソーシアム研究開発事業一般枠(経済産業省) | 2002"


def test_the_rev2_table_no_family_knows_is_typed_from_its_truth_grid(rev2):
    (truth,) = [t for t in REV2_TRUTH["tables"] if t["id"] == "projects_by_field_new"]
    (table,) = rev2
    assert table.page == truth["page"] and table.title == truth["slide_title"]
    types = {c.name: c.type for c in table.columns}
    assert types == {
        "document_id": "VARCHAR",
        "分野": "VARCHAR",
        "プロジェクト数": "BIGINT",
        "参画企業数": "BIGINT",
        "参画企業数_qualifier": "VARCHAR",
        "source_page": "INTEGER",
        "source_table_id": "VARCHAR",
        "source_row": "INTEGER",
        "source_col": "INTEGER",
    }
    for row, (field, projects, companies) in zip(table.rows, truth["cells"][1:], strict=True):
        assert row["分野"] == field and row["プロジェクト数"] == int(projects)
        assert row["参画企業数"] == int(re.sub(r"[^0-9]", "", companies))
        assert row["参画企業数_qualifier"] == ("approx" if companies.startswith("約") else "exact")


def test_the_suite_checks_the_row_count_and_where_numbers_parsed(jst):
    suite = typed_table_suite(jst)
    by_type: dict[str, list[dict]] = {}
    for e in suite["expectations"]:
        by_type.setdefault(e["type"], []).append(e["kwargs"])
    assert by_type["expect_table_row_count_to_equal"] == [{"value": 12}]
    not_null = {k["column"]: k.get("row_condition") for k in by_type["expect_column_values_to_not_be_null"]}
    assert not_null["年度"] is None  # every printed row has one
    assert not_null["予算"] == "source_row in [1, 2, 5, 6, 7, 8, 9, 10, 11]"  # not 一般枠と同じ, not the dash
    assert {"column_A": "開始年_high", "column_B": "開始年_low"}.items() <= by_type[
        "expect_column_pair_values_a_to_be_greater_than_b"
    ][0].items()


def test_stored_tables_keep_their_types_and_comments_and_are_listed(jst, rev2):
    con = duckdb.connect()
    try:
        write_typed_tables(con, [jst, *rev2])
        (spec_jst, spec_rev2) = typed_specs(con)
        assert spec_jst.qualified == jst.qualified and spec_rev2.qualified == rev2[0].qualified
        declared = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = 'tables' "
            "AND table_name = ? ORDER BY column_index",
            [jst.name],
        ).fetchall()
        assert [(n, t) for n, t, _ in declared] == [(c.name, c.type) for c in spec_jst.columns]
        assert dict((n, c) for n, _, c in declared)["制度名_所管"] == "制度名(所管)"
        stored = read_table(con, spec_jst)
        assert len(stored) == 12 and stored["予算"].notna().sum() == 9
        values = con.execute(
            "SELECT value FROM tables.document_tables WHERE table_name = ? AND column_name = '予算' AND row_key = ?",
            [jst.name, "地域新生コンソーシアム研究開発事業一般枠(経済産業省) | 2002"],
        ).fetchall()
        assert values == [("8650000000",)]
        write_typed_tables(con, rev2)  # a document gone: its typed table goes too
        assert [s.name for s in typed_specs(con)] == [rev2[0].name]
        assert not con.execute("SELECT * FROM information_schema.tables WHERE table_name = ?", [jst.name]).fetchall()
    finally:
        con.close()


def test_the_generated_suite_passes_on_the_built_table_and_fails_on_a_lost_row(jst_layers):
    raw, quantities = jst_layers
    con = duckdb.connect()
    try:
        for name in RAW_TABLES:
            write_table(con, table(f"raw.{name}"), getattr(raw, name))
        write_table(con, table("staging.quantities"), quantities)
        (built,) = build_document_tables(con)
        run_here = validate_frame  # no background worker here: validated in this process
        assert [(v.table, v.passed) for v in validate_typed_tables(con, run_here)] == [(built.qualified, True)]
        con.execute(f"DELETE FROM {built.qualified} WHERE source_row = 12")  # the dashes' row, all else null
        (verdict,) = validate_typed_tables(con, run_here)
        assert not verdict.passed and "expect_table_row_count_to_equal" in verdict.failures
        con.execute(f'UPDATE {built.qualified} SET "予算" = NULL WHERE source_row = 1')  # 86億5,000万円 lost
        (verdict,) = validate_typed_tables(con, run_here)
        assert "expect_column_values_to_not_be_null on 予算" in verdict.failures
    finally:
        con.close()


def test_two_documents_whose_names_differ_only_in_punctuation_get_two_tables(jst_layers):
    raw, quantities = jst_layers

    def as_document(frame: pd.DataFrame, document_id: str) -> pd.DataFrame:
        return frame.assign(document_id=document_id)

    ids = ["jst-2003", "jst_2003"]
    tables = pd.concat([as_document(raw.tables, d) for d in ids], ignore_index=True)
    cells = pd.concat([as_document(raw.table_cells, d) for d in ids], ignore_index=True)
    found = pd.concat([as_document(quantities, d) for d in ids], ignore_index=True)
    names = [t.name for t in build_typed_tables(tables, cells, found)]
    assert names == ["jst_2003_unrecognised_9182b97c", "jst_2003_unrecognised_9182b97c_2"]
