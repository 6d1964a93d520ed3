"""Whether a refresh has anything to do: sha256s of inputs and outputs, never mtimes."""

import dataclasses
import json
import shutil

from pipelines.lib.paths import EXPECTATIONS_DIR
from pipelines.lib.refresh.state import current_inputs, save_state, suite_digests, what_changed
from pipelines.lib.settings import Settings
from pipelines.lib.warehouse.connections import WarehousePaths
from tests.support import DECK


def _site(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    shutil.copy(DECK, raw)
    for rel in ("clusters.duckdb", "report/index.html", "data_docs/index.html", "exports/budget_yoy.csv"):
        (wh / rel).parent.mkdir(parents=True, exist_ok=True)
        (wh / rel).write_text(f"contents of {rel}", encoding="utf-8")
    return Settings(raw, wh, 500, 60.0, 30.0), WarehousePaths(wh)


def test_nothing_recorded_means_a_refresh(tmp_path):
    settings, paths = _site(tmp_path)
    assert what_changed(paths, current_inputs(settings))[0].startswith("no complete refresh recorded")


def test_the_same_inputs_and_outputs_mean_nothing_to_do(tmp_path):
    settings, paths = _site(tmp_path)
    save_state(paths, current_inputs(settings), "run-1")
    assert what_changed(paths, current_inputs(settings)) == []


def test_a_changed_or_added_pdf_is_a_change(tmp_path):
    settings, paths = _site(tmp_path)
    save_state(paths, current_inputs(settings), "run-1")
    with (settings.raw_dir / DECK.name).open("ab") as fh:
        fh.write(b"\n% an incremental update\n")
    assert what_changed(paths, current_inputs(settings)) == ["documents changed"]


def test_a_changed_setting_is_a_change(tmp_path):
    settings, paths = _site(tmp_path)
    save_state(paths, current_inputs(settings), "run-1")
    tighter = Settings(settings.raw_dir, settings.warehouse_dir, 30, 60.0, 30.0)
    assert what_changed(paths, current_inputs(tighter)) == ["settings changed"]


def test_a_new_ocr_dpi_is_a_change(tmp_path, monkeypatch):
    """PIPELINES_OCR_DPI changes what a scan reads: the refresh runs (the raw step then reads the scans only)."""
    settings, paths = _site(tmp_path)
    save_state(paths, current_inputs(settings), "run-1")
    monkeypatch.setenv("PIPELINES_OCR_DPI", "300")
    assert Settings.from_env().ocr_dpi == 300
    sharper = dataclasses.replace(settings, ocr_dpi=300)
    assert what_changed(paths, current_inputs(sharper)) == ["settings changed"]


def test_an_output_that_is_not_as_the_refresh_left_it_means_a_refresh(tmp_path):
    settings, paths = _site(tmp_path)
    save_state(paths, current_inputs(settings), "run-1")
    (paths.exports / "budget_yoy.csv").write_text("edited by hand", encoding="utf-8")
    (paths.root / "report" / "index.html").unlink()
    assert what_changed(paths, current_inputs(settings)) == [
        "exports/budget_yoy.csv is not the file the last refresh left",
        "report/index.html is not the file the last refresh left",
    ]


def test_a_changed_suite_changes_its_digest_only(tmp_path):
    suites = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, suites)
    before = suite_digests(suites)
    suite = json.loads((suites / "budget_items.json").read_text(encoding="utf-8"))
    suite["expectations"] = suite["expectations"][:-1]
    (suites / "budget_items.json").write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    after = suite_digests(suites)
    assert [name for name in before if before[name] != after[name]] == ["budget_items"]


def test_an_unreadable_state_file_means_a_refresh(tmp_path):
    settings, paths = _site(tmp_path)
    save_state(paths, current_inputs(settings), "run-1")
    (paths.build_dir / "last_refresh.json").write_text("{not json", encoding="utf-8")
    assert what_changed(paths, current_inputs(settings))[0].startswith("no complete refresh recorded")
