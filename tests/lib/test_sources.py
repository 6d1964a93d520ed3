"""A warehouse row resolved to the spot in the PDF it was read from, on the real published warehouse.

Expected values are read from the deck (pdftotext -layout, and page renders): page 11 prints
地域新生コンソーシアム研究開発事業 with 137.2億円 under 17年度予算; page 13 the TAMA network line; page 6
ビオレギオ's budget 連邦教育研究省約120億円(5年間) in the row 中央政府の所管・予算.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pipelines.lib.schema import BY_NAME
from pipelines.lib.sources import (
    SourceQueryError,
    connect_read_only,
    crop_box,
    filter_query,
    find_sources,
    render_crops,
    source_pdf,
    sourced_tables,
)


@pytest.fixture
def con(published_site):
    con = connect_read_only(published_site.warehouse / "clusters.duckdb")
    yield con
    con.close()


def test_a_budget_cell_resolves_to_its_page_table_header_and_text(con):
    (match,) = find_sources(con, "staging.budget_items", "program like '地域新生%' and fiscal_year = 2005")
    s = match.source
    assert match.key == {"program": "地域新生コンソーシアム研究開発事業", "fiscal_year": 2005}
    assert (s.file_name, s.page, s.address.table_id, s.kind) == (
        "meti_cluster_seminar_2005.pdf",
        11,
        "policy_tools_2",
        "cell",
    )
    assert (s.column_header, s.row_label, s.text) == ("17年度予算", "地域新生コンソーシアム研究開発事業", "137.2億円")
    x0, top, x1, bottom = s.bbox
    # The 17年度予算 column is the second of four, left of (16年度予算); the cell sits below the header.
    assert 100 < x0 < x1 < 300 and 60 < top < bottom < 400


def test_the_previous_year_cell_is_the_next_column(con):
    (match,) = find_sources(con, "staging.budget_items", "program like '地域新生%' and fiscal_year = 2004")
    assert (match.source.column_header, match.source.text) == ("(16年度予算)", "(114.2億円)")


def test_a_transposed_table_names_the_policy_as_column_and_the_item_as_row(con):
    (match,) = find_sources(con, "staging.foreign_policies", "policy_name = 'ビオレギオ'")
    s = match.source
    assert (s.page, s.column_header, s.row_label) == (6, "ドイツ\nビオレギオ", "中央政府の所管・予算")
    assert s.text == "連邦教育研究省約120億円(5年間)"


def test_a_passage_figure_resolves_to_its_text_block(con):
    (match,) = find_sources(con, "staging.cluster_examples", "example like '%TAMA%' and metric = 'companies'")
    s = match.source
    assert (s.kind, s.page, s.column_header) == ("block", 13, None)
    assert "企業約280社" in s.text and "金融機関11機関" in s.text


def test_a_whole_row_record_spans_the_row(con):
    (match,) = find_sources(con, "staging.overseas_clusters", "region = 'オウル'")
    s = match.source
    assert (s.kind, s.page, s.row_label) == ("row", 4, "フィンランド")
    assert "オウル大学" in s.text and "人口約12.4万人" in s.text
    assert s.bbox[2] - s.bbox[0] > 600, "a row of the 7-column table spans the page"


def test_a_note_line_is_found_by_its_text_and_has_no_bbox(con):
    matches = find_sources(con, "staging.cluster_projects", "project_name = 'OKINAWA型産業振興プロジェクト'")
    (s,) = [m.source for m in matches]
    assert (s.kind, s.page, s.bbox) == ("annotation", 24, None)
    assert "OKINAWA型産業振興プロジェクト" in s.text and s.text.startswith("注")


@pytest.mark.parametrize(
    ("table", "where", "says"),
    [
        ("raw.table_cells", "true", "unknown table"),
        ("staging.nope", "true", "unknown table"),
        ("staging.budget_items", "fiscal_yr = 1", "does not work"),
        ("staging.budget_items", "fiscal_year = 1999", "no row"),
        ("staging.budget_items", "true; drop table staging.budget_items", "no ';'"),
        ("staging.budget_items", "true) union all select 1 --", "does not work"),
        ("staging.budget_items", "  ", "empty"),
        ("staging.budget_items", "exists (select * from read_csv('/etc/hostname'))", "does not work"),
    ],
)
def test_refused_queries_say_why_in_one_line(con, table, where, says):
    with pytest.raises(SourceQueryError) as e:
        find_sources(con, table, where)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_the_filter_stands_on_its_own_lines_inside_parentheses():
    sql = filter_query(BY_NAME["staging.budget_items"], "fiscal_year = 2005 -- a comment")
    assert "WHERE (\nfiscal_year = 2005 -- a comment\n)\nORDER BY" in sql
    assert sql.startswith('SELECT "document_id", "source_page"') and "FROM staging.budget_items" in sql


def test_every_staging_table_can_be_asked():
    staging = {n for n in BY_NAME if n.startswith("staging.")}
    assert staging <= set(sourced_tables())
    assert not any(n.startswith("raw.") for n in sourced_tables())


def test_a_crop_is_the_bbox_with_its_margin_at_the_crop_resolution(con, published_site):
    (match,) = find_sources(con, "staging.budget_items", "program like '地域新生%' and fiscal_year = 2005")
    pdf, reason = source_pdf(con, published_site.raw, match.address.document_id)
    assert pdf is not None, reason
    pngs = render_crops(pdf, [match.source], resolution=100)
    assert list(pngs) == [match.source.slug]
    image = Image.open(io.BytesIO(pngs[match.source.slug]))
    x0, top, x1, bottom = crop_box(match.source, (720.0, 540.0))
    assert abs(image.width - (x1 - x0) * 100 / 72) <= 2 and abs(image.height - (bottom - top) * 100 / 72) <= 2
    assert render_crops(pdf, [match.source], resolution=100) == pngs, "same PDF, same bytes"


def test_a_changed_pdf_gives_no_crop(con, published_site, tmp_path):
    (tmp_path / "meti_cluster_seminar_2005.pdf").write_bytes(b"%PDF-1.4 not the deck")
    pdf, reason = source_pdf(con, tmp_path, "meti_cluster_seminar_2005")
    assert pdf is None and "sha256 differs" in reason
    pdf, reason = source_pdf(con, tmp_path / "missing", "meti_cluster_seminar_2005")
    assert pdf is None and "not in the raw folder" in reason


def test_a_mart_row_resolves_to_the_cell_of_its_figure(con):
    (budget,) = find_sources(con, "marts.budget_yoy", "program like '地域新生%'")
    assert (budget.source.page, budget.source.column_header, budget.source.text) == (11, "17年度予算", "137.2億円")
    # A mart has no raw_text: the 注 line is found by the project's name.
    (project,) = find_sources(con, "marts.projects_by_field", "project_name = 'OKINAWA型産業振興プロジェクト'")
    assert project.source.kind == "annotation" and "OKINAWA型産業振興プロジェクト" in project.source.text
