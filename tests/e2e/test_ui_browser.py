"""End to end in a real browser: `dagster dev` on a free loopback port, Chromium clicks Materialize all."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.marts import MARTS
from pipelines.lib.paths import PROJECT_ROOT
from tests.support import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
RUN_TIMEOUT_S = 420

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium"),
    pytest.mark.timeout(RUN_TIMEOUT_S + 180),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, deadline_s, proc):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dagster dev exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


def graphql(base, query):
    request = urllib.request.Request(
        f"{base}/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())["data"]


@pytest.fixture
def dagster_ui(tmp_path):
    home, warehouse, raw = tmp_path / "dagster_home", tmp_path / "warehouse", tmp_path / "raw"
    home.mkdir()
    raw.mkdir()
    shutil.copy(PROJECT_ROOT / "instance" / "dagster.yaml", home / "dagster.yaml")
    shutil.copy(PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf", raw)
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PIPELINES_WAREHOUSE_DIR": str(warehouse),
        "PIPELINES_RAW_DIR": str(raw),
        "PYTHONPATH": str(PROJECT_ROOT),
        "GX_ANALYTICS_ENABLED": "False",
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "VIRTUAL_ENV": str(Path(sys.executable).parent.parent),
    }
    log = (tmp_path / "dagster_dev.log").open("wb")
    dg = Path(sys.executable).with_name("dg")  # as `make ui` starts it
    proc = subprocess.Popen(
        [str(dg), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/server_info", 180, proc)
        yield base, warehouse
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)  # its assertions are done: a slow shutdown is killed
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def dismiss_dialogs(page):
    skip = page.get_by_role("button", name="Skip")
    if skip.count() and skip.first.is_visible():
        skip.first.click()


def test_materialize_all_from_the_ui_publishes_the_marts(dagster_ui, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, warehouse = dagster_ui
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1600, "height": 1000},
        )
        try:
            page = ctx.new_page()
            page.goto(f"{base}/asset-groups", wait_until="domcontentloaded")
            materialize = page.get_by_role("button", name="Materialize all")
            expect(materialize).to_be_visible(timeout=120_000)
            page.wait_for_timeout(1500)
            dismiss_dialogs(page)
            for group in ("sources", "raw", "staging", "marts", "publish"):
                expect(page.get_by_text(group, exact=True).first).to_be_visible()
            materialize.click()
            expect(page.get_by_text("View run").or_(page.get_by_text("launched", exact=False)).first).to_be_visible(
                timeout=60_000
            )

            deadline = time.monotonic() + RUN_TIMEOUT_S
            status = None
            while time.monotonic() < deadline:
                runs = graphql(base, "{ runsOrError { ... on Runs { results { runId status } } } }")
                results = runs["runsOrError"]["results"]
                status = results[0]["status"] if results else None
                if status in ("SUCCESS", "FAILURE", "CANCELED"):
                    break
                time.sleep(2)
            assert len(results) == 1, results
            assert status == "SUCCESS", f"run ended {status}"
            run_id = results[0]["runId"]

            page.goto(f"{base}/runs/{run_id}", wait_until="domcontentloaded")
            dismiss_dialogs(page)
            expect(page.get_by_text("Success").first).to_be_visible(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "ui_run.png"))

            page.goto(f"{base}/asset-groups", wait_until="domcontentloaded")
            expect(page.get_by_role("button", name="Materialize all")).to_be_visible(timeout=60_000)
            dismiss_dialogs(page)
            page.wait_for_timeout(3000)
            page.screenshot(path=str(ARTIFACTS / "ui_asset_graph.png"))
        finally:
            ctx.close()

    con = duckdb.connect(str(warehouse / "clusters.duckdb"), read_only=True)
    try:
        marts = {
            r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
        }
        assert marts == {m.name for m in MARTS}
        assert con.execute("select count(*) from marts.budget_yoy").fetchall()[0][0] > 0
        assert con.execute("select count(*) from meta.runs where run_id = ?", [run_id]).fetchall()[0][0] == 1
    finally:
        con.close()
    assert all((warehouse / "exports" / f"{m.name}.parquet").exists() for m in MARTS)
