"""Build the faulty PDFs the reliability suite feeds the pipeline, with pypdf (already in the lock)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

HELVETICA = DictionaryObject(
    {
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    }
)


def _page_with_content(writer: PdfWriter, content: bytes, width: float = 595, height: float = 842) -> None:
    page = writer.add_blank_page(width=width, height=height)
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): HELVETICA})}
    )


def ruled_table(rows: list[list[str]], x0: float = 60, top: float = 760, col_w: float = 150, row_h: float = 24):
    """Content stream of a fully ruled table with ASCII cell text (Helvetica)."""
    n_rows, n_cols = len(rows), len(rows[0])
    ops = ["0.8 w"]
    for r in range(n_rows + 1):
        y = top - r * row_h
        ops.append(f"{x0} {y} m {x0 + n_cols * col_w} {y} l S")
    for c in range(n_cols + 1):
        x = x0 + c * col_w
        ops.append(f"{x} {top} m {x} {top - n_rows * row_h} l S")
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /F1 10 Tf {x0 + c * col_w + 4} {top - r * row_h - 16} Td ({safe}) Tj ET")
    return "\n".join(ops).encode("latin-1")


def write_table_pdf(path: Path, rows: list[list[str]], title: str = "Quarterly report") -> Path:
    """A valid one-page PDF holding a ruled table the project does not know."""
    writer = PdfWriter()
    head = f"BT /F1 18 Tf 60 800 Td ({title}) Tj ET\n".encode("latin-1")
    _page_with_content(writer, head + ruled_table(rows))
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def write_blank_pdf(path: Path, pages: int) -> Path:
    """A valid PDF of `pages` empty pages (for the page limit)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def write_slow_pdf(path: Path, segments: int = 60_000) -> Path:
    """One page ruled by tens of thousands of short crossing segments: pdfplumber's table finder crawls on it."""
    ops = ["0.2 w"]
    step = 595 / (segments**0.5)
    n = int(segments**0.5)
    for i in range(n):
        for j in range(n):
            x, y = 10 + i * step, 20 + j * step * 1.3
            ops.append(f"{x:.2f} {y:.2f} m {x + step:.2f} {y:.2f} l {x:.2f} {y:.2f} m {x:.2f} {y + step:.2f} l S")
    writer = PdfWriter()
    _page_with_content(writer, "\n".join(ops).encode("latin-1"), width=620, height=842)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def write_encrypted(src: Path, dst: Path, user_password: str) -> Path:
    """The deck encrypted with AES-128; an empty user password opens without asking, like many public PDFs."""
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    with dst.open("wb") as fh:
        writer.write(fh)
    return dst


def _rewrite_content(src: Path, dst: Path, page_index: int, old: bytes, new: bytes) -> Path:
    reader = PdfReader(src)
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[page_index]
    data = page.get_contents().get_data()
    if data.count(old) != 1:
        raise AssertionError(f"expected exactly one {old!r} on page {page_index + 1}, found {data.count(old)}")
    stream = DecodedStreamObject()
    stream.set_data(data.replace(old, new))
    page.replace_contents(stream)
    with dst.open("wb") as fh:
        writer.write(fh)
    return dst


# Page 10's 施策名 header cell, as drawn: 施 is code 4F of font F2, 策 is 95 of F1, 名 is 4A of F3 (read from each
# subset font's ToUnicode CMap). 事 (81) and 業 (15) are both in F1, so the rewritten cell reads 事業名.
HEADER_SHISAKUMEI = b"81.213 448.611 Td /F2 11.991 Tf<4F>Tj\n1 0 0 1 93.203 448.611 Tm\n/F1 11.991 Tf<95>Tj"
HEADER_JIGYOMEI = b"81.213 448.611 Td /F1 11.991 Tf<81>Tj\n1 0 0 1 93.203 448.611 Tm\n/F1 11.991 Tf<15>Tj"


def write_header_renamed(src: Path, dst: Path) -> Path:
    """The deck with page 10's 施策名 column header redrawn as 事業名 in its content stream."""
    return _rewrite_content(src, dst, 9, HEADER_SHISAKUMEI, HEADER_JIGYOMEI)
