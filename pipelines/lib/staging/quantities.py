"""staging.quantities: every number printed anywhere in every document, typed, labelled and addressed.

Every cell of every table (recognised or not) and every text block but page numbers is read with
:func:`pipelines.lib.normalize.find_quantities`, in the era the document counts its years in. A table's cells
get their labels from its layout, found from the quantities themselves, never from a family:

* its header rows: row 0 unless it holds a number that is not a year (a transposed table such as the survey
  results has none), and row 1 too when row 0 groups columns under a merged cell;
* its label columns: the leading columns (two at most) whose data cells hold no quantity; a table whose first
  column holds quantities labels its rows by that column;
* ``column_label`` joins the header cells above a cell, ``row_label`` the label cells of its row (merged cells
  arrive filled, so a label is filled down through its merge);
* a bare number takes the unit its column header, row label or the table's 単位 note declares
  (:func:`pipelines.lib.normalize.unit_hint`); a header cell that is only a 4-digit number is a year.

``claimed_by`` names the first curated staging table (registry order) with a row at the same address (page,
table or passage, row, column; a null row or column in the curated row covers all) holding the same number
in one of its declared :class:`pipelines.lib.staging.registry.Number` columns. Garbled digits fail with
CellValueError naming the cell or block.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import (
    NormalizeError,
    Quantity,
    UnitHint,
    clean_text,
    declared_unit,
    document_era,
    find_quantities,
    unit_hint,
)
from pipelines.lib.normalize.quantities import UNTYPED, YEAR_HINT
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.staging.registry import CURATED

TABLE = table("staging.quantities")
MAX_LABEL_COLUMNS = 2
LABEL_JOIN = " / "
SKIPPED_ROLES = ("page_number",)
"""Text blocks whose numbers are not quantities."""
_BARE_YEAR = re.compile(r"(?:1[89]|20)[0-9]{2}")


@dataclass(frozen=True)
class Layout:
    """Which rows of a table are its header and which columns label its rows."""

    header_rows: int
    label_cols: tuple[int, ...]


@dataclass(frozen=True)
class _Cell:
    row: int
    col: int
    text: str
    is_fill: bool
    confidence: float | None = None  # the lowest OCR confidence of its words; None for a text layer


def _label(texts: Sequence[str]) -> str | None:
    """Label cells joined with ' / ', line breaks as spaces, each text once, empty ones left out."""
    seen: list[str] = []
    for t in texts:
        t = re.sub(r"\s*\n\s*", " ", t).strip()
        if t and t not in seen:
            seen.append(t)
    return LABEL_JOIN.join(seen) or None


def _typed_beyond_years(found: Sequence[Quantity]) -> bool:
    return any(q.unit != "year" for q in found)


def table_layout(grid: Sequence[Sequence[_Cell]], found: Mapping[tuple[int, int], list[Quantity]]) -> Layout:
    """The header rows and label columns of one table, from where its quantities are (see module doc)."""
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    row0 = [q for c in range(n_cols) for q in found.get((0, c), [])]
    header_rows = 0 if _typed_beyond_years(row0) or n_rows < 2 else 1
    groups = any(grid[0][c].is_fill and grid[0][c].text == grid[0][c - 1].text for c in range(1, n_cols))
    if header_rows == 1 and groups and n_rows > 2:
        row1 = [q for c in range(n_cols) for q in found.get((1, c), [])]
        spanning = len({cell.text for cell in grid[1]}) == 1
        if not _typed_beyond_years(row1) and not spanning:
            header_rows = 2
    label_cols: list[int] = []
    for c in range(n_cols):
        if any(found.get((r, c)) for r in range(header_rows, n_rows)) or len(label_cols) == MAX_LABEL_COLUMNS:
            break
        label_cols.append(c)
    return Layout(header_rows, tuple(label_cols) or (0,))


def _grid(cells: pd.DataFrame) -> list[list[_Cell]]:
    n_rows, n_cols = int(cells["row_idx"].max()) + 1, int(cells["col_idx"].max()) + 1
    grid = [[_Cell(r, c, "", False) for c in range(n_cols)] for r in range(n_rows)]
    for row in cells.itertuples(index=False):
        r, c = int(row.row_idx), int(row.col_idx)
        grid[r][c] = _Cell(r, c, str(row.text or ""), bool(row.is_merged_fill), _confidence(row))
    return grid


def _confidence(row: Any) -> float | None:
    """A raw cell's or block's OCR confidence; None for a text layer's (or a frame without the column)."""
    value = getattr(row, "confidence", None)
    return None if value is None or pd.isna(value) else float(value)


def _read(text: str, era: str | None, hint: UnitHint | None, error: Any) -> list[Quantity]:
    try:
        return find_quantities(text, context_era=era, hint=hint)
    except NormalizeError as exc:
        raise error(exc.reason) from exc


def _table_quantities(
    document_id: str, t: Any, cells: pd.DataFrame, notes: Sequence[str], era: str | None
) -> Iterator[dict[str, Any]]:
    """The quantities of one table, cell by cell, with their labels."""
    table_id, page = str(t.table_id), int(t.page)
    grid = _grid(cells)

    def error_at(cell: _Cell) -> Any:
        return lambda reason: CellValueError(document_id, page, table_id, f"r{cell.row}c{cell.col}", cell.text, reason)

    readable = [cell for row in grid for cell in row if not cell.is_fill and cell.text.strip()]
    found = {(c.row, c.col): _read(c.text, era, None, error_at(c)) for c in readable}
    layout = table_layout(grid, found)
    table_hint = next((h for h in map(declared_unit, [str(t.title), *notes]) if h is not None), None)
    for cell in readable:
        r, c = cell.row, cell.col
        headers = [grid[h][c].text for h in range(min(r, layout.header_rows))]
        labels = [grid[r][lc].text for lc in layout.label_cols if lc != c] if r >= layout.header_rows else []
        if r < layout.header_rows:
            hint: UnitHint | None = YEAR_HINT if _BARE_YEAR.fullmatch(clean_text(cell.text)) else None
        else:
            hints = [*map(unit_hint, headers[::-1]), *map(unit_hint, labels), table_hint]
            hint = next((h for h in hints if h is not None), None)
        quantities = found[(r, c)]
        if hint is not None and any(q.unit == UNTYPED for q in quantities):
            quantities = _read(cell.text, era, hint, error_at(cell))
        for idx, q in enumerate(quantities):
            yield _row(document_id, page, table_id, r, c, idx, q) | {
                "row_label": _label(labels),
                "column_label": _label(headers),
                "confidence": cell.confidence,
            }


def _row(document_id: str, page: int, source: str, row: int, col: int | None, idx: int, q: Quantity) -> dict[str, Any]:
    cell = f"r{row}" + (f"c{col}" if col is not None else "")
    return {
        "document_id": document_id,
        "source_page": page,
        "source_table_id": source,
        "source_row": row,
        "source_col": col,
        "quantity_idx": idx,
        "quantity_id": f"p{page}:{source}:{cell}:q{idx}",
        "row_label": None,
        "column_label": None,
        "context": q.context,
        "value": q.value,
        "low_value": q.low,
        "high_value": q.high,
        "unit": q.unit,
        "qualifier": q.qualifier,
        "raw_text": q.raw_text,
        "claimed_by": None,
        "confidence": None,
    }


def _block_quantities(document_id: str, blocks: pd.DataFrame, era: str | None) -> Iterator[dict[str, Any]]:
    for b in blocks.itertuples(index=False):
        if b.role in SKIPPED_ROLES or not str(b.text or "").strip():
            continue
        page, passage, idx = int(b.page), str(b.passage_id), int(b.block_idx)

        def error(reason: str, b: Any = b) -> CellValueError:
            return CellValueError(
                document_id, int(b.page), str(b.passage_id), f"block {int(b.block_idx)}", b.text, reason
            )

        for q_idx, q in enumerate(_read(str(b.text), era, None, error)):
            yield _row(document_id, page, passage, idx, None, q_idx, q) | {"confidence": _confidence(b)}


def document_quantities(raw: RawLayer, document_id: str) -> list[dict[str, Any]]:
    """Every quantity of one document: its tables' cells, then its text blocks."""
    era = document_era(raw.texts(document_id))
    rows: list[dict[str, Any]] = []
    tables = raw.tables[raw.tables["document_id"] == document_id] if not raw.tables.empty else raw.tables
    cells = raw.table_cells
    for t in tables.sort_values(["page", "table_id"]).itertuples(index=False):
        mine = cells[(cells["document_id"] == document_id) & (cells["table_id"] == t.table_id)]
        if mine.empty:
            continue
        notes = [str(a) for a in raw.annotations(document_id, str(t.table_id)).get("text", pd.Series(dtype=str))]
        rows.extend(_table_quantities(document_id, t, mine, notes, era))
    blocks = raw.text_blocks
    if not blocks.empty:
        mine = blocks[blocks["document_id"] == document_id].sort_values(["page", "block_idx"])
        rows.extend(_block_quantities(document_id, mine, era))
    return rows


# ---- claims: which curated table holds the same number --------------------------------------------------


Claims = dict[tuple[str, int, str], list[tuple[Any, Any, str, list[float]]]]


def _same(a: Decimal, b: float) -> bool:
    return abs(float(a) - b) <= 1e-9 * max(1.0, abs(b))


def _claims(curated: Mapping[str, pd.DataFrame]) -> Claims:
    """(document, page, table or passage) → [(row, col, curated table, its numbers)] of every curated row."""
    index: Claims = defaultdict(list)
    for st in CURATED:
        df = curated.get(st.name)
        if not st.numbers or df is None or df.empty:
            continue
        for r in df.itertuples(index=False):
            numbers = [float(v) * n.factor for n in st.numbers if not pd.isna(v := getattr(r, n.column))]
            key = (str(r.document_id), int(r.source_page), str(r.source_table_id))
            index[key].append((r.source_row, r.source_col, st.name, numbers))
    return index


def _claimed_by(row: dict[str, Any], index: Claims) -> str | None:
    values = [v for v in (row["value"], row["low_value"], row["high_value"]) if v is not None]
    for c_row, c_col, name, numbers in index.get((row["document_id"], row["source_page"], row["source_table_id"]), []):
        if not pd.isna(c_row) and int(c_row) != row["source_row"]:
            continue
        if not pd.isna(c_col) and (row["source_col"] is None or int(c_col) != row["source_col"]):
            continue
        if any(_same(v, n) for v in values for n in numbers):
            return name
    return None


def build_quantities(raw: RawLayer, curated: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every quantity of every document, with the curated table that holds each (registry order wins)."""
    rows = [row for d in sorted(raw.documents["document_id"]) for row in document_quantities(raw, str(d))]
    index = _claims(curated)
    for row in rows:
        row["claimed_by"] = _claimed_by(row, index)
    df = typed_frame(rows, TABLE)
    order = ["document_id", "source_page", "source_table_id", "source_row", "source_col", "quantity_idx"]
    return df.sort_values(order, na_position="first", kind="stable", ignore_index=True)
