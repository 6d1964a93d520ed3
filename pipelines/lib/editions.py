"""Several documents (editions) in one warehouse: extract and validate only what changed.

Each PDF in the raw folder is its own document (`document_id` = file stem). Instead of Dagster dynamic
partitions, the assets stay unpartitioned and keep per-document state in the working database:

* `meta.extractions` records, per document, the sha256 of the file its raw rows came from and the
  extractor's code version. The raw extraction re-extracts only documents whose sha256 (or the
  extractor) changed, keeps the stored rows of the others, and drops documents that left the folder.
* `meta.document_validations` records, per staging table and document, the fingerprint (rows + suite)
  that last passed. A suite check validates each document's rows on their own (so edition-tied counts
  such as `expect_table_row_count_to_equal` hold per document) and skips documents whose rows and suite
  are unchanged since they passed.

Editions of the same deck are paired by `marts.edition_changes` (see pipelines/sql/marts/edition_changes.sql).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from pipelines.lib.paths import PROJECT_ROOT
from pipelines.lib.schema import Table, table
from pipelines.lib.validate import ValidationSummary, load_suite_dict, rows_fingerprint, validate_frame
from pipelines.lib.warehouse import write_table

EXTRACTIONS = table("meta.extractions")
DOCUMENT_VALIDATIONS = table("meta.document_validations")
EXTRACTOR_SOURCES = ("pipelines/lib/pdf", "pipelines/lib/tables")


def extractor_version() -> str:
    """sha256 of the extraction code: a change re-extracts every document."""
    digest = hashlib.sha256()
    for folder in EXTRACTOR_SOURCES:
        for path in sorted((PROJECT_ROOT / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _has_table(con: duckdb.DuckDBPyConnection, spec: Table) -> bool:
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [spec.schema, spec.name],
    ).fetchall()
    return bool(found[0][0])


def stored_frames(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> dict[str, pd.DataFrame] | None:
    """raw.<name> frames as stored in the working database, or None if any is missing."""
    specs = [table(f"raw.{n}") for n in names]
    if not all(_has_table(con, s) for s in specs):
        return None
    return {s.name: con.execute(f"SELECT * FROM {s.qualified}").df() for s in specs}


def extracted_versions(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """document_id → (sha256, extractor_version) of the rows stored in raw.*."""
    if not _has_table(con, EXTRACTIONS):
        return {}
    rows = con.execute("SELECT document_id, sha256, extractor_version FROM meta.extractions").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def stale_documents(
    current: dict[str, str], extracted: dict[str, tuple[str, str]], version: str, have_rows: bool
) -> list[str]:
    """Documents (by id, sorted) to extract again: new, changed file, changed extractor, or no stored rows."""
    if not have_rows:
        return sorted(current)
    return sorted(d for d, sha in current.items() if extracted.get(d) != (sha, version))


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


def record_extractions(con: duckdb.DuckDBPyConnection, current: dict[str, str], version: str) -> None:
    """Remember which file (sha256) and extractor produced each document's raw rows."""
    df = pd.DataFrame(
        [{"document_id": d, "sha256": s, "extractor_version": version} for d, s in sorted(current.items())],
        columns=EXTRACTIONS.column_names,
    )
    write_table(con, EXTRACTIONS, df)


# ---- per-document validation ---------------------------------------------------------------------


@dataclass
class DocumentsValidation:
    """A suite's verdict on every document of a staging table."""

    suite: str
    validated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    evaluated: int = 0
    failed: dict[str, ValidationSummary] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return not self.failed

    def failures(self) -> list[dict[str, Any]]:
        """Failed expectations, each with the document it failed on."""
        return [{"document_id": d, **f.__dict__} for d, s in self.failed.items() for f in s.failures]

    def describe_failures(self) -> str:
        """One block per failing document."""
        return "\n".join(f"{d}: {s.describe_failures()}" for d, s in self.failed.items())


def _passed_fingerprints(con: duckdb.DuckDBPyConnection, table_name: str) -> dict[str, str]:
    if not _has_table(con, DOCUMENT_VALIDATIONS):
        return {}
    rows = con.execute(
        "SELECT document_id, fingerprint FROM meta.document_validations WHERE table_name = ? AND passed",
        [table_name],
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def validate_by_document(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    suite: str,
    df: pd.DataFrame,
    validate: Callable[[str, pd.DataFrame], ValidationSummary] = validate_frame,
) -> DocumentsValidation:
    """Run the suite on each document's rows, skipping documents unchanged since they passed; record results."""
    suite_dict = load_suite_dict(suite)
    groups = {str(d): g.reset_index(drop=True) for d, g in df.groupby("document_id", sort=True)} if len(df) else {}
    if not groups:
        groups = {"": df}  # no rows at all: the suite decides whether an empty table is acceptable
    passed_before = _passed_fingerprints(con, spec.qualified)
    result = DocumentsValidation(suite)
    records = []
    for document_id, rows in groups.items():
        fingerprint = rows_fingerprint(rows, suite_dict)
        if document_id and passed_before.get(document_id) == fingerprint:
            result.skipped.append(document_id)
            continue
        summary = validate(suite, rows)
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
            }
        )
    _store_document_validations(con, spec.qualified, set(groups), records)
    return result


def _store_document_validations(
    con: duckdb.DuckDBPyConnection, table_name: str, present: set[str], records: list[dict[str, Any]]
) -> None:
    """Replace this table's records: keep unchanged documents' rows, update the validated ones."""
    old = (
        con.execute("SELECT * FROM meta.document_validations").df()
        if _has_table(con, DOCUMENT_VALIDATIONS)
        else pd.DataFrame(columns=DOCUMENT_VALIDATIONS.column_names)
    )
    updated = {r["document_id"] for r in records}
    keep = old[
        (old["table_name"] != table_name) | (old["document_id"].isin(present) & ~old["document_id"].isin(updated))
    ]
    new = pd.DataFrame(records, columns=DOCUMENT_VALIDATIONS.column_names)
    frames = [f for f in (keep, new) if not f.empty]
    df = pd.concat(frames, ignore_index=True) if frames else new
    write_table(con, DOCUMENT_VALIDATIONS, df.sort_values(["table_name", "document_id"]))
