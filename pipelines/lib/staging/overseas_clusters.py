"""staging.overseas_clusters: one row per cluster of 海外の代表的なクラスター その1, その2, … (any number of slides).

Columns are read by what their header says (the overseas_clusters family in pipelines/lib/tables/registry.py:
国, 地域, 主な分野/主要分野, 経済規模…, 主要大学…, 主要企業…, 発展の経緯/沿革 …), in any order; a column the
header does not name leaves its field null, and a header cell that names no field is never read into one.
Texts are kept verbatim. ``country`` is filled down through the merged 国 cells. A cluster is keyed by its
region (``cluster_id``), so a row inserted or a table split over another slide changes no other cluster's key.
:func:`cluster_rows` is shared with :mod:`pipelines.lib.staging.cluster_metrics` and
:mod:`pipelines.lib.staging.cluster_history_events`, so the three tables name a cluster alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.registry import BY_FAMILY

FAMILY = BY_FAMILY["overseas_clusters"]
TABLE = table("staging.overseas_clusters")
FIELDS = tuple(f.name for f in FAMILY.fields)
"""Every column the family can read, each a column of staging.overseas_clusters."""


def cluster_key(region: str) -> str:
    """A cluster's id: its region as printed, line breaks removed (シリコンバ / レー is シリコンバレー)."""
    return region.replace("\n", "").strip()


@dataclass(frozen=True)
class ClusterRow:
    """One cluster row of an overseas cluster table, with its cells by field (only the fields its header names)."""

    document_id: str
    table_id: str
    page: int
    row_idx: int
    cluster_id: str
    cells: Mapping[str, str]
    columns: Mapping[str, int]  # field -> col_idx, for addresses and error messages

    def cell_ref(self, field: str) -> str:
        """'r3c5' for one of this row's cells."""
        return f"r{self.row_idx}c{self.columns[field]}"


def cluster_rows(raw: RawLayer) -> Iterator[ClusterRow]:
    """Every cluster row of every overseas cluster table, in document, page and row order."""
    tables = raw.tables_of(FAMILY.family)
    for t in tables.sort_values(["document_id", "page", "table_id"]).itertuples() if not tables.empty else []:
        document_id, table_id, page = str(t.document_id), str(t.table_id), int(t.page)
        grid = raw.grid(document_id, table_id)
        columns = {name: FAMILY.map_header(grid).index(name) for name in FIELDS}
        columns = {name: col for name, col in columns.items() if col is not None}
        country = ""
        for row_idx, row in enumerate(grid[1:], start=1):
            cells = {field: row[col].strip() for field, col in columns.items()}
            if not any(cells.values()):
                continue
            if not cells["region"]:
                raise CellValueError(document_id, page, table_id, f"r{row_idx}c{columns['region']}", "", "no region")
            # Merged 国 cells arrive filled (is_merged_fill); an empty one continues the country above.
            if "country" in columns:
                country = cells["country"] or country
                cells["country"] = country
            yield ClusterRow(document_id, table_id, page, row_idx, cluster_key(cells["region"]), cells, dict(columns))


def build_overseas_clusters(raw: RawLayer) -> pd.DataFrame:
    """One row per overseas cluster, texts verbatim, sorted by document and cluster id."""
    rows = [
        {
            "document_id": r.document_id,
            "cluster_id": r.cluster_id,
            **{field: r.cells.get(field) for field in FIELDS},  # None where the header names no such column
            "source_page": r.page,
            "source_table_id": r.table_id,
            "source_row": r.row_idx,
            "source_col": None,
        }
        for r in cluster_rows(raw)
    ]
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), kind="stable", ignore_index=True)
