"""staging.program_outcomes: the figures of the 成果 and 19プロジェクト slides.

Three sources, each recognised by its labels:

* outcomes_network (これまでの成果): 'label: count' pairs such as 参画企業: 約5,800社, the 回収率 of the
  survey heading, and a following 'YYYY年M月現在' paragraph that dates the counts before it;
* cluster_projects_map (産業クラスター計画19プロジェクト): the companies and universities of the network;
* the survey_results table (参画企業アンケート結果): label in column 0, then value columns told apart by a
  header row where the table has one, else by their units (:func:`survey_columns`): the share is the metric
  (new_collaboration_pct), a count of the companies behind it is ``<metric stem>_companies``
  (new_collaboration_companies) and an earlier survey's share ``<metric>_previous``.

A figure that reads as a count or percentage but whose label (or counter) no rule knows is kept as
``unclassified_<unit>`` with its label in ``scope`` (see :mod:`pipelines.lib.staging.metric_rules`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import (
    Count,
    NormalizeError,
    clean_text,
    find_counts,
    find_garble,
    find_quantities,
    parse_count,
    parse_percent,
)
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.metric_rules import is_unclassified, unclassified_metric, unique_metric
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.registry import BY_FAMILY

TABLE = table("staging.program_outcomes")

NETWORK_PASSAGE = "outcomes_network"
MAP_PASSAGE = "cluster_projects_map"
SURVEY = BY_FAMILY["survey_results"]
SURVEY_LABEL_COL = 0

METRIC_UNITS: dict[str, str] = {
    "participating_companies": "companies",
    "participating_universities": "universities",
    "survey_response_rate_pct": "percent",
    "new_collaboration_pct": "percent",
    "new_business_pct": "percent",
    "second_founding_pct": "percent",
    "university_ventures_total": "cases",
    "network_companies": "companies",
    "network_universities": "universities",
}
"""Every metric of the table and the unit its value is in."""

NETWORK_LABELS: dict[str, str] = {"参画企業": "participating_companies", "参画大学": "participating_universities"}
"""'label: count' pairs of ネットワーク形成実績."""
RATE_LABELS: dict[str, str] = {"回収率": "survey_response_rate_pct"}
"""Percentages written right after their label, (回収率約40%)."""
MAP_UNITS: dict[str, str] = {"companies": "network_companies", "universities": "network_universities"}
"""Counts of the 19プロジェクト network, told apart by what they count (社, 大学)."""
SURVEY_LABELS: dict[str, str] = {
    "新たに連携が始まった企業": "new_collaboration_pct",
    "新事業を開始した企業": "new_business_pct",
    "第二創業を行った企業": "second_founding_pct",
    "大学発ベンチャー累計": "university_ventures_total",
}
"""Row labels of the survey_results table."""

AS_OF = re.compile(r"[0-9]{4}年[0-9]{1,2}月(?:[0-9]{1,2}日)?現在")
"""A paragraph that dates the figures printed before it, 2004年4月現在."""

_NUMBER_WITH_COUNTER = re.compile(r"[0-9?？][0-9,.?？]*(?:社|大学)")
"""Anything in running text that looks like a count of companies or universities; each must be read."""


@dataclass(frozen=True)
class _Where:
    """Where a value was read, for error messages."""

    document_id: str
    page: int
    table_id: str
    cell: str
    row: int | None = None  # row_idx of the cell, or block_idx of the text block
    col: int | None = None  # col_idx of the cell; None for a text block

    def error(self, text: str, reason: str) -> CellValueError:
        return CellValueError(self.document_id, self.page, self.table_id, self.cell, text, reason)


def _unit_of(text: str) -> str:
    """The unit a figure of an unknown label is in: percent if it has %, else what its counter counts."""
    if "%" in clean_text(text):
        return "percent"
    try:
        return parse_count(text).unit
    except NormalizeError:
        return "percent"  # neither reads: _quantity reports the cell


def _quantity(metric: str, text: str, where: _Where, scope: str | None = None) -> dict[str, Any]:
    """Read ``text`` as the one quantity of ``metric``, checking its unit."""
    unit = METRIC_UNITS.get(metric) or _unit_of(text)
    try:
        if unit == "percent":
            p = parse_percent(text)
            value, qualifier, raw_text = p.value, p.qualifier, p.raw_text
        else:
            c = parse_count(text)
            if c.unit != unit:
                raise where.error(text, f"{metric} counts {unit}, found {c.unit}")
            value, qualifier, raw_text = c.value, c.qualifier, c.raw_text
    except NormalizeError as exc:
        raise where.error(text, exc.reason) from exc
    if raw_text != clean_text(text):
        raise where.error(text, f"only {raw_text!r} reads as a {unit} figure")
    return _row(metric, value, qualifier, raw_text, where, unit, scope)


def _row(
    metric: str,
    value: Decimal,
    qualifier: str,
    raw_text: str,
    where: _Where,
    unit: str | None = None,
    scope: str | None = None,
) -> dict[str, Any]:
    return {
        "document_id": where.document_id,
        "metric": metric,
        "value": float(value),
        "unit": unit or METRIC_UNITS[metric],
        "qualifier": qualifier,
        "as_of": None,
        "raw_text": raw_text,
        "scope": scope,
        "source_page": where.page,
        "source_table_id": where.table_id,
        "source_row": where.row,
        "source_col": where.col,
    }


def _block_where(block: Any, passage: str) -> _Where:
    idx = int(block.block_idx)
    return _Where(str(block.document_id), int(block.page), passage, f"block {idx}", idx)


def _labelled(text: str, labels: dict[str, str], value_end: str = "") -> list[tuple[str, str]]:
    """(metric, value text) for each label of ``labels`` in ``text``; the value runs to the next label
    or to a character of ``value_end``."""
    cleaned = clean_text(text)
    pattern = re.compile("|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True)))
    hits = list(pattern.finditer(cleaned))
    out = []
    for i, m in enumerate(hits):
        stop = hits[i + 1].start() if i + 1 < len(hits) else len(cleaned)
        value = cleaned[m.end() : stop]
        if value_end:
            value = re.split(f"[{re.escape(value_end)}]", value, maxsplit=1)[0]
        out.append((labels[m.group(0)], value))
    return out


def _network_rows(raw: RawLayer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    undated: list[dict[str, Any]] = []  # counts not yet dated by a 'YYYY年M月現在' paragraph
    blocks = raw.blocks(NETWORK_PASSAGE)
    document_id = None
    for block in [] if blocks.empty else blocks.itertuples():
        if block.document_id != document_id:
            document_id, undated = block.document_id, []  # a date never carries over to another document
        where = _block_where(block, NETWORK_PASSAGE)
        text = str(block.text)
        if AS_OF.fullmatch(clean_text(text)):
            for row in undated:
                row["as_of"] = clean_text(text)
            undated = []
            continue
        for metric, value in _labelled(text, {f"{k}:": v for k, v in NETWORK_LABELS.items()}):
            row = _quantity(metric, _first_count(value), where)
            rows.append(row)
            undated.append(row)
        for metric, value in _labelled(text, RATE_LABELS, value_end=")、。"):
            rows.append(_quantity(metric, value, where))
        rows += _unlabelled(text, {r["raw_text"] for r in rows if r["source_row"] == where.row}, where)
    return rows


def _first_count(value: str) -> str:
    """A label's value up to the end of its first count: '約220大学参画自治体:約100団体' → '約220大学'."""
    cleaned = clean_text(value)
    try:
        counts = find_counts(cleaned)
    except NormalizeError:
        return value  # _quantity reports the cell
    return cleaned[: counts[0].span[1]] if counts else value


def _unlabelled(text: str, read: set[str], where: _Where) -> list[dict[str, Any]]:
    """Counts of a 成果 paragraph that no label names (参画自治体: 約100団体 in a new edition): kept as unclassified."""
    try:
        counts = find_counts(text)
    except NormalizeError as exc:
        raise where.error(text, exc.reason) from exc
    cleaned = clean_text(text)
    return [
        _row(
            unclassified_metric(c.unit),
            c.value,
            c.qualifier,
            c.raw_text,
            where,
            c.unit,
            _words_before(cleaned, c, counts),
        )
        for c in counts
        if c.raw_text not in read
    ]


def _words_before(cleaned: str, count: Count, counts: list[Count]) -> str | None:
    """The label printed before a count: up to 12 characters, back to the end of the count before it."""
    start = max([count.span[0] - 12, *(c.span[1] for c in counts if c.span[1] <= count.span[0])])
    return cleaned[max(start, 0) : count.span[0]].strip(" :、") or None


def _map_rows(raw: RawLayer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    blocks = raw.blocks(MAP_PASSAGE)
    for block in [] if blocks.empty else blocks.itertuples():
        where = _block_where(block, MAP_PASSAGE)
        try:
            counts = find_counts(str(block.text))
        except NormalizeError as exc:
            raise where.error(str(block.text), exc.reason) from exc
        cleaned = clean_text(str(block.text))
        for m in _NUMBER_WITH_COUNTER.finditer(cleaned):
            if not any(c.span[0] <= m.start() and m.end() <= c.span[1] for c in counts):
                raise where.error(str(block.text), f"{m.group(0)!r} does not read as a count")
        for c in counts:
            if c.unit in MAP_UNITS:
                rows.append(_row(MAP_UNITS[c.unit], c.value, c.qualifier, c.raw_text, where))
            else:  # a count of something else on the map: kept, and listed by the WARN check
                metric = unclassified_metric(c.unit)
                words = _words_before(cleaned, c, counts)
                rows.append(_row(metric, c.value, c.qualifier, c.raw_text, where, c.unit, words))
    return rows


def survey_columns(grid: list[list[str]]) -> tuple[int, dict[int, str | None]]:
    """The first record row of a survey table and what each value column holds: share (this survey's figure),
    companies (the count behind it) or previous (an earlier survey), None for a column nothing names.

    A header row names them (the survey family's value fields: 割合, 企業数, 前回 …); without one they are told
    apart by their units: the column of percentages is the share, a column of counts in 社 the companies.
    """
    columns = range(1, len(grid[0]))
    header = SURVEY.map_values(grid)
    if header is not None:
        return 1, {c: next((k for k, idx in header.fields.items() if c in idx), None) for c in columns}
    kinds: dict[int, str | None] = {}
    for c in columns:
        units = {q.unit for row in grid for q in _readable(row[c])}
        if "percent" in units and "share" not in kinds.values():
            kinds[c] = "share"
        elif units == {"companies"} and "companies" not in kinds.values():
            kinds[c] = "companies"
        else:
            kinds[c] = None
    return 0, kinds


def _readable(text: str) -> list[Any]:
    """The quantities of a cell, or none where its digits are garbled (the builder then names the cell)."""
    try:
        return find_quantities(text)
    except NormalizeError:
        return []


def _survey_metric(label: str, kind: str, text: str) -> str:
    """new_collaboration_pct (the share), new_collaboration_companies, new_collaboration_pct_previous …"""
    base = SURVEY_LABELS.get(label)
    if base is None:
        return unclassified_metric(_unit_of(text) if kind == "share" else f"{kind}_{_unit_of(text)}")
    if kind == "companies":
        return re.sub(r"_(?:pct|total)$", "", base) + "_companies"
    return base + ("_previous" if kind == "previous" else "")


def _survey_rows(raw: RawLayer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for t in raw.tables_of(SURVEY.family).itertuples():
        grid = raw.grid(str(t.document_id), str(t.table_id))
        first, kinds = survey_columns(grid)
        for r, line in enumerate(grid[first:], start=first):
            label = clean_text(line[SURVEY_LABEL_COL])
            if label not in SURVEY_LABELS and (garble := find_garble(label)):
                label_cell = _Where(str(t.document_id), int(t.page), str(t.table_id), f"r{r}c{SURVEY_LABEL_COL}")
                raise label_cell.error(line[SURVEY_LABEL_COL], f"garbled survey label ({garble!r})")
            for c, kind in kinds.items():
                text = line[c]
                if kind is None or (kind != "share" and not re.search(r"[0-9]", text)):
                    continue  # a column nothing names, or a dash where no count is printed: staging.quantities has it
                where = _Where(str(t.document_id), int(t.page), str(t.table_id), f"r{r}c{c}", r, c)
                metric = _survey_metric(label, kind, text)
                row = _quantity(metric, text, where, scope=None if label in SURVEY_LABELS else label or None)
                rows.append(row | {"raw_text": text.strip()})
    return rows


_SOURCES: tuple[Callable[[RawLayer], list[dict[str, Any]]], ...] = (_network_rows, _map_rows, _survey_rows)


def build_program_outcomes(raw: RawLayer) -> pd.DataFrame:
    """One row per outcome metric per document, from the 成果, 19プロジェクト and survey slides."""
    rows = [row for source in _SOURCES for row in source(raw)]
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    unclassified: dict[str, set[str]] = {}
    for row in rows:
        if is_unclassified(row["metric"]):
            row["metric"] = unique_metric(row["metric"], unclassified.setdefault(row["document_id"], set()))
        key = (row["document_id"], row["metric"])
        if key in seen:
            raise CellValueError(
                row["document_id"],
                row["source_page"],
                TABLE.name,
                row["metric"],
                row["raw_text"],
                f"{row['metric']} is printed twice (also {seen[key]['raw_text']!r} on page {seen[key]['source_page']})",
            )
        seen[key] = row
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), ignore_index=True)
