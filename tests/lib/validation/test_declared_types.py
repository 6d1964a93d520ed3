"""Declared columns against the registry, on real DuckDB tables made the right way and the wrong ways."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.lib.schema import table
from pipelines.lib.validation.declared_types import type_mismatches
from pipelines.lib.warehouse.build import write_table

SPEC = table("staging.plan_periods")


def test_a_table_written_with_the_registry_ddl_matches():
    con = duckdb.connect()
    write_table(con, SPEC, pd.DataFrame(columns=SPEC.column_names))
    assert type_mismatches(con, [SPEC]) == []


def test_every_way_a_table_can_differ_is_named():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    columns = ", ".join(f"{c.name} {'BIGINT' if c.name == 'start_year' else c.type}" for c in SPEC.columns[:-1])
    con.execute(f"CREATE TABLE {SPEC.qualified} ({columns}, extra VARCHAR)")
    assert type_mismatches(con, [SPEC, table("staging.budget_items")]) == [
        f"{SPEC.qualified}: start_year is BIGINT, the registry says INTEGER; missing {SPEC.columns[-1].name}; "
        "not in the registry: extra",
        "staging.budget_items: not in the file",
    ]


def test_columns_out_of_order_are_named():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    columns = [f"{c.name} {c.type}" for c in SPEC.columns]
    columns[0], columns[1] = columns[1], columns[0]
    con.execute(f"CREATE TABLE {SPEC.qualified} ({', '.join(columns)})")
    (found,) = type_mismatches(con, [SPEC])
    first, second = SPEC.columns[1].name, SPEC.columns[0].name
    assert found.startswith(f"{SPEC.qualified}: columns in another order: {first}, {second},")
