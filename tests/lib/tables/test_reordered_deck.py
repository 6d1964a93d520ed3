"""Tables are recognised by what they say, so a reordered and trimmed deck gives the same grids."""

import pypdfium2 as pdfium
import pytest

from pipelines.lib.tables.extract import extract_document, generic_passage_id

# Pages (1-based) in a new order, with 3, 11, 20 and 26 left out.
NEW_ORDER = [27, 12, 6, 1, 24, 10, 2, 4, 25, 7, 13, 21, 15, 19, 8]


@pytest.fixture(scope="module")
def reordered(tmp_path_factory, deck_path):
    src = pdfium.PdfDocument(str(deck_path))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [p - 1 for p in NEW_ORDER])
    path = tmp_path_factory.mktemp("reordered") / "reordered_deck.pdf"
    out.save(str(path))
    return extract_document(path)


def test_remaining_tables_are_recognised_with_identical_grids(reordered, deck_extraction):
    original = {t.table_id: t for t in deck_extraction.tables}
    got = {t.table_id: t for t in reordered.tables}
    assert sorted(got) == sorted(
        [
            "field_strategy_environment",
            "policy_tools_3",
            "foreign_policies",
            "field_strategy_manufacturing",
            "policy_tools_1",
            "overseas_clusters_2",
            "field_strategy_bio",
            "policy_shift",
        ]
    )
    for table_id, t in got.items():
        assert t.grid.rows() == original[table_id].grid.rows(), table_id
        assert t.annotations == original[table_id].annotations, table_id
        assert t.page == NEW_ORDER.index(original[table_id].page) + 1


def test_remaining_passages_are_recognised(reordered):
    families = {b.passage_id for b in reordered.blocks if b.passage_id != generic_passage_id(b.page)}
    assert families == {
        "regional_development",
        "activity_example_1",
        "activity_example_3",
        "target_ranges",
        "outcomes_network",
        "cluster_projects_map",
    }
