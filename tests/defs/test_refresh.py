"""Integration: the real Dagster graph materialized into a tmp_path warehouse from the bundled PDF."""

import shutil
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import defs
from pipelines.lib.paths import PROJECT_ROOT
from tests.support import refresh, sha256

CONTRACT_TOOL = PROJECT_ROOT.parent / "shared" / "tools" / "check_contract.py"


def sha(path):
    return sha256(path)


@pytest.fixture
def published(published_site):
    return published_site.raw, published_site.warehouse, published_site.result


@pytest.fixture
def private(site):
    return site.raw, site.warehouse, None


def test_refresh_publishes_every_layer(published):
    _raw, wh, result = published
    assert result.success
    db = wh / "clusters.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    schemas = {r[0] for r in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
    assert {"raw", "staging", "marts", "meta"} <= schemas
    counts = dict(con.execute("select table_id, count(*) from raw.table_cells group by 1").fetchall())
    assert counts["overseas_clusters_1"] == 49 and counts["foreign_policies"] == 60 and len(counts) == 12
    assert con.execute("select count(*) from meta.runs").fetchall()[0][0] == 1
    assert all((wh / "exports" / f"{m}.parquet").exists() for m in ("budget_yoy", "policy_timeline"))


def test_every_check_ran_and_passed(published):
    _, _, result = published
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len([k for k in defs.resolve_asset_graph().asset_check_keys])
    assert all(e.passed for e in evaluations), [e.asset_check_key for e in evaluations if not e.passed]


@pytest.mark.skipif(not CONTRACT_TOOL.exists(), reason="shared/ contract tool not beside the project")
def test_published_warehouse_holds_the_contract(published):
    _, wh, _ = published
    out = subprocess.run(
        [sys.executable, str(CONTRACT_TOOL), str(wh / "clusters.duckdb")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_bad_pdf_stops_the_run_and_keeps_the_published_file(private, tmp_path):
    raw, wh, _ = private
    before = sha(wh / "clusters.duckdb")
    bad_raw = tmp_path / "bad_raw"
    shutil.copytree(raw, bad_raw)
    (bad_raw / "download.pdf").write_bytes(b"<html><body>502 Bad Gateway</body></html>")
    result = refresh(bad_raw, wh)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert "download.pdf: an HTML page" in str(failure.step_failure_data.error)
    assert sha(wh / "clusters.duckdb") == before


def test_failing_expectation_blocks_marts_and_publish(private):
    raw, wh, _ = private
    before = sha(wh / "clusters.duckdb")
    con = duckdb.connect(str(wh / ".build" / "clusters.duckdb"))
    # A second 産業クラスター計画関連施策 total in one fiscal year: read by the builder, refused by the suite.
    con.execute(
        "update raw.table_cells set text = '地域新生計画関連施策' where text = '地域新生コンソーシアム研究開発事業'"
    )
    con.close()
    downstream = dg.AssetSelection.groups("staging", "marts", "publish")
    result = refresh(raw, wh, selection=downstream)
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [e.asset_check_key.asset_key.to_user_string() for e in failed] == ["staging/budget_items"]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "marts/budget_yoy" not in materialized and "published_warehouse" not in materialized
    assert sha(wh / "clusters.duckdb") == before


def test_marts_hold_the_values_printed_in_the_deck(published):
    _, wh, _ = published
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    row = con.execute(
        "select prev_oku_yen, oku_yen, change_oku_yen, change_pct, prev_fiscal_year, fiscal_year "
        "from marts.budget_yoy where program = '地域新生コンソーシアム研究開発事業'"
    ).fetchall()[0]
    assert [float(v) for v in row[:3]] == [114.2, 137.2, 23.0]
    assert round(row[3], 1) == 20.1 and row[4:] == (2004, 2005)
    new = con.execute(
        "select program, prev_oku_yen, change_pct from marts.budget_yoy where is_new order by 1"
    ).fetchall()
    assert new == [("クラスター間の連携交流等の促進事業", None, None), ("産学官ネットワーク形成事業", None, None)]
    inno = con.execute(
        "select budget_oku_yen, budget_years, oku_yen_per_year from marts.foreign_policy_budgets "
        "where policy_name = 'イノレギオ'"
    ).fetchall()[0]
    assert (float(inno[0]), inno[1], round(float(inno[2]), 2)) == (280.0, 6, 46.67)
    assert con.execute("select count(distinct project_name) from marts.projects_by_field").fetchall()[0][0] == 19
    tama = con.execute(
        "select * exclude (document_id, source_page, source_table_id, source_row, source_col) "
        "from marts.cluster_networks where example like '%TAMA%'"
    ).fetchall()
    assert tama == [("首都圏西部地域(TAMA)", 280.0, 35.0, 65.0, 11.0)]
    sv = con.execute(
        "select population, as_of_years from marts.overseas_cluster_profiles where region = 'シリコンバレー'"
    ).fetchall()[0]
    assert sv[0] == 2_300_000 and 2003 in sv[1]


def test_every_column_is_commented(published):
    _, wh, _ = published
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    missing = con.execute(
        "select schema_name || '.' || table_name || '.' || column_name from duckdb_columns() "
        "where schema_name in ('raw', 'staging', 'marts', 'meta') and (comment is null or comment = '')"
    ).fetchall()
    assert missing == []


def test_refresh_is_deterministic_and_tolerates_a_read_write_reader(published, tmp_path):
    raw, wh, _ = published
    second = tmp_path / "wh2"
    shutil.copytree(wh, second, ignore=shutil.ignore_patterns(".build"))
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1], read_only=False); "
            "c.execute('select count(*) from marts.budget_yoy').fetchall(); print('ready', flush=True); time.sleep(60)",
            str(second / "clusters.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        result = refresh(raw, second)
        assert result.success
    finally:
        reader.kill()
        reader.wait()
    exports = sorted((wh / "exports").iterdir())
    assert {p.suffix for p in exports} == {".parquet", ".csv", ".xlsx"}
    for export in exports:  # Parquet, CSV and the workbook: same rows, same bytes
        assert sha(export) == sha(second / "exports" / export.name), export.name
    a = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    b = duckdb.connect(str(second / "clusters.duckdb"), read_only=True)
    tables = a.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in ('raw', 'staging', 'marts') order by 1"
    ).fetchall()
    for (name,) in tables:
        assert (
            a.execute(f"select * from {name} order by all").fetchall()
            == b.execute(f"select * from {name} order by all").fetchall()
        ), name
    # The reader held the file read-write, so its history could not be read: the new run is recorded anyway.
    assert [r[0] for r in b.execute("select run_id from meta.runs").fetchall()] == [result.run_id]
    # Same rows, same suites: the copied Data Docs site is kept, not rebuilt.
    [docs] = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(["data_docs"])]
    assert docs.materialization.metadata["rebuilt"].value is False


def test_data_docs_list_every_suite(published):
    _, wh, _ = published
    index = wh / "data_docs" / "index.html"
    text = index.read_text(encoding="utf-8")
    from pipelines.lib.staging.registry import STAGING

    for st in STAGING:
        assert f'href="expectations/{st.name}.html"' in text, st.name
        assert (wh / "data_docs" / "expectations" / f"{st.name}.html").exists(), st.name
    assert len(list((wh / "data_docs" / "validations").rglob("*.html"))) == len(STAGING)


def test_budget_by_section_sums_the_listed_programs(published):
    _, wh, _ = published
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    rows = con.execute(
        "select fiscal_year, left(section, 3), programs, oku_yen, total_oku_yen from marts.budget_by_section "
        "order by 1, 2"
    ).fetchall()
    # Pages 10-12: (1) 6.8 | 20.1+5.2+0.8; (2) 114.2+61.3 | 137.2+64.1; (3) 23+0.8 | 23+1.3; totals 490 | 568.
    assert [(y, s, n, float(a), float(t)) for y, s, n, a, t in rows] == [
        (2004, "(1)", 1, 6.8, 490.0),
        (2004, "(2)", 2, 175.5, 490.0),
        (2004, "(3)", 2, 23.8, 490.0),
        (2005, "(1)", 3, 26.1, 568.0),
        (2005, "(2)", 2, 201.3, 568.0),
        (2005, "(3)", 2, 24.3, 568.0),
    ]


def test_no_text_value_is_a_missing_value_written_as_text(published):
    """A NULL must stay NULL through pandas: never 'nan', 'None' or '<NA>' in any VARCHAR column of any table."""
    _, wh, _ = published
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns where data_type = 'VARCHAR'"
    ).fetchall()
    assert len(columns) > 50
    found = {}
    for schema, name, column in columns:
        n = con.execute(
            f'select count(*) from "{schema}"."{name}" where "{column}" in (?, ?, ?, ?, ?)',
            ["nan", "NaN", "None", "<NA>", "NaT"],
        ).fetchall()[0][0]
        if n:
            found[f"{schema}.{name}.{column}"] = n
    assert found == {}


def test_a_ui_selection_of_one_staging_asset_materializes_it_and_runs_only_its_checks(private):
    """As the UI's "Materialize selected" on one asset: the coarse staging step computes that table alone and runs
    the checks of that table alone (each still its own result), and nothing downstream runs."""
    raw, wh, _ = private
    key = dg.AssetKey(["staging", "budget_items"])
    before = sha(wh / "clusters.duckdb")
    result = refresh(raw, wh, selection=dg.AssetSelection.assets(key))
    assert result.success
    assert [e.asset_key for e in result.get_asset_materialization_events()] == [key]
    checks = {e.asset_check_key for e in result.get_asset_check_evaluations()}
    declared = {k for k in defs.resolve_asset_graph().asset_check_keys if k.asset_key == key}
    assert checks == declared and len(declared) >= 3
    assert all(e.passed for e in result.get_asset_check_evaluations())
    steps = {e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START}
    assert steps == {"staging_tables"}
    assert sha(wh / "clusters.duckdb") == before  # nothing published
