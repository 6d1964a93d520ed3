"""OCR seconds per page, and the scanned deck's refresh against the floor.

`python -m bench.ocr_pages [PAGES]` (default 3,10,11,19: pages of tables, a budget slide and text) prints, per page,
render+deskew, RapidOCR, tesseract's second reading of every number and the raster lines, then the wall time of
the same pages read by the process pool over every core.

Then the scanned rev1 through `make run`'s own process (`python -m pipelines.cli refresh`, timed as bench/anatomy.py
times it) in a fresh warehouse and Dagster instance: cold (every page OCR'd), again with no change (nothing to do),
and forced (PIPELINES_FORCE=1: every step runs, and the raw step finds nothing to read again), each in seconds and
as a multiple of the pdfplumber floor measured between them. The table is written to
bench/results/scanned_refresh.md with the machine's load. `make bench` runs it last.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.anatomy import fresh_env
from bench.anatomy import refresh as timed_refresh
from bench.run import RESULTS, pdfplumber_floor, run_tree
from pipelines.lib.pdf.ocr import OcrSettings
from pipelines.lib.pdf.ocr.document import ocr_pages
from pipelines.lib.pdf.ocr.engines import tesseract_available
from pipelines.lib.pdf.ocr.read import read_page
from tests.support import FIXTURES

SCANNED = FIXTURES / "editions" / "meti_cluster_seminar_2005_rev1_scanned.pdf"
STEPS = ("render_deskew", "rapidocr", "tesseract", "raster_lines")
FLOOR_RUNS = 3


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


def floor_samples() -> list[float]:
    """FLOOR_RUNS timings of the pdfplumber floor (the bundled deck's tables), measured now."""
    samples = []
    for _ in range(FLOOR_RUNS):
        t = time.perf_counter()
        pdfplumber_floor()
        samples.append(time.perf_counter() - t)
    return samples


def extracting_line(home: Path) -> str:
    """What the last run's raw step said it extracted ('extracting 0 of 1 document(s): none; …')."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1)[0]
        messages = [e.user_message for e in instance.all_logs(run.run_id)]
    return next((m for m in messages if m.startswith("extracting ")), "no extraction step")


def scanned_refresh() -> dict[str, object]:
    """The scanned rev1 refreshed cold, with no change, and forced, in one fresh warehouse, with the floor."""
    pdfplumber_floor()  # warm the page cache and font caches once, outside the timings
    load_before = os.getloadavg()
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="bench_scanned_") as tmp:
        env = fresh_env(Path(tmp))
        (Path(tmp) / "raw").mkdir()
        shutil.copy(SCANNED, Path(tmp) / "raw")
        home = Path(env["DAGSTER_HOME"])
        wall, cpu, phases = timed_refresh(env)
        out["cold"] = {"wall": wall, "cpu": cpu, "extraction": phases["extraction"], "said": extracting_line(home)}
        floors = floor_samples()
        wall, cpu = run_tree([sys.executable, "-m", "pipelines.cli", "refresh"], env)
        out["no_change"] = {"wall": wall, "cpu": cpu, "extraction": 0.0, "said": "nothing to do (no Dagster run)"}
        floors += floor_samples()
        wall, cpu, phases = timed_refresh({**env, "PIPELINES_FORCE": "1"})
        out["forced"] = {"wall": wall, "cpu": cpu, "extraction": phases["extraction"], "said": extracting_line(home)}
        floors += floor_samples()
    out["floor"] = statistics.median(floors)
    out["load"] = (load_before, os.getloadavg())
    return out


LABELS = {
    "cold": "cold (fresh warehouse and instance: every page OCR'd)",
    "no_change": "no change (`make run` again: nothing to do)",
    "forced": "no change, forced (PIPELINES_FORCE=1: every step, nothing read again)",
}


def render(data: dict[str, object]) -> list[str]:
    """The scanned refresh as markdown: wall, CPU and the raw step's extraction, in seconds and floors."""
    floor = float(data["floor"])  # type: ignore[arg-type]
    lines = [
        f"pdfplumber floor (the bundled deck's tables, median of {FLOOR_RUNS * 3} between the refreshes): "
        f"{floor:.2f} s",
        "",
        "| refresh of the scanned rev1 | wall s | wall x floor | CPU s (all processes) | extraction step s "
        "| extraction x floor | the raw step said |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label in LABELS.items():
        r = data[key]  # type: ignore[index]
        said = re.sub(r"; unchanged since.*", "", str(r["said"]))
        lines.append(
            f"| {label} | {r['wall']:.1f} | {r['wall'] / floor:.1f} | {r['cpu']:.1f} | {r['extraction']:.1f} "
            f"| {r['extraction'] / floor:.1f} | {said} |"
        )
    return lines


def write(lines: list[str], load: tuple[tuple[float, ...], tuple[float, ...]]) -> Path:
    """bench/results/scanned_refresh.md: the table, when and on what, with the load average before and after."""
    before, after = (", ".join(f"{x:.1f}" for x in avg) for avg in load)
    busy = max(load[0][0], load[1][0]) > (os.cpu_count() or 1) * 0.75
    head = [
        "# The scanned deck's refresh against the floor (bench/ocr_pages.py, last in `make bench`)",
        "",
        f"`make run`'s own process on tests/fixtures/editions/{SCANNED.name} (28 pages, 150 dpi, OCR'd at "
        f"{OcrSettings().dpi} dpi) into a fresh warehouse and Dagster instance, then again; one run each, "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}, on this {os.cpu_count()}-core machine, "
        + (f"busy with other work (load average {before} before, {after} after)." if busy else f"idle (load {before}).")
        + " The floor is measured between the refreshes it is compared with.",
        "",
    ]
    path = RESULTS / "scanned_refresh.md"
    path.write_text("\n".join([*head, *lines, ""]), encoding="utf-8")
    return path


if __name__ == "__main__":
    main([int(p) for p in sys.argv[1].split(",")] if len(sys.argv) > 1 else [3, 10, 11, 19])
    if not tesseract_available():
        print("the scanned refresh: skipped (tesseract-ocr with jpn data is not installed)")
    else:
        measured = scanned_refresh()
        table = render(measured)
        print("\n".join(table))
        print(f"written to {write(table, measured['load'])}")  # type: ignore[arg-type]
