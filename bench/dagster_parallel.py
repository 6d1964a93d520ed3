"""The parallel path through Dagster itself: a backfill of per-document partitions, 1 or 2 runs at a time.

`python -m bench.dagster_parallel [COPIES]` builds a corpus of COPIES shuffled copies of the deck, registers one
`documents` partition per PDF on a temporary Dagster instance, and launches `extract_documents_job`
(bench/document_partitions.py) once per partition with `dagster job execute`, as Dagster's default run launcher
does: every run is its own process, and its step runs in a child process of the multiprocess executor. With 1 and
with 2 runs in flight it reports wall time, pages/s and the 2-worker speedup; each pass then loads every
partition's Parquet into one DuckDB table and checks that no partition's rows are missing.
Results go to bench/results/dagster_parallel.md.
"""

from __future__ import annotations

import json
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
from bench.run import RESULTS, machine, make_corpus
from pipelines.lib.paths import PROJECT_ROOT

DAGSTER = Path(sys.executable).with_name("dagster")


class PartitionRunError(RuntimeError):
    """A partition's run failed; carries the partition key and the run's output."""


def register_partitions(home: Path, keys: list[str]) -> None:
    """Add the `documents` partitions to the instance in `home`."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.add_dynamic_partitions(DOCUMENTS.name, keys)


def launch(key: str, env: dict[str, str]) -> float:
    """One run of extract_documents_job for partition `key` in a new process; its wall seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(DAGSTER),
            "job",
            "execute",
            "-m",
            "bench.document_partitions",
            "-j",
            "extract_documents_job",
            "--tags",
            json.dumps({"dagster/partition": key}),
        ],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise PartitionRunError(f"partition {key}: run failed\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def backfill(corpus: Path, workers: int) -> dict[str, object]:
    """All partitions of `corpus` on a fresh instance, `workers` runs at a time; wall time and checks."""
    keys = sorted(p.stem for p in corpus.glob("*.pdf"))
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
            per_run = list(pool.map(lambda k: launch(k, env), keys))
        wall = time.perf_counter() - started
        with dg.DagsterInstance.from_config(str(home)) as instance:
            materialized = instance.get_materialized_partitions(dg.AssetKey(["raw", "document_extract"]))
        cells = duckdb.sql(
            f"SELECT document_id, count(*) AS n FROM read_parquet('{out}/*/table_cells.parquet') GROUP BY 1"
        ).fetchall()
    if set(materialized) != set(keys):
        raise PartitionRunError(f"partitions not materialized: {sorted(set(keys) - set(materialized))}")
    if {d for d, _ in cells} != set(keys) or len({n for _, n in cells}) != 1:
        raise PartitionRunError(f"table_cells per document differ or are missing: {sorted(cells)}")
    return {"wall": wall, "per_run_median": statistics.median(per_run), "cells_per_document": cells[0][1]}


def main() -> None:
    """Build the corpus, time 1 and 2 runs in flight (median of BENCH_RUNS), write the result table."""
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    runs = int(os.environ.get("BENCH_RUNS", "5"))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        pages = make_corpus(corpus, copies)
        samples: dict[int, list[dict[str, object]]] = {1: [], 2: []}
        for _ in range(runs):
            for workers in (1, 2):
                samples[workers].append(backfill(corpus, workers))
                print(f"{workers} run(s) in flight: {samples[workers][-1]['wall']:.1f} s", flush=True)
    rows = {}
    for workers, got in samples.items():
        walls = [float(s["wall"]) for s in got]
        rows[workers] = (
            statistics.median(walls),
            min(walls),
            max(walls),
            statistics.median(float(s["per_run_median"]) for s in got),
        )
    cells = samples[1][0]["cells_per_document"]
    speedup = rows[1][0] / rows[2][0]
    lines = [
        "# Dagster: one run per document partition, multiprocess executor",
        "",
        f"Machine: {machine()}.",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Corpus: {copies} shuffled copies of the "
        f"deck ({pages} pages), one `documents` partition each; median of {runs} backfills per row (1 and 2 "
        "alternating), each on a fresh temporary instance. Every run is a `dagster job execute` process whose "
        "step runs in a child process (multiprocess executor), so process start-up and imports are in the cost. "
        f"After each backfill all {copies} partitions are materialized on the instance and their Parquet holds "
        f"{cells} table cells per document.",
        "",
        "| runs in flight | median s | min s | max s | pages/s | median s per run |",
        "|---|---|---|---|---|---|",
        *(
            f"| {w} | {m:.1f} | {lo:.1f} | {hi:.1f} | {pages / m:.1f} | {per:.1f} |"
            for w, (m, lo, hi, per) in sorted(rows.items())
        ),
        "",
        f"2-worker speedup: **{speedup:.2f}x** (2 cores).",
        "",
    ]
    (RESULTS / "dagster_parallel.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
