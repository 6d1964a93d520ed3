"""New content an edition brings that no rule knows yet: kept in the warehouse, listed for someone to review.

* Staging rows whose classifying column says ``unclassified…`` (a quantity whose words match no metric
  rule, a row label no aspect knows), each with the file, page, table and cell it was read from.
* Raw tables that no table family claims (family ``unrecognised``), each with its page and header.
* Quantities nothing could type (unit ``number``), and documents of another kind (no family found anything).

WARN checks put these lists in their metadata; they never stop a refresh.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.lib.tables.registry import PASSAGE_FAMILIES, UNRECOGNISED

PASSAGE_IDS = frozenset(p.passage_id for p in PASSAGE_FAMILIES)

UNCLASSIFIED = "unclassified"
"""Prefix of every value a builder gives to content no rule names (metric unclassified_<unit>, aspect unclassified)."""


def cell_ref(row: Any) -> str:
    """'cell r7c5' for a table cell, 'block 3' for a text block, 'a line printed with the table' otherwise."""
    if pd.isna(row.source_row):
        return "a line printed with the table"
    if pd.isna(row.source_col):
        return f"block {int(row.source_row)}"
    return f"cell r{int(row.source_row)}c{int(row.source_col)}"


def unclassified_rows(df: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    """Rows whose ``column`` is unclassified…, with where each was read and what it says."""
    if df.empty:
        return []
    hits = df[df[column].astype(str).str.startswith(UNCLASSIFIED)]
    out = []
    for r in hits.itertuples(index=False):
        entry = {
            "where": f"{r.document_id}.pdf, page {int(r.source_page)}, table {r.source_table_id}, {cell_ref(r)}",
            column: getattr(r, column),
        }
        for extra in ("value", "unit", "raw_text", "scope", "subgroup", "text"):
            if extra in df.columns and not pd.isna(getattr(r, extra)):
                entry[extra] = getattr(r, extra)
        out.append(entry)
    return out


def unrecognised_tables(tables: pd.DataFrame, cells: pd.DataFrame) -> list[dict[str, Any]]:
    """Raw tables of family 'unrecognised': document, page, table id, size and header row."""
    if tables.empty:
        return []
    out = []
    for t in tables[tables["family"] == UNRECOGNISED].sort_values(["document_id", "page", "table_id"]).itertuples():
        head = cells[
            (cells["document_id"] == t.document_id) & (cells["table_id"] == t.table_id) & (cells["row_idx"] == 0)
        ]
        out.append(
            {
                "where": f"{t.document_id}.pdf, page {int(t.page)}, table {t.table_id}",
                "title": t.title,
                "size": f"{int(t.n_rows)} x {int(t.n_cols)}",
                "header": [str(x) for x in head.sort_values("col_idx")["text"]],
            }
        )
    return out


def untyped_quantities(df: pd.DataFrame, unit: str) -> list[dict[str, Any]]:
    """Quantities nothing could type (unit ``number``), with where each was read and its words."""
    if df.empty:
        return []
    out = []
    for r in df[df["unit"] == unit].itertuples(index=False):
        entry = {"where": f"{r.document_id}.pdf, page {int(r.source_page)}, table {r.source_table_id}, {cell_ref(r)}"}
        entry |= {k: getattr(r, k) for k in ("raw_text", "context", "column_label") if not pd.isna(getattr(r, k))}
        out.append(entry)
    return out


def documents_of_other_kinds(
    documents: pd.DataFrame, tables: pd.DataFrame, blocks: pd.DataFrame
) -> list[dict[str, Any]]:
    """Documents in which no table family and no passage family found anything: documents of another kind.

    Their tables are kept as unrecognised, their text as text blocks and their numbers in staging.quantities.
    """
    known = set()
    if not tables.empty:
        known |= set(tables.loc[tables["family"] != UNRECOGNISED, "document_id"])
    if not blocks.empty:
        known |= set(blocks.loc[blocks["passage_id"].isin(PASSAGE_IDS), "document_id"])
    return [
        {"where": f"{d.file_name}", "document_id": d.document_id, "pages": int(d.page_count)}
        for d in documents.sort_values("document_id").itertuples(index=False)
        if d.document_id not in known
    ]
