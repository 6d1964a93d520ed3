"""Publishing: swap a validated copy of the working database in atomically, with the mart exports."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.errors import PublishError
from pipelines.lib.exports import fsync_file, write_exports
from pipelines.lib.schema import Table, table
from pipelines.lib.typed_tables.store import typed_specs
from pipelines.lib.warehouse.build import ident, quote
from pipelines.lib.warehouse.connections import PUBLISHED_NAME, WarehousePaths, writer_lock
from pipelines.lib.warehouse.ledger import unvalidated_tables
from pipelines.lib.warehouse.runs import RunRecord, append_run, seed_run_history

COPY_ALIAS = "published_copy"  # the new file's database name while publish() writes it
PUBLISHED_STORAGE_VERSION = "v1.0.0"
"""The DuckDB storage format of the published file: the one setting for it (the working copy keeps the lock's).

Users open clusters.duckdb with the DuckDB their tool embeds (a notebook, DBeaver's JDBC driver, R, the CLI),
often a 1.x, which cannot read DuckDB 2.0's own format. v1.0.0 is the oldest format that holds everything we
store (DECIMAL, lists, TIMESTAMPTZ, comments), and DuckDB 1.0 and later read it (tests/reliability/
test_old_clients.py reads every table with real 1.0, 1.1 and 1.4 clients). An older label gives no older file:
DuckDB 2.0.1 accepts 'v0.10.0' or 'v0.9.0', but neither DuckDB 0.10.0 nor 0.9.2 opens what it then writes. A
type the format cannot hold (VARIANT, say) stops the publish. DuckDB writes to an existing file in the format it
has, so record_unchanged_run, which appends to a copy of the published file, keeps this one.
"""


def publish(paths: WarehousePaths, staging_specs: list[Table], exported: list[str], run: RunRecord) -> dict[str, Any]:
    """Swap a finished, validated copy of the working database in as the published one; export the tables
    named in ``exported`` (schema.table: every mart, and staging.quantities), then every typed table the working
    database's catalog lists (tables.<document_id>_<table_id>).

    Raises PublishError (leaving the published file untouched) if any staging table is unvalidated, or if the
    copy cannot be written in PUBLISHED_STORAGE_VERSION.
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
            seed_run_history(con, paths.published)
            con.execute("SET threads = 1")  # the copy keeps the rows' order; the exports are written in one order
            with published_copy(con, tmp_db):
                append_run(con, run)
                if tmp_exports.exists():
                    shutil.rmtree(tmp_exports)
                specs = [table(name) for name in exported] + typed_specs(con)  # then every typed table
                written = write_exports(con, specs, tmp_exports)
            fsync_file(tmp_db)
            paths.exports.mkdir(parents=True, exist_ok=True)
            for name, target in written.items():
                os.replace(target, paths.exports / name)
            os.replace(tmp_db, paths.published)
            append_run(con, run)  # the working database keeps the run history too (see _append_to_working)
        finally:
            con.close()
            _remove_database_file(tmp_db)
            shutil.rmtree(tmp_exports, ignore_errors=True)
    return {"published": str(paths.published), "exports": sorted(str(paths.exports / name) for name in written)}


def record_unchanged_run(paths: WarehousePaths, run: RunRecord) -> None:
    """Add a run that found nothing to do to meta.runs, the published file's only change (atomic, like publish).

    The published file is copied, the row appended to the copy, and the copy swapped in: a reader holding
    the old file keeps it. DuckDB writes to a file in the format it has, so the copy stays in
    PUBLISHED_STORAGE_VERSION. The working copy gets the row too (its history seeds the next publish).
    """
    tmp_db = paths.root / f".{PUBLISHED_NAME}.{run.run_id}.tmp"
    with writer_lock(paths):
        clean_stale_temp_files(paths)
        try:
            shutil.copyfile(paths.published, tmp_db)
            out = duckdb.connect(str(tmp_db))
            try:
                append_run(out, run)
                out.execute("CHECKPOINT")
            finally:
                out.close()
            fsync_file(tmp_db)
            os.replace(tmp_db, paths.published)
        finally:
            _remove_database_file(tmp_db)
        if paths.working.exists():
            _append_to_working(paths, run)


@contextlib.contextmanager
def published_copy(con: duckdb.DuckDBPyConnection, target: Path) -> Iterator[None]:
    """Copy con's database to a new file at target in PUBLISHED_STORAGE_VERSION; inside, con works on the copy.

    Schemas, tables (rows in their stored order), views, macros and COMMENT ON texts are copied. On leaving,
    the copy is checkpointed and detached, and con works on its own database again. Raises PublishError when
    the copy cannot be written in that format (a type the format cannot hold, say); target is the caller's
    to remove.
    """
    own = ident(con.execute("SELECT current_database()").fetchall()[0][0])
    try:
        con.execute(f"ATTACH {quote(str(target))} AS {COPY_ALIAS} (STORAGE_VERSION {quote(PUBLISHED_STORAGE_VERSION)})")
    except duckdb.Error as exc:
        raise PublishError(f"not publishing; cannot create {target}: {exc}") from exc
    try:
        try:
            con.execute(f"COPY FROM DATABASE {own} TO {COPY_ALIAS}")
        except duckdb.Error as exc:
            raise PublishError(
                f"not publishing; the working database cannot be written in DuckDB storage format "
                f"{PUBLISHED_STORAGE_VERSION} (the one DuckDB 1.x clients read): {exc}"
            ) from exc
        con.execute(f"USE {COPY_ALIAS}")
        yield
        con.execute(f"CHECKPOINT {COPY_ALIAS}")
    finally:
        con.execute(f"USE {own}")
        con.execute(f"DETACH {COPY_ALIAS}")


def _remove_database_file(path: Path) -> None:
    """A database file and its write-ahead log, if they exist."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _append_to_working(paths: WarehousePaths, run: RunRecord) -> None:
    """The run history lives in the working database too, so publishing never has to open the published
    file (a reader may hold it, even read-write)."""
    con = duckdb.connect(str(paths.working))
    try:
        append_run(con, run)
    finally:
        con.close()


def clean_stale_temp_files(paths: WarehousePaths) -> list[Path]:
    """Remove temp files a killed publish left behind (never the published file)."""
    removed = []
    if paths.root.exists():
        for p in [*paths.root.glob(f".{PUBLISHED_NAME}.*.tmp"), *paths.root.glob(f".{PUBLISHED_NAME}.*.tmp.wal")]:
            p.unlink(missing_ok=True)
            removed.append(p)
    if paths.build_dir.exists():
        for p in paths.build_dir.glob("exports.*.tmp"):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed
