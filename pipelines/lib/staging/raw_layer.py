"""The raw layer as staging builders see it: DataFrames of raw.* plus small accessors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.pdf.ocr.settings import UNCERTAIN_BELOW
from pipelines.lib.schema import table
from pipelines.lib.tables.extract import (
    DocumentExtraction,
    annotations_frame,
    blocks_frame,
    cells_frame,
    documents_frame,
    tables_frame,
)


@dataclass(frozen=True)
class RawLayer:
    """raw.documents, raw.tables, raw.table_cells, raw.table_annotations and raw.text_blocks."""

    documents: pd.DataFrame
    tables: pd.DataFrame
    table_cells: pd.DataFrame
    table_annotations: pd.DataFrame
    text_blocks: pd.DataFrame

    @classmethod
    def from_extractions(cls, extractions: Iterable[DocumentExtraction]) -> RawLayer:
        """Concatenate the raw frames of several documents."""
        exs = list(extractions)

        def cat(name: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
            frames = [f for f in frames if not f.empty]  # a document with no table has empty frames
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=table(name).column_names)

        return cls(
            documents=documents_frame([e.document for e in exs]),
            tables=cat("raw.tables", [tables_frame(e) for e in exs]),
            table_cells=cat("raw.table_cells", [cells_frame(e) for e in exs]),
            table_annotations=cat("raw.table_annotations", [annotations_frame(e) for e in exs]),
            text_blocks=cat("raw.text_blocks", [blocks_frame(e) for e in exs]),
        )

    def without_uncertain(self, error: CellValueError) -> RawLayer | None:
        """This raw layer without the OCR'd text a builder could not read, when that text is uncertain (read by
        OCR below UNCERTAIN_BELOW confidence): an annotation or text block is left out, a cell is emptied. None
        when the text is no such reading (a text layer's garble, or a confident OCR one): the error stands."""

        if not error.text.strip():
            return None

        def uncertain(frame: pd.DataFrame) -> pd.Series:
            if frame.empty or "confidence" not in frame:
                return pd.Series(False, index=frame.index)
            return (
                (frame["document_id"] == error.document_id)
                & (frame["text_origin"] == "ocr")
                & (frame["confidence"].astype(float) < UNCERTAIN_BELOW)
                & frame["text"].astype(str).str.contains(error.text.strip(), regex=False)
            )

        notes, blocks, cells = (uncertain(f) for f in (self.table_annotations, self.text_blocks, self.table_cells))
        if not (notes.any() or blocks.any() or cells.any()):
            return None
        emptied = self.table_cells.copy()
        emptied.loc[cells, "text"] = ""
        return replace(
            self,
            table_annotations=self.table_annotations[~notes],
            text_blocks=self.text_blocks[~blocks],
            table_cells=emptied,
        )

    def tables_of(self, family: str) -> pd.DataFrame:
        """raw.tables rows of one family, ordered by document and table id."""
        if self.tables.empty:
            return self.tables
        return self.tables[self.tables["family"] == family].sort_values(["document_id", "table_id"])

    def grid(self, document_id: str, table_id: str) -> list[list[str]]:
        """The cell texts of one table as a list of rows."""
        cells = self.table_cells[
            (self.table_cells["document_id"] == document_id) & (self.table_cells["table_id"] == table_id)
        ]
        n_rows = int(cells["row_idx"].max()) + 1
        n_cols = int(cells["col_idx"].max()) + 1
        out = [["" for _ in range(n_cols)] for _ in range(n_rows)]
        for r in cells.itertuples():
            out[int(r.row_idx)][int(r.col_idx)] = str(r.text)
        return out

    def annotations(self, document_id: str, table_id: str, kind: str | None = None) -> pd.DataFrame:
        """raw.table_annotations of one table (optionally of one kind), in order."""
        a = self.table_annotations
        if a.empty:
            return a
        a = a[(a["document_id"] == document_id) & (a["table_id"] == table_id)]
        if kind is not None:
            a = a[a["kind"] == kind]
        return a.sort_values("seq")

    def texts(self, document_id: str) -> list[str]:
        """Every text the raw layer holds for one document: cells, annotations and text blocks."""
        out: list[str] = []
        for frame in (self.table_cells, self.table_annotations, self.text_blocks):
            if not frame.empty:
                out += [str(t) for t in frame.loc[frame["document_id"] == document_id, "text"].dropna()]
        return out

    def of_document(self, document_id: str) -> RawLayer:
        """Only one document's rows (in their order): what a builder reads to build that document."""

        def mine(frame: pd.DataFrame) -> pd.DataFrame:
            if frame.empty:
                return frame
            return frame[frame["document_id"] == document_id].reset_index(drop=True)

        return RawLayer(*(mine(getattr(self, name)) for name in RAW_TABLES))

    def blocks(self, passage_id: str) -> pd.DataFrame:
        """raw.text_blocks of one passage, in document, page and block order."""
        b = self.text_blocks
        if b.empty:
            return b
        return b[b["passage_id"] == passage_id].sort_values(["document_id", "page", "block_idx"])


RAW_TABLES = ("documents", "tables", "table_cells", "table_annotations", "text_blocks")


def raw_layer_from_duckdb(
    con: object, names: Iterable[str] = RAW_TABLES, documents: Iterable[str] | None = None
) -> RawLayer:
    """Read raw.<name> back from a DuckDB connection (only the rows of ``documents``, when given); the raw
    tables not named are empty (registry columns)."""
    frames = {}
    names = tuple(names)
    wanted = None if documents is None else sorted(set(documents))
    for name in RAW_TABLES:
        if name in names:
            where = "" if wanted is None else " WHERE document_id IN (SELECT unnest(?::VARCHAR[]))"
            frames[name] = con.execute(f"SELECT * FROM raw.{name}{where}", [] if wanted is None else [wanted]).df()  # type: ignore[attr-defined]
        else:
            frames[name] = pd.DataFrame(columns=table(f"raw.{name}").column_names)
    return RawLayer(**frames)
