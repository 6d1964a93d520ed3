"""Several documents in one warehouse: every chart draws one document, so editions never mix in a chart."""

import duckdb

from pipelines.lib.report.build import build_report
from pipelines.lib.report.charts import CHARTS, budget_chart
from pipelines.lib.report.data import read_report_data
from pipelines.lib.report.render import report_style
from pipelines.lib.warehouse.connections import WarehousePaths

DECK_ID = "meti_cluster_seminar_2005"
SECOND = "deck_v2"


def _add_second_document(published):
    """Copy every row that has a document_id under a second id (its budget doubled, so the two differ)."""
    con = duckdb.connect(str(published))
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.columns "
            "where column_name = 'document_id' and table_schema in ('marts', 'staging')"
        ).fetchall()
        for schema, name in tables:
            con.execute(
                f'insert into "{schema}"."{name}" select * replace (? as document_id) from "{schema}"."{name}"',
                [SECOND],
            )
        con.execute("update marts.budget_yoy set oku_yen = oku_yen * 2 where document_id = ?", [SECOND])
    finally:
        con.close()


def test_each_chart_draws_one_document(site):
    published = site.warehouse / "clusters.duckdb"
    _add_second_document(published)
    data = read_report_data(published)
    assert data.document_ids() == [SECOND, DECK_ID]

    con = duckdb.connect(str(published), read_only=True)
    programs = con.execute(
        "select count(*) from marts.budget_yoy where document_id = ? and not is_total", [DECK_ID]
    ).fetchall()[0][0]
    con.close()
    with report_style():
        one, other = budget_chart(data.for_document(DECK_ID)), budget_chart(data.for_document(SECOND))
    assert len(one.axes[0].get_yticklabels()) == programs  # the deck's programs once, not once per document
    assert max(p.get_width() for p in other.axes[0].patches) > max(p.get_width() for p in one.axes[0].patches)


def test_the_report_has_every_chart_once_per_document(site):
    _add_second_document(site.warehouse / "clusters.duckdb")
    result = build_report(WarehousePaths(site.warehouse))
    assert set(result.charts_png) == {f"{c.id}-{d}" for c in CHARTS for d in (SECOND, DECK_ID)}
    page = result.path.read_text(encoding="utf-8")
    assert f'id="chart-budget-{SECOND}"' in page and f"[{DECK_ID}]" in page


def test_one_document_keeps_plain_chart_ids(site):
    result = build_report(WarehousePaths(site.warehouse))
    assert set(result.charts_png) == {c.id for c in CHARTS}
