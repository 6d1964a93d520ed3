"""The resources: defaults Dagster can show, PIPELINES_* variables bound with dg.EnvVar, the warehouse's connections."""

import dagster as dg
import pytest

from pipelines.defs.resources import PipelineSettings, Warehouse
from pipelines.lib.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE_DIR, PROJECT_ROOT

VARIABLES = [
    "PIPELINES_RAW_DIR",
    "PIPELINES_WAREHOUSE_DIR",
    "PIPELINES_MAX_PAGES",
    "PIPELINES_PAGE_TIMEOUT_S",
    "PIPELINES_HTTP_TIMEOUT_S",
    "PIPELINES_OCR_DPI",
]


@pytest.fixture
def clean_env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def resolved(settings: PipelineSettings, warehouse: Warehouse) -> dict:
    """What an asset sees at run time, after Dagster resolved any dg.EnvVar."""
    seen = {}

    @dg.asset
    def probe(settings: PipelineSettings, warehouse: Warehouse) -> None:
        seen.update(
            raw=settings.raw_path(),
            max_pages=settings.max_pages,
            page_timeout_s=settings.page_timeout_s,
            http_timeout_s=settings.http_timeout_s,
            ocr_dpi=settings.ocr_dpi,
            warehouse=warehouse.paths.root,
        )

    assert dg.materialize([probe], resources={"settings": settings, "warehouse": warehouse}).success
    return seen


def test_unset_variables_give_the_defaults_resolved_from_the_project_root(clean_env):
    seen = resolved(PipelineSettings.from_environment(), Warehouse.from_environment())
    assert seen == {
        "raw": DEFAULT_RAW_DIR,
        "max_pages": 500,
        "page_timeout_s": 60.0,
        "http_timeout_s": 30.0,
        "ocr_dpi": 200,
        "warehouse": DEFAULT_WAREHOUSE_DIR,
    }


def test_set_variables_are_bound_with_envvar_and_read_at_run_time(clean_env, tmp_path):
    clean_env.setenv("PIPELINES_RAW_DIR", "somewhere/raw")  # relative: from the project root, not the CWD
    clean_env.setenv("PIPELINES_WAREHOUSE_DIR", str(tmp_path))
    clean_env.setenv("PIPELINES_MAX_PAGES", "29")
    clean_env.setenv("PIPELINES_PAGE_TIMEOUT_S", "2.5")
    clean_env.setenv("PIPELINES_OCR_DPI", "300")
    settings, warehouse = PipelineSettings.from_environment(), Warehouse.from_environment()
    assert isinstance(settings.raw_dir, dg.EnvVar) and isinstance(warehouse.warehouse_dir, dg.EnvVar)
    seen = resolved(settings, warehouse)
    assert seen == {
        "raw": PROJECT_ROOT / "somewhere" / "raw",
        "max_pages": 29,
        "page_timeout_s": 2.5,
        "http_timeout_s": 30.0,
        "ocr_dpi": 300,
        "warehouse": tmp_path,
    }
    assert Warehouse.from_environment(resolve=True).paths.root == tmp_path  # what the CLI prints


def test_the_code_location_shows_the_defaults(clean_env):
    from pipelines.defs.resources import resources

    shown = resources().resources
    assert shown["settings"] == PipelineSettings(raw_dir="raw", max_pages=500, page_timeout_s=60.0)
    assert shown["warehouse"] == Warehouse(warehouse_dir="warehouse")


def test_working_and_published_connections(tmp_path):
    warehouse = Warehouse(warehouse_dir=str(tmp_path))
    with warehouse.working() as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    warehouse.paths.working.replace(warehouse.paths.published)
    with warehouse.published() as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
        with pytest.raises(Exception, match="read-only"):
            con.execute("CREATE TABLE u (x INTEGER)")


def test_an_unreadable_working_database_is_set_aside_with_a_log_line(tmp_path, caplog):
    warehouse = Warehouse(warehouse_dir=str(tmp_path))
    warehouse.paths.build_dir.mkdir(parents=True)
    warehouse.paths.working.write_bytes(b"not a duckdb file" * 100)
    with caplog.at_level("WARNING", logger="pipelines.lib.warehouse.connections"), warehouse.working() as con:
        assert con.execute("SELECT 1").fetchall() == [(1,)]
    assert warehouse.paths.working.with_suffix(".broken").exists()
    assert "set aside" in caplog.text
