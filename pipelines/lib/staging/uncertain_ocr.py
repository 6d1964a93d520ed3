"""The values OCR was unsure of: read below UNCERTAIN_BELOW confidence, or read differently by the two engines
(a disagreement caps the confidence at DISAGREEMENT_CONFIDENCE), with their document, page, table, cell and raw text.

staging.quantities gives every number read on a scan with its confidence; the lines printed with a table
(raw.table_annotations) are listed too, since a builder that could not read an uncertain one left it out. Each
finding keeps its address (document_id, page, table, row, col: a table cell, a text block's row, or a line of a
table without row), so the report and the check's metadata can show the crop of the page it was read from.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.lib.pdf.ocr.crosscheck import DISAGREEMENT_CONFIDENCE
from pipelines.lib.pdf.ocr.settings import UNCERTAIN_BELOW


def _int(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _reason(confidence: float) -> str:
    if confidence <= DISAGREEMENT_CONFIDENCE:
        return "the two OCR engines read it differently"
    return f"OCR confidence {confidence:.2f} < {UNCERTAIN_BELOW}"


def _uncertain(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty or "confidence" not in frame:
        return frame.iloc[0:0]
    conf = pd.to_numeric(frame["confidence"], errors="coerce")
    return frame[conf.notna() & (conf < UNCERTAIN_BELOW)]


def uncertain_ocr_values(quantities: pd.DataFrame, annotations: pd.DataFrame) -> list[dict[str, Any]]:
    """One finding per uncertain quantity (page, table, row and column) and per uncertain annotation."""
    out: list[dict[str, Any]] = []
    for q in _uncertain(quantities).itertuples():
        row, col = _int(q.source_row), _int(q.source_col)
        cell = ("" if row is None else f", row {row}") + ("" if col is None else f", column {col}")
        out.append(
            {
                "document_id": str(q.document_id),
                "page": int(q.source_page),
                "table": str(q.source_table_id),
                "row": row,
                "col": col,
                "cell": cell.lstrip(", ") or "text block",
                "raw_text": str(q.raw_text),
                "confidence": float(q.confidence),
                "reason": _reason(float(q.confidence)),
            }
        )
    for a in _uncertain(annotations).itertuples():
        out.append(
            {
                "document_id": str(a.document_id),
                "page": int(a.page),
                "table": str(a.table_id),
                "row": None,
                "col": None,
                "cell": f"{a.kind} {int(a.seq)}",
                "raw_text": str(a.text),
                "confidence": float(a.confidence),
                "reason": _reason(float(a.confidence)),
            }
        )
    return sorted(out, key=lambda f: (f["document_id"], f["page"], f["table"], f["cell"]))


def describe(finding: dict[str, Any]) -> str:
    """'page 3, table overseas_clusters_1, row 2, column 5: 約1750社 (OCR confidence 0.62 < 0.8)'."""
    f = finding
    return f"page {f['page']}, table {f['table']}, {f['cell']}: {f['raw_text']} ({f['reason']})"
