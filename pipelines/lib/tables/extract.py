"""Extract every recognised table and numeric passage of one source PDF, with provenance."""

from __future__ import annotations

import hashlib
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pdfplumber.page import Page

from pipelines.lib.errors import PipelineError, SourceDocumentError, TableHeaderError, UnreadableDocumentError
from pipelines.lib.normalize import find_garble
from pipelines.lib.pdf.document import SourceDocument, inspect_document, open_pdf
from pipelines.lib.pdf.layout import (
    BBox,
    Grid,
    TextLine,
    find_grids,
    lines_outside,
    lowest_confidence,
    page_furniture,
    page_title,
    paragraphs,
)
from pipelines.lib.pdf.ocr import OcrSettings
from pipelines.lib.pdf.ocr.document import image_only_pages, is_ocr_page, ocr_pages, use_ocr_words
from pipelines.lib.pdf.ocr.normalize import roman_ordinals
from pipelines.lib.pdf.ocr.read import PageRead
from pipelines.lib.pdf.text import check_no_lost_glyphs
from pipelines.lib.pdf.text_grid import find_text_grids, has_shapes, text_boxes
from pipelines.lib.schema import table
from pipelines.lib.tables.registry import (
    PASSAGE_FAMILIES,
    TABLE_FAMILIES,
    UNRECOGNISED,
    HeaderMap,
    TableFamily,
    claim,
)

_FOOTNOTE = re.compile(r"([*＊※]\d+)\s*([^*＊※]+)")
_CITED = re.compile(r"[*＊※](\d+)")


def split_marker(marker: str, note: str, known: set[str]) -> tuple[str, str]:
    """A footnote marker and its note, split where the table's numbering says: an OCR engine that writes no
    spaces reads the footnote ``*2 1999年`` as ``*21999年``. A marker whose number is neither cited in the table
    nor the next in the footnotes' order, but starts with one that is, gives the rest of its digits to the note.

    >>> split_marker("*21999", "年", {"1", "2", "3"})
    ('*2', '1999年')
    >>> split_marker("*12", "2003年", {"12"})
    ('*12', '2003年')
    """
    sign, digits = marker[0], marker[1:]
    if digits in known:
        return marker, note
    for n in range(len(digits) - 1, 0, -1):
        if digits[:n] in known:
            return sign + digits[:n], digits[n:] + note
    return marker, note


MIN_UNRECOGNISED_SHAPE = (2, 2)
"""Rows and columns a grid no family claims needs to be kept as an unrecognised table (framed text boxes are 1 x 2)."""


TextOrigin = Literal["text_layer", "ocr"]


@dataclass(frozen=True)
class Annotation:
    """A line printed with a table: footnote (*1 2003年), note (注/参考), source (出典) or lead (・ above it)."""

    kind: str
    seq: int
    marker: str | None
    text: str
    text_origin: TextOrigin = "text_layer"
    confidence: float | None = None  # the lowest OCR confidence of its words; None for a text layer


@dataclass
class ExtractedTable:
    """One recognised table: its grid, title and the annotations printed with it."""

    table_id: str
    family: str
    page: int
    title: str
    grid: Grid
    annotations: list[Annotation] = field(default_factory=list)
    text_origin: TextOrigin = "text_layer"


BlockRole = Literal["body", "title", "page_number"]
RASTER_LINES = "raster_lines"
"""The edge source of a grid drawn from the ruled lines found in a scan's pixels (raw.tables.grid_origin)."""


@dataclass(frozen=True)
class TextBlock:
    """One paragraph of a page outside its tables; box_idx/box_col locate it inside a framed box when there is one.

    ``passage_id`` is the passage family's id where one claims the page's body, else :func:`generic_passage_id`;
    ``role`` tells the body from the slide title and the page number (which no passage claims).
    """

    passage_id: str
    page: int
    block_idx: int
    box_idx: int | None
    box_col: int | None
    text: str
    bbox: BBox
    role: BlockRole = "body"
    text_origin: TextOrigin = "text_layer"
    confidence: float | None = None  # the lowest OCR confidence of its words; None for a text layer


def generic_passage_id(page: int) -> str:
    """The passage id of the text no passage family claims on a page: 'p12_text'."""
    return f"p{page}_text"


@dataclass
class DocumentExtraction:
    """Everything extracted from one PDF."""

    document: SourceDocument
    tables: list[ExtractedTable]
    blocks: list[TextBlock]
    unrecognised: list[tuple[int, BBox, list[str]]]  # grids smaller than MIN_UNRECOGNISED_SHAPE: not tables
    ocr: dict[int, PageRead] = field(default_factory=dict)  # what OCR read on each image-only page

    @property
    def ocr_disagreements(self) -> list[tuple[int, BBox, str, str]]:
        """(page, bbox, first engine's reading, second engine's) of every span whose numbers the engines read
        differently: flagged, with its characters' confidence lowered, never settled."""
        return [(n, box, a, b) for n, read in sorted(self.ocr.items()) for box, a, b in read.disagreements]

    @property
    def unrecognised_tables(self) -> list[ExtractedTable]:
        """Tables no family claims, kept with family 'unrecognised'."""
        return [t for t in self.tables if t.family == UNRECOGNISED]


ProgressFn = Callable[[int, int, str], None]


def _claim(file_name: str, page: int, title: str, grid: Grid) -> tuple[TableFamily, HeaderMap] | None:
    """The family claiming a grid and its header map; a garbled header cell of a claimed table stops the run."""
    found = claim(title, grid.rows())
    if found is None:
        return None
    fam, _ = found
    for i, cell in enumerate(fam.header_cells(grid.rows())):
        if (garble := find_garble(cell)) is not None:
            where = f"row {i}, column 0" if fam.axis == "column" else f"row 0, column {i}"
            raise SourceDocumentError(
                file_name,
                f"table of family {fam.family}: header cell at {where} is garbled ({garble!r}): {cell!r}",
                page,
            )
    return found


def header_fits(grid: Grid) -> bool:
    """False when the grid's header looks like a family's but does not fit it: the family would claim it by its
    header yet some cell names none of its fields, or it names two of the family's fields but lacks one the
    family needs (a header cell merged with the row below it). The grid may have been cut wrongly, so other edge
    sources are tried; the grid stays if none does better."""
    rows = grid.rows()
    for fam in TABLE_FAMILIES:
        mapped = fam.map_header(rows)
        if (fam.claims("", rows) is not None and (mapped.missing or mapped.unmapped)) or (
            mapped.named >= 2 and mapped.missing
        ):
            return False
    return True


def _lost_bullet(text: str) -> bool:
    """A sentence (it ends with 。) among the bulleted lead lines of an OCR'd page: the engine lost its ・, a
    speck beside a glyph. A text layer's lines are never mended."""
    return text.endswith("。") and not text.startswith(("(", "出典", "注"))


def _annotations(page: Page, grid: Grid, others: list[Grid]) -> list[Annotation]:
    """Lines printed just above (lead bullets) and below (footnotes, notes, sources) a table."""
    below_limit = min((g.bbox[1] for g in others if g.bbox[1] > grid.bbox[3]), default=page.height)
    above_limit = max((g.bbox[3] for g in others if g.bbox[3] < grid.bbox[1]), default=0.0)
    lines = lines_outside(page, [grid, *others])
    out: list[Annotation] = []
    above = [ln for ln in lines if above_limit <= ln.bbox[1] and ln.bbox[3] <= grid.bbox[1]]
    below = [ln for ln in lines if grid.bbox[3] <= ln.bbox[1] < below_limit]
    # The text box of these lines reaches as far as their widest line; only without lines, the table's edge.
    right_edge = max((ln.bbox[2] for ln in above + below), default=grid.bbox[2] - grid.padding)
    cited = set(_CITED.findall("".join(c.text for c in grid.cells)))
    origin: TextOrigin = "ocr" if is_ocr_page(page) else "text_layer"

    def note(kind: str, marker: str | None, text: str, bbox: BBox) -> Annotation:
        conf = lowest_confidence([ln for ln in above + below if _within_box(ln.bbox, bbox)])
        return Annotation(kind, len(out), marker, text, origin, conf)

    leads = paragraphs(above, right_edge)
    bulleted = any(text.startswith("・") for text, _ in leads)
    for text, bbox in leads:
        if text.startswith("・") or (origin == "ocr" and bulleted and _lost_bullet(text)):
            out.append(note("lead", None, text, bbox))
    for text, bbox in paragraphs(below, right_edge):
        if re.match(r"[*＊※]\d", text):
            for marker, body in _FOOTNOTE.findall(text):
                expected = str(sum(a.kind == "footnote" for a in out) + 1)
                marker, body = split_marker(marker.replace("＊", "*"), body, cited | {expected})
                out.append(note("footnote", marker, body.strip(), bbox))
        elif re.match(r"\(?(出典|出展)", text):
            out.append(note("source", None, text, bbox))
        else:
            out.append(note("note", None, text, bbox))
    return out


def _page_blocks(page: Page, passage_id: str, boxes: list[Grid], grids: list[Grid]) -> list[TextBlock]:
    """Every paragraph of a page outside its tables: framed boxes cell by cell, then the free text (both
    ``passage_id``'s), then the slide title and the page number (the page's generic id: no passage claims them)."""
    blocks: list[TextBlock] = []
    number = page.page_number
    origin: TextOrigin = "ocr" if is_ocr_page(page) else "text_layer"
    for box_idx, grid in enumerate(boxes):
        for cell in grid.cells:
            if cell.is_merged_fill or not cell.text:
                continue
            blocks.append(
                TextBlock(
                    passage_id, number, len(blocks), box_idx, cell.col, cell.text, cell.bbox, "body", origin,
                    cell.confidence,
                )
            )  # fmt: skip
    body = lines_outside(page, grids)
    right = max((ln.bbox[2] for ln in body), default=page.width)
    for text, bbox in paragraphs(body, right):
        conf = lowest_confidence([ln for ln in body if _within_box(ln.bbox, bbox)])
        blocks.append(TextBlock(passage_id, number, len(blocks), None, None, text, bbox, "body", origin, conf))
    title, page_numbers = page_furniture(page, grids)
    for role, lines in (("title", title), ("page_number", page_numbers)):
        if lines:
            text = "".join(ln.text for ln in lines)
            blocks.append(
                TextBlock(
                    generic_passage_id(number), number, len(blocks), None, None, text, _union(lines), role, origin,
                    lowest_confidence(lines),
                )
            )  # fmt: skip
    return blocks


def _within_box(inner: BBox, outer: BBox) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _union(lines: list[TextLine]) -> BBox:
    return (
        min(ln.bbox[0] for ln in lines),
        min(ln.bbox[1] for ln in lines),
        max(ln.bbox[2] for ln in lines),
        max(ln.bbox[3] for ln in lines),
    )


def _page_heading(page: Page, title: str, grids: list[Grid]) -> str:
    body = lines_outside(page, grids)
    return title + "\n" + "\n".join(ln.text for ln in body[:2])


ALARM_REPEAT_S = 0.25
"""Once a page is over its time limit, SIGALRM repeats at this interval until the page has stopped."""


class _PageTimeout(BaseException):
    """Raised by SIGALRM inside one page's extraction; a BaseException so no library `except Exception` eats it."""


@contextmanager
def page_time_limit(file_name: str, page: int, seconds: float | None) -> Iterator[None]:
    """End one page's extraction with a SourceDocumentError once it has run `seconds`.

    In the main thread of a POSIX process a SIGALRM interval timer interrupts the page while it runs, so
    a page that would hang pdfplumber stops at the limit. Elsewhere (a worker thread, or no setitimer)
    signals cannot be used; the fallback checks the elapsed time after the page and raises then, so a
    slow page is still reported but a truly endless one is not interrupted. An ITIMER_REAL armed by the
    caller is put back afterwards with its remaining time. SIGALRM is unblocked for the page (a host process,
    a test runner or a library may have blocked it, which would let a hanging page run on) and the caller's
    signal mask is restored afterwards.
    """
    if not seconds or seconds <= 0:
        yield
        return
    reason = f"over the per-page time limit of {seconds:g} s (PIPELINES_PAGE_TIMEOUT_S)"
    started = time.monotonic()
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        elapsed = time.monotonic() - started
        if elapsed > seconds:
            raise SourceDocumentError(file_name, f"took {elapsed:.1f} s, {reason}", page=page)
        return

    armed = True  # until the page has stopped: a repeat landing after that must not raise again

    def _alarm(signum: int, frame: object) -> None:
        if armed:
            raise _PageTimeout

    previous_handler = signal.signal(signal.SIGALRM, _alarm)
    previous_mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    # Repeating after the limit: an alarm that lands in a finalizer or a weakref callback (a GC run inside
    # pdfminer or SQLAlchemy) is swallowed by Python, so the next tick stops the page.
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT_S)
    try:
        yield
    except _PageTimeout:
        armed = False
        raise SourceDocumentError(file_name, f"stopped after {seconds:g} s, {reason}", page=page) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            remaining = max(previous_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, remaining, previous_interval)


def iter_pages(path: Path, max_pages: int | None) -> Iterator[Page]:
    """Pages of a PDF, one at a time, each closed (its parsed objects freed) before the next is read."""
    with open_pdf(path, max_pages=max_pages) as pdf:
        for page in pdf.pages:
            try:
                yield page
            finally:
                page.close()


def extract_document(
    path: Path,
    *,
    max_pages: int | None = None,
    page_timeout_s: float | None = None,
    progress: ProgressFn | None = None,
    ocr: OcrSettings | None = None,
    ocr_progress: ProgressFn | None = None,
) -> DocumentExtraction:
    """Recognise and extract every table and numeric passage in one PDF.

    A readable PDF in which no family finds a table is a document of another kind: its tables are kept as
    unrecognised and every paragraph of every page as a text block. A table whose header lacks a field its family
    needs is kept as unrecognised too. Raises SourceDocumentError for an unusable PDF, one over the page limit, a
    page over the time limit, or a claimed table whose header is garbled.

    Pages that are images without a text layer are OCR'd first (on every core, `ocr_progress` after each page),
    and their words and ruled lines take the place of the text layer's: the same code reads every page. A
    document from which nothing at all could be read raises UnreadableDocumentError.
    """
    document = inspect_document(path, max_pages=max_pages)
    tables: list[ExtractedTable] = []
    blocks: list[TextBlock] = []
    unrecognised: list[tuple[int, BBox, list[str]]] = []
    characters = 0
    try:
        # ---- OCR (issue 31): image-only pages are read here, before the page loop ---------------------------
        scans = image_only_pages(path)
        reads = ocr_pages(path, scans, ocr, ocr_progress) if scans else {}
        roman_ordinals([reads[n].chars for n in sorted(reads)])  # 第1期 beside 第Ⅱ期 is 第Ⅰ期
        for page in iter_pages(path, max_pages):
            if page.page_number in reads:
                use_ocr_words(page, reads[page.page_number])
            characters += len(page.chars)
            with page_time_limit(path.name, page.page_number, page_timeout_s):
                _extract_page(path.name, page, tables, blocks, unrecognised)
            if progress:
                progress(page.page_number, document.page_count, path.name)
    except PipelineError:
        raise
    except Exception as exc:  # pdfminer raises many things on damaged content streams
        raise SourceDocumentError(path.name, f"damaged PDF content ({type(exc).__name__}: {exc})") from exc
    if characters == 0:
        how = f"OCR of its {len(scans)} image page(s) found no text" if scans else "no page has text or an image"
        raise UnreadableDocumentError(path.name, f"{how}; it would publish an empty document")
    _distinct_ids(tables)
    return DocumentExtraction(document, tables, blocks, unrecognised, reads)


def _distinct_ids(tables: list[ExtractedTable]) -> None:
    """A table that continues on another slide under the same printed id ((2) twice) gets its page in its id."""
    taken: set[str] = set()
    for t in tables:
        if t.table_id in taken:
            t.table_id = f"{t.table_id}_p{t.page}"
        n, base = 1, t.table_id
        while t.table_id in taken:
            n += 1
            t.table_id = f"{base}_{n}"
        taken.add(t.table_id)


def _extract_page(
    file_name: str,
    page: Page,
    tables: list[ExtractedTable],
    blocks: list[TextBlock],
    unrecognised: list[tuple[int, BBox, list[str]]],
) -> None:
    where = f"{file_name}, page {page.page_number}"
    check_no_lost_glyphs("".join(c["text"] for c in page.chars), where)
    grids = find_grids(page, fits=header_fits)
    origin: TextOrigin = "ocr" if is_ocr_page(page) else "text_layer"
    if origin == "ocr":  # a scan's only edges are the rules found in its pixels
        for g in grids:
            g.edge_source = g.origin = RASTER_LINES
    title = page_title(page, grids)
    grids = _with_text_grids(page, title, grids)
    claimed: list[Grid] = []
    for grid in grids:
        found = _claim(file_name, page.page_number, title, grid)
        if found is None or found[1].missing:  # a table that lacks a field its family needs is kept unrecognised
            continue
        fam, mapped = found
        table_id = fam.make_id(title, grid.rows(), page.page_number)
        if grid.cuts and mapped.unmapped:  # a header cell cut in pieces, not a new column: the grid is wrong
            reason = f"no edge source draws its grid without cutting text (family {fam.family})"
            raise TableHeaderError(file_name, page.page_number, table_id, reason, fam.header_cells(grid.rows()))
        claimed.append(grid)
        others = [g for g in grids if g is not grid]
        tables.append(
            ExtractedTable(
                table_id, fam.family, page.page_number, title, grid, _annotations(page, grid, others), origin
            )
        )
    free = [g for g in grids if not any(g is c for c in claimed)]
    heading = _page_heading(page, title, grids)
    passage = next((p for p in PASSAGE_FAMILIES if re.search(p.heading, heading, flags=re.MULTILINE)), None)
    if passage is not None:  # a passage page: its framed boxes are part of the passage, whatever their size
        if not grids and not has_shapes(page):  # printed without frames: boxes set side by side in columns
            free = grids = text_boxes(page)
        blocks.extend(_page_blocks(page, passage.passage_id, free, grids))
        return
    boxes: list[Grid] = []
    for g in free:
        if g.n_rows >= MIN_UNRECOGNISED_SHAPE[0] and g.n_cols >= MIN_UNRECOGNISED_SHAPE[1]:
            notes = _annotations(page, g, [o for o in grids if o is not g])
            tables.append(
                ExtractedTable(
                    _unrecognised_id(g.rows()[0], tables), UNRECOGNISED, page.page_number, title, g, notes, origin
                )
            )
        else:
            unrecognised.append((page.page_number, g.bbox, g.rows()[0]))
            boxes.append(g)
    blocks.extend(_page_blocks(page, generic_passage_id(page.page_number), boxes, grids))


MIN_TEXT_TABLE_SHAPE = (3, 3)
"""Rows and columns a grid read from text alignment needs when no family claims it: two columns of text side by
side are a slide layout, not a table."""


def title_fits(title: str, grid: Grid) -> bool:
    """The grid check of a grid read from text: it fits (:func:`header_fits`), and the family that claims it by
    the slide title or by its header finds every field it needs."""
    found = claim(title, grid.rows())
    return header_fits(grid) and (found is None or not found[1].missing)


def _with_text_grids(page: Page, title: str, grids: list[Grid]) -> list[Grid]:
    """The ruled grids plus the tables the page sets without (vertical) rules: a grid read from text is kept when
    a family claims it, or when it is table-shaped (MIN_TEXT_TABLE_SHAPE) and its header is all filled."""
    found = []
    for g in find_text_grids(page, grids, fits=lambda g: title_fits(title, g)):
        rows = g.rows()
        claimed = claim(title, rows) is not None
        shaped = g.n_rows >= MIN_TEXT_TABLE_SHAPE[0] and g.n_cols >= MIN_TEXT_TABLE_SHAPE[1] and all(rows[0][1:])
        if claimed or shaped:
            found.append(g)
    if not found:
        return grids
    return sorted([*grids, *found], key=lambda g: (g.bbox[1], g.bbox[0]))


def _unrecognised_id(header: list[str], tables: list[ExtractedTable]) -> str:
    """'unrecognised_<hash of the header>': the same table keeps its id across editions; repeats get _2, _3."""
    base = "unrecognised_" + hashlib.sha256("\x1f".join(header).encode()).hexdigest()[:8]
    taken = {t.table_id for t in tables}
    n, table_id = 1, base
    while table_id in taken:
        n += 1
        table_id = f"{base}_{n}"
    return table_id


# ---- flat frames for the raw layer ---------------------------------------------------------------


def tables_frame(ex: DocumentExtraction) -> pd.DataFrame:
    """raw.tables: one row per recognised table."""
    rows = [
        {
            "document_id": ex.document.document_id,
            "table_id": t.table_id,
            "family": t.family,
            "page": t.page,
            "title": t.title,
            "n_rows": t.grid.n_rows,
            "n_cols": t.grid.n_cols,
            "x0": t.grid.bbox[0],
            "top": t.grid.bbox[1],
            "x1": t.grid.bbox[2],
            "bottom": t.grid.bbox[3],
            "grid_origin": t.grid.origin,
        }
        for t in ex.tables
    ]
    return pd.DataFrame(rows, columns=table("raw.tables").column_names)


def cells_frame(ex: DocumentExtraction) -> pd.DataFrame:
    """raw.table_cells: every grid position of every recognised table."""
    rows = [
        {
            "document_id": ex.document.document_id,
            "table_id": t.table_id,
            "page": t.page,
            "row_idx": c.row,
            "col_idx": c.col,
            "text": c.text,
            "is_merged_fill": c.is_merged_fill,
            "x0": c.bbox[0],
            "top": c.bbox[1],
            "x1": c.bbox[2],
            "bottom": c.bbox[3],
            "text_origin": t.text_origin,
            "confidence": c.confidence,
        }
        for t in ex.tables
        for c in t.grid.cells
    ]
    return pd.DataFrame(rows, columns=table("raw.table_cells").column_names)


def annotations_frame(ex: DocumentExtraction) -> pd.DataFrame:
    """raw.table_annotations: footnotes, notes, sources and lead lines printed with each table."""
    rows = [
        {
            "document_id": ex.document.document_id,
            "table_id": t.table_id,
            "page": t.page,
            "seq": a.seq,
            "kind": a.kind,
            "marker": a.marker,
            "text": a.text,
            "text_origin": a.text_origin,
            "confidence": a.confidence,
        }
        for t in ex.tables
        for a in t.annotations
    ]
    return pd.DataFrame(rows, columns=table("raw.table_annotations").column_names)


def blocks_frame(ex: DocumentExtraction) -> pd.DataFrame:
    """raw.text_blocks: every paragraph of every page outside its tables."""
    rows = [
        {
            "document_id": ex.document.document_id,
            "passage_id": b.passage_id,
            "page": b.page,
            "block_idx": b.block_idx,
            "box_idx": b.box_idx,
            "box_col": b.box_col,
            "text": b.text,
            "x0": b.bbox[0],
            "top": b.bbox[1],
            "x1": b.bbox[2],
            "bottom": b.bbox[3],
            "role": b.role,
            "text_origin": b.text_origin,
            "confidence": b.confidence,
        }
        for b in ex.blocks
    ]
    return pd.DataFrame(rows, columns=table("raw.text_blocks").column_names)


def documents_frame(docs: list[SourceDocument]) -> pd.DataFrame:
    """raw.documents: one row per source PDF."""
    return pd.DataFrame(
        [
            {"document_id": d.document_id, "file_name": d.file_name, "sha256": d.sha256, "page_count": d.page_count}
            for d in docs
        ],
        columns=["document_id", "file_name", "sha256", "page_count"],
    )
