"""The scanned rev1 through a real refresh: it publishes, its curated tables hold born-digital rev1's numbers, the
values OCR was unsure of are listed by a WARN check, and a second refresh reads nothing again.

The scan is OCR'd once per session (``scanned_rev1_extraction`` in tests/conftest.py); the refresh is handed that
extraction where it would extract the file, as it is handed the raw rows it kept for an unchanged document."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

import pipelines.defs.extract
from pipelines.lib.schema import table
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.staging.registry import CURATED, STAGING
from pipelines.lib.tables.extract import extract_document
from tests.support import REV1, failure_messages, refresh

NUMBER_TYPES = ("INTEGER", "BIGINT", "DOUBLE", "DECIMAL")


def _number_columns(name: str) -> list[str]:
    """The number-valued fields of a curated table (no address, no ordinal of a row)."""
    return [
        c.name
        for c in table(f"staging.{name}").columns
        if c.type.split("(")[0] in NUMBER_TYPES and not c.name.startswith("source_") and not c.name.endswith("_idx")
    ]


def _numbers(frame: pd.DataFrame) -> list[tuple]:
    """The rows' numbers, sortable: (False, 0.0) for a null, (True, value) for a value."""
    return sorted(
        tuple((False, 0.0) if pd.isna(v) else (True, float(v)) for v in row)
        for row in frame.itertuples(index=False, name=None)
    )


@pytest.fixture
def scanned_site(tmp_path, scanned_rev1_site):
    """A private copy of the session's refresh of the scanned rev1 (this test refreshes it again)."""
    raw, wh, result = scanned_rev1_site
    shutil.copytree(raw, tmp_path / "raw")
    shutil.copytree(wh, tmp_path / "wh")
    return tmp_path / "raw", tmp_path / "wh", result


@pytest.mark.slow
@pytest.mark.xdist_group("scanned_rev1")  # the worker that OCRs the scan once for every test of it
@pytest.mark.timeout(1800)
def test_the_scanned_rev1_publishes_born_digital_rev1s_numbers(scanned_site, monkeypatch):
    raw, wh, result = scanned_site
    born = RawLayer.from_extractions([extract_document(REV1)])
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    differ = {}
    for st in CURATED:
        columns = _number_columns(st.name)
        if not columns:
            continue
        scanned = con.execute(f"SELECT {', '.join(columns)} FROM staging.{st.name}").df()
        if _numbers(scanned) != _numbers(st.build(born)[columns]):
            differ[st.name] = (len(scanned), len(st.build(born)))
    assert not differ

    uncertain = next(e for e in result.get_asset_check_evaluations() if e.check_name == "has_no_uncertain_ocr_values")
    assert not uncertain.passed and str(uncertain.severity.value) == "WARN"

    def no_second_reading(path, **kwargs):
        raise AssertionError(f"{path.name} extracted again")

    monkeypatch.setattr(pipelines.defs.extract, "extract_document", no_second_reading)
    again = refresh(raw, wh)
    assert again.success, failure_messages(again)


@pytest.mark.slow
@pytest.mark.xdist_group("scanned_rev1")
def test_every_curated_table_has_born_digital_rev1s_rows(scanned_rev1_site):
    """No row is lost to OCR: a line of small print read as a garble once cost the IT slide's four projects."""
    _, wh, _ = scanned_rev1_site
    born = RawLayer.from_extractions([extract_document(REV1)])
    staged: dict[str, pd.DataFrame] = {}
    for st in STAGING:  # the registry's order: a table's staging inputs come before it
        staged[st.name] = st.build(born, staged)
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    counts = {
        st.name: (con.execute(f"SELECT count(*) FROM staging.{st.name}").fetchone()[0], len(staged[st.name]))
        for st in CURATED
    }
    assert {name: c for name, c in counts.items() if c[0] != c[1]} == {}
    projects = con.execute("SELECT project_name FROM staging.cluster_projects WHERE field = 'IT' ORDER BY 1").fetchall()
    assert [p for (p,) in projects] == sorted(staged["cluster_projects"].query("field == 'IT'")["project_name"])
