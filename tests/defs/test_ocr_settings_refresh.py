"""The OCR settings decide re-extraction: a one-page scan beside the born-digital deck is read once, not again on
an unchanged refresh, and read again when PIPELINES_OCR_DPI changes, while the deck's kept extraction stays."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import pytest

import pipelines.defs.extract
from pipelines.lib.pdf.ocr.engines import tesseract_available
from pipelines.lib.refresh.editions import extractor_version
from pipelines.lib.warehouse.connections import WarehousePaths
from tests.lib.pdf.ocr.scans import scan_pages
from tests.support import DECK, failure_messages, refresh

pytestmark = pytest.mark.skipif(not tesseract_available(), reason="tesseract-ocr with jpn data is not installed")

RAW_LAYER = dg.AssetSelection.assets(
    *(["raw", n] for n in ("documents", "tables", "table_cells", "table_annotations", "text_blocks"))
)


@pytest.mark.slow
def test_a_new_dpi_reads_the_scan_again_and_not_the_born_digital_deck(tmp_path, monkeypatch):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    raw.mkdir()
    shutil.copy(DECK, raw)
    scan_pages(DECK, [1], raw / "title_scan.pdf", dpi=100, angle=0.5)
    read: list[tuple[str, int]] = []
    extract = pipelines.defs.extract.extract_document

    def spy(path, **kwargs):
        read.append((path.name, kwargs["ocr"].dpi))
        return extract(path, **kwargs)

    monkeypatch.setattr(pipelines.defs.extract, "extract_document", spy)

    def extracted_at(dpi: int) -> list[tuple[str, int]]:
        read.clear()
        result = refresh(raw, wh, selection=RAW_LAYER, ocr_dpi=dpi)
        assert result.success, failure_messages(result)
        return sorted(read)

    assert extracted_at(100) == [(DECK.name, 100), ("title_scan.pdf", 100)]
    assert extracted_at(100) == []  # nothing changed: nothing read again
    assert extracted_at(120) == [("title_scan.pdf", 120)]  # the deck has no OCR'd page: its rows stay
    con = duckdb.connect(str(WarehousePaths(wh).working), read_only=True)
    versions = dict(con.execute("SELECT document_id, extractor_version FROM meta.extractions").fetchall())
    assert versions[DECK.stem] == extractor_version() and versions["title_scan"] != extractor_version()
    origins = con.execute("SELECT DISTINCT text_origin FROM raw.text_blocks WHERE document_id = 'title_scan'")
    assert origins.fetchall() == [("ocr",)]
