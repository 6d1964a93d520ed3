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
from pathlib import Path

import dagster as dg

from pipelines.defs.resources import PipelineSettings, Warehouse


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


def refresh() -> int:
    """Materialize every asset and publish; returns the process exit code."""
    from pipelines.definitions import defs

    instance = dg.DagsterInstance.get()
    job = defs.resolve_job_def("refresh_job")
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    warnings = _failed_checks(result, dg.AssetCheckSeverity.WARN)
    if result.success and not _failures(result):
        published = Warehouse.from_environment(resolve=True).paths.published
        print(f"refresh succeeded (run {result.run_id}); published {published}")
        for message in warnings:
            print("  WARN " + message.replace("\n", "\n       "))
        return 0
    print("refresh FAILED; the published warehouse was left as it was.", file=sys.stderr)
    for message in _failures(result) or ["see the run log in the Dagster UI"]:
        print(f"  - {message}", file=sys.stderr)
    return 1


def sql_prompt_command(published: Path) -> list[str]:
    """harlequin from this environment (so DuckDB is the lock file's), read-only on the published database."""
    return [str(Path(sys.executable).parent / "harlequin"), "--adapter", "duckdb", "--read-only", str(published)]


def sql() -> int:
    """Replace this process with the SQL prompt; returns 1 if there is no published warehouse yet."""
    published = Warehouse.from_environment(resolve=True).paths.published
    if not published.exists():
        print(f"no published warehouse at {published}: run `make run` first", file=sys.stderr)
        return 1
    command = sql_prompt_command(published)
    os.execv(command[0], command)
    return 0  # not reached


def source(table_name: str, where: str, out: Path) -> int:
    """Print each matching row's source and write its crop; 2 with one line on stderr for a refused query."""
    from pipelines.lib.sources import run_source

    raw_dir = PipelineSettings.from_environment(resolve=True).raw_path()
    try:
        return run_source(Warehouse.from_environment(resolve=True).paths.published, raw_dir, table_name, where, out)
    except BrokenPipeError:  # `… | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="pipelines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("refresh", help="materialize every asset and publish the warehouse")
    commands.add_parser("sql", help="read-only SQL prompt on the published warehouse")
    src = commands.add_parser("source", help="where a row's values were printed in the PDF, with a crop")
    src.add_argument("table", help="a registry table with an address, e.g. staging.budget_items")
    src.add_argument("filter", help='a WHERE condition on that table, e.g. "fiscal_year = 2005"')
    src.add_argument("--out", type=Path, default=Path("sources"), help="folder for the crop PNGs (./sources)")
    args = parser.parse_args(argv)
    if args.command == "source":
        return source(args.table, args.filter, args.out)
    return sql() if args.command == "sql" else refresh()


if __name__ == "__main__":
    sys.exit(main())
