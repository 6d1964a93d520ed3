"""staging.plan_periods: the plan periods 第Ⅰ期 to 第Ⅲ期 of the クラスター政策の目標レンジ.

Each period is a heading paragraph of the target_ranges passage,
<第Ⅰ期(2001～5)～産業クラスターの立ち上げ期～>: label, years (a short end completes the start's
digits, so 2001～5 is 2001..2005) and name. The heading is matched on the PDF text, not on
``clean_text``, because NFKC would turn the Roman numeral Ⅰ into a Latin I.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize import NormalizeError, clean_text, parse_years
from pipelines.lib.schema import table
from pipelines.lib.staging.frames import typed_frame
from pipelines.lib.staging.raw_layer import RawLayer

TABLE = table("staging.plan_periods")
PASSAGE = "target_ranges"

ROMAN: dict[str, int] = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "Ⅵ": 6, "Ⅶ": 7, "Ⅷ": 8, "Ⅸ": 9, "Ⅹ": 10}
_WAVE = "[～〜~]"
HEADING = re.compile(
    rf"<(?P<label>第(?P<numeral>[{''.join(ROMAN)}])期)\((?P<years>[^()]+)\){_WAVE}(?P<name>.+?){_WAVE}>"
)
"""A period heading, <第Ⅱ期(2006～10)～産業クラスターの成長期～>, with spaces removed."""
HEADING_START = re.compile(r"<第\S期")
"""A paragraph that starts like a period heading must parse as one, or the build fails."""


def _error(block: Any, reason: str) -> CellValueError:
    return CellValueError(
        str(block.document_id), int(block.page), PASSAGE, f"block {int(block.block_idx)}", str(block.text), reason
    )


def _row(block: Any) -> dict[str, Any] | None:
    text = re.sub(r"\s+", "", str(block.text))
    if not HEADING_START.match(text):
        return None
    m = HEADING.fullmatch(text)
    if m is None:
        raise _error(block, "a period heading is <第N期(years)～name～>")
    try:
        years = parse_years(m.group("years"))
    except NormalizeError as exc:
        raise _error(block, exc.reason) from exc
    if years.raw_text != clean_text(m.group("years")):
        raise _error(block, f"only {years.raw_text!r} of {m.group('years')!r} reads as years")
    if years.start is None or years.end is None:
        raise _error(block, "a plan period has both a first and a last year")
    return {
        "document_id": str(block.document_id),
        "period": ROMAN[m.group("numeral")],
        "label": m.group("label"),
        "name": m.group("name"),
        "start_year": years.start,
        "end_year": years.end,
        "raw_text": str(block.text).strip(),
        "source_page": int(block.page),
        "source_table_id": str(block.passage_id),
        "source_row": int(block.block_idx),
        "source_col": None,
    }


def build_plan_periods(raw: RawLayer) -> pd.DataFrame:
    """One row per plan period heading of the target_ranges passage, for every document."""
    blocks = raw.blocks(PASSAGE)
    rows = [] if blocks.empty else [r for b in blocks.itertuples() if (r := _row(b)) is not None]
    df = typed_frame(rows, TABLE)
    return df.sort_values(list(TABLE.key), ignore_index=True)
