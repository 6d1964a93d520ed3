"""New content is listed with its address: unclassified rows and unrecognised tables."""

from __future__ import annotations

import pandas as pd

from pipelines.lib.staging.cluster_metrics import build_cluster_metrics
from pipelines.lib.staging.metric_rules import MetricRule, context_words, first_rule, unique_metric
from pipelines.lib.staging.new_content import unclassified_rows, unrecognised_tables
from tests.lib.staging.helpers import with_cell_text


def test_unclassified_rows_name_file_page_table_and_cell(raw_layer):
    df = build_cluster_metrics(
        with_cell_text(raw_layer, "overseas_clusters_1", 1, 5, "バイオベンチャーなど約40社が入居。")
    )
    found = unclassified_rows(df, "metric")
    assert found == [
        {
            "where": "meti_cluster_seminar_2005.pdf, page 3, table overseas_clusters_1, cell r1c5",
            "metric": "unclassified_companies",
            "value": 40.0,
            "unit": "companies",
            "raw_text": "約40社",
            "scope": "バイオベンチャーなど … が入居",
        }
    ]
    assert unclassified_rows(build_cluster_metrics(raw_layer), "metric") == []


def test_unclassified_rows_of_text_blocks_and_annotations():
    df = pd.DataFrame(
        {
            "document_id": ["d", "d"],
            "metric": ["unclassified_cases", "companies"],
            "source_page": [14, 14],
            "source_table_id": ["activity_example_2", "activity_example_2"],
            "source_row": [3, 4],
            "source_col": [None, None],
        }
    )
    assert [f["where"] for f in unclassified_rows(df, "metric")] == [
        "d.pdf, page 14, table activity_example_2, block 3"
    ]


def test_unrecognised_tables_are_listed_with_their_header():
    tables = pd.DataFrame(
        [
            ("d", "policy_shift", "policy_shift", 7, "社会と地域経済政策の変化", 8, 4),
            ("d", "unrecognised_1a2b3c4d", "unrecognised", 29, "Quarterly report", 3, 2),
        ],
        columns=["document_id", "table_id", "family", "page", "title", "n_rows", "n_cols"],
    )
    cells = pd.DataFrame(
        [("d", "unrecognised_1a2b3c4d", 0, 1, "Sales"), ("d", "unrecognised_1a2b3c4d", 0, 0, "Region")],
        columns=["document_id", "table_id", "row_idx", "col_idx", "text"],
    )
    assert unrecognised_tables(tables, cells) == [
        {
            "where": "d.pdf, page 29, table unrecognised_1a2b3c4d",
            "title": "Quarterly report",
            "size": "3 x 2",
            "header": ["Region", "Sales"],
        }
    ]


def test_one_rule_mechanism_first_match_and_ordinals():
    rules = (MetricRule("ventures", ("companies",), before=r"ベンチャー$"), MetricRule("companies", ("companies",)))
    assert first_rule(rules, "companies", "バイオベンチャー", "").metric == "ventures"
    assert first_rule(rules, "companies", "企業", "").metric == "companies"
    assert first_rule(rules, "persons", "従業員", "") is None
    taken: set[str] = set()
    assert [unique_metric("unclassified_persons", taken) for _ in range(3)] == [
        "unclassified_persons",
        "unclassified_persons_2",
        "unclassified_persons_3",
    ]
    assert context_words("・高専", "と連携。") == "高専 … と連携"
    assert context_words("", "") == "…"
