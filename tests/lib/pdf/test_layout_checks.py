"""The grid check and the wrap rule on the bundled deck's own glyphs (pdfplumber chars, no mocks)."""

import itertools

import pdfplumber
import pytest

from pipelines.lib.pdf import layout
from pipelines.lib.pdf.text import is_soft_wrap, leading_segment_width, separator_width


@pytest.fixture(scope="module")
def pdf(deck_path):
    with pdfplumber.open(deck_path) as doc:
        yield doc


def _cell_lines(page, needle):
    """The text lines of the grid cell whose text contains needle, and that cell's right text edge."""
    for grid in layout.find_grids(page):
        for cell in grid.cells:
            if needle in cell.text and not cell.is_merged_fill:
                return layout.text_lines(page, cell.bbox), cell.bbox[2] - grid.padding
    raise AssertionError(f"no cell with {needle!r} on page {page.page_number}")


def _break_after(lines, ending):
    for prev, nxt in itertools.pairwise(lines):
        if prev.text.endswith(ending):
            return prev, nxt
    raise AssertionError(f"no line ending with {ending!r}")


def test_the_deck_measures_its_own_autospace_and_word_space(pdf):
    """LibreOffice sets about a fifth of an em between Latin and Japanese (約 230 万人); its space glyph is 0.27 em."""
    spacing = layout.page_spacing(pdf.pages[2])
    assert 0.15 < spacing.autospace < 0.3
    assert spacing.word_space == pytest.approx(0.27, abs=0.02)


@pytest.mark.parametrize(
    ("page", "needle", "ending", "soft"),
    [
        # 「…地域イノベーションファンド」/「分)」: 分, autospace and the ) that may not start a line
        # need 1.5 em; 1.15 em are left
        (6, "ファンド", "ファンド", True),
        # 「Route 128沿線に集中」/「人口約70万人…」: 人 needs 1 em and 1.1 em are left, so the slide breaks here
        (3, "沿線に集中", "沿線に集中", False),
        # 「医薬バイ」/「オ」: the line is full (0.92 em left, オ needs 1 em)
        (4, "医薬バイ", "医薬バイ", True),
    ],
)
def test_a_break_is_real_when_the_next_segment_would_have_fitted(pdf, page, needle, ending, soft):
    lines, right = _cell_lines(pdf.pages[page - 1], needle)
    prev, nxt = _break_after(lines, ending)
    assert is_soft_wrap(prev.chars, nxt.chars, right, prev.spacing) is soft


def test_segments_keep_what_line_breaking_keeps_together(pdf):
    """A line starting at 「+ケンブリッジ」 (as a narrower font wraps 「ボストン市+ケンブリッジ市」) starts with +ケ:
    a prefix may not end a line; 「ン市」 starts with ン市 (ン may start a line, so ン alone)."""
    lines, _ = _cell_lines(pdf.pages[2], "ケンブリッジ市")
    line = next(ln for ln in lines if ln.text.startswith("ン市+ケンブリッジ"))
    n, shi, plus, ke = line.chars[:4]
    assert (plus["text"], ke["text"]) == ("+", "ケ")
    assert leading_segment_width(line.chars[2:]) == pytest.approx(ke["x1"] - plus["x0"])
    assert leading_segment_width(line.chars) == pytest.approx(n["x1"] - n["x0"])
    assert shi["text"] == "市"


def test_the_separator_before_a_wrapped_segment_comes_from_the_document(pdf):
    page = pdf.pages[2]
    spacing = layout.page_spacing(page)
    chars = {c["text"]: c for c in layout.text_lines(page)[5].chars}
    kanji = next(c for t, c in chars.items() if "\u4e00" <= t <= "\u9fff")
    latin = {**kanji, "text": "A"}
    assert separator_width(kanji, kanji, spacing) == 0.0
    assert separator_width(latin, kanji, spacing) == pytest.approx(spacing.autospace * kanji["size"])
    assert separator_width(latin, latin, spacing) == pytest.approx(spacing.word_space * kanji["size"])


def test_a_column_edge_moved_into_the_text_is_a_cut(pdf):
    """Page 6's first column rule is at x≈105; moved to x≈122 (where cairo's fills snap it) it cuts column 2's text."""
    page = pdf.pages[5]
    table = page.find_tables(layout.TABLE_SETTINGS)[0]
    good = layout._grid(page, table.cells, tuple(table.bbox))
    assert good.cuts == 0
    rule = min(c[2] for c in table.cells)
    moved = [(c[0], c[1], 122.0 if c[2] == rule else c[2], c[3]) if c[0] < rule else c for c in table.cells]
    moved = [(122.0, c[1], c[2], c[3]) if c[0] == rule else c for c in moved]
    bad = layout._grid(page, moved, tuple(table.bbox))
    assert bad.cuts > 0


def test_no_page_of_the_deck_is_in_doubt(pdf):
    """The bundled deck's grids fit their text as pdfplumber's default edges draw them: the check adds no work."""
    for page in pdf.pages:
        assert not layout.outlines_text(page), page.page_number
        for grid in layout.find_grids(page):
            assert (grid.edge_source, grid.cuts) == ("default", 0), page.page_number
