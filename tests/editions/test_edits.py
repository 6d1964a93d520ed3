"""Each edited copy of the deck says what it claims, and nothing else changes.

Expected strings were read off the bundled deck (pdftotext, and pages rendered with pdftoppm), not taken from the
generator's change lists.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from pipelines.lib.paths import PROJECT_ROOT
from tests.editions.edits import (
    EDITIONS,
    Edit,
    find_text_bbox,
    page_glyphs,
    remove_text,
    replace_text,
    table_row_bbox,
)

# The module's warehouse (or copies) is built once: its tests share one xdist worker.
pytestmark = pytest.mark.xdist_group("edits")

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"


def _texts(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [page.extract_text() for page in doc.pages]


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def deck_texts() -> list[str]:
    return _texts(DECK)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, tuple[Path, list[str]]]:
    """Every ready-made edition, written once, with its pages' extracted text."""
    out, before = tmp_path_factory.mktemp("editions"), DECK.read_bytes()
    built = {name: (p := write(DECK, out / f"{name}.pdf"), _texts(p)) for name, (write, _) in EDITIONS.items()}
    assert DECK.read_bytes() == before  # the bundled deck is only read
    return built


EDITED_PAGES = {"next_fiscal_year": {10, 11, 12}, "row_removed": {4}, "new_phrasing": {3, 13}, "garbled": {10}}


@pytest.mark.parametrize("name", sorted(EDITED_PAGES))
def test_other_pages_read_exactly_like_the_deck(built, deck_texts, name):
    path, texts = built[name]
    assert len(PdfReader(path).pages) == 28 and len(texts) == 28
    changed = {i + 1 for i, (a, b) in enumerate(zip(deck_texts, texts, strict=True)) if a != b}
    assert changed == EDITED_PAGES[name]


@pytest.mark.parametrize("name", sorted(EDITED_PAGES))
def test_change_lists_name_pages_and_new_strings_that_are_there(built, name):
    _, changes = EDITIONS[name]
    _, texts = built[name]
    assert {c["page"] for c in changes} == EDITED_PAGES[name]
    for c in changes:
        assert c["why"]
        if c["new"]:
            assert _flat(str(c["new"])) in _flat(texts[int(c["page"]) - 1]), c


def test_next_fiscal_year(built, deck_texts):
    _, texts = built["next_fiscal_year"]
    p10, p11, p12 = (_flat(texts[i]) for i in (9, 10, 11))
    for page in (p10, p11, p12):
        assert "施策名18年度予算(17年度予算)概要" in page
        assert "16年度予算" not in page
    assert "17年度予算" in _flat(deck_texts[9]) and "(16年度予算)" in _flat(deck_texts[9])
    # 平成17年度 → 平成18年度 in the body of pages 10 and 11 (page 12's body names no year)
    assert "平成18年度においては" in p10 and "平成17年度" not in p10
    assert "平成18年度には他府省" in p11 and "平成17年度" not in p11
    # page 10: the total and two programs; the previous-year column now holds the old current year
    assert "575億円(568億円)" in p10 and "(490億円)" not in p10
    assert "22.4億円(20.1億円)" in p10 and "(6.8億円)" not in p10
    assert "6.0億円(5.2億円)" in p10 and "5.2億円(新規)" not in _flat(texts[9])
    assert p10.count("(新規)") == 1 and "0.8億円(新規)" in p10  # the other new program stays new
    assert "141.6億円(137.2億円)" in p11 and "(114.2億円)" not in p11
    assert "66.0億円(64.1億円)" in p11 and "(61.3億円)" not in p11
    assert "1.5億円(1.3億円)" in p12 and "(0.8億円)" not in p12
    assert "23億円(23億円)" in p12  # unchanged program


def _cell_of(pdf: Path, page: int, text: str) -> tuple[float, float, float, float]:
    """The table cell holding `text` in the written copy."""
    x0, top, x1, bottom = find_text_bbox(pdf, page, text)
    with pdfplumber.open(pdf) as doc:
        cells = [c for t in doc.pages[page - 1].find_tables() for c in t.cells]
    holding = [c for c in cells if c[0] <= x0 and x1 <= c[2] and c[1] <= top and bottom <= c[3]]
    assert holding, f"{text!r} at {(x0, top, x1, bottom)} is not inside one cell of page {page}"
    return holding[0]


@pytest.mark.parametrize(
    ("name", "page", "text"),
    [
        ("next_fiscal_year", 10, "(20.1億円)"),
        ("next_fiscal_year", 10, "(5.2億円)"),
        ("next_fiscal_year", 10, "18年度予算"),
        ("new_phrasing", 3, "域内に約40社が入居"),
        ("garbled", 10, "2?.1億円"),
    ],
)
def test_longer_replacements_stay_on_one_line_inside_their_cell(built, name, page, text):
    path, _ = built[name]
    _cell_of(path, page, text)
    _, top, _, bottom = find_text_bbox(path, page, text)
    assert bottom - top < 13  # one line of 12 pt text at most


def test_row_removed(built, deck_texts):
    path, texts = built["row_removed"]
    before, after = _flat(deck_texts[3]), _flat(texts[3])
    gone = [
        "フランス",
        "ソフィア・ア",
        "ンティボリス",
        "エールフランス",
        "約24平方キロメートル",
        "企業数は約1100",
        "に国家プロジェクトに指定",
    ]
    for text in gone:
        assert text in before and text not in after, text
    for text in ["ドイツ", "フィンランド", "韓国", "中国", "オウル", "大徳専門研究", "中関村"]:
        assert text in after, text
    with pdfplumber.open(path) as doc:
        (table,) = doc.pages[3].find_tables()
        rows = table.extract()
    assert len(rows) == 6  # the band stays, ruled and empty
    assert [r[0] for r in rows] == ["国", "ドイツ", "フィンランド", "", "韓国", "中国"]
    assert all(not cell for cell in rows[3])


def test_new_phrasing(built, deck_texts):
    path, texts = built["new_phrasing"]
    p3, p13 = _flat(texts[2]), _flat(texts[12])
    assert "—" in _flat(deck_texts[2]) and "—" not in p3
    assert "域内に約40社が入居" in p3
    with pdfplumber.open(path) as doc:
        rows = {_flat(r[1] or ""): r for r in doc.pages[2].find_tables()[0].extract()}
    assert rows["北東イングランド"][5] == "域内に約40社が入居"  # its 主要企業・ベンチャー cell, which read —
    assert "・40件以上の共同開発の実現※1" in p13 and "連携事例の成立" not in p13
    assert "<連携事例>" in p13  # the box title, same words, untouched
    deck = "".join(_flat(page) for page in deck_texts)
    for words in ("域内に", "が入居", "共同開発", "の実現"):  # words the bundled deck never uses
        assert words not in deck, words


def test_garbled(built):
    _, texts = built["garbled"]
    p10 = _flat(texts[9])
    assert "2?.1億円(6.8億円)" in p10 and "20.1億円" not in p10


def test_written_glyph_positions_match_pdfplumber(built):
    """The parser's baselines and x positions are pdfplumber's, glyph for glyph, on an edited page too."""
    path, _ = built["next_fiscal_year"]
    glyphs = [g for g in page_glyphs(path, 10) if g.char.strip()]
    with pdfplumber.open(path) as doc:
        page = doc.pages[9]
        chars = [c for c in page.chars if c["text"].strip()]
        height = float(page.height)
    key = lambda x, base, text: (round(x, 1), round(base, 1), text)  # noqa: E731
    assert sorted(key(g.x, g.y, g.char) for g in glyphs) == sorted(
        key(c["x0"], height - c["matrix"][5], c["text"]) for c in chars
    )


def test_remove_text_blanks_only_the_box(tmp_path):
    box = find_text_bbox(DECK, 13, "・40件以上の連携事例の成立※1")
    path = remove_text(DECK, tmp_path / "deck.pdf", 13, box)
    with pdfplumber.open(path) as doc:
        text = _flat(doc.pages[12].extract_text())
    assert "40件以上" not in text and "連携事例の成立" not in text
    assert "ワークを形成・年間約400件の新製品等の創出※2" in text


def test_table_row_bbox_is_the_row_band():
    x0, top, x1, bottom = table_row_bbox(DECK, 4, "フランス")
    for text in ("ソフィア・ア", "企業数は約1100", "エールフランス"):
        bx0, btop, bx1, bbottom = find_text_bbox(DECK, 4, text)
        assert x0 <= bx0 and bx1 <= x1 and top <= btop and bbottom <= bottom
    for text in ("1980年にVTT所長", "大徳専門研究"):
        _, btop, _, bbottom = find_text_bbox(DECK, 4, text)
        assert bbottom < top or btop > bottom


def test_an_old_string_not_on_the_page_fails_listing_the_page(tmp_path):
    with pytest.raises(AssertionError, match=r"'19年度予算' occurs 0 times on page 10") as err:
        replace_text(DECK, tmp_path / "x.pdf", [Edit(10, "19年度予算", "20年度予算")])
    assert "施策名17年度予算(16年度予算)概要" in str(err.value)  # what was found instead
    assert not (tmp_path / "x.pdf").exists()


def test_an_old_string_twice_on_the_page_fails(tmp_path):
    with pytest.raises(AssertionError, match=r"'\(新規\)' occurs 2 times on page 10") as err:
        replace_text(DECK, tmp_path / "x.pdf", [Edit(10, "(新規)", "(継続)")])
    assert "5.2億円(新規)" in str(err.value) and "0.8億円(新規)" in str(err.value)


def test_a_character_no_font_has_fails_naming_it(tmp_path, deck_texts):
    assert all("許" not in page for page in deck_texts)  # nowhere in the deck, so in no subset font
    with pytest.raises(AssertionError, match=r"no subset font .* has '許' \(U\+8A31\), needed for '特許'"):
        replace_text(DECK, tmp_path / "x.pdf", [Edit(10, "概要", "特許")])
    assert not (tmp_path / "x.pdf").exists()


def test_row_removal_leaves_rules_and_fills_alone(built):
    """Only text-showing operators differ on the edited page: every path, fill and colour is the deck's."""
    path, _ = built["row_removed"]

    def drawing(pdf: Path) -> list[tuple[str, bytes]]:
        reader = PdfReader(pdf)
        ops = ContentStream(reader.pages[3].get_contents(), reader).operations
        return [(repr(operands), op) for operands, op in ops if op not in (b"Tj", b"TJ")]

    assert drawing(path) == drawing(DECK)
