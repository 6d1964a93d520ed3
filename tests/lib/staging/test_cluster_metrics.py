"""staging.cluster_metrics against pages 3-4 of the deck; expected values read from the slides by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.cluster_metrics import build_cluster_metrics
from tests.lib.staging.helpers import through_duckdb, validate_staging, with_cell_text

DOC = "meti_cluster_seminar_2005"
# A cluster is keyed by its region as printed on pages 3 and 4.
SV, AUSTIN, BOSTON = "シリコンバレー", "オースチン(テキサス州)", "ボストン都市圏"
RTP, CAMBRIDGE, NE_ENGLAND = "リサーチトライアングル・パーク(ノースカロライナ州)", "ケンブリッジ", "北東イングランド"
MUNICH, OULU, SOPHIA = "ミュンヘン周辺(特にマーティンスリード地区)", "オウル", "ソフィア・アンティボリス"
DAEDEOK, ZGC = "大徳専門研究園地", "中関村(北京市西北部)"


@pytest.fixture(scope="module")
def metrics(raw_layer) -> pd.DataFrame:
    return build_cluster_metrics(raw_layer)


def one(metrics: pd.DataFrame, cluster_id: str, metric: str, raw_text: str | None = None) -> pd.Series:
    rows = metrics[(metrics["cluster_id"] == cluster_id) & (metrics["metric"] == metric)]
    if raw_text is not None:
        rows = rows[rows["raw_text"] == raw_text]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_columns_are_the_registry_columns(metrics):
    assert list(metrics.columns) == table("staging.cluster_metrics").column_names


# Read off the slides. Footnotes: その1 *1 2003 *2 1999 *3 1997 *4 2004 *5 1998; その2 *1 2002 *2 2003 *3 2004.
# (cluster, metric, value, qualifier, as_of_year, scope, page); scope None = the cell names no scope (NULL).
HAND_READ = [
    (SV, "population", 2_300_000, "approx", 2003, "サンタクララ郡", 3),  # 人口約230万人(サンタクララ郡)*1
    (SV, "area_km2", 750, "approx", None, None, 3),  # 南北50km東西15km程度
    (SV, "companies", 5000, "approx", 1997, "ハイテク企業", 3),  # ハイテク企業約5000社 (…)*3。
    (AUSTIN, "workforce", 100_000, "approx", 1999, "主にハイテク関連企業", 3),  # 就業人口約10万人(…)*2
    (AUSTIN, "companies", 1750, "approx", 1999, "デル社などハイテク関連企業", 3),  # …企業数:約1750社*2
    (BOSTON, "population", 700_000, "approx", 2004, "ボストン市+ケンブリッジ市", 3),
    (BOSTON, "bio_companies", 250, "exact", 1997, "バイオ関連企業", 3),  # 250社(全米の18%)。*3
    (RTP, "workforce", 40_000, "approx", 1999, None, 3),  # 就業人口約4万人*2
    (RTP, "ventures", 140, "approx", 2003, "バイオベンチャー", 3),  # バイオベンチャー約140社*1
    (RTP, "area_km2", 600, "approx", None, "ローリー、ダーラム、チャペルヒルの3都市", 3),  # (およそ東西30km、南北20km…)
    (CAMBRIDGE, "workforce", 32_000, "at_least", 1998, None, 3),  # 就業人口3.2万人強*5
    (CAMBRIDGE, "bio_companies", 150, "approx", 1998, "バイオ関連企業", 3),  # 約150社*5
    (NE_ENGLAND, "population", 2_600_000, "approx", None, None, 3),
    (NE_ENGLAND, "employees", 13_000, "approx", None, "ハイテク関連新事業で創出した雇用", 3),  # …雇用は13000人ほど
    (MUNICH, "population", 1_300_000, "approx", None, "ミュンヘン市", 4),  # ミュンヘン市は人口約130万人
    (MUNICH, "bio_companies", 100, "approx", 2002, "バイオ関連企業", 4),  # 100社ほどのバイオ関連企業 … *1
    (OULU, "population", 124_000, "approx", 2003, None, 4),  # 人口約12.4万人*2
    (OULU, "employees", 7500, "at_least", 2003, "Technopolis入居企業", 4),  # …働いているのは7500人以上*2
    (OULU, "companies", 500, "at_least", None, "Technopolisに入居しているハイテク企業", 4),  # …ハイテク企業は500以上
    (SOPHIA, "area_km2", 24, "approx", None, None, 4),  # 約24平方キロメートル
    (SOPHIA, "employees", 22_000, "exact", None, None, 4),  # 従業員2.2万人
    (SOPHIA, "companies", 1100, "approx", None, None, 4),  # 企業数は約1100。
    (DAEDEOK, "employees", 17_000, "approx", None, None, 4),  # 従業員約1.7万人
    (DAEDEOK, "students", 30_000, "approx", None, None, 4),  # 学生約3万人
    (DAEDEOK, "area_km2", 25, "approx", None, None, 4),  # 約5キロ四方
    (DAEDEOK, "population", 1_300_000, "approx", None, "大田市", 4),  # 大田市の人口は約130万人
    (ZGC, "area_km2", 340, "exact", None, "北京北西部", 4),  # 北京北西部の340平方キロメートル
    (ZGC, "employees", 360_000, "at_least", 2002, "企業", 4),  # 企業には36万人以上が勤める*1
    (ZGC, "companies", 10_000, "exact", 2004, None, 4),  # 企業数は、1万社。… *3
]


@pytest.mark.parametrize(("cluster_id", "metric", "value", "qualifier", "year", "scope", "page"), HAND_READ)
def test_quantities_match_the_slides(metrics, cluster_id, metric, value, qualifier, year, scope, page):
    row = one(metrics, cluster_id, metric)
    assert row["value"] == value
    assert row["qualifier"] == qualifier
    assert (None if pd.isna(row["as_of_year"]) else row["as_of_year"]) == year
    assert (None if pd.isna(row["scope"]) else row["scope"]) == scope  # no scope is NULL, never the text 'nan'
    assert row["source_page"] == page
    assert row["document_id"] == DOC


def test_radius_area_is_the_disc_and_an_upper_bound(metrics):
    row = one(metrics, CAMBRIDGE, "area_km2")  # ケンブリッジ中心から半径50km範囲内
    assert row["value"] == pytest.approx(3.14159265 * 50 * 50, abs=0.01)
    assert row["qualifier"] == "at_most"


def test_units_and_source_columns(metrics):
    assert one(metrics, SV, "population")["unit"] == "persons"
    assert one(metrics, SV, "area_km2")["unit"] == "km2"
    assert one(metrics, SV, "companies")["unit"] == "companies"
    assert one(metrics, SV, "companies")["source_column"] == "companies_ventures"
    assert one(metrics, SV, "population")["source_column"] == "economic_scale"


def test_silicon_valley_breakdown_has_its_own_metrics(metrics):
    # (製造業約1500社、研究開発・サービス業約2000社)*3
    assert one(metrics, SV, "companies_manufacturing")["value"] == 1500
    assert one(metrics, SV, "companies_rd_services")["value"] == 2000
    assert one(metrics, SV, "companies_rd_services")["as_of_year"] == 1997


def test_every_cluster_has_metrics_and_the_deck_has_44(metrics):
    assert metrics["cluster_id"].nunique() == 11
    assert len(metrics) == 44
    assert not metrics.duplicated(["document_id", "cluster_id", "metric", "raw_text"]).any()


def test_garbled_number_names_the_cell(raw_layer):
    broken = with_cell_text(
        raw_layer, "overseas_clusters_1", 1, 3, "南北50km東西15km程度\n人口約?万人(サンタクララ郡)*1"
    )
    with pytest.raises(CellValueError) as err:
        build_cluster_metrics(broken)
    msg = str(err.value)
    for part in (f"{DOC}.pdf", "page 3", "overseas_clusters_1", "cell r1c3", "人口約?万人"):
        assert part in msg


def test_unknown_footnote_marker_is_an_error(raw_layer):
    broken = with_cell_text(raw_layer, "overseas_clusters_2", 3, 3, "約24平方キロメートル\n従業員2.2万人*9")
    with pytest.raises(CellValueError, match=r"cell r3c3.*\*9"):
        build_cluster_metrics(broken)


def test_a_quantity_no_rule_names_is_kept_as_unclassified_not_dropped(raw_layer):
    changed = with_cell_text(raw_layer, "overseas_clusters_2", 5, 5, "企業数は、1万社。観光客500万人。*3")
    df = build_cluster_metrics(changed)
    row = df[df["metric"] == "unclassified_persons"].iloc[0]
    assert (row["value"], row["raw_text"], row["scope"], row["as_of_year"]) == (5_000_000.0, "500万人", "観光客", 2004)
    assert (row["source_table_id"], row["source_row"], row["source_col"]) == ("overseas_clusters_2", 5, 5)
    cell = df[(df["source_table_id"] == "overseas_clusters_2") & (df["source_row"] == 5) & (df["source_col"] == 5)]
    assert sorted(cell["metric"]) == ["companies", "unclassified_persons"]


@pytest.mark.parametrize(
    ("cell", "raw_text", "scope"),
    [
        # The phrasings of two revised editions, which no rule of the bundled deck knows.
        ("医療機器、バイオベンチャーなど約40社が入居。", "約40社", "バイオベンチャーなど … が入居"),
        ("ハイテク企業は約500社。うち半導体関連約160社。", "約160社", "うち半導体関連"),
    ],
)
def test_new_phrasings_of_a_company_count_are_kept(raw_layer, cell, raw_text, scope):
    df = build_cluster_metrics(with_cell_text(raw_layer, "overseas_clusters_1", 1, 5, cell))
    hit = df[(df["cluster_id"] == SV) & (df["raw_text"] == raw_text)]
    assert len(hit) == 1
    assert hit.iloc[0]["metric"] == "unclassified_companies"
    assert hit.iloc[0]["unit"] == "companies"
    assert scope in hit.iloc[0]["scope"]


def test_garbled_digits_still_stop_the_build(raw_layer):
    with pytest.raises(CellValueError, match=r"page 3, table overseas_clusters_1, cell r1c5"):
        build_cluster_metrics(with_cell_text(raw_layer, "overseas_clusters_1", 1, 5, "ハイテク企業約5?00社"))


def test_suite_passes_on_the_deck(metrics):
    result = validate_staging("cluster_metrics", through_duckdb(metrics, "staging.cluster_metrics"))
    assert result.success, result.describe_failures()


def test_suite_fails_on_a_negative_value_a_year_2099_and_a_duplicate_key(metrics):
    bad = pd.concat([metrics, metrics.iloc[[0]]], ignore_index=True)
    bad.loc[1, "value"] = -5.0
    bad.loc[2, "as_of_year"] = 2099
    result = validate_staging("cluster_metrics", through_duckdb(bad, "staging.cluster_metrics"))
    failed = {(o.expectation, o.column) for o in result.failures}
    assert ("expect_column_values_to_be_between", "value") in failed
    assert ("expect_column_values_to_be_between", "as_of_year") in failed
    assert ("expect_compound_columns_to_be_unique", None) in failed
