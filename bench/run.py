"""`make bench`: extraction vs same-run floors, cold refresh by stage, the no-change sensor tick, and scale.

Each figure is the median of BENCH_RUNS (default 5) runs with min and max. Scale corpora (BENCH_SCALES, default
1,10,50,200 copies of the deck, page order shuffled per copy) run BENCH_SCALE_RUNS times (default 5) each on
1 and 2 worker processes, the two alternating so drift on the machine hits both alike.

The growth stage (bench/growth.py) times adding one document to warehouses of 1, 2, 4, 8 and 16 documents
(BENCH_GROWTH_SIZES), BENCH_GROWTH_RUNS times each (default 3), with the cold and no-change refreshes of one
deck, against the floor measured between those runs; it prints the table with each run's peak memory.

BENCH_STAGES (default all: extraction,cold,sensor,scale,growth,anatomy) picks the stages to run; the others keep their
last figures from bench/results/latest.json, each with the date it was measured. Writes
bench/results/latest.json, latest.md and scale.png.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import shutil
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
SCALE_RUNS = int(os.environ.get("BENCH_SCALE_RUNS", "5"))
GROWTH_RUNS = int(os.environ.get("BENCH_GROWTH_RUNS", "3"))
STAGES = ("extraction", "cold", "sensor", "scale", "growth", "anatomy")


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


def ours_borderless(copy: Path) -> Callable[[], None]:
    """Extraction of the deck printed without rules (every grid read from text alignment)."""
    from pipelines.lib.tables.extract import extract_document

    return lambda: extract_document(copy) and None


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


def run_tree(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of a command, and the CPU seconds of it and every process under it (the GX fork server
    and its workers too, sampled every 20 ms while they live)."""
    with tempfile.TemporaryFile() as errors:  # not a pipe: nobody reads it while the run goes on, it must not fill
        t = time.perf_counter()
        proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        root = psutil.Process(proc.pid)
        cpu: dict[int, float] = {}
        seen: dict[int, psutil.Process] = {proc.pid: root}
        while True:
            with contextlib.suppress(psutil.NoSuchProcess):
                seen.update({c.pid: c for c in root.children(recursive=True)})
            for pid, p in list(seen.items()):
                try:
                    times = p.cpu_times()
                    cpu[pid] = times.user + times.system  # its own: a parent's children_* would count them twice
                except psutil.NoSuchProcess:
                    seen.pop(pid)
            if proc.poll() is not None:
                break
            time.sleep(0.02)
        wall = time.perf_counter() - t
        if proc.returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(proc.returncode, command, stderr=errors.read().decode(errors="replace"))
    return wall, sum(cpu.values())


def make_run_walls(env: dict[str, str]) -> dict[str, float]:
    """`make run` itself (venv populated) into a fresh warehouse and Dagster instance, then again with no change,
    then into a fresh warehouse folder again with the instance kept (the first run of a new warehouse folder)."""
    make = ["make", "--no-print-directory", "run"]
    with tempfile.TemporaryDirectory(prefix="bench_make_") as tmp:
        run_env = {**env, "PIPELINES_WAREHOUSE_DIR": f"{tmp}/warehouse", "DAGSTER_HOME": f"{tmp}/dagster_home"}
        cold, cpu = run_tree(make, run_env)
        no_change, _ = run_tree(make, run_env)
        shutil.rmtree(f"{tmp}/warehouse")
        kept_instance, _ = run_tree(make, run_env)
    return {
        "make_run_wall": cold,
        "make_run_cpu": cpu,
        "make_run_cpu_per_core": cpu / (os.cpu_count() or 1),
        "make_run_no_change_wall": no_change,
        "make_run_wall_kept_instance": kept_instance,
    }


def cold_refresh() -> dict[str, dict[str, float]]:
    pdfplumber_floor()  # warm imports and font caches once, outside the timings
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
        row["interpreter_and_imports"] = wall - row["run_total"]
        row.update(make_run_walls(env))
        t = time.perf_counter()
        pdfplumber_floor()  # the floor, measured between the runs it is compared with
        row["pdfplumber_floor"] = time.perf_counter() - t
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
            samples: dict[int, list[dict[str, float]]] = {1: [], 2: []}
            for _ in range(SCALE_RUNS):
                for workers in (1, 2):
                    samples[workers].append(scale_point(folder, workers))
            for workers in (1, 2):
                secs = stats([s["extract_s"] for s in samples[workers]])
                rss = max(s["peak_rss_mb"] for s in samples[workers])
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
                    f"  scale {copies:4d} copies, {workers} worker(s): median {secs['median']:.1f} s "
                    f"(n={secs['n']}), {rss:.0f} MB",
                    flush=True,
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


def extraction() -> dict[str, dict[str, float]]:
    """Ours and the floors, run in turn RUNS times, so drift on a shared machine hits each of them alike."""
    from tests.editions.edits import strip_rules

    with tempfile.TemporaryDirectory(prefix="bench_borderless_") as tmp:
        copy = strip_rules(DECK, Path(tmp) / DECK.name)
        runs: dict[str, Callable[[], object]] = {
            "ours": ours,
            "floor": pdfplumber_floor,
            "pdfium": pdfium_text,
            "borderless": ours_borderless(copy),
        }
        for fn in runs.values():
            fn()  # warm imports and font caches once, outside the timings
        samples: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(RUNS):
            for name, fn in runs.items():
                t = time.perf_counter()
                fn()
                samples[name].append(time.perf_counter() - t)
    return {name: stats(s) for name, s in samples.items()}


def growth() -> dict[str, object]:
    """Adding one document to warehouses of N documents (bench/growth.py), beside the pdfplumber floor."""
    from bench.growth import growth as measure_growth

    return measure_growth(pdfplumber_floor)


RUN_COUNTS = {"scale": SCALE_RUNS, "growth": GROWTH_RUNS, "anatomy": int(os.environ.get("BENCH_ANATOMY_RUNS", "3"))}
MEASURE: dict[str, Callable[[], object]] = {
    "extraction": extraction,
    "cold": cold_refresh,
    "sensor": sensor_tick,
    "scale": scale,
    "growth": growth,
    "anatomy": lambda: __import__("bench.anatomy", fromlist=["anatomy"]).anatomy(),
}


def measure(stages: list[str], previous: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """Run the chosen stages; keep the others' last results. Each stage records when and where it ran."""
    results = {k: v for k, v in previous.items() if k in STAGES}
    for stage in stages:
        print(f"{stage} ...", flush=True)
        now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        data = MEASURE[stage]()
        if stage == "scale":
            before = results.get("scale", {})
            data = merge_scale_rows(before.get("data", []), data, now, str(before.get("measured_at", "earlier")))
        results[stage] = {
            "measured_at": now,
            "machine": machine(),
            "runs": RUN_COUNTS.get(stage, RUNS),
            "data": data,
        }
    return results


def merge_scale_rows(
    old: list[dict[str, object]], new: list[dict[str, object]], now: str, old_date: str
) -> list[dict[str, object]]:
    """New corpus sizes replace the same sizes from an earlier run; the others are kept with their own date."""
    sizes = {r["copies"] for r in new}
    kept = [{"measured_at": old_date, **r} for r in old if r["copies"] not in sizes]
    rows = kept + [{**r, "measured_at": now} for r in new]
    return sorted(rows, key=lambda r: (r["copies"], r["workers"]))


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stages = [s for s in os.environ.get("BENCH_STAGES", ",".join(STAGES)).split(",") if s]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        raise SystemExit(f"BENCH_STAGES: unknown stage(s) {unknown}; choose from {list(STAGES)}")
    path = RESULTS / "latest.json"
    previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    previous = {k: v for k, v in previous.items() if isinstance(v, dict) and "data" in v}
    results = measure(stages, previous)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    if "scale" in results:
        plot(results["scale"]["data"], RESULTS / "scale.png")
    text = render(results)
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    print(text)
    print("\ngoals:")
    for label, value, limit, unit, met in goal_rows(results):
        print(f"  {label:<42} {value:8.2f}{unit:<2}  goal ≤ {limit:g}{unit:<2}  {'met' if met else 'NOT met'}")
    if bound := cpu_bound(results):
        print(f"  {'cold CPU seconds per core / floor':<42} {bound:8.2f}x   (the least any schedule could reach)")


def _section(title: str, result: dict[str, object], columns: list[str]) -> list[str]:
    """A section heading, when it was measured, and the header of its table."""
    return [
        f"## {title}",
        "",
        f"Measured {result['measured_at']}; median of {result['runs']} runs unless n says otherwise.",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]


def render(results: dict[str, dict[str, object]]) -> str:
    """bench/results/latest.md from the stored results."""
    machines = sorted({str(r["machine"]) for r in results.values()})
    lines = [
        "# Benchmarks (`make bench`)",
        "",
        f"Machine: {'; '.join(machines)}.",
        "Every ratio compares figures measured in the same run of the same stage.",
        "",
        *_goals_md(results),
    ]
    if "extraction" in results:
        lines += _extraction_md(results["extraction"])
    if "cold" in results:
        lines += _cold_md(results["cold"])
    if "sensor" in results:
        lines += _sensor_md(results["sensor"])
    if "scale" in results:
        lines += _scale_md(results["scale"])
    if "growth" in results:
        lines += _growth_md(results["growth"])
    if "anatomy" in results:
        from bench.anatomy import render as anatomy_md

        anatomy = results["anatomy"]
        lines += [
            "## Anatomy of a refresh (`make run`'s process: cold, then adding rev1)",
            "",
            f"Measured {anatomy['measured_at']}; median of {anatomy['runs']} runs.",
            "",
            *anatomy_md(anatomy["data"]),
            "",
        ]
    return "\n".join(lines)


GOALS = (
    # (label, numerator stage/key, denominator stage/key, limit, unit)
    ("cold `make run` / pdfplumber floor", ("cold", "make_run_wall"), ("cold", "pdfplumber_floor"), 8.0, "x"),
    (
        "no-change `make run` / pdfplumber floor",
        ("cold", "make_run_no_change_wall"),
        ("cold", "pdfplumber_floor"),
        3.0,
        "x",
    ),
    ("extraction / pdfplumber floor", ("extraction", "ours"), ("extraction", "floor"), 1.25, "x"),
    ("no-change sensor tick", ("sensor", None), None, 0.1, " s"),
)


GROWTH_GOALS = (
    # (label, numerator, denominator, limit): numerator and denominator are growth figures (the floor, cold,
    # no_change, or add_<N>: adding one document to a warehouse of N)
    ("adding one document to 1 / pdfplumber floor (growth)", "add_1", "floor", 4.0),
    ("adding the 17th document / adding the 2nd (growth)", "add_16", "add_1", 1.25),
    ("cold refresh of the deck / pdfplumber floor (growth)", "cold", "floor", 14.0),
    ("no-change refresh / pdfplumber floor (growth)", "no_change", "floor", 1.0),
)


def growth_figure(data: dict[str, object], name: str) -> float | None:
    """A growth median by name: floor, cold, no_change or add_<N>; None if not measured."""
    if name == "floor":
        return data["floor"]["median"]  # type: ignore[index]
    if name in ("cold", "no_change"):
        return data[name]["seconds"]["median"]  # type: ignore[index]
    n = int(name.removeprefix("add_"))
    found = [r for r in data["add"] if r["documents"] == n]  # type: ignore[index, union-attr]
    return found[0]["seconds"]["median"] if found else None


def goal_rows(results: dict[str, dict[str, object]]) -> list[tuple[str, float, float, str, bool]]:
    """(goal, measured, limit, unit, met) for every goal whose stages have results."""
    rows = []
    if "growth" in results:
        data = results["growth"]["data"]
        for label, top, bottom, limit in GROWTH_GOALS:
            num, den = growth_figure(data, top), growth_figure(data, bottom)  # type: ignore[arg-type]
            if num is not None and den:
                rows.append((label, num / den, limit, "x", num / den <= limit))
    for label, (stage, key), denominator, limit, unit in GOALS:
        if stage not in results:
            continue
        data = results[stage]["data"]
        value = (data[key] if key else data)["median"]
        if denominator is not None:
            den_stage, den_key = denominator
            value = value / results[den_stage]["data"][den_key]["median"]
        rows.append((label, value, limit, unit, value <= limit))
    return rows


def _goals_md(results: dict[str, dict[str, object]]) -> list[str]:
    lines = [
        "## Goals (medians; each ratio from figures of one run of its stage)",
        "",
        "| goal | measured | limit | |",
        "|---|---|---|---|",
    ]
    for label, value, limit, unit, met in goal_rows(results):
        lines.append(f"| {label} | {value:.2f}{unit} | ≤ {limit:g}{unit} | {'met' if met else '**NOT met**'} |")
    if bound := cpu_bound(results):
        lines += [
            "",
            f"The cold run's CPU seconds over this machine's cores are {bound:.2f}x the floor: the least any "
            "schedule of the same work could reach here.",
        ]
    return [*lines, ""]


def cpu_bound(results: dict[str, dict[str, object]]) -> float | None:
    """The cold `make run`'s CPU seconds per core over the floor, when measured."""
    data = results.get("cold", {}).get("data", {})
    if "make_run_cpu_per_core" not in data:
        return None
    return data["make_run_cpu_per_core"]["median"] / data["pdfplumber_floor"]["median"]


def _extraction_md(result: dict[str, object]) -> list[str]:
    ext = result["data"]
    floor_ratio = ext["ours"]["median"] / ext["floor"]["median"]
    lines = _section(
        "Extraction of the deck (28 pages)",
        result,
        ["what", "median s", "min s", "max s", "ratio vs pdfplumber floor", "ratio vs pypdfium2 text"],
    )
    for key, label in (
        ("ours", "extract_document (all tables + passages, provenance)"),
        ("floor", "pdfplumber find_tables + extract, no processing (floor)"),
        ("pdfium", "pypdfium2 plain text (C++ floor)"),
        ("borderless", "extract_document of the deck printed without rules (grids from text alignment)"),
    ):
        if key not in ext:  # results recorded before the borderless copy was measured
            continue
        s = ext[key]
        lines.append(
            f"| {label} | {fmt(s)} | {s['median'] / ext['floor']['median']:.2f}x | "
            f"{s['median'] / ext['pdfium']['median']:.1f}x |"
        )
    return [
        *lines,
        "",
        f"Goal ≤ 1.25x the pdfplumber floor: **{'met' if floor_ratio <= 1.25 else 'NOT met'}** ({floor_ratio:.2f}x).",
        "",
    ]


COLD_ORDER = [
    "make_run_wall",
    "make_run_cpu",
    "make_run_cpu_per_core",
    "make_run_wall_kept_instance",
    "make_run_no_change_wall",
    "pdfplumber_floor",
    "process_wall",
    "interpreter_and_imports",
    "imports_dagster",
    "imports_definitions",
    "run_total",
    "extraction",
    "normalize_staging",
    "gx_validation",
    "marts",
    "publish",
    "report",
    "run_overhead",
]


def _cold_md(result: dict[str, object]) -> list[str]:
    cold = result["data"]
    lines = _section(
        "Cold refresh in a new process (fresh warehouse folder), by stage",
        result,
        ["stage", "median s", "min s", "max s"],
    )
    for key in COLD_ORDER + sorted(k for k in cold if k not in COLD_ORDER):
        if key in cold:
            lines.append(f"| {key} | {fmt(cold[key])} |")
    return [
        *lines,
        "",
        "make_run_wall is `make run` itself (venv present) into a fresh warehouse folder and a fresh DAGSTER_HOME; "
        "make_run_cpu is the CPU seconds of every process of that run (the refresh, the GX fork server and its "
        "workers), and make_run_cpu_per_core that over the machine's cores: no schedule of the same work can finish "
        "sooner here. make_run_wall_kept_instance is `make run` into a fresh warehouse folder with the Dagster "
        "instance of the runs before (the issue's 'venv present, fresh warehouse folder'). "
        "make_run_no_change_wall is the next `make run` on them with nothing changed (what a scheduled refresh costs); "
        "the other rows come from `python -m bench.cold_run` in a new process, alternating with it, and "
        "pdfplumber_floor is the floor measured between them. interpreter_and_imports = process wall − run (it "
        "includes imports_dagster and imports_definitions). GX is imported by the background workers' fork server, "
        "off the critical path, so it has no row of its own. Stage times are Dagster step durations (start → success) "
        "summed per stage; "
        "run_overhead is the run's wall time outside steps.",
        "",
    ]


def _sensor_md(result: dict[str, object]) -> list[str]:
    tick = result["data"]
    return [
        *_section(
            "No-change sensor tick (raw_sources_sensor, cursor = current sha256s)",
            result,
            ["what", "median s", "min s", "max s"],
        ),
        f"| one evaluation (n={tick['n']}) | {fmt(tick)} |",
        "",
        f"Goal under 0.1 s: **{'met' if tick['median'] < 0.1 else 'NOT met'}**.",
        "",
    ]


def _scale_md(result: dict[str, object]) -> list[str]:
    rows = result["data"]
    lines = _section(
        "Scale (extraction only; one fresh process per sample; 1 and 2 workers alternate)",
        result,
        [
            "copies",
            "pages",
            "workers",
            "n",
            "median s",
            "min s",
            "max s",
            "pages/s",
            "peak RSS MB",
            "2-worker speedup",
        ],
    )
    dates = sorted({str(r.get("measured_at", result["measured_at"])) for r in rows})
    if len(dates) > 1:
        lines[2] += " Corpus sizes measured at different times: " + "; ".join(
            f"{d}: {', '.join(sorted({str(r['copies']) for r in rows if r.get('measured_at') == d}, key=int))} copies"
            for d in dates
        )
    by = {(r["copies"], r["workers"]): r for r in rows}
    for r in rows:
        speed = ""
        if r["workers"] == 2 and (r["copies"], 1) in by:
            speed = f"{by[(r['copies'], 1)]['seconds']['median'] / r['seconds']['median']:.2f}x"
        lines.append(
            f"| {r['copies']} | {r['pages']} | {r['workers']} | {r['seconds']['n']} | {fmt(r['seconds'])} | "
            f"{r['pages_per_s']:.1f} | {r['peak_rss_mb']:.0f} | {speed} |"
        )
    return [*lines, "", *_scale_verdicts(rows), "", "![seconds and MB against pages](scale.png)", ""]


def _scale_verdicts(rows: list[dict[str, object]]) -> list[str]:
    """Linear cost and flat memory from 10 copies up (the steady state), per worker count.

    The 1-copy point is shown but not judged: it is one document in a fresh process, before the process
    reaches the steady state a long run works in (pool start-up not yet spread over many documents).
    """
    out = []
    for workers in sorted({r["workers"] for r in rows}):
        pts = sorted((r for r in rows if r["workers"] == workers), key=lambda r: r["pages"])
        steady = [r for r in pts if r["copies"] >= 10] or pts
        per_kpage = {r["copies"]: 1000 * r["seconds"]["median"] / r["pages"] for r in pts}
        spread = max(per_kpage[r["copies"]] for r in steady) / min(per_kpage[r["copies"]] for r in steady)
        growth = (steady[-1]["peak_rss_mb"] - steady[0]["peak_rss_mb"]) / steady[0]["peak_rss_mb"]
        out.append(
            f"- {workers} worker(s): seconds per 1,000 pages "
            + ", ".join(f"{v:.0f} ({c} copies)" for c, v in per_kpage.items())
            + f"; from {steady[0]['copies']} copies up the largest is {spread:.2f}x the smallest: "
            f"**{'linear' if spread <= 1.25 else 'NOT linear'}** (≤ 1.25x). Peak RSS "
            + ", ".join(f"{r['peak_rss_mb']:.0f} MB ({r['copies']} copies)" for r in pts)
            + f"; from {steady[0]['pages']} to {steady[-1]['pages']} pages {growth:+.0%}: "
            f"**{'flat' if growth <= 0.10 else 'NOT flat'}** (≤ +10%)."
        )
    return out


def _growth_md(result: dict[str, object]) -> list[str]:
    data = result["data"]
    floor = data["floor"]["median"]  # type: ignore[index]
    lines = _section(
        "Growth: adding one document to a warehouse of N documents (`make run`-equivalent refresh)",
        result,
        [
            "refresh",
            "documents before",
            "median s",
            "min s",
            "max s",
            "x floor",
            "CPU s",
            "peak RSS MB",
            "peak tree MB",
        ],
    )
    rows = [("cold (one deck, empty warehouse)", 0, data["cold"]), ("no change", 1, data["no_change"])]  # type: ignore[index]
    rows += [(f"add document {r['documents'] + 1}", r["documents"], r) for r in data["add"]]  # type: ignore[index, union-attr]
    for label, n, r in rows:
        s = r["seconds"]
        lines.append(
            f"| {label} | {n} | {fmt(s)} | {s['median'] / floor:.2f}x | {r['cpu']['median']:.1f} | "
            f"{r['peak_rss_mb']:.0f} | {r['peak_tree_mb']:.0f} |"
        )
    return [
        *lines,
        "",
        f"pdfplumber floor: median {floor:.3f} s (n={data['floor']['n']}), measured between the runs above. Each "  # type: ignore[index]
        "add run starts from a copy of the N-document warehouse and its Dagster instance and drops one more edition "
        "(the deck with another amount on page 11) into the raw folder; peak RSS is the refresh process's, peak "
        "tree the sum over it, the GX fork server and its workers.",
        "",
    ]


if __name__ == "__main__":
    main()
