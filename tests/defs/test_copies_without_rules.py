"""A real refresh of the deck printed without rules publishes the same staging and mart rows as the ruled deck.

The copies are made in tmp_path from the bundled deck by removing path painting from its content streams
(tests/editions/edits.py: every rule and fill, or all but the horizontal rules). Values are compared with line
breaks and spaces inside a cell set aside: where a wrapped line ends is read from the glyphs, not the rules.
"""

import re

import duckdb
import pytest

from tests.editions.edits import strip_rules
from tests.support import DECK, failure_messages, refresh, table_rows

pytestmark = pytest.mark.xdist_group("copies_without_rules")

IGNORED = {"document_id", "x0", "top", "x1", "bottom", "source_table_id"}


def _norm(value: object) -> object:
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


def _rows(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple]:
    _, rows = table_rows(con, schema, table, IGNORED)
    return sorted((tuple(_norm(v) for v in r) for r in rows), key=repr)


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema in ('staging', 'marts') order by 1, 2"
    ).fetchall()


@pytest.fixture(scope="module", params=["borderless", "open"])
def copy_site(request, tmp_path_factory):
    raw = tmp_path_factory.mktemp(f"{request.param}_raw")
    copy = strip_rules(DECK, raw / DECK.name, request.param)
    wh = tmp_path_factory.mktemp(f"{request.param}_wh")
    result = refresh(raw, wh, pages=False)  # compared with the deck's warehouse, not its report
    assert result.success, failure_messages(result)
    return request.param, copy, wh


def test_staging_and_marts_equal_the_ruled_decks(copy_site, published_site):
    style, _, wh = copy_site
    mine = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    theirs = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    tables = _tables(mine)
    assert tables == _tables(theirs)
    for schema, table in tables:
        assert _rows(theirs, schema, table) == _rows(mine, schema, table), f"{style}: {schema}.{table}"


def test_grid_origin_says_how_each_table_was_read(copy_site, published_site):
    style, _, wh = copy_site
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    origins = {o for (o,) in con.execute("select distinct grid_origin from raw.tables").fetchall()}
    assert origins == {"text_alignment" if style == "borderless" else "partial_rules"}
    ruled = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    assert {o for (o,) in ruled.execute("select distinct grid_origin from raw.tables").fetchall()} == {"rules"}
