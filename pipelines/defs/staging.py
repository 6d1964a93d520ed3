"""Staging tables, each validated by its Great Expectations suite as a blocking asset check."""

import json

import dagster as dg

from pipelines.defs.metadata import table_metadata
from pipelines.defs.resources import PipelineSettings
from pipelines.lib.editions import validate_by_document
from pipelines.lib.schema import table
from pipelines.lib.staging.raw_layer import raw_layer_from_duckdb
from pipelines.lib.staging.registry import STAGING, StagingTable
from pipelines.lib.warehouse import read_table, record_validation, working_db, write_table


def staging_asset(st: StagingTable) -> dg.AssetsDefinition:
    """The asset that builds one staging table from the raw layer."""

    @dg.asset(
        name=st.name,
        key_prefix=["staging"],
        group_name="staging",
        description=st.spec.description,
        deps=[["raw", name] for name in ("documents", *st.raw_inputs)],
        kinds={"pandas", "duckdb"},
        owners=["team:data-engineering"],
    )
    def _asset(settings: PipelineSettings) -> dg.MaterializeResult:
        with working_db(settings.warehouse()) as con:
            df = st.builder(raw_layer_from_duckdb(con))
            write_table(con, st.spec, df)
            stored = read_table(con, st.spec)
        return dg.MaterializeResult(metadata=table_metadata(st.spec, stored))

    return _asset


def suite_check(st: StagingTable) -> dg.AssetChecksDefinition:
    """The blocking check that runs expectations/<table>.json on each document's rows of the staging table."""

    @dg.asset_check(
        asset=dg.AssetKey(["staging", st.name]),
        name="matches_expectation_suite",
        description=f"expectations/{st.name}.json passes on every document of staging.{st.name}",
        blocking=True,
    )
    def _check(context: dg.AssetCheckExecutionContext, settings: PipelineSettings) -> dg.AssetCheckResult:
        with working_db(settings.warehouse()) as con:
            df = read_table(con, st.spec)
            outcome = validate_by_document(con, st.spec, st.name, df)
            failures = outcome.failures()
            record_validation(
                con, st.spec, st.name, outcome.success, outcome.evaluated, json.dumps(failures, default=str)
            )
        context.log.info(
            f"staging.{st.name}: validated {outcome.validated or 'no document'}, "
            f"skipped {outcome.skipped or 'none'} (unchanged since they passed)"
        )
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=None if outcome.success else outcome.describe_failures(),
            metadata={
                "suite": f"expectations/{st.name}.json",
                "documents_validated": dg.MetadataValue.json(outcome.validated),
                "documents_skipped": dg.MetadataValue.json(outcome.skipped),
                "expectations_evaluated": outcome.evaluated,
                "expectations_failed": len(failures),
                "failures": dg.MetadataValue.json(failures),
            },
        )

    return _check


STAGING_ASSETS = [staging_asset(st) for st in STAGING]
STAGING_CHECKS = [suite_check(st) for st in STAGING]
EXPECTED_TABLES = [table(f"staging.{st.name}") for st in STAGING]
