"""The published report: the marts as charts and tables in warehouse/report/index.html."""

import base64
from collections.abc import Sequence
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.defs.automation import WEEKLY_FRESHNESS
from pipelines.defs.publish import published_warehouse
from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib import background
from pipelines.lib.code_versions import report_version
from pipelines.lib.kept import KeptWork

if TYPE_CHECKING:
    from pipelines.lib.report.build import Drawn
    from pipelines.lib.report.data import ReportData


def _image_md(title: str, png: bytes) -> dg.MetadataValue:
    return dg.MetadataValue.md(f"![{title}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})")


@dg.asset(
    key=["published_report"],
    group_name="publish",
    deps=[published_warehouse],
    kinds={"html", "matplotlib"},
    op_tags={"dagster/priority": "1"},  # before data_docs, which the background worker renders meanwhile
    owners=["team:data-engineering"],
    code_version=report_version(),
    freshness_policy=WEEKLY_FRESHNESS,
)
def published_report(
    context: dg.AssetExecutionContext, settings: PipelineSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """warehouse/report/index.html: every mart as a chart and a table, self-contained, from the published warehouse."""
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
        }
    )
