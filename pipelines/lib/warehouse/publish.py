"""Publishing: swap a validated copy of the working database in atomically, with the mart exports."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.errors import PublishError
from pipelines.lib.exports import fsync_file, write_exports
from pipelines.lib.schema import Table, table
from pipelines.lib.warehouse.connections import PUBLISHED_NAME, WarehousePaths, writer_lock
from pipelines.lib.warehouse.ledger import unvalidated_tables
from pipelines.lib.warehouse.runs import RunRecord, append_run, seed_run_history


def publish(paths: WarehousePaths, staging_specs: list[Table], exported: list[str], run: RunRecord) -> dict[str, Any]:
    """Swap a finished, validated copy of the working database in as the published one; export the tables
    named in ``exported`` (schema.table: every mart, and staging.quantities).

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
            seed_run_history(con, paths.published)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        try:
            shutil.copyfile(paths.working, tmp_db)
            out = duckdb.connect(str(tmp_db))
            try:
                out.execute("SET threads = 1")
                append_run(out, run)

                if tmp_exports.exists():
                    shutil.rmtree(tmp_exports)
                written = write_exports(out, [table(name) for name in exported], tmp_exports)
                out.execute("CHECKPOINT")
            finally:
                out.close()
            fsync_file(tmp_db)
            paths.exports.mkdir(parents=True, exist_ok=True)
            for name, target in written.items():
                os.replace(target, paths.exports / name)
            os.replace(tmp_db, paths.published)
            _append_to_working(paths, run)
        finally:
            tmp_db.unlink(missing_ok=True)
            shutil.rmtree(tmp_exports, ignore_errors=True)
    return {"published": str(paths.published), "exports": sorted(str(paths.exports / name) for name in written)}


def record_unchanged_run(paths: WarehousePaths, run: RunRecord) -> None:
    """Add a run that found nothing to do to meta.runs, the published file's only change (atomic, like publish).

    The published file is copied, the row appended to the copy, and the copy swapped in: a reader holding
    the old file keeps it. The working copy gets the row too (its history seeds the next publish).
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
            tmp_db.unlink(missing_ok=True)
        if paths.working.exists():
            _append_to_working(paths, run)


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
        for p in paths.root.glob(f".{PUBLISHED_NAME}.*.tmp"):
            p.unlink(missing_ok=True)
            removed.append(p)
    if paths.build_dir.exists():
        for p in paths.build_dir.glob("exports.*.tmp"):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed
