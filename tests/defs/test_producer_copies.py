"""A real refresh of a producer copy of the deck publishes the same staging and mart rows as the bundled deck.

The copy is the hardest of tests/producers.py: fitted to A4 (another page size and scale) and printed
through cairo (fills split into many rects, bold glyphs drawn as outlines).
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.support import failure_messages, refresh, table_rows

# The producer copies are made once per worker (conftest.producer_copies): their tests share one.
pytestmark = pytest.mark.xdist_group("producers")

# Where a copy may differ from the bundled deck: its name, and the coordinates on its page.
IGNORED = {"document_id", "x0", "top", "x1", "bottom"}


@pytest.fixture(scope="session")
def copy_site(tmp_path_factory, producer_copies):
    raw = tmp_path_factory.mktemp("copy_raw")
    copy = Path(shutil.copy(producer_copies("cairo_a4"), raw))
    wh = tmp_path_factory.mktemp("copy_wh")
    result = refresh(raw, wh, pages=False)  # compared with the deck's warehouse, not its report
    assert result.success, failure_messages(result)
    return copy, wh


def _tables(con):
    return [
        (s, t)
        for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in ('staging', 'marts') order by 1, 2"
        ).fetchall()
    ]


def _rows(con, schema, table):
    return table_rows(con, schema, table, IGNORED)


def test_staging_and_marts_equal_the_bundled_decks(copy_site, published_site):
    copy, wh = copy_site
    mine = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    theirs = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    tables = _tables(mine)
    assert tables == _tables(theirs)
    assert len([t for t in tables if t[0] == "marts"]) >= 8
    for schema, table in tables:
        expected = _rows(mine, schema, table)
        got = _rows(theirs, schema, table)
        assert got == expected, f"{schema}.{table}"
    ids = {r[0] for r in theirs.execute("select distinct document_id from staging.foreign_policies").fetchall()}
    assert ids == {copy.stem}


def test_raw_cells_keep_the_copys_own_coordinates(copy_site):
    """The bbox columns are the A4 page's (842 x 595 pt), not the bundled slide's (720 x 540)."""
    _, wh = copy_site
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    right = con.execute("select max(x1) from raw.table_cells").fetchall()[0][0]
    assert 720 < right < 842
