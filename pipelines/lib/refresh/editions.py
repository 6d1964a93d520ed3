"""Several documents (editions) in one warehouse: extract and validate only what changed.

Each PDF in the raw folder is its own document (`document_id` = file stem). Instead of Dagster dynamic
partitions, the assets stay unpartitioned and keep per-document state in the working database (and the
per-document work of :mod:`pipelines.lib.refresh.kept` beside it):

* `meta.extractions` records, per document, the sha256 of the file its raw rows came from and the
  extractor's code version. The raw extraction re-extracts only documents whose sha256 (or the
  extractor) changed, keeps the stored rows of the others, and drops documents that left the folder.
* `meta.document_builds` (:mod:`pipelines.lib.staging.by_document`) does the same for each staging table.
* `meta.document_validations` records, per staging table and document, the fingerprint (rows, suite and
  the document's suite parameters) that last passed, how many expectations it ran and in which run. A
  suite check validates each document's rows on their own, read on their own, with that document's
  parameters (its page count and own year, kept per document), and reuses the verdict of documents whose
  fingerprint is unchanged since they passed, saying which run's result it reuses.

Editions of the same deck are paired by `marts.edition_changes` (see pipelines/sql/marts/edition_changes.sql).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines.lib.pdf.crops import Region
from pipelines.lib.pdf.document import SourceDocument, inspect_document
from pipelines.lib.pdf.ocr.settings import OcrSettings
from pipelines.lib.refresh import background
from pipelines.lib.refresh.fingerprint import code_fingerprint, module_version, sha256_file
from pipelines.lib.refresh.kept import NO_ROWS, DocumentWork, KeptWork, document_fingerprints, work_key
from pipelines.lib.schema import Table, table
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.validation.suites import document_parameters, load_suite, loosest
from pipelines.lib.validation.validate import ValidationSummary, batch_key
from pipelines.lib.validation.validation_results import ValidationResults
from pipelines.lib.warehouse.build import has_table, read_table, replace_documents, write_table
from pipelines.lib.warehouse.ledger import read_ledger

EXTRACTIONS = table("meta.extractions")
DOCUMENT_VALIDATIONS = table("meta.document_validations")
EXTRACTOR_SOURCES = ("pipelines/lib/pdf", "pipelines/lib/tables")


OCR_SOURCES = ("pipelines/lib/pdf/ocr",)


def extractor_version() -> str:
    """sha256 of the extraction code: a change re-extracts every document."""
    return code_fingerprint(*EXTRACTOR_SOURCES)


def ocr_extractor_version(version: str, ocr: OcrSettings) -> str:
    """The extractor version of a document OCR read: the extraction code's (``version``), the OCR code's and every
    OCR setting that changes what is read (the DPI above all); see :func:`document_versions`."""
    return code_fingerprint(*OCR_SOURCES, extra=[version, ocr.reading()])


INSPECTED_KIND = "documents"
"""Kept work: a source PDF's identity (sha256, page count), read once per file content and page limit."""


def inspected_documents(pdfs: list[Path], max_pages: int, kept: KeptWork | None = None) -> DocumentWork[SourceDocument]:
    """Each PDF of the raw folder identified (sha256, page count), opened only when its bytes are new; a file
    that is not a readable PDF raises SourceDocumentError."""
    version = module_version("pipelines.lib.pdf.document")
    keys = {p.stem: work_key(version, str(max_pages), sha256_file(p)) for p in pdfs}
    by_id = {p.stem: p for p in pdfs}

    def inspect(documents: list[str]) -> dict[str, SourceDocument]:
        return {d: inspect_document(by_id[d], max_pages=max_pages) for d in documents}

    if kept is None:
        return DocumentWork(inspect(sorted(by_id)), recomputed=sorted(by_id))
    work = kept.by_document(INSPECTED_KIND, keys, inspect)
    work.results = {d: replace(doc, path=by_id[d]) for d, doc in work.results.items()}  # the file as it is now
    return work


def extracted_versions(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """document_id → (sha256, extractor_version) of the rows stored in raw.*."""
    if not has_table(con, EXTRACTIONS):
        return {}
    rows = con.execute("SELECT document_id, sha256, extractor_version FROM meta.extractions").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def stale_documents(
    current: dict[str, str], extracted: dict[str, tuple[str, str]], versions: dict[str, str], have_rows: bool
) -> list[str]:
    """Documents (by id, sorted) to extract again: new, changed file, changed extractor version (``versions``, by
    document: :func:`document_versions`), or no stored rows."""
    if not have_rows:
        return sorted(current)
    return sorted(d for d, sha in current.items() if extracted.get(d) != (sha, versions[d]))


OCR_ORIGIN_TABLES = ("table_cells", "table_annotations", "text_blocks")


def ocr_read_documents(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The documents some of whose stored raw rows OCR read (text_origin 'ocr')."""
    if not all(has_table(con, table(f"raw.{n}")) for n in OCR_ORIGIN_TABLES):
        return set()
    union = " UNION ".join(
        f"SELECT DISTINCT document_id FROM raw.{n} WHERE text_origin = 'ocr'" for n in OCR_ORIGIN_TABLES
    )
    return {str(r[0]) for r in con.execute(union).fetchall()}


def document_versions(
    con: duckdb.DuckDBPyConnection, documents: Iterable[str], version: str, ocr_version: str
) -> dict[str, str]:
    """document_id → the extractor version its stored raw rows are current under: ``ocr_version``
    (:func:`ocr_extractor_version`) for a document OCR read, ``version`` for the others. A born-digital
    document's is the extraction code's alone: a new DPI or OCR code reads the scans again, never it."""
    read = ocr_read_documents(con)
    return {d: ocr_version if d in read else version for d in documents}


def merge_frames(previous: pd.DataFrame | None, fresh: pd.DataFrame, keep: set[str]) -> pd.DataFrame:
    """Stored rows of the documents kept, plus the freshly extracted rows."""
    parts = []
    if previous is not None and not previous.empty:
        parts.append(previous[previous["document_id"].isin(keep)])
    if not fresh.empty:
        parts.append(fresh)
    parts = [p for p in parts if not p.empty]
    if not parts:
        return fresh if fresh.columns.size or previous is None else previous.iloc[0:0]
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values([c for c in ("document_id", "table_id", "passage_id", "page") if c in out.columns])


def has_raw_layer(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> bool:
    """Whether every raw.<name> table is there with the registry's columns (else every document is extracted)."""
    return all(has_table(con, table(f"raw.{n}")) for n in names)


def store_extractions(con: duckdb.DuckDBPyConnection, fresh: RawLayer, keep: set[str], names: Iterable[str]) -> None:
    """Replace raw.<name> with the kept documents' stored rows and the freshly extracted ones, document by
    document (documents in neither are dropped)."""
    for name in names:
        ordered = merge_frames(None, getattr(fresh, name), set())
        replace_documents(con, table(f"raw.{name}"), keep, [ordered])


def table_regions(con: duckdb.DuckDBPyConnection) -> list[Region]:
    """The page region of every raw table, by document, page and table id."""
    rows = con.execute(
        "SELECT document_id, table_id, page, x0, top, x1, bottom FROM raw.tables ORDER BY document_id, page, table_id"
    ).fetchall()
    return [Region(d, t, int(p), (x0, top, x1, bottom)) for d, t, p, x0, top, x1, bottom in rows]


def record_extractions(con: duckdb.DuckDBPyConnection, current: dict[str, str], versions: dict[str, str]) -> None:
    """Remember which file (sha256) and extractor version (by document) produced each document's raw rows."""
    df = pd.DataFrame(
        [{"document_id": d, "sha256": s, "extractor_version": versions[d]} for d, s in sorted(current.items())],
        columns=EXTRACTIONS.column_names,
    )
    write_table(con, EXTRACTIONS, df)


# ---- per-document validation ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReusedVerdict:
    """A document whose rows, suite and parameters are unchanged since they passed: its earlier verdict."""

    document_id: str
    expectations: int
    run_id: str | None
    passed_at: str | None  # when that run started, from meta.runs; None if it was never published


@dataclass
class DocumentsValidation:
    """A suite's verdict on every document of a staging table."""

    suite: str
    validated: list[str] = field(default_factory=list)
    reused: list[ReusedVerdict] = field(default_factory=list)
    evaluated: int = 0
    failed: dict[str, ValidationSummary] = field(default_factory=dict)

    @property
    def skipped(self) -> list[str]:
        """Documents whose earlier passing verdict was reused."""
        return [r.document_id for r in self.reused]

    @property
    def expectations(self) -> int:
        """Expectations that hold now: evaluated in this run plus those of the reused verdicts."""
        return self.evaluated + sum(r.expectations for r in self.reused)

    @property
    def success(self) -> bool:
        return not self.failed

    def failures(self) -> list[dict[str, Any]]:
        """Failed expectations, each with the table and document it failed on."""
        return [
            {"table": f"staging.{self.suite}", "document_id": d, **f.__dict__}
            for d, s in self.failed.items()
            for f in s.failures
        ]

    def describe_failures(self) -> str:
        """One line per failed expectation, each naming the table and document."""
        return "\n".join(
            f"staging.{self.suite}, {d}: {o.describe()}" for d, s in self.failed.items() for o in s.failures
        )


def _passed_before(con: duckdb.DuckDBPyConnection, table_name: str) -> dict[str, tuple[str, int, str | None]]:
    """document_id → (fingerprint, expectations, run_id) of its last passing validation."""
    df = read_ledger(con, DOCUMENT_VALIDATIONS)
    passed = df[(df["table_name"] == table_name) & df["passed"].astype(bool)]
    # a null run_id reads back as NaN
    return {
        r.document_id: (r.fingerprint, int(r.evaluated), r.run_id if isinstance(r.run_id, str) else None)
        for r in passed.itertuples()
    }


def _runs_started(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """run_id → when it started, for every run meta.runs holds (none before the first publish)."""
    try:
        rows = con.execute("SELECT run_id, min(started_at) FROM meta.runs GROUP BY run_id").fetchall()
    except duckdb.CatalogException:
        return {}
    return {r: started.isoformat() for r, started in rows if started is not None}


PARAMETERS_KIND = "suite_parameters"
"""Kept work: a document's suite parameters (its page count and own year, read from all its text)."""
PARAMETER_INPUTS = ("raw.documents", "raw.table_cells", "raw.table_annotations", "raw.text_blocks")


def parameters_by_document(con: duckdb.DuckDBPyConnection, kept: KeptWork | None = None) -> dict[str, dict[str, Any]]:
    """document_id → its suite parameters; with ``kept``, read again only for documents whose text changed."""
    if kept is None:
        return document_parameters(con)
    documents = [str(r[0]) for r in con.execute("SELECT document_id FROM raw.documents ORDER BY 1").fetchall()]
    version = module_version("pipelines.lib.validation.suites")
    prints = {name: document_fingerprints(con, table(name), documents) for name in PARAMETER_INPUTS}
    keys = {d: work_key(version, *(f"{n} {prints[n][d]}" for n in PARAMETER_INPUTS)) for d in documents}

    def compute(stale: list[str]) -> dict[str, dict[str, Any]]:
        return document_parameters(con, stale)

    memo = tuple(sorted(keys.items()))
    if memo not in _PARAMETERS_SEEN:  # content-addressed: what this process read for the same text holds
        _PARAMETERS_SEEN.clear()
        _PARAMETERS_SEEN[memo] = kept.by_document(PARAMETERS_KIND, keys, compute).results
    return _PARAMETERS_SEEN[memo]


_PARAMETERS_SEEN: dict[tuple[tuple[str, str], ...], dict[str, dict[str, Any]]] = {}


@dataclass(frozen=True)
class DocumentBatch:
    document_id: str
    parameters: dict[str, Any]
    fingerprint: str
    passed_before: tuple[str, int, str | None] | None  # its earlier passing verdict, when nothing changed


def document_batches(
    con: duckdb.DuckDBPyConnection, spec: Table, suite_dict: dict[str, Any], parameters: dict[str, dict[str, Any]]
) -> list[DocumentBatch]:
    """Each document's batch (its rows, fingerprinted where they are stored) with its parameters and
    fingerprint, and its reusable verdict if any. A table with no rows is one batch, "" (its rules still run)."""
    fallback = loosest(parameters)
    before = _passed_before(con, spec.qualified)
    prints = document_fingerprints(con, spec)
    batches = []
    for document_id in sorted(prints) or [""]:
        params = parameters.get(document_id, fallback)
        fingerprint = batch_key(prints.get(document_id, NO_ROWS), suite_dict, params)
        reusable = bool(document_id) and document_id in before and before[document_id][0] == fingerprint
        batches.append(DocumentBatch(document_id, params, fingerprint, before[document_id] if reusable else None))
    return batches


def batch_rows(con: duckdb.DuckDBPyConnection, spec: Table, document_id: str) -> pd.DataFrame:
    """The rows a batch validates: one document's, read on their own (so what else the table holds never
    changes how they read), in key order; the empty table for the "" batch."""
    if not document_id:
        return read_table(con, spec)
    order = ", ".join(f'"{k}"' for k in spec.key)
    return con.execute(f"SELECT * FROM {spec.qualified} WHERE document_id = ? ORDER BY {order}", [document_id]).df()


def submit_validations(
    con: duckdb.DuckDBPyConnection, spec: Table, suite: str, parameters: dict[str, dict[str, Any]]
) -> int:
    """Hand the documents whose verdict cannot be reused to the background worker; returns how many."""
    suite_dict = load_suite(suite)
    return sum(
        background.submit(suite, batch_rows(con, spec, b.document_id), b.parameters, suite_dict, key=b.fingerprint)
        for b in document_batches(con, spec, suite_dict, parameters)
        if b.passed_before is None
    )


def validate_by_document(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    suite: str,
    parameters: dict[str, dict[str, Any]],
    run_id: str | None = None,
    validate: Callable[..., ValidationSummary] = background.validate,
    results: ValidationResults | None = None,
) -> DocumentsValidation:
    """Run the suite on each document's rows with its parameters, reusing unchanged passing verdicts; record.

    With ``results``, each GX result is kept there for the Data Docs to render.
    """
    suite_dict = load_suite(suite)
    result = DocumentsValidation(suite)
    records = []
    batches = document_batches(con, spec, suite_dict, parameters)
    started = _runs_started(con) if any(b.passed_before for b in batches) else {}
    for batch in batches:
        document_id, params, fingerprint = batch.document_id, batch.parameters, batch.fingerprint
        if batch.passed_before is not None:
            _, expectations, passed_in = batch.passed_before
            reused = ReusedVerdict(document_id, expectations, passed_in, started.get(passed_in or ""))
            result.reused.append(reused)
            continue
        rows = batch_rows(con, spec, document_id)
        summary = validate(suite, rows, parameters=params, suite_dict=suite_dict, key=fingerprint)
        if results is not None:
            results.save(suite, fingerprint, document_id, run_id, summary.raw_result)
        result.validated.append(document_id)
        result.evaluated += summary.evaluated
        if not summary.success:
            result.failed[document_id or "(no rows)"] = summary
        records.append(
            {
                "table_name": spec.qualified,
                "document_id": document_id,
                "fingerprint": fingerprint,
                "passed": summary.success,
                "evaluated": summary.evaluated,
                "run_id": run_id,
            }
        )
    _store_document_validations(con, spec.qualified, {b.document_id for b in batches}, records)
    return result


def _store_document_validations(
    con: duckdb.DuckDBPyConnection, table_name: str, present: set[str], records: list[dict[str, Any]]
) -> None:
    """Replace this table's records: keep unchanged documents' rows, update the validated ones."""
    old = read_ledger(con, DOCUMENT_VALIDATIONS)
    updated = {r["document_id"] for r in records}
    keep = old[
        (old["table_name"] != table_name) | (old["document_id"].isin(present) & ~old["document_id"].isin(updated))
    ]
    new = pd.DataFrame(records, columns=DOCUMENT_VALIDATIONS.column_names)
    frames = [f for f in (keep, new) if not f.empty]
    df = pd.concat(frames, ignore_index=True) if frames else new
    write_table(con, DOCUMENT_VALIDATIONS, df.sort_values(["table_name", "document_id"]))
