"""staging.cluster_metrics: every quantity in the 経済規模 and 主要企業・ベンチャー cells of the overseas clusters.

A cell is cut into logical lines (a printed line break is a boundary unless it splits a number from its
counter, 100 / 社, or the next line opens a parenthesis that continues the previous one), then into
sentences at 。. Quantities are found by the one grammar of :mod:`pipelines.lib.normalize` (find_quantities:
counts, areas, percentages, 億円/万円 amounts, company counts written without 社 as in 企業数は約1100 or
ハイテク企業は500以上, N都市 and a lone distance such as 中心から10km); years and lengths of time only date a figure.

* ``metric`` is named by the words around the quantity (:data:`RULES`, first match wins, through the
  shared :mod:`pipelines.lib.staging.metric_rules`); a quantity that parses but that no rule names is
  kept as ``unclassified_<unit>`` with its surrounding words in ``scope``, and a WARN check lists it.
* ``as_of_year`` comes from a footnote marker *N: the one right after the quantity (a scope parenthesis
  may sit in between), else the one ending its sentence, else the one ending its line; it is mapped
  through the table's footnotes (raw.table_annotations kind='footnote'). No marker gives null.
* ``scope`` is the qualifying text: a parenthesis right after the quantity (人口約230万人(サンタクララ郡)),
  the place before 人口 (大田市の人口は…, ミュンヘン市は人口…), or the words naming what is counted.
* Any digit left over once quantities, years, footnote markers and names such as Route 128 are cut out,
  or a 約 with no number after it, fails with CellValueError naming the cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import (
    NormalizeError,
    clean_text,
    find_quantities,
    find_years,
)
from pipelines.lib.normalize._grammar import shift
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.metric_rules import MetricRule, context_words, first_rule, unclassified_metric
from pipelines.lib.staging.overseas_clusters import ClusterRow, cluster_rows
from pipelines.lib.staging.raw_layer import RawLayer

TABLE = table("staging.cluster_metrics")
SOURCE_COLUMNS = ("economic_scale", "companies_ventures")

_MARKER = re.compile(r"\*([0-9]+)")
_OWN_MARKER = re.compile(r"(?:\([^()]*\))?\*([0-9]+)")
_END_MARKER = re.compile(r"\*([0-9]+)\s*。?\s*$")
_MARKER_START = re.compile(r"[*＊※][0-9]")  # a footnote marker wrapped onto the next line ends the line before
_SPLIT_NUMBER = re.compile(r"(?:^|[^*※0-9])[0-9]+$")  # '医療デバイス企業100' but not '…万人*2'
_CLAUSE_CUT = re.compile(r"(?<!は)(?<!うち)(?<!内)、|[(),]")
_LATIN_NUMBER = re.compile(r"[A-Za-z]+ ?[0-9]+")  # names such as Route 128
_GARBLE = re.compile(r"[?？□■〓\ufffd]|(?<![契予集要節制条規公婚協誓特盟確解倹簡])約(?![0-9])")


@dataclass(frozen=True)
class _Quantity:
    kind: str  # what is counted (persons, companies, …), or area, percent, money, cities, length
    value: Decimal
    unit: str
    qualifier: str
    raw_text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Context:
    """Where a quantity sits in its logical line (all texts cleaned, footnote markers removed)."""

    line: str
    before: str  # clause text before the quantity (clause: between 、 。 and parentheses)
    after: str  # clause text after the quantity
    outer: str  # sentence text before the enclosing parenthesis (or before the quantity if none)
    trailing_paren: str | None  # parenthesis right after the quantity, without digits
    parent_metric: str | None  # metric of the quantity whose parenthesis encloses this one


def _strip(text: str | None, *, lead: str = "", tail: str = "") -> str | None:
    if text is None:
        return None
    out = re.sub(rf"^(?:{lead})", "", text) if lead else text
    out = re.sub(rf"(?:{tail})$", "", out) if tail else out
    out = out.strip(" 、,:")
    return out or None


def _place_scope(ctx: _Context) -> str | None:
    """サンタクララ郡 from (サンタクララ郡), 大田市 from 大田市の人口は, ミュンヘン市 from ミュンヘン市は人口."""
    if ctx.trailing_paren:
        return ctx.trailing_paren
    m = re.match(r"(?P<s>.+?)(?:の|は)(?:就業人口|人口)は?$", ctx.before)
    return m.group("s") if m else None


def _employee_scope(ctx: _Context) -> str | None:
    if ctx.trailing_paren:
        return ctx.trailing_paren
    return _strip(ctx.before, lead=r"うち、?", tail=r"で働いているのは|には|は|従業員")


def _noun_scope(ctx: _Context) -> str | None:
    """What is counted: ハイテク企業, 製造業, MediGeneなどのバイオベンチャー, のバイオ関連企業 after 100社ほど."""
    if ctx.trailing_paren:
        return ctx.trailing_paren
    before = _strip(ctx.before, lead=r"(?:うち|内)、?", tail=r"数?(?:は|:)?、?")
    if before:
        return None if before == "企業" else before  # 企業数は… says no more than the metric
    m = re.match(r"^(?:の|は)(?P<n>.+?)(?:が.*|。)?$", ctx.after)
    return m.group("n") if m else None


def _share_scope(ctx: _Context) -> str | None:
    return _strip(ctx.before, tail="の")


def _area_scope(ctx: _Context) -> str | None:
    return _strip(ctx.outer, lead="特に", tail="の|から")


def _length_scope(ctx: _Context) -> str | None:
    return _strip(ctx.outer, lead="特に")


# First match wins. Company-like metrics before the catch-all `companies`.
RULES: tuple[MetricRule, ...] = (
    MetricRule("area_km2", ("area",), scope=_area_scope),
    MetricRule("cities", ("cities",), scope=lambda c: _strip(c.outer, tail="の")),
    MetricRule("distance_km", ("length",), scope=_length_scope),
    MetricRule("workforce", ("persons",), before=r"就業(?:人口|者)$", scope=_place_scope),
    MetricRule("population", ("persons",), before=r"人口は?$", scope=_place_scope),
    MetricRule("students", ("persons",), before=r"学生$", scope=_place_scope),
    MetricRule("employees", ("persons",), before=r"(?:従業員|雇用は|働いているのは)$", scope=_employee_scope),
    MetricRule("employees", ("persons",), after=r"^が(?:勤める|勤務|働)", scope=_employee_scope),
    MetricRule("workforce_share_pct", ("percent",), before=r"就業者の$", scope=_share_scope),
    MetricRule("companies_added_per_year", ("companies",), before=r"毎年$", after=r"^のペース", scope=lambda c: None),
    MetricRule("ventures_in_incubators", ("companies",), after=r"^は.*インキュベーション", scope=_noun_scope),
    MetricRule("ventures", ("companies",), before=r"ベンチャー$", scope=_noun_scope),
    MetricRule("ventures", ("companies",), after=r"^の[^、。]*ベンチャー", scope=_noun_scope),
    MetricRule("vc_firms", ("companies",), after=r"^のVC", scope=_noun_scope),
    MetricRule("bio_companies", ("companies",), before=r"バイオ関連企業:?$", scope=_noun_scope),
    MetricRule("bio_companies", ("companies",), after=r"^のバイオ関連企業", scope=_noun_scope),
    MetricRule("companies_manufacturing", ("companies",), before=r"製造業$", scope=_noun_scope),
    MetricRule("companies_rd_services", ("companies",), before=r"研究開発・サービス業$", scope=_noun_scope),
    MetricRule("companies_medical_devices", ("companies",), before=r"医療デバイス企業$", scope=_noun_scope),
    MetricRule("companies_bio_services", ("companies",), after=r"^のバイオ研究関連サービス企業", scope=_noun_scope),
    MetricRule("companies", ("companies",), before=r"企業(?:数)?(?:は|:)?、?$", scope=_noun_scope),
)
UNITS = {"area": "km2", "cities": "cities", "length": "km", "money": "oku_yen"}
"""Stored unit of a quantity kind; a count keeps the unit its counter names (persons, companies, …)."""


def _logical_lines(text: str) -> list[str]:
    """Printed lines, re-joined where a break splits '100' from '社', or the next line opens '(' or is a *N marker."""
    lines: list[str] = []
    for part in text.split("\n"):
        part = part.strip()
        if not part:
            continue
        if lines and (_SPLIT_NUMBER.search(lines[-1]) or part.startswith(("(", "（")) or _MARKER_START.match(part)):
            lines[-1] = f"{lines[-1]} {part}"
        else:
            lines.append(part)
    return [clean_text(line) for line in lines]


_KINDS = {"km2": "area", "km": "length", "yen": "money", "都市": "cities"}
"""The kind of a quantity of the shared grammar, as the rules name it; a count keeps what it counts."""
_NOT_METRICS = ("year", "duration_years")
"""Years and lengths of time in these cells date or describe a figure; they are not figures of the cluster."""


def _quantities(line: str) -> list[_Quantity]:
    """The figures of a logical line, read by the one grammar (:func:`pipelines.lib.normalize.find_quantities`)."""
    out = []
    for q in find_quantities(line):
        if q.unit in _NOT_METRICS:
            continue
        kind = _KINDS.get(q.unit, q.unit)
        value = shift(q.value, -8) if kind == "money" else q.value
        start, end = q.span
        out.append(_Quantity(kind, value, UNITS.get(kind, kind), q.qualifier, q.raw_text, start, end))
    return out


def _leftover(line: str, quantities: list[_Quantity]) -> str | None:
    """The first unexplained number or garble in a line once quantities, years and markers are cut out."""
    chars = list(line)
    spans = [(q.start, q.end) for q in quantities] + [y.span for y in find_years(line)]
    spans += [m.span() for m in _MARKER.finditer(line)] + [m.span() for m in _LATIN_NUMBER.finditer(line)]
    for start, end in spans:
        chars[start:end] = [" "] * (end - start)
    rest = "".join(chars)
    m = re.search(r"[0-9]+", rest) or _GARBLE.search(rest)
    return None if m is None else line[max(0, m.start() - 8) : m.end() + 8]


def _paren_open(line: str, pos: int) -> int | None:
    """Index of the '(' enclosing ``pos``, or None at depth 0."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        if line[i] == ")":
            depth += 1
        elif line[i] == "(":
            if depth == 0:
                return i
            depth -= 1
    return None


def _no_markers(text: str) -> str:
    return _MARKER.sub("", text).strip()


def _context(line: str, q: _Quantity, metric_of: dict[int, str]) -> _Context:
    sent_start = line.rfind("。", 0, q.start) + 1
    opener = _paren_open(line, q.start)
    floor = max(sent_start, opener + 1 if opener is not None else 0)
    # A comma after a topic (企業数は、1万社 / うち、…) does not end the clause.
    cuts = [m.end() for m in _CLAUSE_CUT.finditer(line, 0, q.start)]
    clause_start = max(floor, *cuts) if cuts else floor
    stops = [i for i in (line.find(ch, q.end) for ch in "、。()") if i >= 0]
    clause_end = min(stops) if stops else len(line)
    trailing = re.match(r"\(([^()0-9]*)\)", line[q.end :])
    outer = line[sent_start : opener if opener is not None else q.start]
    parent = None
    if opener is not None:
        parents = [start for start in metric_of if start < opener]
        parent = metric_of[max(parents)] if parents else None
    return _Context(
        line=line,
        before=_no_markers(line[clause_start : q.start]),
        after=_no_markers(line[q.end : clause_end]),
        outer=_no_markers(outer),
        trailing_paren=trailing.group(1).strip() if trailing else None,
        parent_metric=parent,
    )


def _marker(line: str, q: _Quantity) -> str | None:
    """Footnote marker of a quantity: its own, else its sentence's, else its line's."""
    own = _OWN_MARKER.match(line, q.end)
    if own:
        return own.group(1)
    stop = line.find("。", q.end)
    if stop >= 0:
        sentence = line[line.rfind("。", 0, q.start) + 1 : stop + 1]
        if trailing := _MARKER.match(line, stop + 1):  # '…18%)。*3': a marker after 。 closes the sentence
            sentence += trailing.group(0)
        m = _END_MARKER.search(sentence)
        if m:
            return m.group(1)
    m = _END_MARKER.search(line)
    return m.group(1) if m else None


def _footnote_years(raw: RawLayer, document_id: str, table_id: str, page: int) -> dict[str, int]:
    years: dict[str, int] = {}
    for a in raw.annotations(document_id, table_id, "footnote").itertuples():
        found = find_years(str(a.text))
        if len(found) != 1 or found[0].start is None:
            raise CellValueError(document_id, page, table_id, f"footnote {a.marker}", str(a.text), "not one year")
        years[str(a.marker).replace("＊", "*")] = found[0].start
    return years


def _cell_metrics(
    row: ClusterRow, field: str, footnotes: dict[str, int], seen: dict[str, int]
) -> Iterator[dict[str, Any]]:
    """Every quantity of one cell; ``seen`` counts the cluster's figures per metric so far (for metric_idx)."""
    text = row.cells[field]

    def fail(reason: str) -> CellValueError:
        return CellValueError(row.document_id, row.page, row.table_id, row.cell_ref(field), text, reason)

    for line in _logical_lines(text):
        try:
            quantities = _quantities(line)
            bad = _leftover(line, quantities)
        except NormalizeError as exc:
            raise fail(exc.reason) from exc
        if bad is not None:
            raise fail(f"unrecognised number or garbled text near {bad!r}")
        metric_of: dict[int, str] = {}
        for q in quantities:
            ctx = _context(line, q, metric_of)
            unit = UNITS.get(q.kind, q.kind)
            if q.kind == "percent" and ctx.parent_metric and not ctx.before.endswith("就業者の"):
                metric, scope = f"{ctx.parent_metric}_share_pct", _share_scope(ctx)
            elif rule := first_rule(RULES, q.kind, ctx.before, ctx.after):
                metric, scope = rule.metric, rule.scope(ctx) if rule.scope else None
            else:
                metric, scope = unclassified_metric(unit), context_words(ctx.before, ctx.after)
            metric_of[q.start] = metric
            marker = _marker(line, q)
            if marker is not None and f"*{marker}" not in footnotes:
                raise fail(f"footnote marker *{marker} has no footnote under the table")
            seen[metric] = seen.get(metric, -1) + 1
            yield {
                "document_id": row.document_id,
                "cluster_id": row.cluster_id,
                "metric": metric,
                "metric_idx": seen[metric],
                "value": float(q.value),
                "unit": unit,
                "qualifier": q.qualifier,
                "as_of_year": footnotes[f"*{marker}"] if marker is not None else None,
                "scope": scope,
                "raw_text": q.raw_text,
                "source_column": field,
                "source_page": row.page,
                "source_table_id": row.table_id,
                "source_row": row.row_idx,
                "source_col": row.columns[field],
            }


def build_cluster_metrics(raw: RawLayer) -> pd.DataFrame:
    """Every quantity of the 経済規模 and 主要企業・ベンチャー cells, sorted by the table key."""
    rows: list[dict[str, Any]] = []
    footnotes: dict[tuple[str, str], dict[str, int]] = {}
    for row in cluster_rows(raw):
        key = (row.document_id, row.table_id)
        if key not in footnotes:
            footnotes[key] = _footnote_years(raw, row.document_id, row.table_id, row.page)
        seen: dict[str, int] = {}
        for field in SOURCE_COLUMNS:
            if field in row.cells:  # a table without the column has none of its figures
                rows.extend(_cell_metrics(row, field, footnotes[key], seen))
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), kind="stable", ignore_index=True)
