"""Fingerprints: what identifies a file, a set of rows, and the code a result was made with."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipelines.lib.paths import PROJECT_ROOT


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks (a source PDF's identity; an output as a refresh left it)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def rows_fingerprint(rows: Iterable[Sequence[Any]], *context: str) -> str:
    """sha256 of rows, independent of their order, after any context lines (e.g. the suite that judges them)."""
    lines = sorted(json.dumps(list(r), default=str, ensure_ascii=False) for r in rows)
    return hashlib.sha256("\n".join([*context, "\n".join(lines)]).encode()).hexdigest()


def code_fingerprint(*sources: str | Path, extra: Iterable[str] = ()) -> str:
    """16 hex digits of sha256 over source files (a folder: its *.py, sorted) and any extra text.

    Paths are relative to the project root; each file counts by its name and its bytes.
    """
    digest = hashlib.sha256()
    for source in sources:
        path = PROJECT_ROOT / source
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    for text in extra:
        digest.update(text.encode())
    return digest.hexdigest()[:16]
