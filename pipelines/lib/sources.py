"""See the source: resolve a warehouse row's provenance to the file, page, table, cell, text and bbox it was read from.

A row's address is (``document_id``, ``source_page``, ``source_table_id``, ``source_row``, ``source_col``):

- a table id with a row and a column names one cell of raw.table_cells;
- a table id with a row and no column names a whole table row (every cell of it);
- a table id without a row names a line printed with the table (raw.table_annotations), found by its text;
- a passage id (not a raw.tables id) names a paragraph of raw.text_blocks on ``source_page``.

:func:`find_sources` runs a user's WHERE filter on one registry table over a read-only connection with file
system access disabled, and resolves each matching row. Pure logic: no dagster.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.normalize import clean_text
from pipelines.lib.pdf.crops import MARGIN_PT, Region, regions_markdown, render_regions
from pipelines.lib.refresh.kept import KeptWork
from pipelines.lib.schema import BY_NAME, Table
from pipelines.lib.typed_tables.store import typed_specs

ADDRESS_COLUMNS = ("document_id", "source_page", "source_table_id", "source_row", "source_col")
CROP_RESOLUTION = 110
"""Dots per inch of a crop: table text (8-10 pt) stays readable at about 13 px per line."""


class SourceQueryError(ValueError):
    """A table, filter or match the source command refuses; the message is one line for the user."""


@dataclass(frozen=True)
class Address:
    """Where a warehouse row says it was read from."""

    document_id: str
    page: int | None
    table_id: str
    row: int | None
    col: int | None


@dataclass(frozen=True)
class Source:
    """The raw cell, row, annotation or text block an address names, with its text and bbox on the page."""

    address: Address
    file_name: str
    kind: str
    """cell, row, annotation or block"""
    page: int
    table_title: str | None
    column_header: str | None
    row_label: str | None
    text: str
    bbox: tuple[float, float, float, float] | None
    """x0, top, x1, bottom in PDF points from the page's top-left; None where the raw layer has no position"""
    grid_origin: str | None = None
    """raw.tables.grid_origin of the table (rules, partial_rules, text_alignment); None for a text block"""

    @property
    def grid(self) -> str | None:
        """How the table's grid was read, in words; None for a text block."""
        return GRID_ORIGINS.get(self.grid_origin or "", self.grid_origin)

    @property
    def where(self) -> str:
        """cell r1c1, row 3, block 2 or annotation: the position within the table or passage."""
        a = self.address
        return {
            "cell": f"row {a.row}, column {a.col}",
            "row": f"row {a.row} (the whole row)",
            "block": f"text block {a.row}",
        }.get(self.kind, "a line printed with the table")

    @property
    def slug(self) -> str:
        """A file-name-safe, deterministic name for this source."""
        a = self.address
        part = {"cell": f"r{a.row}c{a.col}", "row": f"r{a.row}", "block": f"b{a.row}"}.get(self.kind, "note")
        if self.kind == "annotation":
            part += hashlib.sha256(self.text.encode()).hexdigest()[:8]
        return re.sub(r"[^A-Za-z0-9_.-]", "_", f"{a.document_id}_p{self.page}_{a.table_id}_{part}")

    def region(self) -> Region | None:
        """The page region to crop, or None without a bbox."""
        if self.bbox is None:
            return None
        return Region(self.address.document_id, self.slug, self.page, self.bbox)

    def lines(self) -> list[str]:
        """What the source command prints for it (labelled lines)."""
        out = [
            f"file:   {self.file_name}",
            f"page:   {self.page}",
            f"table:  {self.address.table_id}" + (f" ({self.table_title})" if self.table_title else ""),
            f"at:     {self.where}",
        ]
        if self.grid is not None:
            out.append(f"grid:   {self.grid}")
        if self.column_header is not None:
            out.append(f"column: {_one_line(self.column_header)}")
        if self.row_label is not None:
            out.append(f"row:    {_one_line(self.row_label)}")
        out.append(f"text:   {_one_line(self.text)}")
        if self.bbox is None:
            out.append("bbox:   none (the raw layer keeps no position for this line)")
        else:
            x0, top, x1, bottom = self.bbox
            out.append(f"bbox:   x0={x0:.1f} top={top:.1f} x1={x1:.1f} bottom={bottom:.1f} (points, page top-left)")
        return out


GRID_ORIGINS = {
    "rules": "ruled (every cell edge drawn)",
    "partial_rules": "partly ruled (rows from its rules, columns from text alignment)",
    "text_alignment": "no rules (columns and rows from text alignment)",
    "raster_lines": "ruled in a scan (edges from the lines found in its pixels)",
}
"""raw.tables.grid_origin in words, as a source says it."""


def _one_line(text: str) -> str:
    return text.replace("\n", " / ")


def _norm(text: str | None) -> str:
    return re.sub(r"\s", "", clean_text(text or ""))


def _union(boxes: Sequence[tuple[float, float, float, float]]) -> tuple[float, float, float, float] | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def resolve(con: duckdb.DuckDBPyConnection, address: Address, hints: Sequence[str] = ()) -> Source | None:
    """The raw cell, row, annotation or block an address names; None if the raw layer has no such thing.

    ``hints`` (the row's raw_text, else its text values) pick the annotation of a table-level address: the
    first line that contains a hint, tried in order.
    """
    a = address
    docs = con.execute("SELECT file_name FROM raw.documents WHERE document_id = ?", [a.document_id]).fetchall()
    file_name = docs[0][0] if docs else f"{a.document_id}.pdf"
    tables = con.execute(
        "SELECT page, title, grid_origin FROM raw.tables WHERE document_id = ? AND table_id = ?",
        [a.document_id, a.table_id],
    ).fetchall()
    if not tables:
        return _resolve_block(con, a, file_name)
    page, title, origin = tables[0]
    if a.row is None:
        notes = con.execute(
            "SELECT text FROM raw.table_annotations WHERE document_id = ? AND table_id = ? ORDER BY seq",
            [a.document_id, a.table_id],
        ).fetchall()
        wanted = [_norm(h) for h in hints if _norm(h)]
        text = next((t for h in wanted for (t,) in notes if h in _norm(t)), None)
        if text is None:
            return None
        return Source(a, file_name, "annotation", page, title, None, None, text, None, origin)
    cells = con.execute(
        "SELECT row_idx, col_idx, text, x0, top, x1, bottom FROM raw.table_cells "
        "WHERE document_id = ? AND table_id = ? AND (row_idx = ? OR (row_idx = 0 AND col_idx = ?) "
        "OR (row_idx = ? AND col_idx = 0)) ORDER BY row_idx, col_idx",
        [a.document_id, a.table_id, a.row, a.col, a.row],
    ).fetchall()
    in_row = [c for c in cells if c[0] == a.row]
    if not in_row:
        return None
    label = next((c[2] for c in in_row if c[1] == 0), None)
    if a.col is None:
        text = " | ".join(c[2] or "" for c in in_row)
        bbox = _union([(c[3], c[4], c[5], c[6]) for c in in_row])
        return Source(a, file_name, "row", page, title, None, label, text, bbox, origin)
    cell = next((c for c in in_row if c[1] == a.col), None)
    if cell is None:
        return None
    header = next((c[2] for c in cells if c[0] == 0 and c[1] == a.col), None) if a.row != 0 else None
    row_label = label if a.col != 0 else None
    return Source(a, file_name, "cell", page, title, header, row_label, cell[2] or "", tuple(cell[3:7]), origin)


Findings = tuple[dict[str, Any], ...]


def finding_sources(
    con: duckdb.DuckDBPyConnection, findings: Sequence[dict[str, Any]]
) -> list[tuple[Findings, Source | None]]:
    """A check's findings grouped by the raw cell, block or line each names, in their order, with that source
    (None where the raw layer has no such thing). A finding names it by its address (document_id, page, table,
    row, col) and its raw_text, which picks a line printed with a table."""
    groups: dict[str, tuple[list[dict[str, Any]], Source | None]] = {}
    for i, f in enumerate(findings):
        address = Address(f["document_id"], f["page"], f["table"], f.get("row"), f.get("col"))
        source = resolve(con, address, [f.get("raw_text") or ""])
        groups.setdefault(source.slug if source is not None else f"#{i}", ([], source))[0].append(f)
    return [(tuple(found), source) for found, source in groups.values()]


FINDING_CROPS = 12
"""Crops a check's metadata shows at most (the first cells of its findings): the event log keeps metadata small."""
FINDING_CROP_RESOLUTION = 96
"""Dots per inch of a finding's crop in the UI: a scanned cell's digits stay legible (the report's crops' too)."""
_MARKDOWN = re.compile(r"([\\`*_\[\]<>])")


def findings_markdown(
    con: duckdb.DuckDBPyConnection,
    findings: Sequence[dict[str, Any]],
    raw_dir: Path,
    label: Callable[[Findings, Source], str],
    *,
    kept: KeptWork | None = None,
    kind: str = "finding_crops",
    limit: int = FINDING_CROPS,
) -> str:
    """Markdown for a check's metadata: a crop of the cell, block or line of each group of findings (see
    :func:`finding_sources`), titled by ``label``, at most ``limit`` of them, then how many more there are.
    Crops come from the raw folder's PDF when it is the file the warehouse read, rendered once per PDF and set
    of regions with ``kept`` (under ``kind``)."""
    groups = finding_sources(con, findings)
    documents = [str(r[0]) for r in con.execute("SELECT document_id FROM raw.documents ORDER BY 1").fetchall()]
    named = sorted({s.address.document_id for _, s in groups if s is not None})
    pdfs = {d: pdf for d in named if (pdf := source_pdf(con, raw_dir, d)[0]) is not None}
    regions = [
        Region(s.address.document_id, _MARKDOWN.sub(r"\\\1", label(found, s)), s.page, s.bbox)
        for found, s in groups
        if s is not None and s.bbox is not None and s.address.document_id in pdfs
    ][:limit]
    text = regions_markdown(pdfs, regions, FINDING_CROP_RESOLUTION, kept, kind, documents) if regions else ""
    if rest := len(groups) - len(regions):
        text += f"\n\n_{rest} more not cropped here (past the first {limit}, or with no bbox): the report lists all_\n"
    return text


def _resolve_block(con: duckdb.DuckDBPyConnection, a: Address, file_name: str) -> Source | None:
    rows = con.execute(
        "SELECT text, x0, top, x1, bottom FROM raw.text_blocks "
        "WHERE document_id = ? AND passage_id = ? AND page = ? AND block_idx = ?",
        [a.document_id, a.table_id, a.page, a.row],
    ).fetchall()
    if not rows or a.page is None:
        return None
    text, *bbox = rows[0]
    return Source(a, file_name, "block", a.page, None, None, None, text or "", tuple(bbox))


def sourced_tables() -> dict[str, Table]:
    """Registry tables whose rows carry an address: every staging table, and the marts that pass one on."""
    return {name: t for name, t in BY_NAME.items() if set(ADDRESS_COLUMNS) <= set(t.column_names)}


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def filter_query(spec: Table, where: str) -> str:
    """SELECT the row's key, raw_text and address from a registry table WHERE (the user's filter).

    The filter stands on its own lines, so a trailing ``--`` comment cannot swallow the closing parenthesis.
    """
    if ";" in where:
        raise SourceQueryError("the filter must be one SQL expression for a WHERE clause, not statements (no ';')")
    if not where.strip():
        raise SourceQueryError('the filter is empty: give a WHERE condition, e.g. "fiscal_year = 2005"')
    key = [k for k in spec.key if k != "document_id"]
    extra = ["raw_text"] if "raw_text" in spec.column_names else []
    columns = ", ".join(_quote_ident(c) for c in (*ADDRESS_COLUMNS, *extra, *key))
    order = ", ".join(_quote_ident(c) for c in ("document_id", *key))
    return f"SELECT {columns}\nFROM {spec.qualified}\nWHERE (\n{where}\n)\nORDER BY {order}"


@dataclass(frozen=True)
class Match:
    """One row the filter matched: its key values and its resolved source (None if the raw layer lacks it)."""

    key: dict[str, Any]
    address: Address
    source: Source | None


def connect_read_only(published: Path) -> duckdb.DuckDBPyConnection:
    """The published database, read-only, with file system access (read_csv, COPY, extensions) disabled."""
    return duckdb.connect(str(published), read_only=True, config={"enable_external_access": False})


def find_sources(con: duckdb.DuckDBPyConnection, table_name: str, where: str) -> list[Match]:
    """Every row of a registry table matching the filter, with its source; SourceQueryError for the user."""
    tables = {**sourced_tables(), **{t.qualified: t for t in typed_specs(con)}}  # and the typed tables it holds
    spec = tables.get(table_name)
    if spec is None:
        raise SourceQueryError(
            f"unknown table {table_name!r}: use one of {', '.join(sorted(tables))} (tables that carry an address)"
        )
    sql = filter_query(spec, where)
    try:
        statements = con.extract_statements(sql)
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise SourceQueryError("the filter must be one SQL expression for a WHERE clause")
        cur = con.execute(sql)
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise SourceQueryError(f"the filter does not work on {table_name}: {first}") from None
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if not rows:
        raise SourceQueryError(f"no row of {table_name} matches: {_one_line(where.strip())}")
    out = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        address = Address(*(values[c] for c in ADDRESS_COLUMNS))
        key = {k: values[k] for k in names[len(ADDRESS_COLUMNS) :] if k != "raw_text"}
        texts = sorted((v for v in key.values() if isinstance(v, str)), key=len, reverse=True)
        hints = [values["raw_text"]] if values.get("raw_text") else texts
        out.append(Match(key, address, resolve(con, address, hints)))
    return out


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_pdf(con: duckdb.DuckDBPyConnection, raw_dir: Path, document_id: str) -> tuple[Path | None, str]:
    """The raw folder's PDF of a document if it is the very file the warehouse read (same sha256), else a reason."""
    rows = con.execute("SELECT file_name, sha256 FROM raw.documents WHERE document_id = ?", [document_id]).fetchall()
    if not rows:
        return None, f"{document_id} is not in raw.documents"
    return pdf_for(raw_dir, *rows[0])


def pdf_for(raw_dir: Path, file_name: str, sha256: str) -> tuple[Path | None, str]:
    """raw_dir/file_name if it exists and has this sha256, else None and the reason."""
    path = raw_dir / file_name
    if not file_name or not path.is_file():
        return None, f"{file_name or 'the PDF'} is not in the raw folder"
    if sha256 and file_sha256(path) != sha256:
        return None, f"{file_name} in the raw folder is not the file the warehouse was built from (sha256 differs)"
    return path, ""


def crop_box(source: Source, page_size: tuple[float, float]) -> tuple[float, float, float, float] | None:
    """The region a crop shows: the bbox with a margin, clipped to the page (as render_regions crops)."""
    if source.bbox is None:
        return None
    x0, top, x1, bottom = source.bbox
    width, height = page_size
    return (
        max(0.0, x0 - MARGIN_PT),
        max(0.0, top - MARGIN_PT),
        min(width, x1 + MARGIN_PT),
        min(height, bottom + MARGIN_PT),
    )


def render_crops(pdf: Path, sources: Sequence[Source], resolution: int = CROP_RESOLUTION) -> dict[str, bytes]:
    """One PNG per distinct source with a bbox, keyed by its slug (deterministic bytes for the same PDF)."""
    unique = {s.slug: s for s in sources if s.bbox is not None}
    regions = [s.region() for s in unique.values()]
    pngs = render_regions(pdf, [r for r in regions if r is not None], resolution=resolution)
    return dict(zip(unique, pngs, strict=True))


def _print_err(message: str) -> None:
    print(message, file=sys.stderr)


def run_source(published: Path, raw_dir: Path, table_name: str, where: str, out: Path) -> int:
    """The source command: print every matching row's source and write one crop PNG per distinct source.

    Returns 0; 2 (one line on stderr) for an unknown table, a filter that fails or matches nothing; 1 without
    a published warehouse.
    """
    if not published.exists():
        _print_err(f"no published warehouse at {published}: run `make run` first")
        return 1
    con = connect_read_only(published)
    try:
        try:
            matches = find_sources(con, table_name, where)
        except SourceQueryError as e:
            _print_err(str(e))
            return 2
        pdfs = {d: source_pdf(con, raw_dir, d) for d in sorted({m.address.document_id for m in matches})}
    finally:
        con.close()
    crops: dict[str, Path] = {}
    for document_id, (pdf, _) in pdfs.items():
        mine = [m.source for m in matches if m.source and m.address.document_id == document_id]
        if pdf is None or not mine:
            continue
        out.mkdir(parents=True, exist_ok=True)
        for slug, png in render_crops(pdf, mine).items():
            path = out / f"{slug}.png"
            path.write_bytes(png)
            crops[slug] = path
    for i, m in enumerate(matches, 1):
        key = ", ".join(f"{k}={v}" for k, v in m.key.items())
        print(f"[{i}] {table_name} {key}")
        if m.source is None:
            a = m.address
            print(f"  no raw cell or block at {a.table_id} row {a.row} col {a.col} (page {a.page})")
            continue
        print("\n".join(f"  {line}" for line in m.source.lines()))
        crop = crops.get(m.source.slug)
        if crop is not None:
            print(f"  crop:   {crop}")
        elif m.source.bbox is not None:
            print(f"  crop:   none ({pdfs[m.address.document_id][1]})")
    return 0
