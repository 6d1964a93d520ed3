"""Deskew and ruled lines from pixels, on a drawn table: turned, speckled, with a shaded header row."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipelines.lib.pdf.ocr.image import estimate_skew, rotate
from pipelines.lib.pdf.ocr.raster_lines import find_raster_lines, line_objects, without_rules

SCALE = 150 / 72  # a 150 dpi scan


def _table(shaded: bool = True) -> np.ndarray:
    """A 4 x 3 ruled table on a 720 x 540 pt slide, with text-like blobs in its cells."""
    img = np.full((int(540 * SCALE), int(720 * SCALE)), 255, np.uint8)
    xs = [int(v * SCALE) for v in (60, 200, 420, 660)]
    ys = [int(v * SCALE) for v in (100, 140, 220, 300, 380)]
    if shaded:
        img[ys[0] : ys[1], xs[0] : xs[-1]] = 200
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for y in ys[:-1]:
        for x in xs[:-1]:
            for k in range(5):  # glyphs: about 10 pt squares
                x0, y0 = x + int((8 + 14 * k) * SCALE), y + int(12 * SCALE)
                cv2.rectangle(img, (x0, y0), (x0 + int(10 * SCALE), y0 + int(10 * SCALE)), 30, 1)
    return img


@pytest.mark.parametrize("angle", [0.8, -0.5, 0.0])
def test_the_skew_is_found_and_undone(angle):
    turned = rotate(_table(), angle)
    assert abs(estimate_skew(turned, 3.0) + angle) <= 0.1


def test_every_rule_is_found_through_shading_and_speckle():
    img = _table()
    rng = np.random.default_rng(0)
    noise = rng.random(img.shape) < 0.002
    img[noise] = 0
    lines = find_raster_lines(img, SCALE)
    horizontal = sorted({round(ln.top) for ln in lines if ln.horizontal})
    vertical = sorted({round(ln.x0) for ln in lines if not ln.horizontal})
    assert _near(horizontal, [100, 140, 220, 300, 380]) and _near(vertical, [60, 200, 420, 660])
    objs = line_objects(lines, 540.0)
    assert all(o["object_type"] == "line" and o["origin"] == "raster_lines" for o in objs)


def _near(found: list[int], want: list[int]) -> bool:
    """Every position found is within 2 pt of a wanted one, and every wanted one was found."""
    return all(any(abs(f - w) <= 2 for w in want) for f in found) and all(
        any(abs(f - w) <= 2 for f in found) for w in want
    )


def test_a_shaded_cell_has_edges_where_no_rule_is_drawn():
    """A filled heading column (地域開発手法の変遷's boxes) bounds its cell by its fill alone."""
    img = np.full((int(200 * SCALE), int(600 * SCALE)), 255, np.uint8)
    img[int(40 * SCALE) : int(160 * SCALE), int(20 * SCALE) : int(200 * SCALE)] = 190
    cv2.rectangle(img, (int(20 * SCALE), int(40 * SCALE)), (int(580 * SCALE), int(160 * SCALE)), 0, 2)
    vertical = sorted({round(ln.x0) for ln in find_raster_lines(img, SCALE) if not ln.horizontal})
    assert _near(vertical, [20, 200, 580])


def test_rules_are_painted_out_for_the_second_reading():
    img = _table(shaded=False)
    clean = without_rules(img, SCALE)
    y = int(220 * SCALE)
    assert clean[y, int(300 * SCALE)] == 255  # the rule is gone
    assert (clean < 128).sum() > 0  # the glyphs stay
