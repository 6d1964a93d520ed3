"""Jobs and schedules: one refresh of everything, weekly by default."""

import dagster as dg

refresh_job = dg.define_asset_job(
    "refresh_job",
    selection=dg.AssetSelection.all(),
    description="Extract, stage, validate, build marts and publish the warehouse from every PDF in the raw folder.",
)

refresh_schedule = dg.ScheduleDefinition(
    name="refresh_schedule",
    job=refresh_job,
    cron_schedule="0 6 * * 1",
    execution_timezone="Asia/Tokyo",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekly refresh, Mondays 06:00 JST.",
)


@dg.definitions
def automation() -> dg.Definitions:
    """The job and its schedule; every run executes in one process (one writer holds the working database)."""
    return dg.Definitions(jobs=[refresh_job], schedules=[refresh_schedule], executor=dg.in_process_executor)
