"""Facts of the bundled 2005 deck that the suites used to hold: one edition's counts, totals and names.

The suites now state only what holds for every edition (expectations/*.json plus the registry). What this
one deck happens to contain was read off its slides and is checked here, where a fact of one edition
belongs. Each test names the suite the fact was moved from.
"""

from __future__ import annotations

import pytest

from pipelines.lib.staging.registry import STAGING
from pipelines.lib.validation.suites import document_parameters, parameters_for
from tests.lib.staging.helpers import BUNDLED_PARAMETERS


@pytest.fixture(scope="module")
def staged(raw_layer):
    built: dict = {}
    for st in STAGING:  # registry order: a table's staging inputs come before it
        built[st.name] = st.build(raw_layer, built)
    return built


def test_suite_parameters_of_the_deck(raw_layer):
    # 28 slides; the deck dates itself 平成17年度 (pp.10-11), fiscal 2005.
    doc = "meti_cluster_seminar_2005"
    assert parameters_for(28, raw_layer.texts(doc)) == BUNDLED_PARAMETERS
    assert int(raw_layer.documents["page_count"].iloc[0]) == 28


def test_budget_items_facts(staged):  # moved from expectations/budget_items.json
    df = staged["budget_items"]
    assert len(df) == 14  # 7 programs and the total over 17年度/16年度, less the two (新規) previous years
    assert df["program"].nunique() == 8
    assert set(df["fiscal_year"]) == {2004, 2005}
    assert float(df["amount_oku_yen"].max()) == 568.0  # the 産業クラスター計画関連施策 total
    assert set(df["section"].dropna()) == {
        "(1)産学官のネットワーク形成",
        "(2)地域の特性を活かした技術開発の推進",
        "(3)起業家育成施設の整備等インキュベーション機能の強化",
    }
    assert set(df.loc[df["is_new"], "fiscal_year"]) == {2005}


def test_overseas_cluster_facts(staged):  # moved from expectations/overseas_clusters.json
    df = staged["overseas_clusters"]
    assert len(df) == 11  # 6 on その1 (p3), 5 on その2 (p4)
    assert df.groupby("source_page").size().to_dict() == {3: 6, 4: 5}
    assert set(df["country"]) == {"米国", "英国", "ドイツ", "フィンランド", "フランス", "韓国", "中国"}


def test_cluster_metric_facts(staged):  # moved from expectations/cluster_metrics.json
    df = staged["cluster_metrics"]
    assert len(df) == 44
    assert df.groupby("source_page").size().to_dict() == {3: 23, 4: 21}
    assert {"population", "workforce", "employees", "students", "area_km2", "companies"} <= set(df["metric"])
    years = df.loc[df["metric"] == "population", "as_of_year"].dropna()
    assert years.between(1997, 2004).all()
    assert not df["metric"].str.startswith("unclassified_").any()  # every quantity of the deck has a rule


def test_cluster_history_facts(staged):  # moved from expectations/cluster_history_events.json
    df = staged["cluster_history_events"]
    assert len(df) == 18
    assert df["cluster_id"].nunique() == 11


def test_foreign_policy_facts(staged):  # moved from expectations/foreign_policies.json
    df = staged["foreign_policies"]
    assert len(df) == 5
    assert sorted(df["country"]) == ["ドイツ", "ドイツ", "フィンランド", "英国", "英国"]
    assert set(df["ministry"]) <= {"貿易産業省(DTI)", "貿易産業省", "連邦教育研究省", "内務省"}
    assert set(df["source_page"]) == {6}


def test_cluster_example_facts(staged):  # moved from expectations/cluster_examples.json
    df = staged["cluster_examples"]
    assert len(df) == 22
    assert df.groupby("example").size().to_dict() == {
        "首都圏西部地域(TAMA)": 7,
        "近畿バイオ関連産業プロジェクト": 8,
        "北海道スーパー・クラスター振興戦略": 7,
    }
    for metric in ("companies", "universities_research", "municipalities", "financial_institutions"):
        assert df.loc[df["metric"] == metric, "example"].nunique() == 3, metric
    companies = df[df["metric"] == "companies"]
    assert sorted(companies["value"]) == [230.0, 280.0, 360.0]
    assert set(companies["qualifier"]) == {"approx"}
    assert df.loc[df["metric"] == "collaboration_cases", "qualifier"].tolist() == ["at_least"]


def test_program_outcome_facts(staged):  # moved from expectations/program_outcomes.json
    df = staged["program_outcomes"]
    assert len(df) == 9
    assert {
        "participating_companies",
        "participating_universities",
        "new_collaboration_pct",
        "new_business_pct",
        "second_founding_pct",
        "university_ventures_total",
        "survey_response_rate_pct",
    } <= set(df["metric"])
    assert df.loc[df["unit"] == "companies", "value"].between(1000, 100000).all()  # 約5,800社, 約6100社
    assert df.loc[df["unit"] == "universities", "value"].between(10, 1000).all()  # 約220大学, 約250大学


def test_plan_period_facts(staged):  # moved from expectations/plan_periods.json
    df = staged["plan_periods"]
    assert list(df["label"]) == ["第Ⅰ期", "第Ⅱ期", "第Ⅲ期"]
    assert list(zip(df["start_year"], df["end_year"], strict=True)) == [(2001, 2005), (2006, 2010), (2011, 2020)]


def test_regional_policy_law_facts(staged):  # moved from expectations/regional_policy_laws.json
    df = staged["regional_policy_laws"]
    assert len(df) == 6
    assert df.groupby("era").size().to_dict() == {
        "産業の地方分散・拠点開発": 4,
        "空洞化防止と新規成長分野の発展支援": 2,
    }


def test_field_strategy_facts(staged):  # moved from expectations/field_strategies.json
    df = staged["field_strategies"]
    assert len(df) == 71
    assert df.groupby("field").size().to_dict() == {"IT": 19, "バイオ": 19, "ものづくり": 17, "環境": 16}
    assert df[df["aspect"] == "lead"].groupby("field").size().to_dict() == {
        "IT": 2,
        "バイオ": 2,
        "ものづくり": 2,
        "環境": 2,
    }
    assert set(df["subgroup"].dropna()) == {"ソフト系", "ハード系", "ソフト系、ハード系共通", "ハード系、ソフト系共通"}
    assert set(df.loc[df["subgroup"].notna(), "field"]) == {"IT"}


def test_cluster_project_facts(staged):  # moved from expectations/cluster_projects.json
    df = staged["cluster_projects"]
    assert len(df) == 21  # ものづくり 9 + バイオ 4 + IT 4 + 環境 4
    assert df["project_name"].nunique() == 19
    assert set(df["field"]) == {"ものづくり", "バイオ", "IT", "環境"}
    assert df["region"].notna().all()


def test_policy_shift_facts(staged):  # a new staging table: 社会と地域経済政策の変化 (p7)
    df = staged["policy_shifts"]
    assert len(df) == 14  # 7 rows below the header, each with a 20世紀 and a 21世紀 cell
    assert set(df["period"]) == {"20世紀", "21世紀"}
    row = df[(df["aspect"] == "代表的な施策") & (df["period"] == "21世紀")].iloc[0]
    assert row["theme"] == "地域経済政策"
    assert row["text"] == "・クラスター政策(産業クラスター計画、知的クラスター創成事業)"
    assert (row["source_table_id"], row["source_row"], row["source_col"], row["source_page"]) == (
        "policy_shift",
        6,
        3,
        7,
    )


def test_document_parameters_read_from_a_warehouse(raw_layer):
    import duckdb

    from pipelines.lib.schema import table
    from pipelines.lib.warehouse.build import write_table

    con = duckdb.connect()
    for name in ("documents", "table_cells", "table_annotations", "text_blocks"):
        write_table(con, table(f"raw.{name}"), getattr(raw_layer, name))
    assert document_parameters(con) == {"meti_cluster_seminar_2005": BUNDLED_PARAMETERS}
