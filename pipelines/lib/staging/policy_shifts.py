"""staging.policy_shifts: the 社会と地域経済政策の変化 table, one row per theme, aspect and period compared.

Columns are read by what their header says (the policy_shift family: 時代 the theme, 区分 the aspect, and every
other column a period compared: 20世紀, 21世紀, or whatever periods an edition prints), in any order. Every other
row is a theme and aspect with one text per period; merged theme cells arrive filled. Texts are kept verbatim,
bullets and line breaks included.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.registry import BY_FAMILY

TABLE = table("staging.policy_shifts")
FAMILY = BY_FAMILY["policy_shift"]


def build_policy_shifts(raw: RawLayer) -> pd.DataFrame:
    """One row per (theme, aspect, period) cell of every policy_shift table, sorted by the table key."""
    rows: list[dict[str, Any]] = []
    for t in raw.tables_of(FAMILY.family).itertuples():
        document_id, table_id, page = str(t.document_id), str(t.table_id), int(t.page)
        grid = raw.grid(document_id, table_id)
        mapped = FAMILY.map_header(grid)  # the family requires theme and aspect: a table without them is unrecognised
        theme_col, aspect_col = mapped.fields["theme"][0], mapped.fields["aspect"][0]
        periods = {c: grid[0][c].strip() for c in mapped.fields.get("period", ())}
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
