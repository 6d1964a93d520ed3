"""Which staging tables exist and which function builds each (module `pipelines.lib.staging.<name>`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pipelines.lib.schema import Table, table
from pipelines.lib.staging.raw_layer import RawLayer


@dataclass(frozen=True)
class StagingTable:
    """A staging table: registry entry, builder, and the raw tables it reads."""

    name: str
    raw_inputs: tuple[str, ...]

    @property
    def spec(self) -> Table:
        return table(f"staging.{self.name}")

    @property
    def builder(self) -> Callable[[RawLayer], pd.DataFrame]:
        module = importlib.import_module(f"pipelines.lib.staging.{self.name}")
        return getattr(module, f"build_{self.name}")


CELLS = ("tables", "table_cells", "table_annotations")
BLOCKS = ("text_blocks",)

STAGING: tuple[StagingTable, ...] = (
    StagingTable("overseas_clusters", CELLS),
    StagingTable("cluster_metrics", CELLS),
    StagingTable("cluster_history_events", CELLS),
    StagingTable("foreign_policies", CELLS),
    StagingTable("budget_items", CELLS),
    StagingTable("regional_policy_laws", BLOCKS),
    StagingTable("cluster_examples", BLOCKS),
    StagingTable("program_outcomes", CELLS + BLOCKS),
    StagingTable("plan_periods", BLOCKS),
    StagingTable("field_strategies", CELLS),
    StagingTable("cluster_projects", CELLS),
)
