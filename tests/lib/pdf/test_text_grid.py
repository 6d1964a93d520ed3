"""Tables printed without rules: every copy gives the same tables as the ruled deck, cell by cell, against grids read
by hand (tests/fixtures/grids, the editions' and the JST deck's truth files), and its passages stay text.

Copies: the bundled deck and rev1 with every rule and fill removed (borderless) or all but the horizontal rules
(open), made in tmp_path by tests/editions/edits.py; rev2 in the open style and the JST deck without rules, as the
team's samples. Cells are compared with whitespace set aside (where a cell's lines break is a separate question).
"""

from __future__ import annotations

import json
import re

import pdfplumber
import pytest

from pipelines.lib.pdf.layout import find_grids
from pipelines.lib.pdf.text_grid import find_text_grids
from pipelines.lib.tables.extract import DocumentExtraction, extract_document, header_fits
from pipelines.lib.tables.registry import UNRECOGNISED
from tests.editions.edits import strip_rules
from tests.support import DECK, FIXTURES, JST, JST_BORDERLESS, REV1, REV2, REV2_OPEN


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _truth(name: str) -> dict[int, list[list[str]]]:
    """page → the hand-read grid of the table on it."""
    if name == "deck":
        out = {}
        for f in sorted((FIXTURES / "grids").glob("*.json")):
            fx = json.loads(f.read_text(encoding="utf-8"))
            out[fx["page"]] = fx["rows"]
        return out
    path = {"rev1": REV1, "rev2": REV2, "jst": JST}[name].with_suffix(".truth.json")
    truth = json.loads(path.read_text(encoding="utf-8"))
    return {t["page"]: t.get("cells_seed") or t["cells"] for t in truth["tables"]}


# copy name → (how to get it, the truth it is read against, the grid origin every table must have)
COPIES = {
    "deck_borderless": ((DECK, "borderless"), "deck", "text_alignment"),
    "deck_open": ((DECK, "open"), "deck", "partial_rules"),
    "rev1_borderless": ((REV1, "borderless"), "rev1", "text_alignment"),
    "rev2_borderless": ((REV2, "borderless"), "rev2", "text_alignment"),
    "rev2_open": ((REV2_OPEN, None), "rev2", "partial_rules"),
    "jst_borderless": ((JST_BORDERLESS, None), "jst", "text_alignment"),
    "deck": ((DECK, None), "deck", "rules"),
    "rev1": ((REV1, None), "rev1", "rules"),
    "rev2": ((REV2, None), "rev2", "rules"),
    "jst": ((JST, None), "jst", "rules"),
}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Each copy extracted once, on first use."""
    done: dict[str, DocumentExtraction] = {}

    def get(name: str) -> DocumentExtraction:
        if name not in done:
            (src, style), _, _ = COPIES[name]
            pdf = src if style is None else strip_rules(src, tmp_path_factory.mktemp(name) / src.name, style)
            done[name] = extract_document(pdf)
        return done[name]

    return get


@pytest.mark.parametrize("name", list(COPIES))
def test_every_table_matches_its_truth_cell_by_cell(extracted, name):
    _, truth_name, origin = COPIES[name]
    truth = _truth(truth_name)
    ex = extracted(name)
    by_page = {t.page: t for t in ex.tables}
    assert sorted(by_page) == sorted(truth), "one table on each page that prints one, and none elsewhere"
    assert len(ex.tables) == len(truth)
    for page, rows in truth.items():
        got = by_page[page].grid.rows()
        assert (len(got), len(got[0])) == (len(rows), len(rows[0])), f"page {page}: shape"
        wrong = [
            (r, c, got[r][c], rows[r][c])
            for r in range(len(rows))
            for c in range(len(rows[0]))
            if _squash(got[r][c]) != _squash(rows[r][c])
        ]
        assert not wrong, f"page {page}: {wrong}"
        assert by_page[page].grid.origin == origin


@pytest.mark.parametrize("name", ["deck_borderless", "deck_open", "rev1_borderless", "rev2_open"])
def test_families_claim_the_tables_as_they_claim_ruled_ones(extracted, name):
    ruled = {"deck_borderless": "deck", "deck_open": "deck", "rev1_borderless": "rev1", "rev2_open": "rev2"}[name]
    got = sorted((t.table_id, t.family, t.page) for t in extracted(name).tables)
    assert got == sorted((t.table_id, t.family, t.page) for t in extracted(ruled).tables)


def test_the_jst_table_no_family_knows_is_kept_as_unrecognised(extracted):
    (table,) = extracted("jst_borderless").tables
    assert table.family == UNRECOGNISED and table.grid.origin == "text_alignment"


@pytest.mark.parametrize("pdf", [DECK, REV1, REV2, JST], ids=lambda p: p.stem)
def test_ruled_decks_read_no_grid_from_text(pdf):
    """On a ruled deck every table is ruled: the text outside its grids (prose, bullets, framed passages, two
    columns of text side by side) gives no grid."""
    with pdfplumber.open(pdf) as doc:
        found = [(p.page_number, g.n_rows, g.n_cols) for p in doc.pages for g in find_text_grids(p, find_grids(p))]
    assert found == []


def test_an_unruled_grid_cuts_no_text_and_fits_its_family(extracted):
    for t in extracted("deck_borderless").tables:
        assert t.grid.cuts == 0
        assert header_fits(t.grid)


def test_strip_rules_leaves_the_text_and_removes_the_painting(tmp_path):
    borderless = strip_rules(DECK, tmp_path / "b.pdf")
    open_style = strip_rules(DECK, tmp_path / "o.pdf", "open")
    with pdfplumber.open(DECK) as a, pdfplumber.open(borderless) as b, pdfplumber.open(open_style) as o:
        for pa, pb, po in zip(a.pages, b.pages, o.pages, strict=True):
            assert [c["text"] for c in pb.chars] == [c["text"] for c in pa.chars]
            assert not pb.lines and not pb.rects and not pb.curves
            assert all(abs(ln["top"] - ln["bottom"]) < 0.5 for ln in po.lines)  # horizontal rules only
            assert not po.rects


@pytest.mark.parametrize(
    ("name", "ruled"),
    [
        ("deck_borderless", "deck"),
        ("deck_open", "deck"),
        ("rev1_borderless", "rev1"),
        ("rev2_borderless", "rev2"),
        ("rev2_open", "rev2"),
        ("jst_borderless", "jst"),
    ],
)
def test_text_blocks_stay_text(extracted, name, ruled):
    """Prose, bullet lists, the framed boxes of a passage and text in two columns give the same paragraphs on a
    copy without rules as on the ruled deck: none becomes a table, and a passage's boxes stay its boxes."""

    def blocks(ex: DocumentExtraction) -> list[tuple]:
        return [(b.page, b.passage_id, b.box_idx, b.box_col, _squash(b.text), b.role) for b in ex.blocks]

    assert blocks(extracted(name)) == blocks(extracted(ruled))
