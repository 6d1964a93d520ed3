"""What a table's layout has that its family does not name, and what it lacks: reported, never refused.

* :func:`unmapped_columns`: every header cell of a claimed table that names none of its family's fields (a
  printed 対前年度比, a new attribute), and every value column of a transposed table that no header names (a count
  beside a share, read by its unit). Their cells stay in the raw layer and their numbers in staging.quantities,
  with the header as ``column_label``; no field is parsed from them.
* :func:`tables_missing_columns`: every table kept as unrecognised because its header lacks a field the family
  that would claim it cannot do without (its key), with the field and the wordings that would name it.
"""

from __future__ import annotations

from typing import Any

from pipelines.lib.staging.program_outcomes import SURVEY, survey_columns
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.tables.registry import BY_FAMILY, UNRECOGNISED, claim


def _where(t: Any) -> str:
    return f"{t.document_id}.pdf, page {int(t.page)}, table {t.table_id}"


def _tables(raw: RawLayer, recognised: bool) -> list[Any]:
    if raw.tables.empty:
        return []
    tables = raw.tables.sort_values(["document_id", "page", "table_id"])
    mine = tables["family"] != UNRECOGNISED if recognised else tables["family"] == UNRECOGNISED
    return list(tables[mine].itertuples(index=False))


def unmapped_columns(raw: RawLayer) -> list[dict[str, Any]]:
    """Header cells (and unnamed value columns) of claimed tables that no field of their family names."""
    out: list[dict[str, Any]] = []
    for t in _tables(raw, recognised=True):
        family = BY_FAMILY[str(t.family)]
        grid = raw.grid(str(t.document_id), str(t.table_id))
        axis = "row" if family.axis == "column" else "column"
        for i, header in family.map_header(grid).unmapped:
            out.append({"where": _where(t), axis: i, "header": header, "family": family.family})
        if family is SURVEY:
            named = family.map_values(grid) is not None
            for col, kind in survey_columns(grid)[1].items():
                if named and kind is None:  # a header row naming a value column no field names
                    out.append({"where": _where(t), "column": col, "header": grid[0][col], "family": family.family})
                elif not named and kind != "share":  # no header row: a column beside the share, told by its unit
                    read = f"read as {kind} by its unit" if kind else "names nothing a field holds"
                    entry = {"where": _where(t), "column": col, "header": None, "read": read}
                    out.append(entry | {"family": family.family})
    return out


def tables_missing_columns(raw: RawLayer) -> list[dict[str, Any]]:
    """Unrecognised tables that a family would claim (by title or header) but for a field it cannot do without."""
    out: list[dict[str, Any]] = []
    for t in _tables(raw, recognised=False):
        grid = raw.grid(str(t.document_id), str(t.table_id))
        found = claim(str(t.title), grid)
        if found is None or not found[1].missing:
            continue
        family, mapped = found
        missing = {name: list(family.field(name).wordings) for name in mapped.missing}
        out.append(
            {"where": _where(t), "family": family.family, "missing": missing, "header": family.header_cells(grid)}
        )
    return out
