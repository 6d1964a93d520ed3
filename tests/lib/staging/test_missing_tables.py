"""No silent loss: a page that promises a family's table without one read, and an edition whose curated tables
hold far fewer quantities than the one before, are reported; the shared decks report nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.lib.paths import PROJECT_ROOT
from pipelines.lib.staging.missing_tables import (
    header_fields,
    held_quantities_drop,
    missing_tables,
    previous_edition,
)
from pipelines.lib.tables.extract import blocks_frame, extract_document, tables_frame
from pipelines.lib.tables.registry import BY_FAMILY
from tests.editions.edits import find_text_bbox, remove_text, strip_rules

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"
SHARED = [
    DECK,
    FIXTURES / "editions" / "meti_cluster_seminar_2005_rev1.pdf",
    FIXTURES / "editions" / "meti_cluster_seminar_2005_rev2.pdf",
    FIXTURES / "editions" / "meti_cluster_seminar_2005_rev2_open.pdf",
    FIXTURES / "decks" / "jst_regional_programs_2003.pdf",
    FIXTURES / "decks" / "jst_regional_programs_2003_borderless.pdf",
]


def _missing(pdf) -> list[dict]:
    ex = extract_document(pdf)
    return missing_tables(tables_frame(ex), blocks_frame(ex))


@pytest.mark.parametrize("pdf", SHARED, ids=lambda p: p.stem)
def test_no_shared_deck_reports_a_missing_table(pdf):
    assert _missing(pdf) == []


def test_a_table_made_unreadable_is_reported_by_its_title(tmp_path):
    """The overseas-cluster table of page 3 blanked (its rules kept, its text gone): the title still names it."""
    _, top, _, _ = find_text_bbox(DECK, 3, "シリコンバレー")
    _, _, _, bottom = find_text_bbox(DECK, 3, "COE展開。")
    copy = remove_text(DECK, tmp_path / "unreadable.pdf", 3, (0, top - 30, 720, bottom + 2))
    found = _missing(copy)
    assert [(f["where"], f["family"]) for f in found] == [("unreadable.pdf, page 3", "overseas_clusters")]
    assert "title" in found[0]["why"]


def test_a_table_whose_header_is_all_that_reads_is_reported_by_its_header(tmp_path):
    """A budget table (no title names its family) whose rows are blanked on a copy without rules: its header
    is left as a line of text that names the family's fields."""
    borderless = strip_rules(DECK, tmp_path / "borderless.pdf")
    _, top, _, _ = find_text_bbox(borderless, 11, "地域新生コンソーシアム研究開発事業")
    _, _, _, bottom = find_text_bbox(borderless, 11, "の高いシーズを活用する場合等")
    copy = remove_text(borderless, tmp_path / "no_rows.pdf", 11, (0, top - 60, 720, bottom + 20))
    found = _missing(copy)
    assert [(f["where"], f["family"]) for f in found] == [("no_rows.pdf, page 11", "policy_tools")]
    assert "header" in found[0]["why"]


@pytest.mark.parametrize(
    ("family", "text", "named"),
    [
        (
            "policy_tools",
            "施策名 17年度予算 (16年度予算) 概要",
            {"program", "current_budget", "previous_budget", "summary"},
        ),
        (
            "overseas_clusters",
            "国 地域 主な分野 主要大学・研究機関 発展の経緯",
            {"region", "fields", "universities_institutes", "history"},  # a one-character word (国) never counts
        ),
        ("overseas_clusters", "地域の企業と大学、研究機関の連携が進む分野で、国の支援を受ける。", set()),  # prose
    ],
)
def test_header_fields_reads_a_header_not_prose(family, text, named):
    assert header_fields(BY_FAMILY[family], text) == named


def test_previous_edition_pairs_editions_of_one_deck():
    docs = ["jst_2003", "deck_2005", "deck_2005_rev1", "deck_2005_rev2"]
    assert previous_edition(docs, "deck_2005_rev2") == "deck_2005_rev1"
    assert previous_edition(docs, "deck_2005") is None
    assert previous_edition(docs, "jst_2003") is None


def _quantities(doc: str, held: int, free: int) -> pd.DataFrame:
    return pd.DataFrame({"document_id": [doc] * (held + free), "claimed_by": ["budget_items"] * held + [None] * free})


def test_an_edition_whose_tables_hold_far_fewer_quantities_is_reported():
    q = pd.concat([_quantities("deck", 124, 92), _quantities("deck_rev1", 30, 186)])
    (found,) = held_quantities_drop(q, "deck_rev1", "deck")
    assert (found["held"], found["held_before"], found["read"]) == (30, 124, 216)
    assert (
        held_quantities_drop(
            pd.concat([_quantities("deck", 124, 92), _quantities("deck_rev1", 120, 96)]), "deck_rev1", "deck"
        )
        == []
    )
    assert held_quantities_drop(q, "deck", None) == []
