"""The instance `make run` refreshes with: DAGSTER_HOME's, its SQLite event log made cheap enough to write an
event at a time.

A refresh writes about 250 events (each materialization, check result and output, and the run's plan), and
Dagster's SQLite event log creates a database engine, opens a connection and waits for the disk (fsync) for every
one of them, twice for an asset event (its run's shard and the index): about 20 ms each on our machines, seconds
per refresh. This storage keeps one engine per shard and lets SQLite hand the writes to the OS without waiting
for the disk (``PRAGMA synchronous = OFF``), about 2 ms an event. The tables, files and queries are Dagster's, so
the UI, the daemon and ``dagster`` commands read them as they are, live. What that costs: a crash of the process
loses nothing; a power cut or a crash of the OS can lose, or damage, the last refreshes' history (never the
warehouse, which is published on its own). Only `make run` writes this way (:func:`refresh_instance`); the UI's
and the daemon's runs keep Dagster's default, and so does an instance whose dagster.yaml names another storage.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_S = 30
"""How long a write waits for another process's lock (the UI reading, a second refresh)."""


class FastSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's sharded SQLite event log with one engine per shard and no fsync per event."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: dict[str, Engine] = {}
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> FastSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard), poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_S}
            )
            event.listen(engine, "connect", _no_fsync)
            self._engines[shard] = engine
        return engine

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()


DEFAULT_STORAGE = ("dagster._core.storage.sqlite_storage", "DagsterSqliteStorage")
"""What DAGSTER_HOME's dagster.yaml gives when it names no storage: the one this module speeds up."""


def refresh_instance() -> dg.DagsterInstance:
    """DAGSTER_HOME's instance, writing its event log with :class:`FastSqliteEventLogStorage` when it uses
    Dagster's default SQLite storage (else exactly as configured)."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return dg.DagsterInstance.get()  # which says what is missing
    ref = InstanceRef.from_dir(home)
    data = ref.storage_data
    if data is None or (data.module_name, data.class_name) != DEFAULT_STORAGE:
        return dg.DagsterInstance.from_ref(ref)

    def part(stored: ConfigurableClassData) -> dict[str, str]:
        return {"module_name": stored.module_name, "class_name": stored.class_name, "config_yaml": stored.config_yaml}

    events = ConfigurableClassData(__name__, FastSqliteEventLogStorage.__name__, ref.event_storage_data.config_yaml)
    composite = {
        "run_storage": part(ref.run_storage_data),
        "event_log_storage": part(events),
        "schedule_storage": part(ref.schedule_storage_data),
    }
    storage = ConfigurableClassData(
        "dagster._core.storage.legacy_storage", "CompositeStorage", yaml.safe_dump(composite, default_flow_style=False)
    )
    return dg.DagsterInstance.from_ref(ref._replace(storage_data=storage))


def _no_fsync(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()
