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


# Where each mart row's figure is printed in the deck (pdftotext -layout and page renders):
# p.11 地域新生コンソーシアム研究開発事業 137.2億円 under 17年度予算; p.6 ビオレギオ 連邦教育研究省約120億円(5年間);
# p.4 the オウル row; p.13 TAMA's network line 企業約280社、教育機関35機関、…65団体、金融機関11機関.
SOURCED = [
    ("budget_yoy", "program = '地域新生コンソーシアム研究開発事業'", 11, "137.2億円"),
    ("foreign_policy_budgets", "policy_name = 'ビオレギオ'", 6, "連邦教育研究省約120億円(5年間)"),
    ("overseas_cluster_profiles", "region = 'オウル'", 4, "オウル大学"),
    (
        "cluster_networks",
        "example like '%TAMA%'",
        13,
        "企業約280社、教育機関35機関、自治体・商工会議所等65団体、金融機関11機関",
    ),
]
SOURCE_TEXT = """
select coalesce(c.text, (select string_agg(r.text, ' | ' order by r.col_idx) from raw.table_cells as r
        where r.document_id = m.document_id and r.table_id = m.source_table_id and r.row_idx = m.source_row), b.text)
from marts.{mart} as m
left join raw.table_cells as c on c.document_id = m.document_id and c.table_id = m.source_table_id
    and c.row_idx = m.source_row and c.col_idx = m.source_col
left join raw.text_blocks as b on m.source_col is null and b.document_id = m.document_id
    and b.passage_id = m.source_table_id and b.page = m.source_page and b.block_idx = m.source_row
where {where}
"""


@pytest.mark.parametrize(("mart", "where", "page", "text"), SOURCED)
def test_a_mart_row_carries_the_address_of_its_figure(published_site, mart, where, page, text):
    con = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    try:
        [(source_page,)] = con.execute(f"select source_page from marts.{mart} where {where}").fetchall()
        [(source,)] = con.execute(SOURCE_TEXT.format(mart=mart, where=where)).fetchall()
    finally:
        con.close()
    assert source_page == page
    assert text in source


def test_every_budget_row_points_at_its_current_year_cell(published_site):
    con = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    try:
        headers = con.execute(
            "select distinct h.text from marts.budget_yoy as m join raw.table_cells as h "
            "on h.document_id = m.document_id "
            "and h.table_id = m.source_table_id and h.row_idx = 0 and h.col_idx = m.source_col"
        ).fetchall()
        projects = con.execute("select source_page, source_row from marts.projects_by_field").fetchall()
    finally:
        con.close()
    assert headers == [("17年度予算",)], "the 平成17年度 column on pages 10-12, never (16年度予算)"
    assert {page for page, _ in projects} == {24, 25, 26, 27} and {row for _, row in projects} == {None}
