"""OCR seconds per page: each engine on pages of the scanned rev1, one page at a time (no pool), then the pool.

`python -m bench.ocr_pages [PAGES]` (default 3,10,11,19: pages of tables, a budget slide and text) prints, per page,
render+deskew, RapidOCR, tesseract's second reading of every number and the raster lines, then the wall time of
the same pages read by the process pool over every core. `make bench` runs it last.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace

from pipelines.lib.pdf.ocr import OcrSettings
from pipelines.lib.pdf.ocr.document import ocr_pages
from pipelines.lib.pdf.ocr.read import read_page
from tests.support import FIXTURES

SCANNED = FIXTURES / "editions" / "meti_cluster_seminar_2005_rev1_scanned.pdf"
STEPS = ("render_deskew", "rapidocr", "tesseract", "raster_lines")


def main(pages: list[int]) -> None:
    settings = OcrSettings()
    print(f"{SCANNED.name}, {settings.dpi} dpi, pages {pages}")
    print("page  " + "  ".join(f"{s:>13}" for s in STEPS) + "  disagreements")
    per_step: dict[str, list[float]] = {s: [] for s in STEPS}
    for n in pages:
        read = read_page(SCANNED, n, replace(settings, workers=1))
        for s in STEPS:
            per_step[s].append(read.seconds.get(s, 0.0))
        steps = "  ".join(f"{read.seconds.get(s, 0.0):>12.2f}s" for s in STEPS)
        print(f"{n:>4}  {steps}  {len(read.disagreements)}")
    print("median" + "  ".join(f"{statistics.median(v):>12.2f}s" for v in per_step.values()))
    started = time.perf_counter()
    ocr_pages(SCANNED, pages, settings)
    wall = time.perf_counter() - started
    per_page = wall / len(pages)
    print(f"process pool: {wall:.1f} s for {len(pages)} pages, {per_page:.2f} s/page")


if __name__ == "__main__":
    main([int(p) for p in sys.argv[1].split(",")] if len(sys.argv) > 1 else [3, 10, 11, 19])
