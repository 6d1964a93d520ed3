"""The two OCR engines, each giving text with pixel boxes and a confidence from 0 to 1.

* RapidOCR (PyPI ``rapidocr`` on ``onnxruntime``): the PP-OCR models inside its wheel (Apache-2.0), one
  character box each. It is built with the wheel's default models only: any other model setting would be
  downloaded at run time, which this project never does (a test opens no socket).
* tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-jpn``), called as a binary with TSV output; it reads a
  batch of crops in one process.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from pipelines.lib.errors import PipelineError

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in pixels


class OcrEngineError(PipelineError):
    """An OCR engine is missing or failed."""


@dataclass(frozen=True)
class OcrChar:
    """One character read from the pixels."""

    text: str
    box: Box
    confidence: float


@dataclass(frozen=True)
class OcrLine:
    """One line of text as an engine detected it: its characters left to right."""

    chars: tuple[OcrChar, ...]

    @property
    def text(self) -> str:
        """The line's text."""
        return "".join(c.text for c in self.chars)

    @property
    def box(self) -> Box:
        """The union of its characters' boxes."""
        return (
            min(c.box[0] for c in self.chars),
            min(c.box[1] for c in self.chars),
            max(c.box[2] for c in self.chars),
            max(c.box[3] for c in self.chars),
        )


_RAPID: dict[str, Any] = {}


def _rapid_engine() -> Any:
    """One RapidOCR per process (loading its models takes a second), single-threaded: the pool uses the cores."""
    if "engine" not in _RAPID:
        from rapidocr import RapidOCR

        _RAPID["engine"] = RapidOCR(
            params={
                "Global.log_level": "warning",
                "Global.return_word_box": True,
                "Global.return_single_char_box": True,
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
    return _RAPID["engine"]


def _quad_box(quad: Any) -> Box:
    pts = np.asarray(quad, dtype=float)
    return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())


def _split_word(text: str, box: Box, confidence: float) -> list[OcrChar]:
    """A multi-character word box shared out among its characters in proportion to their widths
    (a full-width character counts twice a half-width one)."""
    if len(text) <= 1:
        return [OcrChar(text, box, confidence)]
    weights = [2.0 if unicodedata_wide(c) else 1.0 for c in text]
    total, x = sum(weights), box[0]
    out = []
    for c, w in zip(text, weights, strict=True):
        step = (box[2] - box[0]) * w / total
        out.append(OcrChar(c, (x, box[1], x + step, box[3]), confidence))
        x += step
    return out


def unicodedata_wide(ch: str) -> bool:
    """True for a full-width character."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


REREAD_BELOW = 0.9
"""A line RapidOCR read below this confidence on the scaled-down page is read again, recognition only, from the
page at full size: small print that the scaled page blurs is read whole there (a long line of 8 pt notes, read as
一一一一 at 0.41 from the 1,600 px page, is read in full at 0.97 from its own pixels)."""
REREAD_MARGIN = 3
"""Pixels of the scaled-down page kept around a line's box when it is cut from the full-size page."""


def rapid_read(gray: np.ndarray, max_side: int) -> list[OcrLine]:
    """Every line RapidOCR finds on a page, with character boxes in the page's pixels (the input is scaled down
    to max_side for the engine and the boxes scaled back; a line read below REREAD_BELOW is read again from the
    full-size page, and the surer reading kept)."""
    h, w = gray.shape[:2]
    factor = min(1.0, max_side / max(h, w))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else gray
    # every step named: RapidOCR keeps a call's step flags for the calls after it (a re-read asks for one step)
    result = _rapid_engine()(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR), use_det=True, use_cls=True, use_rec=True)
    if result.boxes is None or not len(result.boxes):
        return []
    lines = []
    words = result.word_results or [()] * len(result.txts)
    for quad, text, score, line_words in zip(result.boxes, result.txts, result.scores, words, strict=True):
        x0, t, x1, b = _quad_box(quad)
        chars: list[OcrChar] = []
        again = _reread(gray, (x0, t, x1, b), factor) if score < REREAD_BELOW and factor < 1 else None
        if again is not None and again[1] > score:
            chars = _split_word(again[0], (x0 / factor, t / factor, x1 / factor, b / factor), again[1])
        elif line_words:
            for word, conf, wquad in line_words:
                wx0, wt, wx1, wb = _quad_box(wquad)
                chars.extend(_split_word(word, (wx0 / factor, wt / factor, wx1 / factor, wb / factor), float(conf)))
        else:
            chars = _split_word(text, (x0 / factor, t / factor, x1 / factor, b / factor), float(score))
        chars = sorted((c for c in chars if c.text.strip()), key=lambda c: c.box[0])  # words come in any order
        if chars:
            lines.append(OcrLine(tuple(chars)))
    return lines


def _reread(gray: np.ndarray, box: Box, factor: float) -> tuple[str, float] | None:
    """One line read again, recognition only, from its box (in the scaled-down page's pixels) cut from the
    full-size page: its text and confidence, or None when nothing is read."""
    h, w = gray.shape[:2]
    x0, t, x1, b = (
        max(0, int((box[0] - REREAD_MARGIN) / factor)),
        max(0, int((box[1] - REREAD_MARGIN) / factor)),
        min(w, int((box[2] + REREAD_MARGIN) / factor) + 1),
        min(h, int((box[3] + REREAD_MARGIN) / factor) + 1),
    )
    if x1 - x0 < 2 or b - t < 2:
        return None
    crop = cv2.cvtColor(np.ascontiguousarray(gray[t:b, x0:x1]), cv2.COLOR_GRAY2BGR)
    result = _rapid_engine()(crop, use_det=False, use_cls=False, use_rec=True)
    if not result.txts or not result.txts[0].strip():
        return None
    return str(result.txts[0]), float(result.scores[0])


@dataclass(frozen=True)
class TesseractRead:
    """tesseract's reading of one crop: its text (words joined) and the lowest word confidence (0–1)."""

    text: str
    confidence: float


def tesseract_available(cmd: str = "tesseract", lang: str = "jpn") -> bool:
    """True when the tesseract binary and its language data are installed."""
    if shutil.which(cmd) is None:
        return False
    listed = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, check=False)
    return lang in listed.stdout.split()


def tesseract_read_crops(crops: Sequence[np.ndarray], cmd: str = "tesseract", lang: str = "jpn") -> list[TesseractRead]:
    """tesseract's reading of each crop as one line of text (page segmentation mode 7), in one process."""
    if not crops:
        return []
    if shutil.which(cmd) is None:
        raise OcrEngineError(f"the OCR engine {cmd!r} is not installed (Debian: tesseract-ocr tesseract-ocr-jpn)")
    with tempfile.TemporaryDirectory(prefix="ocr-crops-") as tmp:
        names = []
        for i, crop in enumerate(crops):
            name = Path(tmp) / f"{i:05d}.png"
            cv2.imwrite(str(name), crop)
            names.append(str(name))
        listing = Path(tmp) / "crops.txt"
        listing.write_text("\n".join(names) + "\n")
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        done = subprocess.run(
            [cmd, str(listing), "stdout", "-l", lang, "--psm", "7", "tsv"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    if done.returncode != 0:
        raise OcrEngineError(f"tesseract failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return _parse_tsv(done.stdout, len(crops))


def _parse_tsv(tsv: str, n: int) -> list[TesseractRead]:
    """Words of each image (page_num 1..n) joined in order; CJK needs no spaces, so words are concatenated
    with a space only between two Latin letters or digits."""
    words: list[list[tuple[str, float]]] = [[] for _ in range(n)]
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        page = int(row["page_num"]) - 1
        if 0 <= page < n:
            words[page].append((text, max(float(row["conf"]), 0.0) / 100.0))
    out = []
    for ws in words:
        text = ""
        for w, _ in ws:
            text += (" " if text and text[-1].isascii() and text[-1].isalnum() and w[0].isascii() else "") + w
        out.append(TesseractRead(text, min((c for _, c in ws), default=0.0)))
    return out
