"""A table no family claims is kept in the raw layer as 'unrecognised', not dropped."""

from __future__ import annotations

from pypdf import PdfReader, PdfWriter

from pipelines.lib.tables.extract import cells_frame, extract_document, tables_frame
from pipelines.lib.tables.registry import UNRECOGNISED
from tests.reliability.pdfs import write_table_pdf
from tests.support import DECK

ROWS = [["Region", "Sales", "Staff"], ["North", "120", "14"], ["South", "95", "9"]]


def test_an_unknown_table_in_the_deck_is_kept_and_the_rest_unchanged(tmp_path, deck_extraction):
    extra = write_table_pdf(tmp_path / "extra.pdf", ROWS)
    writer = PdfWriter(clone_from=PdfReader(DECK))
    writer.append(PdfReader(extra))
    path = tmp_path / "meti_cluster_seminar_2005_v2.pdf"
    with path.open("wb") as fh:
        writer.write(fh)

    ex = extract_document(path)
    unknown = ex.unrecognised_tables
    assert [(t.family, t.page, t.grid.rows()) for t in unknown] == [(UNRECOGNISED, 29, ROWS)]
    assert unknown[0].table_id.startswith("unrecognised_")
    tables = tables_frame(ex)
    assert tables.loc[tables["family"] == UNRECOGNISED, "table_id"].tolist() == [unknown[0].table_id]
    cells = cells_frame(ex)
    assert len(cells[cells["table_id"] == unknown[0].table_id]) == 9
    known = [(t.table_id, t.grid.rows()) for t in ex.tables if t.family != UNRECOGNISED]
    assert known == [(t.table_id, t.grid.rows()) for t in deck_extraction.tables]


def test_the_deck_has_no_unrecognised_table(deck_extraction):
    assert deck_extraction.unrecognised_tables == []
