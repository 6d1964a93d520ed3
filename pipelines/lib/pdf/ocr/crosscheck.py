"""Numbers are read twice: every span the first engine read holding a digit is read again, from its crop, by the
second engine. Where the two read different numbers the span is flagged, never silently settled."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cv2
import numpy as np

from pipelines.lib.pdf.ocr.engines import Box, OcrLine, tesseract_read_crops
from pipelines.lib.pdf.ocr.normalize import normalize_ocr_text

DISAGREEMENT_CONFIDENCE = 0.3
"""The confidence of every character of a span the two engines read as different numbers (at most)."""
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_PAD = 0.25  # of the line's height, around its crop
_MIN_CROP_HEIGHT = 72  # px: smaller crops are enlarged for tesseract (measured: 72 reads best)


@dataclass(frozen=True)
class Disagreement:
    """A span whose numbers the two engines read differently: both readings, and where (pixels)."""

    box: Box
    primary: str
    secondary: str


def numbers(text: str) -> list[Decimal]:
    """The numbers printed in a text, in order: ``5,800`` is 5800 and ``5.800`` is 5.8 (the 1000x misreading
    shows up as a different number).

    >>> numbers("約5,800社、2.8万人"), numbers("5.800")
    ([Decimal('5800'), Decimal('2.8')], [Decimal('5.800')])
    """
    out = []
    for m in _NUMBER.finditer(text):
        try:
            out.append(Decimal(m.group(0).replace(",", "")))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits, commas and one point
            continue
    return out


def _crop(gray: np.ndarray, box: Box) -> np.ndarray:
    h = box[3] - box[1]
    pad = max(2, int(_PAD * h))
    x0, t = max(int(box[0]) - pad, 0), max(int(box[1]) - pad, 0)
    x1, b = min(int(box[2]) + pad, gray.shape[1]), min(int(box[3]) + pad, gray.shape[0])
    crop = gray[t:b, x0:x1]
    if 0 < crop.shape[0] < _MIN_CROP_HEIGHT:
        f = _MIN_CROP_HEIGHT / crop.shape[0]
        crop = cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(crop, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)


def crosscheck(
    gray: np.ndarray, lines: Sequence[OcrLine], cmd: str = "tesseract", lang: str = "jpn"
) -> dict[int, Disagreement]:
    """The lines (by index) whose numbers the second engine reads differently from the first."""
    spans = [i for i, ln in enumerate(lines) if any(c.isdigit() for c in ln.text)]
    reads = tesseract_read_crops([_crop(gray, lines[i].box) for i in spans], cmd, lang)
    out = {}
    for i, read in zip(spans, reads, strict=True):
        primary = normalize_ocr_text(lines[i].text)
        secondary = normalize_ocr_text(read.text)
        if numbers(primary) != numbers(secondary):
            out[i] = Disagreement(lines[i].box, primary, secondary)
    return out
