"""The per-document partition path of docs/scaling.md: real Dagster instances, the real deck."""

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from bench.dagster_parallel import backfill
from bench.document_partitions import DOCUMENTS, CorpusSettings, document_extract
from pipelines.lib.errors import SourceDocumentError
from tests.support import DECK

# Cells per table, counted on the rendered pages (tests/fixtures/grids/ holds the same grids).
CELLS_PER_TABLE = {
    "overseas_clusters_1": 49,
    "overseas_clusters_2": 42,
    "foreign_policies": 60,
    "policy_shift": 32,
    "policy_tools_1": 24,
    "policy_tools_2": 12,
    "policy_tools_3": 12,
    "survey_results": 8,
    "field_strategy_manufacturing": 8,
    "field_strategy_bio": 8,
    "field_strategy_it": 8,
    "field_strategy_environment": 8,
}


def _materialize(corpus: Path, out: Path, key: str) -> dg.ExecuteInProcessResult:
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(DOCUMENTS.name, [key])
        return dg.materialize(
            [document_extract],
            instance=instance,
            partition_key=key,
            resources={"corpus": CorpusSettings(corpus_dir=str(corpus), extract_dir=str(out))},
            raise_on_error=False,
        )


def test_one_partition_writes_that_documents_cells(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DECK, corpus / "deck_a.pdf")
    result = _materialize(corpus, tmp_path / "out", "deck_a")
    assert result.success
    cells = pd.read_parquet(tmp_path / "out" / "deck_a" / "table_cells.parquet")
    assert set(cells["document_id"]) == {"deck_a"}
    assert cells.groupby("table_id").size().to_dict() == CELLS_PER_TABLE
    [event] = result.get_asset_materialization_events()
    assert event.partition == "deck_a"
    assert event.materialization.metadata["table_cells_rows"].value == sum(CELLS_PER_TABLE.values())


def test_a_broken_partition_fails_naming_its_file_and_writes_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken.pdf").write_bytes(DECK.read_bytes()[:5000])
    result = _materialize(corpus, tmp_path / "out", "broken")
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    error = failure.step_failure_data.error
    assert error.cause is not None and error.cause.cls_name == SourceDocumentError.__name__
    assert "broken.pdf" in error.cause.message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.slow
@pytest.mark.parametrize(("workers", "batched", "runs"), [(2, False, 2), (1, True, 1)])
def test_backfill_materializes_every_partition(tmp_path, workers, batched, runs):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("deck_a", "deck_b"):
        shutil.copy(DECK, corpus / f"{name}.pdf")
    outcome = backfill(corpus, workers=workers, batched=batched)
    assert outcome["runs"] == runs
    assert outcome["cells_per_document"] == sum(CELLS_PER_TABLE.values())
