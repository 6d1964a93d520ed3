"""Marts on the real refresh: figures keep their own qualifier, as read on the その1/その2 slides."""

import duckdb
import pytest

QUALIFIERS = ["population", "workforce", "employees", "area_km2", "companies"]

# Read on 海外の代表的なクラスター その1 (p.3) and その2 (p.4): region prefix -> {figure: qualifier}.
PRINTED = {
    # 企業数は、1万社 / 企業には36万人以上が勤める / 340平方キロメートル
    "中関村": {"companies": "exact", "employees": "at_least", "area_km2": "exact"},
    # ハイテク企業1250社 / 就業人口3.2万人強 / ケンブリッジ中心から半径50km範囲内
    "ケンブリッジ": {"companies": "exact", "workforce": "at_least", "area_km2": "at_most"},
    # 従業員2.2万人 / 約24平方キロメートル
    "ソフィア": {"employees": "exact", "area_km2": "approx"},
    # 人口約230万人 / ハイテク企業約5000社 / 南北50km東西15km程度
    "シリコンバレー": {"population": "approx", "companies": "approx", "area_km2": "approx"},
}


@pytest.fixture(scope="module")
def profiles(published_site):
    con = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    cols = ", ".join(f"{m}, {m}_qualifier" for m in QUALIFIERS)
    rows = con.execute(f"select region, any_approx, {cols} from marts.overseas_cluster_profiles").fetchall()
    con.close()
    out = {}
    for region, any_approx, *values in rows:
        figures = dict(zip(QUALIFIERS, zip(values[::2], values[1::2], strict=True), strict=True))
        out[region] = (any_approx, figures)
    return out


@pytest.mark.parametrize("prefix", sorted(PRINTED))
def test_each_figure_has_the_qualifier_printed_beside_it(profiles, prefix):
    [(any_approx, figures)] = [v for region, v in profiles.items() if region.startswith(prefix)]
    assert {m: figures[m][1] for m in PRINTED[prefix]} == PRINTED[prefix]
    # The row-wide flag stays as it was: true when any figure is inexact.
    assert any_approx is any(q != "exact" for q in PRINTED[prefix].values())


def test_zhongguancun_ten_thousand_companies_is_exact_though_the_row_is_flagged(profiles):
    [(any_approx, figures)] = [v for region, v in profiles.items() if region.startswith("中関村")]
    assert figures["companies"] == (10000.0, "exact")
    assert any_approx is True  # 36万人以上 is a bound


def test_a_figure_without_a_value_has_no_qualifier(profiles):
    for region, (_, figures) in profiles.items():
        for metric, (value, qualifier) in figures.items():
            assert (value is None) == (qualifier is None), (region, metric)
