"""Staging tables built document by document: a document whose inputs and builder are unchanged keeps its rows.

Every builder reads one document at a time (its rows of the raw tables it declares and, for staging.quantities,
its rows of the curated tables), so a table is the concatenation of its documents' rows, in document order.
``meta.document_builds`` records, per table and document, the key of what its rows were built from (the
builder's code version and the fingerprints of the document's input rows, :mod:`pipelines.lib.refresh.kept`) and the
fingerprint of the rows written. A refresh builds again only the documents whose key changed (new or changed
documents, a changed builder) or whose rows are not the ones it wrote, drops documents that left the raw
folder, and keeps the others' rows as they are: the table ends up exactly as a build from scratch would write it.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.lib.refresh.code_versions import builder_version
from pipelines.lib.refresh.kept import NO_ROWS, DocumentWork, document_fingerprints, work_key
from pipelines.lib.schema import Table, table
from pipelines.lib.staging.raw_layer import raw_layer_from_duckdb
from pipelines.lib.staging.registry import StagingTable
from pipelines.lib.warehouse.build import has_table, replace_documents, write_table
from pipelines.lib.warehouse.ledger import read_ledger

DOCUMENT_BUILDS = table("meta.document_builds")


def current_documents(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The documents of the raw folder as raw.documents lists them, sorted."""
    return [str(r[0]) for r in con.execute("SELECT document_id FROM raw.documents ORDER BY 1").fetchall()]


def input_tables(st: StagingTable) -> list[Table]:
    """The tables whose rows one document's build reads."""
    return [table(f"raw.{n}") for n in st.raw_inputs] + [table(f"staging.{n}") for n in st.staging_inputs]


def input_keys(con: duckdb.DuckDBPyConnection, st: StagingTable, documents: list[str]) -> dict[str, str]:
    """document_id → the key of what its rows of ``st`` are built from (builder code and input rows)."""
    version = builder_version(st)
    prints = {spec.qualified: document_fingerprints(con, spec, documents) for spec in input_tables(st)}
    return {d: work_key(version, *(f"{name} {fp[d]}" for name, fp in sorted(prints.items()))) for d in documents}


def document_rows(con: duckdb.DuckDBPyConnection, spec: Table, document_id: str) -> pd.DataFrame:
    """One document's rows of a table, in key order (what a builder or check of that document reads)."""
    order = ", ".join(f'"{k}"' for k in spec.key) if spec.key else "ALL"
    return con.execute(f"SELECT * FROM {spec.qualified} WHERE document_id = ? ORDER BY {order}", [document_id]).df()


def build_document(con: duckdb.DuckDBPyConnection, st: StagingTable, document_id: str) -> pd.DataFrame:
    """One document's rows of a staging table, from that document's rows of what the builder reads."""
    raw = raw_layer_from_duckdb(con, st.raw_inputs, documents=[document_id])
    staged = {n: document_rows(con, table(f"staging.{n}"), document_id) for n in st.staging_inputs}
    return st.build(raw, staged)


def _built_before(con: duckdb.DuckDBPyConnection, st: StagingTable) -> dict[str, tuple[str, str]]:
    """document_id → (input key, rows fingerprint) of its last build of this table."""
    df = read_ledger(con, DOCUMENT_BUILDS)
    mine = df[df["table_name"] == st.spec.qualified]
    return {str(r.document_id): (str(r.input_key), str(r.rows_fingerprint)) for r in mine.itertuples()}


def _record_builds(
    con: duckdb.DuckDBPyConnection, st: StagingTable, keys: dict[str, str], prints: dict[str, str]
) -> None:
    """This table's rows of meta.document_builds: one per current document."""
    old = read_ledger(con, DOCUMENT_BUILDS)
    others = old[old["table_name"] != st.spec.qualified]
    mine = pd.DataFrame(
        [
            {"table_name": st.spec.qualified, "document_id": d, "input_key": keys[d], "rows_fingerprint": prints[d]}
            for d in sorted(keys)
        ],
        columns=DOCUMENT_BUILDS.column_names,
    )
    frames = [f for f in (others, mine) if not f.empty]
    df = pd.concat(frames, ignore_index=True) if frames else mine
    write_table(con, DOCUMENT_BUILDS, df.sort_values(["table_name", "document_id"], ignore_index=True))


def build_by_document(con: duckdb.DuckDBPyConnection, st: StagingTable) -> DocumentWork[int]:
    """Build ``st`` for the documents whose inputs or builder changed, keep the others' rows; rows per document.

    A document is built again when the key of its inputs differs from its last build's, or when its stored
    rows are not the ones that build wrote; a table of an older shape is built again whole.
    """
    documents = current_documents(con)
    keys = input_keys(con, st, documents)
    complete = has_table(con, st.spec)
    found = document_fingerprints(con, st.spec) if complete else {}  # every document the table holds rows of
    before = _built_before(con, st) if complete else {}
    stale = [d for d in documents if before.get(d) != (keys[d], found.get(d, NO_ROWS))]
    kept = [d for d in documents if d not in stale]
    if stale or not complete or set(found) - set(documents):
        replace_documents(con, st.spec, kept, (build_document(con, st, d) for d in stale))
    prints = document_fingerprints(con, st.spec, documents)
    _record_builds(con, st, keys, prints)
    counts = dict(con.execute(f"SELECT document_id, count(*) FROM {st.spec.qualified} GROUP BY 1").fetchall())
    return DocumentWork(results={d: int(counts.get(d, 0)) for d in documents}, recomputed=stale, reused=kept)
