"""staging.cluster_history_events: the dated milestones of each overseas cluster's 発展の経緯 (or 沿革).

The history column is read by what its header says (the overseas_clusters family's ``history`` field), in
whatever position it stands; a cluster is named as in staging.overseas_clusters (its region).
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import NormalizeError, find_years
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.overseas_clusters import cluster_rows
from pipelines.lib.staging.raw_layer import RawLayer

SPEC = table("staging.cluster_history_events")
HISTORY = "history"
_SENTENCE = re.compile(r"[^。]+。?")


def build_cluster_history_events(raw: RawLayer) -> pd.DataFrame:
    """One row per sentence of a cluster's history that carries a year; its first year expression dates it."""
    rows = []
    for cluster in cluster_rows(raw):
        if HISTORY not in cluster.cells:
            continue
        col = cluster.columns[HISTORY]
        event_idx = 0
        for sentence in _SENTENCE.findall(cluster.cells[HISTORY].replace("\n", "")):
            try:
                years = find_years(sentence)
            except NormalizeError as exc:
                ref = cluster.cell_ref(HISTORY)
                raise CellValueError(
                    cluster.document_id, cluster.page, cluster.table_id, ref, sentence, str(exc)
                ) from exc
            if not years:
                continue
            first = years[0]
            rows.append(
                {
                    "document_id": cluster.document_id,
                    "cluster_id": cluster.cluster_id,
                    "event_idx": event_idx,
                    "start_year": first.start,
                    "end_year": first.end,
                    "modifier": first.modifier,
                    "text": sentence.strip(),
                    "raw_text": first.raw_text,
                    "source_page": cluster.page,
                    "source_table_id": cluster.table_id,
                    "source_row": cluster.row_idx,
                    "source_col": col,
                }
            )
            event_idx += 1
    return typed_frame(rows, SPEC)
