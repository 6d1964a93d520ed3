"""staging.field_strategies: the items of the 発展戦略と課題の例 slides, one row per item.

Each table of family ``field_strategy`` has a label column (クラスターの条件…, クラスターの発展戦略,
具体的課題) and one body column whose lines are the items, both read by what their header says. Rows are
recognised by their labels, the field by the slide title; a field's table may continue over several slides
(its items are numbered on, slide after slide in page order).
A line that is only a parenthesised sub-heading, such as (ソフト系), is not
an item: it becomes the ``subgroup`` of the items below it. A line ending in '・' continues on the
next line (本格的なネットワーク形成・ / 更なる産学連携…) and is joined to it. The ・ bullets printed
above each table are the items of aspect ``lead``.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import clean_text, find_garble
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.registry import BY_FAMILY

TABLE = table("staging.field_strategies")
FAMILY = BY_FAMILY["field_strategy"]

# Row label (newlines removed, text before the first ・ sub-bullet) → aspect.
ASPECTS: dict[str, str] = {
    "クラスターの条件": "conditions",
    "クラスターの発展戦略": "strategy",
    "具体的課題": "issues",
}
UNCLASSIFIED_ASPECT = "unclassified"
"""Aspect of the items of a row whose label is none of ASPECTS; the label is kept as their subgroup."""
_FIELD = re.compile(r"\((?P<field>[^()]+?)分野\)")
_SUBHEADING = re.compile(r"^\((?P<name>[^()]+)\)$")


def field_of(title: str) -> str | None:
    """'…発展戦略と課題の例(バイオ分野)' → 'バイオ'; any field the title names passes; None if it names none."""
    m = _FIELD.search(clean_text(title))
    return m.group("field") if m else None


def aspect_of(label: str) -> str | None:
    """'クラスターの\\n発展戦略' → 'strategy'; None for an unknown label."""
    head = clean_text(label.replace("\n", "")).split("・", 1)[0]
    return ASPECTS.get(head)


def split_items(cell: str) -> list[tuple[str | None, str]]:
    """The (subgroup, item) pairs of a body cell: one item per line, sub-heading lines set the subgroup."""
    lines = [clean_text(x) for x in cell.split("\n")]
    items: list[tuple[str | None, str]] = []
    subgroup: str | None = None
    pending = ""
    for line in lines:
        if not line:
            continue
        heading = _SUBHEADING.match(line)
        if heading and not pending:
            subgroup = heading.group("name")
            continue
        line = pending + line
        if line.endswith("・"):
            pending = line
            continue
        pending = ""
        items.append((subgroup, line))
    if pending:
        items.append((subgroup, pending))
    return items


def _table_rows(raw: RawLayer, t: pd.Series, numbered: dict[tuple[str, str, str], int]) -> list[dict]:
    """The items of one table; ``numbered`` counts the items read so far per (document, field, aspect)."""
    document_id, table_id, page = str(t["document_id"]), str(t["table_id"]), int(t["page"])
    field = field_of(str(t["title"]))
    if field is None:
        raise CellValueError(document_id, page, table_id, "title", str(t["title"]), "no (…分野) in the title")
    grid = raw.grid(document_id, table_id)
    mapped = FAMILY.map_header(grid)  # the body column is required: the table was claimed with it
    body_col, label_col = mapped.fields["body"][0], mapped.index("label") or 0

    before = dict(numbered)  # items of this field's earlier slides, per aspect

    def row(aspect: str, idx: int, text: str, subgroup: str | None, src_page: int, src_row: int | None) -> dict:
        key = (document_id, field, aspect)
        idx += before.get(key, 0)
        numbered[key] = max(numbered.get(key, 0), idx + 1)
        return {
            "document_id": document_id,
            "field": field,
            "aspect": aspect,
            "item_idx": idx,
            "text": text,
            "subgroup": subgroup,
            "source_page": src_page,
            "source_table_id": table_id,
            "source_row": src_row,  # None for a lead line printed above the table (raw.table_annotations)
            "source_col": None if src_row is None else body_col,
        }

    rows: list[dict] = []
    leads = raw.annotations(document_id, table_id, "lead")
    for idx, a in enumerate(leads.itertuples()):
        text = clean_text(str(a.text)).lstrip("・").strip()
        if not text:
            raise CellValueError(document_id, int(a.page), table_id, f"lead {int(a.seq)}", str(a.text), "empty lead")
        rows.append(row("lead", idx, text, None, int(a.page), None))

    seen: dict[str, int] = {}
    unclassified = 0
    for r, cells in enumerate(grid[1:], start=1):
        label = cells[label_col]
        aspect = aspect_of(label)
        if aspect in seen:
            raise CellValueError(
                document_id, page, table_id, f"r{r}c{label_col}", label, f"{aspect} already in row {seen[aspect]}"
            )
        body = cells[body_col]
        items = split_items(body)
        if not items:
            raise CellValueError(document_id, page, table_id, f"r{r}c{body_col}", body, f"no items in the {aspect} row")
        if aspect is None and (garble := find_garble(label)):
            where = f"r{r}c{label_col}"
            raise CellValueError(document_id, page, table_id, where, label, f"garbled row label ({garble!r})")
        if aspect is None:  # a row label no rule knows: kept, its label as subgroup, and listed by a WARN check
            name = clean_text(label.replace("\n", ""))
            rows += [row(UNCLASSIFIED_ASPECT, unclassified + i, t, name, page, r) for i, (_, t) in enumerate(items)]
            unclassified += len(items)
            continue
        seen[aspect] = r
        rows += [row(aspect, i, text, sub, page, r) for i, (sub, text) in enumerate(items)]
    return rows


def build_field_strategies(raw: RawLayer) -> pd.DataFrame:
    """One row per item (lead bullet or table line) of the 発展戦略と課題 slides."""
    rows: list[dict] = []
    tables = raw.tables_of(FAMILY.family)
    numbered: dict[tuple[str, str, str], int] = {}
    for _, t in tables.sort_values(["document_id", "page"]).iterrows() if not tables.empty else []:
        rows += _table_rows(raw, t, numbered)
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), ignore_index=True)
