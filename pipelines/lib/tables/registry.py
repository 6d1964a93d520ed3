"""The registry of table and passage families: how each is recognised (by title and header text, never by page).

A table is claimed by the family whose title pattern matches the slide title, or whose header matches
well enough. A claimed table whose header is not exactly the family's fails with TableHeaderError, so a
renamed column is caught instead of being parsed into the wrong field.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

HeaderAxis = Literal["row", "column"]

# Fields named in the 発展戦略と課題 titles, and the English slug used in table ids.
FIELD_SLUGS: dict[str, str] = {
    "ものづくり": "manufacturing",
    "バイオ": "bio",
    "IT": "it",
    "環境": "environment",
}

UNRECOGNISED = "unrecognised"
"""Family of a table (at least 2 x 2 cells) that no family claims: kept in the raw layer and reported."""


def field_slug(name: str) -> str:
    """The slug of a field in table ids: known fields by name, an ASCII name lower-cased, others by a hash.

    >>> field_slug("バイオ"), field_slug("Nano Tech"), field_slug("ナノテク")
    ('bio', 'nano_tech', 'field_219ba629')
    """
    if name in FIELD_SLUGS:
        return FIELD_SLUGS[name]
    ascii_slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if name.isascii() and ascii_slug:
        return ascii_slug
    return "field_" + hashlib.sha256(name.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class TableFamily:
    """A kind of table in the deck, recognised by its slide title and header text."""

    family: str
    description: str
    header: tuple[str, ...]  # one regex per header cell (row 0), or per row label (column 0)
    axis: HeaderAxis = "row"
    title: str | None = None  # regex searched in the slide title; None: recognised by header alone
    table_id: Callable[[str, Sequence[Sequence[str]]], str] | None = None

    def header_cells(self, rows: Sequence[Sequence[str]]) -> list[str]:
        """The cells that should match `header`: row 0, or column 0 for transposed tables."""
        cells = list(rows[0]) if self.axis == "row" else [r[0] for r in rows]
        return [c.replace("\n", "") for c in cells]

    def header_score(self, rows: Sequence[Sequence[str]]) -> float:
        """Share of the expected header cells found in place (1.0 = exact)."""
        found = self.header_cells(rows)
        hits = sum(1 for pat, cell in zip(self.header, found, strict=False) if re.fullmatch(pat, cell))
        return hits / max(len(self.header), len(found))

    def title_matches(self, title: str) -> bool:
        """True if the slide title names this family."""
        return self.title is not None and re.search(self.title, title) is not None

    def make_id(self, title: str, rows: Sequence[Sequence[str]]) -> str:
        """A stable id for one table of this family (the same whatever page it is on)."""
        return self.table_id(title, rows) if self.table_id else self.family


@dataclass(frozen=True)
class PassageFamily:
    """A slide of numeric text that is not a table, recognised by its heading."""

    passage_id: str
    description: str
    heading: str  # regex searched in the slide title plus its first body line


def _overseas_id(title: str, rows: Sequence[Sequence[str]]) -> str:
    m = re.search(r"その(\d+)", title)
    if not m:
        raise ValueError(f"no その-number in title {title!r}")
    return f"overseas_clusters_{m.group(1)}"


def _policy_tools_id(title: str, rows: Sequence[Sequence[str]]) -> str:
    for text in [title, *(r[0] for r in rows)]:
        m = re.match(r"\((\d+)\)", text)
        if m:
            return f"policy_tools_{m.group(1)}"
    raise ValueError(f"no section number (1)/(2)/… in title {title!r} or the table's rows")


def _field_id(title: str, rows: Sequence[Sequence[str]]) -> str:
    m = re.search(r"\((.+?)分野\)", title)
    if not m:
        raise ValueError(f"no (…分野) in title {title!r}")
    return f"field_strategy_{field_slug(m.group(1))}"


TABLE_FAMILIES: tuple[TableFamily, ...] = (
    TableFamily(
        family="overseas_clusters",
        description="海外の代表的なクラスター(ハイテク型)の事例 その1/その2",
        title=r"海外の代表的な?クラスター.*その\d",
        header=(
            "国",
            "地域",
            "主な分野",
            r"経済規模\(面積、人口等\)",
            "主要大学・研究機関",
            "主要企業・ベンチャー",
            "発展の経緯",
        ),
        table_id=_overseas_id,
    ),
    TableFamily(
        family="foreign_policies",
        description="中央政府による海外のクラスター関連政策の概要 (one column per policy)",
        title=r"中央政府による海外のクラスター関連政策",
        axis="column",
        header=(
            "",
            "時期",
            "中央政府の所管・予算",
            "対象地域",
            "中央政府の政策内容",
            "地域における推進主体",
            "地域クラスター事例",
            "リソース",
            "推進主体",
            "事業内容",
        ),
    ),
    TableFamily(
        family="policy_shift",
        description="社会と地域経済政策の変化 (20世紀 vs 21世紀)",
        title=r"社会と地域経済政策の変化",
        header=("時代", "区分", r"20世紀", r"21世紀"),
    ),
    TableFamily(
        family="policy_tools",
        description="産業クラスター計画推進のための政策ツール: budget per program, current and previous fiscal year",
        header=("施策名", r"\d+年度予算", r"\(\d+年度予算\)", "概要"),
        table_id=_policy_tools_id,
    ),
    TableFamily(
        family="survey_results",
        description="参画企業アンケート結果 (share of participating companies, ventures)",
        title=r"参画企業アンケート結果",
        axis="column",
        header=("新たに連携が始まった企業", "新事業を開始した企業", "第二創業を行った企業", "大学発ベンチャー累計"),
    ),
    TableFamily(
        family="field_strategy",
        description="産業クラスター計画プロジェクトにおける発展戦略と課題の例 (one table per field)",
        title=r"発展戦略と課題の例",
        header=("", r"その他のプロジェクト事例も含めた共通的事項\(注\)"),
        table_id=_field_id,
    ),
)

PASSAGE_FAMILIES: tuple[PassageFamily, ...] = (
    PassageFamily(
        "regional_development", "地域開発手法の変遷: laws and eras of regional policy", r"地域開発手法の変遷"
    ),
    PassageFamily(
        "cluster_projects_map", "産業クラスター計画19プロジェクト: companies and universities", r"計画\d+プロジェクト"
    ),
    PassageFamily("activity_example_1", "活動事例1: 首都圏西部地域(TAMA)", r"活動事例1"),
    PassageFamily("activity_example_2", "活動事例2: 近畿バイオ関連産業プロジェクト", r"活動事例2"),
    PassageFamily("activity_example_3", "活動事例3: 北海道スーパー・クラスター振興戦略", r"活動事例3"),
    PassageFamily("outcomes_network", "これまでの成果: participation and survey response", r"政策のこれまでの成果"),
    PassageFamily("outcomes_survey", "参画企業アンケート結果: survey figures", r"^\(\d\)参画企業アンケート結果"),
    PassageFamily("target_ranges", "目標レンジ: plan periods 第Ⅰ期 to 第Ⅲ期", r"目標レンジの設定"),
)
