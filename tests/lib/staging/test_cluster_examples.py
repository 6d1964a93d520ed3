"""staging.cluster_examples from the 活動事例 slides (pp.13-15); expected values read off the PDF pages."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.cluster_examples import build_cluster_examples
from pipelines.lib.staging.raw_layer import RawLayer
from tests.lib.staging.helpers import through_duckdb, validate_staging

DOC = "meti_cluster_seminar_2005"
TAMA = "首都圏西部地域(TAMA)"
KINKI = "近畿バイオ関連産業プロジェクト"
HOKKAIDO = "北海道スーパー・クラスター振興戦略"

# (example, metric) -> (value, qualifier, raw_text, page), read from slides 13, 14 and 15.
EXPECTED = {
    (TAMA, "companies"): (280, "approx", "約280社", 13),
    (TAMA, "universities_research"): (35, "exact", "35機関", 13),
    (TAMA, "municipalities"): (65, "exact", "65団体", 13),
    (TAMA, "financial_institutions"): (11, "exact", "11機関", 13),
    (TAMA, "collaboration_cases"): (40, "at_least", "40件以上", 13),
    (TAMA, "new_products_per_year"): (400, "approx", "約400件", 13),
    (TAMA, "partner_companies"): (4, "exact", "4社", 13),
    (KINKI, "companies"): (230, "approx", "約230社", 14),
    (KINKI, "universities_research"): (50, "exact", "50機関", 14),
    (KINKI, "municipalities"): (9, "exact", "9団体", 14),
    (KINKI, "financial_institutions"): (19, "exact", "19機関", 14),
    (KINKI, "rd_activities"): (130, "exact", "130件", 14),
    (KINKI, "ventures_supported"): (20, "exact", "20社", 14),
    (KINKI, "partner_universities"): (7, "exact", "7大学", 14),
    (KINKI, "partner_companies"): (5, "exact", "5社", 14),
    (HOKKAIDO, "companies"): (360, "approx", "約360社", 15),
    (HOKKAIDO, "universities_research"): (21, "exact", "21機関", 15),
    (HOKKAIDO, "municipalities"): (6, "exact", "6団体", 15),
    (HOKKAIDO, "financial_institutions"): (42, "exact", "42機関", 15),
    (HOKKAIDO, "rd_commercialization_cases"): (31, "exact", "31件", 15),
    (HOKKAIDO, "university_ventures"): (47, "exact", "47社", 15),
    (HOKKAIDO, "university_ventures_it_bio"): (40, "exact", "40社", 15),
}


@pytest.fixture(scope="module")
def examples(raw_layer):
    return build_cluster_examples(raw_layer)


def _row(df: pd.DataFrame, example: str, metric: str) -> pd.Series:
    hit = df[(df["document_id"] == DOC) & (df["example"] == example) & (df["metric"] == metric)]
    assert len(hit) == 1, (example, metric)
    return hit.iloc[0]


@pytest.mark.parametrize(("key", "expected"), list(EXPECTED.items()), ids=lambda x: "/".join(map(str, x))[:40])
def test_counts_read_from_the_slides(examples, key, expected):
    value, qualifier, raw_text, page = expected
    r = _row(examples, *key)
    assert r["value"] == value
    assert r["qualifier"] == qualifier
    assert r["raw_text"] == raw_text
    assert r["source_page"] == page


def test_every_count_and_nothing_else(examples):
    assert set(zip(examples["example"], examples["metric"], strict=True)) == set(EXPECTED)
    assert list(examples.columns) == table("staging.cluster_examples").column_names


def test_dtypes_and_order(examples):
    assert examples["value"].dtype == "float64"
    assert str(examples["source_page"].dtype) == "Int64"
    keys = list(zip(examples["document_id"], examples["example"], examples["metric"], strict=True))
    assert keys == sorted(keys)


def _with_blocks(raw: RawLayer, blocks: pd.DataFrame) -> RawLayer:
    return dataclasses.replace(raw, text_blocks=blocks)


def _block_index(raw: RawLayer, needle: str) -> int:
    b = raw.text_blocks
    hits = b.index[b["text"].astype(str).str.contains(needle, regex=False)]
    assert len(hits) == 1
    return int(hits[0])


def test_garbled_number_names_document_page_passage_block_and_text(raw_layer):
    blocks = raw_layer.text_blocks.copy()
    i = _block_index(raw_layer, "企業約280社")
    blocks.loc[i, "text"] = (
        "・企業約?社、教育機関35機関、自治体・商工会議所等65団体、金融機関11機関等のネットワークを形成"
    )
    with pytest.raises(CellValueError) as err:
        build_cluster_examples(_with_blocks(raw_layer, blocks))
    msg = str(err.value)
    for part in (DOC, "page 13", "activity_example_1", f"block {int(blocks.loc[i, 'block_idx'])}", "約?社"):
        assert part in msg


def test_a_count_no_rule_names_is_kept_as_unclassified_with_its_words(raw_layer):
    blocks = raw_layer.text_blocks.copy()
    i = _block_index(raw_layer, "130件実施")
    blocks.loc[i, "text"] = "・高専5校と連携"
    df = build_cluster_examples(_with_blocks(raw_layer, blocks))
    new = df[df["metric"].str.startswith("unclassified_")]
    assert len(new) == 1
    row = new.iloc[0]
    assert (row["metric"], row["value"], row["raw_text"], row["scope"]) == (
        "unclassified_schools",
        5.0,
        "5校",
        "高専 … と連携",
    )
    assert (row["source_table_id"], row["source_row"], row["source_page"]) == (
        "activity_example_2",
        int(blocks.loc[i, "block_idx"]),
        14,
    )
    assert "rd_activities" not in set(df.loc[df["source_page"] == 14, "metric"])  # the replaced bullet's count is gone


def test_two_unclassified_counts_in_one_example_get_ordinal_names(raw_layer):
    blocks = raw_layer.text_blocks.copy()
    i = _block_index(raw_layer, "130件実施")
    blocks.loc[i, "text"] = "・高専5校と連携、工業高校3校と連携"
    df = build_cluster_examples(_with_blocks(raw_layer, blocks))
    new = df[df["metric"].str.startswith("unclassified_")].sort_values("metric")
    assert list(zip(new["metric"], new["value"], strict=True)) == [
        ("unclassified_schools", 5.0),
        ("unclassified_schools_2", 3.0),
    ]


def test_a_network_bullet_without_one_member_is_an_honest_edition(raw_layer):
    blocks = raw_layer.text_blocks.copy()
    i = _block_index(raw_layer, "金融機関42機関")
    blocks.loc[i, "text"] = "・企業約360社、大学・公的研究機関21機関、自治体・行政機関6団体等のネットワークを形成"
    df = build_cluster_examples(_with_blocks(raw_layer, blocks))
    page = df[df["source_page"] == int(blocks.loc[i, "page"])]
    assert "financial_institutions" not in set(page["metric"])
    assert {"companies", "universities_research", "municipalities"} <= set(page["metric"])


def test_a_garbled_count_is_still_an_error(raw_layer):
    blocks = raw_layer.text_blocks.copy()
    i = _block_index(raw_layer, "金融機関42機関")
    blocks.loc[i, "text"] = "・企業約3?0社、大学・公的研究機関21機関のネットワークを形成"
    with pytest.raises(CellValueError, match=r"cell block \d+"):
        build_cluster_examples(_with_blocks(raw_layer, blocks))


def test_name_falls_back_to_the_registry_when_the_heading_is_not_a_block(raw_layer):
    blocks = raw_layer.text_blocks.drop(index=_block_index(raw_layer, "活動事例1"))
    df = build_cluster_examples(_with_blocks(raw_layer, blocks))
    assert set(df["example"]) == {TAMA, KINKI, HOKKAIDO}


def test_several_documents(raw_layer):
    other = raw_layer.text_blocks.assign(document_id="other_deck")
    both = _with_blocks(raw_layer, pd.concat([raw_layer.text_blocks, other], ignore_index=True))
    df = build_cluster_examples(both)
    assert len(df) == 2 * len(EXPECTED)
    assert set(df["document_id"]) == {DOC, "other_deck"}


def test_suite_passes_on_the_deck(examples):
    summary = validate_staging("cluster_examples", through_duckdb(examples, "staging.cluster_examples"))
    assert summary.success, summary.describe_failures()


@pytest.mark.parametrize(
    ("corrupt", "failing"),
    [
        (lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True), "expect_compound_columns_to_be_unique"),
        (lambda d: d.assign(value=d["value"].where(d["metric"] != "rd_activities", -130.0)), "be_between"),
        (lambda d: d.assign(qualifier=d["qualifier"].replace("approx", "about")), "expect_column_values_to_be_in_set"),
        (lambda d: d.assign(metric=d["metric"].replace("rd_activities", "unclassified_cases")), "to_not_be_null"),
        (lambda d: d.assign(source_page=99), "be_between"),
    ],
    ids=["duplicate_key", "negative_count", "bad_qualifier", "unclassified_without_scope", "page_99"],
)
def test_suite_fails_on_corrupted_copies(examples, corrupt, failing):
    summary = validate_staging("cluster_examples", through_duckdb(corrupt(examples.copy()), "staging.cluster_examples"))
    assert not summary.success
    assert any(failing in f.expectation for f in summary.failures), summary.describe_failures()
