"""Paragraphs of OCR'd lines: a line set apart to the right (a right-aligned date) is no wrapped line."""

from __future__ import annotations

import pytest

from pipelines.lib.pdf.layout import TextLine, paragraphs
from pipelines.lib.pdf.ocr.read import char_object

SIZE = 10.0


def _line(text: str, x0: float, top: float, ocr: bool) -> TextLine:
    chars = []
    for i, ch in enumerate(text):
        c = char_object(ch, (x0 + i * SIZE, top, x0 + (i + 1) * SIZE, top + SIZE / 0.85), 0.99, 500.0)
        if not ocr:
            del c["confidence"]
        chars.append(c)
    bbox = (x0, top, x0 + len(text) * SIZE, top + SIZE / 0.85)
    return TextLine(text, bbox, SIZE, tuple(chars))


@pytest.mark.parametrize(("ocr", "paragraphs_found"), [(True, 2), (False, 1)])
def test_a_right_aligned_date_above_a_heading_is_its_own_paragraph(ocr, paragraphs_found):
    date = _line("2004年4月現在", 200.0, 100.0, ocr)  # ends at the right edge
    heading = _line("(2)参画企業アンケート結果", 20.0, 114.0, ocr)
    found = paragraphs([date, heading], right_edge=date.bbox[2])
    assert len(found) == paragraphs_found  # a text layer's lines are judged as before
