"""One scanned page read: deskewed pixels, RapidOCR's characters, tesseract's second reading of every number,
and the ruled lines, all in PDF points."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.lib.pdf.ocr.crosscheck import DISAGREEMENT_CONFIDENCE, Disagreement, crosscheck
from pipelines.lib.pdf.ocr.engines import OcrLine, rapid_read
from pipelines.lib.pdf.ocr.image import PageImage, deskewed_page
from pipelines.lib.pdf.ocr.normalize import normalize_chars
from pipelines.lib.pdf.ocr.raster_lines import RasterLine, find_raster_lines, without_rules
from pipelines.lib.pdf.ocr.settings import OcrSettings

SIZE_OF_BOX = 0.85  # a character box's height is this many font sizes (the engines' boxes are loose)
BASELINE_IN_BOX = 0.12  # the baseline sits this fraction of the box's height above its bottom


@dataclass
class PageRead:
    """What OCR read on one page (1-based), in PDF points of the deskewed page."""

    page: int
    width_pt: float
    height_pt: float
    skew_deg: float
    chars: list[dict[str, Any]]  # pdfplumber-like char objects with a `confidence` (0–1)
    lines: list[RasterLine]
    disagreements: list[tuple[tuple[float, float, float, float], str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def char_object(text: str, box_pt: tuple[float, float, float, float], confidence: float, height: float) -> dict:
    """A character read by OCR, shaped like pdfplumber's char objects (the layout code reads it like a glyph)."""
    x0, top, x1, bottom = box_pt
    h = bottom - top
    base = bottom - BASELINE_IN_BOX * h
    return {
        "object_type": "char",
        "text": text,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "y0": height - bottom,
        "y1": height - top,
        "width": x1 - x0,
        "height": h,
        "size": SIZE_OF_BOX * h,
        "adv": x1 - x0,
        "matrix": (1.0, 0.0, 0.0, 1.0, x0, height - base),
        "upright": True,
        "fontname": "OCR",
        "confidence": round(confidence, 4),
    }


def _line_above(lines: list[OcrLine], i: int) -> str:
    """The last character of the line this one continues (a wrap inside a cell): the nearest line just above it
    that starts at the same left edge; '' when there is none."""
    x0, top, _, bottom = lines[i].box
    h = bottom - top
    above = [
        ln
        for ln in lines
        if abs(ln.box[0] - x0) <= h and -0.5 * h <= top - ln.box[3] <= 0.8 * h and ln.box[1] < top - 0.5 * h
    ]
    return max(above, key=lambda ln: ln.box[3]).chars[-1].text if above else ""


def _chars(lines: list[OcrLine], flagged: dict[int, Disagreement], image: PageImage) -> list[dict[str, Any]]:
    s = image.scale
    out = []
    for i, ln in enumerate(lines):
        texts = normalize_chars([c.text for c in ln.chars], _line_above(lines, i))
        for ch, text in zip(ln.chars, texts, strict=True):
            if not text.strip():
                continue
            conf = min(ch.confidence, DISAGREEMENT_CONFIDENCE) if i in flagged else ch.confidence
            box = (ch.box[0] / s, ch.box[1] / s, ch.box[2] / s, ch.box[3] / s)
            obj = char_object(text, box, conf, image.height_pt)
            if i in flagged:
                obj["ocr_alt"] = flagged[i].secondary
            out.append(obj)
    return out


def read_page(path: Path, page_number: int, settings: OcrSettings) -> PageRead:
    """Render, deskew and read one page (1-based) with both engines."""
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    image = deskewed_page(path, page_number - 1, settings.dpi, settings.max_skew_deg)
    seconds["render_deskew"] = time.perf_counter() - t
    t = time.perf_counter()
    lines = rapid_read(image.pixels, settings.rapid_max_side)
    seconds["rapidocr"] = time.perf_counter() - t
    flagged: dict[int, Disagreement] = {}
    if settings.crosscheck:
        t = time.perf_counter()
        flagged = crosscheck(
            without_rules(image.pixels, image.scale), lines, settings.tesseract_cmd, settings.tesseract_lang
        )
        seconds["tesseract"] = time.perf_counter() - t
    t = time.perf_counter()
    rules = find_raster_lines(image.pixels, image.scale)
    seconds["raster_lines"] = time.perf_counter() - t
    s = image.scale
    disagreements = [
        ((d.box[0] / s, d.box[1] / s, d.box[2] / s, d.box[3] / s), d.primary, d.secondary) for d in flagged.values()
    ]
    return PageRead(
        page_number,
        image.width_pt,
        image.height_pt,
        image.skew_deg,
        _chars(lines, flagged, image),
        rules,
        disagreements,
        seconds,
    )
