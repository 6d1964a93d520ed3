"""Every staging row with a raw_text points at the raw cell or text block that holds it."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.lib.schema import table
from pipelines.lib.staging.provenance import unresolved_rows
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.tables.extract import extract_document
from pipelines.lib.warehouse.build import write_table
from tests.support import REV1


def test_every_mart_carries_the_address_of_its_figures():
    from pipelines.lib.report.sources import SOURCED_COLUMNS
    from pipelines.lib.schema import MART_TABLES

    for mart in MART_TABLES:
        assert {"source_page", "source_table_id", "source_row", "source_col"} <= set(mart.column_names), mart.name
        assert set(SOURCED_COLUMNS.get(mart.name, ())) <= set(mart.column_names), mart.name
    assert sorted(SOURCED_COLUMNS) == sorted(m.name for m in MART_TABLES)  # the report opens a source in every mart


DOC = "meti_cluster_seminar_2005"
WITH_RAW_TEXT = [st for st in STAGING if "raw_text" in st.spec.column_names]


@pytest.fixture(scope="module")
def con(deck_extraction):
    """The bundled deck and the revised edition."""
    extractions = [deck_extraction, extract_document(REV1)]
    raw_layer = RawLayer.from_extractions(extractions)
    con = duckdb.connect()
    for name in ("documents", "tables", "table_cells", "table_annotations", "text_blocks"):
        write_table(con, table(f"raw.{name}"), getattr(raw_layer, name))
    built: dict = {}
    for st in STAGING:  # registry order: a table's staging inputs come before it
        built[st.name] = st.build(raw_layer, built)
    for st in WITH_RAW_TEXT:
        write_table(con, st.spec, built[st.name])
    yield con
    con.close()


@pytest.mark.parametrize("name", [st.name for st in WITH_RAW_TEXT])
def test_every_row_of_the_deck_resolves_to_its_source(con, name):
    assert unresolved_rows(con, table(f"staging.{name}"), DOC) == []
    assert unresolved_rows(con, table(f"staging.{name}"), REV1.stem) == []
    addressed = con.execute(f"select count(*) from staging.{name} where source_row is not null").fetchall()[0][0]
    if name != "cluster_projects":  # its entries are 注 lines printed with the table: no cell address
        assert addressed > 0


def test_a_wrong_address_is_named(con):
    con.execute("create or replace temp table keep as select * from staging.budget_items")
    try:
        con.execute("update staging.budget_items set source_col = 2 where raw_text = '137.2億円'")
        bad = unresolved_rows(con, table("staging.budget_items"), DOC)
        assert bad == [f"{DOC}.pdf, page 11, table policy_tools_2, cell r1c2: '137.2億円' is not in '(114.2億円)'"]
    finally:
        con.execute("delete from staging.budget_items")
        con.execute("insert into staging.budget_items select * from keep")
