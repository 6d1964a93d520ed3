"""`make sql`: harlequin opens the published warehouse read-only, in a real terminal, on the lock's DuckDB."""

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import sql_prompt_command
from pipelines.lib.paths import PROJECT_ROOT
from tests.support import sha256


def test_make_sql_runs_the_cli_sql_prompt():
    recipe = (PROJECT_ROOT / "Makefile").read_text().split("\nsql:", 1)[1].split("\n\n", 1)[0]
    assert "-m pipelines.cli sql" in recipe


def test_the_prompt_is_harlequin_from_this_environment_read_only(tmp_path):
    command = sql_prompt_command(tmp_path / "clusters.duckdb")
    assert Path(command[0]) == Path(sys.executable).parent / "harlequin"
    assert os.access(command[0], os.X_OK)
    assert command[1:] == ["--adapter", "duckdb", "--read-only", str(tmp_path / "clusters.duckdb")]


def test_without_a_published_warehouse_it_says_to_run_make_run(tmp_path):
    env = {**os.environ, "PIPELINES_WAREHOUSE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "pipelines.cli", "sql"], capture_output=True, text=True, env=env)
    assert out.returncode == 1 and "run `make run` first" in out.stderr


def _read_until(fd, needle, timeout):
    screen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                screen += os.read(fd, 65536)
            except OSError:
                break
            if needle in screen:
                return screen
    return screen


@pytest.mark.slow
def test_harlequin_opens_the_published_file_read_only_and_leaves_it_as_it_was(published_site, tmp_path):
    wh = tmp_path / "warehouse"
    wh.mkdir()
    shutil.copy(published_site.warehouse / "clusters.duckdb", wh)
    db = wh / "clusters.duckdb"
    before = sha256(db)
    env = {
        **os.environ,
        "PIPELINES_WAREHOUSE_DIR": str(wh),
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),  # harlequin's config and history go here, not to the user's
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "sql"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    os.close(slave)
    try:
        screen = _read_until(master, b"Query Editor", timeout=90)
        assert b"Query Editor" in screen, screen[-2000:]
        # harlequin holds the file: a writer is refused, yet a second reader opens it (a shared, read-only lock).
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(db))
        reader = duckdb.connect(str(db), read_only=True)
        assert reader.execute("select count(*) from marts.budget_yoy").fetchall() == [(8,)]
        reader.close()
        for _ in range(20):  # ctrl+q quits, once the app is ready for keys
            os.write(master, b"\x11")
            _read_until(master, b"\x00", timeout=1)
            if proc.poll() is not None:
                break
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert proc.returncode == 0
    assert sha256(db) == before


def _source(published_site, cwd, *args):
    env = {
        **os.environ,
        "PIPELINES_WAREHOUSE_DIR": str(published_site.warehouse),
        "PIPELINES_RAW_DIR": str(published_site.raw),
    }
    command = [sys.executable, "-m", "pipelines.cli", "source", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)


def test_source_prints_where_a_budget_figure_is_printed_and_writes_its_crop(published_site, tmp_path):
    from PIL import Image

    db = published_site.warehouse / "clusters.duckdb"
    before = sha256(db)
    out = _source(published_site, tmp_path, "staging.budget_items", "program like '地域新生%' and fiscal_year = 2005")
    assert out.returncode == 0, out.stderr
    lines = [line.strip() for line in out.stdout.splitlines()]
    # Page 11 of the deck: 地域新生コンソーシアム研究開発事業 | 137.2億円 under 17年度予算.
    for expected in (
        "file:   meti_cluster_seminar_2005.pdf",
        "page:   11",
        "table:  policy_tools_2 ((2)地域の特性を活かした技術開発の推進)",
        "column: 17年度予算",
        "row:    地域新生コンソーシアム研究開発事業",
        "text:   137.2億円",
    ):
        assert expected in lines, (expected, out.stdout)
    bbox = next(line for line in lines if line.startswith("bbox:"))
    x0, top, x1, bottom = (float(part.split("=")[1]) for part in bbox.split()[1:5])
    crop = next(line for line in lines if line.startswith("crop:")).split(None, 1)[1]
    assert crop == "sources/meti_cluster_seminar_2005_p11_policy_tools_2_r1c1.png"
    image = Image.open(tmp_path / crop)
    margin = 4.0  # points around the bbox
    expected_ratio = (x1 - x0 + 2 * margin) / (bottom - top + 2 * margin)
    assert abs(image.width / image.height - expected_ratio) < 0.03, (image.size, expected_ratio)
    assert image.width > 100, "readable: about 110 dpi"
    assert sha256(db) == before, "the published file is opened read-only"


def test_source_writes_crops_to_the_out_folder(published_site, tmp_path):
    out = _source(published_site, tmp_path, "staging.foreign_policies", "country = 'ドイツ'", "--out", "crops")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("page:   6") == 2
    assert sorted(p.name for p in (tmp_path / "crops").iterdir()) == [
        "meti_cluster_seminar_2005_p6_foreign_policies_r2c3.png",
        "meti_cluster_seminar_2005_p6_foreign_policies_r2c4.png",
    ]


@pytest.mark.parametrize(
    ("table", "where", "says"),
    [
        ("staging.no_such_table", "true", "unknown table 'staging.no_such_table'"),
        ("staging.budget_items", "fiscal_year = = 2005", "the filter does not work"),
        ("staging.budget_items", "fiscal_year = 1999", "no row of staging.budget_items matches"),
    ],
)
def test_source_refuses_with_one_line_and_exit_code_2(published_site, tmp_path, table, where, says):
    out = _source(published_site, tmp_path, table, where)
    assert out.returncode == 2
    assert out.stdout == "" and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert says in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "sources").exists()
