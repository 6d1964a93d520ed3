"""A refresh recomputes only the documents that are new or changed, and what the code version says changed; the
warehouse it leaves is the one a build from scratch leaves (real Dagster runs, DuckDB files and PDFs).

Material: the bundled deck, tests/fixtures/editions/meti_cluster_seminar_2005_rev1.pdf (a revised edition), and a copy
of rev1 with one amount re-typeset under the same file name (tests/editions/edits.py).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.lib.report import build as report_build
from pipelines.lib.staging import by_document
from pipelines.lib.staging.registry import STAGING
from tests.editions.edits import Edit, replace_text
from tests.support import DECK, REV1, failure_messages, refresh

BASE, REV = DECK.stem, REV1.stem
BLOCKS_ONLY = {st.name for st in STAGING if set(st.raw_inputs) == {"text_blocks"}}

pytestmark = pytest.mark.slow


# ---- what a user reads, with run ids and times masked -------------------------------------------------------

UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # run ids; GX's block ids
TIMES = re.compile(rb"\d{8}T\d{6}\.\d{6}Z|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?: ?UTC|Z|[+-]\d\d:\d\d)?")
SORT_TIME = re.compile(rb"'_run_time_sort': [0-9.]+")


def masked(data: bytes) -> bytes:
    return SORT_TIME.sub(b"<time>", TIMES.sub(b"<time>", UUID.sub(b"<id>", data)))


def tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table of the published file, rows in stored order, without run ids and run times (meta.runs aside)."""
    con = duckdb.connect(str(warehouse / "clusters.duckdb"), read_only=True)
    try:
        names = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2").fetchall()
        out = {}
        for schema, name in names:
            if (schema, name) == ("meta", "runs"):
                continue
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
                    "ORDER BY column_index",
                    [schema, name],
                ).fetchall()
                if c != "run_id"
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            out[f"{schema}.{name}"] = con.execute(f"SELECT {select} FROM {schema}.{name}").fetchall()
        return out
    finally:
        con.close()


def files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, path and content masked."""
    return {
        masked(p.relative_to(folder).as_posix().encode()).decode(): masked(p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


INDEX_LINKS = re.compile(rb"(?:validations|expectations)/[^\"'<>\s]+\.html")


def assert_same_warehouse(a: Path, b: Path, *, but: set[str] = frozenset()) -> None:
    """The published tables (but those named), exports, report and Data Docs of two warehouses are the same but
    for run ids and times (the Data Docs index lists validations by their time: the same links, in any order)."""
    ta, tb = tables(a), tables(b)
    assert {n: t for n, t in ta.items() if n not in but} == {n: t for n, t in tb.items() if n not in but}
    assert files(a / "exports") == files(b / "exports")
    assert files(a / "report") == files(b / "report")
    docs_a, docs_b = files(a / "data_docs"), files(b / "data_docs")
    index_a, index_b = docs_a.pop("index.html"), docs_b.pop("index.html")
    assert docs_a == docs_b
    assert set(INDEX_LINKS.findall(index_a)) == set(INDEX_LINKS.findall(index_b))


# ---- what each step says it recomputed ------------------------------------------------------------------------


def materialized(result, *path: str) -> dict:
    key = dg.AssetKey(list(path))
    found = [e.materialization.metadata for e in result.get_asset_materialization_events() if e.asset_key == key]
    assert found, f"{key.to_user_string()} was not materialized"
    return {k: v.value for k, v in found[0].items()}


def checks(result) -> dict[str, dict]:
    return {
        e.asset_check_key.to_user_string(): {k: v.value for k, v in e.metadata.items()}
        for e in result.get_asset_check_evaluations()
    }


def staging_recomputed(result) -> dict[str, list[str]]:
    return {st.name: materialized(result, "staging", st.name)["documents_recomputed"] for st in STAGING}


def per_document_checks(result) -> dict[str, tuple[list[str], list[str]]]:
    """(recomputed, reused) of every check that keeps per-document work (the suites report their own way)."""
    return {
        name: (m["documents_recomputed"], m["documents_reused"])
        for name, m in checks(result).items()
        if "documents_recomputed" in m
    }


def validated(result) -> dict[str, list[str]]:
    return {n: m["documents_validated"] for n, m in checks(result).items() if "documents_validated" in m}


# ---- the sites ---------------------------------------------------------------------------------------------


def _site(tmp: Path, pdfs: dict[str, Path]) -> tuple[Path, Path]:
    raw, wh = tmp / "raw", tmp / "warehouse"
    raw.mkdir(parents=True)
    for name, src in pdfs.items():
        shutil.copy(src, raw / f"{name}.pdf")
    return raw, wh


@pytest.fixture(scope="module")
def from_scratch(tmp_path_factory):
    """The deck and rev1 refreshed together into an empty warehouse."""
    raw, wh = _site(tmp_path_factory.mktemp("scratch"), {BASE: DECK, REV: REV1})
    result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    return wh


@pytest.fixture(scope="module")
def grown(published_site, tmp_path_factory):
    """The published deck's site, copied, with rev1 dropped beside the deck and refreshed."""
    tmp = tmp_path_factory.mktemp("grown")
    raw, wh = tmp / "raw", tmp / "warehouse"
    shutil.copytree(published_site.raw, raw)
    shutil.copytree(published_site.warehouse, wh)
    shutil.copy(REV1, raw / f"{REV}.pdf")
    result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    return raw, wh, result


def test_adding_a_document_builds_validates_and_checks_only_it(grown):
    _, _, result = grown
    assert materialized(result, "raw", "table_cells")["documents_recomputed"] == [REV]
    assert materialized(result, "raw", "table_cells")["documents_reused"] == [BASE]
    assert staging_recomputed(result) == {st.name: [REV] for st in STAGING}
    assert validated(result) == {f"staging/{st.name}:matches_expectation_suite": [REV] for st in STAGING}
    for name, (recomputed, reused) in per_document_checks(result).items():
        assert (recomputed, reused) == ([REV], [BASE]), name
    docs = materialized(result, "data_docs")
    assert REV in docs["documents_recomputed"]


def test_a_grown_warehouse_is_the_one_built_from_scratch(grown, from_scratch):
    _, wh, _ = grown
    assert_same_warehouse(wh, from_scratch)


@pytest.fixture(scope="module")
def changed(grown, tmp_path_factory):
    """The grown site, copied, with rev1 replaced by a copy whose page 11 prints 147.2億円 for 137.2億円 (same
    file name, new bytes), refreshed."""
    raw0, wh0, _ = grown
    tmp = tmp_path_factory.mktemp("changed")
    raw, wh = tmp / "raw", tmp / "warehouse"
    shutil.copytree(raw0, raw)
    shutil.copytree(wh0, wh)
    replace_text(REV1, raw / f"{REV}.pdf", [Edit(11, "137.2億円", "147.2億円", align="center")])
    result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    return raw, wh, result


def test_a_changed_document_is_the_only_one_recomputed(changed):
    _, wh, result = changed
    assert materialized(result, "raw", "table_cells")["documents_recomputed"] == [REV]
    rebuilt = staging_recomputed(result)
    assert rebuilt["budget_items"] == rebuilt["quantities"] == [REV]
    assert all(rebuilt[name] == [] for name in BLOCKS_ONLY)  # their text blocks are the same bytes' text
    assert all(docs in ([], [REV]) for docs in rebuilt.values())
    assert validated(result)["staging/budget_items:matches_expectation_suite"] == [REV]
    assert all(docs in ([], [REV]) for docs in validated(result).values())
    for name, (recomputed, reused) in per_document_checks(result).items():
        assert recomputed in ([], [REV]) and BASE in reused, name
    report = materialized(result, "published_report")
    assert report["charts_drawn_for"] == report["crops_rendered_for"] == [REV]
    assert report["documents_reused"] == [BASE]
    docs = materialized(result, "data_docs")
    assert (docs["documents_recomputed"], docs["documents_reused"]) == ([REV], [BASE])
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    amounts = con.execute(
        "SELECT document_id, oku_yen FROM marts.budget_yoy WHERE program = ? ORDER BY 1",
        ["地域新生コンソーシアム研究開発事業"],
    ).fetchall()
    assert [(d, float(a)) for d, a in amounts] == [(BASE, 137.2), (REV, 147.2)]


def test_a_code_change_recomputes_what_its_version_covers(changed, tmp_path, monkeypatch):
    """A new code version of one builder rebuilds that table for every document (its rows come out the same, so
    nothing downstream moves); a new version of the charts redraws every document's charts and nothing else."""
    raw0, wh0, _ = changed
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    shutil.copytree(raw0, raw)
    shutil.copytree(wh0, wh)
    builder, version = by_document.builder_version, report_build.module_version
    monkeypatch.setattr(
        by_document, "builder_version", lambda st: builder(st) + (" edited" if st.name == "plan_periods" else "")
    )
    monkeypatch.setattr(
        report_build,
        "module_version",
        lambda *modules, **kw: (
            version(*modules, **kw) + (" edited" if "pipelines.lib.report.charts" in modules else "")
        ),
    )
    result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    assert staging_recomputed(result) == {st.name: [BASE, REV] if st.name == "plan_periods" else [] for st in STAGING}
    assert all(docs == [] for docs in validated(result).values())
    assert all(recomputed == [] for recomputed, _ in per_document_checks(result).values())
    report = materialized(result, "published_report")
    assert (report["charts_drawn_for"], report["crops_rendered_for"]) == ([BASE, REV], [])
    assert materialized(result, "data_docs")["rebuilt"] is False
    assert_same_warehouse(wh, wh0, but={"meta.document_builds"})  # which records plan_periods' new builder version


def test_a_document_taken_away_leaves_the_warehouse_of_the_others(grown, published_site, tmp_path):
    raw0, wh0, _ = grown
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    shutil.copytree(raw0, raw)
    shutil.copytree(wh0, wh)
    (raw / f"{REV}.pdf").unlink()
    result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    assert staging_recomputed(result) == {st.name: [] for st in STAGING}
    assert_same_warehouse(wh, published_site.warehouse)
