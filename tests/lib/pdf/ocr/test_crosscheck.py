"""Numbers are read twice; where the engines disagree the span is flagged and its confidence lowered."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from pipelines.lib.pdf.ocr import crosscheck as cc
from pipelines.lib.pdf.ocr.engines import OcrChar, OcrLine, TesseractRead
from pipelines.lib.pdf.ocr.image import PageImage
from pipelines.lib.pdf.ocr.read import _chars


def _line(text: str, y: float = 10.0) -> OcrLine:
    return OcrLine(tuple(OcrChar(c, (10.0 * i, y, 10.0 * i + 9, y + 20), 0.99) for i, c in enumerate(text)))


def test_numbers_tell_a_decimal_point_from_a_thousands_comma():
    assert cc.numbers("ハイテク企業約5,800社") == [Decimal(5800)]
    assert cc.numbers("5.800") == [Decimal("5.8")]
    assert cc.numbers("2001～5") == [Decimal(2001), Decimal(5)]


def test_a_silent_1000x_misreading_is_flagged_never_chosen(monkeypatch):
    """tesseract read 5,800社 as 5.800: the span is flagged with both readings, and the first engine's text stays."""
    lines = [_line("企業約5,800社"), _line("研究開発", 40), _line("人口約230万人", 70)]
    asked = []

    def fake(crops, cmd, lang):
        asked.extend(crops)
        return [TesseractRead("企業約5.800社", 0.9), TesseractRead("人口約230万人", 0.9)]

    monkeypatch.setattr(cc, "tesseract_read_crops", fake)
    flagged = cc.crosscheck(np.full((120, 200), 255, np.uint8), lines)
    assert len(asked) == 2  # only the spans holding a digit are read again
    assert list(flagged) == [0]
    assert (flagged[0].primary, flagged[0].secondary) == ("企業約5,800社", "企業約5.800社")
    image = PageImage(np.zeros((120, 200), np.uint8), 72, 0.0, 200.0, 120.0)
    chars = _chars(lines, flagged, image)
    first = [c for c in chars if c["top"] == 10.0]
    assert "".join(c["text"] for c in first) == "企業約5,800社"
    assert max(c["confidence"] for c in first) <= cc.DISAGREEMENT_CONFIDENCE
    assert all(c["ocr_alt"] == "企業約5.800社" for c in first)
    assert min(c["confidence"] for c in chars if c["top"] == 70.0) > cc.DISAGREEMENT_CONFIDENCE
