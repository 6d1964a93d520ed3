"""Real processes: a refresh killed with SIGKILL mid-extraction or mid-publish, and two refreshes at once.

The published file must stay byte-identical after a kill, and the next refresh must succeed with no
manual clean-up (the OS releases the writer lock; stale temp files are removed under the lock).
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.paths import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("killed_refresh")]  # one published warehouse to kill
DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start_refresh(raw: Path, wh: Path, home: Path, force: bool = False) -> subprocess.Popen:
    """`make run`'s command; ``force`` runs every step even when nothing changed (PIPELINES_FORCE=1)."""
    env = {
        **os.environ,
        "PIPELINES_RAW_DIR": str(raw),
        "PIPELINES_WAREHOUSE_DIR": str(wh),
        "DAGSTER_HOME": str(home),
        "PYTHONPATH": str(PROJECT_ROOT),
        "GX_ANALYTICS_ENABLED": "False",
        "PIPELINES_FORCE": "1" if force else "",
    }
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "refresh"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def runs_in(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from meta.runs").fetchall()[0][0]
    finally:
        con.close()


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("killed")
    raw = base / "raw"
    raw.mkdir()
    shutil.copy(DECK, raw)
    wh = base / "warehouse"
    proc = start_refresh(raw, wh, base / "home")
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out[-3000:]
    return raw, wh, base / "home"


def test_sigkill_during_extraction_leaves_published_file_and_next_run_recovers(warehouse):
    raw, wh, home = warehouse
    before = sha(wh / "clusters.duckdb")
    # A changed file (same document id, new sha256) so the refresh really extracts it again.
    pdf = raw / DECK.name
    pdf.write_bytes(DECK.read_bytes() + b"\n% re-saved\n")
    logs = wh / ".build" / "logs"  # each run's full event log, page by page
    earlier = set(logs.glob("*.log"))
    proc = start_refresh(raw, wh, home)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        mine = set(logs.glob("*.log")) - earlier
        if any("page 12/28 extracted" in p.read_text(encoding="utf-8", errors="replace") for p in mine):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert sha(wh / "clusters.duckdb") == before
    runs = runs_in(wh / "clusters.duckdb")
    again = start_refresh(raw, wh, home)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out[-3000:]
    assert runs_in(wh / "clusters.duckdb") == runs + 1


@pytest.mark.parametrize("force", [True, False], ids=["publish", "unchanged-run record"])
def test_sigkill_during_publish_leaves_published_file_and_next_run_recovers(warehouse, force):
    """Killed while the new file is written: a full publish, or the row a run with nothing to do adds."""
    raw, wh, home = warehouse
    before = sha(wh / "clusters.duckdb")
    runs = runs_in(wh / "clusters.duckdb")
    proc = start_refresh(raw, wh, home, force=force)
    killed = False
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if any(wh.glob(".clusters.duckdb.*.tmp")):
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.001)
    proc.wait(timeout=60)
    if not killed:
        pytest.fail("the refresh finished before its publish temp file was seen; could not kill it mid-publish")
    assert sha(wh / "clusters.duckdb") == before
    assert any(wh.glob(".clusters.duckdb.*.tmp")), "the killed publish should have left its temp file behind"
    again = start_refresh(raw, wh, home)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out[-3000:]
    assert not any(wh.glob(".clusters.duckdb.*.tmp")), "stale temp files are cleaned by the next publish"
    assert runs_in(wh / "clusters.duckdb") == runs + 1


def test_two_refreshes_at_once_are_serialized(warehouse):
    raw, wh, home = warehouse
    runs = runs_in(wh / "clusters.duckdb")
    first = start_refresh(raw, wh, home, force=True)
    second = start_refresh(raw, wh, home, force=True)
    out1, _ = first.communicate(timeout=400)
    out2, _ = second.communicate(timeout=400)
    assert (first.returncode, second.returncode) == (0, 0), (out1[-2000:], out2[-2000:])
    assert runs_in(wh / "clusters.duckdb") == runs + 2
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    assert con.execute("select count(*) from staging.budget_items").fetchall()[0][0] == 14
