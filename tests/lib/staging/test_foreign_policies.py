"""staging.foreign_policies against page 6 of the deck; expected values read from the slide by hand."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd
import pytest

from pipelines.lib.schema import table
from pipelines.lib.staging.foreign_policies import build_foreign_policies
from tests.lib.staging.helpers import through_duckdb, validate_staging

DOC = "meti_cluster_seminar_2005"


@pytest.fixture(scope="module")
def policies(raw_layer) -> pd.DataFrame:
    return build_foreign_policies(raw_layer)


def test_columns_are_the_registry_columns(policies):
    assert list(policies.columns) == table("staging.foreign_policies").column_names


# (country, policy name, start, end, planned, ministry, 億円, qualifier, years) read off page 6
HAND_READ = [
    ("英国", "地域開発公社(RDA)によるクラスター構想", 1999, None, False, "貿易産業省(DTI)", "100", "exact", None),
    ("英国", "マイクロ・ナノテクネットワーク", 2003, 2008, True, "貿易産業省", "180", "approx", 6),
    ("ドイツ", "ビオレギオ", 1996, 2001, False, "連邦教育研究省", "120", "approx", 5),
    ("ドイツ", "イノレギオ", 1999, 2006, True, "連邦教育研究省", "280", "approx", 6),
    ("フィンランド", "センター・オブ・エキスパティーズ", 1994, 2004, True, "内務省", "28", "approx", None),
]


@pytest.mark.parametrize(
    ("country", "name", "start", "end", "planned", "ministry", "oku", "qualifier", "years"), HAND_READ
)
def test_policies_match_the_slide(policies, country, name, start, end, planned, ministry, oku, qualifier, years):
    rows = policies[(policies["country"] == country) & (policies["policy_name"] == name)]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["start_year"] == start
    assert (None if pd.isna(row["end_year"]) else row["end_year"]) == end
    assert bool(row["end_year_planned"]) is planned
    assert row["ministry"] == ministry
    assert row["budget_oku_yen"] == Decimal(oku) and isinstance(row["budget_oku_yen"], Decimal)
    assert row["budget_qualifier"] == qualifier
    assert (None if pd.isna(row["budget_years"]) else row["budget_years"]) == years
    assert row["source_page"] == 6 and row["document_id"] == DOC


def test_policies_are_keyed_by_country_and_name_in_column_order(policies):
    assert policies.sort_values("source_col")["policy_id"].tolist() == [
        "英国/地域開発公社(RDA)によるクラスター構想",
        "英国/マイクロ・ナノテクネットワーク",
        "ドイツ/ビオレギオ",
        "ドイツ/イノレギオ",
        "フィンランド/センター・オブ・エキスパティーズ",
    ]
    assert policies.sort_values("source_col")["source_col"].tolist() == [1, 2, 3, 4, 5]


def test_text_rows_are_verbatim(policies):
    by_id = policies.set_index("policy_id")
    assert by_id.loc["ドイツ/イノレギオ", "target_regions"] == "23地域を指定。ドレスデン、ポツダム等。"
    assert (
        by_id.loc["フィンランド/センター・オブ・エキスパティーズ", "policy_content"]
        == "基礎的資金の提供(投資の呼び水的な位置づけ)"
    )
    body = "地域開発公社(中央政府の出先機関を統合再編した特殊法人)"
    assert by_id.loc["英国/地域開発公社(RDA)によるクラスター構想", "regional_body"] == body
    budget = "貿易産業省約180億円(6年間、研究100億円、基盤80億円)"
    assert by_id.loc["英国/マイクロ・ナノテクネットワーク", "budget_raw_text"] == budget


def test_a_row_the_table_does_not_print_leaves_its_fields_null(raw_layer, policies):
    cells = raw_layer.table_cells
    budget_row = (cells["table_id"] == "foreign_policies") & (cells["row_idx"] == 2)  # 中央政府の所管・予算
    got = build_foreign_policies(replace(raw_layer, table_cells=cells[~budget_row])).set_index("policy_id")
    assert got["budget_oku_yen"].isna().all() and got["ministry"].isna().all()
    assert got["source_row"].tolist() == [0] * 5  # without a budget cell, a policy's address is its header
    assert got["start_year"].equals(policies.set_index("policy_id").loc[got.index, "start_year"])


def test_rows_are_found_by_label_not_position(raw_layer):
    cells = raw_layer.table_cells.copy()
    fp = cells["table_id"] == "foreign_policies"
    swap = {3: 4, 4: 3}  # 対象地域 and 中央政府の政策内容 change places
    cells.loc[fp, "row_idx"] = cells.loc[fp, "row_idx"].map(lambda r: swap.get(r, r))
    got = build_foreign_policies(replace(raw_layer, table_cells=cells)).set_index("policy_id")
    assert got.loc["ドイツ/イノレギオ", "target_regions"] == "23地域を指定。ドレスデン、ポツダム等。"


def test_suite_passes_on_the_deck(policies):
    result = validate_staging("foreign_policies", through_duckdb(policies, "staging.foreign_policies"))
    assert result.success, result.describe_failures()


def test_suite_fails_on_a_negative_budget_and_a_year_2099(policies):
    bad = policies.copy()
    bad.loc[0, "budget_oku_yen"] = Decimal("-1")
    bad.loc[1, "end_year"] = 2099
    bad.loc[2, "end_year"] = 1990  # before its start, 1996
    result = validate_staging("foreign_policies", through_duckdb(bad, "staging.foreign_policies"))
    failed = {(o.expectation, o.column) for o in result.failures}
    assert ("expect_column_values_to_be_between", "budget_oku_yen") in failed
    assert ("expect_column_values_to_be_between", "end_year") in failed
    assert ("expect_column_pair_values_a_to_be_greater_than_b", None) in failed
