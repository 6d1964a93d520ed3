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


def _profiles_data(rows, metrics=()):
    """overseas_cluster_profiles rows (region, people metric, people, companies, qualifiers) as a ReportData."""
    columns = [
        "cluster_id",
        "region",
        "population",
        "workforce",
        "employees",
        "companies",
        "population_qualifier",
        "workforce_qualifier",
        "employees_qualifier",
        "companies_qualifier",
        "any_approx",
    ]
    out = []
    for i, (region, metric, people, companies, people_q, companies_q) in enumerate(rows):
        values = {"population": None, "workforce": None, "employees": None}
        quals = {"population": None, "workforce": None, "employees": None}
        values[metric], quals[metric] = people, people_q
        out.append(
            (
                f"c{i}",
                region,
                *values.values(),
                companies,
                *quals.values(),
                companies_q,
                "exact" not in (people_q, companies_q) or people_q != companies_q,
            )
        )
    frame = pd.DataFrame(
        list(metrics), columns=["document_id", "cluster_id", "metric", "value", "qualifier", "raw_text"]
    )
    return ReportData(
        {"overseas_cluster_profiles": _mart("overseas_cluster_profiles", columns, out)}, frame, RunInfo("r", ())
    )


# The six clusters the scatter plots, as printed on その1/その2 (people figure, companies).
PLOTTED = [
    ("シリコンバレー", "population", 2300000.0, 5000.0, "approx", "approx"),  # 人口約230万人, 約5000社
    ("オースチン(テキサス州)", "workforce", 100000.0, 1750.0, "approx", "approx"),  # 約10万人, 約1750社
    ("ケンブリッジ", "workforce", 32000.0, 1250.0, "at_least", "exact"),  # 3.2万人強, 1250社
    ("オウル", "population", 124000.0, 500.0, "approx", "at_least"),  # 約12.4万人, 500以上
    ("ソフィア・アンティボリス", "employees", 22000.0, 1100.0, "exact", "approx"),  # 2.2万人, 約1100
    ("中関村(北京市西北部)", "employees", 360000.0, 10000.0, "at_least", "exact"),  # 36万人以上, 1万社
]


def test_the_mart_qualifier_of_each_figure_is_used_not_the_row_flag():
    points, _ = cluster_points(_profiles_data(PLOTTED))
    zgc = next(p for p in points if p.region.startswith("中関村"))
    assert (zgc.companies_qualifier, zgc.people_qualifier) == ("exact", "at_least")
    cambridge = next(p for p in points if p.region == "ケンブリッジ")
    assert cambridge.companies_qualifier == "exact"


def test_no_cluster_label_covers_another_marker_or_label():
    with report_style():
        fig = overseas_chart(_profiles_data(PLOTTED))
        fig.draw_without_rendering()
        [ax] = fig.axes
        renderer = fig.canvas.get_renderer()
        labels = [t for t in ax.texts if "\n" in t.get_text() and "企業 " in t.get_text()]
        assert len(labels) == len(PLOTTED)
        boxes = [t.get_window_extent(renderer) for t in labels]
        markers = [ax.transData.transform(c.get_offsets()[0]) for c in ax.collections]
    radius = 6 * fig.dpi / 72  # an s=80 marker is about 9 points across, plus its 2-point edge
    for label, box in zip(labels, boxes, strict=True):
        for x, y in markers:
            near_x = min(max(x, box.x0), box.x1)
            near_y = min(max(y, box.y0), box.y1)
            assert (near_x - x) ** 2 + (near_y - y) ** 2 > radius**2, (label.get_text(), (x, y))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)


def _timeline_data(fiscal_year):
    timeline = _mart(
        "policy_timeline",
        ["document_id", "start_year", "end_year", "kind", "country", "label"],
        [
            ("d", 1972, None, "law", "日本", "工業再配置促進法"),
            ("d", 1983, 1998, "law", "日本", "テクノポリス法"),
            ("d", 2011, 2020, "plan_period", "日本", "第Ⅲ期 産業クラスターの自律的發展期"),
        ],
    )
    marts = {"policy_timeline": timeline}
    if fiscal_year is not None:
        marts["budget_yoy"] = _mart("budget_yoy", ["fiscal_year"], [(fiscal_year,)])
    return ReportData(marts, pd.DataFrame(), RunInfo("r", ()))


@pytest.mark.parametrize(("fiscal_year", "through"), [(2005, 2005), (2010, 2010), (None, 2011)])
def test_open_ended_bars_stop_at_the_documents_year_with_an_arrow(fiscal_year, through):
    """The deck presents the 平成17年度 (2005) budget: 工業再配置促進法 (1972–, no end) is drawn to 2005, not 2023.
    Without a budget, the latest start on the chart (2011) stands in for the document's year."""
    from matplotlib.patches import Rectangle

    from pipelines.lib.report.charts import document_year, timeline_chart

    data = _timeline_data(fiscal_year)
    assert document_year(data) == fiscal_year
    with report_style():
        fig = timeline_chart(data)
        texts = figure_texts(fig)
    [ax] = fig.axes
    bars = {(r.get_x(), r.get_x() + r.get_width()) for r in ax.patches if isinstance(r, Rectangle)}
    assert (1972, through + 1) in bars  # through the document's year, inclusive
    assert (1983, 1999) in bars and (2011, 2021) in bars  # stated ends unchanged
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert [(a.xyann[0], a.xy[0] > a.xyann[0]) for a in arrows] == [(through + 1, True)]
    assert any(t.startswith("→ 終期の記載なし") and f"({through})" in t for t in texts)
