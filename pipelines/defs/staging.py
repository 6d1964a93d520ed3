"""Staging tables in one step, each validated by its Great Expectations suite and the completeness rule (blocking).

New content an edition brings (a quantity or row label no rule names) is kept and listed by a WARN check.
"""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from pipelines.defs.automation import WEEKLY_FRESHNESS, WRITER_POOL
from pipelines.defs.metadata import definition_metadata, findings_result, stored_table_metadata
from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib.refresh.code_versions import staging_version
from pipelines.lib.refresh.editions import parameters_by_document, submit_validations, validate_by_document
from pipelines.lib.refresh.kept import KeptWork
from pipelines.lib.sources import Source, findings_markdown
from pipelines.lib.staging.by_document import build_by_document
from pipelines.lib.staging.completeness import MissingRecord
from pipelines.lib.staging.document_checks import (
    EDITION_CHECK,
    DocumentCheck,
    all_findings,
    completeness,
    coverage,
    document_findings,
    printed_changes,
    provenance,
    uncertain_ocr,
    unclassified,
    untyped,
)
from pipelines.lib.staging.registry import STAGING, StagingTable
from pipelines.lib.staging.uncertain_ocr import describe as describe_uncertain
from pipelines.lib.validation.validation_results import ValidationResults
from pipelines.lib.warehouse.ledger import record_validation

UNCERTAIN_CROPS_KIND = "uncertain_ocr_crops"
"""Kept work: the crops has_no_uncertain_ocr_values shows in its metadata, rendered once per PDF and cells."""


def _documents_metadata(recomputed: list[str], reused: list[str]) -> dict[str, Any]:
    """Which documents a step worked on and which it took as kept (their inputs and its code unchanged)."""
    return {
        "documents_recomputed": dg.MetadataValue.json(recomputed),
        "documents_reused": dg.MetadataValue.json(reused),
    }


def _key(st: StagingTable) -> dg.AssetKey:
    return dg.AssetKey(["staging", st.name])


Evaluate = Callable[[StagingTable, dg.AssetExecutionContext, duckdb.DuckDBPyConnection, Path], dg.AssetCheckResult]


def _suite_result(
    st: StagingTable, context: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """The registry's rules and the suite file on each document's rows (the GX worker's result, or run here)."""
    run_id = context.op_execution_context.run_id
    results = ValidationResults.in_build_dir(build_dir)
    parameters = parameters_by_document(con, KeptWork.in_build_dir(build_dir))
    outcome = validate_by_document(con, st.spec, st.name, parameters, run_id=run_id, results=results)
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


def _document_result(
    check: DocumentCheck,
    describe: Callable[[dict[str, Any]], str] | Callable[[str], str],
    con: duckdb.DuckDBPyConnection,
    build_dir: Path,
    *,
    warn: bool,
    **metadata: Any,
) -> dg.AssetCheckResult:
    """A per-document check's result: every document's findings (kept ones reused), one line each."""
    work = document_findings(con, check, KeptWork.in_build_dir(build_dir))
    found = all_findings(work)
    extra = _documents_metadata(work.recomputed, work.reused)
    return findings_result(found, [describe(f) for f in found], warn=warn, **metadata, **extra)


def _completeness_result(
    st: StagingTable, _: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """Every data record of the families this table covers is in it."""
    families = ", ".join(c.family for c in st.covers)
    return _document_result(
        completeness(st), lambda m: MissingRecord(**m).describe(), con, build_dir, warn=False, families=families
    )


def _provenance_result(
    st: StagingTable, _: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """Every row's raw_text is in the raw cell or text block its address names."""
    return _document_result(provenance(st), str, con, build_dir, warn=False)


def _unclassified_result(
    st: StagingTable, _: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """Rows no rule could name (kept as unclassified…, waiting for a rule)."""
    column = st.classified_by
    assert column is not None
    return _document_result(
        unclassified(st),
        lambda f: f"{f['where']}: {f[column]} {f.get('raw_text', '')}".rstrip(),
        con,
        build_dir,
        warn=True,
    )


def _untyped_result(
    st: StagingTable, _: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """Numbers nothing could type (kept with unit 'number', waiting for a unit rule or a header)."""
    return _document_result(
        untyped(st),
        lambda f: f"{f['where']}: {f['raw_text']}" + (f" ({f['context']})" if "context" in f else ""),
        con,
        build_dir,
        warn=True,
    )


def _uncertain_cell(found: tuple[dict[str, Any], ...], source: Source) -> str:
    """The title of a crop of values OCR was unsure of: table, cell, the values read there and why."""
    read = ", ".join(str(f["raw_text"]) for f in found)
    return f"{source.address.table_id} {source.where}: {read} ({found[0]['reason']})"


def _uncertain_ocr_result(
    st: StagingTable, context: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """Values OCR was unsure of (below its confidence threshold, or read differently by the two engines), with
    the crops of the first cells they were read from."""
    kept = KeptWork.in_build_dir(build_dir)
    work = document_findings(con, uncertain_ocr(st), kept)
    found = all_findings(work)
    metadata = _documents_metadata(work.recomputed, work.reused)
    if found:
        raw_dir = context.resources.settings.raw_path()
        crops = findings_markdown(con, found, raw_dir, _uncertain_cell, kept=kept, kind=UNCERTAIN_CROPS_KIND)
        metadata["crops"] = dg.MetadataValue.md(crops)
    return findings_result(found, [describe_uncertain(f) for f in found], warn=True, **metadata)


def _coverage_result(
    st: StagingTable, _: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """Cells and text blocks whose number-with-unit (a plain regex) has no quantity at their address."""
    return _document_result(
        coverage(st), lambda f: f"{f['where']}: {f['number']} in {f['text']!r}", con, build_dir, warn=True
    )


def _printed_changes_result(
    st: StagingTable, _: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """Printed changes (対前年度比, 増減) of the budget tables that their two fiscal years' amounts do not give."""
    return _document_result(
        printed_changes(st),
        lambda f: f"{f['where']} ({f['program']}): printed {f['printed']}, computed {f['computed']}",
        con,
        build_dir,
        warn=True,
    )


def _held_result(
    st: StagingTable, _: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, build_dir: Path
) -> dg.AssetCheckResult:
    """Documents whose curated tables hold far fewer quantities than the edition before them did."""
    return _document_result(
        EDITION_CHECK,
        lambda f: (
            f"{f['where']}: curated tables hold {f['held']} of {f['read']} quantities; {f['previous']} held "
            f"{f['held_before']} of {f['read_before']}: tables may have been printed in a way no grid was read from"
        ),
        con,
        build_dir,
        warn=True,
    )


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
            f"No value of staging.{st.name} was read by OCR below its confidence threshold or differently by the "
            "two OCR engines (WARN: each is listed with its page, table, cell and raw text)"
        )
        checks.append(
            (
                dg.AssetCheckSpec("has_no_uncertain_ocr_values", asset=key, blocking=False, description=description),
                _uncertain_ocr_result,
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
        description = "Curated tables hold at least half the quantities they held in the deck's previous edition (WARN)"
        checks.append(
            (
                dg.AssetCheckSpec(
                    "curated_tables_hold_as_much_as_the_previous_edition",
                    asset=key,
                    blocking=False,
                    description=description,
                ),
                _held_result,
            )
        )
    return checks


def _asset_spec(st: StagingTable) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=_key(st),
        group_name="staging",
        description=st.spec.description,
        deps=[["raw", name] for name in st.raw_inputs] + [["staging", name] for name in st.staging_inputs],
        kinds={"pandas", "duckdb"},
        owners=["team:data-engineering"],
        metadata=definition_metadata(st.spec),
        code_version=staging_version(st),
        freshness_policy=WEEKLY_FRESHNESS,
    )


CHECKS = {(st.name, spec.name): (st, spec, evaluate) for st in STAGING for spec, evaluate in _checks_of(st)}
"""Every check of every staging table: (table, check) → its table, spec and evaluation."""


@dg.multi_asset(
    name="staging_tables",
    specs=[_asset_spec(st) for st in STAGING],
    check_specs=[spec for _, spec, _ in CHECKS.values()],
    can_subset=True,
    pool=WRITER_POOL,
)
def staging_tables(
    context: dg.AssetExecutionContext, warehouse: Warehouse, settings: PipelineSettings
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Every staging table from the raw layer, document by document, then their checks (each its own result).

    The suites run last: by then the background workers have had the longest to validate the rows. A check
    that shows crops of the PDFs finds them in the settings' raw folder (``context.resources.settings``).
    """
    del settings  # the checks read it from the context
    selected = context.selected_asset_keys
    build_dir = warehouse.paths.build_dir
    kept = KeptWork.in_build_dir(build_dir)
    with warehouse.working() as con:
        parameters = parameters_by_document(con, kept)
        for st in STAGING:  # the registry's order: a table's staging inputs come before it
            if _key(st) not in selected:
                continue
            work = build_by_document(con, st)  # only new or changed documents; the others' rows are kept
            metadata = stored_table_metadata(con, st.spec)
            submit_validations(con, st.spec, st.name, parameters)  # its suite check takes the result
            yield dg.MaterializeResult(
                asset_key=_key(st), metadata={**metadata, **_documents_metadata(work.recomputed, work.reused)}
            )
        checks = {(k.asset_key.path[-1], k.name) for k in context.selected_asset_check_keys}
        ordered = sorted((c for c in CHECKS if c in checks), key=lambda c: CHECKS[c][2] is _suite_result)
        for name in ordered:
            st, spec, evaluate = CHECKS[name]
            result = evaluate(st, context, con, build_dir)
            yield result._replace(asset_key=spec.asset_key, check_name=spec.name)
