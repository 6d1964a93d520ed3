"""Marts: one SQL file each, built by one factory in the working database."""

import dagster as dg

from pipelines.defs.metadata import table_metadata
from pipelines.defs.resources import PipelineSettings
from pipelines.lib.marts import MARTS, Mart, build_mart
from pipelines.lib.warehouse import read_table, working_db


def mart_asset(mart: Mart) -> dg.AssetsDefinition:
    """The asset that runs pipelines/sql/marts/<name>.sql."""

    @dg.asset(
        name=mart.name,
        key_prefix=["marts"],
        group_name="marts",
        description=mart.spec.description,
        deps=[["staging", name] for name in mart.inputs],
        kinds={"sql", "duckdb"},
        owners=["team:data-engineering"],
        metadata={"sql": dg.MetadataValue.md(f"```sql\n{mart.sql()}\n```")},
    )
    def _asset(settings: PipelineSettings) -> dg.MaterializeResult:
        with working_db(settings.warehouse()) as con:
            build_mart(con, mart)
            df = read_table(con, mart.spec)
        return dg.MaterializeResult(metadata=table_metadata(mart.spec, df))

    return _asset


MART_ASSETS = [mart_asset(m) for m in MARTS]
