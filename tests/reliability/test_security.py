"""Untrusted PDFs: pdfminer.six past the CMap pickle CVEs, the UI on loopback only, no PDF value in SQL or paths."""

import re
from importlib.metadata import version

import dagster as dg
import duckdb

from pipelines.lib.paths import PROJECT_ROOT
from tests.support import failure_messages, refresh

# pdfminer.six releases: 20251107 stopped unpickling CMaps from paths a PDF names (CVE-2025-64512);
# 20251230 stopped unpickling CMaps at all, JSON only (CVE-2025-70559, GHSA-f83h-ghpp-7wcc, pdfminer.six#1172).
CMAP_PICKLE_FIXED = 20251230


def test_installed_pdfminer_is_past_the_cmap_pickle_fixes():
    assert int(version("pdfminer.six")) >= CMAP_PICKLE_FIXED


def test_lock_and_pyproject_pin_pdfminer_past_the_fixes():
    pins = re.findall(r"^pdfminer-six==(\d+)", (PROJECT_ROOT / "requirements.lock").read_text(), flags=re.M)
    assert pins and all(int(p) >= CMAP_PICKLE_FIXED for p in pins)
    floor = re.findall(r'"pdfminer\.six>=(\d+)"', (PROJECT_ROOT / "pyproject.toml").read_text())
    assert floor and int(floor[0]) >= CMAP_PICKLE_FIXED


def test_ui_listens_on_loopback_only():
    recipe = (PROJECT_ROOT / "Makefile").read_text().split("\nui:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"\$\(DG\) dev .*-h 127\.0\.0\.1\b", recipe), recipe  # dg dev, as DG is defined
    assert re.search(r"^DG := .*\$\(VENV\)/bin/dg$", (PROJECT_ROOT / "Makefile").read_text(), flags=re.M)
    assert "0.0.0.0" not in recipe


INJECTION = "'; drop table x; --"
TRAVERSAL = "../../etc/passwd"


def test_hostile_cell_text_stays_data(site, tmp_path):
    before = {p.name for p in site.warehouse.rglob("*")}
    con = duckdb.connect(str(site.warehouse / ".build" / "clusters.duckdb"))
    con.execute("create table x as select 1 as canary")
    # Text-only columns of overseas_clusters: 主な分野 (fields) and 主要大学・研究機関 of the first cluster.
    con.execute(
        "update raw.table_cells set text = ? where table_id = 'overseas_clusters_1' and row_idx = 1 and col_idx = 2",
        [INJECTION],
    )
    con.execute(
        "update raw.table_cells set text = ? where table_id = 'overseas_clusters_1' and row_idx = 1 and col_idx = 4",
        [TRAVERSAL],
    )
    con.close()
    result = refresh(site.raw, site.warehouse, selection=dg.AssetSelection.groups("staging", "marts", "publish"))
    assert result.success, failure_messages(result)
    pub = duckdb.connect(str(site.warehouse / "clusters.duckdb"), read_only=True)
    rows = pub.execute(
        "select fields, universities_institutes from staging.overseas_clusters "
        "where fields = ? and universities_institutes = ?",
        [INJECTION, TRAVERSAL],
    ).fetchall()
    assert rows == [(INJECTION, TRAVERSAL)]
    assert pub.execute("select canary from main.x").fetchall() == [(1,)]
    created = {p.name for p in site.warehouse.rglob("*")} - before
    assert not any("passwd" in n or "drop" in n for n in created), created
    assert not (tmp_path / "etc").exists() and not (site.warehouse.parent / "etc").exists()
