"""A text a staging builder cannot read: a text layer's stops the build; an OCR reading below UNCERTAIN_BELOW is
left out (the build goes on) and listed by has_no_uncertain_ocr_values; a confident OCR reading still stops it."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.pdf.ocr.settings import UNCERTAIN_BELOW
from pipelines.lib.staging.registry import CURATED
from pipelines.lib.staging.uncertain_ocr import describe, uncertain_ocr_values

PROJECTS = next(st for st in CURATED if st.name == "cluster_projects")
GARBLED = "一一一一)一一：プロジェクトを対象とした。"  # the scanned rev1's page 26 note, as RapidOCR read it


def _garbled(raw_layer, origin: str, confidence: float | None):
    notes = raw_layer.table_annotations.copy()
    i = notes.index[(notes["table_id"] == "field_strategy_it") & (notes["kind"] == "note")][0]
    notes.loc[i, ["text", "text_origin", "confidence"]] = [GARBLED, origin, confidence]
    return dataclasses.replace(raw_layer, table_annotations=notes)


def test_a_text_layers_garble_stops_the_build(raw_layer):
    with pytest.raises(CellValueError, match="field_strategy_it"):
        PROJECTS.build(_garbled(raw_layer, "text_layer", None))


def test_a_confident_ocr_garble_stops_the_build(raw_layer):
    with pytest.raises(CellValueError, match="field_strategy_it"):
        PROJECTS.build(_garbled(raw_layer, "ocr", 0.97))


def test_an_uncertain_ocr_garble_is_left_out_and_listed(raw_layer):
    raw = _garbled(raw_layer, "ocr", UNCERTAIN_BELOW - 0.1)
    built = PROJECTS.build(raw)
    whole = PROJECTS.build(raw_layer)
    assert set(built["field"]) == set(whole["field"]) - {"IT"}  # the other notes' projects are all there
    assert len(built) == len(whole) - (whole["field"] == "IT").sum()
    found = uncertain_ocr_values(pd.DataFrame(columns=["confidence"]), raw.table_annotations)
    assert [describe(f) for f in found] == [
        f"page 26, table field_strategy_it, note {int(found[0]['cell'].split()[-1])}: {GARBLED} "
        f"(OCR confidence {UNCERTAIN_BELOW - 0.1:.2f} < {UNCERTAIN_BELOW})"
    ]
