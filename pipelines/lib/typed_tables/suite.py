"""The generated suite of a typed table: what can be checked without knowing the table.

The registry's rules for any table (:func:`pipelines.lib.validation.suites.schema_expectations`: columns in
order, the address never null, one row per printed row, pages within the document), plus:

* the row count is the raw grid's: one row per printed row below the header;
* a typed column parsed wherever its printed cell held a number (not null on those rows; on every row, through
  the registry's not-null rule, where every cell had one);
* a year column holds 4-digit Western years, a qualifier column only the qualifiers, a range's low bound is at
  most its high bound.
"""

from __future__ import annotations

from typing import Any, get_args

from pipelines.lib.normalize._grammar import Qualifier
from pipelines.lib.typed_tables.build import TypedTable
from pipelines.lib.validation.suites import _generated, schema_expectations

GENERATED_BY = "typed table"
QUALIFIERS = get_args(Qualifier)


def typed_table_suite(t: TypedTable) -> dict[str, Any]:
    """The whole suite of one typed table, as a suite dict for :func:`validate_frame`."""
    out = schema_expectations(t.spec)
    out.append(
        _generated(
            "expect_table_row_count_to_equal",
            {"value": len(t.rows)},
            f"one row per printed row of raw table {t.table_id} below its {t.header_rows} header row(s)",
        )
    )
    for c in t.columns:
        if c.role in ("value", "secondary", "low", "high") and not c.required:
            rows = t.valued_rows(c.name) if c.role in ("value", "secondary") else []
            if rows:
                out.append(
                    _generated(
                        "expect_column_values_to_not_be_null",
                        {"column": c.name, "row_condition": f"source_row in {rows}", "condition_parser": "pandas"},
                        "the printed cell held a number of this column's unit: it parsed",
                    )
                )
        if c.role in ("value", "secondary") and c.unit == "year":
            out.append(
                _generated(
                    "expect_column_values_to_be_between",
                    {"column": c.name, "min_value": 1000, "max_value": 9999},
                    "a year is a 4-digit Western year",
                )
            )
        if c.role == "qualifier":
            out.append(
                _generated(
                    "expect_column_values_to_be_in_set",
                    {"column": c.name, "value_set": list(QUALIFIERS)},
                    "a qualifier of staging.quantities",
                )
            )
        if c.role == "low":
            high = c.name.removesuffix("_low") + "_high"
            out.append(
                _generated(
                    "expect_column_pair_values_a_to_be_greater_than_b",
                    {
                        "column_A": high,
                        "column_B": c.name,
                        "or_equal": True,
                        "ignore_row_if": "either_value_is_missing",
                    },
                    "a range's low bound is at most its high bound",
                )
            )
    for e in out:
        e["meta"]["generated"] = GENERATED_BY
    return {"name": t.name, "meta": {"table": t.qualified}, "expectations": out}
