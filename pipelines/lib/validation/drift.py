"""Drift between editions, read from marts.edition_changes: reported by WARN checks, never a reason to block.

Two summaries of the mart: the rows each staging table gained or lost between consecutive editions, and
the numeric values that moved by more than :data:`MOVE_SHARE` of their old value. Both are lists of plain
dicts, so a check can put them in its metadata as they are.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

MOVE_SHARE = 0.25
"""A value 'moved' when it changed by more than this share of its old value (25 %)."""


def row_changes(changes: pd.DataFrame) -> list[dict[str, Any]]:
    """Per edition pair and table: the keys of the rows added and removed."""
    if changes.empty:
        return []
    rows = changes[changes["change"].isin(["added", "removed"])]
    out = []
    for (doc, prev, tbl), group in rows.groupby(["document_id", "prev_document_id", "table"], sort=True):
        keys = group.drop_duplicates(["change", "key"])
        out.append(
            {
                "document_id": doc,
                "prev_document_id": prev,
                "table": tbl,
                "added": sorted(keys.loc[keys["change"] == "added", "key"]),
                "removed": sorted(keys.loc[keys["change"] == "removed", "key"]),
            }
        )
    return out


def _number(text: object) -> Decimal | None:
    if text is None or (isinstance(text, float) and text != text):
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def moved_values(changes: pd.DataFrame, share: float = MOVE_SHARE) -> list[dict[str, Any]]:
    """Changed numeric values whose relative move exceeds ``share`` (a change from 0 always counts)."""
    if changes.empty:
        return []
    out = []
    for r in changes[changes["change"] == "changed"].itertuples(index=False):
        old, new = _number(r.old_value), _number(r.new_value)
        if old is None or new is None:
            continue
        moved = abs(new - old) / abs(old) if old else Decimal("Infinity")
        if moved > Decimal(str(share)):
            out.append(
                {
                    "document_id": r.document_id,
                    "prev_document_id": r.prev_document_id,
                    "table": r.table,
                    "key": r.key,
                    "column": r.column,
                    "old_value": r.old_value,
                    "new_value": r.new_value,
                    "moved_pct": None if not old else round(float(moved) * 100, 1),
                }
            )
    return out


def describe_row_change(c: dict[str, Any]) -> str:
    """'meti_…_rev1 vs meti_…: staging.overseas_clusters +1 -0'."""
    return f"{c['document_id']} vs {c['prev_document_id']}: {c['table']} +{len(c['added'])} -{len(c['removed'])}"


def describe_move(m: dict[str, Any]) -> str:
    """'meti_…_rev1: staging.budget_items 産業… | 2005 amount_oku_yen 568 -> 571'."""
    return f"{m['document_id']}: {m['table']} {m['key']} {m['column']} {m['old_value']} -> {m['new_value']}"
