"""Open a source PDF safely: identity (sha256, pages) and clear errors for files that are not usable PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from pipelines.lib.errors import SourceDocumentError
from pipelines.lib.refresh.fingerprint import sha256_file

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class SourceDocument:
    """One PDF in the raw folder."""

    document_id: str
    file_name: str
    path: Path
    sha256: str
    page_count: int
    size_bytes: int


def list_source_pdfs(raw_dir: Path) -> list[Path]:
    """Every `*.pdf` in the raw folder, sorted by name (the order does not matter downstream)."""
    if not raw_dir.is_dir():
        raise SourceDocumentError(str(raw_dir), "raw folder does not exist")
    return sorted(p for p in raw_dir.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())


@contextmanager
def open_pdf(path: Path, max_pages: int | None = None) -> Iterator[pdfplumber.PDF]:
    """Open a PDF with pdfplumber, turning every way it can be unusable into a SourceDocumentError."""
    name = path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise SourceDocumentError(name, f"cannot be read: {exc.strerror or exc}") from exc
    if not head:
        raise SourceDocumentError(name, "file is empty")
    if PDF_MAGIC not in head:
        kind = "an HTML page" if head.lstrip()[:1] == b"<" else "not a PDF"
        raise SourceDocumentError(name, f"{kind} (no %PDF- header)")
    try:
        try:
            pdf = pdfplumber.open(path)
        except PdfminerException as wrapped:  # pdfplumber wraps pdfminer's own error: judge the original
            original = wrapped.args[0] if wrapped.args and isinstance(wrapped.args[0], Exception) else wrapped
            raise original from wrapped
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise SourceDocumentError(name, "encrypted and needs a password") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise SourceDocumentError(name, f"damaged or truncated PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:
        raise SourceDocumentError(name, f"unreadable PDF ({type(exc).__name__}: {exc})") from exc
    try:
        if pdf.doc.encryption is not None:
            raise SourceDocumentError(name, "encrypted (even without a user password, encrypted sources are refused)")
        try:
            count = len(pdf.pages)
        except Exception as exc:
            raise SourceDocumentError(name, f"damaged or truncated PDF: page tree unreadable ({exc})") from exc
        if count == 0:
            raise SourceDocumentError(name, "damaged or truncated PDF: no pages")
        if max_pages is not None and count > max_pages:
            raise SourceDocumentError(name, f"has {count} pages, over the limit of {max_pages} (PIPELINES_MAX_PAGES)")
        yield pdf
    finally:
        _close(pdf)


def _close(pdf: pdfplumber.PDF) -> None:
    """Close a PDF whose page tree may be damaged: pdfplumber's close() walks the pages and can raise again."""
    try:
        pdf.close()
    except Exception:
        pdf.stream.close()


def inspect_document(path: Path, max_pages: int | None = None) -> SourceDocument:
    """Identify a source PDF: its id (file stem), sha256 and page count; raises SourceDocumentError."""
    with open_pdf(path, max_pages=max_pages) as pdf:
        page_count = len(pdf.pages)
    return SourceDocument(
        document_id=path.stem,
        file_name=path.name,
        path=path,
        sha256=sha256_file(path),
        page_count=page_count,
        size_bytes=path.stat().st_size,
    )
