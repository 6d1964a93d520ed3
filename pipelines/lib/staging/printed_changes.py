"""A budget table's own printed change (対前年度比, 増減) against the change its two fiscal years give.

A column whose header says it is a change (:data:`CHANGE_HEADER`) names no field of the policy_tools family: its
cells are read into staging.quantities only. Each such figure is compared with the program's two amounts in
staging.budget_items (same table and row): a percentage is the current year over the previous one (107.6% for
147.6億円 after 137.2億円) or the change in percent (+7.6%), an amount the difference (▲3.2億円 is a decrease). The
tolerance is what printing rounds away: half a unit of the figure's last printed digit, plus what rounding the two
printed amounts can move the computed change. Source documents do contain arithmetic errors: a disagreement is
reported, never refused.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pandas as pd

from pipelines.lib.normalize import clean_text

CHANGE_HEADER = re.compile(r"対?前年度?(?:比|差|増減(?:額|率)?)|増減(?:額|率)?|伸び率|対前年度増減(?:額|率)?")
"""The header of a column that prints each program's change from the previous fiscal year."""
_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.([0-9]+))?")


def _half_unit(raw_text: str, value: float) -> float:
    """Half a unit of the last digit printed, in the value's own unit (0.05億円 = 5,000,000 yen for 3.2億円)."""
    m = _NUMBER.search(clean_text(raw_text))
    if m is None:
        return 0.0
    number = float(m.group(0).replace(",", ""))
    scale = abs(value) / number if number else 1.0
    return 0.5 * 10 ** -len(m.group(1) or "") * scale


def _amounts(budget: pd.DataFrame) -> dict[tuple[str, str, int], dict[int, tuple[float, float, str]]]:
    """(document, table, row) → fiscal year → (yen, half unit of its printed amount, program)."""
    out: dict[tuple[str, str, int], dict[int, tuple[float, float, str]]] = {}
    for b in budget.itertuples(index=False):
        key = (str(b.document_id), str(b.source_table_id), int(b.source_row))
        yen = float(b.amount_yen)
        out.setdefault(key, {})[int(b.fiscal_year)] = (yen, _half_unit(str(b.raw_text), yen), str(b.program))
    return out


def printed_change_disagreements(budget: pd.DataFrame, quantities: pd.DataFrame) -> list[dict[str, Any]]:
    """Every printed change of a budget table that the two fiscal years' amounts do not give, with where it is."""
    if budget.empty or quantities.empty:
        return []
    amounts = _amounts(budget)
    labels = quantities["column_label"].fillna("").map(lambda t: CHANGE_HEADER.fullmatch(clean_text(t)) is not None)
    out: list[dict[str, Any]] = []
    for q in quantities[labels].itertuples(index=False):
        years = amounts.get((str(q.document_id), str(q.source_table_id), int(q.source_row)))
        if years is None or len(years) != 2 or q.unit not in ("percent", "yen"):
            continue  # a new program has no previous year: no change to compare
        (prev, d_prev, program), (cur, d_cur, _) = (years[y] for y in sorted(years))
        printed = float(Decimal(q.value))
        slack = _half_unit(str(q.raw_text), printed)
        if q.unit == "yen":
            computed = [cur - prev]
            slack += d_cur + d_prev
        elif prev:
            ratio = 100 * cur / prev
            computed = [ratio, ratio - 100]
            slack += ratio * (d_cur / cur + d_prev / prev) if cur else 0.0
        else:
            continue
        if all(abs(printed - c) > slack + 1e-9 for c in computed):
            out.append(
                {
                    "where": f"{q.document_id}.pdf, page {int(q.source_page)}, table {q.source_table_id}, "
                    f"cell r{int(q.source_row)}c{int(q.source_col)}",
                    "program": program,
                    "printed": str(q.raw_text),
                    "computed": ", ".join(f"{c:,.2f}" for c in computed) + (" %" if q.unit == "percent" else " yen"),
                }
            )
    return out
