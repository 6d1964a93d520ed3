"""Fault classes 1-4: files that are not usable source documents stop the run, and the warehouse stays as it was."""

import random

import pytest

from pipelines.lib.errors import PipelineError, SourceDocumentError
from pipelines.lib.pdf.document import inspect_document
from pipelines.lib.tables.extract import extract_document
from tests.reliability.pdfs import write_encrypted, write_table_pdf
from tests.support import DECK, failure_messages, refresh


def _empty(path):
    path.write_bytes(b"")


def _random(path):
    path.write_bytes(random.Random(7).randbytes(50_000))


def _html(path):
    path.write_text("<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>gone</body></html>")


def _truncated(path):
    data = DECK.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _encrypted_with_password(path):
    write_encrypted(DECK, path, user_password="s3cret")


def _encrypted_without_password(path):
    write_encrypted(DECK, path, user_password="")


CASES = [
    (_empty, "file is empty"),
    (_random, "not a PDF (no %PDF- header)"),
    (_html, "an HTML page (no %PDF- header)"),
    (_truncated, "damaged or truncated PDF"),
    (_encrypted_with_password, "encrypted"),
    (_encrypted_without_password, "encrypted"),
]
IDS = ["empty", "random_bytes", "html", "truncated_half", "encrypted_user_pw", "encrypted_no_user_pw"]


@pytest.mark.parametrize(("make", "cause"), CASES, ids=IDS)
def test_library_names_file_and_cause(tmp_path, make, cause):
    path = tmp_path / "incoming.pdf"
    make(path)
    with pytest.raises(SourceDocumentError) as err:
        inspect_document(path)
        extract_document(path)
    assert err.value.file_name == "incoming.pdf"
    assert str(err.value).startswith("incoming.pdf") and cause in str(err.value)


def test_encrypted_without_user_password_is_refused_even_though_it_opens(tmp_path):
    import pdfplumber

    path = _encrypted_without_password(tmp_path / "open.pdf") or tmp_path / "open.pdf"
    with pdfplumber.open(path) as pdf:  # anyone can read it: the refusal is a policy, not a failure to decrypt
        assert "産業クラスター" in (pdf.pages[0].extract_text() or "")
    with pytest.raises(SourceDocumentError, match="even without a user password"):
        inspect_document(path)


@pytest.mark.parametrize(("make", "cause"), CASES, ids=IDS)
def test_refresh_stops_and_published_warehouse_is_byte_identical(site, make, cause):
    before = site.hashes()
    make(site.raw / "incoming.pdf")
    result = refresh(site.raw, site.warehouse, pages=False)
    assert not result.success
    messages = failure_messages(result)
    assert any("incoming.pdf" in m and cause in m for m in messages), messages
    assert site.hashes() == before


def test_errors_are_pipeline_errors():
    assert issubclass(SourceDocumentError, PipelineError)


def test_a_readable_pdf_of_another_kind_publishes_with_a_warning(site):
    """No family knows its table: once refused ('none of the known tables'), now kept, read and flagged."""
    import dagster as dg
    import duckdb

    db = site.warehouse / "clusters.duckdb"
    curated = "SELECT * FROM staging.budget_items ORDER BY ALL"
    before = duckdb.connect(str(db), read_only=True).execute(curated).fetchall()
    rows = [["Region", "Share (%)", "Distance"], ["North", "12", "3 km"], ["South", "40.5", "9 km"]]
    write_table_pdf(site.raw / "incoming.pdf", rows)  # ASCII only: the test's PDF writer has no Japanese font
    result = refresh(site.raw, site.warehouse, pages=False)
    assert result.success, failure_messages(result)
    warned = {
        e.asset_check_key.name: e.description
        for e in result.get_asset_check_evaluations()
        if e.severity == dg.AssetCheckSeverity.WARN and not e.passed
    }
    assert "incoming.pdf: no known table or passage" in warned["documents_are_known_decks"]
    assert "incoming.pdf, page 1, table unrecognised_" in warned["has_no_unrecognised_tables"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute(curated).fetchall() == before
        read = con.execute(
            "SELECT raw_text, value::DOUBLE, unit, row_label, column_label FROM staging.quantities "
            "WHERE document_id = 'incoming' ORDER BY source_row, source_col"
        ).fetchall()
    finally:
        con.close()
    assert read == [  # the column's declared unit types its bare numbers; labels from the table's own layout
        ("12", 12.0, "percent", "North", "Share (%)"),
        ("3 km", 3.0, "km", "North", "Distance"),
        ("40.5", 40.5, "percent", "South", "Share (%)"),
        ("9 km", 9.0, "km", "South", "Distance"),
    ]
