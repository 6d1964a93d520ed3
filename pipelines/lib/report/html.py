"""The report page: charts as embedded SVG, every mart as a table with units in its headers, a provenance footer.

Output is a pure function of its inputs: no dates, no absolute paths, no dict-order surprises. Everything
is escaped; the only markup comes from this module.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipelines.lib.pdf.ocr.crosscheck import DISAGREEMENT_CONFIDENCE
from pipelines.lib.pdf.ocr.settings import UNCERTAIN_BELOW
from pipelines.lib.report.data import ColumnInfo, MartData, RunInfo, UncertainValues, UnknownTable
from pipelines.lib.report.sources import CSS as SOURCE_CSS
from pipelines.lib.report.sources import HIDDEN_COLUMNS, ReportSources, crop_image, no_crop

NULL_TEXT = "—"
FONT_FAMILY = "ReportGothic"

CSS = """
body { font-family: "ReportGothic"; margin: 24px auto; max-width: 1180px; color: #222; line-height: 1.5; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 36px; border-bottom: 2px solid #4C72B0; }
h3 { font-size: 15px; margin: 18px 0 6px; } p.lead, p.desc { color: #444; margin: 4px 0 10px; }
figure { margin: 8px 0 16px; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 13px; color: #555; }
nav ul { columns: 2; font-size: 14px; }
table.mart { border-collapse: collapse; font-size: 12.5px; margin: 6px 0 12px; width: 100%; }
table.mart th, table.mart td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; white-space: pre-line; }
table.mart th { background: #f0f3f8; text-align: left; }
table.mart th .unit { color: #b04a00; font-weight: normal; }
table.mart td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.mart td.null { color: #999; text-align: center; }
footer { margin-top: 40px; border-top: 1px solid #ccc; font-size: 12px; color: #555; }
code { font-family: "ReportGothic"; } footer code { font-size: 11.5px; }
"""


@dataclass(frozen=True)
class ChartImage:
    """A rendered chart for the page; with several documents, each chart draws one (``document_id``)."""

    id: str
    title: str
    mart: str
    svg: bytes
    alt: str
    document_id: str | None = None


def format_value(value: Any) -> str:
    """A cell as text: NULL as —, numbers exact (DECIMAL) or to 2 decimals (DOUBLE), thousands separated."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NULL_TEXT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    return str(value)


def header_cell(col: ColumnInfo) -> str:
    """<th> with the column name, its unit in brackets, and the description as a tooltip."""
    unit = f' <span class="unit">[{html.escape(col.unit)}]</span>' if col.unit else ""
    return (
        f'<th data-col="{html.escape(col.name)}" title="{html.escape(col.description)}">'
        f"{html.escape(col.name)}{unit}</th>"
    )


def mart_table(mart: MartData, sources: ReportSources | None = None, element_id: str | None = None) -> str:
    """A mart as an HTML table (every row, every column but the address); a sourced figure opens its source."""
    names = tuple(c.name for c in mart.columns)
    shown = [i for i, c in enumerate(mart.columns) if c.name not in HIDDEN_COLUMNS]
    head = "".join(header_cell(mart.columns[i]) for i in shown)
    body = []
    for row in mart.rows:
        cells = []
        for i in shown:
            col, value = mart.columns[i], row[i]
            text = format_value(value)
            cls = "null" if text == NULL_TEXT else ("num" if col.unit else "")
            attr = f' class="{cls}"' if cls else ""
            source = sources.for_cell(mart.name, col.name, names, row) if sources and text != NULL_TEXT else None
            content = sources.button(source, text) if sources and source else html.escape(text)
            cells.append(f"<td{attr}>{content}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table_id = html.escape(element_id or f"mart-{mart.name}")
    return (
        f'<table class="mart" id="{table_id}" data-mart="{html.escape(mart.name)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def mart_section(mart: MartData, sources: ReportSources | None = None, document_id: str | None = None) -> str:
    """Heading, description, row count and table of one mart (of one document's rows, under a chart of it)."""
    anchor = mart.name if document_id is None else f"{mart.name}-{document_id}"
    of = "" if document_id is None else f" [{html.escape(document_id)}]"
    return (
        f'<h3 id="table-{html.escape(anchor)}">marts.{html.escape(mart.name)}{of}'
        f" <small>({len(mart.rows)} 行)</small></h3>"
        f'<p class="desc">{html.escape(mart.description)}</p>{mart_table(mart, sources, f"mart-{anchor}")}'
    )


EDITION_CHANGES = "edition_changes"
CHANGE_LABELS = {"added": "追加 (added)", "removed": "削除 (removed)", "changed": "変更 (changed)"}


def edition_changes_section(mart: MartData) -> str:
    """What changed between consecutive editions: per pair and table the rows added and removed and the
    values changed, then every changed value (old → new). Empty when the warehouse holds one edition."""
    df = mart.frame()
    if df.empty:
        return ""
    summary = ["<tr><th>版 (edition)</th><th>前の版 (previous)</th><th>table</th>"]
    summary[0] += "".join(f"<th>{html.escape(label)}</th>" for label in CHANGE_LABELS.values()) + "</tr>"
    for (doc, prev, tbl), group in df.groupby(["document_id", "prev_document_id", "table"], sort=True):
        counts = []
        for change in CHANGE_LABELS:
            part = group[group["change"] == change]
            counts.append(part["key"].nunique() if change != "changed" else len(part))
        summary.append(
            f"<tr><td>{html.escape(str(doc))}</td><td>{html.escape(str(prev))}</td><td>{html.escape(str(tbl))}</td>"
            + "".join(f'<td class="num">{n}</td>' for n in counts)
            + "</tr>"
        )
    changed = df[df["change"] == "changed"]
    values = "".join(
        f"<tr><td>{html.escape(str(r.document_id))}</td><td>{html.escape(str(r.table))}</td>"
        f"<td>{html.escape(str(r.key))}</td><td>{html.escape(str(r.column))}</td>"
        f"<td>{html.escape(format_value(r.old_value))}</td><td>{html.escape(format_value(r.new_value))}</td></tr>"
        for r in changed.itertuples(index=False)
    )
    return (
        '<section id="edition-changes"><h2>版の間の変更 (changes between editions)</h2>'
        '<p class="desc">marts.edition_changes: 各版を前の版と比べた行の追加・削除と値の変更。</p>'
        f'<table class="mart" id="edition-summary">{"".join(summary)}</table>'
        '<h3>変更された値 (changed values)</h3><table class="mart" id="edition-values">'
        "<tr><th>版 (edition)</th><th>table</th><th>key</th><th>column</th><th>前 (old)</th><th>後 (new)</th></tr>"
        f"{values}</table></section>"
    )


TYPED_TABLES = "typed-tables"
EMPTY_MARTS = "empty-marts"


def typed_tables_section(tables: Sequence[MartData]) -> str:
    """The documents' own tables (tables no family knows, typed), each with its rows; empty when there are none."""
    if not tables:
        return ""
    parts = [
        f'<h3 id="table-{html.escape(t.name)}">{html.escape(t.name)} <small>({len(t.rows)} 行)</small></h3>'
        f'<p class="desc">{html.escape(t.description)}</p>{mart_table(t, None, f"typed-{t.name}")}'
        for t in tables
    ]
    return (
        f'<section id="{TYPED_TABLES}"><h2>文書の表 (the documents\' own tables, typed)</h2>'
        '<p class="desc">どの表ファミリーにも当たらない表を、その数値の単位で型付けした表 (schema tables)。'
        "列名は見出しから、見出しは列の説明 (COMMENT)。</p>" + "".join(parts) + "</section>"
    )


def empty_marts_line(marts: Sequence[MartData]) -> str:
    """The marts with no row for any document, on one line; empty when every mart has rows."""
    if not marts:
        return ""
    names = ", ".join(f"marts.{html.escape(m.name)}" for m in marts)
    return f'<p class="desc" id="{EMPTY_MARTS}">行のないマート (marts with no rows): {names}</p>'


UNKNOWN_TABLES = "unknown-tables"


def unknown_tables_section(tables: Sequence[UnknownTable], sources: ReportSources | None = None) -> str:
    """The tables no family knows, each with its header and the quantities read from its cells (a figure opens
    its source); empty when every table has a family."""
    if not tables:
        return ""
    parts = []
    for t in tables:
        anchor = f"unknown-{t.document_id}-{t.table_id}"
        title = f": {html.escape(t.title)}" if t.title else ""
        parts.append(
            f'<h3 id="{html.escape(anchor)}">{html.escape(t.document_id)} p.{t.page} {html.escape(t.table_id)}'
            f"{title} <small>({len(t.quantities.rows)} 件の数値)</small></h3>"
            f'<p class="desc">見出し (header): {html.escape(" | ".join(h.replace(chr(10), " ") for h in t.header))}</p>'
            + mart_table(t.quantities, sources, element_id=f"table-{anchor}")
        )
    return (
        f'<section id="{UNKNOWN_TABLES}"><h2>どの表ファミリーにも当たらない表の数値 (tables no family knows)</h2>'
        '<p class="desc">staging.quantities: 型の分かる数値 (値は単位 unit の基本単位、範囲は上限)。'
        "数値をクリックすると出典を示す。</p>" + "".join(parts) + "</section>"
    )


UNCERTAIN_OCR = "uncertain-ocr"
UNCERTAIN_OCR_CSS = """
table.uncertain img.crop { display: block; max-width: 360px; height: auto; border: 1px solid #ccc; }
table.uncertain td.file { word-break: break-all; min-width: 8em; }
table.uncertain td.read { white-space: normal; } table.uncertain td.read ul { margin: 0; padding-left: 1.1em; }
"""
"""Only a page with such values has it: a page without is byte for byte what it was before they were shown."""
UNCERTAIN_OCR_HEADER = (
    "file",
    "page",
    "table",
    "cell",
    "行 (row label)",
    "列 (column header)",
    "読んだ値 (values read)",
    "セルの文字 (cell text as read)",
    "確信度 (confidence)",
    "理由 (why)",
    "切り抜き (crop)",
)


def _uncertain_row(values: UncertainValues, crops: Mapping[str, bytes]) -> str:
    """One cell, block or line: where, its labels, the values read in it, its text, confidence, why, crop."""
    first, s = values.findings[0], values.source
    png = crops.get(s.slug) if s is not None else None
    crop = no_crop(s is not None and s.bbox is not None) if s is None or png is None else crop_image(s, png)

    def text(value: str | None) -> str:
        return html.escape(value) if value is not None else NULL_TEXT

    cells = [
        ("file", text(s.file_name if s is not None else f"{values.document_id}.pdf")),
        ("num", str(first["page"])),
        ("", text(str(first["table"]))),
        ("", text(s.where if s is not None and s.kind != "annotation" else str(first["cell"]))),
        ("", text(s.row_label if s is not None else None)),
        ("", text(s.column_header if s is not None else None)),
        ("read", "<ul>" + "".join(f"<li>{html.escape(str(f['raw_text']))}</li>" for f in values.findings) + "</ul>"),
        ("", text(s.text if s is not None else None)),
        ("num", f"{min(float(f['confidence']) for f in values.findings):.2f}"),
        ("", text(" / ".join(dict.fromkeys(str(f["reason"]) for f in values.findings)))),
        ("", crop),
    ]
    return "<tr>" + "".join(f'<td class="{c}">{v}</td>' if c else f"<td>{v}</td>" for c, v in cells) + "</tr>"


def uncertain_ocr_section(values: Sequence[UncertainValues], crops: Mapping[str, bytes]) -> str:
    """Every value the WARN check has_no_uncertain_ocr_values lists, by the cell it was read from, with a crop of
    that cell; empty when OCR read no page or was sure of every value."""
    if not values:
        return ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in UNCERTAIN_OCR_HEADER)
    body = "".join(_uncertain_row(v, crops) for v in values)
    n = sum(len(v.findings) for v in values)
    return (
        f'<section id="{UNCERTAIN_OCR}"><h2>OCR で不確かな値 (values OCR was unsure of)</h2>'
        f'<p class="desc">WARN チェック staging.quantities has_no_uncertain_ocr_values が挙げる {n} 件: '
        f"OCR の確信度が {UNCERTAIN_BELOW} 未満の値、または二つの OCR エンジンが違う数に読んだ値 "
        f"(確信度は高々 {DISAGREEMENT_CONFIDENCE})。切り抜きは PDF のそのセルで、読んだ値と見比べられる。</p>"
        f'<table class="mart uncertain" id="uncertain-ocr-values"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></section>"
    )


def chart_figure(chart: ChartImage) -> str:
    """The chart as an <img> with an SVG data URL."""
    data = base64.b64encode(chart.svg).decode("ascii")
    return (
        f'<figure id="chart-{html.escape(chart.id)}" data-chart="{html.escape(chart.id)}">'
        f'<img alt="{html.escape(chart.alt)}" src="data:image/svg+xml;base64,{data}">'
        f"<figcaption>{html.escape(chart.title)} (marts.{html.escape(chart.mart)})</figcaption></figure>"
    )


def footer(run: RunInfo) -> str:
    """Provenance: every source document's sha256 and the meta.runs run id."""
    docs = "".join(
        f"<li>{html.escape(d['document_id'])} ({html.escape(d['file_name'])}): sha256 "
        f'<code class="sha256">{html.escape(d["sha256"])}</code></li>'
        for d in run.documents
    )
    return (
        f'<footer><p>出典 (source documents):</p><ul class="documents">{docs}</ul>'
        f'<p>run id (meta.runs): <code id="run-id">{html.escape(run.run_id)}</code></p></footer>'
    )


def page_text(parts: Iterable[str]) -> str:
    """Concatenate page parts (used to collect the characters the embedded font must hold)."""
    return "".join(parts)


def page(
    title: str,
    lead: str,
    charts: Sequence[ChartImage],
    marts: Sequence[MartData],
    run: RunInfo,
    font_css: str,
    sources: ReportSources | None = None,
    unknown_tables: Sequence[UnknownTable] = (),
    typed_tables: Sequence[MartData] = (),
    uncertain_ocr: Sequence[UncertainValues] = (),
) -> str:
    """The whole HTML document."""
    charted = {c.mart for c in charts}
    by_name = {m.name: m for m in marts}
    nav = "".join(f'<li><a href="#chart-{html.escape(c.id)}">{html.escape(c.title)}</a></li>' for c in charts)
    nav += "".join(
        f'<li><a href="#table-{m.name}">marts.{html.escape(m.name)}</a></li>'
        for m in marts
        if m.name not in charted and m.rows
    )
    sections = []
    if EDITION_CHANGES in by_name and (changes := edition_changes_section(by_name[EDITION_CHANGES])):
        sections.append(changes)
        nav = '<li><a href="#edition-changes">版の間の変更 (changes between editions)</a></li>' + nav
    if typed := typed_tables_section(typed_tables):  # a document's own tables before marts with none of its rows
        sections.append(typed)
        nav = f'<li><a href="#{TYPED_TABLES}">文書の表 (the documents\' own tables)</a></li>' + nav
    for chart in charts:
        section = f"<section><h2>{html.escape(chart.title)}</h2>{chart_figure(chart)}"
        if chart.mart in by_name:  # under a document's chart, that document's rows: each row shown once
            mart = by_name[chart.mart]
            of = chart.document_id
            section += mart_section(mart if of is None else mart.for_document(of), sources, of)
        sections.append(section + "</section>")
    others = [m for m in marts if m.name not in charted and m.rows]
    empty = [m for m in marts if m.name not in charted and not m.rows]
    if others or empty:
        sections.append(
            "<section><h2>その他のマート (other marts)</h2>"
            + "".join(mart_section(m, sources) for m in others)
            + empty_marts_line(empty)
            + "</section>"
        )
    if unknown := unknown_tables_section(unknown_tables, sources):
        sections.append(unknown)
        nav += f'<li><a href="#{UNKNOWN_TABLES}">どの表ファミリーにも当たらない表 (tables no family knows)</a></li>'
    css = CSS + SOURCE_CSS
    if uncertain := uncertain_ocr_section(uncertain_ocr, sources.crops if sources else {}):
        sections.append(uncertain)
        nav += f'<li><a href="#{UNCERTAIN_OCR}">OCR で不確かな値 (values OCR was unsure of)</a></li>'
        css += UNCERTAIN_OCR_CSS
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{font_css}\n{css}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><p class="lead">{html.escape(lead)}</p><nav><ul>{nav}</ul></nav>'
        + "".join(sections)
        + (f'<div id="sources">{sources.popovers()}</div>' if sources and sources.used else "")
        + footer(run)
        + "</body></html>\n"
    )
