"""A scanned page as pixels: rendered with pypdfium2 at the settings' DPI, then deskewed.

The skew is the angle that makes the rows of ink sharpest (the variance of the horizontal projection profile is
largest when text lines and rules are level). Everything read from the page afterwards is in the deskewed
frame, scaled to PDF points: the page as it was before it was scanned askew.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

_PROFILE_WIDTH = 1000  # px: the skew is estimated on a copy this wide
_COARSE_STEP = 0.25  # degrees
_FINE_STEP = 0.02


@dataclass(frozen=True)
class PageImage:
    """A deskewed grayscale page (uint8, white paper) and how its pixels map to PDF points."""

    pixels: np.ndarray
    dpi: int
    skew_deg: float  # the angle the scan was rotated by to level it
    width_pt: float
    height_pt: float

    @property
    def scale(self) -> float:
        """Pixels per PDF point."""
        return self.dpi / 72.0


def render_page(path: Path, page_index: int, dpi: int) -> np.ndarray:
    """One page (0-based) rendered to grayscale pixels at dpi."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        bitmap = pdf[page_index].render(scale=dpi / 72.0, grayscale=True)
        pixels = np.array(bitmap.to_pil().convert("L"))
    finally:
        pdf.close()
    return pixels


def ink(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0 (Otsu's threshold, so shading lighter than the text is paper)."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def rotate(gray: np.ndarray, angle_deg: float, border: int = 255) -> np.ndarray:
    """The image rotated counter-clockwise by angle_deg about its centre, same size, edges filled with border."""
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def _sharpness(binary: np.ndarray, angle: float) -> float:
    profile = rotate(binary, angle, border=0).sum(axis=1, dtype=np.float64)
    return float(np.var(np.diff(profile)))


def estimate_skew(gray: np.ndarray, max_deg: float) -> float:
    """The rotation (degrees, counter-clockwise) that levels the page's rows of ink; 0 for a blank page."""
    binary = ink(gray)
    if not binary.any():
        return 0.0
    factor = min(1.0, _PROFILE_WIDTH / binary.shape[1])
    small = cv2.resize(binary, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else binary
    coarse = np.arange(-max_deg, max_deg + 1e-9, _COARSE_STEP)
    best = max(coarse, key=lambda a: _sharpness(small, float(a)))
    fine = np.arange(best - _COARSE_STEP, best + _COARSE_STEP + 1e-9, _FINE_STEP)
    return round(float(max(fine, key=lambda a: _sharpness(small, float(a)))), 2)


def deskewed_page(path: Path, page_index: int, dpi: int, max_skew_deg: float) -> PageImage:
    """Render one page and level it; the PDF page size comes from the same renderer."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        width_pt, height_pt = pdf[page_index].get_size()
    finally:
        pdf.close()
    gray = render_page(path, page_index, dpi)
    angle = estimate_skew(gray, max_skew_deg)
    level = rotate(gray, angle) if angle else gray
    return PageImage(level, dpi, angle, float(width_pt), float(height_pt))
