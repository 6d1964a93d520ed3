"""Staging tables, each validated by its Great Expectations suite and the completeness rule (blocking checks).

New content an edition brings (a quantity or row label no rule names) is kept and listed by a WARN check.
"""

import json
from typing import Any

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result, table_metadata
from pipelines.defs.resources import Warehouse
from pipelines.lib.code_versions import staging_version
from pipelines.lib.editions import submit_validations, validate_by_document
from pipelines.lib.staging.completeness import missing_records
from pipelines.lib.staging.new_content import unclassified_rows
from pipelines.lib.staging.provenance import unresolved_rows
from pipelines.lib.staging.raw_layer import raw_layer_from_duckdb
from pipelines.lib.staging.registry import STAGING, StagingTable
from pipelines.lib.validation_results import ValidationResults
from pipelines.lib.warehouse.build import read_table, write_table
from pipelines.lib.warehouse.ledger import record_validation


def staging_asset(st: StagingTable) -> dg.AssetsDefinition:
    """The asset that builds one staging table from the raw layer."""

    @dg.asset(
        name=st.name,
        key_prefix=["staging"],
        group_name="staging",
        description=st.spec.description,
        deps=[["raw", name] for name in st.raw_inputs],
        kinds={"pandas", "duckdb"},
        owners=["team:data-engineering"],
        metadata=definition_metadata(st.spec),
        code_version=staging_version(st),
        freshness_policy=WEEKLY_FRESHNESS,
        pool=WRITER_POOL,
    )
    def _asset(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.working() as con:
            df = st.builder(raw_layer_from_duckdb(con, st.raw_inputs))  # only what it declares it reads
            write_table(con, st.spec, df)
            stored = read_table(con, st.spec)
            submit_validations(con, st.spec, st.name, stored)  # its suite check takes the result
        return dg.MaterializeResult(metadata=table_metadata(st.spec, stored))

    return _asset


def _key(st: StagingTable) -> dg.AssetKey:
    return dg.AssetKey(["staging", st.name])


def suite_check(st: StagingTable) -> dg.AssetChecksDefinition:
    """The blocking check that runs the suite of staging.<table> on each document's rows."""

    @dg.asset_check(
        asset=_key(st),
        name="matches_expectation_suite",
        description=f"The registry's rules and expectations/{st.name}.json hold on every document of staging.{st.name}",
        blocking=True,
        pool=WRITER_POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        results = ValidationResults.in_build_dir(warehouse.paths.build_dir)
        with warehouse.working() as con:
            df = read_table(con, st.spec)
            run_id = context.op_execution_context.run_id
            outcome = validate_by_document(con, st.spec, st.name, df, run_id=run_id, results=results)
            failures = outcome.failures()
            record_validation(
                con, st.spec, st.name, outcome.success, outcome.expectations, json.dumps(failures, default=str)
            )
        reused = [r.__dict__ for r in outcome.reused]
        context.log.info(
            f"staging.{st.name}: validated {outcome.validated or 'no document'} ({outcome.evaluated} expectations); "
            f"reused the passing result of {outcome.skipped or 'none'} (unchanged rows, suite and parameters)"
        )
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=None if outcome.success else outcome.describe_failures(),
            metadata={
                "suite": f"expectations/{st.name}.json",
                "expectations": outcome.expectations,
                "expectations_evaluated": outcome.evaluated,
                "expectations_reused": outcome.expectations - outcome.evaluated,
                "expectations_failed": len(failures),
                "documents_validated": dg.MetadataValue.json(outcome.validated),
                "documents_reused": dg.MetadataValue.json(reused),
                "failures": dg.MetadataValue.json(failures),
            },
        )

    return _check


def completeness_check(st: StagingTable) -> dg.AssetChecksDefinition:
    """The blocking check that every data record of the families this table covers is in it."""
    families = ", ".join(c.family for c in st.covers)

    @dg.asset_check(
        asset=_key(st),
        name="accounts_for_every_raw_record",
        description=f"Every data record of the raw {families} tables is read into staging.{st.name}",
        blocking=True,
        pool=WRITER_POOL,
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.working() as con:
            raw = raw_layer_from_duckdb(con)
            df = read_table(con, st.spec)
        missing = missing_records(raw.tables, raw.table_cells, df, st.covers)
        return findings_result([m.__dict__ for m in missing], [m.describe() for m in missing], families=families)

    return _check


def provenance_check(st: StagingTable) -> dg.AssetChecksDefinition:
    """The blocking check that every row's raw_text is in the raw cell or text block its address names."""

    @dg.asset_check(
        asset=_key(st),
        name="raw_text_is_in_its_source",
        description=f"Each row of staging.{st.name} points at the raw cell or text block holding its raw_text",
        blocking=True,
        pool=WRITER_POOL,
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.working() as con:
            documents = [r[0] for r in con.execute("SELECT document_id FROM raw.documents ORDER BY 1").fetchall()]
            bad = [line for d in documents for line in unresolved_rows(con, st.spec, d)]
        return findings_result(bad, bad)

    return _check


def unclassified_check(st: StagingTable) -> dg.AssetChecksDefinition:
    """The WARN check that lists rows no rule could name (kept as unclassified…, waiting for a rule)."""
    column = st.classified_by
    assert column is not None

    @dg.asset_check(
        asset=_key(st),
        name="has_no_unclassified_rows",
        description=f"Every row of staging.{st.name} has a {column} a rule names (WARN: new content is kept, listed)",
        blocking=False,
        pool=WRITER_POOL,
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.working() as con:
            df = read_table(con, st.spec)
        found: list[dict[str, Any]] = unclassified_rows(df, column)
        lines = [f"{f['where']}: {f[column]} {f.get('raw_text', '')}".rstrip() for f in found]
        return findings_result(found, lines, warn=True)

    return _check


STAGING_ASSETS = [staging_asset(st) for st in STAGING]
STAGING_CHECKS = (
    [suite_check(st) for st in STAGING]
    + [completeness_check(st) for st in STAGING if st.covers]
    + [provenance_check(st) for st in STAGING if "raw_text" in st.spec.column_names]
    + [unclassified_check(st) for st in STAGING if st.classified_by]
)
