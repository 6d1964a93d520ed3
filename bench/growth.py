"""`make bench` stage growth: what adding one document costs in warehouses of N documents, N = 1, 2, 4, 8, 16.

The documents are editions of the bundled deck made in a temporary folder: copies under edition names
(``meti_cluster_seminar_2005_v01`` …) whose page 11 prints another amount where the deck prints 137.2億円
(tests/editions/edits.py rewrites the glyphs), so every one is a real PDF with its own bytes and rows. A
warehouse of N documents is built once (untimed); then, BENCH_GROWTH_RUNS times, a copy of it (warehouse and
Dagster instance both: the instance is kept, as `make run` keeps .dagster) gets the next edition dropped into
its raw folder and runs `python -m pipelines.cli refresh`, what `make run` runs. Each run is timed with its CPU
seconds and the peak memory of its process tree (the refresh, the GX fork server and its workers), and the
pdfplumber floor is measured between the runs. The cold run (one deck into an empty warehouse and instance)
and the no-change run are measured the same way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

from pipelines.lib.paths import PROJECT_ROOT

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"
SIZES = [int(s) for s in os.environ.get("BENCH_GROWTH_SIZES", "1,2,4,8,16").split(",")]
RUNS = int(os.environ.get("BENCH_GROWTH_RUNS", "3"))
AMOUNT_PAGE, AMOUNT = 11, "137.2億円"
"""The figure each edition revises: 地域新生コンソーシアム研究開発事業's budget on page 11."""


def edition_name(i: int) -> str:
    """The file name of edition i (0 is the deck itself)."""
    return DECK.name if i == 0 else f"{DECK.stem}_v{i:02d}.pdf"


def make_editions(folder: Path, count: int) -> list[Path]:
    """The deck and count - 1 editions of it, each with its own amount on page 11 (138.2億円, 139.2億円, …)."""
    from tests.editions.edits import Edit, replace_text

    folder.mkdir(parents=True, exist_ok=True)
    out = [Path(shutil.copy(DECK, folder / edition_name(0)))]
    for i in range(1, count):
        new = f"{137 + i}.2億円"
        out.append(replace_text(DECK, folder / edition_name(i), [Edit(AMOUNT_PAGE, AMOUNT, new, align="center")]))
    return out


@dataclass(frozen=True)
class Site:
    """A raw folder, a warehouse folder and a Dagster instance, as `make run` uses them."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "GX_ANALYTICS_ENABLED": "False",
            "DAGSTER_HOME": str(self.root / "dagster_home"),
            "PIPELINES_RAW_DIR": str(self.raw),
            "PIPELINES_WAREHOUSE_DIR": str(self.root / "warehouse"),
        }

    def create(self) -> Site:
        """Empty raw and warehouse folders, and a Dagster instance from instance/dagster.yaml (as make does)."""
        for folder in (self.raw, self.root / "warehouse", self.root / "dagster_home"):
            folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / "instance" / "dagster.yaml", self.root / "dagster_home" / "dagster.yaml")
        return self

    def copy_to(self, root: Path) -> Site:
        """A copy of the whole site (raw folder, warehouse with its .build, Dagster instance)."""
        shutil.copytree(self.root, root, symlinks=True)
        return Site(root)

    def documents(self) -> int:
        return len(list(self.raw.glob("*.pdf")))


def measure(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak resident memory (MB) of a command and every process under it,
    sampled every 20 ms (the GX fork server and its workers too); fails with its stderr if it fails."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        root = psutil.Process(proc.pid)
        seen: dict[int, psutil.Process] = {proc.pid: root}
        cpu: dict[int, float] = {}
        peak_tree = peak_main = 0.0
        while True:
            with contextlib.suppress(psutil.NoSuchProcess):
                seen.update({c.pid: c for c in root.children(recursive=True)})
            tree = 0.0
            for pid, p in list(seen.items()):
                try:
                    with p.oneshot():
                        times, rss = p.cpu_times(), p.memory_info().rss
                except psutil.NoSuchProcess:
                    seen.pop(pid)
                    continue
                cpu[pid] = times.user + times.system
                tree += rss
                if pid == proc.pid:
                    peak_main = max(peak_main, rss)
            peak_tree = max(peak_tree, tree)
            if proc.poll() is not None:
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
        if proc.returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(proc.returncode, command, stderr=errors.read().decode(errors="replace"))
    return {"wall": wall, "cpu": sum(cpu.values()), "peak_rss_mb": peak_main / 2**20, "peak_tree_mb": peak_tree / 2**20}


REFRESH = [sys.executable, "-m", "pipelines.cli", "refresh"]
"""What `make run` runs once the environment is installed."""


def refresh(site: Site) -> dict[str, float]:
    """One `make run`-equivalent refresh of a site, measured."""
    return measure(REFRESH, site.env())


def stats(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def _summary(runs: list[dict[str, float]]) -> dict[str, object]:
    return {
        "seconds": stats([r["wall"] for r in runs]),
        "cpu": stats([r["cpu"] for r in runs]),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "peak_tree_mb": max(r["peak_tree_mb"] for r in runs),
    }


def growth(floor: Callable[[], object]) -> dict[str, object]:
    """Cold, no-change and add-one-document refreshes for every N of SIZES, each beside a floor measurement."""
    floors: list[float] = []

    def timed_floor() -> None:
        t = time.perf_counter()
        floor()
        floors.append(time.perf_counter() - t)

    floor()  # warm imports and font caches once, outside the timings
    data: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="bench_growth_") as tmp:
        editions = make_editions(Path(tmp) / "editions", max(SIZES) + 1)
        cold = []
        for r in range(RUNS):
            site = Site(Path(tmp) / f"cold_{r}").create()
            shutil.copy(editions[0], site.raw)
            cold.append(refresh(site))
            timed_floor()
        base = site  # one document, its instance kept
        data["cold"] = _summary(cold)
        data["no_change"] = _summary([(refresh(base), timed_floor())[0] for _ in range(RUNS)])
        added = []
        for n in SIZES:
            for edition in editions[base.documents() : n]:
                shutil.copy(edition, base.raw)
            if base.documents() != n:
                raise RuntimeError(f"the base warehouse holds {base.documents()} documents, not {n}")
            refresh(base)  # a warehouse of n documents (untimed)
            runs = []
            for r in range(RUNS):
                trial = base.copy_to(Path(tmp) / f"add_{n}_{r}")
                shutil.copy(editions[n], trial.raw)
                runs.append(refresh(trial))
                timed_floor()
                shutil.rmtree(trial.root)
            added.append({"documents": n, **_summary(runs)})
            print(
                f"  growth: adding document {n + 1} to {n}: median {stats([x['wall'] for x in runs])['median']:.1f} s"
            )
        data["add"] = added
    data["floor"] = stats(floors)
    return data
