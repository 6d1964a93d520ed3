"""The published file's declared columns against the registry: one query on information_schema.columns.

Every registry table is written with the registry's DDL (``write_table``, ``replace_from_query``), so a staging
frame read back from it always has the registry's types and a per-column type expectation could not fail. What
can still differ is the file itself: a table written another way (created from a frame or by a ``CREATE … AS``,
whose types DuckDB infers: a DECIMAL becomes DOUBLE, an INTEGER becomes BIGINT), a table kept from an older run
while the registry changed its type (the meta ledgers are appended to, never re-created), or a publish that
copies tables in a way that changes them. This check reads what the published file declares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipelines.lib.schema import Table

_QUERY = (
    "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns "
    "WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position"
)


def declared_columns(con: Any) -> dict[str, list[tuple[str, str]]]:
    """qualified table name → [(column, declared type)] in column order, as the open database declares them."""
    out: dict[str, list[tuple[str, str]]] = {}
    for qualified, column, data_type in con.execute(_QUERY).fetchall():
        out.setdefault(str(qualified), []).append((str(column), str(data_type)))
    return out


def type_mismatches(con: Any, specs: Iterable[Table]) -> list[str]:
    """One line per registry table whose declared columns (names, order, types) differ from the registry's."""
    declared = declared_columns(con)
    problems = []
    for spec in specs:
        found = declared.get(spec.qualified)
        if found is None:
            problems.append(f"{spec.qualified}: not in the file")
            continue
        expected = [(c.name, c.type) for c in spec.columns]
        if found == expected:
            continue
        types, names = dict(found), {n for n, _ in expected}
        parts = [f"{n} is {types[n]}, the registry says {t}" for n, t in expected if n in types and types[n] != t]
        if missing := [n for n, _ in expected if n not in types]:
            parts.append(f"missing {', '.join(missing)}")
        if extra := [n for n, _ in found if n not in names]:
            parts.append(f"not in the registry: {', '.join(extra)}")
        if not parts:
            parts.append(f"columns in another order: {', '.join(n for n, _ in found)}")
        problems.append(f"{spec.qualified}: " + "; ".join(parts))
    return problems
