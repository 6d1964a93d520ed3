"""make run's instance: DAGSTER_HOME's, its event log written without a fsync per event, read back by Dagster's own
storage (the UI's)."""

import shutil

import dagster as dg
import sqlalchemy as sa

from pipelines.instance import FastSqliteEventLogStorage, refresh_instance
from pipelines.lib.paths import PROJECT_ROOT


@dg.asset
def answer() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"value": 42})


@dg.asset_check(asset=answer)
def answer_is_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def _home(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "instance" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def test_a_refresh_instance_writes_events_that_dagsters_own_storage_reads(tmp_path, monkeypatch):
    home = _home(tmp_path, monkeypatch)
    with refresh_instance() as instance:
        assert isinstance(instance.event_log_storage, FastSqliteEventLogStorage)
        result = dg.materialize([answer, answer_is_positive], instance=instance)
        assert result.success
        with instance.event_log_storage.run_connection(result.run_id) as conn:
            assert conn.execute(sa.text("PRAGMA synchronous")).scalar() == 0  # OFF
    with dg.DagsterInstance.from_config(str(home)) as ui:  # what the UI and the daemon open
        assert type(ui.event_log_storage).__name__ == "SqliteEventLogStorage"
        [run] = ui.get_runs()
        assert run.run_id == result.run_id and run.status == dg.DagsterRunStatus.SUCCESS
        [event] = ui.get_latest_materialization_events([dg.AssetKey("answer")]).values()
        assert event.asset_materialization.metadata["value"].value == 42
        check = ui.event_log_storage.get_latest_asset_check_execution_by_key([answer_is_positive.check_key])
        assert check[answer_is_positive.check_key].run_id == result.run_id


def test_an_instance_configured_with_another_storage_is_left_as_it_is(tmp_path, monkeypatch):
    home = _home(tmp_path, monkeypatch)
    runs = tmp_path / "elsewhere"
    with (home / "dagster.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "event_log_storage:\n  module: dagster._core.storage.event_log\n  class: SqliteEventLogStorage\n"
            f"  config:\n    base_dir: {runs}\n"
        )
    with refresh_instance() as instance:
        assert type(instance.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert dg.materialize([answer], instance=instance).success
    assert list(runs.glob("*.db"))
