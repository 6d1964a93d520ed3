"""staging.regional_policy_laws: the laws of 地域開発手法の変遷 with their years and era.

The slide is three framed boxes (raw.text_blocks with ``box_idx``): column 0 holds the era label,
産業の地方分散・拠点開発(1970年代～90年代半ば); column 1 the body, whose bullet lines name the laws,
・テクノポリス法(83年～98年). One row per law line. An era's years are read with
``normalize.parse_years``; a decade bound is the widest year of the decade (90年代半ば ends 1999,
1990年代半ば～ starts 1990) and the 半ば stays visible in the label. The third box
(産業クラスター計画, 2001年～) names a programme, not a law, and so gives no row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import NormalizeError, YearSpan, clean_text, parse_years
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer

TABLE = table("staging.regional_policy_laws")
PASSAGE = "regional_development"
LABEL_COL = 0
BODY_COL = 1

ERA_LABEL = re.compile(r"(?P<name>.+?)\((?P<years>[^()]+)\)")
"""An era label: its name, then its years in parentheses."""
LAW_LINE = re.compile(r"・(?P<name>[^()・]+法)\((?P<years>[^()]+)\)")
"""A law bullet: ・<name>法(<years>)."""
LAW_BULLET = re.compile(r"・[^()]*法")
"""A bullet that names a law: it must then parse as LAW_LINE, or the build fails."""


def _error(block: Any, text: str, reason: str) -> CellValueError:
    return CellValueError(
        str(block.document_id), int(block.page), PASSAGE, f"block {int(block.block_idx)}", text, reason
    )


def _years(block: Any, text: str) -> YearSpan:
    try:
        span = parse_years(text)
    except NormalizeError as exc:
        raise _error(block, text, exc.reason) from exc
    if span.raw_text != clean_text(text):
        raise _error(block, text, f"only {span.raw_text!r} reads as years")
    if span.start is None:
        raise _error(block, text, "the years have no start")
    return span


def _era(block: Any) -> tuple[str, YearSpan]:
    label = clean_text(str(block.text))
    m = ERA_LABEL.fullmatch(label)
    if m is None:
        raise _error(block, str(block.text), "an era label is a name followed by its years in parentheses")
    return m.group("name"), _years(block, m.group("years"))


def _dropped_bullet(body: Any, line: str, bullets: int) -> bool:
    """A law line of an OCR'd list whose bullet the engine lost (a ・ is a speck beside a glyph): it reads as a
    whole law line without its ・ among at least two lines that have one. A text layer's lines are never mended."""
    ocr = getattr(body, "text_origin", None) == "ocr"
    return ocr and bullets >= 2 and not line.startswith("・") and LAW_LINE.fullmatch("・" + line) is not None


def _box_rows(label: Any, body: Any) -> Iterator[dict[str, Any]]:
    era, era_years = _era(label)
    lines = str(body.text).split("\n")
    bullets = sum(bool(LAW_BULLET.match(clean_text(ln))) for ln in lines)
    for line in lines:
        cleaned = clean_text(line)
        if _dropped_bullet(body, cleaned, bullets):
            cleaned = "・" + cleaned
        if not LAW_BULLET.match(cleaned):
            continue
        m = LAW_LINE.fullmatch(cleaned)
        if m is None:
            raise _error(body, line, "a law bullet is ・<name>法(<years>)")
        years = _years(body, m.group("years"))
        yield {
            "document_id": str(body.document_id),
            "law_name": m.group("name"),
            "start_year": years.start,
            "end_year": years.end,
            "era": era,
            "era_start_year": era_years.start,
            "era_end_year": era_years.end,
            "raw_text": line.strip(),
            "source_page": int(body.page),
            "source_table_id": str(body.passage_id),
            "source_row": int(body.block_idx),
            "source_col": None,
        }


def build_regional_policy_laws(raw: RawLayer) -> pd.DataFrame:
    """One row per law named in the era boxes of 地域開発手法の変遷, for every document."""
    rows: list[dict[str, Any]] = []
    blocks = raw.blocks(PASSAGE)
    if not blocks.empty:
        boxed = blocks[blocks["box_idx"].notna()]
        for _, box in boxed.groupby(["document_id", "page", "box_idx"], sort=True):
            labels = [b for b in box.itertuples() if b.box_col == LABEL_COL]
            bodies = [b for b in box.itertuples() if b.box_col == BODY_COL]
            if len(labels) != 1:
                first = next(box.itertuples())
                raise _error(first, str(first.text), f"a framed box needs one era label, found {len(labels)}")
            for body in bodies:
                rows.extend(_box_rows(labels[0], body))
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), ignore_index=True)
