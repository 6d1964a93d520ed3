"""Unusable PDFs stop with the project's own error, naming the file and the reason."""

import pypdfium2 as pdfium
import pytest

from pipelines.lib.errors import SourceDocumentError
from pipelines.lib.tables.extract import extract_document


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.pdf", b"", "file is empty"),
        ("noise.pdf", bytes(range(256)) * 40, "not a PDF"),
        ("page.pdf", b"<!DOCTYPE html><html><body>Not found</body></html>", "an HTML page"),
    ],
)
def test_not_a_pdf(tmp_path, name, data, reason):
    with pytest.raises(SourceDocumentError) as err:
        extract_document(_write(tmp_path, name, data))
    assert name in str(err.value) and reason in str(err.value)


def test_truncated_pdf(tmp_path, deck_path):
    data = deck_path.read_bytes()
    path = _write(tmp_path, "half.pdf", data[: len(data) // 2])
    with pytest.raises(SourceDocumentError) as err:
        extract_document(path)
    assert "half.pdf" in str(err.value)


def test_a_readable_pdf_without_known_tables_is_a_document_of_another_kind(tmp_path, deck_path):
    src = pdfium.PdfDocument(str(deck_path))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [0, 4])  # title slide and a picture placeholder
    path = tmp_path / "no_tables.pdf"
    out.save(str(path))
    ex = extract_document(path)  # no longer refused: its text is kept, and its numbers read downstream
    assert ex.tables == []
    body = [b.text for b in ex.blocks if b.page == 1 and b.role == "body"]
    assert body[:3] == ["第17回地域クラスターセミナー講演資料", "産業クラスター計画の現状と課題", "2005年6月21日"]
    assert [b.text for b in ex.blocks if b.role == "title"] == ["クラスターの概念図"]
    assert {b.passage_id for b in ex.blocks} == {"p1_text", "p2_text"}
    assert [b.text for b in ex.blocks if b.role == "page_number"] == ["1", "5"]  # as printed on the slides


def test_page_limit(deck_path):
    with pytest.raises(SourceDocumentError, match=r"28 pages, over the limit of 5"):
        extract_document(deck_path, max_pages=5)


def test_lost_glyphs_are_an_error(monkeypatch, deck_path):
    """pdfminer gives a glyph without a Unicode mapping the text '(cid:NN)'; one such char on page 3."""
    from pdfplumber.page import Page

    real = Page.chars.fget

    def with_cid(self):
        chars = real(self)
        if self.page_number == 3 and chars:
            chars = [*chars[:5], {**chars[5], "text": "(cid:12)"}, *chars[6:]]
        return chars

    monkeypatch.setattr(Page, "chars", property(with_cid))
    with pytest.raises(SourceDocumentError, match=r"page 3: text has unmapped glyphs '\(cid:12\)'"):
        extract_document(deck_path)


def test_a_reworded_header_is_read_by_what_it_means(monkeypatch, deck_path, deck_extraction):
    from pipelines.lib.pdf import layout

    real = layout.find_grids

    def reworded(page, **kwargs):
        grids = real(page, **kwargs)
        for g in grids:
            for i, c in enumerate(g.cells):
                if c.text == "施策名":
                    g.cells[i] = type(c)(c.row, c.col, "事業名", c.is_merged_fill, c.bbox)
        return grids

    monkeypatch.setattr("pipelines.lib.tables.extract.find_grids", reworded)
    got = {t.table_id: t for t in extract_document(deck_path).tables}
    bundled = {t.table_id: t for t in deck_extraction.tables}
    assert got.keys() == bundled.keys()  # no longer refused: 事業名 is one of the program column's wordings
    assert got["policy_tools_1"].family == "policy_tools"
    assert got["policy_tools_1"].grid.rows()[0][0] == "事業名"
