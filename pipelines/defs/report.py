"""What people look at, in one step: the report (every mart as a chart and a table) and the GX Data Docs."""

import base64
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS
from pipelines.defs.publish import DATA_DOCS_KEY, PUBLISHED_KEY
from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib.refresh import background
from pipelines.lib.refresh.code_versions import data_docs_version, report_version
from pipelines.lib.refresh.kept import KeptWork
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.validation import published_docs

if TYPE_CHECKING:
    from pipelines.lib.report.build import Drawn
    from pipelines.lib.report.data import ReportData

REPORT_KEY = dg.AssetKey(["published_report"])


def _image_md(title: str, png: bytes) -> dg.MetadataValue:
    return dg.MetadataValue.md(f"![{title}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})")


def _spec(key: dg.AssetKey, description: str, kinds: set[str], code_version: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=key,
        description=description,
        group_name="publish",
        deps=[PUBLISHED_KEY],
        kinds=kinds,
        owners=["team:data-engineering"],
        code_version=code_version,
        freshness_policy=WEEKLY_FRESHNESS,
    )


@dg.multi_asset(
    name="published_pages",
    specs=[
        _spec(
            REPORT_KEY,
            "warehouse/report/index.html: every mart as a chart and a table, self-contained, from the published "
            "warehouse.",
            {"html", "matplotlib"},
            report_version(),
        ),
        _spec(
            DATA_DOCS_KEY,
            "GX Data Docs: every staging suite and the checks' results on the published rows; rebuilt when either "
            "changes.",
            {"html"},
            data_docs_version(),
        ),
    ],
    can_subset=True,
)
def published_pages(
    context: dg.AssetExecutionContext, settings: PipelineSettings, warehouse: Warehouse
) -> Iterator[dg.MaterializeResult]:
    """The report, drawn while the background worker renders the Data Docs; then the Data Docs."""
    if REPORT_KEY in context.selected_asset_keys:
        yield _report(context, settings, warehouse)
    if DATA_DOCS_KEY in context.selected_asset_keys:
        yield _data_docs(context, warehouse)


def _report(
    context: dg.AssetExecutionContext, settings: PipelineSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """warehouse/report/index.html from the published warehouse."""
    # matplotlib loads when a report is drawn, not with the definitions
    from pipelines.lib.report.build import build_report, render_charts

    def draw_in_worker(data: "ReportData", documents: "Sequence[str] | None") -> "Drawn":
        return background.deferred(render_charts, data, documents)  # while this process crops the PDF

    paths = warehouse.paths
    kept = KeptWork.in_build_dir(paths.build_dir)
    result = build_report(paths, run_id=context.run_id, raw_dir=settings.raw_path(), draw=draw_in_worker, kept=kept)
    context.log.info(
        f"wrote {result.path} ({result.size} bytes), citing run {result.run_id}; charts drawn for "
        f"{result.charts_drawn or 'no document'} (kept: {result.charts_kept or 'none'}), crops rendered for "
        f"{result.crops_rendered or 'no document'} (kept: {result.crops_kept or 'none'})"
    )
    return dg.MaterializeResult(
        asset_key=REPORT_KEY,
        metadata={
            "path": dg.MetadataValue.path(str(result.path)),
            "bytes": result.size,
            "sha256": result.sha256,
            "cited_run_id": result.run_id,
            "source_crops": result.source_crops,
            "marts": dg.MetadataValue.json(list(result.marts)),
            "documents_recomputed": dg.MetadataValue.json(result.documents_recomputed),
            "documents_reused": dg.MetadataValue.json(result.documents_reused),
            "charts_drawn_for": dg.MetadataValue.json(result.charts_drawn),
            "crops_rendered_for": dg.MetadataValue.json(result.crops_rendered),
            # the charts this run drew (a document's charts are drawn once: see the run that drew them)
            **{f"chart_{name}": _image_md(name, result.charts_png[name]) for name in result.charts_drawn_ids},
        },
    )


def _data_docs(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """GX Data Docs of the published rows (rendered by the background worker when the publish started it)."""
    docs = background.task_result(
        published_docs.task_key(context.run_id), published_docs.published_data_docs, warehouse.paths
    )
    return dg.MaterializeResult(
        asset_key=DATA_DOCS_KEY,
        metadata={
            "index": dg.MetadataValue.path(str(docs.index)),
            "suites": len(STAGING),
            "rebuilt": docs.rebuilt,
            "results_rendered_from_checks": docs.reused,
            "documents_recomputed": dg.MetadataValue.json(list(docs.documents_rendered)),
            "documents_reused": dg.MetadataValue.json(list(docs.documents_kept)),
            "network_resources": dg.MetadataValue.json(list(docs.external)),  # fetched from CDNs: none expected
        },
    )
