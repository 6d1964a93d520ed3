"""Every staging table, curated tables and staging.quantities alike, is the same from a copy printed without rules
as from the ruled deck: the bundled deck and rev1 without any rules or with horizontal rules only, rev2 in the open
style, the JST deck without rules. Strings are compared with whitespace set aside (where a wrapped line breaks is
read from the glyphs); coordinates are the copy's own."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.tables.extract import extract_document
from tests.editions.edits import strip_rules
from tests.support import DECK, JST, JST_BORDERLESS, REV1, REV2, REV2_OPEN

IGNORED = {"document_id", "x0", "top", "x1", "bottom"}


def _staging(pdf) -> dict[str, pd.DataFrame]:
    raw = RawLayer.from_extractions([extract_document(pdf)])
    built: dict[str, pd.DataFrame] = {}
    for st in STAGING:
        built[st.name] = st.build(raw, built)
    return built


def _rows(df: pd.DataFrame) -> list[tuple]:
    cols = [c for c in df.columns if c not in IGNORED]
    norm = [tuple(re.sub(r"\s+", "", v) if isinstance(v, str) else repr(v) for v in r) for r in df[cols].itertuples()]
    return sorted((r[1:] for r in norm), key=repr)


@pytest.mark.parametrize(
    ("ruled", "style"),
    [
        (DECK, "borderless"),
        (DECK, "open"),
        (REV1, "borderless"),
        (REV1, "open"),
        (REV2, REV2_OPEN),
        (JST, JST_BORDERLESS),
    ],
    ids=["deck_borderless", "deck_open", "rev1_borderless", "rev1_open", "rev2_open", "jst_borderless"],
)
def test_every_staging_table_equals_the_ruled_decks(tmp_path, ruled, style):
    copy = style if not isinstance(style, str) else strip_rules(ruled, tmp_path / ruled.name, style)
    mine, theirs = _staging(ruled), _staging(copy)
    assert list(mine) == list(theirs)
    for name in mine:
        assert _rows(theirs[name]) == _rows(mine[name]), name
    held = theirs["quantities"]["claimed_by"].notna().sum()
    assert held == mine["quantities"]["claimed_by"].notna().sum()
