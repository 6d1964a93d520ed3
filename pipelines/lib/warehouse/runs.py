"""Run history (meta.runs): one row per published refresh."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.schema import Table
from pipelines.lib.warehouse.build import quote

log = logging.getLogger(__name__)

RUNS = Table(
    "meta",
    "runs",
    "One row per refresh (published, or unchanged: it found nothing to do); the only place run times appear.",
    (),
)
RUNS_DDL = (
    "CREATE TABLE IF NOT EXISTS meta.runs (run_id VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, "
    "status VARCHAR, documents VARCHAR, code_version VARCHAR, packages VARCHAR)"
)


@dataclass(frozen=True)
class RunRecord:
    """What meta.runs records about one refresh."""

    run_id: str
    started_at: str
    finished_at: str
    status: str
    documents: list[dict[str, Any]]
    code_version: str
    packages: dict[str, str]


def seed_run_history(con: duckdb.DuckDBPyConnection, published: Path) -> None:
    """A new working database takes the run history of the published file, when it can be read."""
    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'runs'"
    ).fetchall()[0][0]
    if has or not published.exists():
        return
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(RUNS_DDL)
    try:
        con.execute(f"ATTACH {quote(str(published))} AS published_db (READ_ONLY)")
    except duckdb.Error as exc:  # e.g. held read-write by someone else: the history restarts, the refresh goes on
        log.warning("run history not carried over: %s cannot be attached (%s)", published, exc)
        return
    try:
        con.execute("INSERT INTO meta.runs SELECT * FROM published_db.meta.runs")
    except duckdb.Error as exc:  # no meta.runs there, or one of another shape
        log.warning("run history not carried over from %s: %s", published, exc)
    finally:
        con.execute("DETACH published_db")


def append_run(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(RUNS_DDL)
    con.execute(
        "INSERT INTO meta.runs VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            run.run_id,
            run.started_at,
            run.finished_at,
            run.status,
            json.dumps(run.documents, ensure_ascii=False, sort_keys=True),
            run.code_version,
            json.dumps(run.packages, sort_keys=True),
        ],
    )
    comment_runs(con)


def comment_runs(con: duckdb.DuckDBPyConnection) -> None:
    """Comments for meta.runs."""
    con.execute(f"COMMENT ON TABLE meta.runs IS {quote(RUNS.description)}")
    for name, text in {
        "run_id": "Dagster run id",
        "started_at": "When the refresh started (UTC)",
        "finished_at": "When it was published (UTC)",
        "status": "success (published), or unchanged (nothing to do: same inputs as the last complete refresh)",
        "documents": "JSON list of {document_id, file_name, sha256} refreshed",
        "code_version": "git commit of the code (or package version)",
        "packages": "JSON map of key package versions",
    }.items():
        con.execute(f"COMMENT ON COLUMN meta.runs.{name} IS {quote(text)}")
