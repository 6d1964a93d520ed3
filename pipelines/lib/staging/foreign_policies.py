"""staging.foreign_policies: one row per policy column of 中央政府による海外のクラスター関連政策の概要.

The table is transposed: one policy per column, row labels in column 0, and header cells
'Country\\nPolicy name'. Rows are read by what their label says (the foreign_policies family in
pipelines/lib/tables/registry.py: 時期, 中央政府の所管・予算, 対象地域, …), never by index; a row the table does
not print leaves its fields null. 時期 gives start/end years (an end in parentheses is planned); the budget row
gives the ministry (text before the amount), the budget (the one amount outside parentheses; amounts inside the
following parenthesis are its breakdown) and the years it covers (N年間 in that parenthesis). A policy is keyed
by its country and name (``policy_id``), whatever column it stands in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import NormalizeError, clean_text, find_money, parse_duration_years, parse_years
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.registry import BY_FAMILY

FAMILY = BY_FAMILY["foreign_policies"]
TABLE = table("staging.foreign_policies")
TEXT_ROWS = ("target_regions", "policy_content", "regional_body")
"""Rows kept verbatim, each a column of staging.foreign_policies."""
_DURATION = re.compile(r"[0-9]+(?:[ヶカケか箇]年|年間)")


def policy_key(country: str, name: str) -> str:
    """A policy's id: 'ドイツ/ビオレギオ' (country and name as staging.foreign_policies holds them)."""
    return f"{country}/{name}"


def _paren_end(cleaned: str, start: int) -> int:
    """Index just past the parenthesis opening at ``start`` (nesting respected); len if unclosed."""
    depth = 0
    for i in range(start, len(cleaned)):
        depth += {"(": 1, ")": -1}.get(cleaned[i], 0)
        if depth == 0:
            return i + 1
    return len(cleaned)


def _depths(cleaned: str) -> list[int]:
    out, depth = [], 0
    for ch in cleaned:
        if ch == "(":
            depth += 1
        out.append(depth)
        if ch == ")":
            depth = max(0, depth - 1)
    return out


def parse_budget(text: str) -> dict[str, Any]:
    """'貿易産業省約180億円(6年間、研究100億円、基盤80億円)' -> ministry, 億円, qualifier, years.

    Raises NormalizeError when there is no ministry, no amount, or more than one amount outside
    parentheses.
    """
    cleaned = clean_text(text)
    depth = _depths(cleaned)
    top = [m for m in find_money(text) if not m.is_new and depth[m.span[0]] == 0]
    if len(top) != 1:
        raise NormalizeError(text, f"expected one budget amount outside parentheses, found {len(top)}")
    money = top[0]
    ministry = cleaned[: money.span[0]].strip(" 、,")
    if not ministry:
        raise NormalizeError(text, "no ministry before the budget amount")
    years: int | None = None
    after = cleaned[money.span[1] :]
    if after.startswith("("):
        note = after[: _paren_end(after, 0)]
        if _DURATION.search(note):
            years = parse_duration_years(note)
    return {
        "ministry": ministry,
        "budget_oku_yen": money.oku_yen,
        "budget_qualifier": money.qualifier,
        "budget_years": years,
    }


def _policy_row(
    document_id: str, table_id: str, page: int, grid: Sequence[Sequence[str]], col: int, rows: dict[str, int]
) -> dict[str, Any]:
    def fail(field: str, reason: str) -> CellValueError:
        r = rows.get(field, 0)
        return CellValueError(document_id, page, table_id, f"r{r}c{col}", grid[r][col], reason)

    header = grid[0][col].strip()
    country, _, name = header.partition("\n")
    if not country.strip() or not name.strip():
        raise CellValueError(document_id, page, table_id, f"r0c{col}", header, "expected 'country\\npolicy name'")
    period: dict[str, Any] = {"start_year": None, "end_year": None, "end_year_planned": None}
    if "period" in rows:
        try:
            span = parse_years(grid[rows["period"]][col])
        except NormalizeError as exc:
            raise fail("period", f"時期: {exc.reason}") from exc
        if span.start is None:
            raise fail("period", "時期 has no start year")
        period = {"start_year": span.start, "end_year": span.end, "end_year_planned": bool(span.end_planned)}
    budget: dict[str, Any] = dict.fromkeys(("ministry", "budget_oku_yen", "budget_qualifier", "budget_years"))
    if "budget" in rows:
        try:
            budget = parse_budget(grid[rows["budget"]][col])
        except NormalizeError as exc:
            raise fail("budget", f"中央政府の所管・予算: {exc.reason}") from exc
    return {
        "document_id": document_id,
        "policy_id": policy_key(country.strip(), name.replace("\n", "").strip()),
        "country": country.strip(),
        "policy_name": name.replace("\n", "").strip(),
        **period,
        **budget,
        **{field: grid[rows[field]][col] if field in rows else None for field in TEXT_ROWS},
        "budget_raw_text": grid[rows["budget"]][col] if "budget" in rows else None,
        "source_page": page,
        # The policy is a whole column; its address is the budget cell, the figure it is read for (else its header).
        "source_table_id": table_id,
        "source_row": rows.get("budget", 0),
        "source_col": col,
    }


def build_foreign_policies(raw: RawLayer) -> pd.DataFrame:
    """One row per policy column of every table of the family (any number of slides), sorted by the table key."""
    out: list[dict[str, Any]] = []
    for t in raw.tables_of(FAMILY.family).itertuples():
        document_id, table_id, page = str(t.document_id), str(t.table_id), int(t.page)
        grid = raw.grid(document_id, table_id)
        mapped = FAMILY.map_header(grid)
        rows = {name: i for name in ("period", "budget", *TEXT_ROWS) if (i := mapped.index(name)) is not None}
        for col in range(1, len(grid[0])):
            if grid[0][col].strip() or any(row[col].strip() for row in grid[1:]):
                out.append(_policy_row(document_id, table_id, page, grid, col, rows))
    df = typed_frame(out, TABLE)
    return df.sort_values(list(TABLE.key), kind="stable", ignore_index=True)
