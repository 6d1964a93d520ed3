"""The completeness rule: every data record of every recognised raw table is accounted for in staging.

A staging table that covers a family (:class:`pipelines.lib.staging.registry.Covers`) must reference each
data record of each table of that family through its provenance columns: ``source_row`` for a family
whose records are rows, ``source_col`` for one whose records are columns. A record is data when some
cell of it has text; a row that is one merged cell spanning the whole table (a section heading such as
(1)産学官のネットワーク形成) is a heading, not a record. A record no staging row references was taken by
no builder: it is listed, so the check can name the document, page, table and record.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines.lib.staging.registry import Covers
from pipelines.lib.tables.registry import BY_FAMILY


@dataclass(frozen=True)
class MissingRecord:
    """A raw record no staging row accounts for."""

    document_id: str
    table_id: str
    page: int
    records: str  # rows or columns
    index: int
    text: str  # the record's first non-empty cell, shortened

    def describe(self) -> str:
        """'meti.pdf, page 3, table overseas_clusters_1, row 7 (スウェーデン…): taken by no staging row'."""
        what = "row" if self.records == "rows" else "column"
        return (
            f"{self.document_id}.pdf, page {self.page}, table {self.table_id}, {what} {self.index} "
            f"({self.text!r}): taken by no staging row"
        )


def _data_records(cells: pd.DataFrame, axis: str, first: int) -> dict[int, str]:
    """Record index → its first text, for the records of one table that hold data."""
    index_col = "row_idx" if axis == "rows" else "col_idx"
    out: dict[int, str] = {}
    for idx, record in cells.groupby(index_col, sort=True):
        if int(idx) < first:
            continue
        texts = [str(t).strip() for t in record.sort_values(["row_idx", "col_idx"])["text"]]
        filled = [t for t in texts if t]
        if not filled:
            continue
        fills = int(record["is_merged_fill"].astype(bool).sum())
        if axis == "rows" and len(texts) > 1 and len(set(texts)) == 1 and fills == len(texts) - 1:
            continue  # one merged cell spanning the table: a section heading
        out[int(idx)] = filled[0][:40]
    return out


def _first_record(family: str, cells: pd.DataFrame) -> int:
    """1 when the table prints a header row naming its value columns, else 0 (every row a record)."""
    grid = [["" for _ in range(int(cells["col_idx"].max()) + 1)] for _ in range(int(cells["row_idx"].max()) + 1)]
    for c in cells.itertuples(index=False):
        grid[int(c.row_idx)][int(c.col_idx)] = str(c.text or "")
    return 0 if BY_FAMILY[family].map_values(grid) is None else 1


def missing_records(
    tables: pd.DataFrame, table_cells: pd.DataFrame, staged: pd.DataFrame, covers: tuple[Covers, ...]
) -> list[MissingRecord]:
    """The data records of the covered families' raw tables that no row of ``staged`` references."""
    if not covers or tables.empty:
        return []
    missing: list[MissingRecord] = []
    for cover in covers:
        position = "source_row" if cover.records == "rows" else "source_col"
        refs = staged.dropna(subset=[position]) if len(staged) else staged
        taken = {
            (str(d), str(t), int(i))
            for d, t, i in zip(refs["document_id"], refs["source_table_id"], refs[position], strict=True)
        }
        for t in tables[tables["family"] == cover.family].sort_values(["document_id", "table_id"]).itertuples():
            cells = table_cells[(table_cells["document_id"] == t.document_id) & (table_cells["table_id"] == t.table_id)]
            first = cover.first if cover.first is not None else _first_record(cover.family, cells)
            for idx, text in _data_records(cells, cover.records, first).items():
                if (str(t.document_id), str(t.table_id), idx) not in taken:
                    where = (str(t.document_id), str(t.table_id), int(t.page))
                    missing.append(MissingRecord(*where, cover.records, idx, text))
    return missing
