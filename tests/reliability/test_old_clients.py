"""Users open clusters.duckdb with the DuckDB their tool embeds, often a 1.x: real 1.x clients read all of it.

Each client is the `duckdb` package of that version from the package registry, installed into a throwaway venv
(kept in pytest's cache folder, so later sessions reuse it). The same reader script runs under the client and
under the lock's DuckDB 2.0; every table of every schema must give the same rows, column types and comments.
The tests skip only when the registry cannot be reached.
"""

from __future__ import annotations

import fcntl
import json
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.lib.schema import table
from pipelines.lib.warehouse.connections import WarehousePaths
from pipelines.lib.warehouse.publish import record_unchanged_run
from pipelines.lib.warehouse.runs import RunRecord

# 1.0.0: the oldest release whose format the published file is written in; 1.1.3: the oldest the issue aims
# for; 1.4.4: the last 1.x line below 1.5 (its long-term support release).
OLD_CLIENTS = ("1.0.0", "1.1.3", "1.4.4")
PYTZ = "2026.6"  # DuckDB 1.x's Python client needs pytz to return TIMESTAMP WITH TIME ZONE values
PIP_TIMEOUT_S = 60
# What pip prints when it cannot talk to the registry (as opposed to a registry that lacks the version).
UNREACHABLE = re.compile(
    r"[^\n]*(?:connection broken|Could not fetch URL|NewConnectionError|ConnectTimeout|ProxyError|SSLError"
    r"|Max retries exceeded|Temporary failure in name resolution|Network is unreachable)[^\n]*"
)

READER = r"""
import datetime, decimal, json, sys
import duckdb

def value(v):
    # Each value with the Python type the client gave it, so a DECIMAL read as a float would show.
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return {"double": repr(v)}
    if isinstance(v, decimal.Decimal):
        return {"decimal": str(v)}
    if isinstance(v, datetime.datetime):
        return {"timestamptz": v.astimezone(datetime.timezone.utc).isoformat()}
    if isinstance(v, list):
        return {"list": [value(x) for x in v]}
    return {type(v).__name__: str(v)}

con = duckdb.connect(sys.argv[1], read_only=True)
tables = {}
for schema, name, comment in con.execute(
    "SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE database_name = current_database() "
    "ORDER BY 1, 2"
).fetchall():
    columns = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, name],
    ).fetchall()
    rows = con.execute(f'SELECT * FROM "{schema}"."{name}"').fetchall()
    tables[f"{schema}.{name}"] = {
        "comment": comment,
        "columns": [list(c) for c in columns],
        "rows": sorted((json.dumps([value(v) for v in r], ensure_ascii=False) for r in rows)),
    }
print(json.dumps({"version": duckdb.__version__, "tables": tables}, ensure_ascii=False))
"""


def _pip(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    options = ["--disable-pip-version-check", "--timeout", str(PIP_TIMEOUT_S), "--retries", "2"]
    return subprocess.run(
        [str(python), "-m", "pip", *options, *args],
        capture_output=True,
        text=True,
    )


def _client(version: str, folder: Path) -> Path:
    """The python of a venv holding duckdb==version (made once, then reused while it still imports it); one
    process at a time builds it (xdist workers share pytest's cache folder, and cleared it under each other)."""
    with folder.with_name(f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_client(version, folder)


def _build_client(version: str, folder: Path) -> Path:
    python = folder / "bin" / "python"
    check = [str(python), "-c", "import duckdb, pytz; print(duckdb.__version__)"]
    if python.exists() and subprocess.run(check, capture_output=True, text=True).stdout.strip() == version:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
    installed = _pip(python, "install", "--quiet", f"duckdb=={version}", f"pytz=={PYTZ}")
    if installed.returncode:
        unreachable = UNREACHABLE.search(installed.stderr)
        if unreachable:
            pytest.skip(f"the package registry cannot be reached to install duckdb=={version}: {unreachable[0]}")
        pytest.fail(f"pip could not install duckdb=={version}:\n{installed.stderr[-3000:]}")
    checked = subprocess.run(check, capture_output=True, text=True)
    assert checked.stdout.strip() == version, checked.stderr[-3000:]
    return python


@dataclass(frozen=True)
class Client:
    """A venv's python with duckdb==version."""

    version: str
    python: Path


@pytest.fixture(scope="session", params=OLD_CLIENTS)
def old_client(request, tmp_path_factory) -> Client:
    """A real DuckDB 1.x (one per version of OLD_CLIENTS)."""
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir(f"duckdb-{request.param}") if cache else tmp_path_factory.mktemp(f"duckdb-{request.param}")
    return Client(request.param, _client(request.param, Path(folder)))


def read_all(python: Path | str, db: Path) -> dict:
    """Every table of db as READER sees it under that python's DuckDB."""
    out = subprocess.run([str(python), "-c", READER, str(db)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def cells(reading: dict, qualified: str, **where: str) -> dict:
    """The one row of a table whose columns have the given values, as {column: value}."""
    found = reading["tables"][qualified]
    names = [c[0] for c in found["columns"]]
    rows = [dict(zip(names, json.loads(r), strict=True)) for r in found["rows"]]
    [row] = [r for r in rows if all(r[k] == v for k, v in where.items())]
    return row


@pytest.fixture(scope="module")
def new_reading(published_site) -> dict:
    """The published file as the lock's DuckDB 2.0 reads it."""
    return read_all(sys.executable, published_site.warehouse / "clusters.duckdb")


@pytest.fixture(scope="module")
def old_reading(old_client, published_site) -> dict:
    """The published file as the old client reads it."""
    return read_all(old_client.python, published_site.warehouse / "clusters.duckdb")


def test_an_old_client_reads_every_table_as_duckdb_2_does(old_client, old_reading, new_reading):
    assert old_reading["version"] == old_client.version
    assert new_reading["version"].startswith("2.")
    assert {"raw", "staging", "marts", "meta"} <= {name.split(".")[0] for name in new_reading["tables"]}
    assert sorted(old_reading["tables"]) == sorted(new_reading["tables"])
    for name, theirs in new_reading["tables"].items():
        ours = old_reading["tables"][name]
        assert len(ours["rows"]) == len(theirs["rows"]), name
        assert ours == theirs, name  # same column types, rows (values with their Python types) and comments


def test_an_old_client_gets_typed_values_and_japanese_text(old_reading):
    # Figures printed in the deck (slide 11: 137.2億円 in FY2005, up from 114.2億円, +20.1%).
    budget = cells(old_reading, "marts.budget_yoy", program="地域新生コンソーシアム研究開発事業")
    assert Decimal(budget["oku_yen"]["decimal"]) == Decimal("137.2")
    assert Decimal(budget["prev_oku_yen"]["decimal"]) == Decimal("114.2")
    assert round(float(budget["change_pct"]["double"]), 1) == 20.1
    # シリコンバレー: 約230万人 (DOUBLE), and the years of its footnote markers (INTEGER[]).
    valley = cells(old_reading, "marts.overseas_cluster_profiles", region="シリコンバレー")
    assert float(valley["population"]["double"]) == 2_300_000
    years = valley["as_of_years"]["list"]
    assert 2003 in years and all(type(y) is int for y in years)
    # The descriptions (COMMENT ON) are the registry's.
    spec = table("staging.budget_items")
    found = old_reading["tables"]["staging.budget_items"]
    assert found["comment"] == spec.description
    assert [c[2] for c in found["columns"]] == [c.description for c in spec.columns]
    assert dict((c[0], c[1]) for c in found["columns"])["amount_oku_yen"].startswith("DECIMAL")


def test_a_run_with_nothing_to_do_keeps_the_file_readable_by_old_clients(old_client, site):
    """record_unchanged_run appends to a copy of the published file with DuckDB 2.0: the format stays."""
    paths = WarehousePaths(site.warehouse)
    run = RunRecord(
        run_id=str(uuid.uuid4()),
        started_at="2026-01-05T06:00:00+00:00",
        finished_at="2026-01-05T06:00:01+00:00",
        status="unchanged",
        documents=[],
        code_version="test",
        packages={},
    )
    record_unchanged_run(paths, run)
    old = read_all(old_client.python, paths.published)
    runs = [json.loads(r) for r in old["tables"]["meta.runs"]["rows"]]
    assert sorted(r[3] for r in runs) == ["success", "unchanged"]
    added = cells(old, "meta.runs", run_id=run.run_id)
    assert added["started_at"] == {"timestamptz": "2026-01-05T06:00:00+00:00"}
    assert not list(site.warehouse.glob(".clusters.duckdb.*"))
