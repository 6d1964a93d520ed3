"""One cold refresh in a fresh process, timed by stage; prints one JSON line. Used by bench/run.py.

GX is not imported here first: as in `make run`, the background worker imports it while extraction runs.
"""

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

# Dagster and the definitions are imported in main(): the background worker (a spawned process) imports
# this module again as __mp_main__, and must not load them too.


def stage(step_key: str) -> str:
    if step_key.startswith(("raw_documents", "source_documents", "raw_extraction", "raw__")):
        return "extraction"
    if "matches_expectation_suite" in step_key or "_check" in step_key:
        return "gx_validation"
    if step_key.startswith("staging"):
        return "normalize_staging"
    if step_key.startswith("marts"):
        return "marts"
    if step_key == "published_report":
        return "report"
    if "publish" in step_key:
        return "publish"
    return "other:" + step_key


def main() -> None:
    import dagster as dg

    t_dagster = time.perf_counter()
    from pipelines.definitions import defs
    from pipelines.defs.resources import PipelineSettings, Warehouse
    from pipelines.lib.refresh import background

    t_defs = time.perf_counter()
    raw_dir, warehouse_dir = sys.argv[1], sys.argv[2]
    settings = PipelineSettings(raw_dir=raw_dir)
    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    result = dg.materialize(
        [*defs.assets, *(defs.asset_checks or [])],
        resources={"settings": settings, "warehouse": Warehouse(warehouse_dir=warehouse_dir)},
        instance=instance,
        raise_on_error=False,
    )
    finished = time.perf_counter()
    starts: dict[str, float] = {}
    stages: dict[str, float] = {}
    for entry in instance.all_logs(result.run_id):
        event, ts = entry.dagster_event, entry.timestamp
        key = event.step_key if event else None
        if key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            starts[key] = ts
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            stages[stage(key)] = stages.get(stage(key), 0.0) + ts - starts.pop(key, ts)
    out = {
        "success": result.success,
        "imports_dagster": t_dagster - T0,
        "imports_definitions": t_defs - t_dagster,
        "run_total": finished - started,
        **stages,
    }
    out["run_overhead"] = out["run_total"] - sum(stages.values())
    print(json.dumps(out))
    background.stop()


if __name__ == "__main__":
    main()
