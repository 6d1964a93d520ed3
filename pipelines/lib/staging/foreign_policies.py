"""staging.foreign_policies: one row per policy column of 中央政府による海外のクラスター関連政策の概要.

The table is transposed: one policy per column, row labels in column 0, and header cells
'Country\\nPolicy name'. Rows are found by their labels (時期, 中央政府の所管・予算, …), never by index.
時期 gives start/end years (an end in parentheses is planned); 中央政府の所管・予算 gives the
ministry (text before the amount), the budget (the one amount outside parentheses; amounts inside
the following parenthesis are its breakdown) and the years it covers (N年間 in that parenthesis).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipelines.lib.errors import CellValueError, TableHeaderError
from pipelines.lib.normalize import NormalizeError, clean_text, find_money, parse_duration_years, parse_years
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer

FAMILY = "foreign_policies"
TABLE = table("staging.foreign_policies")

# Field -> regex the row label (column 0, newlines removed) must fully match.
ROW_LABELS: dict[str, str] = {
    "period": r"時期",
    "budget": r"中央政府の所管・予算",
    "target_regions": r"対象地域",
    "policy_content": r"中央政府の政策内容",
    "regional_body": r"地域における推進主体",
}
_DURATION = re.compile(r"[0-9]+(?:[ヶカケか箇]年|年間)")


def _row_index(document_id: str, page: int, table_id: str, grid: Sequence[Sequence[str]]) -> dict[str, int]:
    labels = [row[0].replace("\n", "").strip() for row in grid]
    index: dict[str, int] = {}
    for field, pattern in ROW_LABELS.items():
        hits = [i for i, label in enumerate(labels) if re.fullmatch(pattern, label)]
        if len(hits) != 1:
            raise TableHeaderError(f"{document_id}.pdf", page, table_id, list(ROW_LABELS.values()), labels)
        index[field] = hits[0]
    return index


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
    try:
        span = parse_years(grid[rows["period"]][col])
    except NormalizeError as exc:
        raise fail("period", f"時期: {exc.reason}") from exc
    if span.start is None:
        raise fail("period", "時期 has no start year")
    try:
        budget = parse_budget(grid[rows["budget"]][col])
    except NormalizeError as exc:
        raise fail("budget", f"中央政府の所管・予算: {exc.reason}") from exc
    return {
        "document_id": document_id,
        "policy_id": f"{table_id}_c{col}",
        "country": country.strip(),
        "policy_name": name.replace("\n", "").strip(),
        "start_year": span.start,
        "end_year": span.end,
        "end_year_planned": bool(span.end_planned),
        **budget,
        "target_regions": grid[rows["target_regions"]][col],
        "policy_content": grid[rows["policy_content"]][col],
        "regional_body": grid[rows["regional_body"]][col],
        "budget_raw_text": grid[rows["budget"]][col],
        "source_page": page,
        # The policy is a whole column; its address is the budget cell, the figure it is read for.
        "source_table_id": table_id,
        "source_row": rows["budget"],
        "source_col": col,
    }


def build_foreign_policies(raw: RawLayer) -> pd.DataFrame:
    """One row per policy column, sorted by document and policy id."""
    out: list[dict[str, Any]] = []
    for t in raw.tables_of(FAMILY).itertuples():
        document_id, table_id, page = str(t.document_id), str(t.table_id), int(t.page)
        grid = raw.grid(document_id, table_id)
        rows = _row_index(document_id, page, table_id, grid)
        for col in range(1, len(grid[0])):
            if grid[0][col].strip() or any(row[col].strip() for row in grid[1:]):
                out.append(_policy_row(document_id, table_id, page, grid, col, rows))
    df = typed_frame(out, TABLE)
    return df.sort_values(list(TABLE.key), kind="stable", ignore_index=True)
