"""Typed tables in a real refresh: the JST deck and a re-issue of it (one amount changed) through the whole graph.

The JST deck's one table no family knows becomes tables.<document_id>_<table_id>, queryable in one SELECT,
exported like a mart, resolved to its page and table by `cli source`, shown first in the report, and compared
with the re-issue's (same table id and column names) in marts.edition_changes. Expected values come from the
truth file and the hand-read quantities, never from the pipeline.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from pipelines.lib.schema import table
from tests.editions.edits import Edit, replace_text
from tests.support import FIXTURES, JST, failure_messages, query, refresh

TRUTH = json.loads((FIXTURES / "decks" / "jst_regional_programs_2003.truth.json").read_text(encoding="utf-8"))
HAND_READ = json.loads((FIXTURES / "decks" / "jst_regional_programs_2003.quantities.json").read_text(encoding="utf-8"))
REISSUE = f"{JST.stem}_rev2"
TABLE = f"tables.{JST.stem}_unrecognised_9182b97c"  # the raw table id hashes the printed header (test_other_documents)
REISSUED = f"tables.{REISSUE}_unrecognised_9182b97c"
OLD, NEW = "86億5,000万円", "88億5,000万円"
README_QUERY = f"""SELECT 制度名_所管 AS program, 年度 AS fiscal_year, 予算 AS budget_yen
FROM {TABLE}
ORDER BY program, fiscal_year"""


def squeeze(text: str | None) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or "")).replace("〜", "～")


_q = query


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("typed_tables")
    raw, wh = root / "raw", root / "warehouse"
    raw.mkdir()
    (raw / JST.name).write_bytes(JST.read_bytes())
    replace_text(JST, raw / f"{REISSUE}.pdf", [Edit(2, OLD, NEW, align="center")])
    result = refresh(raw, wh)
    assert result.success, failure_messages(result)
    return result, raw, wh


def _budget(text: str) -> Decimal | None:
    """The hand-read value of a printed budget (None for a cell with no amount)."""
    found = {Decimal(str(q["value"])) for q in HAND_READ["quantities"] if squeeze(q["raw_text"]) == squeeze(text)}
    return found.pop() if found else None


def test_the_budget_per_program_and_year_is_one_select(site):
    _, _, wh = site
    (truth,) = TRUTH["tables"]
    expected = sorted(
        (squeeze(program), 1988 + int(re.match(r"(\d+)年度", year).group(1)), _budget(budget))
        for program, _, _, year, budget, _ in truth["cells"][truth["header_rows"] :]
    )  # 平成N年度 is the fiscal year 1988 + N
    found = sorted((squeeze(p), y, b) for p, y, b in _q(wh / "clusters.duckdb", README_QUERY))
    assert found == expected
    assert any(b is None for _, _, b in found) and all(isinstance(y, int) for _, y, _ in found)


def test_the_checks_pass_and_the_published_file_keeps_to_the_registry_and_the_contract(site):
    result, _, wh = site
    checks = {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}
    assert checks["typed_tables_match_their_generated_suites"].passed
    assert checks["typed_tables_match_their_generated_suites"].metadata["tables"].value == 2
    assert checks["published_columns_match_the_registry"].passed
    contract = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_contract.py"
    if contract.exists():  # beside ../shared (not in a bare clone)
        out = subprocess.run(
            [sys.executable, str(contract), str(wh / "clusters.duckdb")], capture_output=True, text=True
        )
        assert out.returncode == 0, out.stdout
    materialized = [
        m
        for m in result.get_asset_materialization_events()
        if m.asset_key == dg.AssetKey(["tables", "document_tables"])
    ]
    listed = materialized[0].materialization.metadata["typed_tables"].value
    assert [(t["table"], t["rows"], t["title"]) for t in listed] == [
        (TABLE, 12, TRUTH["tables"][0]["slide_title"]),
        (REISSUED, 12, TRUTH["tables"][0]["slide_title"]),
    ]


def test_a_re_issue_keeps_the_column_names_and_edition_changes_lists_its_changed_cell(site):
    _, _, wh = site
    db = wh / "clusters.duckdb"
    columns = "SELECT column_name, type FROM meta.typed_columns WHERE table_name = ? ORDER BY column_idx"
    assert _q(db, columns, [TABLE.split(".")[1]]) == _q(db, columns, [REISSUED.split(".")[1]])
    changes = _q(
        db,
        'SELECT change, prev_document_id, "table", "key", "column", old_value, new_value, source_page '
        "FROM marts.edition_changes WHERE document_id = ? AND \"table\" LIKE 'tables.%'",
        [REISSUE],
    )
    program = TRUTH["tables"][0]["cells"][1][0]
    ((change, prev, tbl, key, column, old, new, page),) = changes
    assert (change, prev, tbl, column, page) == ("changed", JST.stem, REISSUED, "予算", 2)
    assert squeeze(key) == squeeze(f"{program} | 2002")
    assert (Decimal(old), Decimal(new)) == (_budget(OLD), Decimal(8_850_000_000))


def test_each_typed_table_is_exported_like_a_mart(site):
    import openpyxl
    import pyarrow.parquet as pq

    _, _, wh = site
    exports = wh / "exports"
    name = TABLE.split(".")[1]
    assert (exports / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pq.read_table(exports / f"{name}.parquet").to_pandas()
    assert len(frame) == 12 and "採択件数_応募" in frame.columns
    book = openpyxl.load_workbook(exports / "clusters.xlsx", read_only=True)
    spec = table("marts.budget_yoy")
    assert spec.name in book.sheetnames
    sheets = [s for s in book.sheetnames if s.startswith(JST.stem[:20])]
    assert len(sheets) == 2 and all(len(s) <= 31 for s in sheets)
    header = next(book[sheets[0]].iter_rows(max_row=1, values_only=True))
    assert "予算" in header and "採択件数_応募" in header


def test_cli_source_resolves_every_typed_row_to_its_page_and_table(site, tmp_path):
    _, raw, wh = site
    env = {**os.environ, "PIPELINES_WAREHOUSE_DIR": str(wh), "PIPELINES_RAW_DIR": str(raw)}
    command = [sys.executable, "-m", "pipelines.cli", "source", TABLE, "source_row > 0", "--out", str(tmp_path)]
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    (truth,) = TRUTH["tables"]
    blocks = out.stdout.split("\n[")
    assert len(blocks) == truth["n_rows"] - truth["header_rows"]
    for block in blocks:
        assert f"page:   {truth['page']}" in block and "table:  unrecognised_9182b97c" in block
    assert squeeze(truth["cells"][1][4]) in squeeze(blocks[0])  # the whole printed row, its budget included


def test_the_report_shows_the_documents_own_tables_before_the_marts_and_empty_marts_on_one_line(site):
    _, _, wh = site
    page = (wh / "report" / "index.html").read_text(encoding="utf-8")
    typed = page.index('<section id="typed-tables">')
    assert typed < page.index("その他のマート (other marts)") < page.index('id="unknown-tables"')
    assert page.index(f'id="table-{TABLE}"') < page.index(f'id="table-{REISSUED}"')
    empty = re.search(r'<p class="desc" id="empty-marts">[^<]*</p>', page)
    assert empty is not None and "marts.budget_yoy" in empty.group(0)
    assert '<h3 id="table-budget_yoy">' not in page  # an empty mart has no section of its own
