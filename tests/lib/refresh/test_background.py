"""The background workers: GX in other processes, the same results as in this one, and gone with their parent."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.lib.paths import PROJECT_ROOT

SCRIPT = r"""
import json, os, sys
import pandas as pd
from pipelines.lib.refresh import background
from pipelines.lib.validation.validate import validate_frame

suite = {"expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "program"}}]}
rows = pd.DataFrame({"program": ["地域新生コンソーシアム研究開発事業", None]})
started = background.start()
submitted = background.submit("s", rows, {}, suite)
remote = background.validate("s", rows, parameters={}, suite_dict=suite)
worker = [p.pid for p in background._pool._processes.values()]
from multiprocessing import forkserver
server = forkserver._forkserver._forkserver_pid
local = validate_frame("s", rows, parameters={}, suite_dict=suite)
print(json.dumps({
    "started": started, "submitted": submitted, "worker": worker, "server": server, "main": os.getpid(),
    "remote": [remote.success, remote.evaluated, [o.unexpected_count for o in remote.outcomes]],
    "local": [local.success, local.evaluated, [o.unexpected_count for o in local.outcomes]],
}))
sys.stdout.flush()
if "--hang" in sys.argv:
    import time
    time.sleep(600)
"""


def _script(*args):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "GX_ANALYTICS_ENABLED": "False"}
    return [sys.executable, "-c", SCRIPT, *args], env


@pytest.mark.slow
def test_the_worker_validates_like_this_process():
    command, env = _script()
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["started"] and got["submitted"] and got["worker"] and got["main"] not in got["worker"]
    assert got["server"] not in (None, got["main"])  # the fork server, which imported GX for the workers
    assert got["remote"] == got["local"] == [False, 1, [1]]  # one null program among two rows


@pytest.mark.slow
def test_the_worker_leaves_when_its_refresh_is_killed():
    command, env = _script("--hang")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        got = json.loads(proc.stdout.readline())
        children = [*got["worker"], got["server"]]
        assert children and all(_alive(pid) for pid in children)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.2)
        assert not [pid for pid in children if _alive(pid)], "a worker outlived the refresh that started it"
    finally:
        if proc.poll() is None:
            proc.kill()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
