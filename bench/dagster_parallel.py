"""The parallel path through Dagster itself: a backfill of per-document partitions, 1 or 2 runs at a time.

`python -m bench.dagster_parallel [COPIES]` builds a corpus of COPIES (default 6) shuffled copies of the deck,
registers one `documents` partition per PDF on a temporary Dagster instance, and materializes
`raw/document_extract` (bench/document_partitions.py) with `dagster asset materialize`, as Dagster's default run
launcher does for a backfill: every run is its own process, its step a child process of the multiprocess executor.
Two modes: one run per partition, or one run per contiguous range of partitions (start-up paid once per run).
With 1 and with 2 runs in flight it reports wall time, pages/s and the speedup; each backfill then reads every
partition's Parquet with DuckDB and checks that no partition is missing or short.
Results go to bench/results/dagster_parallel.md.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import duckdb

from bench.document_partitions import DOCUMENTS
from bench.run import RESULTS, machine, make_corpus, stats
from pipelines.lib.paths import PROJECT_ROOT

DAGSTER = Path(sys.executable).with_name("dagster")
ASSET = "raw/document_extract"


class PartitionRunError(RuntimeError):
    """A partition's run failed; carries the partition key and the run's output."""


def register_partitions(home: Path, keys: list[str]) -> None:
    """Add the `documents` partitions to the instance in `home`."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.add_dynamic_partitions(DOCUMENTS.name, keys)


def launch(partitions: list[str], env: dict[str, str]) -> float:
    """One run materializing `partitions` (one key, or a contiguous range) in a new process; its wall seconds."""
    target = ["--partition", partitions[0]]
    if len(partitions) > 1:
        target = ["--partition-range", f"{partitions[0]}...{partitions[-1]}"]
    started = time.perf_counter()
    done = subprocess.run(
        [str(DAGSTER), "asset", "materialize", "-m", "bench.document_partitions", "--select", ASSET, *target],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise PartitionRunError(f"partitions {partitions}: run failed\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def plan_runs(keys: list[str], workers: int, batched: bool) -> list[list[str]]:
    """One run per partition, or (batched) `workers` runs each holding a contiguous range of partitions."""
    if not batched:
        return [[k] for k in keys]
    size = -(-len(keys) // workers)
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def backfill(corpus: Path, workers: int, batched: bool = False) -> dict[str, object]:
    """All partitions of `corpus` on a fresh instance, `workers` runs at a time; wall time and checks."""
    keys = sorted(p.stem for p in corpus.glob("*.pdf"))
    runs = plan_runs(keys, workers, batched)
    with tempfile.TemporaryDirectory(prefix="bench_dagster_") as tmp:
        home, out = Path(tmp) / "home", Path(tmp) / "extracts"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        register_partitions(home, keys)
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "PYTHONPATH": str(PROJECT_ROOT),
            "BENCH_CORPUS_DIR": str(corpus),
            "BENCH_EXTRACT_DIR": str(out),
            "GX_ANALYTICS_ENABLED": "False",
        }
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            per_run = list(pool.map(lambda run: launch(run, env), runs))
        wall = time.perf_counter() - started
        with dg.DagsterInstance.from_config(str(home)) as instance:
            materialized = instance.get_materialized_partitions(dg.AssetKey.from_user_string(ASSET))
            launched = len(instance.get_run_records())
        cells = duckdb.sql(
            f"SELECT document_id, count(*) AS n FROM read_parquet('{out}/*/table_cells.parquet') GROUP BY 1"
        ).fetchall()
    if set(materialized) != set(keys):
        raise PartitionRunError(f"partitions not materialized: {sorted(set(keys) - set(materialized))}")
    if {d for d, _ in cells} != set(keys) or len({n for _, n in cells}) != 1:
        raise PartitionRunError(f"table_cells per document differ or are missing: {sorted(cells)}")
    return {
        "wall": wall,
        "runs": launched,
        "per_run_median": statistics.median(per_run),
        "cells_per_document": cells[0][1],
    }


MODES = {"one run per partition": False, "one run per range of partitions": True}


def main() -> None:
    """Build the corpus, time 1 and 2 runs in flight in both modes (median of BENCH_RUNS), write the table."""
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    repeats = int(os.environ.get("BENCH_RUNS", "5"))
    samples: dict[tuple[str, int], list[dict[str, object]]] = {(m, w): [] for m in MODES for w in (1, 2)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        pages = make_corpus(corpus, copies)
        for _ in range(repeats):
            for mode, batched in MODES.items():
                for workers in (1, 2):
                    got = backfill(corpus, workers, batched)
                    samples[(mode, workers)].append(got)
                    print(f"{mode}, {workers} in flight: {got['runs']} run(s), {got['wall']:.1f} s", flush=True)
    walls = {key: stats([float(s["wall"]) for s in got]) for key, got in samples.items()}
    rows = []
    for (mode, workers), got in samples.items():
        w = walls[(mode, workers)]
        rows.append(
            f"| {mode} | {workers} | {got[0]['runs']} | {w['median']:.1f} | {w['min']:.1f} | {w['max']:.1f} | "
            f"{pages / w['median']:.1f} | {statistics.median(float(s['per_run_median']) for s in got):.1f} | "
            f"{walls[(mode, 1)]['median'] / w['median']:.2f}x |"
        )
    cells = samples[(next(iter(MODES)), 1)][0]["cells_per_document"]
    lines = [
        "# Dagster: per-document partitions, multiprocess executor",
        "",
        f"Machine: {machine()}.",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Corpus: {copies} shuffled copies of the "
        f"deck ({pages} pages), one `documents` partition each. Each row is the median of {repeats} backfills (rows "
        "alternate), each on a fresh temporary instance. Every run is a `dagster asset materialize` process whose "
        "step runs in a child process (multiprocess executor), so process start-up and imports are in the cost; "
        "a batched run takes a contiguous range of partitions (`BackfillPolicy.single_run()`). After each backfill "
        f"every partition is materialized on the instance and its Parquet holds {cells} table cells.",
        "",
        "| mode | runs in flight | runs | median s | min s | max s | pages/s | median s per run "
        "| speedup vs 1 in flight |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    (RESULTS / "dagster_parallel.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
