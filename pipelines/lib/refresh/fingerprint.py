"""Fingerprints: what identifies a file, a set of rows, and the code a result was made with."""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
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
            digest.update(file.name.encode() + b"\0" + _source_bytes(file))
    for text in extra:
        digest.update(text.encode())
    return digest.hexdigest()[:16]


@cache
def _source_bytes(path: Path) -> bytes:
    """A source file's bytes, read once per process (the code a process runs does not change under it)."""
    return path.read_bytes()


LIB = "pipelines.lib"


@cache
def _source(module: str) -> Path | None:
    """A module's source file, if it is one of the project's (looked up once per process)."""
    base = PROJECT_ROOT / Path(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every statement, at any depth (imports are statements: no expression is walked, a tenth of the nodes)."""
    for node in nodes:
        yield node
        for block in _BLOCKS:
            yield from _statements(getattr(node, block, None) or ())


@cache
def _imports(module: str, path: Path) -> tuple[str, ...]:
    """The modules (and names that may be submodules) a file imports, absolute (each file parsed once)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in _statements(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parent = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{parent}.{node.module}" if node.module else parent
            else:
                base = node.module or ""
            found += [base, *(f"{base}.{a.name}" for a in node.names)]
    return tuple(m for m in found if m == LIB or m.startswith(LIB + "."))


@cache
def module_files(*modules: str) -> tuple[str, ...]:
    """Project-relative source files of the modules and of every pipelines.lib module they import, transitively."""
    seen: dict[str, Path] = {}
    todo = list(modules)
    while todo:
        module = todo.pop()
        path = _source(module)
        if module in seen or path is None:
            continue
        seen[module] = path
        todo += _imports(module, path)
    return tuple(sorted({p.relative_to(PROJECT_ROOT).as_posix() for p in seen.values()}))


def module_version(*modules: str, extra: Iterable[str] = ()) -> str:
    """The code of some pipelines.lib modules and of every one they import (a per-document check, the charts)."""
    return code_fingerprint(*module_files(*modules), extra=extra)
