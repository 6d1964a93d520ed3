"""Every number has an address: a staging row's raw_text is found in the raw cell or text block it names.

``source_table_id``/``source_row``/``source_col`` point into raw.table_cells (a table cell) or, with a null
``source_col``, into raw.text_blocks (a passage paragraph on ``source_page``). The text is compared with
whitespace removed and :func:`pipelines.lib.normalize.clean_text` applied to both sides, as the builders
read it. A row whose address is a line printed with the table (null ``source_row``) is not checked here.
"""

from __future__ import annotations

import re
from typing import Any

from pipelines.lib.normalize import clean_text
from pipelines.lib.schema import Table

_SOURCE_SQL = """
SELECT s.source_page, s.source_table_id, s.source_row, s.source_col, s.raw_text, coalesce(c.text, b.text) AS source
FROM {table} AS s
LEFT JOIN raw.table_cells AS c
    ON s.source_col IS NOT NULL AND c.document_id = s.document_id AND c.table_id = s.source_table_id
    AND c.row_idx = s.source_row AND c.col_idx = s.source_col
LEFT JOIN raw.text_blocks AS b
    ON s.source_col IS NULL AND b.document_id = s.document_id AND b.passage_id = s.source_table_id
    AND b.page = s.source_page AND b.block_idx = s.source_row
WHERE s.source_row IS NOT NULL AND s.document_id = ?
ORDER BY ALL
"""


def _norm(text: str | None) -> str:
    return re.sub(r"\s", "", clean_text(text or ""))


def unresolved_rows(con: Any, spec: Table, document_id: str) -> list[str]:
    """Rows of one document whose address names no raw cell or block, or one without their raw_text."""
    if "raw_text" not in spec.column_names:
        return []
    out = []
    for page, table_id, row, col, raw_text, source in con.execute(
        _SOURCE_SQL.format(table=spec.qualified), [document_id]
    ).fetchall():
        where = f"{document_id}.pdf, page {page}, table {table_id}, " + (
            f"cell r{row}c{col}" if col is not None else f"block {row}"
        )
        if source is None:
            out.append(f"{where}: no such raw cell or block for {raw_text!r}")
        elif _norm(raw_text) not in _norm(source):
            out.append(f"{where}: {raw_text!r} is not in {source[:60]!r}")
    return out
