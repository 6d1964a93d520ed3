"""The table families as declarations: a table is claimed by its title or enough of its header, and its columns are
read by what their header says, in any order; a column no field names is reported, a table without a required
one is left unclaimed. The headers are the deck's own and the re-issue's (tests/fixtures/editions/…_rev2.pdf)."""

import pytest

from pipelines.lib.tables.registry import BY_FAMILY, TABLE_FAMILIES, claim

OVERSEAS = [
    "国",
    "地域",
    "主な分野",
    "経済規模(面積、人口等)",
    "主要大学・研究機関",
    "主要企業・ベンチャー",
    "発展の経緯",
]
REISSUED = ["国", "地域", "主な分野", "主要企業・ベンチャー", "経済規模(面積、人口等)", "主要大学・研究機関", "沿革"]
BUDGET = ["施策名", "17年度予算", "(16年度予算)", "概要"]
TITLE = "海外の代表的なクラスター(ハイテク型)の事例-その1-"


def fields(family, header):
    mapped = BY_FAMILY[family].map_header([header])
    return {name: idx[0] for name, idx in mapped.fields.items()}, mapped


def test_the_decks_header_names_every_field_in_place():
    got, mapped = fields("overseas_clusters", OVERSEAS)
    assert got == {
        "country": 0,
        "region": 1,
        "fields": 2,
        "economic_scale": 3,
        "universities_institutes": 4,
        "companies_ventures": 5,
        "history": 6,
    }
    assert mapped.unmapped == () and mapped.missing == ()


def test_a_reworded_and_moved_header_names_the_same_fields_where_they_now_stand():
    got, mapped = fields("overseas_clusters", REISSUED)
    assert got["companies_ventures"] == 3 and got["economic_scale"] == 4 and got["history"] == 6  # 沿革
    assert mapped.unmapped == () and mapped.missing == ()


def test_an_extra_column_names_no_field_and_is_reported():
    got, mapped = fields("policy_tools", ["事業名", "18年度予算", "(17年度予算)", "対前年度比", "概要"])
    assert got == {"program": 0, "current_budget": 1, "previous_budget": 2, "summary": 4}
    assert mapped.unmapped == ((3, "対前年度比"),)


def test_a_missing_required_column_is_named():
    header = ["国", "名称不明", "主な分野", "経済規模(面積、人口等)", "主要企業・ベンチャー"]
    _, mapped = fields("overseas_clusters", header)
    assert mapped.missing == ("region",) and mapped.unmapped == ((1, "名称不明"),)


@pytest.mark.parametrize("program", ["施策名", "事業名", "区分"])
def test_a_budget_table_is_claimed_by_its_header_alone_in_any_wording(program):
    found = claim("(2)地域の特性を活かした技術開発の推進", [[program, "18年度予算", "(17年度予算)", "概要"]])
    assert found is not None and found[0].family == "policy_tools"


def test_a_header_needs_the_familys_signature_to_claim_a_table():
    assert claim("", [["区分", "18年度予算", "内容"]]) is None  # no previous year in parentheses: not this family
    assert claim("", [["地域", "人口", "企業"]]) is None  # two overseas fields and a third: not enough, no title
    found = claim(TITLE, [["地域", "人口", "企業"]])
    assert found is not None and found[0].family == "overseas_clusters"  # the title names the family


def test_a_title_claim_wins_over_a_header_that_looks_like_another_family():
    found = claim("社会と地域経済政策の変化", [["時代", "区分", "20世紀", "21世紀"]])
    assert found is not None and found[0].family == "policy_shift"
    assert found[1].fields["period"] == (2, 3)


def test_table_ids_come_from_what_the_slide_prints_else_from_its_page():
    overseas = BY_FAMILY["overseas_clusters"]
    assert overseas.make_id(TITLE.replace("その1", "その3"), [OVERSEAS], 5) == "overseas_clusters_3"
    assert overseas.make_id("海外の代表的なクラスター(続き)", [OVERSEAS], 9) == "overseas_clusters_p9"
    budget = BY_FAMILY["policy_tools"]
    assert budget.make_id("(2)地域の特性を活かした技術開発の推進", [BUDGET], 11) == "policy_tools_2"
    assert budget.make_id(
        "産業クラスター計画推進のための政策ツール", [BUDGET, ["(1)産学官のネットワーク形成"]], 10
    ) == ("policy_tools_1")


def test_a_transposed_table_may_gain_a_header_row_naming_its_value_columns():
    survey = BY_FAMILY["survey_results"]
    assert survey.map_values([["新たに連携が始まった企業", "38.5%"], ["新事業を開始した企業", "58.7%"]]) is None
    named = survey.map_values(
        [["項目", "今回調査", "前回調査", "企業数"], ["新たに連携が始まった企業", "38.5%", "30.1%", "約890社"]]
    )
    assert named is not None
    assert named.fields == {"share": (1,), "previous": (2,), "companies": (3,)} and named.unmapped == ()


def test_no_two_fields_of_a_family_share_a_name_and_each_required_or_identifying_field_is_declared():
    for family in TABLE_FAMILIES:
        names = [f.name for f in (*family.fields, *family.values)]
        assert len(names) == len(set(names)), family.family
        assert set(family.identifying) <= set(names), family.family
