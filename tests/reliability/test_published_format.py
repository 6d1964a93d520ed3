"""The published file is a copy of the working database in an older storage format: it must lose nothing.

(That DuckDB 1.x clients read it is tests/reliability/test_old_clients.py.)
"""

from __future__ import annotations

import duckdb
import pytest

from pipelines.lib.errors import PublishError
from pipelines.lib.marts import MARTS
from pipelines.lib.schema import BY_NAME
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.warehouse.connections import WarehousePaths
from pipelines.lib.warehouse.publish import publish
from pipelines.lib.warehouse.runs import RunRecord

CATALOG = (
    "SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() "
    "WHERE database_name = current_database() ORDER BY 1"
)
COLUMNS = (
    "SELECT column_name, data_type, comment FROM duckdb_columns() "
    "WHERE database_name = current_database() AND schema_name || '.' || table_name = ? ORDER BY column_index"
)


def test_the_published_file_holds_what_the_working_copy_holds(published_site):
    """Every table, its columns, types and comments, and its rows in their stored order."""
    paths = WarehousePaths(published_site.warehouse)
    working = duckdb.connect(str(paths.working), read_only=True)
    published = duckdb.connect(str(paths.published), read_only=True)
    try:
        tables = working.execute(CATALOG).fetchall()
        assert published.execute(CATALOG).fetchall() == tables
        assert len(tables) >= len(BY_NAME)
        for name, _comment in tables:
            assert published.execute(COLUMNS, [name]).fetchall() == working.execute(COLUMNS, [name]).fetchall()
            query = f"SELECT * FROM {name}"  # no ORDER BY: the stored order (the report reads some tables as stored)
            assert published.execute(query).fetchall() == working.execute(query).fetchall(), name
    finally:
        working.close()
        published.close()


def test_every_published_description_is_the_registrys(published_site):
    con = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    try:
        for name, spec in BY_NAME.items():
            [(comment,)] = con.execute(
                "SELECT comment FROM duckdb_tables() WHERE schema_name || '.' || table_name = ?", [name]
            ).fetchall()
            assert comment == spec.description, name
            found = con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name || '.' || table_name = ? "
                "ORDER BY column_index",
                [name],
            ).fetchall()
            assert found == [(c.name, c.description) for c in spec.columns], name
    finally:
        con.close()


def test_a_value_the_published_format_cannot_hold_stops_the_publish(site):
    """A column type DuckDB 1.x's format has no room for (VARIANT) is a clear error, not a file 1.x cannot read."""
    paths = WarehousePaths(site.warehouse)
    con = duckdb.connect(str(paths.working))
    con.execute("CREATE TABLE meta.notes AS SELECT 1::VARIANT AS note")
    con.close()
    before = site.hashes()
    run = RunRecord("variant-run", "2026-01-05T06:00:00+00:00", "2026-01-05T06:00:01+00:00", "success", [], "t", {})
    with pytest.raises(PublishError, match=r"storage format v1\.0\.0 .*VARIANT"):
        publish(paths, [st.spec for st in STAGING], [m.spec.qualified for m in MARTS], run)
    assert site.hashes() == before
    assert not list(site.warehouse.glob(".clusters.duckdb.*")), "the temp database (and its WAL) is removed"
    assert not list(paths.build_dir.glob("exports.*.tmp"))
    con = duckdb.connect(str(paths.published), read_only=True)
    assert "variant-run" not in {r[0] for r in con.execute("SELECT run_id FROM meta.runs").fetchall()}
    con.close()
