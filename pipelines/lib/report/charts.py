"""The report's five charts, each a pure function from mart rows to a matplotlib Figure.

No pyplot: figures are plain `Figure` objects (no global state, safe in any thread). Build them inside
`render.report_style()` so the report font and style apply.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from pipelines.lib.report.data import ReportData
from pipelines.lib.report.render import PALETTE

WIDTH_IN = 11.0
APPROX_QUALIFIERS = {"approx", "at_least", "at_most", "range"}
QUALIFIER_MARK = {"approx": "約", "at_least": "以上", "at_most": "以内", "range": "範囲"}

KIND_LABELS = {"plan_period": "計画期間 (plan period)", "law": "日本の法律 (law)", "foreign_policy": "海外の政策"}
KIND_ORDER = ("plan_period", "law", "foreign_policy")
KIND_COLORS = {"plan_period": PALETTE[2], "law": PALETTE[3], "foreign_policy": PALETTE[4]}

NETWORK_MEMBERS = {
    "companies": "企業",
    "universities_research": "大学・研究機関",
    "municipalities": "自治体・団体",
    "financial_institutions": "金融機関",
}

PEOPLE_METRICS = {"population": ("人口", "o"), "workforce": ("就業人口", "s"), "employees": ("従業員", "^")}


def _num(v: object) -> float | None:
    """A mart value as float, None for NULL/NaN."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return float(v)  # type: ignore[arg-type]


def _fmt(v: float) -> str:
    """A number as the deck prints it: no trailing .0, thousands separated."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _fy(year: int) -> str:
    return f"{year}年度 (平成{year - 1988}年度)"


def budget_chart(data: ReportData) -> Figure:
    """Budget per program, previous vs current fiscal year in 億円; new programs marked; the total apart."""
    df = data.marts["budget_yoy"].frame()
    programs = df[~df["is_total"].astype(bool)].copy()
    programs["_now"] = programs["oku_yen"].map(_num)
    programs = programs.sort_values(["section", "_now"], ascending=[True, True], na_position="first")
    totals = df[df["is_total"].astype(bool)]
    prev_fy, fy = int(df["prev_fiscal_year"].iloc[0]), int(df["fiscal_year"].iloc[0])

    fig = Figure(figsize=(WIDTH_IN, 0.62 * len(programs) + 1.8), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[4, 1])
    height = 0.38
    ys = list(range(len(programs)))
    labels = []
    xmax = max((_num(v) or 0.0) for v in [*programs["oku_yen"], *programs["prev_oku_yen"]]) or 1.0
    for y, (_, row) in zip(ys, programs.iterrows(), strict=True):
        prev, now, new = _num(row["prev_oku_yen"]), _num(row["oku_yen"]), bool(row["is_new"])
        labels.append(f"{row['program']}" + ("  【新規】" if new else ""))
        if prev is not None:
            left.barh(y + height / 2, prev, height, color=PALETTE[0])
            left.text(prev + xmax * 0.01, y + height / 2, _fmt(prev), va="center", fontsize=8)
        else:
            left.text(xmax * 0.01, y + height / 2, f"{prev_fy}年度: なし (新規)", va="center", fontsize=8, color="#555")
        if now is not None:
            left.barh(y - height / 2, now, height, color=PALETTE[1], hatch="//" if new else None, edgecolor="white")
            left.text(now + xmax * 0.01, y - height / 2, _fmt(now), va="center", fontsize=8)
    left.set_yticks(ys, labels)
    for tick, (_, row) in zip(left.get_yticklabels(), programs.iterrows(), strict=True):
        if bool(row["is_new"]):
            tick.set_color(PALETTE[3])
    left.set_xlim(0, xmax * 1.12)
    left.set_xlabel("予算額 [億円]")
    left.set_title("施策別予算: 前年度と当年度 [億円]")
    left.legend(
        handles=[
            Patch(color=PALETTE[0], label=_fy(prev_fy)),
            Patch(color=PALETTE[1], label=_fy(fy)),
            Patch(facecolor=PALETTE[1], hatch="//", edgecolor="white", label="新規施策 (new program)"),
        ],
        loc="lower right",
        fontsize=8,
    )
    for i, (_, row) in enumerate(totals.iterrows()):
        prev, now = _num(row["prev_oku_yen"]), _num(row["oku_yen"])
        xs = [i * 3, i * 3 + 1]
        vals = [prev or 0.0, now or 0.0]
        right.bar(xs, vals, color=[PALETTE[0], PALETTE[1]], width=0.8)
        for x, v in zip(xs, vals, strict=True):
            right.text(x, v, _fmt(v), ha="center", va="bottom", fontsize=9)
        change, pct = _num(row["change_oku_yen"]), _num(row["change_pct"])
        if change is not None and pct is not None:
            top = max(vals) * 1.12
            right.text(i * 3 + 0.5, top, f"{change:+,.1f}億円\n({pct:+.1f}%)", ha="center", va="bottom", fontsize=9)
        right.set_ylim(0, max(vals) * 1.45)
    right.set_xticks(
        [x for i in range(len(totals)) for x in (i * 3, i * 3 + 1)],
        [f"{y}年度" for _ in range(len(totals)) for y in (prev_fy, fy)],
    )
    right.set_ylabel("[億円]")
    right.set_title("合計 (total)")
    if len(totals):
        right.set_xlabel("\n".join(line for p in totals["program"] for line in textwrap.wrap(str(p), 8)), fontsize=8)
    return fig


def document_year(data: ReportData) -> int | None:
    """The year a document speaks from: the latest fiscal year whose budget it presents (平成17年度 → 2005)."""
    budget = data.marts.get("budget_yoy")
    if budget is None or not any(c.name == "fiscal_year" for c in budget.columns):
        return None
    years = [int(v) for v in budget.frame()["fiscal_year"] if _num(v) is not None]
    return max(years, default=None)


OPEN_ARROW_YEARS = 2.5


def timeline_chart(data: ReportData) -> Figure:
    """Japanese laws, foreign cluster policies and the plan periods Ⅰ–Ⅲ as a Gantt chart of years.

    A period with no end year runs to the document's own year (its budget's fiscal year; else the latest start
    on the chart) and ends in an arrow: in force when the deck was written, with no end stated.
    """
    df = data.marts["policy_timeline"].frame()
    df = df[df["kind"].isin(KIND_ORDER)].copy()
    df["_order"] = df["kind"].map(KIND_ORDER.index)
    df = df.sort_values(["_order", "start_year", "label"], ascending=[True, False, False])
    starts = [int(v) for v in df["start_year"]]
    ends = [int(v) for v in df["end_year"] if _num(v) is not None]
    year = document_year(data)
    as_of, as_of_source = (year, "予算の年度") if year is not None else (max(starts), "最新の開始年")
    lo, hi = min(starts) - 2, max([*ends, *starts, as_of + int(OPEN_ARROW_YEARS)]) + 3
    fig = Figure(figsize=(WIDTH_IN, 0.34 * len(df) + 1.6), layout="constrained")
    ax = fig.subplots()
    labels = []
    for y, (_, row) in enumerate(df.iterrows()):
        color = KIND_COLORS[row["kind"]]
        start, end = int(row["start_year"]), _num(row["end_year"])
        if end is None:
            stop = max(as_of, start) + 1  # through the document's year
            ax.barh(y, stop - start, left=start, height=0.6, color=color, alpha=0.35, hatch="...", edgecolor=color)
            ax.annotate(
                "",
                xy=(stop + OPEN_ARROW_YEARS, y),
                xytext=(stop, y),
                arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.5, "shrinkA": 0, "shrinkB": 0},
            )
            ax.text(stop + OPEN_ARROW_YEARS + 0.5, y, f"{start}– (終期の記載なし)", va="center", fontsize=7.5)
        else:
            ax.barh(y, end - start + 1, left=start, height=0.6, color=color)
            span = f"{start}–{int(end)}" if end != start else f"{start}"
            ax.text(end + 1.3, y, span, va="center", fontsize=7.5)
        country = "" if row["country"] == "日本" else f"{row['country']}: "
        labels.append(country + str(row["label"]))
    ax.axvline(as_of + 1, color="#888", linestyle="--", linewidth=0.8)
    ax.set_yticks(range(len(df)), labels, fontsize=8.5)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("年 (西暦)")
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title("地域政策の年表: 法律・海外のクラスター政策・計画期間")
    handles: list[Artist] = [
        Patch(color=KIND_COLORS[k], label=KIND_LABELS[k]) for k in KIND_ORDER if (df["kind"] == k).any()
    ]
    handles.append(
        Patch(
            facecolor="#bbb",
            alpha=0.35,
            hatch="...",
            edgecolor="#888",
            label=f"→ 終期の記載なし: 資料の年 ({as_of}) まで描画、以後は不明 (open end)",
        )
    )
    handles.append(
        Line2D([], [], color="#888", linestyle="--", linewidth=0.8, label=f"資料の年 {as_of} ({as_of_source})")
    )
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    return fig


@dataclass(frozen=True)
class ClusterPoint:
    """One cluster on the scatter: people (by which metric) against companies, with how each was printed."""

    region: str
    people_metric: str
    people: float
    people_text: str
    people_qualifier: str
    companies: float
    companies_text: str
    companies_qualifier: str

    @property
    def approximate(self) -> bool:
        return self.people_qualifier in APPROX_QUALIFIERS or self.companies_qualifier in APPROX_QUALIFIERS


def _printed(
    metrics: pd.DataFrame, cluster_id: str, metric: str, value: float, qualifier: str | None, any_approx: bool
) -> tuple[str, str]:
    """(raw text, qualifier) of a mart figure: the text of the staging metric it came from, and the qualifier
    the mart gives that figure (else the staging metric's, else the row-wide any_approx)."""
    rows = metrics[(metrics["cluster_id"] == cluster_id) & (metrics["metric"] == metric)]
    rows = rows[rows["value"].astype(float) == value]
    if len(rows):
        return str(rows["raw_text"].iloc[0]), qualifier or str(rows["qualifier"].iloc[0])
    return _fmt(value), qualifier or ("approx" if any_approx else "exact")


def _qualifier(row: pd.Series, metric: str) -> str | None:
    """A figure's own qualifier (`<metric>_qualifier` of the mart), None where the mart has none."""
    own = row.get(f"{metric}_qualifier")
    return own if isinstance(own, str) and own else None


def cluster_points(data: ReportData) -> tuple[list[ClusterPoint], list[str]]:
    """Clusters with a company count and a people figure (population, else workforce, else employees),
    and the regions left out for lack of either."""
    df = data.marts["overseas_cluster_profiles"].frame()
    points, skipped = [], []
    for _, row in df.iterrows():
        companies = _num(row["companies"])
        metric = next((m for m in PEOPLE_METRICS if m in row and _num(row[m]) is not None), None)
        if companies is None or metric is None:
            skipped.append(str(row["region"]))
            continue
        people = _num(row[metric])
        assert people is not None
        approx = bool(row.get("any_approx", False))
        p_text, p_qual = _printed(
            data.cluster_metrics, row["cluster_id"], metric, people, _qualifier(row, metric), approx
        )
        c_text, c_qual = _printed(
            data.cluster_metrics, row["cluster_id"], "companies", companies, _qualifier(row, "companies"), approx
        )
        points.append(ClusterPoint(str(row["region"]), metric, people, p_text, p_qual, companies, c_text, c_qual))
    return sorted(points, key=lambda p: p.people), skipped


# Where a point's label may go, in points from the marker: (dx, dy, ha, va), tried in this order.
LABEL_SLOTS: tuple[tuple[float, float, str, str], ...] = (
    (10, 12, "left", "bottom"),
    (10, -12, "left", "top"),
    (-10, 12, "right", "bottom"),
    (-10, -12, "right", "top"),
    (14, 0, "left", "center"),
    (-14, 0, "right", "center"),
    (10, 34, "left", "bottom"),
    (10, -34, "left", "top"),
    (-10, 34, "right", "bottom"),
    (-10, -34, "right", "top"),
)
MARKER_RADIUS_PT = 7.0


def _overlap(a: Bbox, b: Bbox) -> float:
    """Area two display boxes share (0 when apart)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(ax: Axes, anchors: list[tuple[float, float]], texts: list[str], **text_kw: object) -> list[Text]:
    """Label each anchor (data coordinates) in the first slot around it that collides with no marker, no label
    already placed, no other text of the axes (legend, notes) and stays inside the axes; where every slot
    collides, in the slot that overlaps least. The labels take no part in layout, so measuring them holds."""
    fig = ax.figure
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    fig.draw_without_rendering()  # settle the layout: display coordinates are final from here
    renderer = canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    radius = MARKER_RADIUS_PT * fig.dpi / 72
    markers = [ax.transData.transform(xy) for xy in anchors]
    obstacles = [Bbox.from_extents(x - radius, y - radius, x + radius, y + radius) for x, y in markers]
    obstacles += [t.get_window_extent(renderer) for t in ax.texts if t.get_visible() and t.get_text()]
    legend = ax.get_legend()
    if legend is not None:
        obstacles.append(legend.get_window_extent(renderer))
    placed: list[Text] = []
    for i, (xy, text) in enumerate(zip(anchors, texts, strict=True)):
        own = obstacles[i]
        best: tuple[float, Text] | None = None
        for dx, dy, ha, va in LABEL_SLOTS:
            label = ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **text_kw)
            label.set_in_layout(False)
            box = label.get_window_extent(renderer)
            outside = box.width * box.height - _overlap(box, frame)
            cost = outside + sum(_overlap(box, o) for o in obstacles if o is not own)
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, label)
            else:
                label.remove()
            if cost == 0:
                break
        assert best is not None
        placed.append(best[1])
        obstacles.append(best[1].get_window_extent(renderer))
    return placed


def overseas_chart(data: ReportData) -> Figure:
    """Overseas clusters: population (or workforce, or employees) against companies, log scales, labelled;
    hollow markers and the printed 約/以上 text mark approximate values. Labels are placed where they cover
    no other marker or label."""
    points, skipped = cluster_points(data)
    fig = Figure(figsize=(WIDTH_IN, 6.2), layout="constrained")
    ax = fig.subplots()
    for p in points:
        _, marker = PEOPLE_METRICS[p.people_metric]
        face = "white" if p.approximate else PALETTE[0]
        ax.scatter([p.people], [p.companies], s=80, marker=marker, facecolors=face, edgecolors=PALETTE[0], linewidths=2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    if points:
        xs, ys = [p.people for p in points], [p.companies for p in points]
        ax.set_xlim(min(xs) / 2, max(xs) * 6)
        ax.set_ylim(min(ys) / 2, max(ys) * 3)
    ax.set_xlabel("人口・就業人口・従業員 [人] (対数目盛)")
    ax.set_ylabel("企業数 [社] (対数目盛)")
    ax.set_title("海外の代表的なクラスター: 人口 (または就業人口) と企業数")
    ax.grid(which="major", color="#ddd", linewidth=0.6)
    handles = [
        Line2D([], [], marker=m, linestyle="", color=PALETTE[0], label=f"{name} ({metric})")
        for metric, (name, m) in PEOPLE_METRICS.items()
        if any(p.people_metric == metric for p in points)
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=PALETTE[0],
            markeredgecolor=PALETTE[0],
            label="印刷値どおり (exact)",
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=PALETTE[0],
            label="概数・下限 (約・以上・強)",
        ),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize=8)
    if skipped:
        note = "企業数または人口の記載がなく図示しない:\n" + "\n".join(skipped)
        ax.text(0.99, 0.02, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#555")
    place_labels(
        ax,
        [(p.people, p.companies) for p in points],
        [f"{p.region}\n{PEOPLE_METRICS[p.people_metric][0]} {p.people_text} / 企業 {p.companies_text}" for p in points],
        fontsize=8.5,
    )
    return fig


def foreign_budget_chart(data: ReportData) -> Figure:
    """Foreign cluster policy budgets in 億円 per year; a policy without a stated period shows its total only."""
    df = data.marts["foreign_policy_budgets"].frame()
    df["_per_year"] = df["oku_yen_per_year"].map(_num)
    df = df.sort_values(["_per_year", "policy_name"], ascending=[True, True], na_position="first")
    fig = Figure(figsize=(WIDTH_IN, 0.6 * len(df) + 1.6), layout="constrained")
    ax = fig.subplots()
    top = max([v for v in map(_num, df["_per_year"]) if v is not None], default=1.0)
    labels = []
    for y, (_, row) in enumerate(df.iterrows()):
        per_year, total = _num(row["_per_year"]), _num(row["budget_oku_yen"])
        mark = QUALIFIER_MARK.get(str(row.get("budget_qualifier")), "")
        approx = mark != ""
        labels.append(f"{row['country']}: {row['policy_name']}")
        if per_year is not None:
            ax.barh(
                y,
                per_year,
                height=0.6,
                color="white" if approx else PALETTE[0],
                edgecolor=PALETTE[0],
                hatch="//" if approx else None,
                linewidth=1.5,
            )
            years = int(row["budget_years"])
            ax.text(
                per_year + top * 0.01,
                y,
                f"{mark}{_fmt(per_year)}億円/年 (総額{mark}{_fmt(total or 0)}億円 ÷ {years}年)",
                va="center",
                fontsize=8.5,
            )
        else:
            text = f"期間の記載なし: 総額 {mark}{_fmt(total)}億円" if total is not None else "予算の記載なし"
            ax.text(top * 0.01, y, text, va="center", fontsize=8.5, color="#555")
    ax.set_yticks(range(len(df)), labels)
    ax.set_xlim(0, top * 1.6)
    ax.set_xlabel("年あたり予算 [億円/年]")
    ax.set_title("海外のクラスター政策: 年あたり予算 [億円/年]")
    ax.legend(
        handles=[
            Patch(color=PALETTE[0], label="記載どおり (exact)"),
            Patch(facecolor="white", edgecolor=PALETTE[0], hatch="//", label="概数 (約・程度)"),
        ],
        loc="center right",
        fontsize=8,
    )
    return fig


def networks_chart(data: ReportData) -> Figure:
    """Members of the three 活動事例 networks as stacked bars by member type."""
    df = data.marts["cluster_networks"].frame().sort_values("example")
    members = [c for c in NETWORK_MEMBERS if c in df.columns]
    fig = Figure(figsize=(WIDTH_IN, 0.8 * len(df) + 1.8), layout="constrained")
    ax = fig.subplots()
    totals = [0.0] * len(df)
    for i, col in enumerate(members):
        vals = [_num(v) or 0.0 for v in df[col]]
        ax.barh(range(len(df)), vals, left=totals, height=0.6, color=PALETTE[i], label=NETWORK_MEMBERS[col])
        for y, (left, v) in enumerate(zip(totals, vals, strict=True)):
            if v >= 15:
                ax.text(left + v / 2, y, _fmt(v), ha="center", va="center", fontsize=8, color="white")
        totals = [t + v for t, v in zip(totals, vals, strict=True)]
    for y, total in enumerate(totals):
        ax.text(total + max(totals) * 0.01, y, f"計 {_fmt(total)}", va="center", fontsize=9)
    ax.set_yticks(range(len(df)), list(df["example"]))
    ax.set_xlim(0, max(totals, default=1.0) * 1.12)
    ax.set_xlabel("参加機関数 [社・機関・団体]")
    ax.set_title("活動事例のネットワーク: 参加者の内訳")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8.5, ncols=len(members))
    return fig


@dataclass(frozen=True)
class Chart:
    """A chart of the report: its id, title, the mart it draws, and the function that draws it."""

    id: str
    title: str
    mart: str
    draw: Callable[[ReportData], Figure]


CHARTS: tuple[Chart, ...] = (
    Chart("budget", "予算: 施策別の前年度比 (億円)", "budget_yoy", budget_chart),
    Chart("timeline", "年表: 法律・海外の政策・計画期間", "policy_timeline", timeline_chart),
    Chart("overseas", "海外のクラスター: 人口と企業数", "overseas_cluster_profiles", overseas_chart),
    Chart(
        "foreign_budgets",
        "海外のクラスター政策: 年あたり予算 (億円/年)",
        "foreign_policy_budgets",
        foreign_budget_chart,
    ),
    Chart("networks", "活動事例のネットワーク", "cluster_networks", networks_chart),
)
