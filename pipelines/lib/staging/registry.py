"""Which staging tables exist and which function builds each (module `pipelines.lib.staging.<name>`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pipelines.lib.errors import CellValueError
from pipelines.lib.normalize.quantities import UNTYPED
from pipelines.lib.schema import Table, table
from pipelines.lib.staging.raw_layer import RawLayer


@dataclass(frozen=True)
class Covers:
    """A raw table family whose every data record a staging table accounts for (the completeness rule).

    ``records`` says which way the family's records run: one per row (the header is row 0), or one per
    column (foreign_policies: one policy per column, labels in column 0). ``first`` is the first record's
    index: 1 after a header row or label column, 0 when every row is a record; None when the table says (a
    survey table may print a header row naming its value columns, or none: see ``TableFamily.map_values``).
    """

    family: str
    records: Literal["rows", "columns"] = "rows"
    first: int | None = 1


@dataclass(frozen=True)
class Number:
    """A column of a curated table that holds a number printed at the row's address, and its factor to the
    base unit of staging.quantities (budget_oku_yen × 10**8 = yen)."""

    column: str
    factor: int = 1


@dataclass(frozen=True)
class StagingTable:
    """A staging table: registry entry, builder, the raw tables it reads and the families it accounts for."""

    name: str
    raw_inputs: tuple[str, ...]
    covers: tuple[Covers, ...] = ()
    classified_by: str | None = None  # the column naming what a row is; 'unclassified…' for new content
    numbers: tuple[Number, ...] = ()  # what staging.quantities finds claimed here (claimed_by)
    staging_inputs: tuple[str, ...] = ()  # other staging tables its builder reads (after the raw layer)
    compared_between_editions: bool = True  # marts.edition_changes compares its rows by key
    exported: bool = False  # written to exports/ beside the marts (CSV, Parquet, a workbook sheet)
    untyped_unit: str | None = None  # rows with this unit are numbers nothing typed: listed by a WARN check

    @property
    def spec(self) -> Table:
        return table(f"staging.{self.name}")

    @property
    def builder(self) -> Callable[..., pd.DataFrame]:
        """build_<name>(raw) or, with staging inputs, build_<name>(raw, {name: frame})."""
        module = importlib.import_module(f"pipelines.lib.staging.{self.name}")
        return getattr(module, f"build_{self.name}")

    def build(self, raw: RawLayer, staged: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
        """The table's rows from the raw layer and, if its builder reads any, the staging tables in ``staged``.

        A text the builder cannot read stops the build, unless OCR read it with low confidence: then it is left
        out and the build tried again (the text stays in the raw layer, listed by the WARN check
        has_no_uncertain_ocr_values); a text layer's garble, or a confident OCR one, still stops the run."""
        while True:
            try:
                if not self.staging_inputs:
                    return self.builder(raw)
                return self.builder(raw, {name: (staged or {})[name] for name in self.staging_inputs})
            except CellValueError as exc:
                rest = raw.without_uncertain(exc)
                if rest is None:
                    raise
                raw = rest


CELLS = ("tables", "table_cells", "table_annotations")
BLOCKS = ("text_blocks",)

YEARS = (Number("start_year"), Number("end_year"))

CURATED: tuple[StagingTable, ...] = (
    StagingTable("overseas_clusters", CELLS, (Covers("overseas_clusters"),)),
    StagingTable("cluster_metrics", CELLS, classified_by="metric", numbers=(Number("value"),)),
    StagingTable("cluster_history_events", CELLS, numbers=YEARS),
    StagingTable(
        "foreign_policies",
        CELLS,
        (Covers("foreign_policies", "columns"),),
        numbers=(*YEARS, Number("budget_oku_yen", 10**8), Number("budget_years")),
    ),
    StagingTable("policy_shifts", CELLS, (Covers("policy_shift"),)),
    StagingTable(
        "budget_items", CELLS + BLOCKS, (Covers("policy_tools"),), numbers=(Number("amount_yen"),)
    ),  # the era is read from any text
    StagingTable("regional_policy_laws", BLOCKS, numbers=(*YEARS, Number("era_start_year"), Number("era_end_year"))),
    StagingTable("cluster_examples", BLOCKS, classified_by="metric", numbers=(Number("value"),)),
    StagingTable(
        "program_outcomes",
        CELLS + BLOCKS,
        (Covers("survey_results", first=None),),
        classified_by="metric",
        numbers=(Number("value"),),
    ),
    StagingTable("plan_periods", BLOCKS, numbers=YEARS),
    StagingTable("field_strategies", CELLS, (Covers("field_strategy"),), classified_by="aspect"),
    StagingTable("cluster_projects", CELLS),
)
"""The curated tables: the numbers of known table families and passages, with their meaning."""

QUANTITIES = StagingTable(
    "quantities",
    ("documents", *CELLS, *BLOCKS),
    staging_inputs=tuple(st.name for st in CURATED if st.numbers),
    compared_between_editions=False,  # addressed by position: the curated tables say what changed
    exported=True,
    untyped_unit=UNTYPED,
)
"""staging.quantities: every number of every page of every document, and which curated table holds it."""

STAGING: tuple[StagingTable, ...] = (*CURATED, QUANTITIES)
"""Every staging table. Each recognised table family is covered by exactly one of them (tested)."""
