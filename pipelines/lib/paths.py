"""Where the project lives on disk: every default path is resolved from the project root, never the CWD."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT: Path = Path(__file__).resolve().parents[2]
DEFAULT_RAW_DIR: Path = PROJECT_ROOT / "raw"
DEFAULT_WAREHOUSE_DIR: Path = PROJECT_ROOT / "warehouse"
EXPECTATIONS_DIR: Path = PROJECT_ROOT / "expectations"
SQL_DIR: Path = Path(__file__).resolve().parents[1] / "sql"
