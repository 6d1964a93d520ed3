"""What Dagster's own bookkeeping costs a refresh that adds one document, per-document state vs partitions.

Both designs do the same per-document work (only the new document's extraction, staging rows, checks, charts and
pages); they differ in how Dagster runs it. This measures that difference alone, with steps that do nothing, on a
persistent instance (a temporary DAGSTER_HOME, sqlite storage, as `make run` uses .dagster), in the shape of
refresh_job as the definitions declare it:

- state (what the project does): one unpartitioned run of every step; the warehouse knows which documents are new;
- partitions, one run: the per-document steps (raw extraction, staging and their checks) partitioned by
  document_id, the rest unpartitioned, in one run targeting the new document's key (added first, as the sensor
  would);
- partitions, two runs: the new key's run of the per-document steps, then a run of the rest.

Each mode runs BENCH_PARTITION_RUNS times (default 5), the modes alternating; prints and writes
bench/results/partitions_vs_state.md.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from pipelines.lib.paths import PROJECT_ROOT

RUNS = int(os.environ.get("BENCH_PARTITION_RUNS", "5"))
RESULTS = PROJECT_ROOT / "bench" / "results" / "partitions_vs_state.md"
PER_DOCUMENT_GROUPS = {"sources", "raw", "staging"}


def step_counts() -> tuple[int, int]:
    """(per-document steps, steps over all documents) of refresh_job, from the definitions."""
    from pipelines.definitions import defs

    groups = {
        a.node_def.name: set(a.group_names_by_key.values())
        for a in defs.resolve_asset_graph().assets_defs
        if a.is_executable
    }
    per_document = sum(bool(g & PER_DOCUMENT_GROUPS) for g in groups.values())
    return per_document, len(groups) - per_document


def _chain(prefix: str, n: int, first_dep: str | None, partitions: dg.PartitionsDefinition | None) -> list:
    def make(i: int) -> dg.AssetsDefinition:
        dep = f"{prefix}{i - 1}" if i else first_dep

        @dg.asset(name=f"{prefix}{i}", deps=[dep] if dep else [], partitions_def=partitions)
        def _step() -> dg.MaterializeResult:
            return dg.MaterializeResult(metadata={"documents_recomputed": dg.MetadataValue.json(["new"])})

        return _step

    return [make(i) for i in range(n)]


def _instance(folder: Path) -> dg.DagsterInstance:
    folder.mkdir(parents=True)
    (folder / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return dg.DagsterInstance.from_config(str(folder))


def modes(per_document: int, rest: int) -> dict[str, Callable[[dg.DagsterInstance], None]]:
    documents = dg.DynamicPartitionsDefinition(name="documents")
    state = _chain("s", per_document + rest, None, None)
    parted = _chain("p", per_document, None, documents)
    after = _chain("u", rest, f"p{per_document - 1}", None)

    def one_run_of_state(instance: dg.DagsterInstance) -> None:
        assert dg.materialize(state, instance=instance).success

    def partitions_one_run(instance: dg.DagsterInstance) -> None:
        instance.add_dynamic_partitions("documents", ["new"])
        assert dg.materialize([*parted, *after], partition_key="new", instance=instance).success

    def partitions_two_runs(instance: dg.DagsterInstance) -> None:
        instance.add_dynamic_partitions("documents", ["new"])
        assert dg.materialize(parted, partition_key="new", instance=instance).success
        assert dg.materialize(after, instance=instance, selection=[a.key for a in after]).success

    return {
        "state: one unpartitioned run": one_run_of_state,
        "partitions: one run (new key + the rest)": partitions_one_run,
        "partitions: two runs (new key, then the rest)": partitions_two_runs,
    }


def main() -> None:
    per_document, rest = step_counts()
    timed = modes(per_document, rest)
    samples: dict[str, list[float]] = {name: [] for name in timed}
    with tempfile.TemporaryDirectory(prefix="bench_partitions_") as tmp:
        for r in range(RUNS):
            for i, (name, run) in enumerate(timed.items()):
                instance = _instance(Path(tmp) / f"{r}_{i}")
                t = time.perf_counter()
                run(instance)
                samples[name].append(time.perf_counter() - t)
                instance.dispose()
    base = statistics.median(samples[next(iter(timed))])
    lines = [
        "# Dagster's bookkeeping when a document is added: state in the warehouse vs per-document partitions",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; steps that do nothing, in refresh_job's "
        f"shape ({per_document} per-document steps, {rest} over all documents), persistent sqlite instance, "
        f"median of {RUNS} runs, modes alternating. `python -m bench.partitions_vs_state`.",
        "",
        "| design | median s | min s | max s | vs state |",
        "|---|---|---|---|---|",
    ]
    for name, values in samples.items():
        median = statistics.median(values)
        lines.append(f"| {name} | {median:.2f} | {min(values):.2f} | {max(values):.2f} | {median / base:.2f}x |")
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
