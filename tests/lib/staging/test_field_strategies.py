"""staging.field_strategies from the 発展戦略と課題の例 slides (pp.24-27); expected items read off the PDF."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.field_strategies import aspect_of, build_field_strategies, field_of, split_items
from tests.lib.staging.helpers import through_duckdb, validate_staging

DOC = "meti_cluster_seminar_2005"

# (field, aspect, item_idx) -> (text, subgroup, page), read from slides 24-27.
EXPECTED = {
    ("ものづくり", "lead", 0): (
        "TAMAでは、地域ポテンシャルを活かし、ネットワーク化することで、世界有数の新規産業創出拠点を志向。",
        None,
        24,
    ),
    ("ものづくり", "strategy", 2): ("重点分野の絞り込み。", None, 24),
    ("ものづくり", "issues", 1): ("本格的なネットワーク形成・更なる産学連携、産産連携成果輩出", None, 24),
    ("ものづくり", "issues", 8): ("コーディネータのスキルアップ、発掘。", None, 24),
    ("バイオ", "conditions", 3): ("ニューバイオ産業の市場規模は1.3兆円。", None, 25),
    ("バイオ", "issues", 4): ("インキュベーション施設整備(ウェットラボ)。", None, 25),
    ("IT", "conditions", 0): ("首都圏とその他の地域では企業集積度及びその構成内容に格差。", "ソフト系", 26),
    ("IT", "conditions", 2): ("半導体分野の大企業と関連企業が集積。", "ハード系", 26),
    ("IT", "strategy", 0): ("ベンチャー企業の創出。", "ソフト系、ハード系共通", 26),
    ("IT", "issues", 6): ("自動車、バイオなど異業種との連携が課題。", "ハード系", 26),
    ("環境", "lead", 1): (
        "東北では、大学の特色ある技術を地域企業が活用することを重視。推進上、地域コーディネーターとの連携を重視。",
        None,
        27,
    ),
    ("環境", "issues", 5): (
        "公共調達、構造改革特区、環境負荷低減効果に関する検証制度など施策を総合的に投入強化。",
        None,
        27,
    ),
}
# Items per field and aspect, counted on the slides (lead bullets, then the lines of each row).
COUNTS = {
    "ものづくり": {"lead": 2, "conditions": 3, "strategy": 3, "issues": 9},
    "バイオ": {"lead": 2, "conditions": 5, "strategy": 2, "issues": 10},
    "IT": {"lead": 2, "conditions": 3, "strategy": 7, "issues": 7},
    "環境": {"lead": 2, "conditions": 3, "strategy": 5, "issues": 6},
}


@pytest.fixture(scope="module")
def strategies(raw_layer):
    return build_field_strategies(raw_layer)


@pytest.mark.parametrize(("key", "expected"), list(EXPECTED.items()), ids=lambda x: "/".join(map(str, x))[:30])
def test_items_read_from_the_slides(strategies, key, expected):
    field, aspect, idx = key
    text, subgroup, page = expected
    hit = strategies[
        (strategies["document_id"] == DOC)
        & (strategies["field"] == field)
        & (strategies["aspect"] == aspect)
        & (strategies["item_idx"] == idx)
    ]
    assert len(hit) == 1
    r = hit.iloc[0]
    assert r["text"] == text
    assert (None if pd.isna(r["subgroup"]) else r["subgroup"]) == subgroup
    assert r["source_page"] == page


def test_item_counts_per_field_and_aspect(strategies):
    counts = strategies.groupby(["field", "aspect"]).size()
    assert {f: {a: int(counts[(f, a)]) for a in COUNTS[f]} for f in COUNTS} == COUNTS
    assert len(strategies) == 71
    assert list(strategies.columns) == table("staging.field_strategies").column_names


@pytest.mark.parametrize(
    ("label", "aspect"),
    [
        ("クラスターの条件\n・要素条件(人材、資金、技術等)\n・競争環境\n・関連支援産業\n・需要条件", "conditions"),
        ("クラスターの\n発展戦略", "strategy"),
        ("具体的課題", "issues"),
        ("クラスターの課題", None),
    ],
)
def test_aspect_of_label(label, aspect):
    assert aspect_of(label) == aspect


def test_field_of_title():
    assert field_of("産業クラスター計画プロジェクトにおける発展戦略と課題の例(IT分野)") == "IT"
    assert (
        field_of("産業クラスター計画プロジェクトにおける発展戦略と課題の例(宇宙分野)") == "宇宙"
    )  # a new field passes
    assert field_of("産業クラスター計画プロジェクトにおける発展戦略と課題の例") is None


def test_a_row_label_no_rule_knows_is_kept_as_unclassified_items(raw_layer):
    cells = raw_layer.table_cells.copy()
    i = _cell_index(raw_layer, "field_strategy_manufacturing", 2, 0)
    cells.loc[i, "text"] = "人材育成の\n方向性"
    df = build_field_strategies(_with_cells(raw_layer, cells))
    new = df[(df["field"] == "ものづくり") & (df["aspect"] == "unclassified")]
    assert len(new) == 3  # the strategy row of p24 has 3 items
    assert set(new["subgroup"]) == {"人材育成の方向性"}
    assert list(new["item_idx"]) == [0, 1, 2]
    assert "strategy" not in set(df.loc[df["field"] == "ものづくり", "aspect"])


def test_split_items_subgroups_and_continuations():
    cell = "(ソフト系)\n半導体分野の大企業と関連企業が集積。\n(ハード系)\n本格的なネットワーク形成・\n更なる産学連携\n"
    assert split_items(cell) == [
        ("ソフト系", "半導体分野の大企業と関連企業が集積。"),
        ("ハード系", "本格的なネットワーク形成・更なる産学連携"),
    ]


def _with_cells(raw, cells: pd.DataFrame):
    return dataclasses.replace(raw, table_cells=cells)


def _cell_index(raw, table_id: str, row: int, col: int) -> int:
    c = raw.table_cells
    hit = c.index[(c["table_id"] == table_id) & (c["row_idx"] == row) & (c["col_idx"] == col)]
    assert len(hit) == 1
    return int(hit[0])


def test_garbled_row_label_names_document_page_table_cell_and_text(raw_layer):
    cells = raw_layer.table_cells.copy()
    i = _cell_index(raw_layer, "field_strategy_manufacturing", 2, 0)
    assert cells.loc[i, "text"] == "クラスターの\n発展戦略"
    cells.loc[i, "text"] = "クラスタ?の\n発展戦略"
    with pytest.raises(CellValueError) as err:
        build_field_strategies(_with_cells(raw_layer, cells))
    msg = str(err.value)
    for part in (DOC, "page 24", "field_strategy_manufacturing", "cell r2c0", "クラスタ?の"):
        assert part in msg


def test_empty_body_cell_fails(raw_layer):
    cells = raw_layer.table_cells.copy()
    cells.loc[_cell_index(raw_layer, "field_strategy_bio", 3, 1), "text"] = ""
    with pytest.raises(CellValueError, match=r"page 25, table field_strategy_bio, cell r3c1: .*no items"):
        build_field_strategies(_with_cells(raw_layer, cells))


def test_several_documents(raw_layer):
    twice = dataclasses.replace(
        raw_layer,
        tables=pd.concat([raw_layer.tables, raw_layer.tables.assign(document_id="other")], ignore_index=True),
        table_cells=pd.concat(
            [raw_layer.table_cells, raw_layer.table_cells.assign(document_id="other")], ignore_index=True
        ),
        table_annotations=pd.concat(
            [raw_layer.table_annotations, raw_layer.table_annotations.assign(document_id="other")], ignore_index=True
        ),
    )
    df = build_field_strategies(twice)
    assert df.groupby("document_id").size().to_dict() == {DOC: 71, "other": 71}


def test_suite_passes_on_the_deck(strategies):
    summary = validate_staging("field_strategies", through_duckdb(strategies, "staging.field_strategies"))
    assert summary.success, summary.describe_failures()


@pytest.mark.parametrize(
    ("corrupt", "failing"),
    [
        (lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True), "expect_compound_columns_to_be_unique"),
        (lambda d: d.assign(aspect=d["aspect"].replace("issues", "problems")), "expect_column_values_to_be_in_set"),
        (lambda d: d.assign(item_idx=d["item_idx"] - 1), "be_between"),
        (lambda d: d.assign(text=d["text"].where(d["item_idx"] != 0, "(ソフト系)")), "not_match_regex"),
        (lambda d: d.assign(subgroup="ハード系"), "expect_column_values_to_be_null"),
    ],
    ids=["duplicate_key", "unknown_aspect", "negative_idx", "subheading_as_item", "subgroup_outside_it"],
)
def test_suite_fails_on_corrupted_copies(strategies, corrupt, failing):
    summary = validate_staging(
        "field_strategies", through_duckdb(corrupt(strategies.copy()), "staging.field_strategies")
    )
    assert not summary.success
    assert any(failing in f.expectation for f in summary.failures), summary.describe_failures()
