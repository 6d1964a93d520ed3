"""staging.policy_shifts: the 社会と地域経済政策の変化 table, one row per theme, aspect and period compared.

The table's header names its columns: 時代 (the theme), 区分 (the aspect) and one column per period
compared (20世紀, 21世紀, or whatever periods an edition prints). Every other row is a theme and aspect with
one text per period; merged theme cells arrive filled. Texts are kept verbatim, bullets and line breaks
included. Columns are found by their header labels, never by position.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pipelines.lib.errors import TableHeaderError
from pipelines.lib.normalize import clean_text
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer

TABLE = table("staging.policy_shifts")
FAMILY = "policy_shift"
THEME_HEADER = re.compile(r"時代")
ASPECT_HEADER = re.compile(r"区分")


def _label_columns(document_id: str, page: int, table_id: str, header: list[str]) -> tuple[int, int]:
    found = [clean_text(h.replace("\n", "")) for h in header]
    themes = [i for i, h in enumerate(found) if THEME_HEADER.fullmatch(h)]
    aspects = [i for i, h in enumerate(found) if ASPECT_HEADER.fullmatch(h)]
    if len(themes) != 1 or len(aspects) != 1:
        raise TableHeaderError(f"{document_id}.pdf", page, table_id, ["時代", "区分", "…"], found)
    return themes[0], aspects[0]


def build_policy_shifts(raw: RawLayer) -> pd.DataFrame:
    """One row per (theme, aspect, period) cell of every policy_shift table, sorted by the table key."""
    rows: list[dict[str, Any]] = []
    for t in raw.tables_of(FAMILY).itertuples():
        document_id, table_id, page = str(t.document_id), str(t.table_id), int(t.page)
        grid = raw.grid(document_id, table_id)
        theme_col, aspect_col = _label_columns(document_id, page, table_id, grid[0])
        periods = {c: h.strip() for c, h in enumerate(grid[0]) if c not in (theme_col, aspect_col) and h.strip()}
        for r, line in enumerate(grid[1:], start=1):
            theme, aspect = line[theme_col].strip(), line[aspect_col].strip()
            for c, period in periods.items():
                if not line[c].strip():
                    continue
                rows.append(
                    {
                        "document_id": document_id,
                        "theme": theme,
                        "aspect": aspect,
                        "period": period,
                        "text": line[c].strip(),
                        "source_page": page,
                        "source_table_id": table_id,
                        "source_row": r,
                        "source_col": c,
                    }
                )
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), kind="stable", ignore_index=True)
