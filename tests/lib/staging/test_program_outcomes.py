"""staging.program_outcomes against pages 8, 19 and 20, read by hand from the PDF."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.program_outcomes import build_program_outcomes
from tests.lib.staging.helpers import through_duckdb, validate_staging, with_block_text, with_cell_text

DOC = "meti_cluster_seminar_2005"

# Read off the slides: metric, value, unit, qualifier, as_of, raw text, page.
EXPECTED = [
    ("participating_companies", 5800, "companies", "approx", "2004年4月現在", "約5,800社", 19),
    ("participating_universities", 220, "universities", "approx", "2004年4月現在", "約220大学", 19),
    ("survey_response_rate_pct", 40, "percent", "approx", None, "約40%", 19),
    ("new_collaboration_pct", 38.5, "percent", "exact", None, "38.5%", 20),
    ("new_business_pct", 58.7, "percent", "exact", None, "58.7%", 20),
    ("second_founding_pct", 18.9, "percent", "exact", None, "18.9%", 20),
    ("university_ventures_total", 133, "cases", "exact", None, "133件", 20),
    ("network_companies", 6100, "companies", "approx", None, "約6100社", 8),
    ("network_universities", 250, "universities", "approx", None, "約250大学", 8),
]


@pytest.fixture(scope="module")
def outcomes(raw_layer):
    return build_program_outcomes(raw_layer)


@pytest.mark.parametrize(("metric", "value", "unit", "qualifier", "as_of", "raw_text", "page"), EXPECTED)
def test_values_read_from_the_pdf(outcomes, metric, value, unit, qualifier, as_of, raw_text, page):
    hit = outcomes[outcomes["metric"] == metric]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert row["value"] == pytest.approx(value)
    assert (row["unit"], row["qualifier"], row["raw_text"], row["source_page"]) == (unit, qualifier, raw_text, page)
    assert (None if pd.isna(row["as_of"]) else row["as_of"]) == as_of
    assert row["document_id"] == DOC


def test_shape(outcomes):
    assert list(outcomes.columns) == table("staging.program_outcomes").column_names
    assert len(outcomes) == 9
    assert outcomes["metric"].tolist() == sorted(outcomes["metric"])


def test_survey_rows_are_recognised_by_label_not_position(raw_layer):
    # Swap the first two rows of the survey table: the metrics follow their labels.
    swapped = with_cell_text(raw_layer, "survey_results", 0, 0, "新事業を開始した企業")
    swapped = with_cell_text(swapped, "survey_results", 1, 0, "新たに連携が始まった企業")
    df = build_program_outcomes(swapped).set_index("metric")
    assert df.loc["new_business_pct", "value"] == pytest.approx(38.5)
    assert df.loc["new_collaboration_pct", "value"] == pytest.approx(58.7)


def test_garbled_survey_value_names_the_cell(raw_layer):
    bad = with_cell_text(raw_layer, "survey_results", 2, 1, "1?.9%")
    with pytest.raises(CellValueError) as err:
        build_program_outcomes(bad)
    msg = str(err.value)
    for part in (DOC, "page 20", "survey_results", "r2c1", "1?.9%"):
        assert part in msg


def test_garbled_passage_count_names_the_block(raw_layer):
    bad = with_block_text(raw_layer, "outcomes_network", 2, "約5,800社", "約?社")
    with pytest.raises(CellValueError, match=r"page 19, table outcomes_network, cell block 2: cannot read '約\?社'"):
        build_program_outcomes(bad)


def test_a_survey_row_no_rule_names_is_kept_under_its_unit(raw_layer):
    df = build_program_outcomes(with_cell_text(raw_layer, "survey_results", 3, 0, "大学発ベンチャー"))
    row = df[df["metric"].str.startswith("unclassified_")].iloc[0]
    assert (row["metric"], row["value"], row["unit"], row["scope"]) == (
        "unclassified_cases",
        133.0,
        "cases",
        "大学発ベンチャー",
    )
    assert (row["source_table_id"], row["source_row"], row["source_col"]) == ("survey_results", 3, 1)
    assert "university_ventures_total" not in set(df["metric"])


def test_a_garbled_survey_label_is_an_error(raw_layer):
    with pytest.raises(CellValueError, match=r"cell r3c0.*garbled"):
        build_program_outcomes(with_cell_text(raw_layer, "survey_results", 3, 0, "大学発ベンチャ?累計"))


def test_suite_passes_after_duckdb(outcomes):
    result = validate_staging("program_outcomes", through_duckdb(outcomes, "staging.program_outcomes"))
    assert result.success, result.describe_failures()


@pytest.mark.parametrize(
    ("metric", "column", "value", "failing"),
    [
        ("new_business_pct", "value", 158.7, "expect_column_values_to_be_between"),
        ("new_business_pct", "metric", "new_collaboration_pct", "expect_compound_columns_to_be_unique"),
        ("participating_companies", "qualifier", "roughly", "expect_column_values_to_be_in_set"),
        ("university_ventures_total", "value", -1.0, "expect_column_values_to_be_between"),
    ],
)
def test_suite_fails_on_corrupted_data(outcomes, metric, column, value, failing):
    stored = through_duckdb(outcomes, "staging.program_outcomes")
    stored.loc[stored["metric"] == metric, column] = value
    result = validate_staging("program_outcomes", stored)
    assert not result.success
    assert failing in {f.expectation for f in result.failures}


def test_garbled_count_in_running_text_is_not_read_as_its_tail(raw_layer):
    bad = with_block_text(raw_layer, "cluster_projects_map", 0, "約6100社", "約61?0社")
    with pytest.raises(CellValueError, match=r"page 8, table cluster_projects_map, cell block 0"):
        build_program_outcomes(bad)


def test_a_count_no_label_names_in_the_outcomes_is_kept_not_dropped(raw_layer):
    blocks = raw_layer.text_blocks.copy()
    i = blocks[blocks["text"].str.contains("参画企業")].index[0]
    blocks.loc[i, "text"] = blocks.loc[i, "text"] + " 参画自治体:約100団体"  # a new edition's third figure
    df = build_program_outcomes(dataclasses.replace(raw_layer, text_blocks=blocks))
    new = df[df["metric"].str.startswith("unclassified_")]
    assert [(r.metric, r.value, r.qualifier, r.scope) for r in new.itertuples()] == [
        ("unclassified_organizations", 100.0, "approx", "参画自治体")
    ]
    labelled = df.set_index("metric").loc[["participating_companies", "participating_universities"], "value"]
    assert labelled.tolist() == [5800.0, 220.0]  # the labelled figures still read alone
