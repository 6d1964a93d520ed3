"""The Dagster code location: assembles the definitions and nothing else."""

import dagster as dg

from pipelines.defs.automation import refresh_job, refresh_schedule
from pipelines.defs.extract import has_no_unrecognised_tables, raw_extraction
from pipelines.defs.marts import MART_ASSETS, MART_CHECKS
from pipelines.defs.publish import data_docs, published_warehouse
from pipelines.defs.report import published_report
from pipelines.defs.resources import PipelineSettings
from pipelines.defs.sensors import raw_sources_sensor
from pipelines.defs.sources import source_documents
from pipelines.defs.staging import STAGING_ASSETS, STAGING_CHECKS

defs = dg.Definitions(
    assets=[
        source_documents,
        raw_extraction,
        *STAGING_ASSETS,
        *MART_ASSETS,
        published_warehouse,
        published_report,
        data_docs,
    ],
    asset_checks=[*STAGING_CHECKS, has_no_unrecognised_tables, *MART_CHECKS],
    jobs=[refresh_job],
    schedules=[refresh_schedule],
    sensors=[raw_sources_sensor],
    resources={"settings": PipelineSettings()},
    executor=dg.in_process_executor,
)
