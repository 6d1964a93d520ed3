"""The revised edition's every table grid, as printed: compared with its truth file (hand-made, not our output)."""

from __future__ import annotations

import json
import re

import pytest

from pipelines.lib.tables.extract import extract_document
from tests.support import REV1

TRUTH = REV1.with_name("meti_cluster_seminar_2005_rev1.truth.json")


def _squash(text: str) -> str:
    """The truth file's rule: compare cell text with all whitespace removed (renderers wrap where they like)."""
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="module")
def rev1():
    return extract_document(REV1)


def test_every_table_of_the_truth_file_is_found_with_its_cells(rev1):
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    by_page: dict[int, list] = {}
    for t in rev1.tables:
        by_page.setdefault(t.page, []).append(t)
    assert sum(len(v) for v in by_page.values()) == len(truth["tables"])
    for expected in truth["tables"]:
        found = by_page.get(expected["page"], [])
        assert len(found) == 1, (expected["id"], expected["page"], [t.table_id for t in found])
        grid = [[_squash(c) for c in row] for row in found[0].grid.rows()]
        assert grid == [[_squash(c) for c in row] for row in expected["cells"]], expected["id"]


def test_the_new_row_of_rev1_is_a_table_row(rev1):
    table = next(t for t in rev1.tables if t.table_id == "overseas_clusters_1")
    assert table.grid.n_rows == 8  # header, the six clusters of the bundled deck and シスタ
    assert table.grid.rows()[7][:3] == ["スウェーデン", "シスタ(ストックホルム北部)", "情報通信"]
