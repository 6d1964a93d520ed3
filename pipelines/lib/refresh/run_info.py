"""What a refresh records about itself: code version and key package versions."""

from __future__ import annotations

import subprocess
from importlib.metadata import PackageNotFoundError, version

from pipelines.lib.paths import PROJECT_ROOT

KEY_PACKAGES = ("dagster", "great-expectations", "pdfplumber", "pdfminer.six", "duckdb", "pandas", "pyarrow")


def code_version() -> str:
    """The git commit of the code (with -dirty when modified), else the package version."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return f"pipelines {_version('pipelines')}"


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the warehouse contents."""
    return {name: _version(name) for name in KEY_PACKAGES}
