"""Reliability suite: a warehouse published once from the bundled deck, copied per test, and a sha256 guard."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.defs.resources import PipelineSettings
from pipelines.lib.paths import PROJECT_ROOT

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_hashes(warehouse: Path) -> dict[str, str]:
    """sha256 of the published database and of every export: what a user can read."""
    files = [warehouse / "clusters.duckdb", *sorted((warehouse / "exports").glob("*.parquet"))]
    return {f.relative_to(warehouse).as_posix(): sha256(f) for f in files}


def refresh(raw_dir: Path, warehouse_dir: Path, selection: dg.AssetSelection | None = None, **limits: float):
    """The real refresh graph (every asset and check) into warehouse_dir, as tests/defs/test_refresh.py runs it."""
    settings = PipelineSettings(raw_dir=str(raw_dir), warehouse_dir=str(warehouse_dir), **limits)
    return dg.materialize(
        [*defs.assets, *(defs.asset_checks or [])],
        resources={"settings": settings},
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

    def hashes(self) -> dict[str, str]:
        return published_hashes(self.warehouse)


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Site:
    raw = tmp_path_factory.mktemp("rel_raw")
    shutil.copy(DECK, raw)
    wh = tmp_path_factory.mktemp("rel_wh")
    result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    return Site(raw, wh)


@pytest.fixture
def site(published_site, tmp_path) -> Site:
    """A private copy of the published site (raw folder and warehouse, working copy included)."""
    raw = tmp_path / "raw"
    wh = tmp_path / "warehouse"
    shutil.copytree(published_site.raw, raw)
    shutil.copytree(published_site.warehouse, wh)
    return Site(raw, wh)
