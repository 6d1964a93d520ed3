"""The asset graph as a committed snapshot: a change to keys, groups, kinds, deps or checks is a visible diff.

In the style of dagster-open-platform's definitions snapshot, one fact per line so that every line of a
diff names its asset. Code versions change with the code, so only their presence is recorded; so is the
column schema's (its columns are the registry's, diffed in docs/tables.md). After an intended change:
``UPDATE_SNAPSHOTS=1 python -m pytest tests/defs/test_asset_graph_snapshot.py``, then commit the file.
"""

import difflib
import os
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def _yes(value: object) -> str:
    return "yes" if value else "no"


def graph_snapshot(definitions: dg.Definitions) -> list[str]:
    """Everything the graph says, one sorted line per fact."""
    graph = definitions.resolve_asset_graph()
    lines = []
    for spec in definitions.resolve_all_asset_specs():
        key = spec.key.to_user_string()
        pools = ",".join(sorted(graph.get(spec.key).pools or [])) or "-"
        schema = "dagster/column_schema" in spec.metadata
        lines.append(
            f"asset {key}: group={spec.group_name} kinds={','.join(sorted(spec.kinds))} "
            f"owners={','.join(sorted(spec.owners))} pools={pools} code_version={_yes(spec.code_version)} "
            f"freshness_policy={_yes(spec.freshness_policy)} column_schema={_yes(schema)}"
        )
        lines += [f"asset {key}: dep {d.asset_key.to_user_string()}" for d in spec.deps]
    for check_key in graph.asset_check_keys:  # declared by an asset's step or on their own
        spec = graph.get_check_spec(check_key)
        blocking = "blocking" if spec.blocking else "warn"
        lines.append(f"asset {spec.asset_key.to_user_string()}: check {spec.name} ({blocking})")
    lines += [f"job {j.name}" for j in definitions.resolve_all_job_defs() if not j.name.startswith("__")]
    lines += [f"job refresh_job: executor {definitions.resolve_job_def('refresh_job').executor_def.name}"]
    lines += [
        f"schedule {s.name}: {s.job_name} at '{s.cron_schedule}' {s.execution_timezone}"
        for s in definitions.schedules or []
    ]
    lines += [f"sensor {s.name}" for s in definitions.sensors or []]
    lines += [f"resource {name}: {type(r).__name__}" for name, r in (definitions.resources or {}).items()]
    return sorted(lines)


def test_asset_graph_matches_the_committed_snapshot():
    current = "\n".join(graph_snapshot(defs)) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    diff = difflib.unified_diff(committed.splitlines(), current.splitlines(), "committed", "current", n=0, lineterm="")
    changes = "\n".join(line for line in diff if not line.startswith("@@"))
    assert not changes, (
        f"the asset graph differs from tests/defs/snapshots/{SNAPSHOT.name}; if that is intended, run "
        f"UPDATE_SNAPSHOTS=1 python -m pytest {Path(__file__).name} and commit it:\n{changes}"
    )
