"""`python -m pipelines.cli refresh`: run refresh_job in this process against the persistent Dagster instance.

Runs appear in the UI (same DAGSTER_HOME). On failure it prints the failing step's own message (which names
the file, page and table) instead of a traceback, and exits 1.

`python -m pipelines.cli sql` (`make sql`): a read-only SQL prompt (harlequin, on the project's own DuckDB) on
the published warehouse. A read-only open takes a shared lock, so refreshes and other readers go on.

`python -m pipelines.cli source <table> "<filter>"`: where each matching row was printed in the PDF (file,
page, table, cell, header, text, bbox), with a PNG crop of that region per row in --out (default ./sources).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.lib.settings import Settings
from pipelines.lib.warehouse.connections import WarehousePaths

if TYPE_CHECKING:  # Dagster is imported only when a run has something to do
    import dagster as dg

    from pipelines.progress import ProgressView

LOG_NAME = "refresh.log"
"""In the warehouse's .build/ folder: a link to the last refresh's full event log, logs/<run id>.log."""
LOGS_KEPT = 20


def _failed_checks(result: dg.ExecuteInProcessResult, severity: dg.AssetCheckSeverity) -> list[str]:
    """'check <key> failed: <description>' for every failed check of one severity."""
    import dagster as dg

    messages = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            data = event.event_specific_data
            if not data.passed and data.severity == severity:
                messages.append(f"check {data.asset_check_key.to_user_string()} failed: {data.description or ''}")
    return messages


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Failed steps, each named by the asset it was computing (the first of its assets not materialized), and
    failed ERROR checks: what stops a refresh."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.progress import failure_text, is_check_failure, step_assets

    done = {e.asset_key for e in result.all_events if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION}
    selected = result.dagster_run.asset_selection  # empty: the whole job
    order = step_assets(defs)

    def at(step: str | None) -> str | None:
        pending = [k for k in order.get(step or "", []) if k not in done and (not selected or k in selected)]
        return pending[0].to_user_string() if pending else None

    steps = [
        failure_text(e, at(e.step_key))
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.STEP_FAILURE and not is_check_failure(e)
    ]
    return steps + _failed_checks(result, dg.AssetCheckSeverity.ERROR)


def _published(result: dg.ExecuteInProcessResult) -> bool:
    """Whether this run swapped its warehouse in (published_warehouse materialized)."""
    import dagster as dg

    key = dg.AssetKey(["published_warehouse"])
    return any(
        e.asset_key == key for e in result.all_events if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
    )


def _indent(message: str, first: str, rest: str = "       ") -> str:
    return first + message.replace("\n", "\n" + rest)


def _log_file(build_dir: Path, run_id: str) -> Path:
    """logs/<run id>.log for this run (the oldest beyond LOGS_KEPT go), with refresh.log pointing at it."""
    logs = build_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for old in sorted(logs.glob("*.log"), key=lambda p: p.stat().st_mtime)[: -LOGS_KEPT + 1]:
        old.unlink(missing_ok=True)
    path = logs / f"{run_id}.log"
    path.touch()
    link = build_dir / LOG_NAME
    tmp = build_dir / f".{LOG_NAME}.{run_id}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(path.relative_to(build_dir))
    os.replace(tmp, link)  # two refreshes at once each write their own file
    return path


def _run_job(log_path: Path, run_id: str, verbose: bool) -> tuple[dg.ExecuteInProcessResult, ProgressView]:
    """refresh_job in this process; the terminal gets the progress view, the log file every event."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.defs.extract import PAGES
    from pipelines.instance import refresh_instance
    from pipelines.progress import ProgressView, file_logger, key_stages, page_handler, progress_logger

    view = ProgressView(key_stages(defs))
    pages = [page_handler(view), logging.FileHandler(log_path, mode="a", encoding="utf-8")]
    pages[1].setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    PAGES.setLevel(logging.INFO)
    for handler in pages:
        PAGES.addHandler(handler)
    loggers = {"progress": progress_logger(view), "file": file_logger(log_path)}
    if verbose:
        loggers["console"] = dg.colored_console_logger
    job = defs.resolve_job_def("refresh_job").with_logger_defs(loggers)
    result = job.execute_in_process(
        instance=refresh_instance(),
        run_id=run_id,
        raise_on_error=False,
        run_config={
            "loggers": {name: {"config": {"log_level": "DEBUG"}} if name == "console" else {} for name in loggers}
        },
    )
    for handler in pages:
        PAGES.removeHandler(handler)
        handler.close()
    view.finish()
    return result, view


def _inputs(settings: Settings) -> dict[str, Any] | None:
    """Today's inputs (after fetching remote sources), or None when they cannot be read: the run will say why."""
    from pipelines.lib.refresh_state import current_inputs
    from pipelines.lib.remote_sources import sync_remote_sources

    try:
        sync_remote_sources(settings.raw_dir)
        return current_inputs(settings)
    except Exception:
        return None


def _nothing_to_do(paths: WarehousePaths, inputs: dict[str, Any], started: float) -> int:
    """Record a run that found nothing to do in meta.runs (the published file's only change) and say so."""
    from pipelines.lib.refresh_state import load_state, save_state
    from pipelines.lib.run_info import code_version, package_versions
    from pipelines.lib.warehouse.publish import record_unchanged_run
    from pipelines.lib.warehouse.runs import RunRecord

    last = load_state(paths) or {}
    now = datetime.now(UTC)
    run = RunRecord(
        run_id=str(uuid.uuid4()),
        started_at=datetime.fromtimestamp(now.timestamp() - (time.perf_counter() - started), UTC).isoformat(),
        finished_at=now.isoformat(),
        status="unchanged",
        documents=[
            {"document_id": Path(name).stem, "file_name": name, "sha256": sha}
            for name, sha in sorted(inputs["documents"].items())
        ],
        code_version=code_version(),
        packages=package_versions(),
    )
    record_unchanged_run(paths, run)
    save_state(paths, inputs, str(last.get("run_id", run.run_id)))
    print(
        f"nothing to do: {len(inputs['documents'])} document(s), {len(inputs['suites'])} suites, the code and the "
        f"settings are those of run {last.get('run_id')} ({time.perf_counter() - started:.1f} s)"
    )
    print(f"  {paths.published} left as it was; recorded run {run.run_id} (status unchanged) in meta.runs")
    print("  PIPELINES_FORCE=1 make run rebuilds everything anyway")
    return 0


def refresh(verbose: bool = False, force: bool = False) -> int:
    """Materialize every asset and publish, unless nothing changed; returns the process exit code."""
    started = time.perf_counter()
    settings = Settings.from_env()
    paths = WarehousePaths(settings.warehouse_dir)
    inputs = _inputs(settings)
    if inputs is not None and not force:
        from pipelines.lib.refresh_state import what_changed

        reasons = what_changed(paths, inputs)
        if not reasons:
            return _nothing_to_do(paths, inputs, started)
        print("refreshing: " + "; ".join(reasons))
    from pipelines.lib import background

    background.start()  # GX's import in the worker overlaps Dagster's here and the extraction
    import dagster as dg

    run_id = str(uuid.uuid4())
    log_path = _log_file(paths.build_dir, run_id)
    try:
        result, view = _run_job(log_path, run_id, verbose)
    except Exception as exc:  # the instance or the definitions could not load: one line here, the rest logged
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text(traceback.format_exc(), encoding="utf-8")
        print(f"refresh FAILED before it started: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"  traceback in {log_path}", file=sys.stderr)
        return 1
    warnings = _failed_checks(result, dg.AssetCheckSeverity.WARN)
    failures = _failures(result)
    if result.success and not failures:
        if inputs is not None:
            from pipelines.lib.refresh_state import save_state

            save_state(paths, inputs, result.run_id)
        print(f"refresh succeeded (run {result.run_id}); published {paths.published}")
        print(f"  rows materialized: {view.layer_rows() or 'none'}")
        if quantities := view.quantities_read():
            print(f"  quantities: {quantities}")
        print(f"  exports in {paths.exports}, report in {paths.root / 'report'}, Data Docs in {paths.data_docs}")
        for message in warnings:
            print(_indent(message, "  WARN "))
        if not warnings:
            print("  WARN checks: none fired")
        print(f"  full log: {log_path}")
        return 0
    if _published(result):  # a step after the publish failed (the report, the Data Docs)
        print(f"refresh FAILED after it published {paths.published} (run {result.run_id}):", file=sys.stderr)
    else:
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
    published = WarehousePaths(Settings.from_env().warehouse_dir).published
    if not published.exists():
        print(f"no published warehouse at {published}: run `make run` first", file=sys.stderr)
        return 1
    command = sql_prompt_command(published)
    os.execv(command[0], command)
    return 0  # not reached


def source(table_name: str, where: str, out: Path) -> int:
    """Print each matching row's source and write its crop; 2 with one line on stderr for a refused query."""
    from pipelines.lib.sources import run_source

    settings = Settings.from_env()
    try:
        return run_source(WarehousePaths(settings.warehouse_dir).published, settings.raw_dir, table_name, where, out)
    except BrokenPipeError:  # `… | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="pipelines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ref = commands.add_parser("refresh", help="materialize every asset and publish the warehouse")
    ref.add_argument(
        "-v", "--verbose", action="store_true", help="also print the Dagster event log (or PIPELINES_VERBOSE=1)"
    )
    ref.add_argument(
        "--force", action="store_true", help="run every step even when nothing changed (or PIPELINES_FORCE=1)"
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
    return refresh(verbose=args.verbose or _flag("PIPELINES_VERBOSE"), force=args.force or _flag("PIPELINES_FORCE"))


def _exit(code: int) -> None:
    """End the process now that everything is written: stop the worker, flush, and skip the interpreter's
    teardown of some 2,500 modules (seconds at the end of every `make run`)."""
    import logging

    from pipelines.lib import background

    background.stop()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _exit(main())
