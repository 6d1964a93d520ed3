"""Which pages of a document need OCR, reading them on every core, and handing their words to pdfplumber.

A page needs OCR when it has no usable text layer: no character, or only invisible ones (an OCR layer of unknown
quality, which pdfplumber may scramble), and at least one image. A page with visible text is never OCR'd.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.page import Page

from pipelines.lib.errors import SourceDocumentError
from pipelines.lib.pdf.ocr.engines import OcrEngineError
from pipelines.lib.pdf.ocr.raster_lines import line_objects
from pipelines.lib.pdf.ocr.read import PageRead, read_page
from pipelines.lib.pdf.ocr.settings import OcrSettings

OcrProgress = Callable[[int, int, str], None]
"""Called after each OCR'd page with (pages done, pages to OCR, file name)."""

_INVISIBLE = 3  # text render mode 3: neither filled nor stroked (an OCR layer under a scan)


def _visible_chars(page: pdfium.PdfPage) -> int:
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        if not n or not hasattr(pdfium_c, "FPDFText_GetTextRenderMode"):
            return n
        return sum(1 for i in range(n) if pdfium_c.FPDFText_GetTextRenderMode(textpage, i) != _INVISIBLE)
    finally:
        textpage.close()


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def image_only_pages(path: Path) -> list[int]:
    """The 1-based pages that have an image and no visible text: the pages to OCR."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for i in range(len(pdf)):
            page = pdf[i]
            if _visible_chars(page) == 0 and _has_image(page):
                out.append(i + 1)
        return out
    finally:
        pdf.close()


def ocr_pages(
    path: Path, pages: list[int], settings: OcrSettings | None = None, progress: OcrProgress | None = None
) -> dict[int, PageRead]:
    """Read the given pages, in a process pool over pages (one engine thread per process, every core busy)."""
    settings = settings or OcrSettings()
    if settings.crosscheck and shutil.which(settings.tesseract_cmd) is None:  # before minutes of the first engine
        reason = f"the OCR engine {settings.tesseract_cmd!r} is not installed (Debian: tesseract-ocr tesseract-ocr-jpn)"
        raise SourceDocumentError(path.name, f"its image pages need OCR: {reason}")
    try:
        return _read_pages(path, pages, settings, progress)
    except OcrEngineError as exc:
        raise SourceDocumentError(path.name, f"its image pages need OCR: {exc}") from exc


def _read_pages(
    path: Path, pages: list[int], settings: OcrSettings, progress: OcrProgress | None
) -> dict[int, PageRead]:
    workers = min(settings.workers or os.cpu_count() or 1, len(pages))
    out: dict[int, PageRead] = {}
    if workers <= 1:
        for n in pages:
            out[n] = read_page(path, n, settings)
            if progress:
                progress(len(out), len(pages), path.name)
        return out
    # spawn: the caller may be a threaded process (Dagster), which fork would copy mid-flight
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(read_page, path, n, settings) for n in pages]
        for future in as_completed(futures):
            read = future.result()
            out[read.page] = read
            if progress:
                progress(len(out), len(pages), path.name)
    return out


def use_ocr_words(page: Page, read: PageRead) -> Page:
    """Give a pdfplumber page the words and rules OCR read on it, in place of its (absent) text layer and its
        image: pdfplumber keeps a page's parsed objects in ``_objects`` (as its own ``dedupe_chars`` sets them), so
        every later use of the page (chars, lines, crops, find_tables) sees the OCR'd ones. The read is in points of
    the same page size (pypdfium2 and pdfplumber both measure the crop box)."""
    doctop = float(page.initial_doctop)
    chars = [{**c, "doctop": c["top"] + doctop, "page_number": page.page_number} for c in read.chars if c["text"]]
    lines = line_objects(read.lines, float(page.height), doctop)
    page._objects = {"char": chars, "line": lines, "rect": [], "curve": [], "image": []}
    page.ocr_read = read  # marks the page as read by OCR (text_origin 'ocr')
    return page


def is_ocr_page(page: Page) -> bool:
    """True for a page whose words came from OCR."""
    return getattr(page, "ocr_read", None) is not None
