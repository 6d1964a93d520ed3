"""Fault classes 5-6: a reworded column header in a real rewritten deck refreshes (read by what it means); a garbled
number in a cell stops the refresh and keeps the warehouse."""

import dagster as dg
import duckdb

from pipelines.lib.tables.extract import extract_document
from tests.reliability.pdfs import write_header_renamed
from tests.support import DECK, failure_messages, refresh


def test_a_reworded_header_is_claimed_and_mapped(tmp_path):
    path = write_header_renamed(DECK, tmp_path / "meti_cluster_seminar_2005.pdf")
    tables = {t.table_id: t for t in extract_document(path).tables}
    assert tables["policy_tools_1"].family == "policy_tools"
    assert tables["policy_tools_1"].grid.rows()[0][:3] == ["事業名", "17年度予算", "(16年度予算)"]


def test_a_reworded_header_refreshes_with_the_same_budget(site):
    """事業名 for 施策名 (as the restructured re-issue prints it) is one of the program column's wordings: the
    refresh goes on, the budget rows are the same, and nothing is reported as an unmapped column."""
    budget = "SELECT * EXCLUDE (document_id) FROM staging.budget_items ORDER BY ALL"
    before = duckdb.connect(str(site.warehouse / "clusters.duckdb"), read_only=True).execute(budget).fetchall()
    write_header_renamed(DECK, site.raw / DECK.name)  # a new edition of the same deck lands under the same name
    result = refresh(site.raw, site.warehouse)
    assert result.success, failure_messages(result)
    after = duckdb.connect(str(site.warehouse / "clusters.duckdb"), read_only=True).execute(budget).fetchall()
    assert after == before
    unmapped = [e for e in result.get_asset_check_evaluations() if e.asset_check_key.name == "has_no_unmapped_columns"]
    assert len(unmapped) == 1 and unmapped[0].passed


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
