"""Where the warehouse lives, the writer lock, and the connection to the working database."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.lib.errors import PublishError

PUBLISHED_NAME = "clusters.duckdb"
log = logging.getLogger(__name__)


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
        except duckdb.Error as exc:
            broken = paths.working.with_suffix(".broken")
            log.warning(
                "working database %s cannot be opened (%s): set aside as %s, rebuilt", paths.working, exc, broken
            )
            os.replace(paths.working, broken)
            wal = paths.working.with_name(paths.working.name + ".wal")
            if wal.exists():
                os.replace(wal, broken.with_name(broken.name + ".wal"))
            con = duckdb.connect(str(paths.working))
        try:
            yield con
        finally:
            con.close()


@contextlib.contextmanager
def published_db(paths: WarehousePaths) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published database (a shared lock: refreshes and other readers go on)."""
    con = duckdb.connect(str(paths.published), read_only=True)
    try:
        yield con
    finally:
        con.close()
