"""Fault classes 5-6: a renamed column header in a real rewritten deck, and a garbled number in a cell."""

import dagster as dg
import duckdb
import pytest

from pipelines.lib.errors import TableHeaderError
from pipelines.lib.tables.extract import extract_document
from tests.reliability.pdfs import write_header_renamed
from tests.support import DECK, failure_messages, refresh


def test_renamed_header_is_a_table_header_error(tmp_path):
    path = write_header_renamed(DECK, tmp_path / "meti_cluster_seminar_2005.pdf")
    with pytest.raises(TableHeaderError) as err:
        extract_document(path)
    e = err.value
    assert (e.file_name, e.page, e.table_id) == ("meti_cluster_seminar_2005.pdf", 10, "policy_tools_1")
    assert e.found[0] == "事業名" and e.expected[0] == "施策名"


def test_renamed_header_stops_the_refresh_and_keeps_the_warehouse(site):
    before = site.hashes()
    write_header_renamed(DECK, site.raw / DECK.name)  # a new edition of the same deck lands under the same name
    result = refresh(site.raw, site.warehouse)
    assert not result.success
    messages = failure_messages(result)
    assert any(
        "meti_cluster_seminar_2005.pdf, page 10, table policy_tools_1: header changed" in m and "事業名" in m
        for m in messages
    ), messages
    assert site.hashes() == before


GARBLED = "連邦教育研究省約?億円(6年間)"


def test_garbled_number_names_the_cell_and_keeps_the_warehouse(site):
    before = site.hashes()
    con = duckdb.connect(str(site.warehouse / ".build" / "clusters.duckdb"))
    changed = con.execute(
        "update raw.table_cells set text = ? where table_id = 'foreign_policies' and text = ? "
        "returning row_idx, col_idx",
        [GARBLED, "連邦教育研究省約280億円(6年間)"],
    ).fetchall()
    con.close()
    assert len(changed) == 1
    row, col = changed[0]

    result = refresh(site.raw, site.warehouse, selection=dg.AssetSelection.groups("staging", "marts", "publish"))
    assert not result.success
    messages = failure_messages(result)
    cell = f"meti_cluster_seminar_2005.pdf, page 6, table foreign_policies, cell r{row}c{col}"
    assert any(cell in m and "約?億円" in m for m in messages), messages
    assert site.hashes() == before
