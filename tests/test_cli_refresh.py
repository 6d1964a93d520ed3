"""`make run` (pipelines.cli refresh) in a real process: the terminal view, the log file, and no-change runs."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.paths import PROJECT_ROOT
from tests.support import DECK, sha256

# The module's warehouse (or copies) is built once: its tests share one xdist worker.
pytestmark = pytest.mark.xdist_group("cli_refresh")

STAGE_NAMES = ("sources", "extraction", "staging", "checks", "tables", "marts", "publish", "report", "docs")


def _run(raw, wh, home, **env):
    full_env = {
        **os.environ,
        "PIPELINES_RAW_DIR": str(raw),
        "PIPELINES_WAREHOUSE_DIR": str(wh),
        "DAGSTER_HOME": str(home),
        "PYTHONPATH": str(PROJECT_ROOT),
        **env,
    }
    command = [sys.executable, "-m", "pipelines.cli", "refresh"]
    return subprocess.run(command, capture_output=True, text=True, env=full_env, cwd=PROJECT_ROOT, timeout=600)


def _tables(db):
    """Every table's rows (sorted), meta.runs apart."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE NOT (schema_name = 'meta' AND table_name = 'runs')"
        ).fetchall()
        return {f"{s}.{t}": sorted(map(repr, con.execute(f'SELECT * FROM "{s}"."{t}"').fetchall())) for s, t in names}
    finally:
        con.close()


def _user_files(wh):
    files = [wh / "report" / "index.html", wh / "data_docs" / "index.html", *sorted((wh / "exports").iterdir())]
    return {f.relative_to(wh).as_posix(): sha256(f) for f in files}


@pytest.fixture(scope="session")
def refreshed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli_refresh")
    raw, wh, home = tmp / "raw", tmp / "warehouse", tmp / "dagster_home"
    raw.mkdir()
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "instance" / "dagster.yaml", home)
    shutil.copy(DECK, raw)
    first = _run(raw, wh, home)
    return raw, wh, home, first


@pytest.mark.slow
def test_a_refresh_prints_one_line_per_stage_and_a_summary_not_the_event_log(refreshed):
    _, wh, _, first = refreshed
    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    stage_lines = [line.split()[0] for line in lines if line.startswith("  ") and line.rstrip().endswith(" s")]
    assert stage_lines == list(STAGE_NAMES), first.stdout
    extraction = next(line for line in lines if line.split()[:1] == ["extraction"])
    assert "28 pages" in extraction  # the deck has 28 slides
    assert "DEBUG" not in first.stdout and "STEP_START" not in first.stdout and first.stderr == ""
    assert f"published {wh / 'clusters.duckdb'}" in first.stdout
    assert "WARN checks: none fired" in first.stdout  # the bundled deck has no unclassified content
    run_id = first.stdout.split("refresh succeeded (run ", 1)[1].split(")", 1)[0]
    log = wh / ".build" / "logs" / f"{run_id}.log"  # one per run; refresh.log links to the last
    assert f"full log: {log}" in first.stdout
    assert (wh / ".build" / "refresh.log").resolve() == log.resolve()
    text = log.read_text(encoding="utf-8")
    assert "STEP_START" in text and "RUN_SUCCESS" in text and "page 28/28 extracted" in text


@pytest.mark.slow
def test_an_unchanged_refresh_only_adds_a_run_to_the_history(refreshed):
    raw, wh, home, first = refreshed
    assert first.returncode == 0
    tables, files = _tables(wh / "clusters.duckdb"), _user_files(wh)
    os.utime(raw / DECK.name)  # a new mtime is not a change: the sha256 decides
    again = _run(raw, wh, home)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("nothing to do:"), again.stdout
    assert _tables(wh / "clusters.duckdb") == tables
    assert _user_files(wh) == files
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    statuses = [r[0] for r in con.execute("SELECT status FROM meta.runs ORDER BY started_at").fetchall()]
    con.close()
    assert statuses[-2:] == ["success", "unchanged"]


@pytest.mark.slow
def test_a_reader_holding_the_file_does_not_stop_a_no_change_run(refreshed):
    raw, wh, home, _ = refreshed
    reader = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    try:
        before = reader.execute("SELECT count(*) FROM meta.runs").fetchall()[0][0]
        out = _run(raw, wh, home)
        assert out.returncode == 0 and out.stdout.startswith("nothing to do:"), out.stdout + out.stderr
        assert reader.execute("SELECT count(*) FROM meta.runs").fetchall()[0][0] == before  # its own snapshot
    finally:
        reader.close()


@pytest.mark.slow
def test_a_bad_file_is_one_message_and_the_traceback_goes_to_the_log(refreshed, tmp_path):
    raw, wh, home, _ = refreshed
    bad_raw = tmp_path / "raw"
    shutil.copytree(raw, bad_raw)
    (bad_raw / "notes.pdf").write_text("meeting notes, not a PDF", encoding="utf-8")
    before = sha256(wh / "clusters.duckdb")
    out = _run(bad_raw, wh, home)
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    assert out.stderr.count("notes.pdf") == 1, out.stderr  # said once
    assert "notes.pdf: not a PDF" in out.stderr
    log = Path(out.stderr.split("full log (with tracebacks): ", 1)[1].strip())
    assert log.parent == wh / ".build" / "logs"
    text = log.read_text(encoding="utf-8")
    assert "pipelines/lib/pdf/document.py" in text and "raise SourceDocumentError" in text  # the stack
    assert sha256(wh / "clusters.duckdb") == before


@pytest.mark.slow
def test_a_failure_after_the_publish_says_the_warehouse_was_published(refreshed, tmp_path):
    raw, wh, home, _ = refreshed
    other = tmp_path / "warehouse"
    other.mkdir()
    (other / "report").write_text("a file where the report folder goes", encoding="utf-8")
    out = _run(raw, other, home, PIPELINES_FORCE="1")
    assert out.returncode == 1
    assert f"refresh FAILED after it published {other / 'clusters.duckdb'}" in out.stderr, out.stderr
    assert "left as it was" not in out.stderr
    assert "published_report" in out.stderr and "Traceback" not in out.stderr
    ours, theirs = _tables(other / "clusters.duckdb"), _tables(wh / "clusters.duckdb")
    data = [t for t in theirs if t.startswith(("staging.", "marts."))]
    assert data and all(ours[t] == theirs[t] for t in data)  # this run's warehouse is out, all of it


@pytest.mark.slow
def test_verbose_prints_the_event_log_too(refreshed):
    raw, wh, home, _ = refreshed
    out = _run(raw, wh, home, PIPELINES_VERBOSE="1", PIPELINES_FORCE="1")
    assert out.returncode == 0, out.stderr
    assert "STEP_START" in out.stderr  # Dagster's console logger, at DEBUG
    assert "refresh succeeded" in out.stdout


@pytest.mark.slow
def test_on_a_terminal_a_bar_counts_the_pages(refreshed, tmp_path):
    import pty

    _, wh, home, _ = refreshed
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / DECK.name).write_bytes(DECK.read_bytes() + b"\n% re-saved\n")  # a new sha256: extracted again
    env = {
        **os.environ,
        "PIPELINES_RAW_DIR": str(raw),
        "PIPELINES_WAREHOUSE_DIR": str(wh),
        "DAGSTER_HOME": str(home),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    master, slave = pty.openpty()
    command = [sys.executable, "-m", "pipelines.cli", "refresh"]
    proc = subprocess.Popen(command, stdout=slave, stderr=slave, env=env, cwd=PROJECT_ROOT)
    os.close(slave)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    assert proc.wait(timeout=600) == 0, screen[-2000:]
    text = screen.decode("utf-8", errors="replace")
    assert "\r\x1b[K  extraction [" in text and "page 1/28" in text and "page 28/28" in text
    assert "#" * 24 + "] page 28/28" in text  # the full bar at the last page
