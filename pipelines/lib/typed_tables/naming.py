"""Names of typed tables and their columns: safe snake identifiers made from what the slide prints.

Nothing is romanised: a Japanese header stays Japanese. The text is NFKC-normalised (full-width letters and
digits become ASCII), lower-cased, every run of characters that are not letters, digits or ``_`` (or of ``_``) becomes
one ``_``, and leading or trailing ``_`` are dropped. A name that would start with a digit gets ``c_`` in front
(``1件当り事業規模`` → ``c_1件当り事業規模``), an empty one is ``col_<n>``; a name already taken gets ``_2``,
``_3``. A table is named ``<document_id>_<table_id>`` the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^\w]+")
_UNDERSCORES = re.compile(r"_{2,}")


def snake(text: str) -> str:
    """A safe snake name of a printed text; '' when nothing of it is a letter or digit."""
    name = _UNDERSCORES.sub("_", _NOT_WORD.sub("_", unicodedata.normalize("NFKC", text).lower())).strip("_")
    return f"c_{name}" if name[:1].isdigit() else name


def column_name(header: str, position: int, taken: Iterable[str] = ()) -> str:
    """The column name of a printed header (``position`` is its 0-based column), unique among ``taken``."""
    return unique(snake(header) or f"col_{position}", taken)


def unique(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name_2``, ``name_3``… when it is already taken."""
    used = set(taken)
    if name not in used:
        return name
    n = 2
    while f"{name}_{n}" in used:
        n += 1
    return f"{name}_{n}"


def table_name(document_id: str, table_id: str) -> str:
    """tables.<this>: the document id and the raw table id as one snake name (stable across refreshes)."""
    return snake(f"{document_id}_{table_id}") or "table"
