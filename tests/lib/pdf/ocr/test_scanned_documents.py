"""Scanned documents through the whole extraction: image pages are OCR'd, text pages never, and a document with
nothing readable fails by name. Expected values come from the truth files and the born-digital deck."""

from __future__ import annotations

import re
import socket

import numpy as np
import pytest
from PIL import Image

from pipelines.lib.errors import UnreadableDocumentError
from pipelines.lib.pdf.ocr import document as ocr_document
from pipelines.lib.pdf.ocr import engines
from pipelines.lib.pdf.ocr.crosscheck import DISAGREEMENT_CONFIDENCE, numbers
from pipelines.lib.pdf.ocr.document import image_only_pages
from pipelines.lib.pdf.ocr.engines import tesseract_available
from pipelines.lib.tables.extract import RASTER_LINES, cells_frame, extract_document
from tests.lib.pdf.ocr.scans import scan_pages, splice
from tests.support import DECK, FIXTURES

pytestmark = pytest.mark.skipif(not tesseract_available(), reason="tesseract-ocr with jpn data is not installed")


def _ws(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def test_a_mixed_document_ocrs_only_its_image_page(tmp_path, monkeypatch, deck_extraction):
    """One scanned page inside the bundled deck: only it is OCR'd; its table is read from the scan, with its
    rules from the pixels; every other page reads exactly as the born-digital deck."""
    scan = scan_pages(DECK, [3], tmp_path / "scan.pdf", dpi=150, angle=0.7)
    mixed = splice(DECK, scan, 3, tmp_path / "mixed.pdf")
    assert image_only_pages(mixed) == [3]
    read = []
    real = ocr_document.read_page
    monkeypatch.setattr(ocr_document, "read_page", lambda path, n, s: read.append(n) or real(path, n, s))
    ex = extract_document(mixed)
    assert read == [3]
    ocr_tables = [t for t in ex.tables if t.page == 3]
    assert [t.family for t in ocr_tables] == ["overseas_clusters"]
    assert ocr_tables[0].text_origin == "ocr" and ocr_tables[0].grid.edge_source == RASTER_LINES
    born = {t.table_id: t for t in deck_extraction.tables}
    assert born[ocr_tables[0].table_id].grid.n_rows == ocr_tables[0].grid.n_rows
    for t in ex.tables:
        if t.page != 3:
            assert t.text_origin == "text_layer"
            assert t.grid.rows() == born[t.table_id].grid.rows()
            assert all(c.confidence is None for c in t.grid.cells)
    cells = cells_frame(ex)
    on_scan = cells[cells["page"] == 3]
    assert set(on_scan["text_origin"]) == {"ocr"}
    written = on_scan[on_scan["text"].str.strip() != ""]  # an empty cell has no words, so no confidence
    assert written["confidence"].between(0, 1).all()
    assert cells[cells["page"] != 3]["confidence"].isna().all()
    blocks = [b for b in ex.blocks if b.page == 3]
    assert blocks and all(b.text_origin == "ocr" and b.confidence is not None for b in blocks)


def test_a_document_with_nothing_readable_fails_by_name(tmp_path):
    blank = tmp_path / "blank_scan.pdf"
    Image.new("L", (1500, 1125), 255).save(blank, "PDF", resolution=150.0)
    with pytest.raises(UnreadableDocumentError, match=r"blank_scan\.pdf: nothing could be read"):
        extract_document(blank)


def test_a_missing_second_engine_is_named_with_the_file(tmp_path):
    from pipelines.lib.errors import SourceDocumentError
    from pipelines.lib.pdf.ocr import OcrSettings

    scan = tmp_path / "scan.pdf"
    Image.new("L", (300, 200), 255).save(scan, "PDF", resolution=150.0)
    with pytest.raises(SourceDocumentError, match=r"scan\.pdf: its image pages need OCR: .*'no-such-tesseract'"):
        extract_document(scan, ocr=OcrSettings(tesseract_cmd="no-such-tesseract"))


def test_rapidocr_opens_no_socket(monkeypatch):
    """The engine is built from the models inside its wheel: nothing is downloaded (any connection would fail)."""

    def refuse(*args, **kwargs):
        raise AssertionError("OCR tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(engines, "_RAPID", {})
    img = np.full((120, 400), 255, np.uint8)
    import cv2

    cv2.putText(img, "2005", (20, 90), cv2.FONT_HERSHEY_SIMPLEX, 2.5, 0, 5)
    lines = engines.rapid_read(img, 1600)
    assert "2005" in "".join(ln.text for ln in lines)


# ---- the scanned rev1 against its truth file ----------------------------------------------------------------

SCANNED_REV1 = FIXTURES / "editions" / "meti_cluster_seminar_2005_rev1_scanned.pdf"
REV1_TRUTH = FIXTURES / "editions" / "meti_cluster_seminar_2005_rev1.truth.json"


def _by_truth(ex, truth: dict) -> list[tuple[dict, object]]:
    """Each truth table with the extracted table printed on the same slide, in order (ids may differ)."""
    on_page: dict[int, list] = {}
    for t in ex.tables:
        on_page.setdefault(t.page, []).append(t)
    return [(tt, (on_page.get(tt["page"]) or [None]).pop(0)) for tt in truth["tables"]]


def cell_scores(ex, truth: dict) -> dict[str, tuple[int, int, list]]:
    """Per truth table: exact cells (whitespace aside), cells, and the cells whose numbers differ."""
    out = {}
    for tt, t in _by_truth(ex, truth):
        rows = t.grid.rows() if t is not None else []
        conf = {(c.row, c.col): c.confidence for c in t.grid.cells} if t is not None else {}
        good, wrong_numbers = 0, []
        for i, row in enumerate(tt["cells"]):
            for j, want in enumerate(row):
                got = rows[i][j] if i < len(rows) and j < len(rows[i]) else None
                good += got is not None and _ws(got) == _ws(want)
                if got is None or numbers(_ws(got)) != numbers(_ws(want)):
                    wrong_numbers.append((i, j, want, got, conf.get((i, j))))
        out[tt["id"]] = (good, sum(len(r) for r in tt["cells"]), wrong_numbers)
    return out


@pytest.fixture
def scanned_rev1(scanned_rev1_extraction):
    return scanned_rev1_extraction  # OCR'd once per session (tests/conftest.py), shared with the refresh test


@pytest.mark.slow
@pytest.mark.xdist_group("scanned_rev1")  # the worker that OCRs the scan once for every test of it
@pytest.mark.timeout(1200)
def test_scanned_rev1_gives_rev1s_tables(scanned_rev1):
    """Every table of rev1 from its 150 dpi scan: at least 0.90 of the cells exact, and every number either read
    exactly or flagged (the two engines disagreed, confidence lowered), never wrong in silence."""
    import json

    truth = json.loads(REV1_TRUTH.read_text(encoding="utf-8"))
    scores = cell_scores(scanned_rev1, truth)
    good = sum(g for g, _, _ in scores.values())
    total = sum(n for _, n, _ in scores.values())
    assert good / total >= 0.90, {k: f"{g}/{n}" for k, (g, n, _) in scores.items()}
    silent = [(k, w) for k, (_, _, wrong) in scores.items() for w in wrong if (w[4] or 1) > DISAGREEMENT_CONFIDENCE]
    assert not silent
    assert all(t.text_origin == "ocr" and t.grid.edge_source == RASTER_LINES for t in scanned_rev1.tables)
    assert set(scanned_rev1.ocr) == set(range(1, truth["page_count"] + 1))
    for read in scanned_rev1.ocr.values():  # what each step cost on each page, for the bench
        assert {"render_deskew", "rapidocr", "tesseract", "raster_lines"} <= set(read.seconds)


def test_a_rougher_copy_of_the_budget_slide(tmp_path):
    """The 政策ツール slide scanned at 200 dpi, turned -0.8°, speckled and compressed hard: every amount exact."""
    import json

    truth = json.loads(REV1_TRUTH.read_text(encoding="utf-8"))
    want = next(t for t in truth["tables"] if t["id"] == "budget_1")
    scan = scan_pages(FIXTURES / "editions" / "meti_cluster_seminar_2005_rev1.pdf", [want["page"]], tmp_path / "b.pdf",
                      dpi=200, angle=-0.8, quality=50, seed=7)  # fmt: skip
    ex = extract_document(scan)
    (table,) = [t for t in ex.tables if t.family == "policy_tools"]
    got = table.grid.rows()
    assert [len(r) for r in got] == [len(r) for r in want["cells"]]
    for i, row in enumerate(want["cells"]):
        for j, cell in enumerate(row):
            assert numbers(_ws(got[i][j])) == numbers(_ws(cell)), (i, j, got[i][j], cell)


def test_ocr_reads_pages_on_every_core_with_progress(tmp_path):
    """Two image pages go to a pool of two processes; the progress callback hears of each page."""
    scan = scan_pages(DECK, [11, 12], tmp_path / "two.pdf", dpi=150, angle=0.4)
    heard = []
    reads = ocr_document.ocr_pages(scan, [1, 2], progress=lambda done, n, name: heard.append((done, n, name)))
    assert sorted(reads) == [1, 2] and heard[-1] == (2, 2, "two.pdf")
    assert all(r.chars and r.seconds["rapidocr"] > 0 for r in reads.values())
