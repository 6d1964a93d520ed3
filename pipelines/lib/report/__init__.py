"""The published report: the marts as charts and tables in one self-contained HTML file (never imports dagster)."""

from pipelines.lib.report.build import ReportResult, build_report, report_path

__all__ = ["ReportResult", "build_report", "report_path"]
