"""The registry of table and passage families: each a declaration of what its tables say, never where they stand.

A family declares its fields: the staging field (or the role a builder reads), the header wordings that mean it
(each a regex that must match the whole header cell, line breaks removed and text cleaned) and whether the family
can do without it. A table is claimed by the family whose title pattern its slide title matches, or whose fields
its header names often enough (``min_header_fields``). Its cells are then read by header
(:meth:`TableFamily.map_header`), in any order; a header cell that names no field is kept and reported, never
parsed into a field; a table that lacks a required field is kept as ``unrecognised`` and reported. A family's
table may continue over any number of slides: its table id comes from what the slide prints (その3, (2), (バイオ
分野)), else from its page, never from a count of slides.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pipelines.lib.normalize import clean_text

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


def header_text(cell: str) -> str:
    """A header cell as its wordings are matched: line breaks removed, text cleaned (NFKC, CJK spaces)."""
    return clean_text(cell.replace("\n", ""))


@dataclass(frozen=True)
class Field:
    """A column of a family (a row, in a transposed table): the field it feeds and the wordings that mean it."""

    name: str
    wordings: tuple[str, ...]
    required: bool = False
    repeated: bool = False  # several columns may mean it (the periods a comparison prints)

    def matches(self, cell: str) -> bool:
        """True if the header cell (as :func:`header_text` gives it) is one of this field's wordings."""
        return any(re.fullmatch(w, cell) for w in self.wordings)


@dataclass(frozen=True)
class HeaderMap:
    """How one table's header cells map onto its family's fields."""

    fields: dict[str, tuple[int, ...]]
    """field name → the header positions (columns, or rows of a transposed table) that mean it"""
    unmapped: tuple[tuple[int, str], ...] = ()
    """(position, header text) of every non-empty header cell that names no field"""
    missing: tuple[str, ...] = ()
    """required fields no header cell names"""

    @property
    def named(self) -> int:
        """How many fields the header names."""
        return len(self.fields)

    def index(self, name: str) -> int | None:
        """The one position of a field, or None when the header does not name it."""
        found = self.fields.get(name, ())
        return found[0] if found else None


@dataclass(frozen=True)
class TableFamily:
    """A kind of table, declared by what it says: title pattern, fields with their wordings, how its id is read."""

    family: str
    description: str
    fields: tuple[Field, ...]
    axis: HeaderAxis = "row"  # row: the header is row 0; column: a transposed table, its labels in column 0
    title: str | None = None  # regex searched in the slide title; None: recognised by header alone
    table_id: Callable[[str, Sequence[Sequence[str]]], str | None] | None = None
    min_header_fields: int = 3  # fields a header must name to claim a table whose title does not name the family
    identifying: tuple[str, ...] = ()  # fields such a header must name too (the family's signature)
    values: tuple[Field, ...] = ()  # a transposed table's value columns, where a header row names them
    staging: tuple[str, ...] = field(default=())  # the staging tables its rows feed

    def header_cells(self, rows: Sequence[Sequence[str]]) -> list[str]:
        """The header cells, as matched: row 0, or column 0 of a transposed table."""
        cells = list(rows[0]) if self.axis == "row" else [r[0] for r in rows]
        return [header_text(c) for c in cells]

    def map_header(self, rows: Sequence[Sequence[str]]) -> HeaderMap:
        """Which header cell means which field (first field in declaration order wins a cell; a field that is
        not repeated takes the first cell that means it, a second one is unmapped)."""
        found: dict[str, list[int]] = {}
        unmapped: list[tuple[int, str]] = []
        for i, cell in enumerate(self.header_cells(rows)):
            hit = next(
                (f for f in self.fields if f.matches(cell) and (f.repeated or f.name not in found)),
                None,
            )
            if hit is not None:
                found.setdefault(hit.name, []).append(i)
            elif cell:
                unmapped.append((i, cell))
        missing = tuple(f.name for f in self.fields if f.required and f.name not in found)
        return HeaderMap({k: tuple(v) for k, v in found.items()}, tuple(unmapped), missing)

    def map_values(self, rows: Sequence[Sequence[str]]) -> HeaderMap | None:
        """How a transposed table's header row (row 0, when it has one) names its value columns (column 1 on);
        None when row 0 is a record, not a header: its first cell names a record and no other names a value."""
        first = header_text(rows[0][0])
        heading = any(f.matches(first) for f in self.fields if f.name == "heading")
        cells = [header_text(c) for c in rows[0][1:]]
        if not heading and not any(f.matches(c) for f in self.values for c in cells):
            return None
        found: dict[str, list[int]] = {}
        unmapped: list[tuple[int, str]] = []
        for i, cell in enumerate(cells, start=1):
            hit = next((f for f in self.values if f.matches(cell) and f.name not in found), None)
            if hit is not None:
                found[hit.name] = [i]
            elif cell:
                unmapped.append((i, cell))
        return HeaderMap({k: tuple(v) for k, v in found.items()}, tuple(unmapped))

    def title_matches(self, title: str) -> bool:
        """True if the slide title names this family."""
        return self.title is not None and re.search(self.title, clean_text(title)) is not None

    def claims(self, title: str, rows: Sequence[Sequence[str]]) -> HeaderMap | None:
        """The header map if this family claims the table (by its title, or by enough of its header), else None."""
        mapped = self.map_header(rows)
        if self.title_matches(title):
            return mapped
        signed = all(name in mapped.fields for name in self.identifying)
        return mapped if signed and mapped.named >= self.min_header_fields else None

    def make_id(self, title: str, rows: Sequence[Sequence[str]], page: int) -> str:
        """A stable id for one table of this family: read from what the slide prints, else from its page."""
        printed = self.table_id(title, rows) if self.table_id else self.family
        return printed or f"{self.family}_p{page}"

    def field(self, name: str) -> Field:
        """One field by name."""
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class PassageFamily:
    """A slide of numeric text that is not a table, recognised by its heading."""

    passage_id: str
    description: str
    heading: str  # regex searched in the slide title plus its first body line


def _overseas_id(title: str, rows: Sequence[Sequence[str]]) -> str | None:
    m = re.search(r"その\s*(\d+)", clean_text(title))
    return f"overseas_clusters_{m.group(1)}" if m else None


def _policy_tools_id(title: str, rows: Sequence[Sequence[str]]) -> str | None:
    for text in [title, *(r[0] for r in rows)]:
        m = re.match(r"\((\d+)\)", clean_text(text))
        if m:
            return f"policy_tools_{m.group(1)}"
    return None


def _field_id(title: str, rows: Sequence[Sequence[str]]) -> str | None:
    m = re.search(r"\((.+?)分野\)", clean_text(title))
    return f"field_strategy_{field_slug(m.group(1))}" if m else None


TABLE_FAMILIES: tuple[TableFamily, ...] = (
    TableFamily(
        family="overseas_clusters",
        description="海外の代表的なクラスター(ハイテク型)の事例 その1, その2, … (any number of slides)",
        title=r"海外の代表的な?クラスター",
        fields=(
            Field("country", ("国", "国名", "国・地域")),
            Field("region", ("地域", "地域名", "クラスター", "クラスター名", "地区"), required=True),
            Field("fields", ("主な分野", "主要分野", "分野", "主な産業", "主要産業", "産業分野")),
            Field("economic_scale", (r"経済規模.*", r"規模.*")),
            Field("universities_institutes", (r"主要大学.*", r"主な大学.*", r"大学・研究機関", "研究機関")),
            Field("companies_ventures", (r"主要企業.*", r"主な企業.*", r"企業・ベンチャー", "企業")),
            Field("history", ("発展の経緯", "沿革", "経緯", "歴史", "発展経緯")),
        ),
        table_id=_overseas_id,
        min_header_fields=4,
        identifying=("region",),
        staging=("overseas_clusters", "cluster_metrics", "cluster_history_events"),
    ),
    TableFamily(
        family="foreign_policies",
        description="中央政府による海外のクラスター関連政策の概要 (one column per policy, labels in column 0)",
        title=r"中央政府による海外のクラスター関連政策",
        axis="column",
        fields=(
            Field("corner", ("",)),
            Field("period", ("時期", "期間", "実施期間")),
            Field("budget", ("中央政府の所管・予算", "所管・予算", "所管省庁・予算", "予算")),
            Field("target_regions", ("対象地域", "対象")),
            Field("policy_content", ("中央政府の政策内容", "政策内容", "政策の内容")),
            Field("regional_body", ("地域における推進主体", "地域の推進主体")),
            Field("example", ("地域クラスター事例", "クラスター事例", "事例")),
            Field("resources", ("リソース", "資源")),
            Field("example_body", ("推進主体",)),
            Field("example_activities", ("事業内容",)),
        ),
        staging=("foreign_policies",),
    ),
    TableFamily(
        family="policy_shift",
        description="社会と地域経済政策の変化 (20世紀 vs 21世紀)",
        title=r"社会と地域経済政策の変化",
        fields=(
            Field("theme", ("時代", "テーマ"), required=True),
            Field("aspect", ("区分", "項目", "観点"), required=True),
            Field("period", (r".+",), repeated=True),  # every other column is a period compared
        ),
        staging=("policy_shifts",),
    ),
    TableFamily(
        family="policy_tools",
        description="産業クラスター計画推進のための政策ツール: budget per program, current and previous fiscal year",
        fields=(
            Field("program", ("施策名", "事業名", "区分", "施策", "事業", "名称", "項目"), required=True),
            Field("current_budget", (r"[^()]*年度(?:当初)?予算(?:額|案)?",), required=True),
            Field("previous_budget", (r"\([^()]*年度(?:当初)?予算(?:額|案)?\)",)),
            Field("summary", ("概要", "事業概要", "施策概要", "内容", "事業内容", "説明")),
        ),
        table_id=_policy_tools_id,
        identifying=("program", "current_budget", "previous_budget"),  # this year's and, in parentheses, last year's
        staging=("budget_items",),
    ),
    TableFamily(
        family="survey_results",
        description="参画企業アンケート結果 (label in column 0; a share, and any value columns beside it)",
        title=r"参画企業アンケート結果",
        axis="column",
        fields=(
            Field("new_collaboration", ("新たに連携が始まった企業",)),
            Field("new_business", ("新事業を開始した企業",)),
            Field("second_founding", ("第二創業を行った企業",)),
            Field("university_ventures", ("大学発ベンチャー累計",)),
            Field("heading", ("項目", "区分", "設問", "回答", "")),
        ),
        values=(
            Field(
                "share",
                ("割合", "比率", "構成比", "回答割合", "今回", "今回調査", r"[0-9]{4}年度?調査", r"割合\(%\)", "%"),
            ),
            Field("companies", (r".*企業数.*", "社数", "回答数", "該当数")),
            Field("previous", ("前回", "前回調査", "前年度", "前年", "昨年度")),
        ),
        staging=("program_outcomes",),
    ),
    TableFamily(
        family="field_strategy",
        description="産業クラスター計画プロジェクトにおける発展戦略と課題の例 (one table per field)",
        title=r"発展戦略と課題の例",
        fields=(
            Field("label", ("", "区分", "項目")),
            Field("body", (r"その他のプロジェクト事例も含めた共通的事項.*", r"共通的事項.*"), required=True),
        ),
        table_id=_field_id,
        min_header_fields=2,
        identifying=("body",),
        staging=("field_strategies", "cluster_projects"),
    ),
)

BY_FAMILY: dict[str, TableFamily] = {f.family: f for f in TABLE_FAMILIES}


def claim(title: str, rows: Sequence[Sequence[str]]) -> tuple[TableFamily, HeaderMap] | None:
    """The family that claims a table, with its header map: a family its title names first, then the one whose
    fields the header names most; None when no family claims it."""
    claims = [(fam, m) for fam in TABLE_FAMILIES if (m := fam.claims(title, rows)) is not None]
    if not claims:
        return None
    return max(claims, key=lambda c: (c[0].title_matches(title), c[1].named))


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
