"""staging.budget_items against the 政策ツール slides (pages 10-12), read by hand from the PDF."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.budget_items import build_budget_items
from tests.lib.staging.helpers import through_duckdb, validate_staging, with_cell_text

DOC = "meti_cluster_seminar_2005"
S1 = "(1)産学官のネットワーク形成"
S2 = "(2)地域の特性を活かした技術開発の推進"
S3 = "(3)起業家育成施設の整備等インキュベーション機能の強化"


@pytest.fixture(scope="module")
def budget(raw_layer):
    return build_budget_items(raw_layer)


def _row(df: pd.DataFrame, program: str, year: int) -> pd.Series:
    hit = df[(df["program"] == program) & (df["fiscal_year"] == year)]
    assert len(hit) == 1, (program, year)
    return hit.iloc[0]


# Read off pages 10-12: program, fiscal year, 億円, section, is_new, is_total, page.
EXPECTED = [
    ("産業クラスター計画関連施策", 2005, "568", None, False, True, 10),
    ("産業クラスター計画関連施策", 2004, "490", None, False, True, 10),
    ("産業クラスター計画推進のためのネットワーク形成事業", 2005, "20.1", S1, False, False, 10),
    ("産業クラスター計画推進のためのネットワーク形成事業", 2004, "6.8", S1, False, False, 10),
    ("産学官ネットワーク形成事業", 2005, "5.2", S1, True, False, 10),
    ("クラスター間の連携交流等の促進事業", 2005, "0.8", S1, True, False, 10),
    ("地域新生コンソーシアム研究開発事業", 2005, "137.2", S2, False, False, 11),
    ("地域新生コンソーシアム研究開発事業", 2004, "114.2", S2, False, False, 11),
    ("地域新規産業創造技術開発費補助金", 2005, "64.1", S2, False, False, 11),
    ("地域新規産業創造技術開発費補助金", 2004, "61.3", S2, False, False, 11),
    ("起業家育成施設の整備", 2005, "23", S3, False, False, 12),
    ("起業家育成施設の整備", 2004, "23", S3, False, False, 12),
    ("インキュベーション・マネージャーの養成研修", 2005, "1.3", S3, False, False, 12),
    ("インキュベーション・マネージャーの養成研修", 2004, "0.8", S3, False, False, 12),
]


@pytest.mark.parametrize(("program", "year", "oku", "section", "is_new", "is_total", "page"), EXPECTED)
def test_values_read_from_the_pdf(budget, program, year, oku, section, is_new, is_total, page):
    row = _row(budget, program, year)
    assert row["amount_oku_yen"] == Decimal(oku)
    assert isinstance(row["amount_oku_yen"], Decimal)
    assert row["amount_yen"] == int(Decimal(oku) * 100_000_000)
    assert (None if pd.isna(row["section"]) else row["section"]) == section
    assert bool(row["is_new"]) is is_new
    assert bool(row["is_total"]) is is_total
    assert row["source_page"] == page
    assert row["document_id"] == DOC


def test_exact_amounts(budget):
    row = _row(budget, "地域新生コンソーシアム研究開発事業", 2005)
    assert row["amount_oku_yen"] == Decimal("137.2")
    assert row["amount_yen"] == 13_720_000_000
    assert _row(budget, "産業クラスター計画推進のためのネットワーク形成事業", 2004)["raw_text"] == "(6.8億円)"


def test_shape_columns_and_order(budget):
    assert list(budget.columns) == table("staging.budget_items").column_names
    assert len(budget) == 14
    assert budget["program"].nunique() == 8  # 7 programs and the total
    keys = budget[["document_id", "program", "fiscal_year"]].astype(str).values.tolist()
    assert keys == sorted(keys)


def test_new_programs_have_no_previous_year(budget):
    for program in ("産学官ネットワーク形成事業", "クラスター間の連携交流等の促進事業"):
        assert budget.loc[budget["program"] == program, "fiscal_year"].tolist() == [2005]


def _next_fiscal_year(raw):
    changed = raw
    for tid in ("policy_tools_1", "policy_tools_2", "policy_tools_3"):
        changed = with_cell_text(changed, tid, 0, 1, "18年度予算")
        changed = with_cell_text(changed, tid, 0, 2, "(17年度予算)")
    return changed


def test_fiscal_years_come_from_the_header(raw_layer):
    df = build_budget_items(_next_fiscal_year(raw_layer))
    assert sorted(set(df["fiscal_year"])) == [2005, 2006]
    assert validate_staging("budget_items", through_duckdb(df, "staging.budget_items")).success


def _era_replaced(raw, new: str):
    """The raw layer with every 平成 of the document (cells, notes, text blocks) written as ``new``."""
    return dataclasses.replace(
        raw,
        table_cells=raw.table_cells.assign(text=raw.table_cells["text"].str.replace("平成", new)),
        table_annotations=raw.table_annotations.assign(text=raw.table_annotations["text"].str.replace("平成", new)),
        text_blocks=raw.text_blocks.assign(text=raw.text_blocks["text"].str.replace("平成", new)),
    )


def test_the_era_of_the_headers_is_the_one_the_document_writes(raw_layer):
    # The deck writes 平成17年度 (pp.10-11); a deck that writes 令和 makes the era-less 17年度予算 fiscal 2035.
    assert sorted(set(build_budget_items(_era_replaced(raw_layer, "令和"))["fiscal_year"])) == [2034, 2035]


def test_a_document_that_names_no_era_fails_on_the_header(raw_layer):
    with pytest.raises(CellValueError, match=r"page 10, table policy_tools_1, cell r0c1.*no era"):
        build_budget_items(_era_replaced(raw_layer, ""))


def test_garbled_amount_names_the_cell(raw_layer):
    bad = with_cell_text(raw_layer, "policy_tools_2", 1, 1, "約?億円")
    with pytest.raises(CellValueError) as err:
        build_budget_items(bad)
    msg = str(err.value)
    for part in (DOC, "page 11", "policy_tools_2", "r1c1", "約?億円"):
        assert part in msg


def test_garbled_header_year_names_the_cell(raw_layer):
    bad = with_cell_text(raw_layer, "policy_tools_3", 0, 2, "(??年度予算)")
    with pytest.raises(CellValueError, match=r"page 12, table policy_tools_3, cell r0c2"):
        build_budget_items(bad)


def test_the_total_need_not_be_the_sum_of_the_listed_programs(budget):
    items = budget[(budget["fiscal_year"] == 2005) & ~budget["is_total"]]["amount_oku_yen"].sum()
    assert items != Decimal("568")  # the slides list only part of the plan's programs
    assert validate_staging("budget_items", through_duckdb(budget, "staging.budget_items")).success


def test_suite_passes_after_duckdb(budget):
    stored = through_duckdb(budget, "staging.budget_items")
    result = validate_staging("budget_items", stored)
    assert result.success, result.describe_failures()


@pytest.mark.parametrize(
    ("column", "value", "failing"),
    [
        ("amount_oku_yen", -1.0, "expect_column_values_to_be_between"),
        ("fiscal_year", 2099, "expect_column_values_to_be_between"),
        ("program", "地域新規産業創造技術開発費補助金", "expect_compound_columns_to_be_unique"),
        ("amount_yen", 1, "expect_column_values_to_be_null"),  # amount_yen disagrees with amount_oku_yen
    ],
)
def test_suite_fails_on_corrupted_data(budget, column, value, failing):
    stored = through_duckdb(budget, "staging.budget_items")
    stored.loc[stored["program"] == "地域新生コンソーシアム研究開発事業", column] = value
    result = validate_staging("budget_items", stored)
    assert not result.success
    assert failing in {f.expectation for f in result.failures}
    assert all("page 11" in f.describe() for f in result.failures if f.expectation == failing)


def _failing_rules(df: pd.DataFrame) -> set[str]:
    return {f.why for f in validate_staging("budget_items", through_duckdb(df, "staging.budget_items")).failures}


def test_suite_catches_a_missing_current_year(budget):
    broken = budget[~((budget["program"] == "地域新生コンソーシアム研究開発事業") & (budget["fiscal_year"] == 2005))]
    assert any("also has a current-year one" in why for why in _failing_rules(broken))


def test_suite_catches_a_new_program_with_a_previous_year(budget):
    extra = _row(budget, "産学官ネットワーク形成事業", 2005).copy()
    extra["fiscal_year"], extra["is_new"], extra["amount_yen"], extra["amount_oku_yen"] = 2004, False, 100000000, 1
    broken = pd.concat([budget, extra.to_frame().T], ignore_index=True)
    assert any("a (新規) program has no previous-year row" in why for why in _failing_rules(broken))


def test_suite_catches_a_year_that_is_not_the_previous_one(budget):
    broken = budget.copy()
    broken.loc[broken["fiscal_year"] == 2004, "fiscal_year"] = 2003
    assert any("the previous fiscal year is the current one minus 1" in why for why in _failing_rules(broken))


def test_suite_catches_two_totals_in_one_year(budget):
    broken = budget.copy()
    broken.loc[broken["program"] == "起業家育成施設の整備", "is_total"] = True
    broken.loc[broken["program"] == "起業家育成施設の整備", "section"] = None
    assert any("one 産業クラスター計画関連施策 total per fiscal year" in why for why in _failing_rules(broken))


def test_partly_garbled_amount_is_not_read_as_its_tail(raw_layer):
    bad = with_cell_text(raw_layer, "policy_tools_3", 2, 1, "1?.3億円")  # parse_money alone reads 3億円
    with pytest.raises(CellValueError, match=r"page 12, table policy_tools_3, cell r2c1: cannot read '1\?\.3億円'"):
        build_budget_items(bad)
