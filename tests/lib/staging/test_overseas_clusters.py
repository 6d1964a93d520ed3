"""staging.overseas_clusters against pages 3-4 of the deck; expected values read from the slides by hand."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.overseas_clusters import build_overseas_clusters
from tests.lib.staging.helpers import through_duckdb, validate_staging, with_cell_text

DOC = "meti_cluster_seminar_2005"


@pytest.fixture(scope="module")
def clusters(raw_layer) -> pd.DataFrame:
    return build_overseas_clusters(raw_layer)


def test_columns_are_the_registry_columns(clusters):
    assert list(clusters.columns) == table("staging.overseas_clusters").column_names


def test_eleven_clusters_six_on_page_3_five_on_page_4(clusters):
    assert len(clusters) == 11
    assert clusters["source_page"].value_counts().to_dict() == {3: 6, 4: 5}
    assert clusters["cluster_id"].is_unique


# Read off pages 3 and 4: (国, 地域, 主な分野, page, row); a cluster is keyed by its region
HAND_READ = [
    ("米国", "シリコンバレー", "情報通信", 3, 1),
    ("米国", "オースチン(テキサス州)", "情報通信", 3, 2),
    ("米国", "ボストン都市圏", "医療機器、バイオ", 3, 3),
    ("米国", "リサーチトライアングル・パーク(ノースカロライナ州)", "医薬バイオ", 3, 4),
    ("英国", "ケンブリッジ", "バイオ", 3, 5),
    ("英国", "北東イングランド", "ナノテク(新興)", 3, 6),
    ("ドイツ", "ミュンヘン周辺(特にマーティンスリード地区)", "医薬バイオ", 4, 1),
    ("フィンランド", "オウル", "情報通信、バイオメディカル", 4, 2),
    ("韓国", "大徳専門研究園地", "ハイテク", 4, 4),
    ("中国", "中関村(北京市西北部)", "ハイテク", 4, 5),
]


@pytest.mark.parametrize(("country", "region", "fields", "page", "row_idx"), HAND_READ)
def test_cluster_rows_match_the_slides(clusters, country, region, fields, page, row_idx):
    row = clusters.set_index("cluster_id").loc[region]
    assert (row["country"], row["region"], row["fields"], row["source_page"]) == (country, region, fields, page)
    assert (row["document_id"], row["source_row"]) == (DOC, row_idx)


def test_texts_are_verbatim(clusters):
    row = clusters.set_index("cluster_id").loc["シリコンバレー"]
    assert row["economic_scale"] == "南北50km東西15km程度\n人口約230万人(サンタクララ郡)*1"
    assert row["history"].startswith("1950年代、サイエンスパークの設立。")
    assert clusters.set_index("cluster_id").loc["北東イングランド", "companies_ventures"] == "—"


def test_country_fills_down_even_when_the_merged_cell_is_blank(raw_layer):
    blank = with_cell_text(raw_layer, "overseas_clusters_1", 3, 0, "")
    got = build_overseas_clusters(blank).set_index("cluster_id")
    assert got.loc["ボストン都市圏", "country"] == "米国"


def test_missing_region_names_the_cell(raw_layer):
    broken = with_cell_text(raw_layer, "overseas_clusters_2", 3, 1, "")
    with pytest.raises(CellValueError) as err:
        build_overseas_clusters(broken)
    msg = str(err.value)
    assert f"{DOC}.pdf" in msg and "page 4" in msg and "overseas_clusters_2" in msg and "cell r3c1" in msg


def test_a_reworded_header_is_read_by_what_it_means(raw_layer, clusters):
    reworded = with_cell_text(raw_layer, "overseas_clusters_1", 0, 6, "沿革")  # 発展の経緯 as rev2 prints it
    reworded = with_cell_text(reworded, "overseas_clusters_1", 0, 2, "主要分野")
    assert_frame_equal(build_overseas_clusters(reworded), clusters)


def _swap_columns(raw, table_id, a, b):
    cells = raw.table_cells.copy()
    mine = cells["table_id"] == table_id
    col = cells.loc[mine, "col_idx"]
    cells.loc[mine, "col_idx"] = col.where(col != a, -1).where(col != b, a).replace(-1, b)
    return dataclasses.replace(raw, table_cells=cells.sort_values(["document_id", "table_id", "row_idx", "col_idx"]))


def test_moved_columns_give_the_same_rows(raw_layer, clusters):
    moved = _swap_columns(_swap_columns(raw_layer, "overseas_clusters_1", 3, 5), "overseas_clusters_2", 1, 2)
    assert_frame_equal(build_overseas_clusters(moved), clusters)


def test_a_header_that_names_no_field_is_never_read_into_one(raw_layer, clusters):
    unknown = with_cell_text(raw_layer, "overseas_clusters_1", 0, 3, "備考")  # not a wording of economic_scale
    got = build_overseas_clusters(unknown).set_index("cluster_id")
    assert got.loc["シリコンバレー", "economic_scale"] is None or pd.isna(got.loc["シリコンバレー", "economic_scale"])
    assert got.loc["オウル", "economic_scale"] == clusters.set_index("cluster_id").loc["オウル", "economic_scale"]
    assert got.drop(columns="economic_scale").equals(clusters.set_index("cluster_id").drop(columns="economic_scale"))


def test_suite_passes_on_the_deck(clusters):
    result = validate_staging("overseas_clusters", through_duckdb(clusters, "staging.overseas_clusters"))
    assert result.success, result.describe_failures()


def test_suite_fails_on_a_duplicated_key_but_a_new_country_passes(clusters):
    bad = pd.concat([clusters, clusters.iloc[[0]]], ignore_index=True)
    result = validate_staging("overseas_clusters", through_duckdb(bad, "staging.overseas_clusters"))
    failed = {(o.expectation, o.column) for o in result.failures}
    assert ("expect_compound_columns_to_be_unique", None) in failed
    new_country = clusters.copy()
    new_country.loc[0, "country"] = "スウェーデン"  # an edition may add a country: not a reason to refuse it
    assert validate_staging("overseas_clusters", through_duckdb(new_country, "staging.overseas_clusters")).success
