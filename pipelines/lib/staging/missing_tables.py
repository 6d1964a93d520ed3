"""Tables a page promises but extraction did not give: no silent loss when a copy prints its tables differently.

Two findings, each with its page or document and the family concerned:

* a slide whose title names a table family, or whose text holds a header naming enough of a family's fields (the
  words the family's header cells use, and little else), but from which no table of that family was recognised;
* a document whose curated tables hold far fewer of its quantities than the edition of the same deck before it.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pipelines.lib.normalize import clean_text
from pipelines.lib.tables.registry import TABLE_FAMILIES, TableFamily

HEADER_COVER = 0.7
"""Share of a text block that a family's header wordings must cover for the block to read as that family's header."""
HELD_RATIO = 0.5
"""A document whose curated tables hold fewer than this share of what the earlier edition's held is reported."""
EDITION_SUFFIX = re.compile(r"([_\-. ]*(v|rev|ed)?[0-9]+)+$", re.IGNORECASE)
"""The version or date suffix that editions of one deck differ by (as marts.edition_changes pairs them)."""


def _wordings(fam: TableFamily) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(word, field) of the family's header: plain words longest first, then patterns that name something (not
    ones any text matches, as a field that takes every other column)."""
    words, patterns = [], []
    for f in fam.fields:
        for w in f.wordings:
            if not w or re.fullmatch(w, "あいうえお"):
                continue
            (patterns if re.search(r"[.*+?\[\](){}|^$\\]", w) else words).append((w, f.name))
    return sorted(words, key=lambda p: -len(p[0])), patterns


def header_fields(fam: TableFamily, text: str) -> set[str]:
    """The fields of ``fam`` whose header wordings make up (HEADER_COVER of) ``text``; empty when they do not."""
    compact = clean_text(re.sub(r"\s+", "", text))
    if not compact:
        return set()
    words, patterns = _wordings(fam)
    covered = [False] * len(compact)
    named: set[str] = set()

    def mark(start: int, end: int, name: str) -> None:
        covered[start:end] = [True] * (end - start)
        named.add(name)

    for word, name in words:
        for m in re.finditer(re.escape(word), compact):
            if len(word) >= 2 and not any(covered[m.start() : m.end()]):
                mark(m.start(), m.end(), name)
    found = [
        (start + m.start(), start + m.end(), name)
        for pattern, name in patterns
        for start, end in _uncovered(covered)
        for m in re.finditer(pattern, compact[start:end])
        if m.end() > m.start()
    ]
    for a, b, name in sorted(found, key=lambda f: f[0] - f[1]):  # longest first: (16年度予算) before 16年度予算
        if not any(covered[a:b]):
            mark(a, b, name)
    return named if sum(covered) >= HEADER_COVER * len(compact) else set()


def _uncovered(covered: list[bool]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i, c in enumerate(covered):
        if c:
            continue
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _promised(fam: TableFamily, title: str, bodies: list[str]) -> str | None:
    """Why a page promises a table of ``fam``: its title names it, or a block of its text is the family's header."""
    if fam.title_matches(title):
        return f"its title names {fam.family}"
    for text in bodies:
        named = header_fields(fam, text)
        if len(named) >= fam.min_header_fields and set(fam.identifying) <= named:
            return f"its text holds a header naming {', '.join(sorted(named))}"
    return None


def missing_tables(tables: pd.DataFrame, blocks: pd.DataFrame) -> list[dict[str, Any]]:
    """Pages whose title or text promises a family's table, with no table recognised there: page and family."""
    if blocks.empty:
        return []
    found = set()
    if not tables.empty:
        found = {(r.document_id, int(r.page)) for r in tables.itertuples() if r.family != "unrecognised"}
    out = []
    for (doc, page), on_page in blocks.groupby(["document_id", "page"], sort=True):
        if (doc, int(page)) in found:
            continue
        title = "".join(on_page.loc[on_page["role"] == "title", "text"])
        bodies = list(on_page.loc[on_page["role"] == "body", "text"])
        for fam in TABLE_FAMILIES:
            why = _promised(fam, title, bodies)
            if why is not None:
                out.append({"where": f"{doc}.pdf, page {int(page)}", "family": fam.family, "why": why})
    return out


def previous_edition(documents: list[str], document_id: str) -> str | None:
    """The edition of the same deck just before ``document_id`` (by document id), or None."""
    deck = EDITION_SUFFIX.sub("", document_id)
    earlier = sorted(d for d in documents if EDITION_SUFFIX.sub("", d) == deck and d < document_id)
    return earlier[-1] if earlier else None


def held_quantities_drop(quantities: pd.DataFrame, document_id: str, previous: str | None) -> list[dict[str, Any]]:
    """The document, when its curated tables hold fewer than HELD_RATIO of the quantities the previous edition's
    held: how many each holds, of how many read."""
    if previous is None or quantities.empty:
        return []

    def held(doc: str) -> tuple[int, int]:
        rows = quantities[quantities["document_id"] == doc]
        return int(rows["claimed_by"].notna().sum()), len(rows)

    now, read = held(document_id)
    before, read_before = held(previous)
    if before == 0 or now >= HELD_RATIO * before:
        return []
    return [
        {
            "where": f"{document_id}.pdf",
            "previous": previous,
            "held": now,
            "read": read,
            "held_before": before,
            "read_before": read_before,
        }
    ]
