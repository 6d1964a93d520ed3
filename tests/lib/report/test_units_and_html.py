"""Units in headers and cell formatting of the report tables (pure)."""

import io
from decimal import Decimal

import pytest
from PIL import Image

from pipelines.lib.report.data import ColumnInfo, MartData, RunInfo, UncertainValues
from pipelines.lib.report.html import format_value, mart_table, page
from pipelines.lib.report.sources import HIDDEN_COLUMNS, ReportSources
from pipelines.lib.report.units import column_unit, is_numeric
from pipelines.lib.schema import BY_NAME
from pipelines.lib.sources import Address, Source


@pytest.mark.parametrize(
    ("name", "type_", "description", "unit"),
    [
        ("prev_oku_yen", "DECIMAL(18,4)", "Previous-year budget in 億円", "億円"),
        ("oku_yen", "DECIMAL(18,4)", "Current-year budget in 億円", "億円"),
        ("oku_yen_per_year", "DECIMAL(18,4)", "in 億円 per year", "億円/年"),
        ("amount_yen", "BIGINT", "Budget in yen", "円"),
        ("change_pct", "DOUBLE", "Change in percent", "%"),
        ("area_km2", "DOUBLE", "Area in km²", "km²"),
        ("fiscal_year", "INTEGER", "Current fiscal year", "年度"),
        ("start_year", "INTEGER", "Policy start", "年"),
        ("as_of_years", "INTEGER[]", "Reference years of the figures", "年"),
        ("budget_years", "INTEGER", "Years the budget covers", "年間"),
        ("population", "DOUBLE", "人口, persons", "人"),
        ("companies", "DOUBLE", "Companies (社)", "社"),
        ("municipalities", "DOUBLE", "Municipalities and other public bodies (団体)", "団体"),
        ("financial_institutions", "DOUBLE", "Financial institutions (金融機関)", "機関"),
        ("region", "VARCHAR", "地域", None),
        ("is_new", "BOOLEAN", "Program marked (新規)", None),
    ],
)
def test_column_unit(name, type_, description, unit):
    assert column_unit(name, type_, description) == unit


def test_every_numeric_mart_column_has_a_unit():
    marts = [t for t in BY_NAME.values() if t.schema == "marts"]
    assert len(marts) >= 6
    missing = [
        f"{t.name}.{c.name}"
        for t in marts
        for c in t.columns
        # The address columns (source_page, source_row, …) are positions, shown in words in a popover, not as columns.
        if is_numeric(c.type) and column_unit(c.name, c.type, c.description) is None and c.name not in HIDDEN_COLUMNS
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (float("nan"), "—"),
        (True, "true"),
        (Decimal("490.0000"), "490"),
        (Decimal("46.6667"), "46.6667"),
        (Decimal("1234.5000"), "1,234.5"),
        (2300000.0, "2,300,000"),
        (20.140105, "20.14"),
        (195.6, "195.6"),
        (2004, "2004"),
        ([1997, 2003], "1997, 2003"),
        ("(1)産学官のネットワーク形成", "(1)産学官のネットワーク形成"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


def _mart():
    cols = (
        ColumnInfo("program", "VARCHAR", "施策名", None),
        ColumnInfo("oku_yen", "DECIMAL(18,4)", "Budget in 億円", "億円"),
    )
    return MartData("budget_yoy", "Budget", cols, (("<script>alert(1)</script>", Decimal("1.3")), ("x", None)))


def test_mart_table_escapes_text_and_puts_units_in_headers():
    html = mart_table(_mart())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'data-col="oku_yen"' in html and "[億円]" in html
    assert '<td class="num">1.3</td>' in html and '<td class="null">—</td>' in html


def test_page_lists_uncharted_marts_and_cites_the_run():
    run = RunInfo("run-123", ({"document_id": "d", "file_name": "d.pdf", "sha256": "ab" * 32},))
    doc = page("t", "lead", [], [_mart()], run, font_css="")
    assert 'id="mart-budget_yoy"' in doc and 'href="#table-budget_yoy"' in doc
    assert '<code id="run-id">run-123</code>' in doc and "ab" * 32 in doc


def _uncertain() -> UncertainValues:
    """Two values the engines read differently in one cell of a scan, as has_no_uncertain_ocr_values lists them."""
    reason = "the two OCR engines read it differently"
    findings = tuple(
        {"document_id": "d", "page": 3, "table": "t_1", "row": 1, "col": 5, "cell": "row 1, column 5",
         "raw_text": text, "confidence": 0.3, "reason": reason}
        for text in ("約5000社", "<約1500社>")
    )  # fmt: skip
    address = Address("d", 3, "t_1", 1, 5)
    source = Source(address, "d.pdf", "cell", 3, "title", "主要企業", "米国", "約5000社\n(約1500社)", (1, 2, 30, 40))
    return UncertainValues(findings, source)


def test_a_page_without_uncertain_ocr_values_has_no_trace_of_them():
    run = RunInfo("run-123", ({"document_id": "d", "file_name": "d.pdf", "sha256": "ab" * 32},))
    doc = page("t", "lead", [], [_mart()], run, font_css="")
    assert doc == page("t", "lead", [], [_mart()], run, font_css="", uncertain_ocr=())
    assert "uncertain" not in doc and "OCR" not in doc  # no empty section, no CSS, no link


def test_uncertain_ocr_values_are_listed_with_their_cell_and_crop():
    run = RunInfo("run-123", ({"document_id": "d", "file_name": "d.pdf", "sha256": "ab" * 32},))
    values = _uncertain()
    png = io.BytesIO()
    Image.new("L", (60, 20), 255).save(png, format="PNG")
    sources = ReportSources({}, {values.source.slug: png.getvalue()})
    doc = page("t", "lead", [], [_mart()], run, font_css="", sources=sources, uncertain_ocr=[values])
    assert 'href="#uncertain-ocr"' in doc and "table.uncertain img.crop" in doc
    row = doc.split('<table class="mart uncertain" id="uncertain-ocr-values">')[1].split("</table>")[0]
    for text in ("d.pdf", "t_1", "row 1, column 5", "米国", "主要企業", "<li>約5000社</li>", "0.30", "differently"):
        assert text in row, text
    assert "&lt;約1500社&gt;" in row and "<約1500社>" not in row  # escaped
    assert 'class="crop"' in row and 'width="60" height="20"' in row
    without_pdf = page("t", "lead", [], [], run, font_css="", sources=ReportSources({}, {}), uncertain_ocr=[values])
    assert "no crop" in without_pdf.split('id="uncertain-ocr-values"')[1]
