"""Marts: one SQL file per mart in pipelines/sql/marts/, typed by the registry, with declared staging inputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.lib.paths import SQL_DIR
from pipelines.lib.schema import Table, table
from pipelines.lib.warehouse import replace_from_query


@dataclass(frozen=True)
class Mart:
    """A mart: its registry entry, the SQL that builds it, and the staging tables it reads."""

    name: str
    inputs: tuple[str, ...]

    @property
    def spec(self) -> Table:
        return table(f"marts.{self.name}")

    @property
    def sql_path(self) -> Path:
        return SQL_DIR / "marts" / f"{self.name}.sql"

    def sql(self) -> str:
        return self.sql_path.read_text(encoding="utf-8")


MARTS: tuple[Mart, ...] = (
    Mart("budget_yoy", ("budget_items",)),
    Mart("budget_by_section", ("budget_items",)),
    Mart("overseas_cluster_profiles", ("overseas_clusters", "cluster_metrics")),
    Mart("foreign_policy_budgets", ("foreign_policies",)),
    Mart(
        "policy_timeline",
        ("regional_policy_laws", "foreign_policies", "cluster_history_events", "overseas_clusters", "plan_periods"),
    ),
    Mart("cluster_networks", ("cluster_examples",)),
    Mart("projects_by_field", ("cluster_projects",)),
    Mart(
        "edition_changes",
        (
            "overseas_clusters",
            "cluster_metrics",
            "cluster_history_events",
            "foreign_policies",
            "budget_items",
            "regional_policy_laws",
            "cluster_examples",
            "program_outcomes",
            "plan_periods",
            "field_strategies",
            "cluster_projects",
        ),
    ),
)


def build_mart(con: duckdb.DuckDBPyConnection, mart: Mart) -> int:
    """Run the mart's SQL and store the result typed and commented from the registry; returns rows."""
    return replace_from_query(con, mart.spec, mart.sql())
