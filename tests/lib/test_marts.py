"""A mart's inputs are the tables its SQL reads, read from the file."""

from pipelines.lib.marts import MARTS, tables_read
from pipelines.lib.schema import MART_TABLES
from pipelines.lib.staging.registry import STAGING


def names(tables):
    return [t.qualified for t in tables]


def test_tables_read_takes_from_and_join_and_skips_ctes_and_comments():
    sql = """
    -- reads FROM staging.plan_periods only in this comment
    WITH totals AS (SELECT * FROM staging.budget_items)
    SELECT * FROM totals AS t
    LEFT JOIN staging.cluster_metrics AS m USING (document_id)
    join Raw.documents d on true
    """
    assert names(tables_read(sql)) == ["raw.documents", "staging.budget_items", "staging.cluster_metrics"]


def test_every_registry_mart_has_a_sql_file_and_reads_registry_tables():
    assert [m.name for m in MARTS] == [t.name for t in MART_TABLES]
    for mart in MARTS:
        assert mart.sql_path.exists(), mart.name
        assert mart.inputs, mart.name  # tables_read raises KeyError for a table the registry lacks


def test_known_inputs():
    by_name = {m.name: names(m.inputs) for m in MARTS}
    assert by_name["budget_yoy"] == ["staging.budget_items"]
    assert by_name["overseas_cluster_profiles"] == ["staging.cluster_metrics", "staging.overseas_clusters"]
    # edition_changes pairs the documents of raw.documents and compares every staging table compared between
    # editions (generated block); staging.quantities is addressed by position and left to the curated tables
    compared = sorted(f"staging.{st.name}" for st in STAGING if st.compared_between_editions)
    assert "staging.quantities" not in compared
    # and the values of every typed table of a table no family knows (tables.document_tables, in long form)
    assert by_name["edition_changes"] == ["raw.documents", *compared, "tables.document_tables"]
