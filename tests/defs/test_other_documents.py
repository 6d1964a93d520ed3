"""Documents of another kind refresh: the real Dagster graph on the sample deck of another document, alone and
beside the bundled deck and the revised edition.

The sample (tests/fixtures/decks/jst_regional_programs_2003.pdf) has tables and passages no family knows; its
numbers must reach staging.quantities, a WARN check must name it, and the bundled deck's warehouse must not
change because it is there.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from pipelines.lib.sources import connect_read_only, find_sources
from pipelines.lib.staging.registry import CURATED
from tests.support import DECK, JST, REV1, failure_messages, query, refresh

BUNDLED, OTHER = DECK.stem, JST.stem


def _run(tmp: Path, pdfs: list[Path], pages: bool = True):
    raw, wh = tmp / "raw", tmp / "warehouse"
    raw.mkdir()
    for pdf in pdfs:
        shutil.copy(pdf, raw / pdf.name)
    return refresh(raw, wh, pages=pages), wh


def _warned(result, name: str) -> list[str]:
    return [
        e.description or ""
        for e in result.get_asset_check_evaluations()
        if e.asset_check_key.name == name and e.severity == dg.AssetCheckSeverity.WARN and not e.passed
    ]


_rows = query


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("other_alone"), [JST], pages=False)  # its tests read the warehouse


@pytest.fixture(scope="module")
def beside(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("other_beside"), [DECK, JST, REV1])


def test_a_document_of_another_kind_alone_publishes_with_a_warning(alone):
    result, wh = alone
    assert result.success, failure_messages(result)
    warned = _warned(result, "documents_are_known_decks")
    assert len(warned) == 1 and f"{OTHER}.pdf: no known table or passage (3 pages)" in warned[0]
    db = wh / "clusters.duckdb"
    for st in CURATED:
        assert _rows(db, f"SELECT count(*) FROM staging.{st.name}") == [(0,)], st.name
    n, untyped = _rows(db, "SELECT count(*), count(*) FILTER (unit = 'number') FROM staging.quantities")[0]
    assert n > 49 and untyped == 0  # the 49 hand-read ones among them (tests/lib/staging/test_quantities.py)
    assert _rows(db, "SELECT count(*) FROM raw.tables WHERE family = 'unrecognised'") == [(1,)]
    assert (wh / "exports" / "quantities.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_beside_the_bundled_deck_every_document_refreshes_and_the_decks_rows_do_not_change(beside, published_site):
    result, wh = beside
    assert result.success, failure_messages(result)
    warned = _warned(result, "documents_are_known_decks")
    assert len(warned) == 1 and f"{OTHER}.pdf" in warned[0] and BUNDLED not in warned[0]
    db, alone_db = wh / "clusters.duckdb", published_site.warehouse / "clusters.duckdb"
    for st in CURATED:
        sql = f"SELECT * FROM staging.{st.name} WHERE document_id = ? ORDER BY ALL"
        assert _rows(db, sql, [BUNDLED]) == _rows(alone_db, sql, [BUNDLED]), st.name
    sql = "SELECT * EXCLUDE (claimed_by) FROM staging.quantities WHERE document_id = ? ORDER BY ALL"
    assert _rows(db, sql, [BUNDLED]) == _rows(alone_db, sql, [BUNDLED])
    documents = {d for (d,) in _rows(db, "SELECT DISTINCT document_id FROM staging.quantities")}
    assert documents == {p.stem for p in (wh.parent / "raw").glob("*.pdf")}


def test_the_workbook_has_a_quantities_sheet_and_the_parquet_keeps_exact_values(beside):
    import openpyxl
    import pyarrow.parquet as pq

    _, wh = beside
    book = openpyxl.load_workbook(wh / "exports" / "clusters.xlsx", read_only=True)
    assert "quantities" in book.sheetnames
    table = pq.read_table(wh / "exports" / "quantities.parquet").to_pandas()
    amount = table[(table["document_id"] == OTHER) & (table["raw_text"] == "86億5,000万円")].iloc[0]
    assert amount["value"] == Decimal(8_650_000_000) and amount["unit"] == "yen"


def test_a_quantity_of_an_unknown_table_resolves_to_its_cell(beside):
    _, wh = beside
    con = connect_read_only(wh / "clusters.duckdb")
    try:
        matches = find_sources(con, "staging.quantities", f"document_id = '{OTHER}' and raw_text = '483件'")
    finally:
        con.close()
    assert len(matches) == 1
    assert matches[0].key["quantity_id"] == "p2:unrecognised_9182b97c:r1c5:q1"  # the second number of its cell
    source = matches[0].source
    assert source is not None and source.page == 2 and "49件(応募483件)" in source.text
    assert source.column_header == "採択件数"


def test_the_report_shows_the_tables_no_family_knows_with_their_sources(beside, published_site):
    import re

    _, wh = beside
    page = (wh / "report" / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="unknown-tables">') :]
    section = section[: section.index("</section>")]
    assert f"{OTHER} p.2 unrecognised_9182b97c" in section
    assert "見出し (header): 制度名(所管) | 開始年 | 1件当り事業規模 | 年度 | 予算 | 採択件数" in section
    button = re.search(r'<button type="button" class="src" popovertarget="(src-[^"]+)"[^>]*>483件</button>', section)
    assert button is not None
    popover = page[page.index(f'id="{button.group(1)}"') :]
    popover = popover[: popover.index("</div>")]
    assert "<dd>採択件数</dd>" in popover and "<dd>49件(応募480件)</dd>" not in popover
    assert 'class="crop"' in popover  # a crop of the cell from the PDF the warehouse read
    assert "unknown-tables" not in (published_site.warehouse / "report" / "index.html").read_text(encoding="utf-8")
