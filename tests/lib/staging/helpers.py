"""Helpers for staging tests: store a frame the way the warehouse does, and corrupt copies of the raw layer."""

from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd

from pipelines.lib.schema import table
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.warehouse.build import read_table, write_table


def through_duckdb(frame: pd.DataFrame, qualified: str) -> pd.DataFrame:
    """Write frame with the warehouse's own write_table and read it back as the asset check does."""
    spec = table(qualified)
    con = duckdb.connect()
    try:
        write_table(con, spec, frame)
        return read_table(con, spec)
    finally:
        con.close()


def with_cell_text(raw: RawLayer, table_id: str, row: int, col: int, text: str) -> RawLayer:
    """A copy of the raw layer with one table cell's text replaced."""
    cells = raw.table_cells.copy()
    hit = (cells["table_id"] == table_id) & (cells["row_idx"] == row) & (cells["col_idx"] == col)
    assert hit.sum() == 1
    cells.loc[hit, "text"] = text
    return dataclasses.replace(raw, table_cells=cells)


def with_block_text(raw: RawLayer, passage: str, block_idx: int, old: str, new: str) -> RawLayer:
    """A copy of the raw layer with ``old`` replaced by ``new`` in one text block."""
    blocks = raw.text_blocks.copy()
    hit = (blocks["passage_id"] == passage) & (blocks["block_idx"] == block_idx)
    assert hit.sum() == 1 and old in blocks.loc[hit, "text"].iloc[0]
    blocks.loc[hit, "text"] = blocks.loc[hit, "text"].str.replace(old, new, regex=False)
    return dataclasses.replace(raw, text_blocks=blocks)


# The bundled deck's suite parameters, read off the PDF: 28 pages, dated by its own text 平成17年度 (2005).
BUNDLED_PARAMETERS = {"page_count": 28, "document_year": 2005, "max_year": 2005 + 40}


def validate_staging(name: str, frame: pd.DataFrame):
    """Run staging.<name>'s whole suite (registry + file) on a frame with the bundled deck's parameters."""
    from pipelines.lib.validation.validate import validate_frame

    return validate_frame(name, frame, parameters=BUNDLED_PARAMETERS)
