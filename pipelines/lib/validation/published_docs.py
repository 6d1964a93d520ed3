"""The Data Docs of the published warehouse: each staging suite with the checks' results on its rows."""

from __future__ import annotations

from pipelines.lib.staging.registry import STAGING
from pipelines.lib.validation.suites import document_parameters, loosest
from pipelines.lib.validation.validate import DataDocs, build_data_docs
from pipelines.lib.validation.validation_results import ValidationResults
from pipelines.lib.warehouse.build import read_table
from pipelines.lib.warehouse.connections import WarehousePaths, published_db

TASK = "data_docs"
"""The background task key under which the publish step hands the Data Docs over."""


def published_data_docs(paths: WarehousePaths) -> DataDocs:
    """Render (or keep, when nothing changed) warehouse/data_docs from the published tables."""
    with published_db(paths) as con:
        frames = {st.name: read_table(con, st.spec) for st in STAGING}
        per_document = document_parameters(con)
    results = ValidationResults.in_build_dir(paths.build_dir)
    return build_data_docs(
        frames, paths.data_docs, loosest(per_document), document_parameters=per_document, results=results
    )
