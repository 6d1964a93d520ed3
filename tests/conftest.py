"""Shared fixtures: the bundled PDF, extracted once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib.paths import PROJECT_ROOT

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"


@pytest.fixture(scope="session")
def deck_path() -> Path:
    """The bundled deck."""
    return DECK


@pytest.fixture(scope="session")
def deck_extraction():
    """The bundled deck, extracted once for the whole session."""
    from pipelines.lib.tables.extract import extract_document

    return extract_document(DECK)


@pytest.fixture(scope="session")
def raw_layer(deck_extraction):
    """The raw layer of the bundled deck."""
    from pipelines.lib.staging.raw_layer import RawLayer

    return RawLayer.from_extractions([deck_extraction])
