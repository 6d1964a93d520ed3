"""The same deck from other PDF producers gives the same cells, annotations and passages as the bundled deck.

The copies are made once per session in a tmp folder (tests/producers.py, conftest.producer_copies); the
bundled deck's grids are checked against the hand-written fixtures in test_extract_grids.py, so equality here
means every copy matches them too.
"""

import pdfplumber
import pypdfium2 as pdfium
import pytest

from pipelines.lib.errors import TableHeaderError
from pipelines.lib.pdf import layout
from pipelines.lib.tables.extract import annotations_frame, blocks_frame, cells_frame, extract_document
from tests.producers import PRODUCERS

# The producer copies are made once per worker (conftest.producer_copies): their tests share one.
pytestmark = pytest.mark.xdist_group("producers")

CELL_COLUMNS = ["table_id", "page", "row_idx", "col_idx", "text", "is_merged_fill"]
BLOCK_COLUMNS = ["passage_id", "page", "block_idx", "box_idx", "box_col", "text"]


@pytest.fixture(scope="session")
def copies(producer_copies):
    return {name: producer_copies(name) for name in PRODUCERS}


@pytest.fixture(scope="session")
def extractions(copies):
    return {name: extract_document(path) for name, path in copies.items()}


def _rows(frame, columns):
    """Rows as plain records (None for missing, so two frames compare equal where both lack a value)."""
    part = frame[columns].sort_values(columns[:4]).astype(object)
    return part.where(part.notna(), None).to_dict("records")


def test_the_copies_really_differ_from_the_bundled_deck(copies, deck_path):
    """Guard: the copies keep the differences the extraction must absorb (else the tests below prove little)."""
    with pdfplumber.open(deck_path) as pdf:
        page6 = pdf.pages[5]
        assert (page6.width, page6.height) == (720, 540) and not layout.outlines_text(page6)
        bundled_shapes = len(page6.rects) + len(page6.curves)
    with pdfplumber.open(copies["cairo"]) as pdf:
        page6 = pdf.pages[5]
        assert layout.outlines_text(page6)
        assert len(page6.rects) + len(page6.curves) > 5 * bundled_shapes
    with pdfplumber.open(copies["cairo_a4"]) as pdf:
        assert (round(pdf.pages[0].width), round(pdf.pages[0].height)) == (842, 595)
    with pdfplumber.open(copies["ghostscript"]) as pdf, pdfplumber.open(deck_path) as bundled:
        # the re-embedded font claims a descent: the same glyph sits lower in its box than in the bundled deck
        mine = next(c for c in bundled.pages[14].chars if c["text"] == "T")
        theirs = next(c for c in pdf.pages[14].chars if c["text"] == "T")
        assert theirs["bottom"] - mine["bottom"] > 1.0


@pytest.mark.parametrize("producer", list(PRODUCERS))
def test_cells_are_the_bundled_decks(extractions, deck_extraction, producer):
    got = extractions[producer]
    assert [t.table_id for t in got.tables] == [t.table_id for t in deck_extraction.tables]
    assert _rows(cells_frame(got), CELL_COLUMNS) == _rows(cells_frame(deck_extraction), CELL_COLUMNS)
    assert got.unrecognised == []


@pytest.mark.parametrize("producer", list(PRODUCERS))
def test_annotations_and_passages_are_the_bundled_decks(extractions, deck_extraction, producer):
    got = extractions[producer]
    columns = ["table_id", "page", "seq", "kind", "marker", "text"]
    assert _rows(annotations_frame(got), columns) == _rows(annotations_frame(deck_extraction), columns)
    assert _rows(blocks_frame(got), BLOCK_COLUMNS) == _rows(blocks_frame(deck_extraction), BLOCK_COLUMNS)


def test_cairo_grids_come_from_shapes_larger_than_a_glyph(extractions):
    policies = next(t for t in extractions["cairo"].tables if t.table_id == "foreign_policies")
    assert policies.grid.edge_source == "shapes larger than a glyph" and policies.grid.cuts == 0
    # the first column rule is where the slide draws it (x≈105 of 720), not where cairo's fills snap (x≈122)
    first_rule = min(c.bbox[2] for c in policies.grid.cells if c.col == 0)
    assert 104 < first_rule < 106


def test_the_grid_check_alone_recovers_cairos_tables(copies, deck_extraction, tmp_path, monkeypatch):
    """Even without telling outlined glyphs from rules, the grids that cut text (page 6) or whose header a
    family finds changed (page 7, 区分 and 性格 in one cell) are replaced by another edge source's grid."""
    src = pdfium.PdfDocument(str(copies["cairo"]))
    excerpt = pdfium.PdfDocument.new()
    excerpt.import_pages(src, [5, 6])
    path = tmp_path / "cairo_pages_6_7.pdf"
    excerpt.save(str(path))
    monkeypatch.setattr(layout, "outlines_text", lambda page: False)
    got = {t.table_id: t for t in extract_document(path).tables}
    bundled = {t.table_id: t for t in deck_extraction.tables}
    assert sorted(got) == ["foreign_policies", "policy_shift"]
    for table_id, table in got.items():
        assert table.grid.edge_source != "default" and table.grid.cuts == 0, table_id
        assert table.grid.rows() == bundled[table_id].grid.rows(), table_id


def test_a_grid_no_edge_source_fits_names_table_page_and_header(copies, monkeypatch):
    """With only pdfplumber's default edges, cairo's page 6 cuts its text; the error says what was found."""
    monkeypatch.setattr(layout, "EDGE_SOURCES", ())
    monkeypatch.setattr(layout, "outlines_text", lambda page: False)
    with pytest.raises(TableHeaderError) as err:
        extract_document(copies["cairo"])
    msg = str(err.value)
    assert "page 6, table foreign_policies: no edge source draws its grid without cutting text" in msg
    assert "header found [" in msg
