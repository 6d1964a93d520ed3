"""The completeness rule: a raw record that no staging row references is named, table and record."""

from __future__ import annotations

import pytest

from pipelines.lib.staging.completeness import missing_records
from pipelines.lib.staging.registry import STAGING, Covers

BY_NAME = {st.name: st for st in STAGING}


@pytest.mark.parametrize("name", [st.name for st in STAGING if st.covers])
def test_every_record_of_the_deck_is_accounted_for(raw_layer, name):
    st = BY_NAME[name]
    assert missing_records(raw_layer.tables, raw_layer.table_cells, st.build(raw_layer), st.covers) == []


def test_every_recognised_family_is_covered_by_one_staging_table():
    from pipelines.lib.tables.registry import TABLE_FAMILIES

    covered = [c.family for st in STAGING for c in st.covers]
    assert sorted(covered) == sorted(f.family for f in TABLE_FAMILIES)


def test_a_row_dropped_between_raw_and_staging_is_named(raw_layer):
    st = BY_NAME["overseas_clusters"]
    staged = st.build(raw_layer)
    dropped = staged[staged["region"] != "ボストン都市圏"]
    missing = missing_records(raw_layer.tables, raw_layer.table_cells, dropped, st.covers)
    assert [(m.table_id, m.page, m.records, m.index) for m in missing] == [("overseas_clusters_1", 3, "rows", 3)]
    assert missing[0].describe().startswith("meti_cluster_seminar_2005.pdf, page 3, table overseas_clusters_1, row 3 (")
    assert missing[0].describe().endswith("taken by no staging row")


def test_a_policy_column_dropped_is_named(raw_layer):
    st = BY_NAME["foreign_policies"]
    staged = st.build(raw_layer)
    dropped = staged[staged["source_col"] != 1]  # the policy printed in column 1
    missing = missing_records(raw_layer.tables, raw_layer.table_cells, dropped, st.covers)
    assert [(m.table_id, m.records, m.index) for m in missing] == [("foreign_policies", "columns", 1)]


def test_section_heading_rows_are_not_records(raw_layer):
    # policy_tools_1 row 2 is the spanning heading (1)産学官のネットワーク形成: no program, no staging row.
    budget = BY_NAME["budget_items"].build(raw_layer)
    rows = set(budget.loc[budget["source_table_id"] == "policy_tools_1", "source_row"])
    assert 2 not in rows
    assert missing_records(raw_layer.tables, raw_layer.table_cells, budget, (Covers("policy_tools"),)) == []


def test_every_row_of_the_survey_counts_from_row_zero(raw_layer):
    outcomes = BY_NAME["program_outcomes"].build(raw_layer)
    survey = outcomes[outcomes["source_table_id"] == "survey_results"]
    missing = missing_records(
        raw_layer.tables, raw_layer.table_cells, survey[survey["source_row"] != 0], (Covers("survey_results", first=0),)
    )
    assert [m.index for m in missing] == [0]
