"""Jobs and schedules: one refresh of everything, weekly by default, and the freshness that schedule promises."""

from datetime import timedelta

import dagster as dg

REFRESH_CRON, REFRESH_TIMEZONE = "0 6 * * 1", "Asia/Tokyo"

WEEKLY_FRESHNESS = dg.FreshnessPolicy.cron(
    deadline_cron="0 7 * * 1", lower_bound_delta=timedelta(hours=1), timezone=REFRESH_TIMEZONE
)
"""Every asset is materialized by the Monday 06:00 JST refresh, within the hour it has to run."""

WRITER_POOL = "duckdb_writer"
"""Steps that write the working DuckDB database; instance/dagster.yaml admits one run holding them at a time."""

refresh_job = dg.define_asset_job(
    "refresh_job",
    selection=dg.AssetSelection.all(),
    description="Extract, stage, validate, build marts and publish the warehouse from every PDF in the raw folder.",
)

refresh_schedule = dg.ScheduleDefinition(
    name="refresh_schedule",
    job=refresh_job,
    cron_schedule=REFRESH_CRON,
    execution_timezone=REFRESH_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekly refresh, Mondays 06:00 JST.",
)


@dg.definitions
def automation() -> dg.Definitions:
    """The job and its schedule; every run executes in one process (one writer holds the working database)."""
    return dg.Definitions(jobs=[refresh_job], schedules=[refresh_schedule], executor=dg.in_process_executor)
