"""Staging tables, each validated by its Great Expectations suite and the completeness rule (blocking checks).

New content an edition brings (a quantity or row label no rule names) is kept and listed by a WARN check.
"""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result, table_metadata
from pipelines.defs.resources import Warehouse
from pipelines.lib.code_versions import staging_version
from pipelines.lib.editions import submit_validations, validate_by_document
from pipelines.lib.schema import table
from pipelines.lib.staging.completeness import missing_records
from pipelines.lib.staging.new_content import unclassified_rows, untyped_quantities
from pipelines.lib.staging.number_coverage import unread_numbers
from pipelines.lib.staging.printed_changes import printed_change_disagreements
from pipelines.lib.staging.provenance import unresolved_rows
from pipelines.lib.staging.quantities import SKIPPED_ROLES
from pipelines.lib.staging.raw_layer import raw_layer_from_duckdb
from pipelines.lib.staging.registry import STAGING, StagingTable
from pipelines.lib.validation.validation_results import ValidationResults
from pipelines.lib.warehouse.build import read_table, write_table
from pipelines.lib.warehouse.ledger import record_validation


def staging_asset(st: StagingTable) -> dg.AssetsDefinition:
    """The asset that builds one staging table from the raw layer."""

    @dg.asset(
        name=st.name,
        key_prefix=["staging"],
        group_name="staging",
        description=st.spec.description,
        deps=[["raw", name] for name in st.raw_inputs] + [["staging", name] for name in st.staging_inputs],
        kinds={"pandas", "duckdb"},
        owners=["team:data-engineering"],
        metadata=definition_metadata(st.spec),
        code_version=staging_version(st),
        freshness_policy=WEEKLY_FRESHNESS,
        pool=WRITER_POOL,
    )
    def _asset(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.working() as con:
            raw = raw_layer_from_duckdb(con, st.raw_inputs)  # only what it declares it reads
            df = st.build(raw, {n: read_table(con, table(f"staging.{n}")) for n in st.staging_inputs})
            write_table(con, st.spec, df)
            stored = read_table(con, st.spec)
            submit_validations(con, st.spec, st.name, stored)  # its suite check takes the result
        return dg.MaterializeResult(metadata=table_metadata(st.spec, stored))

    return _asset


def _key(st: StagingTable) -> dg.AssetKey:
    return dg.AssetKey(["staging", st.name])


Evaluate = Callable[[StagingTable, dg.AssetCheckExecutionContext, duckdb.DuckDBPyConnection, Path], dg.AssetCheckResult]


def _suite_result(
    st: StagingTable, context: dg.AssetCheckExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """The registry's rules and the suite file on each document's rows (the GX worker's result, or run here)."""
    df = read_table(con, st.spec)
    run_id = context.op_execution_context.run_id
    results = ValidationResults.in_build_dir(build_dir)
    outcome = validate_by_document(con, st.spec, st.name, df, run_id=run_id, results=results)
    failures = outcome.failures()
    record_validation(con, st.spec, st.name, outcome.success, outcome.expectations, json.dumps(failures, default=str))
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


def _completeness_result(
    st: StagingTable, _: dg.AssetCheckExecutionContext, con: duckdb.DuckDBPyConnection, __: Path
) -> dg.AssetCheckResult:
    """Every data record of the families this table covers is in it."""
    raw = raw_layer_from_duckdb(con)
    missing = missing_records(raw.tables, raw.table_cells, read_table(con, st.spec), st.covers)
    families = ", ".join(c.family for c in st.covers)
    return findings_result([m.__dict__ for m in missing], [m.describe() for m in missing], families=families)


def _provenance_result(
    st: StagingTable, _: dg.AssetCheckExecutionContext, con: duckdb.DuckDBPyConnection, __: Path
) -> dg.AssetCheckResult:
    """Every row's raw_text is in the raw cell or text block its address names."""
    documents = [r[0] for r in con.execute("SELECT document_id FROM raw.documents ORDER BY 1").fetchall()]
    bad = [line for d in documents for line in unresolved_rows(con, st.spec, d)]
    return findings_result(bad, bad)


def _unclassified_result(
    st: StagingTable, _: dg.AssetCheckExecutionContext, con: duckdb.DuckDBPyConnection, __: Path
) -> dg.AssetCheckResult:
    """Rows no rule could name (kept as unclassified…, waiting for a rule)."""
    column = st.classified_by
    assert column is not None
    found: list[dict[str, Any]] = unclassified_rows(read_table(con, st.spec), column)
    lines = [f"{f['where']}: {f[column]} {f.get('raw_text', '')}".rstrip() for f in found]
    return findings_result(found, lines, warn=True)


def _untyped_result(
    st: StagingTable, _: dg.AssetCheckExecutionContext, con: duckdb.DuckDBPyConnection, __: Path
) -> dg.AssetCheckResult:
    """Numbers nothing could type (kept with unit 'number', waiting for a unit rule or a header)."""
    assert st.untyped_unit is not None
    found = untyped_quantities(read_table(con, st.spec), st.untyped_unit)
    lines = [f"{f['where']}: {f['raw_text']}" + (f" ({f['context']})" if "context" in f else "") for f in found]
    return findings_result(found, lines, warn=True)


def _coverage_result(
    st: StagingTable, _: dg.AssetCheckExecutionContext, con: duckdb.DuckDBPyConnection, __: Path
) -> dg.AssetCheckResult:
    """Cells and text blocks whose number-with-unit (a plain regex) has no quantity at their address."""
    raw = raw_layer_from_duckdb(con, ("table_cells", "text_blocks"))
    found = unread_numbers(raw.table_cells, raw.text_blocks, read_table(con, st.spec), skipped_roles=SKIPPED_ROLES)
    return findings_result(found, [f"{f['where']}: {f['number']} in {f['text']!r}" for f in found], warn=True)


def _printed_changes_result(
    st: StagingTable, _: dg.AssetCheckExecutionContext, con: duckdb.DuckDBPyConnection, __: Path
) -> dg.AssetCheckResult:
    """Printed changes (対前年度比, 増減) of the budget tables that their two fiscal years' amounts do not give."""
    found = printed_change_disagreements(read_table(con, table("staging.budget_items")), read_table(con, st.spec))
    lines = [f"{f['where']} ({f['program']}): printed {f['printed']}, computed {f['computed']}" for f in found]
    return findings_result(found, lines, warn=True)


def _checks_of(st: StagingTable) -> list[tuple[dg.AssetCheckSpec, Evaluate]]:
    """The checks a staging table has: the suite always; the others where the table has what they test."""
    key = _key(st)
    checks: list[tuple[dg.AssetCheckSpec, Evaluate]] = [
        (
            dg.AssetCheckSpec(
                "matches_expectation_suite",
                asset=key,
                blocking=True,
                description=(
                    f"The registry's rules and expectations/{st.name}.json hold on every document of staging.{st.name}"
                ),
            ),
            _suite_result,
        )
    ]
    if st.covers:
        families = ", ".join(c.family for c in st.covers)
        description = f"Every data record of the raw {families} tables is read into staging.{st.name}"
        checks.append(
            (
                dg.AssetCheckSpec("accounts_for_every_raw_record", asset=key, blocking=True, description=description),
                _completeness_result,
            )
        )
    if "raw_text" in st.spec.column_names:
        description = f"Each row of staging.{st.name} points at the raw cell or text block holding its raw_text"
        checks.append(
            (
                dg.AssetCheckSpec("raw_text_is_in_its_source", asset=key, blocking=True, description=description),
                _provenance_result,
            )
        )
    if st.classified_by:
        description = (
            f"Every row of staging.{st.name} has a {st.classified_by} a rule names (WARN: new content is kept, listed)"
        )
        checks.append(
            (
                dg.AssetCheckSpec("has_no_unclassified_rows", asset=key, blocking=False, description=description),
                _unclassified_result,
            )
        )
    if st.untyped_unit:
        description = f"Every number of staging.{st.name} has a unit (WARN: untyped numbers are kept, listed)"
        checks.append(
            (
                dg.AssetCheckSpec("has_no_untyped_quantities", asset=key, blocking=False, description=description),
                _untyped_result,
            )
        )
        description = (
            f"Every raw cell or text block with a number and a unit (a plain regex) has a row in staging.{st.name} "
            "(WARN: lists what the grammar missed)"
        )
        checks.append(
            (
                dg.AssetCheckSpec("reads_every_number_with_a_unit", asset=key, blocking=False, description=description),
                _coverage_result,
            )
        )
        description = (
            "Where a budget table prints its own change (対前年度比, 増減), the two fiscal years' amounts give it "
            "(WARN: source documents do contain arithmetic errors)"
        )
        checks.append(
            (
                dg.AssetCheckSpec("printed_changes_agree", asset=key, blocking=False, description=description),
                _printed_changes_result,
            )
        )
    return checks


def table_checks(st: StagingTable) -> dg.AssetChecksDefinition:
    """The checks of staging.<table> in one step, over one connection (each still its own result and severity).

    The suite runs last: by then the background worker has had the longest to validate the rows.
    """
    checks = _checks_of(st)

    @dg.multi_asset_check(
        name=f"staging__{st.name}_checks",
        specs=[spec for spec, _ in checks],
        can_subset=True,
        pool=WRITER_POOL,
        description=f"The checks of staging.{st.name}: its suite, completeness, provenance and new content.",
    )
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> Iterator[dg.AssetCheckResult]:
        selected = {k.name for k in context.selected_asset_check_keys}
        ordered = sorted(checks, key=lambda c: c[1] is _suite_result)
        with warehouse.working() as con:
            for spec, evaluate in ordered:
                if spec.name in selected:
                    result = evaluate(st, context, con, warehouse.paths.build_dir)
                    yield result._replace(asset_key=spec.asset_key, check_name=spec.name)

    return _checks


STAGING_ASSETS = [staging_asset(st) for st in STAGING]
STAGING_CHECKS = [table_checks(st) for st in STAGING]
