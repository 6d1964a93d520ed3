"""Which staging tables exist and which function builds each (module `pipelines.lib.staging.<name>`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pipelines.lib.schema import Table, table
from pipelines.lib.staging.raw_layer import RawLayer


@dataclass(frozen=True)
class Covers:
    """A raw table family whose every data record a staging table accounts for (the completeness rule).

    ``records`` says which way the family's records run: one per row (the header is row 0), or one per
    column (foreign_policies: one policy per column, labels in column 0). ``first`` is the first record's
    index: 1 after a header row or label column, 0 when every row is a record (survey_results).
    """

    family: str
    records: Literal["rows", "columns"] = "rows"
    first: int = 1


@dataclass(frozen=True)
class StagingTable:
    """A staging table: registry entry, builder, the raw tables it reads and the families it accounts for."""

    name: str
    raw_inputs: tuple[str, ...]
    covers: tuple[Covers, ...] = ()
    classified_by: str | None = None  # the column naming what a row is; 'unclassified…' for new content

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
    StagingTable("overseas_clusters", CELLS, (Covers("overseas_clusters"),)),
    StagingTable("cluster_metrics", CELLS, classified_by="metric"),
    StagingTable("cluster_history_events", CELLS),
    StagingTable("foreign_policies", CELLS, (Covers("foreign_policies", "columns"),)),
    StagingTable("policy_shifts", CELLS, (Covers("policy_shift"),)),
    StagingTable("budget_items", CELLS + BLOCKS, (Covers("policy_tools"),)),  # the era is read from any text
    StagingTable("regional_policy_laws", BLOCKS),
    StagingTable("cluster_examples", BLOCKS, classified_by="metric"),
    StagingTable("program_outcomes", CELLS + BLOCKS, (Covers("survey_results", first=0),), classified_by="metric"),
    StagingTable("plan_periods", BLOCKS),
    StagingTable("field_strategies", CELLS, (Covers("field_strategy"),), classified_by="aspect"),
    StagingTable("cluster_projects", CELLS),
)
"""Every staging table. Each recognised table family is covered by exactly one of them (tested)."""
