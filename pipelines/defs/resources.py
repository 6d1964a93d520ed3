"""Resources: where the raw PDFs live and the extraction limits; the DuckDB warehouse and its connections.

Every setting is a typed field with its default, so the UI shows it. A field whose ``PIPELINES_*`` variable is
set is bound to it (``dg.EnvVar``, read when a run starts); a relative folder resolves from the project root.
"""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Self

import dagster as dg
import duckdb
from pydantic import Field

from pipelines.lib.settings import DEFAULTS, ENVIRONMENT, resolve_dir
from pipelines.lib.warehouse.connections import WarehousePaths, published_db, working_db


def _resolve(folder: str, default: str) -> Path:
    return resolve_dir(folder or default)


def _variables(*names: str) -> dict[str, str]:
    return {name: ENVIRONMENT[name] for name in names}


class _FromEnvironment(dg.ConfigurableResource):
    """A resource whose fields may each be set by one environment variable (ENVIRONMENT: field → variable)."""

    ENVIRONMENT: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_environment(cls, *, resolve: bool = False) -> Self:
        """The resource with every field whose variable is set bound to it; unset variables keep the defaults.

        ``resolve=True`` reads the values now (for the CLI, outside a run). Dagster has no float source, so
        a float field takes its variable's value when the definitions load.
        """
        bound: dict[str, Any] = {}
        for name, variable in cls.ENVIRONMENT.items():
            if variable not in os.environ:
                continue
            kind = cls.model_fields[name].annotation
            if resolve or kind is float:
                bound[name] = kind(os.environ[variable])  # type: ignore[misc]
            else:
                bound[name] = dg.EnvVar.int(variable) if kind is int else dg.EnvVar(variable)
        return cls(**bound)


class PipelineSettings(_FromEnvironment):
    """Where the source PDFs are and how far extraction and downloads may go."""

    ENVIRONMENT: ClassVar[dict[str, str]] = _variables(
        "raw_dir", "max_pages", "page_timeout_s", "http_timeout_s", "ocr_dpi"
    )

    raw_dir: str = Field(
        default=str(DEFAULTS["raw_dir"]), description="Folder of source PDFs (PIPELINES_RAW_DIR); every *.pdf in it"
    )
    max_pages: int = Field(
        default=int(DEFAULTS["max_pages"]), description="Most pages a document may have (PIPELINES_MAX_PAGES)"
    )
    page_timeout_s: float = Field(
        default=float(DEFAULTS["page_timeout_s"]),
        description="Seconds one page may take to extract (PIPELINES_PAGE_TIMEOUT_S)",
    )
    http_timeout_s: float = Field(
        default=float(DEFAULTS["http_timeout_s"]),
        description="Seconds a remote source of raw/sources.yaml may take to answer (PIPELINES_HTTP_TIMEOUT_S)",
    )
    ocr_dpi: int = Field(
        default=int(DEFAULTS["ocr_dpi"]),
        description="Resolution a scanned page (an image without text) is rendered at for OCR (PIPELINES_OCR_DPI)",
    )

    def raw_path(self) -> Path:
        """The folder of source PDFs."""
        return _resolve(self.raw_dir, str(DEFAULTS["raw_dir"]))


class Warehouse(_FromEnvironment):
    """The DuckDB warehouse: the working database under the writer lock, read-only views of the published file."""

    ENVIRONMENT: ClassVar[dict[str, str]] = _variables("warehouse_dir")

    warehouse_dir: str = Field(
        default=str(DEFAULTS["warehouse_dir"]),
        description="Output folder (PIPELINES_WAREHOUSE_DIR): clusters.duckdb, exports/, report/, data_docs/",
    )

    @property
    def paths(self) -> WarehousePaths:
        """The published database, the working copy, exports and reports."""
        return WarehousePaths(_resolve(self.warehouse_dir, str(DEFAULTS["warehouse_dir"])))

    @contextlib.contextmanager
    def working(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the working database, holding the writer lock until it closes."""
        with working_db(self.paths) as con:
            yield con

    @contextlib.contextmanager
    def published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the published database (it never blocks a refresh or another reader)."""
        with published_db(self.paths) as con:
            yield con


@dg.definitions
def resources() -> dg.Definitions:
    """The resources every asset, check and sensor asks for, each bound to its PIPELINES_* variables."""
    return dg.Definitions(
        resources={"settings": PipelineSettings.from_environment(), "warehouse": Warehouse.from_environment()}
    )
