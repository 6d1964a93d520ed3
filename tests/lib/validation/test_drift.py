"""Drift between editions from marts.edition_changes: rows added and removed, values that moved a lot."""

import pandas as pd

from pipelines.lib.validation.drift import describe_move, describe_row_change, moved_values, row_changes

COLUMNS = ["change", "document_id", "prev_document_id", "table", "key", "column", "old_value", "new_value"]
CHANGES = pd.DataFrame(
    [
        ("changed", "d_rev1", "d", "staging.budget_items", "総額 | 2005", "amount_oku_yen", "568.0000", "571.0000"),
        ("changed", "d_rev1", "d", "staging.budget_items", "A | 2005", "amount_oku_yen", "20.1000", "22.4000"),
        ("changed", "d_rev1", "d", "staging.budget_items", "B | 2005", "amount_oku_yen", "10.0000", "13.0000"),
        ("changed", "d_rev1", "d", "staging.budget_items", "C | 2005", "raw_text", "10億円", "13億円"),
        ("changed", "d_rev1", "d", "staging.budget_items", "D | 2005", "amount_oku_yen", "0", "1"),
        ("added", "d_rev1", "d", "staging.overseas_clusters", "c_r7", "region", None, "シスタ"),
        ("added", "d_rev1", "d", "staging.overseas_clusters", "c_r7", "country", None, "スウェーデン"),
        ("removed", "d_rev1", "d", "staging.overseas_clusters", "c_r3", "region", "ボストン都市圏", None),
    ],
    columns=COLUMNS,
)


def test_row_changes_list_keys_added_and_removed_once_per_row():
    assert row_changes(CHANGES) == [
        {
            "document_id": "d_rev1",
            "prev_document_id": "d",
            "table": "staging.overseas_clusters",
            "added": ["c_r7"],
            "removed": ["c_r3"],
        }
    ]
    assert describe_row_change(row_changes(CHANGES)[0]) == "d_rev1 vs d: staging.overseas_clusters +1 -1"


def test_values_that_moved_more_than_the_share():
    moved = moved_values(CHANGES)
    assert [(m["key"], m["moved_pct"]) for m in moved] == [("B | 2005", 30.0), ("D | 2005", None)]  # 568→571 is 0.5 %
    assert describe_move(moved[0]) == "d_rev1: staging.budget_items B | 2005 amount_oku_yen 10.0000 -> 13.0000"
    assert moved_values(CHANGES, share=0.1)[0]["key"] == "A | 2005"  # 20.1 → 22.4 is 11.4 %


def test_no_changes_no_drift():
    empty = pd.DataFrame(columns=COLUMNS)
    assert row_changes(empty) == [] and moved_values(empty) == []
