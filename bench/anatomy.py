"""Where a refresh spends its time: `make run`'s own process, cold and adding one document, phase by phase.

Each refresh is `python -m pipelines.cli refresh` (what `make run` runs) in a fresh process, with a fresh warehouse
and Dagster instance (the project's instance/dagster.yaml). Its phases come from the run's own Dagster event log:
a step's stages run from its start (or the stage before's last event) to their last event, the GX suites are the
time before each `matches_expectation_suite` result, and Dagster's bookkeeping is the run's time outside its
steps. Imports are timed in separate processes. The floor (pdfplumber reading the deck's tables) is measured
between the refreshes it is compared with. Used by `make bench` (BENCH_STAGES=anatomy).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import DECK, pdfplumber_floor, run_tree
from pipelines.lib.paths import PROJECT_ROOT

REV1 = PROJECT_ROOT / "tests" / "fixtures" / "editions" / "meti_cluster_seminar_2005_rev1.pdf"
RUNS = int(os.environ.get("BENCH_ANATOMY_RUNS", "3"))

IMPORTS = {
    "interpreter start": "pass",
    "import dagster": "import dagster",
    "definitions load (dagster + pipelines.definitions)": "import pipelines.definitions",
    "import great_expectations": "import great_expectations",
    "GX context and suites ready (warm_up)": "from pipelines.lib.validation.validate import warm_up; warm_up()",
}

PHASES = (
    "process start, imports, definitions",
    "sources",
    "extraction",
    "raw checks",
    "staging build",
    "checks (not GX)",
    "GX suites",
    "marts",
    "typed tables",
    "publish",
    "report",
    "Data Docs",
    "Dagster bookkeeping (run outside steps)",
    "process end",
)


def fresh_env(tmp: Path) -> dict[str, str]:
    """A fresh Dagster home (the project's instance/dagster.yaml) and raw and warehouse folders under tmp."""
    home = tmp / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "instance" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **env,
        "PYTHONPATH": str(PROJECT_ROOT),
        "GX_ANALYTICS_ENABLED": "False",
        "DAGSTER_HOME": str(home),
        "PIPELINES_RAW_DIR": str(tmp / "raw"),
        "PIPELINES_WAREHOUSE_DIR": str(tmp / "warehouse"),
    }


def import_seconds(statement: str, env: dict[str, str]) -> float:
    """Wall seconds of a fresh interpreter that runs one statement."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], env=env, check=True, cwd=PROJECT_ROOT)
    return time.perf_counter() - t


def _stage(key: str) -> str:
    """The phase an asset or check key counts in."""
    if key == "raw/documents":
        return "sources"
    if key.startswith("raw/") and ":" in key:
        return "raw checks"
    if key.startswith("raw/"):
        return "extraction"
    if key.startswith("staging/") and key.endswith(":matches_expectation_suite"):
        return "GX suites"
    if key.startswith("staging/") and ":" in key:
        return "checks (not GX)"
    if key.startswith("staging/"):
        return "staging build"
    if key.startswith("marts/"):
        return "marts"
    if key.startswith("tables/"):
        return "typed tables"
    if key.startswith("published_warehouse"):
        return "publish"
    if key == "published_report":
        return "report"
    return "Data Docs"


def run_phases(home: Path, spawned_at: float, exited_at: float) -> dict[str, float]:
    """Seconds per phase of the last run in this Dagster home, from its event log (wall-clock timestamps)."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1)[0]
        entries = instance.all_logs(run.run_id)
    phases = dict.fromkeys(PHASES, 0.0)
    run_start = run_end = mark = None
    in_steps = 0.0
    step_started = 0.0
    for e in entries:
        event = e.dagster_event
        if event is None:
            continue
        kind = event.event_type
        if kind == dg.DagsterEventType.RUN_START:
            run_start = e.timestamp
        elif kind in (dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE):
            run_end = e.timestamp
        elif kind == dg.DagsterEventType.STEP_START:
            mark = step_started = e.timestamp
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            key = event.event_specific_data.materialization.asset_key.to_user_string()
            phases[_stage(key)] += e.timestamp - mark
            mark = e.timestamp
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            check = event.event_specific_data.asset_check_key
            phases[_stage(f"{check.asset_key.to_user_string()}:{check.name}")] += e.timestamp - mark
            mark = e.timestamp
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            in_steps += e.timestamp - step_started
    assert run_start is not None and run_end is not None, "the run did not start or end"
    phases["process start, imports, definitions"] = run_start - spawned_at
    phases["Dagster bookkeeping (run outside steps)"] = (run_end - run_start) - in_steps
    phases["process end"] = exited_at - run_end
    return phases


def refresh(env: dict[str, str]) -> tuple[float, float, dict[str, float]]:
    """One `make run` refresh process: wall, CPU of it and its children, and its phases."""
    spawned = time.time()
    wall, cpu = run_tree([sys.executable, "-m", "pipelines.cli", "refresh"], env)
    return wall, cpu, run_phases(Path(env["DAGSTER_HOME"]), spawned, time.time())


def anatomy() -> dict[str, object]:
    """Cold and add-one refreshes, RUNS times each, with the floor between them; medians per phase."""
    pdfplumber_floor()  # warm the page cache and font caches once, outside the timings
    floors: list[float] = []
    runs: dict[str, list[tuple[float, float, dict[str, float]]]] = {"cold": [], "add_one": []}
    imports: dict[str, list[float]] = {k: [] for k in IMPORTS}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="bench_anatomy_") as tmp:
            env = fresh_env(Path(tmp))
            (Path(tmp) / "raw").mkdir()
            shutil.copy(DECK, Path(tmp) / "raw")
            runs["cold"].append(refresh(env))
            shutil.copy(REV1, Path(tmp) / "raw")
            runs["add_one"].append(refresh(env))
            for label, statement in IMPORTS.items():
                imports[label].append(import_seconds(statement, env))
        t = time.perf_counter()
        pdfplumber_floor()
        floors.append(time.perf_counter() - t)
    floor = statistics.median(floors)
    out: dict[str, object] = {"floor": floor, "imports": {k: statistics.median(v) for k, v in imports.items()}}
    for name, samples in runs.items():
        out[name] = {
            "wall": statistics.median(s[0] for s in samples),
            "cpu": statistics.median(s[1] for s in samples),
            "phases": {p: statistics.median(s[2][p] for s in samples) for p in PHASES},
        }
    return out


def render(data: dict[str, object]) -> list[str]:
    """The anatomy as markdown: seconds and multiples of the floor, cold and add-one, then the imports."""
    floor = float(data["floor"])  # type: ignore[arg-type]
    cold, add = data["cold"], data["add_one"]
    lines = [
        f"pdfplumber floor (the deck's tables): {floor:.2f} s",
        "",
        "| phase | cold s | cold x floor | add one s | add one x floor |",
        "|---|---|---|---|---|",
    ]
    for p in PHASES:
        c, a = cold["phases"][p], add["phases"][p]  # type: ignore[index]
        lines.append(f"| {p} | {c:.2f} | {c / floor:.2f} | {a:.2f} | {a / floor:.2f} |")
    for label, key in (("**wall (the process)**", "wall"), ("CPU, all processes", "cpu")):
        c, a = cold[key], add[key]  # type: ignore[index]
        lines.append(f"| {label} | {c:.2f} | {c / floor:.2f} | {a:.2f} | {a / floor:.2f} |")
    lines += ["", "| import, in a fresh interpreter | s | x floor |", "|---|---|---|"]
    for label, seconds in data["imports"].items():  # type: ignore[union-attr]
        lines.append(f"| {label} | {seconds:.2f} | {seconds / floor:.2f} |")
    return lines


if __name__ == "__main__":
    print("\n".join(render(anatomy())))
