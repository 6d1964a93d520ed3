"""staging.overseas_clusters: one row per cluster of 海外の代表的なクラスター その1/その2.

Columns are recognised by their header labels (国, 地域, 主な分野, 経済規模…, 主要大学…, 主要企業…, 発展の経緯),
never by position; texts are kept verbatim. ``country`` is filled down through the merged 国 cells.
:func:`cluster_rows` is shared with :mod:`pipelines.lib.staging.cluster_metrics`, so both tables
name a cluster by the same ``cluster_id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from pipelines.lib.errors import CellValueError, TableHeaderError
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer

FAMILY = "overseas_clusters"
TABLE = table("staging.overseas_clusters")

# Output column -> regex its header cell must fully match (newlines removed).
HEADER_FIELDS: dict[str, str] = {
    "country": r"国",
    "region": r"地域",
    "fields": r"主な分野",
    "economic_scale": r"経済規模.*",
    "universities_institutes": r"主要大学.*",
    "companies_ventures": r"主要企業.*",
    "history": r"発展の経緯",
}


@dataclass(frozen=True)
class ClusterRow:
    """One cluster row of an overseas cluster table, with its cells by output column."""

    document_id: str
    table_id: str
    page: int
    row_idx: int
    cluster_id: str
    cells: Mapping[str, str]
    columns: Mapping[str, int]  # output column -> col_idx, for error messages

    def cell_ref(self, field: str) -> str:
        """'r3c5' for one of this row's cells."""
        return f"r{self.row_idx}c{self.columns[field]}"


def _header_columns(document_id: str, page: int, table_id: str, header: Sequence[str]) -> dict[str, int]:
    found = [h.replace("\n", "") for h in header]
    columns: dict[str, int] = {}
    for field, pattern in HEADER_FIELDS.items():
        hits = [i for i, h in enumerate(found) if re.fullmatch(pattern, h)]
        if len(hits) != 1:
            raise TableHeaderError(f"{document_id}.pdf", page, table_id, list(HEADER_FIELDS.values()), found)
        columns[field] = hits[0]
    return columns


def cluster_rows(raw: RawLayer) -> Iterator[ClusterRow]:
    """Every cluster row of every overseas cluster table, in document, table and row order."""
    for t in raw.tables_of(FAMILY).itertuples():
        document_id, table_id, page = str(t.document_id), str(t.table_id), int(t.page)
        grid = raw.grid(document_id, table_id)
        columns = _header_columns(document_id, page, table_id, grid[0])
        country = ""
        for row_idx, row in enumerate(grid[1:], start=1):
            cells = {field: row[col].strip() for field, col in columns.items()}
            if not any(cells.values()):
                continue
            # Merged 国 cells arrive filled (is_merged_fill); an empty one continues the country above.
            country = cells["country"] or country
            if not country or not cells["region"]:
                field = "country" if not country else "region"
                raise CellValueError(
                    document_id, page, table_id, f"r{row_idx}c{columns[field]}", cells[field], f"no {field}"
                )
            cells["country"] = country
            yield ClusterRow(document_id, table_id, page, row_idx, f"{table_id}_r{row_idx}", cells, dict(columns))


def build_overseas_clusters(raw: RawLayer) -> pd.DataFrame:
    """One row per overseas cluster, texts verbatim, sorted by document and cluster id."""
    rows = [
        {
            "document_id": r.document_id,
            "cluster_id": r.cluster_id,
            **{field: r.cells[field] for field in HEADER_FIELDS},
            "source_page": r.page,
            "source_table_id": r.table_id,
            "source_row": r.row_idx,
            "source_col": None,
        }
        for r in cluster_rows(raw)
    ]
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), kind="stable", ignore_index=True)
