"""Staging tables built document by document: the same tables as the builders give over the whole raw layer, and a
rebuild touches exactly the documents whose input rows, stored rows or builder changed."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.lib.schema import table
from pipelines.lib.staging import by_document
from pipelines.lib.staging.by_document import DOCUMENT_BUILDS, build_by_document
from pipelines.lib.staging.raw_layer import RAW_TABLES, RawLayer
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.warehouse.build import write_table

DECK, COPY = "meti_cluster_seminar_2005", "meti_cluster_seminar_2005_v2"
AMOUNT = "137.2億円"  # 地域新生コンソーシアム研究開発事業, 平成17年度, page 11
BLOCKS_ONLY = {st.name for st in STAGING if set(st.raw_inputs) == {"text_blocks"}}


def two_documents(raw: RawLayer, amount: str = AMOUNT) -> RawLayer:
    """The deck and a copy of it under an edition name whose page 11 prints ``amount`` for 137.2億円."""
    frames = {}
    for name in RAW_TABLES:
        deck = getattr(raw, name)
        copy = deck.assign(document_id=COPY)
        if name == "documents":
            copy = copy.assign(file_name=f"{COPY}.pdf", sha256="0" * 64)
        if name == "table_cells":
            copy["text"] = copy["text"].replace(AMOUNT, amount)
        frames[name] = pd.concat([deck, copy], ignore_index=True)
    return RawLayer(**frames)


def store(con, raw: RawLayer) -> None:
    for name in RAW_TABLES:
        write_table(con, table(f"raw.{name}"), getattr(raw, name))


def build_all(con) -> dict[str, list[str]]:
    """Every staging table built in registry order; the documents each one built."""
    return {st.name: build_by_document(con, st).recomputed for st in STAGING}


def tables(con) -> dict[str, list[tuple]]:
    return {st.name: con.execute(f"SELECT * FROM {st.spec.qualified}").fetchall() for st in STAGING}  # stored order


@pytest.fixture
def con(raw_layer):
    import duckdb

    con = duckdb.connect()
    store(con, two_documents(raw_layer))
    return con


def test_tables_are_what_the_builders_give_over_the_whole_raw_layer(con, raw_layer):
    assert build_all(con) == {st.name: [DECK, COPY] for st in STAGING}
    whole = two_documents(raw_layer)
    staged: dict[str, pd.DataFrame] = {}
    for st in STAGING:
        staged[st.name] = st.build(whole, staged)  # the builder over both documents at once
        reference = _through_duckdb(staged[st.name], st)
        assert con.execute(f"SELECT * FROM {st.spec.qualified}").fetchall() == reference, st.name


def _through_duckdb(df: pd.DataFrame, st) -> list[tuple]:
    import duckdb

    other = duckdb.connect()
    write_table(other, st.spec, df)
    return other.execute(f"SELECT * FROM {st.spec.qualified}").fetchall()


def test_a_second_build_keeps_every_document(con):
    build_all(con)
    before = tables(con)
    assert build_all(con) == {st.name: [] for st in STAGING}
    assert tables(con) == before


def test_a_changed_cell_rebuilds_its_document_in_the_tables_that_read_cells(con, raw_layer):
    import duckdb

    build_all(con)
    con.execute("UPDATE raw.table_cells SET text = '157.2億円' WHERE document_id = ? AND text = ?", [COPY, AMOUNT])
    rebuilt = build_all(con)
    assert {name for name, docs in rebuilt.items() if docs} == {st.name for st in STAGING} - BLOCKS_ONLY
    assert all(docs in ([], [COPY]) for docs in rebuilt.values())
    scratch = duckdb.connect()
    store(scratch, two_documents(raw_layer, "157.2億円"))
    build_all(scratch)
    assert tables(con) == tables(scratch)
    amounts = con.execute(
        "SELECT document_id, amount_oku_yen FROM staging.budget_items "
        "WHERE program = '地域新生コンソーシアム研究開発事業' AND fiscal_year = 2005 ORDER BY 1"
    ).fetchall()
    assert [(d, float(a)) for d, a in amounts] == [(DECK, 137.2), (COPY, 157.2)]


def test_rows_edited_by_hand_are_built_again(con):
    build_all(con)
    before = tables(con)["budget_items"]
    con.execute("UPDATE staging.budget_items SET amount_oku_yen = -1 WHERE document_id = ?", [DECK])
    budget = next(st for st in STAGING if st.name == "budget_items")
    assert build_by_document(con, budget).recomputed == [DECK]
    assert tables(con)["budget_items"] == before


def test_a_document_that_left_the_raw_folder_leaves_every_table(con):
    build_all(con)
    for name in RAW_TABLES:
        con.execute(f"DELETE FROM raw.{name} WHERE document_id = ?", [COPY])
    assert build_all(con) == {st.name: [] for st in STAGING}
    for st in STAGING:
        assert con.execute(f"SELECT DISTINCT document_id FROM {st.spec.qualified}").fetchall() in ([], [(DECK,)])
    ledger = con.execute(f"SELECT DISTINCT document_id FROM {DOCUMENT_BUILDS.qualified}").fetchall()
    assert ledger == [(DECK,)]


def test_a_builder_whose_code_version_changed_rebuilds_every_document_of_its_table_only(con, monkeypatch):
    build_all(con)
    before = tables(con)
    real = by_document.builder_version
    monkeypatch.setattr(
        by_document, "builder_version", lambda st: real(st) + (" edited" if st.name == "plan_periods" else "")
    )
    rebuilt = build_all(con)
    assert rebuilt == {st.name: [DECK, COPY] if st.name == "plan_periods" else [] for st in STAGING}
    assert tables(con) == before  # the same rows: staging.quantities, which reads them, keeps its own
