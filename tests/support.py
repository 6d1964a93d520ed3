"""Helpers shared by the integration tests: run the real refresh graph, hash what users can read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
from pipelines.defs.report import published_pages
from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib.paths import PROJECT_ROOT

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"
# The team's samples from ../shared, copied into tests/fixtures so the tests that read them run wherever the
# repository is cloned (each folder's README says what the sample is).
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
REV1 = FIXTURES / "editions" / "meti_cluster_seminar_2005_rev1.pdf"
REV2 = FIXTURES / "editions" / "meti_cluster_seminar_2005_rev2.pdf"
JST = FIXTURES / "decks" / "jst_regional_programs_2003.pdf"
REV2_OPEN = FIXTURES / "editions" / "meti_cluster_seminar_2005_rev2_open.pdf"
JST_BORDERLESS = FIXTURES / "decks" / "jst_regional_programs_2003_borderless.pdf"

# Debian's Chromium, as the browser tests launch it (no sandbox as root; no background network on this closed network).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_hashes(warehouse: Path) -> dict[str, str]:
    """sha256 of the published database and of every export: what a user can read."""
    files = [warehouse / "clusters.duckdb", *sorted(p for p in (warehouse / "exports").iterdir() if p.is_file())]
    return {f.relative_to(warehouse).as_posix(): sha256(f) for f in files}


PAGES = dg.AssetSelection.assets(*published_pages.keys)
"""The report and the Data Docs: what a person looks at, drawn from the published warehouse."""


def refresh(
    raw_dir: Path,
    warehouse_dir: Path,
    selection: dg.AssetSelection | None = None,
    pages: bool = True,
    **limits: float,
):
    """The real refresh graph (every asset and check) into warehouse_dir, in process, on an ephemeral instance.

    ``pages=False`` leaves out the report and the Data Docs (a third of a refresh), for tests of the data alone.
    """
    settings = PipelineSettings(raw_dir=str(raw_dir), **limits)
    if not pages:
        selection = (selection or dg.AssetSelection.all()) - PAGES
    return dg.materialize(
        [*defs.assets, *(defs.asset_checks or [])],
        resources={"settings": settings, "warehouse": Warehouse(warehouse_dir=str(warehouse_dir))},
        instance=dg.DagsterInstance.ephemeral(),
        selection=selection,
        raise_on_error=False,
    )


def failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    """The message of every failed step, with its causes (what `make run` prints)."""
    out = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            err = event.step_failure_data.error
            parts = []
            while err is not None:
                parts.append(err.message.strip())
                err = err.cause
            out.append(" <- ".join(parts))
    return out


@dataclass
class Site:
    """A raw folder holding the deck and a warehouse already published from it."""

    raw: Path
    warehouse: Path
    result: dg.ExecuteInProcessResult | None = field(default=None, repr=False)

    def hashes(self) -> dict[str, str]:
        return published_hashes(self.warehouse)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of one query on a DuckDB file opened read-only (closed again)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def table_rows(con, schema: str, table: str, ignored: set[str]) -> tuple[list[str], list[tuple]]:
    """A table's columns (less ``ignored``) and its rows of them, ordered by every column."""
    cols = [
        c
        for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
            " order by ordinal_position",
            [schema, table],
        ).fetchall()
        if c not in ignored
    ]
    listed = ", ".join(f'"{c}"' for c in cols)
    return cols, con.execute(f'select {listed} from "{schema}"."{table}" order by all').fetchall()
