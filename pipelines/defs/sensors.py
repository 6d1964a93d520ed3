"""Sensors: a new or changed source (PDF in the raw folder or remote document) launches one refresh."""

import hashlib
import json
import urllib.error

import dagster as dg

from pipelines.defs.automation import refresh_job
from pipelines.defs.resources import PipelineSettings
from pipelines.lib.remote_sources import RemoteSourceError, sources_state


def _changes(previous: dict[str, str], state: dict[str, str]) -> list[str]:
    names = sorted(set(previous) | set(state))
    return [n for n in names if previous.get(n) != state.get(n)]


@dg.sensor(
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Launches refresh_job when a PDF in the raw folder or a remote source of raw/sources.yaml is new or "
        "changed (sha256 in the cursor); the first tick records a baseline."
    ),
)
def raw_sources_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> dg.SensorResult:
    """One run per change of the sources' sha256s; an unreadable source skips the tick."""
    try:
        state = sources_state(settings.raw_path(), timeout_s=settings.http_timeout_s)
    except (OSError, RemoteSourceError, urllib.error.URLError) as exc:
        return dg.SensorResult(skip_reason=dg.SkipReason(f"cannot read the sources: {exc}"))
    cursor = json.dumps(state, sort_keys=True)
    if context.cursor is None:
        return dg.SensorResult(skip_reason=f"baseline of {len(state)} source(s) recorded", cursor=cursor)
    previous = json.loads(context.cursor)
    changed = _changes(previous, state)
    if not changed:
        return dg.SensorResult(skip_reason=f"no change in {len(state)} source(s)")
    run_key = hashlib.sha256((context.cursor + "\n" + cursor).encode()).hexdigest()[:32]
    context.log.info(f"changed sources: {', '.join(changed)}")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags={"raw_sources/changed": ", ".join(changed)[:200]})],
        cursor=cursor,
    )
