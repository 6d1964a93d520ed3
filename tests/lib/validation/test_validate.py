"""The GX wrapper: suites load from UTF-8 JSON, broken suites fail loudly, failures are summarized."""

import json

import pandas as pd
import pytest

from pipelines.lib.errors import ValidationFailed
from pipelines.lib.validation.validate import validate_frame

FRAME = pd.DataFrame(
    {"program": ["地域新生コンソーシアム研究開発事業", "起業家育成施設の整備"], "oku_yen": [137.2, -23.0]}
)


def write(tmp_path, name, data):
    (tmp_path / f"{name}.json").write_text(
        data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8"
    )
    return tmp_path


def test_failure_names_expectation_column_count_and_sample(tmp_path):
    suite = {
        "name": "s",
        "expectations": [
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "oku_yen", "min_value": 0}},
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "program"}},
        ],
    }
    summary = validate_frame("s", FRAME, write(tmp_path, "s", suite))
    assert not summary.success and summary.evaluated == 2
    assert summary.describe_failures() == (
        "expect_column_values_to_be_between on oku_yen (min_value=0): found 1 unexpected: -23.0"
    )


def test_failure_says_what_was_expected_why_and_on_which_page(tmp_path):
    suite = {
        "expectations": [
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "oku_yen", "min_value": 0, "max_value": {"$PARAMETER": "max_year"}},
                "meta": {"why": "a budget is never negative"},
            }
        ]
    }
    frame = FRAME.assign(source_page=[11, 12])
    summary = validate_frame("p", frame, write(tmp_path, "p", suite), parameters={"max_year": 2045})
    assert summary.describe_failures() == (
        "expect_column_values_to_be_between on oku_yen (min_value=0, max_value=2045) "
        "[a budget is never negative]: found 1 unexpected: -23.0 (page 12)"
    )


def test_passing_rules_keep_the_basic_result_and_failed_ones_the_complete_one(tmp_path):
    """Suites run with BASIC; only what failed is validated again with COMPLETE, for its rows and their pages."""
    suite = {
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "program"}},
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "oku_yen", "min_value": 0}},
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "oku_yen", "max_value": 100}},
        ]
    }
    summary = validate_frame("f", FRAME.assign(source_page=[11, 12]), write(tmp_path, "f", suite))
    passed, low, high = summary.raw_result["results"]
    assert passed["success"] and "unexpected_list" not in passed["result"]  # BASIC: no full lists
    assert passed["result"]["unexpected_count"] == 0 and passed["result"]["partial_unexpected_list"] == []
    for failed, value, page in ((low, -23.0, 12), (high, 137.2, 11)):  # COMPLETE, each in its own place
        assert not failed["success"] and failed["result"]["unexpected_list"] == [value]
        assert failed["result"]["unexpected_index_list"] == [{"oku_yen": value, "source_page": page}]
    assert summary.raw_result["statistics"]["unsuccessful_expectations"] == 2 and not summary.success
    assert [o.rows for o in summary.failures] == [
        [{"oku_yen": -23.0, "source_page": 12}],
        [{"oku_yen": 137.2, "source_page": 11}],
    ]


def test_a_parameter_the_suite_names_must_be_given(tmp_path):
    suite = {
        "expectations": [
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "oku_yen", "max_value": {"$PARAMETER": "page_count"}},
            }
        ]
    }
    with pytest.raises(ValidationFailed, match=r"no value for parameter\(s\) \['page_count'\]"):
        validate_frame("q", FRAME, write(tmp_path, "q", suite))
    suite["expectations"][0]["kwargs"]["max_value"] = {"$PARAMETER": "tomorrow"}
    with pytest.raises(ValidationFailed, match=r"unknown parameter\(s\) \['tomorrow'\]"):
        validate_frame("q", FRAME, write(tmp_path, "q", suite), parameters={"tomorrow": 1})


def test_an_expectation_gx_cannot_evaluate_fails_loudly(tmp_path):
    suite = {
        "expectations": [
            {
                "type": "expect_column_values_to_be_null",
                "kwargs": {"column": "program", "row_condition": "no_such_column > 1", "condition_parser": "pandas"},
            }
        ]
    }
    with pytest.raises(ValidationFailed, match=r"expect_column_values_to_be_null on program could not be evaluated"):
        validate_frame("c", FRAME, write(tmp_path, "c", suite))


def test_malformed_suite_fails_loudly(tmp_path):
    with pytest.raises(ValidationFailed, match=r"suite bad\.json: not valid JSON"):
        validate_frame("bad", FRAME, write(tmp_path, "bad", '{"expectations": [}'))


def test_missing_suite_fails_loudly(tmp_path):
    with pytest.raises(ValidationFailed, match=r"suite nowhere\.json: file not found"):
        validate_frame("nowhere", FRAME, tmp_path)


def test_suite_naming_a_missing_column_fails_loudly(tmp_path):
    suite = {"expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "amount"}}]}
    with pytest.raises(ValidationFailed, match=r"names columns the table does not have: amount"):
        validate_frame("cols", FRAME, write(tmp_path, "cols", suite))


def test_unknown_expectation_is_not_silently_dropped(tmp_path):
    suite = {
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "program"}},
            {"type": "expect_column_pair_values_A_to_be_greater_than_B", "kwargs": {"column_A": "a", "column_B": "b"}},
        ]
    }
    with pytest.raises(ValidationFailed, match=r"suite typo\.json"):
        validate_frame("typo", FRAME.assign(a=1, b=0), write(tmp_path, "typo", suite))


def test_every_staging_table_has_a_suite_and_it_starts_with_the_registry_columns():
    from pipelines.lib.paths import EXPECTATIONS_DIR
    from pipelines.lib.staging.registry import STAGING
    from pipelines.lib.validation.suites import load_suite

    assert sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json")) == sorted(st.name for st in STAGING)
    for st in STAGING:
        first = load_suite(st.name)["expectations"][0]
        assert first["type"] == "expect_table_columns_to_match_ordered_list", st.name
        assert first["kwargs"]["column_list"] == st.spec.column_names, st.name


def test_data_docs_are_rebuilt_only_when_rows_or_suite_change(tmp_path):
    from pipelines.lib.validation.validate import build_data_docs

    (tmp_path / "suites").mkdir()
    suites = write(tmp_path / "suites", "s", {"name": "s", "expectations": [NOT_NULL]})
    out = tmp_path / "site" / "data_docs"
    first = build_data_docs({"s": FRAME}, out, directory=suites)
    assert first.rebuilt and first.index.exists()
    marker = out / "marker"
    marker.write_text("the same folder", encoding="utf-8")

    again = build_data_docs({"s": FRAME.iloc[::-1]}, out, directory=suites)  # same rows, other order
    assert not again.rebuilt and marker.exists()

    changed = build_data_docs({"s": FRAME.assign(oku_yen=[137.2, 23.0])}, out, directory=suites)
    assert changed.rebuilt and not marker.exists()
    (out / "marker").write_text("x", encoding="utf-8")

    write(suites, "s", {"name": "s", "expectations": [NOT_NULL, {**NOT_NULL, "kwargs": {"column": "oku_yen"}}]})
    assert build_data_docs({"s": FRAME.assign(oku_yen=[137.2, 23.0])}, out, directory=suites).rebuilt
    assert not (out / "marker").exists()


NOT_NULL = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "program"}}
