"""Suites: registry rules generated at load time, people's rules in the file, nothing of one edition."""

from __future__ import annotations

import json

import pytest

from pipelines.lib.errors import ValidationFailed
from pipelines.lib.paths import EXPECTATIONS_DIR
from pipelines.lib.schema import table
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.validation.suites import (
    DEFAULT_DOCUMENT_YEAR,
    YEARS_AHEAD,
    load_rules,
    load_suite,
    loosest,
    parameters_for,
    schema_expectations,
)

EDITION_TIED = (
    "expect_table_row_count_to_equal",
    "expect_table_row_count_to_be_between",
    "expect_column_distinct_values_to_equal_set",
    "expect_column_distinct_values_to_contain_set",
    "expect_column_unique_value_count_to_be_between",
    "expect_column_max_to_be_between",
)
"""Expectation types that can only say how much or which content one edition has."""


def _files():
    return {st.name: json.loads((EXPECTATIONS_DIR / f"{st.name}.json").read_text(encoding="utf-8")) for st in STAGING}


def test_generated_rules_follow_the_registry():
    spec = table("staging.budget_items")
    generated = schema_expectations(spec)
    kinds = [e["type"] for e in generated]
    assert generated[0]["kwargs"]["column_list"] == spec.column_names
    # No per-column type rule: the frame is read back from a table the registry's DDL typed, so it could not fail
    # (the published file's declared types are checked against the registry instead: test_declared_types.py).
    assert not {"expect_column_values_to_be_in_type_list", "expect_column_values_to_be_of_type"} & set(kinds)
    not_null = {e["kwargs"]["column"] for e in generated if e["type"] == "expect_column_values_to_not_be_null"}
    assert not_null == set(spec.required_columns)
    assert {"document_id", "program", "fiscal_year", "amount_yen", "source_table_id"} <= not_null
    assert "section" not in not_null  # the total row has none
    unique = [e for e in generated if e["type"] == "expect_compound_columns_to_be_unique"]
    assert unique[0]["kwargs"]["column_list"] == ["document_id", "program", "fiscal_year"]
    page = next(e for e in generated if e["kwargs"].get("column") == "source_page" and "max_value" in e["kwargs"])
    assert page["kwargs"]["max_value"] == {"$PARAMETER": "page_count"}
    assert all(e["meta"]["generated"] == "registry" for e in generated)


def test_a_suite_is_the_generated_rules_then_the_file():
    suite = load_suite("budget_items")
    n = len(schema_expectations(table("staging.budget_items")))
    assert suite["expectations"][n:] == _files()["budget_items"]["expectations"]


@pytest.mark.parametrize("name", [st.name for st in STAGING])
def test_no_suite_file_restates_the_registry_or_holds_a_fact_of_one_edition(name):
    for e in _files()[name]["expectations"]:
        assert e["type"] not in EDITION_TIED, (name, e)
        assert e["type"] not in (
            "expect_column_values_to_be_in_type_list",
            "expect_table_columns_to_match_ordered_list",
        )
        kwargs = e["kwargs"]
        assert kwargs.get("column") != "source_page", (name, e)  # page bounds come from raw.documents
        assert kwargs.get("column") not in ("country", "example", "field", "era", "ministry"), (name, e)  # content
        if kwargs.get("min_value") == 1900:  # a year: bounded by the document's own year, not a literal
            assert kwargs["max_value"] == {"$PARAMETER": "max_year"}, (name, e)
        assert e.get("meta", {}).get("why"), (name, e)  # every rule says why


def test_a_file_that_restates_the_registry_is_refused(tmp_path):
    (tmp_path / "budget_items.json").write_text(
        json.dumps(
            {"expectations": [{"type": "expect_table_columns_to_match_ordered_list", "kwargs": {"column_list": []}}]}
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed, match="restates the registry"):
        load_rules("budget_items", tmp_path)


def test_parameters_come_from_the_document():
    assert parameters_for(28, ["平成17年度においては"]) == {"page_count": 28, "document_year": 2005, "max_year": 2045}
    assert parameters_for(30, ["令和6年度予算"])["max_year"] == 2024 + YEARS_AHEAD
    undated = parameters_for(5, ["no year here"])
    assert undated["document_year"] == DEFAULT_DOCUMENT_YEAR


def test_loosest_parameters_admit_every_document():
    both = loosest(
        {
            "a": {"page_count": 28, "document_year": 2005, "max_year": 2045},
            "b": {"page_count": 30, "document_year": 2006, "max_year": 2046},
        }
    )
    assert both == {"page_count": 30, "document_year": 2006, "max_year": 2046}
    assert loosest({}) == {}
