"""The refresh's settings from the environment (PIPELINES_*), with their defaults; relative paths from the root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.lib.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE_DIR, PROJECT_ROOT

DEFAULT_MAX_PAGES = 500
DEFAULT_PAGE_TIMEOUT_S = 60.0


def resolve_dir(value: str, default: Path) -> Path:
    """A folder setting: empty → the default; relative → from the project root (never the CWD)."""
    if not value:
        return default
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Settings:
    """What a refresh reads from PIPELINES_RAW_DIR, _WAREHOUSE_DIR, _MAX_PAGES and _PAGE_TIMEOUT_S."""

    raw_dir: Path
    warehouse_dir: Path
    max_pages: int
    page_timeout_s: float

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ.get
        return cls(
            raw_dir=resolve_dir(env("PIPELINES_RAW_DIR", ""), DEFAULT_RAW_DIR),
            warehouse_dir=resolve_dir(env("PIPELINES_WAREHOUSE_DIR", ""), DEFAULT_WAREHOUSE_DIR),
            max_pages=int(env("PIPELINES_MAX_PAGES", "") or DEFAULT_MAX_PAGES),
            page_timeout_s=float(env("PIPELINES_PAGE_TIMEOUT_S", "") or DEFAULT_PAGE_TIMEOUT_S),
        )
