"""staging.budget_items: one row per program per fiscal year on the 政策ツール budget slides.

Each policy_tools table's columns are read by what their header says (the policy_tools family: 施策名/事業名/区分,
17年度予算, (16年度予算), 概要), in any order; a column no field names (a printed 対前年度比) is left to
staging.quantities and reported. The two budget headers name the fiscal years; a table without the previous
year's column gives only current-year rows. The rows are programs, the 産業クラスター計画関連施策 total row, and
spanning section rows such as (1)産学官のネットワーク形成. Slides without a section row take their section from
the slide title, (2)地域の特性を活かした技術開発の推進; a program before any section has none. A previous-year
cell reading (新規) marks a new program: it gets no previous-year row and ``is_new`` on its current-year row.

The headers write fiscal years without an era (17年度予算). Their era is the one the document itself
counts years in (平成17年度においては… → 平成; a 令和 deck gives 令和), read by
:func:`pipelines.lib.normalize.document_era`. A document that names no era fails on the header cell
rather than having one guessed. Any two consecutive fiscal years pass: which ones is the edition's fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import Money, NormalizeError, clean_text, document_era, fiscal_year, parse_money
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.registry import BY_FAMILY

TABLE = table("staging.budget_items")
FAMILY = BY_FAMILY["policy_tools"]


SECTION = re.compile(r"\(\d+\)\S.*")
TOTAL_PROGRAM = re.compile(r".+計画関連施策")
"""Label of the row that totals the plan's related programs (産業クラスター計画関連施策)."""


@dataclass(frozen=True)
class _Where:
    """Where a cell is, for error messages."""

    document_id: str
    page: int
    table_id: str

    def error(self, row: int, col: int, text: str, reason: str) -> CellValueError:
        return CellValueError(self.document_id, self.page, self.table_id, f"r{row}c{col}", text, reason)


def _fiscal_year(header: list[str], col: int, where: _Where, era: str | None) -> int:
    try:
        span = fiscal_year(header[col], context_era=era)
    except NormalizeError as exc:
        raise where.error(0, col, header[col], exc.reason) from exc
    if span.kind != "fiscal_year" or span.start is None:
        raise where.error(0, col, header[col], "a budget column names one fiscal year")
    return span.start


def _money(text: str, row: int, col: int, where: _Where, *, allow_new: bool) -> Money:
    try:
        money = parse_money(text)
    except NormalizeError as exc:
        raise where.error(row, col, text, exc.reason) from exc
    cleaned = clean_text(text)
    if money.raw_text not in (cleaned, cleaned.removeprefix("(").removesuffix(")")):
        raise where.error(row, col, text, f"only {money.raw_text!r} of the cell reads as an amount")
    if money.is_new and not allow_new:
        raise where.error(row, col, text, "(新規) is only meaningful in the previous-year column")
    if not money.is_new and (money.qualifier != "exact" or money.yen is None):
        raise where.error(row, col, text, f"a budget amount must be exact, found {money.qualifier}")
    return money


def _section_row(row: list[str]) -> str | None:
    """The section heading if ``row`` is a spanning section row, such as (1)産学官のネットワーク形成."""
    first = clean_text(row[0])
    if SECTION.fullmatch(first) and all(clean_text(c) == first for c in row):
        return row[0].strip()
    return None


def _table_rows(
    raw: RawLayer, document_id: str, table_id: str, page: int, title: str, era: str | None
) -> Iterator[dict[str, Any]]:
    where = _Where(document_id, page, table_id)
    grid = raw.grid(document_id, table_id)
    header = grid[0]
    mapped = FAMILY.map_header(grid)  # program and this year's budget are required: the table was claimed with them
    program_col, cur_col = mapped.fields["program"][0], mapped.fields["current_budget"][0]
    prev_col = mapped.index("previous_budget")
    cur_year = _fiscal_year(header, cur_col, where, era)
    prev_year = _fiscal_year(header, prev_col, where, era) if prev_col is not None else None
    if prev_col is not None and prev_year is not None and prev_year >= cur_year:
        raise where.error(0, prev_col, header[prev_col], f"previous fiscal year {prev_year} is not before {cur_year}")
    section = title.strip() if SECTION.fullmatch(clean_text(title)) else None
    for r, row in enumerate(grid[1:], start=1):
        heading = _section_row(row)
        if heading is not None:
            section = heading
            continue
        program = row[program_col].strip()
        if not program:
            raise where.error(r, program_col, row[program_col], "a budget row has no 施策名")
        is_total = TOTAL_PROGRAM.fullmatch(clean_text(program)) is not None
        current = _money(row[cur_col], r, cur_col, where, allow_new=False)
        previous = _money(row[prev_col], r, prev_col, where, allow_new=True) if prev_col is not None else None
        common = {
            "document_id": document_id,
            "section": None if is_total else section,
            "program": program,
            "is_total": is_total,
            "source_page": page,
            "source_table_id": table_id,
            "source_row": r,
        }
        is_new = previous is not None and previous.is_new
        yield common | _amounts(current, cur_year, row[cur_col], cur_col) | {"is_new": is_new}
        if previous is not None and prev_year is not None and prev_col is not None and not is_new:
            yield common | _amounts(previous, prev_year, row[prev_col], prev_col) | {"is_new": False}


def _amounts(money: Money, year: int, text: str, col: int) -> dict[str, Any]:
    assert money.yen is not None and money.oku_yen is not None  # checked in _money
    return {
        "fiscal_year": year,
        "amount_oku_yen": Decimal(money.oku_yen),
        "amount_yen": int(money.yen),
        "raw_text": text.strip(),
        "source_col": col,
    }


def build_budget_items(raw: RawLayer) -> pd.DataFrame:
    """One row per program per fiscal year of every policy_tools table of every document."""
    rows: list[dict[str, Any]] = []
    eras: dict[str, str | None] = {}
    for t in raw.tables_of(FAMILY.family).itertuples():
        document_id = str(t.document_id)
        if document_id not in eras:
            eras[document_id] = document_era(raw.texts(document_id))
        rows.extend(_table_rows(raw, document_id, str(t.table_id), int(t.page), str(t.title), eras[document_id]))
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), ignore_index=True)
