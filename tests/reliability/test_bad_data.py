"""Garbled or inconsistent staging data still stops the run, under the edition-independent rules.

Each case corrupts one staging table of a published site's working database the way a faulty builder or a
broken edition would, then runs the checks of that table and everything downstream (marts, publish). The
failing check names the table, the document and the rule, and the published warehouse stays byte-identical.
"""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from tests.support import failure_messages, refresh

DOC = "meti_cluster_seminar_2005"
SELECT = "program = '起業家育成施設の整備' and fiscal_year = 2005"

CASES = [
    (
        "negative_amount",
        "budget_items",
        f"update staging.budget_items set amount_oku_yen = -23, amount_yen = -2300000000 where {SELECT}",
        "a budget is never negative",
    ),
    (
        "year_2099",
        "foreign_policies",
        "update staging.foreign_policies set end_year = 2099 where policy_id = 'ドイツ/ビオレギオ'",
        "at most a few decades after the document's own year",
    ),
    (
        "yen_disagrees",
        "budget_items",
        f"update staging.budget_items set amount_yen = amount_yen + 1 where {SELECT}",
        "amount_yen = amount_oku_yen x 10^8",
    ),
    (
        "duplicated_program_row",
        "budget_items",
        f"insert into staging.budget_items select * from staging.budget_items where {SELECT}",
        "one row per key",
    ),
    (
        "percentage_over_100",
        "program_outcomes",
        "update staging.program_outcomes set value = 158.7 where metric = 'new_business_pct'",
        "a percentage is 0..100",
    ),
    (
        "row_dropped",
        "overseas_clusters",
        "delete from staging.overseas_clusters where region = 'ボストン都市圏'",
        "row 3 ('米国'): taken by no staging row",
    ),
]


@pytest.mark.parametrize(("table", "sql", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_staging_data_is_refused_and_nothing_is_published(site, table, sql, reason):
    before = site.hashes()
    con = duckdb.connect(str(site.warehouse / ".build" / "clusters.duckdb"))
    try:
        assert con.execute(sql).fetchall() is not None
    finally:
        con.close()
    key = dg.AssetKey(["staging", table])
    selection = dg.AssetSelection.checks_for_assets(key) | dg.AssetSelection.groups("marts", "publish")
    result = refresh(site.raw, site.warehouse, selection=selection)
    failed = [
        e for e in result.get_asset_check_evaluations() if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert [e.asset_check_key.asset_key for e in failed] == [key]
    description = failed[0].description or ""
    assert reason in description, description
    assert DOC in description
    assert not result.success, failure_messages(result)
    assert site.hashes() == before
