"""meta.validations: a registry table like any other, one row per staging table, replaced in place."""

import duckdb
import pandas as pd

from pipelines.lib.schema import table
from pipelines.lib.warehouse.build import write_table
from pipelines.lib.warehouse.ledger import VALIDATIONS, read_ledger, record_validation, unvalidated_tables

PLANS = table("staging.plan_periods")
LAWS = table("staging.regional_policy_laws")


def frame(spec, n):
    return pd.DataFrame([{c: None for c in spec.column_names} | {"document_id": f"d{i}"} for i in range(n)])


def test_verdicts_are_kept_per_table_and_follow_the_contents():
    con = duckdb.connect()
    write_table(con, PLANS, frame(PLANS, 2))
    write_table(con, LAWS, frame(LAWS, 1))
    assert unvalidated_tables(con, [PLANS, LAWS]) == [
        "staging.plan_periods (never validated)",
        "staging.regional_policy_laws (never validated)",
    ]
    record_validation(con, PLANS, "plan_periods", True, 10, "[]")
    record_validation(con, LAWS, "regional_policy_laws", False, 7, '[{"x": 1}]')
    assert unvalidated_tables(con, [PLANS, LAWS]) == ["staging.regional_policy_laws (failed its suite)"]
    record_validation(con, LAWS, "regional_policy_laws", True, 7, "[]")
    assert unvalidated_tables(con, [PLANS, LAWS]) == []
    ledger = read_ledger(con, VALIDATIONS)
    assert list(ledger["table_name"]) == ["staging.plan_periods", "staging.regional_policy_laws"]  # replaced in place
    write_table(con, PLANS, frame(PLANS, 3))
    assert unvalidated_tables(con, [PLANS]) == ["staging.plan_periods (changed since it was validated)"]
    comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'validations'").fetchall()
    assert comment == [(VALIDATIONS.description,)]
