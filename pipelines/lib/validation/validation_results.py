"""The Great Expectations results the staging checks produced, kept so Data Docs render them, not re-run them.

One JSON file per validated batch (a table's rows of one document), named by the fingerprint of those rows,
their suite and its parameters (:func:`pipelines.lib.validation.validate.rows_fingerprint`): a result is found
again only for exactly the rows, suite and parameters it judged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS_DIR_NAME = "validation_results"


@dataclass(frozen=True)
class ValidationResults:
    """The folder of kept results (the warehouse's .build/validation_results)."""

    root: Path

    @classmethod
    def in_build_dir(cls, build_dir: Path) -> ValidationResults:
        """The results kept beside the working database."""
        return cls(build_dir / RESULTS_DIR_NAME)

    def _path(self, table: str, fingerprint: str) -> Path:
        return self.root / table / f"{fingerprint}.json"

    def save(self, table: str, fingerprint: str, batch: str, run_id: str | None, result: dict[str, Any]) -> None:
        """Keep one batch's result (written atomically); other results of the same batch are dropped."""
        folder = self.root / table
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.json"):
            if old.stem != fingerprint and _batch_of(old) == batch:
                old.unlink(missing_ok=True)
        target = self._path(table, fingerprint)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        record = {"batch": batch, "run_id": run_id, "result": result}
        tmp.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, target)

    def load(self, table: str, fingerprint: str) -> dict[str, Any] | None:
        """The kept record {batch, run_id, result} for these rows, suite and parameters, or None."""
        try:
            record = json.loads(self._path(table, fingerprint).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) and "result" in record else None


def _batch_of(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("batch")
    except (OSError, ValueError, AttributeError):
        return None
