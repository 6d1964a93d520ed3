"""The report's source popovers: markup, escaping, one popover and crop per source, and the real report's figures.

Expected places are read from the deck: p.11 prints 137.2億円 under 17年度予算 for 地域新生コンソーシアム研究開発事業
(policy_tools_2), p.6 ビオレギオ's budget 連邦教育研究省約120億円(5年間).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import re

import duckdb
import pytest
from PIL import Image

from pipelines.lib.report.sources import (
    CROP_RESOLUTION,
    SOURCED_COLUMNS,
    ReportSources,
    row_address,
    source_popover,
)
from pipelines.lib.schema import BY_NAME
from pipelines.lib.sources import GRID_ORIGINS, Address, Source

ADDRESS = Address("deck", 11, "policy_tools_2", 1, 1)
CELL = Source(ADDRESS, "deck.pdf", "cell", 11, "(2)<b>", "17年度予算", "地域新生", "<script>x</script>", (1, 2, 3, 4))
COLUMNS = ("document_id", "program", "oku_yen", "source_page", "source_table_id", "source_row", "source_col")
ROW = ("deck", "地域新生", 137.2, 11, "policy_tools_2", 1, 1)


def test_a_popover_escapes_the_pdf_text_and_embeds_its_crop():
    png = io.BytesIO()
    Image.new("L", (30, 12), 255).save(png, format="PNG")
    doc = source_popover(CELL, png.getvalue())
    assert doc.startswith(f'<div class="source" id="src-{CELL.slug}" popover>')
    assert "<script>" not in doc and "&lt;script&gt;x&lt;/script&gt;" in doc and "(2)&lt;b&gt;" in doc
    assert "<dt>column</dt><dd>17年度予算</dd><dt>row</dt><dd>地域新生</dd>" in doc
    assert 'width="30" height="12" src="data:image/png;base64,' in doc


@pytest.mark.parametrize("origin", ["rules", "partial_rules", "text_alignment"])
def test_a_popover_says_how_the_tables_grid_was_read(origin):
    doc = source_popover(dataclasses.replace(CELL, grid_origin=origin), None)
    assert f"<dt>grid</dt><dd>{GRID_ORIGINS[origin]}</dd>" in doc
    assert "<dt>grid</dt>" not in source_popover(CELL, None)  # a source the raw layer gives no origin for


def test_a_source_without_a_bbox_says_why_there_is_no_crop():
    note = Source(Address("deck", 24, "t", None, None), "deck.pdf", "annotation", 24, None, None, None, "注: …", None)
    doc = source_popover(note, None)
    assert "<img" not in doc and "no bbox" in doc


def test_only_sourced_columns_become_buttons_and_each_source_gets_one_popover():
    sources = ReportSources({ADDRESS: CELL}, {})
    assert sources.for_cell("budget_yoy", "program", COLUMNS, ROW) is None
    assert sources.for_cell("policy_timeline", "oku_yen", COLUMNS, ROW) is None
    found = sources.for_cell("budget_yoy", "oku_yen", COLUMNS, ROW)
    assert found is CELL
    first, second = sources.button(found, "137.2"), sources.button(found, "137.2")
    assert first == second and f'popovertarget="src-{CELL.slug}"' in first and first.endswith(">137.2</button>")
    assert sources.popovers().count("popover>") == 1


def test_a_row_without_an_address_has_no_source():
    assert row_address(COLUMNS, ("deck", "x", 1.0, None, None, None, None)) is None
    assert row_address(("document_id", "oku_yen"), ("deck", 1.0)) is None
    assert row_address(COLUMNS, ROW) == ADDRESS


def test_sourced_columns_exist_in_marts_that_carry_an_address():
    for mart, columns in SOURCED_COLUMNS.items():
        spec = BY_NAME[f"marts.{mart}"]
        assert set(columns) <= set(spec.column_names) and "source_table_id" in spec.column_names, mart


POPOVER = re.compile(r'<div class="source" id="(src-[^"]+)" popover>(.*?)</div>', re.S)


@pytest.fixture(scope="module")
def report(published_site):
    return (published_site.warehouse / "report" / "index.html").read_text(encoding="utf-8")


def test_the_budget_figure_opens_page_11_cell_with_its_crop(report, published_site):
    popovers = dict(POPOVER.findall(report))
    [(pid, body)] = [(k, v) for k, v in popovers.items() if "<dd>137.2億円</dd>" in v]
    assert "<dt>page</dt><dd>11</dd>" in body and "policy_tools_2" in body
    assert "<dt>column</dt><dd>17年度予算</dd>" in body and "<dd>地域新生コンソーシアム研究開発事業</dd>" in body
    assert re.search(rf'<button type="button" class="src" popovertarget="{pid}"[^>]*>137\.2</button>', report)
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', body).group(1))
    image = Image.open(io.BytesIO(png))
    con = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    [(x0, top, x1, bottom)] = con.execute(
        "select x0, top, x1, bottom from raw.table_cells where table_id = 'policy_tools_2' and text = '137.2億円'"
    ).fetchall()
    con.close()
    scale = CROP_RESOLUTION / 72
    assert abs(image.width - (x1 - x0 + 8) * scale) <= 2 and abs(image.height - (bottom - top + 8) * scale) <= 2


def test_every_button_has_its_popover_and_every_sourced_mart_has_buttons(report):
    targets = set(re.findall(r'popovertarget="([^"]+)"', report))
    popovers = dict(POPOVER.findall(report))
    assert targets == set(popovers)
    for mart in SOURCED_COLUMNS:
        if mart == "edition_changes":  # one edition in this warehouse: nothing changed, no rows, no table
            assert f'id="mart-{mart}"' not in report and f"marts.{mart}" in report.split('id="empty-marts">')[1]
            continue
        table = re.search(rf'<table class="mart" id="mart-{mart}".*?</table>', report, re.S).group(0)
        assert 'class="src"' in table, mart
    assert (
        "<dt>row</dt><dd>中央政府の所管・予算</dd>"
        in popovers["src-meti_cluster_seminar_2005_p6_foreign_policies_r2c3"]
    )
    crops = sum("data:image/png;base64," in body for body in popovers.values())
    notes = sum("no bbox" in body for body in popovers.values())
    assert notes == 4 and crops == len(popovers) - notes, "one crop per source with a bbox (the 注 lines have none)"
