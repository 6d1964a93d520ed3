"""A staging table's Great Expectations suite: rules generated from the registry plus the rules people write.

The registry (:mod:`pipelines.lib.schema`) already says each column's name, whether it may be null and the
table's key; :func:`schema_expectations` turns that into expectations when a suite is loaded, so no suite
file restates it. ``expectations/<table>.json`` holds only what people must write: vocabularies,
plausible bounds, consistency between columns. None of them may name a fact of one edition (a row count,
an amount, a year, a set of names): those are tests of the bundled deck in ``tests/``.

Bounds that depend on the document are suite parameters (GX ``{"$PARAMETER": name}``), filled in per
document by :func:`document_parameters`: its page count from raw.documents, and its own year (from its
text, see :func:`pipelines.lib.normalize.document_year`), so 'a year at most a few decades after the
document's year' means the same for every edition.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pipelines.lib.errors import ValidationFailed
from pipelines.lib.normalize import document_year
from pipelines.lib.paths import EXPECTATIONS_DIR
from pipelines.lib.schema import BY_NAME, Table

YEARS_AHEAD = 40
"""How many years after the document's own year a year may lie (plan periods run to 2020 in a 2005 deck)."""
DEFAULT_DOCUMENT_YEAR = 2000
"""Stand-in for a document whose text dates it nowhere: its years are then only checked up to 2040."""
PARAMETERS = ("page_count", "document_year", "max_year")
"""The suite parameters a rule may name, each filled per document."""

GENERATED = "registry"
"""meta.generated of every expectation made from the registry (told apart from the file's in Data Docs)."""

_RESTATED = (
    "expect_table_columns_to_match_ordered_list",
    "expect_column_values_to_be_in_type_list",
    "expect_column_values_to_be_of_type",
)
"""Expectation types a suite file may not hold: the registry says them.

Column types are not a suite rule: a staging frame is read back from a table the registry's DDL typed, so a
per-column type expectation could never fail. The published file's declared types are checked against the
registry instead, where a table written another way would show (:mod:`pipelines.lib.validation.declared_types`).
"""


def suite_path(name: str, directory: Path | None = None) -> Path:
    """expectations/<name>.json"""
    return (directory or EXPECTATIONS_DIR) / f"{name}.json"


def load_rules(name: str, directory: Path | None = None, *, registry: bool = True) -> dict[str, Any]:
    """The people-written part of a suite, as UTF-8 JSON, with a clear error when missing or malformed."""
    path = suite_path(name, directory)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationFailed(f"suite {path.name}: file not found in {path.parent}") from exc
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"suite {path.name}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise ValidationFailed(f"suite {path.name}: expected an object with an 'expectations' list")
    for e in data["expectations"]:
        if not isinstance(e, dict) or "type" not in e:
            raise ValidationFailed(f"suite {path.name}: every expectation is an object with a 'type'")
        if registry and e["type"] in _RESTATED:
            raise ValidationFailed(f"suite {path.name}: {e['type']} restates the registry; remove it from the file")
    return data


def _type_family(duck_type: str) -> str:
    return duck_type.upper().split("(", 1)[0]


def _generated(kind: str, kwargs: dict[str, Any], why: str) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": {"generated": GENERATED, "why": why}}


def schema_expectations(spec: Table) -> list[dict[str, Any]]:
    """Expectations the registry implies: columns in order, not-null, key uniqueness, no placeholder text, pages."""
    out = [
        _generated(
            "expect_table_columns_to_match_ordered_list",
            {"column_list": spec.column_names},
            f"the columns of {spec.qualified} in the registry",
        )
    ]
    for name in spec.required_columns:
        why = "key column" if name in spec.key else "never null in the registry"
        out.append(_generated("expect_column_values_to_not_be_null", {"column": name}, why))
    if spec.key:
        out.append(
            _generated("expect_compound_columns_to_be_unique", {"column_list": list(spec.key)}, "one row per key")
        )
    for c in spec.columns:
        if _type_family(c.type) == "VARCHAR" and c.name not in spec.required_columns:
            out.append(
                _generated(
                    "expect_column_values_to_not_match_regex",
                    {"column": c.name, "regex": "^(?:nan|NaN|None|<NA>|NaT)$"},
                    "a missing value is NULL, never a pandas placeholder written as text",
                )
            )
    if "source_page" in spec.column_names:
        out.append(
            _generated(
                "expect_column_values_to_be_between",
                {"column": "source_page", "min_value": 1, "max_value": {"$PARAMETER": "page_count"}},
                "a 1-based page of the document (its page count from raw.documents)",
            )
        )
    return out


def load_suite(name: str, directory: Path | None = None) -> dict[str, Any]:
    """The whole suite of staging.<name>: registry expectations first, then the file's rules.

    A suite named after no staging table (a test's own) is its file alone.
    """
    spec = BY_NAME.get(f"staging.{name}")
    rules = load_rules(name, directory, registry=spec is not None)
    generated = schema_expectations(spec) if spec is not None else []
    return {"name": name, "meta": rules.get("meta", {}), "expectations": generated + rules["expectations"]}


def suite_fingerprint(suite: dict[str, Any], parameters: dict[str, Any] | None = None) -> str:
    """sha256 of a suite and the parameters it runs with: a change to either means validating again."""
    payload = json.dumps({"suite": suite, "parameters": parameters or {}}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def parameters_for(page_count: int, texts: list[str]) -> dict[str, int]:
    """The suite parameters of one document from its page count and its raw texts."""
    year = document_year(texts) or DEFAULT_DOCUMENT_YEAR
    return {"page_count": int(page_count), "document_year": year, "max_year": year + YEARS_AHEAD}


def loosest(parameters: dict[str, dict[str, int]]) -> dict[str, int]:
    """One set of parameters that admits every document's rows (the largest of each), for Data Docs."""
    return {name: max(p[name] for p in parameters.values()) for name in PARAMETERS} if parameters else {}


def document_parameters(con: Any, documents: list[str] | None = None) -> dict[str, dict[str, int]]:
    """document_id → suite parameters, read from raw.documents and the raw texts in a DuckDB connection (of
    every document, or of ``documents``)."""
    docs = con.execute("SELECT document_id, page_count FROM raw.documents ORDER BY document_id").fetchall()
    if documents is not None:
        docs = [(d, n) for d, n in docs if d in set(documents)]
    texts: dict[str, list[str]] = {d: [] for d, _ in docs}
    query = (
        "SELECT document_id, text FROM raw.table_cells UNION ALL SELECT document_id, text FROM raw.table_annotations "
        "UNION ALL SELECT document_id, text FROM raw.text_blocks"
    )
    if documents is not None:
        query = f"SELECT * FROM ({query}) WHERE document_id IN (SELECT unnest(?::VARCHAR[]))"
    for document_id, text in con.execute(query, [] if documents is None else [sorted(texts)]).fetchall():
        if document_id in texts and text:
            texts[document_id].append(text)
    return {d: parameters_for(n, texts[d]) for d, n in docs}
