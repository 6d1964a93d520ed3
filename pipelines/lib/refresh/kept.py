"""Per-document work kept between refreshes, found again by the key of what it was made from.

A step whose output for one document depends only on that document and the code (its staging rows, a check's
findings, the report's charts and crops, its Data Docs pages) is done once and kept. Its key is a sha256 of the
step's code version and of the document's inputs: its rows in the tables the step reads, fingerprinted where
they are (:func:`document_fingerprints`, in DuckDB, so rows changed by hand count too), or its PDF's sha256. A
refresh redoes a document's work only when its key changed: a new or changed document, or a code change to that
step (the code version decides, never a modification time). What truly spans documents (the marts, the
publish, the report and Data Docs index pages) is rebuilt from the kept parts.

Kept work lives in ``.build/kept/<kind>/<document_id>/<key>.pkl``, one entry per document and kind (saving a new
key drops the old one), beside the working database it was made from.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import duckdb

from pipelines.lib.schema import Table

T = TypeVar("T")

KEPT_DIR_NAME = "kept"
NO_ROWS = "no rows"
"""The fingerprint of a document that has no row in a table (or of a table not built yet)."""


def work_key(*parts: str) -> str:
    """One key from the parts of what a piece of work was made from (code versions, fingerprints, names)."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def document_fingerprints(
    con: duckdb.DuckDBPyConnection, spec: Table, documents: Iterable[str] | None = None
) -> dict[str, str]:
    """document_id → fingerprint of the document's rows in one table as stored, independent of their order: the
    count, sum and xor of DuckDB's 64-bit hash of every whole row (one aggregate over the table).

    Every document asked for gets one: :data:`NO_ROWS` when it has none or the table does not exist yet.
    """
    wanted = None if documents is None else sorted(set(documents))
    try:
        rows = con.execute(
            f"SELECT document_id, count(*), sum(hash(t)), bit_xor(hash(t)) FROM {spec.qualified} AS t "
            "GROUP BY document_id"
        ).fetchall()
    except duckdb.CatalogException:  # not built yet
        rows = []
    found = {str(d): f"{n}:{total}:{xor}" for d, n, total, xor in rows}
    return {d: found.get(d, NO_ROWS) for d in (wanted if wanted is not None else sorted(found))}


_SAFE_NAME = re.compile(r"[\w.\-]+")


def folder_name(document_id: str) -> str:
    """The folder of a document's kept work: its id when that is a plain file name, else a hash of it."""
    if _SAFE_NAME.fullmatch(document_id) and document_id not in (".", ".."):
        return document_id
    return "id-" + hashlib.sha256(document_id.encode()).hexdigest()[:24]


@dataclass
class DocumentWork(Generic[T]):
    """A step's output per document, and which documents it recomputed and which it reused."""

    results: dict[str, T] = field(default_factory=dict)
    recomputed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)

    def in_order(self) -> list[T]:
        """The results in document order (how a step combines them, whatever was reused)."""
        return [self.results[d] for d in sorted(self.results)]


@dataclass(frozen=True)
class KeptWork:
    """The folder of kept per-document work (``.build/kept``)."""

    root: Path

    @classmethod
    def in_build_dir(cls, build_dir: Path) -> KeptWork:
        """The kept work beside the working database."""
        return cls(build_dir / KEPT_DIR_NAME)

    def _folder(self, kind: str, document_id: str) -> Path:
        return self.root / kind / folder_name(document_id)

    def load(self, kind: str, document_id: str, key: str) -> Any | None:
        """The work kept for this document under exactly this key, or None."""
        path = self._folder(kind, document_id) / f"{key}.pkl"
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return None

    def save(self, kind: str, document_id: str, key: str, value: Any) -> None:
        """Keep one document's work under its key (written atomically); its work under other keys goes."""
        folder = self._folder(kind, document_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{key}.pkl"
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        for old in folder.glob("*.pkl"):
            if old != target:
                old.unlink(missing_ok=True)

    def prune(self, kind: str, documents: Iterable[str]) -> None:
        """Drop the kept work of documents that are gone from the raw folder."""
        base = self.root / kind
        keep = {folder_name(d) for d in documents}
        if base.is_dir():
            for folder in base.iterdir():
                if folder.is_dir() and folder.name not in keep:
                    shutil.rmtree(folder, ignore_errors=True)

    def by_document(
        self, kind: str, keys: Mapping[str, str], compute: Callable[[list[str]], Mapping[str, T]]
    ) -> DocumentWork[T]:
        """Each document's work: kept under its key, else computed (all stale documents in one call) and kept.

        ``compute`` gets the documents to compute and returns document_id → result for each of them.
        """
        work: DocumentWork[T] = DocumentWork()
        stale = []
        for document_id in sorted(keys):
            found = self.load(kind, document_id, keys[document_id])
            if found is None:
                stale.append(document_id)
            else:
                work.results[document_id] = found[0]
                work.reused.append(document_id)
        if stale:
            fresh = compute(stale)
            for document_id in stale:
                self.save(kind, document_id, keys[document_id], (fresh[document_id],))
                work.results[document_id] = fresh[document_id]
            work.recomputed = stale
        self.prune(kind, keys)
        return work
