"""What decides re-extraction: the extraction code for every document, and for a document OCR read also the OCR
code and every setting that changes what OCR reads (the DPI), never the size of its process pool."""

from dataclasses import replace

import duckdb
import pandas as pd

from pipelines.lib.pdf.ocr import OcrSettings
from pipelines.lib.refresh.editions import (
    document_versions,
    extractor_version,
    ocr_extractor_version,
    stale_documents,
)
from pipelines.lib.schema import table
from pipelines.lib.warehouse.build import write_table

PLAIN = extractor_version()


def test_the_dpi_and_the_engines_settings_change_the_version_of_a_document_ocr_read():
    base = OcrSettings()
    read = ocr_extractor_version(PLAIN, base)
    assert read != PLAIN
    assert ocr_extractor_version(PLAIN, base) == read  # the same settings, the same version
    for changed in (replace(base, dpi=300), replace(base, rapid_max_side=1200), replace(base, crosscheck=False)):
        assert ocr_extractor_version(PLAIN, changed) != read, changed
    assert ocr_extractor_version(PLAIN, replace(base, workers=1)) == read  # the pool reads the same words
    assert ocr_extractor_version("another extractor", base) != read


def _raw(con: duckdb.DuckDBPyConnection, origins: dict[str, str]) -> None:
    """A raw layer whose text blocks came from each document's text layer or from OCR."""
    for name in ("table_cells", "table_annotations", "text_blocks"):
        spec = table(f"raw.{name}")
        rows = origins.items() if name == "text_blocks" else []
        write_table(
            con, spec, pd.DataFrame([{"document_id": d, "text_origin": o} for d, o in rows], columns=spec.column_names)
        )


def test_only_a_document_ocr_read_goes_stale_when_the_dpi_changes():
    con = duckdb.connect()
    _raw(con, {"born_digital": "text_layer", "scanned": "ocr"})
    current = {"born_digital": "sha-a", "scanned": "sha-b", "new": "sha-c"}
    at_200 = ocr_extractor_version(PLAIN, OcrSettings(dpi=200))
    versions = document_versions(con, current, PLAIN, at_200)
    assert versions == {"born_digital": PLAIN, "scanned": at_200, "new": PLAIN}
    recorded = {"born_digital": ("sha-a", PLAIN), "scanned": ("sha-b", at_200)}
    assert stale_documents(current, recorded, versions, have_rows=True) == ["new"]
    at_300 = document_versions(con, current, PLAIN, ocr_extractor_version(PLAIN, OcrSettings(dpi=300)))
    assert at_300["born_digital"] == PLAIN  # its kept extraction stays valid
    assert stale_documents(current, recorded, at_300, have_rows=True) == ["new", "scanned"]


def test_a_scan_recorded_before_its_ocr_settings_counted_is_read_again_once():
    """A warehouse whose scanned document was recorded under the extraction code's version alone does not know
    the DPI it was read at: it is read again, then recorded with its settings."""
    con = duckdb.connect()
    _raw(con, {"scanned": "ocr"})
    versions = document_versions(con, ["scanned"], PLAIN, ocr_extractor_version(PLAIN, OcrSettings()))
    assert stale_documents({"scanned": "sha"}, {"scanned": ("sha", PLAIN)}, versions, have_rows=True) == ["scanned"]
