"""staging.overseas_clusters against pages 3-4 of the deck; expected values read from the slides by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError, TableHeaderError
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


# Read off pages 3 and 4: (cluster_id, 国, 地域, 主な分野, page)
HAND_READ = [
    ("overseas_clusters_1_r1", "米国", "シリコンバレー", "情報通信", 3),
    ("overseas_clusters_1_r2", "米国", "オースチン(テキサス州)", "情報通信", 3),
    ("overseas_clusters_1_r3", "米国", "ボストン都市圏", "医療機器、バイオ", 3),
    ("overseas_clusters_1_r4", "米国", "リサーチトライアングル・パーク(ノースカロライナ州)", "医薬バイオ", 3),
    ("overseas_clusters_1_r5", "英国", "ケンブリッジ", "バイオ", 3),
    ("overseas_clusters_1_r6", "英国", "北東イングランド", "ナノテク(新興)", 3),
    ("overseas_clusters_2_r1", "ドイツ", "ミュンヘン周辺(特にマーティンスリード地区)", "医薬バイオ", 4),
    ("overseas_clusters_2_r2", "フィンランド", "オウル", "情報通信、バイオメディカル", 4),
    ("overseas_clusters_2_r4", "韓国", "大徳専門研究園地", "ハイテク", 4),
    ("overseas_clusters_2_r5", "中国", "中関村(北京市西北部)", "ハイテク", 4),
]


@pytest.mark.parametrize(("cluster_id", "country", "region", "fields", "page"), HAND_READ)
def test_cluster_rows_match_the_slides(clusters, cluster_id, country, region, fields, page):
    row = clusters.set_index("cluster_id").loc[cluster_id]
    assert (row["country"], row["region"], row["fields"], row["source_page"]) == (country, region, fields, page)
    assert row["document_id"] == DOC


def test_texts_are_verbatim(clusters):
    row = clusters.set_index("cluster_id").loc["overseas_clusters_1_r1"]
    assert row["economic_scale"] == "南北50km東西15km程度\n人口約230万人(サンタクララ郡)*1"
    assert row["history"].startswith("1950年代、サイエンスパークの設立。")
    assert clusters.set_index("cluster_id").loc["overseas_clusters_1_r6", "companies_ventures"] == "—"


def test_country_fills_down_even_when_the_merged_cell_is_blank(raw_layer):
    blank = with_cell_text(raw_layer, "overseas_clusters_1", 3, 0, "")
    got = build_overseas_clusters(blank).set_index("cluster_id")
    assert got.loc["overseas_clusters_1_r3", "country"] == "米国"


def test_missing_region_names_the_cell(raw_layer):
    broken = with_cell_text(raw_layer, "overseas_clusters_2", 3, 1, "")
    with pytest.raises(CellValueError) as err:
        build_overseas_clusters(broken)
    msg = str(err.value)
    assert f"{DOC}.pdf" in msg and "page 4" in msg and "overseas_clusters_2" in msg and "cell r3c1" in msg


def test_renamed_header_is_refused(raw_layer):
    broken = with_cell_text(raw_layer, "overseas_clusters_1", 0, 3, "規模")
    with pytest.raises(TableHeaderError, match="overseas_clusters_1"):
        build_overseas_clusters(broken)


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
