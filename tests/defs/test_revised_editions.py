"""Revised editions refresh without a code change: real PDFs through the real Dagster graph.

Material: tests/fixtures/editions/meti_cluster_seminar_2005_rev1.pdf with its truth file (five revised figures,
a new cluster row with a new country and new wording), and edited copies of the bundled deck made in
tmp_path (tests/editions/edits.py): the next fiscal year's budget, a removed row, counts in new words, and a
garbled number. Expected values are the truth file's and the edits' own statements of what was printed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.lib.validation.suites import load_suite
from tests.editions.edits import write_garbled, write_new_phrasing, write_next_fiscal_year, write_row_removed
from tests.support import DECK, REV1, failure_messages, refresh

# The module's warehouse (or copies) is built once: its tests share one xdist worker.
pytestmark = pytest.mark.xdist_group("revised_editions")

TRUTH = REV1.with_name("meti_cluster_seminar_2005_rev1.truth.json")
BASE, REV = "meti_cluster_seminar_2005", "meti_cluster_seminar_2005_rev1"


def _run(tmp: Path, pdfs: dict[str, Path]):
    raw, wh = tmp / "raw", tmp / "warehouse"
    raw.mkdir()
    for name, src in pdfs.items():
        shutil.copy(src, raw / f"{name}.pdf")
    result = refresh(raw, wh, pages=False)  # these tests read the warehouse, not the report
    return result, wh


def _q(wh: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _warnings(result) -> dict[str, list[dg.AssetCheckEvaluation]]:
    """Failed WARN checks by name (a check name such as has_no_unclassified_rows is on several assets)."""
    out: dict[str, list[dg.AssetCheckEvaluation]] = {}
    for e in result.get_asset_check_evaluations():
        if e.severity == dg.AssetCheckSeverity.WARN and not e.passed:
            out.setdefault(e.asset_check_key.name, []).append(e)
    return out


@pytest.fixture(scope="session")
def rev1_alone(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("rev1"), {REV: REV1})


@pytest.fixture(scope="session")
def both_and_first(tmp_path_factory, published_site):
    """The deck refreshed alone (the session's shared refresh, copied), then rev1 dropped beside it and refreshed."""
    tmp = tmp_path_factory.mktemp("both")
    raw, wh = tmp / "raw", tmp / "warehouse"
    shutil.copytree(published_site.raw, raw)
    shutil.copytree(published_site.warehouse, wh)
    assert sorted(p.name for p in raw.iterdir()) == [f"{BASE}.pdf"]
    shutil.copy(REV1, raw / f"{REV}.pdf")
    return refresh(raw, wh), wh, published_site.result


@pytest.fixture(scope="session")
def both(both_and_first):
    result, wh, _ = both_and_first
    return result, wh


def test_rev1_alone_refreshes_with_its_new_figures(rev1_alone):
    result, wh = rev1_alone
    assert result.success, failure_messages(result)
    # Read off the truth file: 571億円 total, 22.4億円, 25億円; a 12th cluster in a new country.
    total = _q(wh, "select prev_oku_yen, oku_yen from marts.budget_yoy where is_total")
    assert [(float(p), float(o)) for p, o in total] == [(490.0, 571.0)]
    assert _q(wh, "select count(*) from staging.overseas_clusters")[0][0] == 12
    sweden = _q(wh, "select region, fields from staging.overseas_clusters where country = 'スウェーデン'")
    assert sweden == [("シスタ(ストックホルム北部)", "情報通信")]
    metrics = _q(
        wh,
        "select metric, value, qualifier, as_of_year from staging.cluster_metrics m join staging.overseas_clusters c "
        "using (document_id, cluster_id) where c.country = 'スウェーデン' order by metric",
    )
    assert metrics == [
        ("area_km2", 2.0, "approx", None),
        ("companies", 1000.0, "approx", 2004),
        ("workforce", 28000.0, "approx", 2004),
    ]
    assert _warnings(result) == {}  # one edition: no drift; every figure of rev1 has a rule


def test_rev1_beside_the_deck_lists_every_change(both):
    result, wh = both
    assert result.success, failure_messages(result)
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    assert len(truth["changes"]) == 8
    changed = set(
        _q(
            wh,
            'select "table", "key", "column", old_value, new_value from marts.edition_changes '
            "where change = 'changed'",
        )
    )
    # Each edit of the truth file, as the staging value it changes.
    assert {
        ("staging.budget_items", "産業クラスター計画関連施策 | 2005", "raw_text", "568億円", "571億円"),
        (
            "staging.budget_items",
            "産業クラスター計画推進のためのネットワーク形成事業 | 2005",
            "raw_text",
            "20.1億円",
            "22.4億円",
        ),
        ("staging.budget_items", "起業家育成施設の整備 | 2005", "raw_text", "23億円", "25億円"),
        ("staging.cluster_metrics", "ボストン都市圏 | population | 0", "raw_text", "約70万人", "約72万人"),
        ("staging.foreign_policies", "ドイツ/ビオレギオ", "budget_oku_yen", "120.0000", "125.0000"),
        ("staging.program_outcomes", "new_business_pct", "value", "58.7", "60.4"),
        ("staging.cluster_examples", "首都圏西部地域(TAMA) | companies", "raw_text", "約280社", "約300社"),
    } <= changed
    added = _q(
        wh,
        "select distinct \"key\" from marts.edition_changes where change = 'added' "
        "and \"table\" = 'staging.overseas_clusters'",
    )
    assert added == [("シスタ(ストックホルム北部)",)]  # a cluster is keyed by its region
    assert _q(wh, "select count(*) from marts.edition_changes where change = 'removed'")[0][0] == 0
    # Drift is shown as a WARN, never a reason to refuse: the run published.
    warns = _warnings(result)
    assert set(warns) == {"editions_keep_the_same_rows"}
    listed = warns["editions_keep_the_same_rows"][0].metadata["findings"].value
    assert {
        "document_id": REV,
        "prev_document_id": BASE,
        "table": "staging.overseas_clusters",
        "added": ["シスタ(ストックホルム北部)"],
        "removed": [],
    } in listed
    assert (wh / "clusters.duckdb").exists()


def test_the_report_shows_what_changed_between_editions(both):
    _, wh = both
    page = (wh / "report" / "index.html").read_text(encoding="utf-8")
    assert 'id="edition-changes"' in page
    section = page[page.index('id="edition-changes"') : page.index("</section>", page.index('id="edition-changes"'))]
    for text in ("571億円", "568億円", "約72万人", "staging.overseas_clusters", REV):
        assert text in section
    changes = page[page.index('id="mart-edition_changes"') :]
    changes = changes[: changes.index("</table>")]
    assert 'class="src"' in changes  # a new value opens the cell it was printed in


def test_checks_say_which_result_they_reuse(both_and_first):
    second, _, first = both_and_first
    assert first.success and second.success
    ev = next(
        e
        for e in second.get_asset_check_evaluations()
        if e.asset_check_key.name == "matches_expectation_suite"
        and e.asset_check_key.asset_key.path[-1] == "budget_items"
    )
    reused = ev.metadata["documents_reused"].value
    assert [r["document_id"] for r in reused] == [BASE]
    assert reused[0]["run_id"] == first.run_id and reused[0]["passed_at"]  # when: from meta.runs
    first_ev = next(
        e
        for e in first.get_asset_check_evaluations()
        if e.asset_check_key.name == "matches_expectation_suite"
        and e.asset_check_key.asset_key.path[-1] == "budget_items"
    )
    n = first_ev.metadata["expectations_evaluated"].value
    assert n == len(load_suite("budget_items")["expectations"]) and reused[0]["expectations"] == n
    assert ev.metadata["expectations"].value == 2 * n  # rev1 evaluated now + the deck's reused: nothing hidden
    assert ev.metadata["expectations_evaluated"].value == n


def test_next_fiscal_year_edition_alone(tmp_path):
    pdf = write_next_fiscal_year(DECK, tmp_path / "next.pdf")
    result, wh = _run(tmp_path, {"meti_cluster_seminar_2006": pdf})
    assert result.success, failure_messages(result)
    rows = _q(wh, "select program, prev_fiscal_year, fiscal_year, prev_oku_yen, oku_yen, is_new from marts.budget_yoy")
    by_program = {r[0]: r[1:] for r in rows}
    assert {r[1:3] for r in rows} == {(2005, 2006)}
    total = by_program["産業クラスター計画関連施策"]
    assert (float(total[2]), float(total[3]), total[4]) == (568.0, 575.0, False)
    renewed = by_program["産学官ネットワーク形成事業"]  # (新規) became (5.2億円): no longer new
    assert (float(renewed[2]), float(renewed[3]), renewed[4]) == (5.2, 6.0, False)
    still_new = by_program["クラスター間の連携交流等の促進事業"]
    assert (still_new[2], float(still_new[3]), still_new[4]) == (None, 0.8, True)


def test_a_removed_row_and_new_wording_are_kept_and_reported(tmp_path):
    removed = write_row_removed(DECK, tmp_path / "removed.pdf")
    worded = write_new_phrasing(DECK, tmp_path / "worded.pdf")
    result, wh = _run(tmp_path, {BASE: DECK, f"{BASE}_v2": removed, "meti_cluster_seminar_new_wording": worded})
    assert result.success, failure_messages(result)
    gone = _q(
        wh,
        'select "key" from marts.edition_changes where change = \'removed\' and "table" = '
        "'staging.overseas_clusters' and \"column\" = 'region' and old_value = 'ソフィア・アンティボリス'",
    )
    assert len(gone) == 1
    countries = {r[0] for r in _q(wh, f"select country from staging.overseas_clusters where document_id = '{BASE}_v2'")}
    assert "フランス" not in countries and len(countries) == 6
    warns = _warnings(result)
    assert {"editions_keep_the_same_rows", "has_no_unclassified_rows"} <= set(warns)
    rows = [r for e in warns["has_no_unclassified_rows"] for r in e.metadata["findings"].value]
    where = {r["raw_text"]: r["where"] for r in rows}
    assert where["約40社"].startswith("meti_cluster_seminar_new_wording.pdf, page 3, table overseas_clusters_1, cell r")
    assert where["40件以上"].startswith(
        "meti_cluster_seminar_new_wording.pdf, page 13, table activity_example_1, block"
    )
    stored = _q(wh, "select metric, value, qualifier from staging.cluster_metrics where raw_text = '約40社'")
    assert stored == [("unclassified_companies", 40.0, "approx")]


def test_a_garbled_edition_stops_the_refresh_and_keeps_the_warehouse(site, tmp_path):
    before = site.hashes()
    write_garbled(DECK, site.raw / f"{BASE}_v2.pdf")
    result = refresh(site.raw, site.warehouse)
    assert not result.success
    messages = failure_messages(result)
    assert any(f"{BASE}_v2.pdf, page 10, table policy_tools_1, cell r" in m and "2?.1億円" in m for m in messages), (
        messages
    )
    assert site.hashes() == before
