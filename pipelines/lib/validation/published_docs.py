"""The Data Docs of the published warehouse: each staging suite with the checks' results on its rows."""

from __future__ import annotations

from pipelines.lib.refresh.editions import batch_rows, document_batches, parameters_by_document
from pipelines.lib.refresh.kept import KeptWork
from pipelines.lib.staging.registry import STAGING
from pipelines.lib.validation.suites import load_suite
from pipelines.lib.validation.validate import Batch, DataDocs, render_data_docs
from pipelines.lib.validation.validation_results import ValidationResults
from pipelines.lib.warehouse.connections import WarehousePaths, published_db

TASK = "data_docs"
"""The background task key under which the publish step hands the Data Docs over."""


def task_key(run_id: str) -> str:
    """The background task of one run's Data Docs: a run whose data_docs step never ran (a subset) leaves its
    task behind, which another run's must not take for its own."""
    return f"{TASK} {run_id}"


def published_data_docs(paths: WarehousePaths) -> DataDocs:
    """Render (or keep, when nothing changed) warehouse/data_docs from the published tables: each document's
    batches as the staging checks validated them, their pages rendered once and kept."""
    kept = KeptWork.in_build_dir(paths.build_dir)
    with published_db(paths) as con:
        parameters = parameters_by_document(con, kept)
        suites = {st.name: load_suite(st.name) for st in STAGING}
        batches = [
            Batch(
                st.name,
                b.document_id,
                lambda st=st, d=b.document_id: batch_rows(con, st.spec, d),
                b.parameters,
                b.fingerprint,
            )
            for st in sorted(STAGING, key=lambda st: st.name)
            for b in document_batches(con, st.spec, suites[st.name], parameters)
        ]
        results = ValidationResults.in_build_dir(paths.build_dir)
        return render_data_docs(batches, suites, paths.data_docs, results, kept)
