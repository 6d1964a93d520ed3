"""The validation ledgers: which contents of which table passed their suite.

Both are registry tables (pipelines/lib/schema.py), written with the build's write_table like every other:
``meta.validations`` holds the latest verdict per staging table, and publishing requires a passing one whose
fingerprint matches the table as it is; ``meta.document_validations`` (pipelines/lib/refresh/editions.py) holds the
verdict per table and document, so an unchanged document's passing verdict can be reused.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from pipelines.lib.schema import Table, table
from pipelines.lib.warehouse.build import has_table, write_table

VALIDATIONS = table("meta.validations")


def read_ledger(con: duckdb.DuckDBPyConnection, ledger: Table) -> pd.DataFrame:
    """A ledger's rows as stored; none when it is missing or of an older shape (then it counts as empty)."""
    if not has_table(con, ledger):
        return pd.DataFrame(columns=ledger.column_names)
    return con.execute(f"SELECT * FROM {ledger.qualified}").df()


def contents_fingerprint(con: duckdb.DuckDBPyConnection, spec: Table) -> str:
    """The fingerprint of a table's current rows, independent of their physical order: the count, sum and xor of
    DuckDB's hash of every whole row."""
    rows = con.execute(f"SELECT count(*), sum(hash(t)), bit_xor(hash(t)) FROM {spec.qualified} AS t").fetchall()
    return ":".join(str(v) for v in rows[0])


def record_validation(
    con: duckdb.DuckDBPyConnection, spec: Table, suite: str, passed: bool, evaluated: int, failures: str
) -> None:
    """Remember that a table, as it is now (by fingerprint), passed or failed its suite."""
    row: dict[str, Any] = {
        "table_name": spec.qualified,
        "suite": suite,
        "passed": passed,
        "fingerprint": contents_fingerprint(con, spec),
        "evaluated": evaluated,
        "failures": failures,
    }
    df = read_ledger(con, VALIDATIONS)
    same = df.index[df["table_name"] == spec.qualified]
    if len(same):  # its row is replaced where it stands; a new table's row goes last
        df = df.astype(object)
        df.loc[same[0], list(row)] = list(row.values())
    else:
        df = pd.concat([df, pd.DataFrame([row])], ignore_index=True) if len(df) else pd.DataFrame([row])
    write_table(con, VALIDATIONS, df)


def unvalidated_tables(con: duckdb.DuckDBPyConnection, specs: list[Table]) -> list[str]:
    """Tables whose current contents have no passing validation: they must not be published."""
    ledger = read_ledger(con, VALIDATIONS).set_index("table_name")
    bad = []
    for spec in specs:
        if spec.qualified not in ledger.index:
            bad.append(f"{spec.qualified} (never validated)")
        elif not ledger.at[spec.qualified, "passed"]:
            bad.append(f"{spec.qualified} (failed its suite)")
        elif ledger.at[spec.qualified, "fingerprint"] != contents_fingerprint(con, spec):
            bad.append(f"{spec.qualified} (changed since it was validated)")
    return bad
