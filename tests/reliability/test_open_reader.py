"""Fault class 10: a reader holding the published file while refreshes run (one that succeeds, one that fails)."""

import subprocess
import sys

import duckdb

from tests.support import failure_messages, refresh

READER = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
q = "select count(*), sum(oku_yen) from marts.budget_yoy"
first = con.execute(q).fetchall()
print("ready", flush=True)
for line in sys.stdin:  # one query per request, on the connection opened before the refresh
    print("same" if con.execute(q).fetchall() == first else "changed", con.execute(
        "select count(*) from meta.runs").fetchall()[0][0], flush=True)
"""


def test_reader_keeps_its_snapshot_and_refreshes_succeed(site):
    db = site.warehouse / "clusters.duckdb"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        before = site.hashes()
        (site.raw / "partial_download.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
        failed = refresh(site.raw, site.warehouse, pages=False)
        assert not failed.success and any("partial_download.pdf" in m for m in failure_messages(failed))
        assert site.hashes() == before
        (site.raw / "partial_download.pdf").unlink()
        result = refresh(site.raw, site.warehouse, pages=False)
        assert result.success, failure_messages(result)
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == ["same", "1"]  # still the file it opened: one run recorded
    finally:
        reader.kill()
        reader.wait()
    assert site.hashes() != before
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from meta.runs").fetchall()[0][0] == 2
