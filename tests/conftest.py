"""Shared fixtures: the bundled PDF, extracted once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib.paths import PROJECT_ROOT

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"
SCANNED_REV1 = PROJECT_ROOT / "tests" / "fixtures" / "editions" / "meti_cluster_seminar_2005_rev1_scanned.pdf"


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
def scanned_rev1_extraction():
    """The scanned rev1 (tests/fixtures/editions), OCR'd and extracted once for the whole session: OCR takes
    minutes, so every test of the scan (its cells against the truth, its refresh) reads this one, in one worker
    (their xdist group ``scanned_rev1``)."""
    from pipelines.lib.pdf.ocr.engines import tesseract_available
    from pipelines.lib.tables.extract import extract_document

    if not tesseract_available():
        pytest.skip("tesseract-ocr with jpn data is not installed")
    return extract_document(SCANNED_REV1)


@pytest.fixture(scope="session")
def scanned_rev1_site(tmp_path_factory, scanned_rev1_extraction):
    """One real refresh of the scanned rev1 (handed ``scanned_rev1_extraction`` where it would extract the file),
    shared read-only by the tests of its warehouse, report and checks: (raw folder, warehouse folder, result)."""
    import shutil

    import pipelines.defs.extract
    from tests.support import failure_messages, refresh

    raw, wh = tmp_path_factory.mktemp("scanned_raw"), tmp_path_factory.mktemp("scanned_wh")
    shutil.copy(SCANNED_REV1, raw)
    extract = pipelines.defs.extract.extract_document

    def extracted_once(path, **kwargs):
        return scanned_rev1_extraction if path.name == SCANNED_REV1.name else extract(path, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipelines.defs.extract, "extract_document", extracted_once)
        result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    return raw, wh, result


@pytest.fixture(scope="session")
def raw_layer(deck_extraction):
    """The raw layer of the bundled deck."""
    from pipelines.lib.staging.raw_layer import RawLayer

    return RawLayer.from_extractions([deck_extraction])


@pytest.fixture(scope="session")
def producer_copies(tmp_path_factory):
    """The bundled deck re-made by a producer (tests/producers.py), each made once per session on first use.

    Read-only: a test that feeds one to a refresh copies it into its own raw folder.
    """
    from tests.producers import producer_copy

    folder = tmp_path_factory.mktemp("producers")
    made: dict[str, Path] = {}

    def copy(name: str) -> Path:
        if name not in made:
            made[name] = producer_copy(name, folder)  # skips the test when the producer is not installed
        return made[name]

    return copy


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """One real refresh of the bundled deck into a tmp warehouse, shared read-only by the integration tests."""
    import shutil

    from tests.support import Site, failure_messages, refresh

    raw = tmp_path_factory.mktemp("published_raw")
    shutil.copy(DECK, raw)
    wh = tmp_path_factory.mktemp("published_wh")
    result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    return Site(raw, wh, result)


@pytest.fixture
def site(published_site, tmp_path):
    """A private copy of the published site (raw folder and warehouse, working copy included) to break."""
    import shutil

    from tests.support import Site

    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    shutil.copytree(published_site.raw, raw)
    shutil.copytree(published_site.warehouse, wh)
    return Site(raw, wh)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests and xdist groups (a module sharing one costly fixture) first, the rest after, each in its order.

    Under `make test` (pytest-xdist) the long groups then start while the other worker takes the short tests,
    instead of one worker running the longest group alone at the end. The order is the same on every worker.
    """

    def late(item: pytest.Item) -> bool:
        return item.get_closest_marker("xdist_group") is None and item.get_closest_marker("slow") is None

    items.sort(key=late)
