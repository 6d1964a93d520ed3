"""Whether a refresh has anything to do: the inputs of the last complete refresh against today's.

A complete refresh (every asset materialized, the report and Data Docs written) records, in
``.build/last_refresh.json``, the sha256 of every input that shapes the warehouse (each source PDF, the
package's code and lock, the key package versions, every staging suite, the extraction settings) and of
every output it left (the published database, the exports, the report and the Data Docs index). The next
refresh with the same inputs and untouched outputs has nothing to do. Modification times are never used.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pipelines.lib.paths import EXPECTATIONS_DIR, PROJECT_ROOT
from pipelines.lib.pdf.document import list_source_pdfs
from pipelines.lib.refresh.fingerprint import sha256_file
from pipelines.lib.refresh.run_info import package_versions
from pipelines.lib.settings import Settings
from pipelines.lib.warehouse.connections import WarehousePaths

STATE_NAME = "last_refresh.json"
CODE_SOURCES = ("pipelines", "requirements.lock")
"""What the code version hashes: the package (code, SQL, vendored assets) and the lock."""


def code_digest(root: Path = PROJECT_ROOT) -> str:
    """sha256 of every file of the package and of the lock (not git's idea of it: uncommitted edits count)."""
    digest = hashlib.sha256()
    for source in CODE_SOURCES:
        base = root / source
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc" or not path.exists():
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def suite_digests(expectations_dir: Path = EXPECTATIONS_DIR) -> dict[str, str]:
    """staging table → fingerprint of its suite (registry rules and the JSON of expectations/)."""
    from pipelines.lib.schema import TABLES
    from pipelines.lib.validation.suites import load_suite, suite_fingerprint

    return {t.name: suite_fingerprint(load_suite(t.name, expectations_dir)) for t in TABLES if t.schema == "staging"}


def current_inputs(settings: Settings) -> dict[str, Any]:
    """Everything a refresh's output depends on, as sha256s and values."""
    pdfs = list_source_pdfs(settings.raw_dir)
    return {
        "documents": {p.name: sha256_file(p) for p in pdfs},
        "code": code_digest(),
        "packages": package_versions(),
        "suites": suite_digests(),
        "settings": {
            "max_pages": settings.max_pages,
            "page_timeout_s": settings.page_timeout_s,
            "ocr_dpi": settings.ocr_dpi,
        },
    }


def fingerprint(inputs: dict[str, Any]) -> str:
    """One sha256 of all the inputs."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def output_digests(paths: WarehousePaths) -> dict[str, str]:
    """sha256 of every file a complete refresh leaves for users (relative to the warehouse folder)."""
    files = [paths.published, paths.root / "report" / "index.html", paths.data_docs / "index.html"]
    if paths.exports.is_dir():
        files += sorted(p for p in paths.exports.iterdir() if p.is_file())
    return {str(p.relative_to(paths.root)): sha256_file(p) if p.is_file() else "missing" for p in files}


def _state_path(paths: WarehousePaths) -> Path:
    return paths.build_dir / STATE_NAME


def load_state(paths: WarehousePaths) -> dict[str, Any] | None:
    """The last complete refresh's record, or None (none yet, or unreadable)."""
    try:
        state = json.loads(_state_path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and {"fingerprint", "outputs", "run_id"} <= set(state) else None


def save_state(paths: WarehousePaths, inputs: dict[str, Any], run_id: str) -> None:
    """Record a complete refresh: its inputs and the outputs it left (written atomically)."""
    state = {"run_id": run_id, "fingerprint": fingerprint(inputs), "inputs": inputs, "outputs": output_digests(paths)}
    target = _state_path(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def what_changed(paths: WarehousePaths, inputs: dict[str, Any]) -> list[str]:
    """Why a refresh must run ([] when it has nothing to do): changed inputs, or outputs not as left."""
    state = load_state(paths)
    if state is None:
        return ["no complete refresh recorded in " + str(_state_path(paths))]
    if state["fingerprint"] != fingerprint(inputs):
        before = state.get("inputs", {})
        return [f"{part} changed" for part in sorted(inputs) if before.get(part) != inputs[part]] or ["inputs changed"]
    now = output_digests(paths)
    return [
        f"{name} is not the file the last refresh left"
        for name in sorted(now)
        if state["outputs"].get(name) != now[name]
    ]
