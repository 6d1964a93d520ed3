"""Scanned copies made in a test's folder: pages rendered with pdftoppm, turned slightly, speckled, saved as JPEG
and put back into a PDF of images (Pillow), with no text layer. The kind of copy, not one sample."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw


def need_pdftoppm() -> None:
    """Skip where poppler-utils is not installed (.ci/run installs it)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")


def scan_pages(
    pdf: Path, pages: list[int], out: Path, *, dpi: int = 150, angle: float = 0.6, quality: int = 75, seed: int = 1
) -> Path:
    """A PDF of images of the given 1-based pages: each rendered at dpi, rotated by angle degrees, speckled
    and JPEG-compressed, on a page of the original's size in points."""
    need_pdftoppm()
    rng = random.Random(seed)
    images = []
    for n in pages:
        stem = out.parent / f"{out.stem}_p{n}"
        pick = ["-f", str(n), "-l", str(n), "-singlefile"]
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", *pick, str(pdf), str(stem)], check=True)
        img = Image.open(f"{stem}.png").convert("L")
        img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255, expand=False)
        draw = ImageDraw.Draw(img)
        for _ in range(img.width * img.height // 4000):  # photocopy speckle
            x, y = rng.randrange(img.width), rng.randrange(img.height)
            draw.point((x, y), fill=rng.choice((0, 90, 160)))
        images.append(img)
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:], quality=quality)
    return out


def splice(base: Path, insert: Path, at: int, out: Path) -> Path:
    """base with its page `at` (1-based) replaced by the first page of insert."""
    import pypdfium2 as pdfium

    src, extra, new = pdfium.PdfDocument(str(base)), pdfium.PdfDocument(str(insert)), pdfium.PdfDocument.new()
    n = len(src)
    new.import_pages(src, list(range(at - 1)))
    new.import_pages(extra, [0])
    new.import_pages(src, list(range(at, n)))
    new.save(str(out))
    for d in (src, extra, new):
        d.close()
    return out
