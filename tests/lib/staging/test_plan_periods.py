"""staging.plan_periods against the 目標レンジ headings (page 21), read by hand from the PDF."""

from __future__ import annotations

import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.plan_periods import build_plan_periods
from tests.lib.staging.helpers import through_duckdb, validate_staging, with_block_text

DOC = "meti_cluster_seminar_2005"

# Read off page 21.
EXPECTED = [
    (1, "第Ⅰ期", "産業クラスターの立ち上げ期", 2001, 2005),
    (2, "第Ⅱ期", "産業クラスターの成長期", 2006, 2010),
    (3, "第Ⅲ期", "産業クラスターの自律的發展期", 2011, 2020),  # 發 as printed in the heading
]


@pytest.fixture(scope="module")
def periods(raw_layer):
    return build_plan_periods(raw_layer)


@pytest.mark.parametrize(("period", "label", "name", "start", "end"), EXPECTED)
def test_values_read_from_the_pdf(periods, period, label, name, start, end):
    row = periods[periods["period"] == period].iloc[0]
    assert (row["label"], row["name"], row["start_year"], row["end_year"]) == (label, name, start, end)
    assert row["source_page"] == 21
    assert row["document_id"] == DOC


def test_raw_text_and_shape(periods):
    assert list(periods.columns) == table("staging.plan_periods").column_names
    assert periods["period"].tolist() == [1, 2, 3]
    assert periods.iloc[0]["raw_text"] == "<第Ⅰ期(2001～5)～産業クラスターの立ち上げ期～>"


def test_body_mentions_of_a_period_are_not_headings(periods):
    # 個別計画: 目標レンジ第Ⅱ期を対象として… names 第Ⅱ期 but is not a heading.
    assert (periods["label"] == "第Ⅱ期").sum() == 1


def test_garbled_years_name_the_block(raw_layer):
    bad = with_block_text(raw_layer, "target_ranges", 3, "(2006～10)", "(20?6～10)")
    with pytest.raises(CellValueError) as err:
        build_plan_periods(bad)
    msg = str(err.value)
    for part in (DOC, "page 21", "target_ranges", "block 3", "(20?6～10)"):
        assert part in msg


def test_suite_passes_after_duckdb(periods):
    result = validate_staging("plan_periods", through_duckdb(periods, "staging.plan_periods"))
    assert result.success, result.describe_failures()


@pytest.mark.parametrize(
    ("column", "value", "failing"),
    [
        ("end_year", 2099, "expect_column_values_to_be_between"),
        ("period", 1, "expect_compound_columns_to_be_unique"),
        ("start_year", 1999, "expect_column_values_to_be_increasing"),
    ],
)
def test_suite_fails_on_corrupted_data(periods, column, value, failing):
    stored = through_duckdb(periods, "staging.plan_periods")
    stored.loc[stored["period"] == 2, column] = value
    result = validate_staging("plan_periods", stored)
    assert not result.success
    assert failing in {f.expectation for f in result.failures}
