"""Jobs and schedules: one refresh of everything, weekly by default."""

import dagster as dg

refresh_job = dg.define_asset_job(
    "refresh_job",
    selection=dg.AssetSelection.all(),
    description="Extract, stage, validate, build marts and publish the warehouse from every PDF in the raw folder.",
    executor_def=dg.in_process_executor,
)

refresh_schedule = dg.ScheduleDefinition(
    name="refresh_schedule",
    job=refresh_job,
    cron_schedule="0 6 * * 1",
    execution_timezone="Asia/Tokyo",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekly refresh, Mondays 06:00 JST.",
)
