"""A second, plain reading of the raw layer, which staging.quantities must account for.

The normalizer reads numbers with a grammar; this reads them with one regex: a number followed by a yen,
percent or count unit (568億円, 38.5%, 約230万人, 40件), not a rate's denominator (1件当り) nor a footnote
marker. Every raw cell or text block holding such a number must have a row of staging.quantities at its
address; one without is a number the grammar missed, listed with its file, page, table and cell.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pipelines.lib.normalize import clean_text

PLAIN_NUMBER = re.compile(r"(?<![0-9*※/.,])[0-9][0-9,.]*[万億兆千]?(?:円|%|人|社|件)(?!当|あたり)")
"""A number with a unit, as a person skimming the page would spot it."""


def _addresses(quantities: pd.DataFrame) -> set[tuple[str, int, str, int, int | None]]:
    return {
        (str(r.document_id), int(r.source_page), str(r.source_table_id), int(r.source_row), _int(r.source_col))
        for r in quantities.itertuples(index=False)
    }


def _int(v: Any) -> int | None:
    return None if pd.isna(v) else int(v)


def unread_numbers(
    cells: pd.DataFrame, blocks: pd.DataFrame, quantities: pd.DataFrame, *, skipped_roles: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Cells and text blocks with a number-with-unit but no quantity at their address."""
    read = _addresses(quantities)
    out: list[dict[str, Any]] = []
    if not cells.empty:
        for c in cells[~cells["is_merged_fill"].astype(bool)].itertuples(index=False):
            m = PLAIN_NUMBER.search(clean_text(str(c.text or "")))
            key = (str(c.document_id), int(c.page), str(c.table_id), int(c.row_idx), int(c.col_idx))
            if m and key not in read:
                where = f"{c.document_id}.pdf, page {int(c.page)}, table {c.table_id}, cell r{c.row_idx}c{c.col_idx}"
                out.append({"where": where, "number": m.group(0), "text": str(c.text)[:80]})
    if not blocks.empty:
        for b in blocks[~blocks["role"].isin(skipped_roles)].itertuples(index=False):
            m = PLAIN_NUMBER.search(clean_text(str(b.text or "")))
            key = (str(b.document_id), int(b.page), str(b.passage_id), int(b.block_idx), None)
            if m and key not in read:
                where = f"{b.document_id}.pdf, page {int(b.page)}, text {b.passage_id}, block {b.block_idx}"
                out.append({"where": where, "number": m.group(0), "text": str(b.text)[:80]})
    return out
