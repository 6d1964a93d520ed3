"""The report's charts drawn by a background worker give the same page, byte for byte, as drawn in this process."""

import json
import os
import subprocess
import sys

import pytest

from pipelines.lib.paths import PROJECT_ROOT

SCRIPT = r"""
import hashlib, json, os, shutil, sys
from pathlib import Path
from pipelines.lib.refresh import background
from pipelines.lib.report.build import build_report, render_charts
from pipelines.lib.warehouse.connections import WarehousePaths

raw, here, there = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
shutil.copytree(here, there)
local = build_report(WarehousePaths(here), raw_dir=raw)
background.start()
worker = background.deferred(os.getpid)()
def draw(data, documents):
    return background.deferred(render_charts, data, documents)
remote = build_report(WarehousePaths(there), raw_dir=raw, draw=draw)
print(json.dumps({
    "main": os.getpid(), "worker": worker,
    "local": [local.sha256, {k: hashlib.sha256(v).hexdigest() for k, v in local.charts_png.items()}],
    "remote": [remote.sha256, {k: hashlib.sha256(v).hexdigest() for k, v in remote.charts_png.items()}],
}))
background.stop()
"""


@pytest.mark.slow
def test_charts_drawn_in_a_worker_give_the_same_report(site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "GX_ANALYTICS_ENABLED": "False"}
    command = [sys.executable, "-c", SCRIPT, str(site.raw), str(site.warehouse), str(tmp_path / "copy")]
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["worker"] != got["main"]  # deferred work ran in another process
    assert got["remote"] == got["local"]  # the page and every chart's PNG
    assert sorted(got["local"][1]) == ["budget", "foreign_budgets", "networks", "overseas", "timeline"]
