"""staging.cluster_history_events: the dated milestones of each overseas cluster's 発展の経緯."""

from __future__ import annotations

import re

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import NormalizeError, find_years
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer

SPEC = table("staging.cluster_history_events")
HISTORY_HEADER = "発展の経緯"
_SENTENCE = re.compile(r"[^。]+。?")


def build_cluster_history_events(raw: RawLayer) -> pd.DataFrame:
    """One row per sentence of 発展の経緯 that carries a year; the sentence's first year expression dates it."""
    rows = []
    for t in raw.tables_of("overseas_clusters").itertuples():
        grid = raw.grid(t.document_id, t.table_id)
        col = [c.replace("\n", "") for c in grid[0]].index(HISTORY_HEADER)
        for r in range(1, len(grid)):
            cell = grid[r][col]
            event_idx = 0
            for sentence in _SENTENCE.findall(cell.replace("\n", "")):
                try:
                    years = find_years(sentence)
                except NormalizeError as exc:
                    raise CellValueError(
                        t.document_id, int(t.page), t.table_id, f"r{r}c{col}", sentence, str(exc)
                    ) from exc
                if not years:
                    continue
                first = years[0]
                rows.append(
                    {
                        "document_id": t.document_id,
                        "cluster_id": f"{t.table_id}_r{r}",
                        "event_idx": event_idx,
                        "start_year": first.start,
                        "end_year": first.end,
                        "modifier": first.modifier,
                        "text": sentence.strip(),
                        "raw_text": first.raw_text,
                        "source_page": int(t.page),
                        "source_table_id": t.table_id,
                        "source_row": r,
                        "source_col": col,
                    }
                )
                event_idx += 1
    return typed_frame(rows, SPEC)
