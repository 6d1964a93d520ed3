"""Resources: where the raw PDFs and the warehouse live, and the extraction limits."""

import os
from pathlib import Path

import dagster as dg

from pipelines.lib.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE_DIR, PROJECT_ROOT
from pipelines.lib.warehouse.connections import WarehousePaths


def _resolve(value: str, env: str, default: Path) -> Path:
    chosen = value or os.environ.get(env, "")
    if not chosen:
        return default
    path = Path(chosen)
    return path if path.is_absolute() else PROJECT_ROOT / path


class PipelineSettings(dg.ConfigurableResource):
    """Folders and limits; empty strings fall back to PIPELINES_* environment variables, then the defaults."""

    raw_dir: str = ""
    warehouse_dir: str = ""
    max_pages: int = 0
    page_timeout_s: float = 0.0

    def raw_path(self) -> Path:
        """The folder of source PDFs (PIPELINES_RAW_DIR, default raw/)."""
        return _resolve(self.raw_dir, "PIPELINES_RAW_DIR", DEFAULT_RAW_DIR)

    def warehouse(self) -> WarehousePaths:
        """The warehouse folder (PIPELINES_WAREHOUSE_DIR, default warehouse/)."""
        return WarehousePaths(_resolve(self.warehouse_dir, "PIPELINES_WAREHOUSE_DIR", DEFAULT_WAREHOUSE_DIR))

    def page_limit(self) -> int:
        """Most pages a document may have (PIPELINES_MAX_PAGES, default 500)."""
        return self.max_pages or int(os.environ.get("PIPELINES_MAX_PAGES", "500"))

    def page_timeout(self) -> float:
        """Seconds one page may take to extract (PIPELINES_PAGE_TIMEOUT_S, default 60)."""
        return self.page_timeout_s or float(os.environ.get("PIPELINES_PAGE_TIMEOUT_S", "60"))


@dg.definitions
def resources() -> dg.Definitions:
    """The resources every asset, check and sensor asks for."""
    return dg.Definitions(resources={"settings": PipelineSettings()})
