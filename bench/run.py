"""`make bench`: extraction vs same-run floors, cold refresh by stage, the no-change sensor tick, and scale.

Each figure is the median of BENCH_RUNS (default 5) runs with min and max. Scale corpora (BENCH_SCALES, default
1,10,50,200 copies of the deck, page order shuffled per copy) run BENCH_SCALE_RUNS times (default 1) each on
1 and 2 worker processes. Writes bench/results/latest.md and bench/results/scale.png.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from pipelines.lib.paths import PROJECT_ROOT

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"
RESULTS = PROJECT_ROOT / "bench" / "results"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "1,10,50,200").split(",")]
SCALE_RUNS = int(os.environ.get("BENCH_SCALE_RUNS", "1"))


def stats(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def timed(fn: Callable[[], object], runs: int = RUNS) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return stats(samples)


# ---- 1, 2: extraction against floors ------------------------------------------------------------------------


def ours() -> None:
    from pipelines.lib.tables.extract import extract_document

    extract_document(DECK)


def pdfplumber_floor() -> None:
    import pdfplumber

    with pdfplumber.open(DECK) as pdf:
        for page in pdf.pages:
            for t in page.find_tables():
                t.extract()
            page.close()


def pdfium_text() -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(DECK)
    for page in doc:
        page.get_textpage().get_text_range()
    doc.close()


# ---- 3: cold refresh -------------------------------------------------------------------------------------------


def cold_refresh() -> dict[str, dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "GX_ANALYTICS_ENABLED": "False"}
    rows: list[dict[str, float]] = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="bench_wh_") as wh:
            t = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-m", "bench.cold_run", str(DECK.parent), wh],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            wall = time.perf_counter() - t
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["process_wall"] = wall
        row["interpreter_and_imports"] = wall - row["run_total"] - row["gx_import"] - row["gx_context"]
        rows.append(row)
    keys = [k for k in rows[0] if k != "success"]
    return {k: stats([r.get(k, 0.0) for r in rows]) for k in keys}


# ---- 4: sensor ------------------------------------------------------------------------------------------------


def sensor_tick() -> dict[str, float]:
    import dagster as dg

    from pipelines.defs.resources import PipelineSettings
    from pipelines.defs.sensors import raw_sources_sensor

    resources = {"settings": PipelineSettings(raw_dir=str(DECK.parent))}
    first = raw_sources_sensor(dg.build_sensor_context(resources=resources))
    cursor = first.cursor

    def tick() -> None:
        result = raw_sources_sensor(dg.build_sensor_context(cursor=cursor, resources=resources))
        assert not result.run_requests

    return timed(tick, max(RUNS, 20))


# ---- 5: scale -------------------------------------------------------------------------------------------------


def make_corpus(folder: Path, copies: int) -> int:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(DECK)
    n = len(reader.pages)
    for i in range(copies):
        order = list(range(n))
        random.Random(i).shuffle(order)
        writer = PdfWriter()
        for index in order:
            writer.add_page(reader.pages[index])
        with (folder / f"deck_copy_{i:03d}.pdf").open("wb") as fh:
            writer.write(fh)
    return n * copies


def scale_point(folder: Path, workers: int) -> dict[str, float]:
    """A fresh process extracts every file of the folder on `workers` processes; wall time and peak RSS."""
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale_worker", str(folder), str(workers)],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row["process_wall"] = time.perf_counter() - t
    return row


def scale() -> list[dict[str, float]]:
    rows = []
    for copies in SCALES:
        with tempfile.TemporaryDirectory(prefix="bench_corpus_") as tmp:
            folder = Path(tmp)
            pages = make_corpus(folder, copies)
            for workers in (1, 2):
                samples = [scale_point(folder, workers) for _ in range(SCALE_RUNS)]
                secs = stats([s["extract_s"] for s in samples])
                rss = max(s["peak_rss_mb"] for s in samples)
                rows.append(
                    {
                        "copies": copies,
                        "pages": pages,
                        "workers": workers,
                        "seconds": secs,
                        "pages_per_s": pages / secs["median"],
                        "peak_rss_mb": rss,
                    }
                )
                print(
                    f"  scale {copies:4d} copies, {workers} worker(s): {secs['median']:.1f} s, {rss:.0f} MB", flush=True
                )
    return rows


def plot(rows: list[dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for workers in (1, 2):
        pts = [r for r in rows if r["workers"] == workers]
        ax1.plot([r["pages"] for r in pts], [r["seconds"]["median"] for r in pts], "o-", label=f"{workers} worker(s)")
        ax2.plot([r["pages"] for r in pts], [r["peak_rss_mb"] for r in pts], "o-", label=f"{workers} worker(s)")
    for ax, label in ((ax1, "seconds (median)"), (ax2, "peak RSS per process (MB)")):
        ax.set_xlabel("pages in corpus")
        ax.set_ylabel(label)
        ax.set_xscale("log")
        ax.grid(True, alpha=0.3)
        ax.legend()
    ax1.set_yscale("log")
    ax2.set_ylim(bottom=0)
    fig.suptitle("Extraction cost vs corpus size (copies of the deck, shuffled pages)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


# ---- report ---------------------------------------------------------------------------------------------------


def fmt(s: dict[str, float]) -> str:
    return f"{s['median']:.3f} | {s['min']:.3f} | {s['max']:.3f}"


def machine() -> str:
    from importlib.metadata import version

    with Path("/proc/cpuinfo").open() as fh:
        model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), platform.machine())
    libs = ", ".join(f"{n} {version(n)}" for n in ("pdfplumber", "pdfminer.six", "pypdfium2", "dagster", "duckdb"))
    return (
        f"{model}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, {libs}"
    )


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    print("extraction vs floors ...", flush=True)
    ours()  # warm imports and font caches once, outside the timings
    pdfplumber_floor()
    pdfium_text()
    ext = {"ours": timed(ours), "floor": timed(pdfplumber_floor), "pdfium": timed(pdfium_text)}
    print("cold refresh ...", flush=True)
    cold = cold_refresh()
    print("sensor tick ...", flush=True)
    tick = sensor_tick()
    print("scale ...", flush=True)
    rows = scale()
    plot(rows, RESULTS / "scale.png")
    raw = {"extraction": ext, "cold": cold, "sensor": tick, "scale": rows}
    (RESULTS / "latest.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")

    floor_ratio = ext["ours"]["median"] / ext["floor"]["median"]
    lines = [
        "# Benchmarks (`make bench`)",
        "",
        f"Machine: {machine()}.",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {RUNS} runs per figure unless n says otherwise;"
        " every baseline measured in the same run.",
        "",
        "## Extraction of the deck (28 pages)",
        "",
        "| what | median s | min s | max s | ratio vs pdfplumber floor | ratio vs pypdfium2 text |",
        "|---|---|---|---|---|---|",
    ]
    for key, label in (
        ("ours", "extract_document (all tables + passages, provenance)"),
        ("floor", "pdfplumber find_tables + extract, no processing (floor)"),
        ("pdfium", "pypdfium2 plain text (C++ floor)"),
    ):
        s = ext[key]
        lines.append(
            f"| {label} | {fmt(s)} | {s['median'] / ext['floor']['median']:.2f}x | "
            f"{s['median'] / ext['pdfium']['median']:.1f}x |"
        )
    lines += [
        "",
        f"Goal ≤ 1.2x the pdfplumber floor: **{'met' if floor_ratio <= 1.2 else 'NOT met'}** ({floor_ratio:.2f}x).",
        "",
        "## Cold refresh in a new process (fresh warehouse folder), by stage",
        "",
        "| stage | median s | min s | max s |",
        "|---|---|---|---|",
    ]
    order = [
        "process_wall",
        "interpreter_and_imports",
        "imports_dagster",
        "gx_import",
        "gx_context",
        "imports_definitions",
        "run_total",
        "extraction",
        "normalize_staging",
        "gx_validation",
        "marts",
        "publish",
        "run_overhead",
    ]
    for key in order + sorted(k for k in cold if k not in order):
        if key in cold:
            lines.append(f"| {key} | {fmt(cold[key])} |")
    lines += [
        "",
        "interpreter_and_imports = process wall − run − GX import − GX context (it includes imports_dagster and "
        "imports_definitions). Stage times are Dagster step durations (start → success) summed per stage; "
        "run_overhead is the run's wall time outside steps.",
        "",
        "## No-change sensor tick (raw_sources_sensor, cursor = current sha256s)",
        "",
        "| what | median s | min s | max s |",
        "|---|---|---|---|",
        f"| one evaluation (n={tick['n']}) | {fmt(tick)} |",
        "",
        f"Goal under 1 s: **{'met' if tick['max'] < 1 else 'NOT met'}**.",
        "",
        f"## Scale (n={SCALE_RUNS} per point; extraction only, one fresh process per point)",
        "",
        "| copies | pages | workers | median s | min s | max s | pages/s | peak RSS MB | 2-worker speedup |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    by = {(r["copies"], r["workers"]): r for r in rows}
    for r in rows:
        speed = ""
        if r["workers"] == 2 and (r["copies"], 1) in by:
            speed = f"{by[(r['copies'], 1)]['seconds']['median'] / r['seconds']['median']:.2f}x"
        lines.append(
            f"| {r['copies']} | {r['pages']} | {r['workers']} | {fmt(r['seconds'])} | {r['pages_per_s']:.1f} | "
            f"{r['peak_rss_mb']:.0f} | {speed} |"
        )
    lines += ["", "![seconds and MB against pages](scale.png)", ""]
    text = "\n".join(lines)
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
