"""The checks that read one document at a time, each document's findings kept until its inputs or the check change.

A check here is a function of one document's rows in the tables it names (:class:`DocumentCheck`): the
completeness rule, provenance (``raw_text_is_in_its_source``) and the WARN listings of new content. Its findings
for a document are kept (:class:`pipelines.lib.refresh.kept.KeptWork`) under the key of the check's code and of that
document's input rows, so a refresh looks again only at the documents that are new or changed; the check's
result is every document's findings in document order, whichever were reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from pipelines.lib.refresh.fingerprint import module_version
from pipelines.lib.refresh.kept import DocumentWork, KeptWork, document_fingerprints, work_key
from pipelines.lib.schema import Table, table
from pipelines.lib.staging.by_document import current_documents, document_rows
from pipelines.lib.staging.completeness import MissingRecord, missing_records
from pipelines.lib.staging.layouts import tables_missing_columns, unmapped_columns
from pipelines.lib.staging.missing_tables import held_quantities_drop, missing_tables, previous_edition
from pipelines.lib.staging.new_content import (
    documents_of_other_kinds,
    unclassified_rows,
    unrecognised_tables,
    untyped_quantities,
)
from pipelines.lib.staging.number_coverage import unread_numbers
from pipelines.lib.staging.printed_changes import printed_change_disagreements
from pipelines.lib.staging.provenance import unresolved_rows
from pipelines.lib.staging.quantities import SKIPPED_ROLES
from pipelines.lib.staging.raw_layer import RawLayer, raw_layer_from_duckdb
from pipelines.lib.staging.registry import STAGING, StagingTable
from pipelines.lib.staging.uncertain_ocr import uncertain_ocr_values

Find = Callable[[duckdb.DuckDBPyConnection, str], list[Any]]


@dataclass(frozen=True)
class DocumentCheck:
    """A check of one document: what it reads, the code that decides, and how it finds."""

    name: str  # the kept work's kind: <asset>:<check>
    inputs: tuple[Table, ...]  # the tables whose rows of the document it reads
    modules: tuple[str, ...]  # the pipelines.lib modules that decide (with what they import: its code version)
    find: Find  # one document's findings (JSON-able)
    params: str = ""  # what else shapes its findings (the registry entry it checks)
    peers: Callable[[duckdb.DuckDBPyConnection, str], list[str]] | None = None  # other documents it reads

    def keys(self, con: duckdb.DuckDBPyConnection, documents: list[str]) -> dict[str, str]:
        """document_id → the key of its findings: this check's code and the input rows of the document (and of
        the peers it compares the document with)."""
        version = module_version(*self.modules, extra=(self.name, self.params))
        read = {d: [d, *(self.peers(con, d) if self.peers else [])] for d in documents}
        every = sorted({x for ds in read.values() for x in ds})
        prints = {spec.qualified: document_fingerprints(con, spec, every) for spec in self.inputs}
        return {
            d: work_key(version, *(f"{n} {x} {p[x]}" for n, p in sorted(prints.items()) for x in read[d]))
            for d in documents
        }


def document_findings(
    con: duckdb.DuckDBPyConnection, check: DocumentCheck, kept: KeptWork | None
) -> DocumentWork[list[Any]]:
    """Every current document's findings: kept ones reused, the others found now (and kept)."""
    documents = current_documents(con)
    if kept is None:
        return DocumentWork({d: check.find(con, d) for d in documents}, recomputed=documents)
    return kept.by_document(f"checks/{check.name}", check.keys(con, documents), lambda stale: _find(con, check, stale))


def _find(con: duckdb.DuckDBPyConnection, check: DocumentCheck, documents: Iterable[str]) -> dict[str, list[Any]]:
    return {d: check.find(con, d) for d in documents}


def all_findings(work: DocumentWork[list[Any]]) -> list[Any]:
    """The findings of every document, in document order."""
    return [f for findings in work.in_order() for f in findings]


def _raw(con: duckdb.DuckDBPyConnection, document_id: str, *names: str) -> RawLayer:
    return raw_layer_from_duckdb(con, names, documents=[document_id])


RAW = {
    name: table(f"raw.{name}") for name in ("documents", "tables", "table_cells", "table_annotations", "text_blocks")
}
LIB = "pipelines.lib.staging"


# ---- raw/tables ----------------------------------------------------------------------------------------------


def _unrecognised(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
    raw = _raw(con, d, "tables", "table_cells")
    return unrecognised_tables(raw.tables, raw.table_cells)


def _other_kinds(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
    raw = _raw(con, d, "documents", "tables", "text_blocks")
    return documents_of_other_kinds(raw.documents, raw.tables, raw.text_blocks)


def _unmapped(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
    return unmapped_columns(_raw(con, d, "tables", "table_cells"))


def _missing_columns(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
    return tables_missing_columns(_raw(con, d, "tables", "table_cells"))


def _missing_tables(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
    raw = _raw(con, d, "tables", "text_blocks")
    return missing_tables(raw.tables, raw.text_blocks)


def _previous_edition(con: duckdb.DuckDBPyConnection, d: str) -> list[str]:
    earlier = previous_edition(current_documents(con), d)
    return [earlier] if earlier else []


def _held_drop(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
    earlier = previous_edition(current_documents(con), d)
    rows = [document_rows(con, QUANTITIES, x) for x in (d, *([earlier] if earlier else []))]
    return held_quantities_drop(pd.concat(rows, ignore_index=True), d, earlier)


QUANTITIES = table("staging.quantities")
CELLS = (RAW["tables"], RAW["table_cells"])
RAW_TABLE_CHECKS: dict[str, DocumentCheck] = {
    c.name.split(":")[1]: c
    for c in (
        DocumentCheck("raw.tables:has_no_unrecognised_tables", CELLS, (f"{LIB}.new_content",), _unrecognised),
        DocumentCheck(
            "raw.tables:documents_are_known_decks",
            (RAW["documents"], RAW["tables"], RAW["text_blocks"]),
            (f"{LIB}.new_content",),
            _other_kinds,
        ),
        DocumentCheck("raw.tables:has_no_unmapped_columns", CELLS, (f"{LIB}.layouts",), _unmapped),
        DocumentCheck(
            "raw.tables:claimed_tables_have_their_required_columns", CELLS, (f"{LIB}.layouts",), _missing_columns
        ),
        DocumentCheck(
            "raw.tables:pages_that_promise_a_table_have_one",
            (RAW["tables"], RAW["text_blocks"]),
            (f"{LIB}.missing_tables",),
            _missing_tables,
        ),
    )
}
"""The checks on raw/tables, by check name."""

EDITION_CHECK = DocumentCheck(
    "staging.quantities:curated_tables_hold_as_much_as_the_previous_edition",
    (QUANTITIES,),
    (f"{LIB}.missing_tables",),
    _held_drop,
    peers=_previous_edition,
)
"""The check of staging/quantities against the edition before each document: curated tables that lost most of
what they held (tables a re-issue prints in a way no grid is read from)."""


# ---- staging tables ------------------------------------------------------------------------------------------


def completeness(st: StagingTable) -> DocumentCheck:
    """accounts_for_every_raw_record: every data record of the families ``st`` covers is in it (MissingRecord
    fields per finding)."""

    def find(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
        raw = _raw(con, d, "tables", "table_cells")
        return [
            m.__dict__ for m in missing_records(raw.tables, raw.table_cells, document_rows(con, st.spec, d), st.covers)
        ]

    inputs = (RAW["tables"], RAW["table_cells"], st.spec)
    return DocumentCheck(
        f"{st.spec.qualified}:accounts_for_every_raw_record", inputs, (f"{LIB}.completeness",), find, repr(st)
    )


def provenance(st: StagingTable) -> DocumentCheck:
    """raw_text_is_in_its_source: one line per row whose raw_text is not in the raw cell or block it names."""

    def find(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
        return unresolved_rows(con, st.spec, d)

    inputs = (st.spec, RAW["table_cells"], RAW["text_blocks"])
    return DocumentCheck(
        f"{st.spec.qualified}:raw_text_is_in_its_source", inputs, (f"{LIB}.provenance",), find, repr(st)
    )


def unclassified(st: StagingTable) -> DocumentCheck:
    """has_no_unclassified_rows: rows no rule could name."""
    column = st.classified_by
    assert column is not None

    def find(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
        return unclassified_rows(document_rows(con, st.spec, d), column)

    return DocumentCheck(
        f"{st.spec.qualified}:has_no_unclassified_rows", (st.spec,), (f"{LIB}.new_content",), find, repr(st)
    )


def untyped(st: StagingTable) -> DocumentCheck:
    """has_no_untyped_quantities: numbers nothing could type."""
    unit = st.untyped_unit
    assert unit is not None

    def find(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
        return untyped_quantities(document_rows(con, st.spec, d), unit)

    return DocumentCheck(
        f"{st.spec.qualified}:has_no_untyped_quantities", (st.spec,), (f"{LIB}.new_content",), find, repr(st)
    )


def uncertain_ocr(st: StagingTable) -> DocumentCheck:
    """has_no_uncertain_ocr_values: values OCR read below its confidence threshold or the two engines read
    differently, and the lines printed with a table so read (a builder leaves an unreadable one out)."""

    def find(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
        raw = _raw(con, d, "table_annotations")
        return uncertain_ocr_values(document_rows(con, st.spec, d), raw.table_annotations)

    inputs = (RAW["table_annotations"], st.spec)
    modules = (f"{LIB}.uncertain_ocr",)
    return DocumentCheck(f"{st.spec.qualified}:has_no_uncertain_ocr_values", inputs, modules, find, repr(st))


def uncertain_ocr_findings(con: duckdb.DuckDBPyConnection, kept: KeptWork | None = None) -> list[Any]:
    """Every document's findings of staging.quantities' has_no_uncertain_ocr_values, as the check lists them (its
    kept findings reused): what the report shows with their crops."""
    quantities = next(st for st in STAGING if st.spec == QUANTITIES)
    return all_findings(document_findings(con, uncertain_ocr(quantities), kept))


def coverage(st: StagingTable) -> DocumentCheck:
    """reads_every_number_with_a_unit: cells and blocks whose plain number-with-unit has no quantity."""

    def find(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
        raw = _raw(con, d, "table_cells", "text_blocks")
        rows = document_rows(con, st.spec, d)
        return unread_numbers(raw.table_cells, raw.text_blocks, rows, skipped_roles=SKIPPED_ROLES)

    inputs = (RAW["table_cells"], RAW["text_blocks"], st.spec)
    modules = (f"{LIB}.number_coverage", f"{LIB}.quantities")
    return DocumentCheck(f"{st.spec.qualified}:reads_every_number_with_a_unit", inputs, modules, find, repr(st))


def printed_changes(st: StagingTable) -> DocumentCheck:
    """printed_changes_agree: printed changes of the budget tables their two fiscal years do not give."""
    budget = table("staging.budget_items")

    def find(con: duckdb.DuckDBPyConnection, d: str) -> list[Any]:
        return printed_change_disagreements(document_rows(con, budget, d), document_rows(con, st.spec, d))

    inputs = (budget, st.spec)
    return DocumentCheck(
        f"{st.spec.qualified}:printed_changes_agree", inputs, (f"{LIB}.printed_changes",), find, repr(st)
    )


def missing_in_warehouse(con: duckdb.DuckDBPyConnection, kept: KeptWork | None = None) -> list[MissingRecord]:
    """The completeness rule over every staging table of a working database (the publish guard), each
    document's verdict reused from its check when its rows are unchanged."""
    return [
        MissingRecord(**m)
        for st in STAGING
        if st.covers
        for m in all_findings(document_findings(con, completeness(st), kept))
    ]
