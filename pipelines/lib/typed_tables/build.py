"""One typed table per table no family knows, from its raw cells and its rows of staging.quantities.

* **Rows.** The header rows are the ones staging.quantities reads as header
  (:func:`pipelines.lib.staging.quantities.table_layout`); every printed row below them is one row, with its
  address (document_id, source_page, source_table_id, source_row; source_col is null: a whole row). A merged
  cell is read where it is printed (its fills take the spanning cell's text and quantities).
* **Columns.** One per printed column, named from its header (:mod:`.naming`), the printed header its COMMENT.
* **Types.** A column is typed when each of its cells that holds a number is that number alone (its raw text,
  qualifier words and, in brackets, at most one second quantity with the word before it: 49件(応募483件)), all
  of one unit, and such cells are not outnumbered by cells of text. yen is DECIMAL, counts (persons,
  companies, cases, any counter word) BIGINT, years INTEGER (a 年度 is its fiscal year), everything else
  (percent, km², times) DOUBLE; a count or an amount with a fraction is DOUBLE or DECIMAL(38,10). Any other
  column stays VARCHAR with the printed text.
* **Companions**, right after their column and only where a cell needs one: ``<col>_qualifier`` (a cell that
  is not exact), ``<col>_low``/``<col>_high`` (a range; the column holds the high bound, as staging.quantities
  does), ``<col>_note`` (the text of a cell that holds no number, e.g. 一般枠と同じ) and, for the second
  quantity of a cell, ``<col>_<the word before it>`` (採択件数_応募), or ``<col>_<unit>`` without one. A cell of
  dashes only (-, ―, ー) is empty.
* **Row keys**, for comparing editions: the values of the label columns staging.quantities found, then of the
  year column that best tells apart the rows sharing a label, then ``#2``, ``#3`` for rows still alike.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

import pandas as pd

from pipelines.lib.schema import QUAL, Column, Table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.quantities import LABEL_JOIN, Layout, _Cell, table_layout
from pipelines.lib.tables.registry import UNRECOGNISED
from pipelines.lib.typed_tables.naming import column_name, snake, table_name, unique

SCHEMA = "tables"
NON_COUNT_UNITS = ("yen", "percent", "km2", "km", "times", "year", "duration_years", "number")
"""Units that are not counts of things; every other unit (persons, cases, a counter word) is a count."""
ROW_KEY_JOIN = " | "
_BLANK = re.compile(r"^[\s\-‐‑–—―−－ー~〜～.・…]*$")
_FILLER = re.compile(r"[\s()（）\[\]［］「」【】,、，:：/・]")
_OPEN = ("(", "（")


@dataclass(frozen=True)
class TypedColumn:
    """One column of a typed table: name, DuckDB type, what it holds and the printed column it comes from."""

    name: str
    type: str
    role: str
    """key, text, value, qualifier, low, high, secondary, note or provenance"""
    description: str
    unit: str | None = None
    source_col: int | None = None
    header: str | None = None
    required: bool = False


PROVENANCE_COLUMNS = (
    TypedColumn(
        "source_page", "INTEGER", "provenance", "1-based page of the source PDF the row was printed on", required=True
    ),
    TypedColumn("source_table_id", "VARCHAR", "provenance", "raw.tables.table_id of the printed table", required=True),
    TypedColumn("source_row", "INTEGER", "provenance", "row_idx of the printed row in raw.table_cells", required=True),
    TypedColumn("source_col", "INTEGER", "provenance", "Null: a row is read from the whole printed row"),
)
DOCUMENT_COLUMN = TypedColumn("document_id", "VARCHAR", "key", "Source PDF file name without .pdf", required=True)


@dataclass(frozen=True)
class TypedTable:
    """A typed table: its columns, its rows (values by column name) and each row's content key."""

    document_id: str
    table_id: str
    page: int
    title: str
    header: tuple[str, ...]
    header_rows: int
    columns: tuple[TypedColumn, ...]
    rows: tuple[dict[str, Any], ...]
    row_keys: tuple[str, ...]
    key_columns: tuple[str, ...]
    name: str = ""
    """The table's name in schema tables: table_name(document_id, table_id), unique (see build_typed_tables)."""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", table_name(self.document_id, self.table_id))

    @property
    def qualified(self) -> str:
        """tables.<name>"""
        return f"{SCHEMA}.{self.name}"

    @cached_property
    def spec(self) -> Table:
        """The table in the registry's terms (DDL, COMMENT ON, suite, exports and docs come from it)."""
        description = describe(self.title, self.page, self.document_id, self.table_id)
        columns = tuple(Column(c.name, c.type, c.description, c.required) for c in self.columns)
        return Table(SCHEMA, self.name, description, columns, key=("document_id", "source_row"))

    def frame(self) -> pd.DataFrame:
        """The rows as a frame typed like the table."""
        return typed_frame(self.rows, self.spec)

    def valued_rows(self, column: str) -> list[int]:
        """The source_row of every row whose cell gave ``column`` a value (what the suite expects not null)."""
        return [int(r["source_row"]) for r in self.rows if r.get(column) is not None]

    def values(self) -> list[dict[str, Any]]:
        """Every value of every row and column, as text: the rows of tables.document_tables."""
        out = []
        shown = [c for c in self.columns if c.role not in ("key", "provenance")]
        for row, key in zip(self.rows, self.row_keys, strict=True):
            for c in shown:
                value = row.get(c.name)
                out.append(
                    {
                        "document_id": self.document_id,
                        "table_name": self.name,
                        "table_id": self.table_id,
                        "row_key": key,
                        "column_name": c.name,
                        "value": None if value is None else _text(value),
                        "source_page": self.page,
                        "source_table_id": self.table_id,
                        "source_row": row["source_row"],
                        "source_col": c.source_col,
                    }
                )
        return out


def describe(title: str | None, page: int, document_id: str, table_id: str) -> str:
    """A typed table's COMMENT: its printed title, page, document and raw table id."""
    return f"{title or '(no title)'}: p.{page} of {document_id}, a table no family knows ({table_id}), typed"


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _str(v: Any) -> str:
    return "" if _missing(v) else str(v)


def _squeeze(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).replace("〜", "～").replace("~", "～")


@dataclass(frozen=True)
class _Q:
    """One quantity of a cell (a row of staging.quantities)."""

    value: Decimal
    low: Decimal | None
    high: Decimal | None
    unit: str
    qualifier: str
    raw_text: str
    context: str


@dataclass(frozen=True)
class _Read:
    """One printed cell of a data row: its text (a merged fill's spanning text) and its quantities."""

    row: int
    text: str
    quantities: tuple[_Q, ...]

    @property
    def blank(self) -> bool:
        return bool(_BLANK.match(self.text))

    @property
    def secondary(self) -> _Q | None:
        return self.quantities[1] if len(self.quantities) == 2 else None

    def is_pure(self) -> bool:
        """True when the cell is its number alone, with at most one second quantity in brackets."""
        qs = self.quantities
        if not qs or len(qs) > 2 or qs[0].context or (len(qs) == 2 and not any(o in self.text for o in _OPEN)):
            return False
        rest = _squeeze(self.text)
        for q in qs:
            rest = rest.replace(_squeeze(q.raw_text), "", 1)
        if (second := self.secondary) is not None and second.context:
            rest = rest.replace(_squeeze(second.context), "", 1)
        return not _FILLER.sub("", rest)


def _decimal(v: Any) -> Decimal | None:
    if _missing(v):
        return None
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _quantities(quantities: pd.DataFrame) -> dict[tuple[int, int], tuple[_Q, ...]]:
    out: dict[tuple[int, int], list[_Q]] = {}
    ordered = quantities.sort_values(["source_row", "source_col", "quantity_idx"], kind="stable")
    for q in ordered.itertuples(index=False):
        if _missing(q.source_row) or _missing(q.source_col):
            continue
        value = _decimal(q.value)
        assert value is not None
        item = _Q(
            value,
            _decimal(q.low_value),
            _decimal(q.high_value),
            str(q.unit),
            str(q.qualifier),
            _str(q.raw_text),
            _str(q.context),
        )
        out.setdefault((int(q.source_row), int(q.source_col)), []).append(item)
    return {k: tuple(v) for k, v in out.items()}


def _origin(grid: Sequence[Sequence[_Cell]], r: int, c: int) -> tuple[int, int]:
    """The cell a merged fill repeats: up its column, else left along its row, to the cell printed there."""
    cell = grid[r][c]
    if not cell.is_fill:
        return r, c
    for rr in range(r - 1, -1, -1):
        above = grid[rr][c]
        if above.text != cell.text:
            break
        if not above.is_fill:
            return rr, c
    for cc in range(c - 1, -1, -1):
        left = grid[r][cc]
        if left.text != cell.text:
            break
        if not left.is_fill:
            return r, cc
    return r, c


def _read(grid: Sequence[Sequence[_Cell]], found: dict[tuple[int, int], tuple[_Q, ...]], r: int, c: int) -> _Read:
    """The cell at (r, c) as printed: a merged fill reads as the cell it repeats."""
    origin = _origin(grid, r, c)
    return _Read(r, grid[origin[0]][origin[1]].text, found.get(origin, ()))


def _grid(cells: pd.DataFrame) -> list[list[_Cell]]:
    n_rows, n_cols = int(cells["row_idx"].max()) + 1, int(cells["col_idx"].max()) + 1
    grid = [[_Cell(r, c, "", False) for c in range(n_cols)] for r in range(n_rows)]
    for row in cells.itertuples(index=False):
        r, c = int(row.row_idx), int(row.col_idx)
        grid[r][c] = _Cell(r, c, _str(row.text), bool(row.is_merged_fill))
    return grid


def _header_label(texts: Sequence[str]) -> str:
    seen: list[str] = []
    for t in texts:
        t = re.sub(r"\s*\n\s*", " ", t).strip()
        if t and t not in seen:
            seen.append(t)
    return LABEL_JOIN.join(seen)


def _is_integral(values: Sequence[Decimal | None]) -> bool:
    return all(v is None or v == v.to_integral_value() for v in values)


def duck_type(unit: str, values: Sequence[Decimal | None]) -> str:
    """The DuckDB type of a column of one unit: yen DECIMAL, years INTEGER, counts BIGINT, the rest DOUBLE."""
    if unit == "year":
        return "INTEGER"
    if unit == "yen":
        return "DECIMAL(18,0)" if _is_integral(values) else "DECIMAL(38,10)"
    if unit in NON_COUNT_UNITS:
        return "DOUBLE"
    return "BIGINT" if _is_integral(values) else "DOUBLE"


def _cast(type_: str, v: Decimal | None) -> Any:
    if v is None:
        return None
    if type_ in ("INTEGER", "BIGINT"):
        return int(v)
    if type_ == "DOUBLE":
        return float(v)
    return v


def _typed(reads: Sequence[_Read]) -> bool:
    """A column of cells that are each one number of one unit (a few cells of text aside) is typed."""
    present = [r for r in reads if not r.blank]
    numbers = [r for r in present if r.quantities]
    if not numbers or any(not r.is_pure() for r in numbers):
        return False
    if len(present) - len(numbers) > len(numbers) or len({r.quantities[0].unit for r in numbers}) > 1:
        return False
    seconds: dict[str, set[str]] = {}
    for r in numbers:
        if (s := r.secondary) is not None:
            seconds.setdefault(snake(s.context) or s.unit, set()).add(s.unit)
    return all(len(units) == 1 for units in seconds.values())


def _value_columns(
    base: str, header: str, col: int, unit: str, qs: Sequence[_Q | None], role: str, taken: list[str]
) -> tuple[list[TypedColumn], list[dict[str, Any]]]:
    """A value column and its companions (qualifier, low, high), with each row's values."""
    type_ = duck_type(unit, [q.value if q else None for q in qs])
    name = unique(base, taken)
    taken.append(name)
    what = header if role == "value" else f"{header}: {base.split('_')[-1]}, a second quantity in the cell"
    columns = [TypedColumn(name, type_, role, what, unit, col, header, required=all(q is not None for q in qs))]
    values: list[dict[str, Any]] = [{name: _cast(type_, q.value if q else None)} for q in qs]
    if any(q is not None and q.qualifier != "exact" for q in qs):
        qual = unique(f"{name}_qualifier", taken)
        taken.append(qual)
        columns.append(
            TypedColumn(qual, "VARCHAR", "qualifier", f"{header}: qualifier of {name}: {QUAL}", None, col, header)
        )
        for v, q in zip(values, qs, strict=True):
            v[qual] = q.qualifier if q else None
    if any(q is not None and q.low is not None for q in qs):
        for bound in ("low", "high"):
            bname = unique(f"{name}_{bound}", taken)
            taken.append(bname)
            text = f"{header}: {bound} bound of a range, in {unit} (null unless a range)"
            columns.append(TypedColumn(bname, type_, bound, text, unit, col, header))
            for v, q in zip(values, qs, strict=True):
                v[bname] = _cast(type_, getattr(q, bound)) if q is not None and q.low is not None else None
    return columns, values


def _column(
    reads: Sequence[_Read], header: str, col: int, taken: list[str]
) -> tuple[list[TypedColumn], list[dict[str, Any]]]:
    """One printed column as typed columns (or one VARCHAR), with each row's values."""
    base = column_name(header, col, taken)
    if not _typed(reads):
        taken.append(base)
        text_col = TypedColumn(
            base,
            "VARCHAR",
            "text",
            header or f"column {col} (no printed header)",
            None,
            col,
            header,
            required=all(not r.blank for r in reads),
        )
        return [text_col], [{base: None if r.blank else r.text} for r in reads]
    firsts = [r.quantities[0] if r.quantities and not r.blank else None for r in reads]
    unit = next(q.unit for q in firsts if q is not None)
    columns, values = _value_columns(base, header, col, unit, firsts, "value", taken)
    notes = [r.text if not r.blank and not r.quantities else None for r in reads]
    if any(notes):
        note = unique(f"{columns[0].name}_note", taken)
        taken.append(note)
        columns.append(
            TypedColumn(
                note, "VARCHAR", "note", f"{header}: the printed text of a cell with no number", None, col, header
            )
        )
        for v, n in zip(values, notes, strict=True):
            v[note] = n
    groups: dict[str, str] = {}
    for r in reads:
        if (s := r.secondary) is not None and not r.blank:
            groups.setdefault(snake(s.context) or s.unit, s.unit)
    for suffix, unit in groups.items():
        qs = [s if (s := r.secondary) is not None and (snake(s.context) or s.unit) == suffix else None for r in reads]
        more, more_values = _value_columns(f"{columns[0].name}_{suffix}", header, col, unit, qs, "secondary", taken)
        columns += more
        for v, m in zip(values, more_values, strict=True):
            v.update(m)
    return columns, values


def _row_keys(
    rows: Sequence[dict[str, Any]], label_cols: Sequence[str], year_cols: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each row's content key and the columns it is made of (see module doc)."""

    def keys(cols: Sequence[str]) -> list[str]:
        return [ROW_KEY_JOIN.join("" if r.get(c) is None else _text(r[c]) for c in cols) for r in rows]

    cols = list(label_cols)
    while len(set(keys(cols))) < len(rows) and (left := [c for c in year_cols if c not in cols]):
        cols.append(max(left, key=lambda c: len(set(keys([*cols, c])))))
    seen: Counter[str] = Counter()
    out = []
    for k in keys(cols):
        seen[k] += 1
        out.append(k if seen[k] == 1 else f"{k} #{seen[k]}")
    return tuple(out), tuple(cols)


def typed_table(
    document_id: str, table_id: str, page: int, title: str, cells: pd.DataFrame, quantities: pd.DataFrame
) -> TypedTable:
    """The typed table of one table's raw cells and its rows of staging.quantities (see module doc)."""
    grid = _grid(cells)
    found = _quantities(quantities)
    layout: Layout = table_layout(grid, {k: list(v) for k, v in found.items()})  # type: ignore[arg-type]
    n_cols = len(grid[0])
    data_rows = range(layout.header_rows, len(grid))
    rows: list[dict[str, Any]] = [
        {
            "document_id": document_id,
            "source_page": page,
            "source_table_id": table_id,
            "source_row": r,
            "source_col": None,
        }
        for r in data_rows
    ]
    columns: list[TypedColumn] = [DOCUMENT_COLUMN]
    taken = ["document_id", *(c.name for c in PROVENANCE_COLUMNS)]
    headers: list[str] = []
    labels: list[str] = []
    years: list[str] = []
    for c in range(n_cols):
        header = _header_label([grid[h][c].text for h in range(layout.header_rows)])
        headers.append(header)
        reads = [_read(grid, found, r, c) for r in data_rows]
        made, values = _column(reads, header, c, taken)
        columns += made
        for row, v in zip(rows, values, strict=True):
            row.update(v)
        if c in layout.label_cols and made[0].role == "text":
            labels.append(made[0].name)
        years += [m.name for m in made if m.role == "value" and m.unit == "year"]
    columns += PROVENANCE_COLUMNS
    keys, key_cols = _row_keys(rows, labels, years)
    return TypedTable(
        document_id,
        table_id,
        page,
        title,
        tuple(headers),
        layout.header_rows,
        tuple(columns),
        tuple(rows),
        keys,
        key_cols,
    )


def build_typed_tables(tables: pd.DataFrame, cells: pd.DataFrame, quantities: pd.DataFrame) -> list[TypedTable]:
    """The typed table of every table no family knows in raw.tables (by document, page and table id)."""
    if tables.empty:
        return []
    out = []
    unknown = tables[tables["family"] == UNRECOGNISED].sort_values(["document_id", "page", "table_id"])
    for t in unknown.itertuples(index=False):
        d, tid = str(t.document_id), str(t.table_id)
        mine = cells[(cells["document_id"] == d) & (cells["table_id"] == tid)]
        if mine.empty:
            continue
        q = quantities[(quantities["document_id"] == d) & (quantities["source_table_id"] == tid)]
        built = typed_table(d, tid, int(t.page), _str(t.title), mine, q)
        name = unique(built.name, [o.name for o in out])  # two ids that differ only in punctuation: _2
        out.append(built if name == built.name else dataclasses.replace(built, name=name))
    return out
