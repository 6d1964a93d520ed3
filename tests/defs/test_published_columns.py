"""The one schema check kept: the published file's declared columns and types against the registry."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.lib.schema import BY_NAME
from pipelines.lib.validation.declared_types import declared_columns, type_mismatches
from tests.support import refresh

CHECK = dg.AssetCheckKey(dg.AssetKey(["published_warehouse"]), "published_columns_match_the_registry")


def _evaluation(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    return next(e for e in result.get_asset_check_evaluations() if e.asset_check_key == CHECK)


def test_the_refresh_checks_the_published_file_and_it_declares_every_registry_table(published_site):
    evaluation = _evaluation(published_site.result)
    assert evaluation.passed and evaluation.metadata["found"].value == 0
    con = duckdb.connect(str(published_site.warehouse / "clusters.duckdb"), read_only=True)
    declared = declared_columns(con)
    assert type_mismatches(con, BY_NAME.values()) == []
    assert declared["staging.budget_items"][4] == ("amount_oku_yen", "DECIMAL(18,4)")
    assert set(BY_NAME) <= set(declared)


def test_a_table_written_from_a_frame_fails_the_check_and_names_the_column(site):
    """A staging table re-created from its frame (not with the registry's DDL): DuckDB infers DOUBLE for 億円."""
    db = site.warehouse / "clusters.duckdb"
    con = duckdb.connect(str(db))
    frame = con.execute("SELECT * FROM staging.budget_items").df()
    con.register("frame", frame)
    con.execute("CREATE OR REPLACE TABLE staging.budget_items AS SELECT * FROM frame")
    con.execute("ALTER TABLE marts.budget_yoy DROP COLUMN change_pct")
    found = type_mismatches(con, BY_NAME.values())
    con.close()
    assert found == [
        "staging.budget_items: amount_oku_yen is DOUBLE, the registry says DECIMAL(18,4)",
        "marts.budget_yoy: missing change_pct",
    ]

    result = refresh(site.raw, site.warehouse, selection=dg.AssetSelection.checks(CHECK))
    evaluation = _evaluation(result)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert "amount_oku_yen is DOUBLE, the registry says DECIMAL(18,4)" in evaluation.description
    assert "marts.budget_yoy: missing change_pct" in evaluation.description
