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


def _no_known_tables(path):
    write_table_pdf(path, [["Region", "Sales", "Staff"], ["North", "12", "3"], ["South", "40", "9"]])


CASES = [
    (_empty, "file is empty"),
    (_random, "not a PDF (no %PDF- header)"),
    (_html, "an HTML page (no %PDF- header)"),
    (_truncated, "damaged or truncated PDF"),
    (_encrypted_with_password, "encrypted"),
    (_encrypted_without_password, "encrypted"),
    (_no_known_tables, "none of the known tables was found"),
]
IDS = ["empty", "random_bytes", "html", "truncated_half", "encrypted_user_pw", "encrypted_no_user_pw", "no_tables"]


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
    result = refresh(site.raw, site.warehouse)
    assert not result.success
    messages = failure_messages(result)
    assert any("incoming.pdf" in m and cause in m for m in messages), messages
    assert site.hashes() == before


def test_errors_are_pipeline_errors():
    assert issubclass(SourceDocumentError, PipelineError)
