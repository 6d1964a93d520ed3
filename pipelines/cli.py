"""`python -m pipelines.cli refresh`: run refresh_job in this process against the persistent Dagster instance.

Runs appear in the UI (same DAGSTER_HOME). On failure it prints the failing step's own message (which names
the file, page and table) instead of a traceback, and exits 1.

`python -m pipelines.cli sql` (`make sql`): a read-only SQL prompt (harlequin, on the project's own DuckDB) on
the published warehouse. A read-only open takes a shared lock, so refreshes and other readers go on.

`python -m pipelines.cli source <table> "<filter>"`: where each matching row was printed in the PDF (file,
page, table, cell, header, text, bbox), with a PNG crop of that region per row in --out (default ./sources).
"""

import argparse
import os
import sys
import traceback
from pathlib import Path

import dagster as dg

from pipelines.defs.resources import PipelineSettings
from pipelines.progress import ProgressView, file_logger, progress_logger, step_stages

LOG_NAME = "refresh.log"
"""The last refresh's full Dagster event log, in the warehouse's .build/ folder."""


def _failed_checks(result: dg.ExecuteInProcessResult, severity: dg.AssetCheckSeverity) -> list[str]:
    """'check <key> failed: <description>' for every failed check of one severity."""
    messages = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            data = event.event_specific_data
            if not data.passed and data.severity == severity:
                messages.append(f"check {data.asset_check_key.to_user_string()} failed: {data.description or ''}")
    return messages


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Failed steps and failed ERROR checks: what stops a refresh."""
    messages = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            err = event.step_failure_data.error
            cause = err.cause if err and err.cause else err
            text = cause.message.strip() if cause else "unknown error"
            messages.append(f"{event.step_key}: {text}")
    return messages + _failed_checks(result, dg.AssetCheckSeverity.ERROR)


def _indent(message: str, first: str, rest: str = "       ") -> str:
    return first + message.replace("\n", "\n" + rest)


def _run_job(log_path: Path, verbose: bool) -> tuple[dg.ExecuteInProcessResult, ProgressView]:
    """refresh_job in this process; the terminal gets the progress view, the log file every event."""
    from pipelines.definitions import defs

    view = ProgressView(step_stages(defs))
    loggers = {"progress": progress_logger(view), "file": file_logger(log_path)}
    if verbose:
        loggers["console"] = dg.colored_console_logger
    job = defs.resolve_job_def("refresh_job").with_logger_defs(loggers)
    result = job.execute_in_process(
        instance=dg.DagsterInstance.get(),
        raise_on_error=False,
        run_config={"loggers": {name: {} for name in loggers}},
    )
    view.finish()
    return result, view


def refresh(verbose: bool = False) -> int:
    """Materialize every asset and publish; returns the process exit code."""
    paths = PipelineSettings().warehouse()
    log_path = paths.build_dir / LOG_NAME
    try:
        result, view = _run_job(log_path, verbose)
    except Exception as exc:  # the instance or the definitions could not load: one line here, the rest logged
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text(traceback.format_exc(), encoding="utf-8")
        print(f"refresh FAILED before it started: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"  traceback in {log_path}", file=sys.stderr)
        return 1
    warnings = _failed_checks(result, dg.AssetCheckSeverity.WARN)
    failures = _failures(result)
    if result.success and not failures:
        print(f"refresh succeeded (run {result.run_id}); published {paths.published}")
        print(f"  rows materialized: {view.layer_rows() or 'none'}")
        print(f"  exports in {paths.exports}, report in {paths.root / 'report'}, Data Docs in {paths.data_docs}")
        for message in warnings:
            print(_indent(message, "  WARN "))
        if not warnings:
            print("  WARN checks: none fired")
        print(f"  full log: {log_path}")
        return 0
    print("refresh FAILED; the published warehouse was left as it was.", file=sys.stderr)
    for message in failures or ["see the run log in the Dagster UI"]:
        print(_indent(message, "  - ", "    "), file=sys.stderr)
    print(f"  full log (with tracebacks): {log_path}", file=sys.stderr)
    return 1


def sql_prompt_command(published: Path) -> list[str]:
    """harlequin from this environment (so DuckDB is the lock file's), read-only on the published database."""
    return [str(Path(sys.executable).parent / "harlequin"), "--adapter", "duckdb", "--read-only", str(published)]


def sql() -> int:
    """Replace this process with the SQL prompt; returns 1 if there is no published warehouse yet."""
    from pipelines.defs.resources import PipelineSettings

    published = PipelineSettings().warehouse().published
    if not published.exists():
        print(f"no published warehouse at {published}: run `make run` first", file=sys.stderr)
        return 1
    command = sql_prompt_command(published)
    os.execv(command[0], command)
    return 0  # not reached


def source(table_name: str, where: str, out: Path) -> int:
    """Print each matching row's source and write its crop; 2 with one line on stderr for a refused query."""
    from pipelines.lib.sources import run_source

    settings = PipelineSettings()
    try:
        return run_source(settings.warehouse().published, settings.raw_path(), table_name, where, out)
    except BrokenPipeError:  # `… | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="pipelines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ref = commands.add_parser("refresh", help="materialize every asset and publish the warehouse")
    ref.add_argument(
        "-v", "--verbose", action="store_true", help="also print the Dagster event log (or PIPELINES_VERBOSE=1)"
    )
    commands.add_parser("sql", help="read-only SQL prompt on the published warehouse")
    src = commands.add_parser("source", help="where a row's values were printed in the PDF, with a crop")
    src.add_argument("table", help="a registry table with an address, e.g. staging.budget_items")
    src.add_argument("filter", help='a WHERE condition on that table, e.g. "fiscal_year = 2005"')
    src.add_argument("--out", type=Path, default=Path("sources"), help="folder for the crop PNGs (./sources)")
    args = parser.parse_args(argv)
    if args.command == "source":
        return source(args.table, args.filter, args.out)
    if args.command == "sql":
        return sql()
    return refresh(verbose=args.verbose or os.environ.get("PIPELINES_VERBOSE", "") not in ("", "0"))


if __name__ == "__main__":
    sys.exit(main())
