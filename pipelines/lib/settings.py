"""The refresh's settings: each one's PIPELINES_* variable and default; relative folders from the project root.

The Dagster resources (:mod:`pipelines.defs.resources`) take their fields' variables and defaults from here;
the CLI reads them here too, to decide without importing Dagster whether a refresh has anything to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.lib.paths import PROJECT_ROOT
from pipelines.lib.pdf.ocr.settings import OcrSettings

ENVIRONMENT: dict[str, str] = {
    "raw_dir": "PIPELINES_RAW_DIR",
    "warehouse_dir": "PIPELINES_WAREHOUSE_DIR",
    "max_pages": "PIPELINES_MAX_PAGES",
    "page_timeout_s": "PIPELINES_PAGE_TIMEOUT_S",
    "http_timeout_s": "PIPELINES_HTTP_TIMEOUT_S",
    "ocr_dpi": "PIPELINES_OCR_DPI",
}
"""setting → the environment variable that sets it."""

DEFAULTS: dict[str, str | int | float] = {
    "raw_dir": "raw",
    "warehouse_dir": "warehouse",
    "max_pages": 500,
    "page_timeout_s": 60.0,
    "http_timeout_s": 30.0,
    "ocr_dpi": OcrSettings.dpi,
}
"""setting → its value when its variable is unset."""


def resolve_dir(value: str) -> Path:
    """A folder setting: relative → from the project root (never the CWD)."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Settings:
    """The settings as the environment gives them now."""

    raw_dir: Path
    warehouse_dir: Path
    max_pages: int
    page_timeout_s: float
    http_timeout_s: float
    ocr_dpi: int = OcrSettings.dpi

    @classmethod
    def from_env(cls) -> Settings:
        def value(name: str) -> str:
            return os.environ.get(ENVIRONMENT[name], "") or str(DEFAULTS[name])

        return cls(
            raw_dir=resolve_dir(value("raw_dir")),
            warehouse_dir=resolve_dir(value("warehouse_dir")),
            max_pages=int(value("max_pages")),
            page_timeout_s=float(value("page_timeout_s")),
            http_timeout_s=float(value("http_timeout_s")),
            ocr_dpi=int(value("ocr_dpi")),
        )
