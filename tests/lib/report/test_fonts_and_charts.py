"""The report font and charts: Japanese glyph coverage, marks for new and approximate values, determinism."""

import io
from decimal import Decimal

import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from matplotlib.figure import Figure

from pipelines.lib.report.charts import CHARTS, budget_chart, cluster_points, overseas_chart
from pipelines.lib.report.data import ColumnInfo, MartData, ReportData, RunInfo
from pipelines.lib.report.fonts import font_path, missing_glyphs, register_font, subset_woff
from pipelines.lib.report.render import check_glyphs, figure_texts, report_style, to_png, to_svg


def test_font_is_the_ipaexgothic_file_shipped_by_matplotlib_fontja():
    assert font_path().name == "ipaexg.ttf" and "matplotlib_fontja" in str(font_path())
    assert register_font() == "IPAexGothic"
    assert missing_glyphs(["工業再配置促進法 第Ⅲ期 億円 km² 約230万人 【新規】 —"]) == []
    assert missing_glyphs(["x ≥ 1"]) == ["≥"]


def test_font_subset_is_deterministic_and_covers_what_was_asked():
    a, b = subset_woff("頭脳立地法"), subset_woff("頭脳立地法")
    assert a == b
    cmap = TTFont(io.BytesIO(a)).getBestCmap()
    assert all(ord(c) in cmap for c in "頭脳立地法AZ09")
    assert ord("億") not in cmap


def _mart(name, columns, rows):
    return MartData(name, name, tuple(ColumnInfo(c, "VARCHAR", c, None) for c in columns), tuple(rows))


def _data():
    budget = _mart(
        "budget_yoy",
        [
            "section",
            "program",
            "prev_fiscal_year",
            "fiscal_year",
            "prev_oku_yen",
            "oku_yen",
            "change_oku_yen",
            "change_pct",
            "is_new",
            "is_total",
        ],
        [
            ("(1)a", "既存事業", 2004, 2005, Decimal("10.0"), Decimal("12.5"), Decimal("2.5"), 25.0, False, False),
            ("(1)a", "新しい事業", 2004, 2005, None, Decimal("3.0"), None, None, True, False),
            (None, "合計施策", 2004, 2005, Decimal("100"), Decimal("120"), Decimal("20"), 20.0, False, True),
        ],
    )
    profiles = _mart(
        "overseas_cluster_profiles",
        ["cluster_id", "region", "population", "workforce", "employees", "companies", "any_approx"],
        [
            ("c1", "甲市", 2300000.0, None, None, 5000.0, True),
            ("c2", "乙市", None, 32000.0, None, 1250.0, True),
            ("c3", "丙市", 700000.0, None, None, None, True),
        ],
    )
    metrics = pd.DataFrame(
        [
            ("d", "c1", "population", 2300000.0, "approx", "約230万人"),
            ("d", "c1", "companies", 5000.0, "exact", "5000社"),
            ("d", "c2", "workforce", 32000.0, "at_least", "3.2万人強"),
            ("d", "c2", "companies", 1250.0, "exact", "1250社"),
        ],
        columns=["document_id", "cluster_id", "metric", "value", "qualifier", "raw_text"],
    )
    return ReportData({"budget_yoy": budget, "overseas_cluster_profiles": profiles}, metrics, RunInfo("r", ()))


def test_budget_chart_marks_new_programs_and_shows_the_total_apart():
    with report_style():
        fig = budget_chart(_data())
        texts = figure_texts(fig)
    left, right = fig.axes
    assert "新しい事業  【新規】" in [t.get_text() for t in left.get_yticklabels()]
    assert "合計施策" not in " ".join(t.get_text() for t in left.get_yticklabels())
    assert {"100", "120"} <= set(texts) and "+20.0億円\n(+20.0%)" in texts
    assert "2004年度: なし (新規)" in texts
    assert "[億円]" in right.get_ylabel() and "億円" in left.get_xlabel()


def test_overseas_points_carry_the_printed_qualifiers():
    points, skipped = cluster_points(_data())
    assert skipped == ["丙市"]
    by_region = {p.region: p for p in points}
    assert by_region["甲市"].people_text == "約230万人" and by_region["甲市"].approximate
    assert by_region["乙市"].people_metric == "workforce" and by_region["乙市"].people_qualifier == "at_least"
    with report_style():
        fig = overseas_chart(_data())
    labels = " ".join(figure_texts(fig))
    assert "約230万人" in labels and "3.2万人強" in labels and "丙市" in labels
    faces = [tuple(c.get_facecolors()[0]) for c in fig.axes[0].collections]
    assert faces == [(1.0, 1.0, 1.0, 1.0)] * 2  # both points hollow: each has an approximate value


def test_a_string_the_font_cannot_draw_is_refused():
    with report_style():
        fig = Figure()
        fig.text(0.5, 0.5, "100社 ≥ 50社")
        with pytest.raises(ValueError, match="≥"):
            check_glyphs(fig, "demo")


def test_chart_images_are_byte_identical_for_equal_input():
    with report_style():
        a, b = budget_chart(_data()), budget_chart(_data())
    svg_a, svg_b = to_svg(a), to_svg(b)
    assert svg_a == svg_b and b"<dc:date>" not in svg_a
    assert to_png(a) == to_png(b)


def test_every_chart_names_an_existing_mart():
    from pipelines.lib.marts import MARTS

    assert {c.mart for c in CHARTS} <= {m.name for m in MARTS}
    assert len({c.id for c in CHARTS}) == len(CHARTS) == 5
