"""The DuckDB warehouse: a working database built aside, validated, then published atomically.

Dagster only ever writes the working copy (`.build/clusters.duckdb`). Publishing copies a checkpointed,
closed working database to a temporary file beside the published one, adds the run's row to meta.runs,
and `os.replace`s it over `clusters.duckdb`: a reader never sees half a refresh, and a failed or killed
refresh leaves the published file byte-identical. One writer at a time holds an exclusive file lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines.lib.errors import PublishError
from pipelines.lib.exports import fsync_file, write_exports
from pipelines.lib.schema import TABLES, Table, table

PUBLISHED_NAME = "clusters.duckdb"


@dataclass(frozen=True)
class WarehousePaths:
    """Where the published database, the working copy, exports and reports live."""

    root: Path

    @property
    def published(self) -> Path:
        return self.root / PUBLISHED_NAME

    @property
    def build_dir(self) -> Path:
        return self.root / ".build"

    @property
    def working(self) -> Path:
        return self.build_dir / PUBLISHED_NAME

    @property
    def lock_file(self) -> Path:
        return self.build_dir / "refresh.lock"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def data_docs(self) -> Path:
        return self.root / "data_docs"


@contextlib.contextmanager
def writer_lock(paths: WarehousePaths, wait: bool = True) -> Iterator[None]:
    """Exclusive lock on the working database across processes (released by the OS if the process dies)."""
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    with paths.lock_file.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise PublishError(f"another refresh holds {paths.lock_file}; try again when it finishes") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def working_db(paths: WarehousePaths) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the working database, under the writer lock.

    A working file left unreadable by a killed run is set aside and rebuilt from scratch by the refresh.
    """
    with writer_lock(paths):
        try:
            con = duckdb.connect(str(paths.working))
        except duckdb.Error:
            broken = paths.working.with_suffix(".broken")
            os.replace(paths.working, broken)
            wal = paths.working.with_name(paths.working.name + ".wal")
            if wal.exists():
                os.replace(wal, broken.with_name(broken.name + ".wal"))
            con = duckdb.connect(str(paths.working))
        try:
            yield con
        finally:
            con.close()


def _ddl_columns(spec: Table) -> str:
    return ", ".join(f'"{c.name}" {c.type}' for c in spec.columns)


def _quote(s: str) -> str:
    """A SQL string literal for our own registry text (COMMENT ON takes no parameters)."""
    return "'" + s.replace("'", "''") + "'"


def write_table(con: duckdb.DuckDBPyConnection, spec: Table, df: pd.DataFrame) -> int:
    """Replace one table with df, typed and commented from the registry; returns the row count."""
    missing = [c for c in spec.column_names if c not in df.columns]
    if missing:
        raise PublishError(f"{spec.qualified}: frame lacks columns {missing}")
    con.register("_frame", df[spec.column_names])
    try:
        return replace_from_query(con, spec, "SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def replace_from_query(con: duckdb.DuckDBPyConnection, spec: Table, query: str) -> int:
    """Replace one table with the rows of a query (our own SQL), typed and commented from the registry."""
    cols = ", ".join(f'"{c}"' for c in spec.column_names)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {spec.schema}")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {spec.qualified} ({_ddl_columns(spec)})")
        con.execute(f"INSERT INTO {spec.qualified} ({cols}) SELECT {cols} FROM ({query}) AS q")
        comment_table(con, spec)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(con.execute(f"SELECT count(*) FROM {spec.qualified}").fetchall()[0][0])


def comment_table(con: duckdb.DuckDBPyConnection, spec: Table) -> None:
    """COMMENT ON the table and each column, from the registry."""
    con.execute(f"COMMENT ON TABLE {spec.qualified} IS {_quote(spec.description)}")
    for c in spec.columns:
        con.execute(f'COMMENT ON COLUMN {spec.qualified}."{c.name}" IS {_quote(c.description)}')


def read_table(con: duckdb.DuckDBPyConnection, spec: Table) -> pd.DataFrame:
    """A table as a DataFrame, in key order (deterministic)."""
    order = ", ".join(f'"{k}"' for k in spec.key) if spec.key else "ALL"
    return con.execute(f"SELECT * FROM {spec.qualified} ORDER BY {order}").df()


def table_fingerprint(con: duckdb.DuckDBPyConnection, spec: Table) -> str:
    """A content hash of a table, independent of physical row order."""
    rows = con.execute(f"SELECT * FROM {spec.qualified}").fetchall()
    lines = sorted(json.dumps(r, default=str, ensure_ascii=False) for r in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


VALIDATIONS_DDL = (
    "CREATE TABLE IF NOT EXISTS meta.validations (table_name VARCHAR PRIMARY KEY, suite VARCHAR, "
    "passed BOOLEAN, fingerprint VARCHAR, evaluated INTEGER, failures VARCHAR)"
)


VALIDATIONS_COMMENTS = {
    "": "Latest Great Expectations result per staging table; publishing requires passed and a matching fingerprint.",
    "table_name": "schema.table validated",
    "suite": "Suite file name in expectations/ (without .json)",
    "passed": "True when every expectation passed",
    "fingerprint": "sha256 of the table contents that were validated",
    "evaluated": "Number of expectations evaluated",
    "failures": "JSON list of failed expectations with unexpected counts and samples",
}


def _ensure_validations(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(VALIDATIONS_DDL)
    for column, text in VALIDATIONS_COMMENTS.items():
        target = f"COLUMN meta.validations.{column}" if column else "TABLE meta.validations"
        con.execute(f"COMMENT ON {target} IS {_quote(text)}")


def record_validation(
    con: duckdb.DuckDBPyConnection, spec: Table, suite: str, passed: bool, evaluated: int, failures: str
) -> None:
    """Remember that a table, as it is now (by fingerprint), passed or failed its suite."""
    _ensure_validations(con)
    con.execute(
        "INSERT OR REPLACE INTO meta.validations VALUES (?, ?, ?, ?, ?, ?)",
        [spec.qualified, suite, passed, table_fingerprint(con, spec), evaluated, failures],
    )


def unvalidated_tables(con: duckdb.DuckDBPyConnection, specs: list[Table]) -> list[str]:
    """Tables whose current contents have no passing validation: they must not be published."""
    _ensure_validations(con)
    bad = []
    for spec in specs:
        found = con.execute(
            "SELECT passed, fingerprint FROM meta.validations WHERE table_name = ?", [spec.qualified]
        ).fetchall()
        row = found[0] if found else None
        if row is None:
            bad.append(f"{spec.qualified} (never validated)")
        elif not row[0]:
            bad.append(f"{spec.qualified} (failed its suite)")
        elif row[1] != table_fingerprint(con, spec):
            bad.append(f"{spec.qualified} (changed since it was validated)")
    return bad


RUNS = Table(
    "meta",
    "runs",
    "One row per published refresh; the only place run times appear.",
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


def publish(paths: WarehousePaths, staging_specs: list[Table], marts: list[str], run: RunRecord) -> dict[str, Any]:
    """Swap a finished, validated copy of the working database in as the published one; export marts.

    Raises PublishError (leaving the published file untouched) if any staging table is unvalidated.
    """
    paths.root.mkdir(parents=True, exist_ok=True)
    tmp_db = paths.root / f".{PUBLISHED_NAME}.{run.run_id}.tmp"
    tmp_exports = paths.build_dir / f"exports.{run.run_id}.tmp"
    with writer_lock(paths):
        clean_stale_temp_files(paths)
        con = duckdb.connect(str(paths.working))
        try:
            bad = unvalidated_tables(con, staging_specs)
            if bad:
                raise PublishError("not publishing; these tables have no passing validation: " + "; ".join(bad))
            _seed_run_history(con, paths.published)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        try:
            shutil.copyfile(paths.working, tmp_db)
            out = duckdb.connect(str(tmp_db))
            try:
                out.execute("SET threads = 1")
                _append_run(out, run)

                if tmp_exports.exists():
                    shutil.rmtree(tmp_exports)
                exported = write_exports(out, [table(f"marts.{m}") for m in marts], tmp_exports)
                out.execute("CHECKPOINT")
            finally:
                out.close()
            fsync_file(tmp_db)
            paths.exports.mkdir(parents=True, exist_ok=True)
            for name, target in exported.items():
                os.replace(target, paths.exports / name)
            os.replace(tmp_db, paths.published)
            # The run history lives in the working database too, so publishing never has to open the
            # published file (a reader may hold it, even read-write).
            con = duckdb.connect(str(paths.working))
            try:
                _append_run(con, run)
            finally:
                con.close()
        finally:
            tmp_db.unlink(missing_ok=True)
            shutil.rmtree(tmp_exports, ignore_errors=True)
    return {"published": str(paths.published), "exports": sorted(str(paths.exports / name) for name in exported)}


def record_unchanged_run(paths: WarehousePaths, run: RunRecord) -> None:
    """Add a run that found nothing to do to meta.runs, the published file's only change (atomic, like publish).

    The published file is copied, the row appended to the copy, and the copy swapped in: a reader holding
    the old file keeps it. The working copy gets the row too (its history seeds the next publish).
    """
    tmp_db = paths.root / f".{PUBLISHED_NAME}.{run.run_id}.tmp"
    with writer_lock(paths):
        try:
            shutil.copyfile(paths.published, tmp_db)
            out = duckdb.connect(str(tmp_db))
            try:
                _append_run(out, run)
                out.execute("CHECKPOINT")
            finally:
                out.close()
            fsync_file(tmp_db)
            os.replace(tmp_db, paths.published)
        finally:
            tmp_db.unlink(missing_ok=True)
        if paths.working.exists():
            con = duckdb.connect(str(paths.working))
            try:
                _append_run(con, run)
            finally:
                con.close()


def _seed_run_history(con: duckdb.DuckDBPyConnection, published: Path) -> None:
    """A new working database takes the run history of the published file, when it can be read."""
    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'runs'"
    ).fetchall()[0][0]
    if has or not published.exists():
        return
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(RUNS_DDL)
    try:
        con.execute(f"ATTACH {_quote(str(published))} AS published_db (READ_ONLY)")
    except duckdb.Error:
        return  # held read-write by someone else: the history restarts rather than the refresh failing
    try:
        con.execute("INSERT INTO meta.runs SELECT * FROM published_db.meta.runs")
    except duckdb.Error:
        pass
    finally:
        con.execute("DETACH published_db")


def _append_run(con: duckdb.DuckDBPyConnection, run: RunRecord) -> None:
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
    con.execute(f"COMMENT ON TABLE meta.runs IS {_quote(RUNS.description)}")
    for name, text in {
        "run_id": "Dagster run id",
        "started_at": "When the refresh started (UTC)",
        "finished_at": "When it was published (UTC)",
        "status": "success (published), or unchanged (nothing to do: same inputs as the last complete refresh)",
        "documents": "JSON list of {document_id, file_name, sha256} refreshed",
        "code_version": "git commit of the code (or package version)",
        "packages": "JSON map of key package versions",
    }.items():
        con.execute(f"COMMENT ON COLUMN meta.runs.{name} IS {_quote(text)}")


def clean_stale_temp_files(paths: WarehousePaths) -> list[Path]:
    """Remove temp files a killed publish left behind (never the published file)."""
    removed = []
    if paths.root.exists():
        for p in paths.root.glob(f".{PUBLISHED_NAME}.*.tmp"):
            p.unlink(missing_ok=True)
            removed.append(p)
    if paths.build_dir.exists():
        for p in paths.build_dir.glob("exports.*.tmp"):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def all_specs(schema: str) -> list[Table]:
    """Registry tables of one schema."""
    return [t for t in TABLES if t.schema == schema]
