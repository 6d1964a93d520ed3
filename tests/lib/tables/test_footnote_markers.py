"""Footnote markers read without the space after them (an OCR engine writes none): split by the table's numbering."""

from __future__ import annotations

import pytest

from pipelines.lib.tables.extract import split_marker


@pytest.mark.parametrize(
    ("marker", "note", "known", "split"),
    [
        ("*21999", "年", {"1", "2", "3"}, ("*2", "1999年")),  # *2 is cited in the table
        ("*12003", "年", {"1"}, ("*1", "2003年")),  # the next in order
        ("*2", "1999年", {"2"}, ("*2", "1999年")),  # a text layer's marker is left alone
        ("*12", "2003年", {"12"}, ("*12", "2003年")),  # a cited two-digit marker stays whole
        ("*7", "年", {"1", "2"}, ("*7", "年")),  # nothing known to split it by
    ],
)
def test_a_marker_is_split_where_the_numbering_says(marker, note, known, split):
    assert split_marker(marker, note, known) == split
