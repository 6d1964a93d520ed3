"""Remote sources: documents listed by URL in raw/sources.yaml, downloaded into the raw folder.

The registry is optional; without it the bundled deck is the only source and nothing touches the network.
Each entry is `{url, file_name, sha256 (optional)}`. A download streams the body to a temp file beside
the target, checks the pinned sha256 (if any) and only then renames it over the target, so a failed or
mismatching download leaves the previous file untouched. Standard library only (urllib).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipelines.lib.errors import PipelineError

REGISTRY_NAME = "sources.yaml"
CHUNK = 1 << 16
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SAFE_NAME = re.compile(r"^[^/\\]+\.pdf$", re.IGNORECASE)


class RemoteSourceError(PipelineError):
    """A remote source could not be fetched or did not match its pinned hash."""


@dataclass(frozen=True)
class RemoteSource:
    """One registry entry."""

    url: str
    file_name: str
    sha256: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """What a sync did with one source."""

    file_name: str
    sha256: str
    status: str  # downloaded, unchanged (pinned hash already on disk)
    attempts: int
    bytes: int


def load_registry(path: Path) -> list[RemoteSource]:
    """The entries of raw/sources.yaml (a YAML list, or a mapping with a `sources:` list); [] if absent."""
    if not path.exists():
        return []
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        data = data.get("sources") or []
    if not isinstance(data, list):
        raise RemoteSourceError(f"{path.name}: expected a list of {{url, file_name, sha256}} entries")
    out = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict) or not entry.get("url") or not entry.get("file_name"):
            raise RemoteSourceError(f"{path.name}: entry {i} needs url and file_name")
        name, pinned = str(entry["file_name"]), entry.get("sha256")
        if not _SAFE_NAME.match(name):
            raise RemoteSourceError(f"{path.name}: entry {i}: file_name {name!r} must be a plain *.pdf name")
        if pinned is not None and not _SHA256.match(str(pinned).lower()):
            raise RemoteSourceError(f"{path.name}: entry {i}: sha256 must be 64 hex digits")
        out.append(RemoteSource(str(entry["url"]), name, str(pinned).lower() if pinned else None))
    return out


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stream(url: str, target: Path, timeout_s: float) -> tuple[str, int]:
    """GET url into target (truncating it); returns (sha256, bytes). `timeout_s` bounds every socket wait."""
    digest = hashlib.sha256()
    size = 0
    request = urllib.request.Request(url, headers={"User-Agent": "pipelines-remote-sources/1"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response, target.open("wb") as out:
        for chunk in iter(lambda: response.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code in (408, 429)
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError, OSError))


def fetch_source(
    source: RemoteSource,
    raw_dir: Path,
    *,
    timeout_s: float = 30.0,
    retries: int = 3,
    backoff_s: float = 1.0,
    log: Callable[[str], None] | None = None,
) -> FetchResult:
    """Download one source into raw_dir, atomically; raises RemoteSourceError (old file kept) on failure."""
    target = raw_dir / source.file_name
    if source.sha256 and target.exists() and _sha256_file(target) == source.sha256:
        return FetchResult(source.file_name, source.sha256, "unchanged", 0, target.stat().st_size)
    tmp = raw_dir / f".{source.file_name}.download"
    last: BaseException | None = None
    try:
        for attempt in range(1, retries + 2):
            try:
                sha, size = _stream(source.url, tmp, timeout_s)
            except Exception as exc:
                if not _retryable(exc):
                    raise RemoteSourceError(f"{source.file_name}: download from {source.url} failed: {exc}") from exc
                last = exc
                if log:
                    log(f"{source.file_name}: attempt {attempt} failed ({exc}); retrying")
                if attempt <= retries:
                    time.sleep(backoff_s * 2 ** (attempt - 1))
                continue
            if source.sha256 and sha != source.sha256:
                raise RemoteSourceError(
                    f"{source.file_name}: sha256 mismatch for {source.url}: expected {source.sha256}, got {sha}; "
                    f"the previous file was kept (update the pin in {REGISTRY_NAME} if the new document is intended)"
                )
            os.replace(tmp, target)
            return FetchResult(source.file_name, sha, "downloaded", attempt, size)
        raise RemoteSourceError(
            f"{source.file_name}: download from {source.url} failed after {retries + 1} attempts: {last}"
        )
    finally:
        tmp.unlink(missing_ok=True)


def sync_remote_sources(
    raw_dir: Path,
    *,
    timeout_s: float = 30.0,
    retries: int = 3,
    backoff_s: float = 1.0,
    log: Callable[[str], None] | None = None,
) -> list[FetchResult]:
    """Fetch every source of raw_dir/sources.yaml into raw_dir; [] when there is no registry."""
    return [
        fetch_source(s, raw_dir, timeout_s=timeout_s, retries=retries, backoff_s=backoff_s, log=log)
        for s in load_registry(raw_dir / REGISTRY_NAME)
    ]


def remote_fingerprint(source: RemoteSource, *, timeout_s: float = 30.0) -> str:
    """What identifies a remote source's content: its pinned sha256, else the sha256 of its body now."""
    if source.sha256:
        return source.sha256
    digest = hashlib.sha256()
    request = urllib.request.Request(source.url, headers={"User-Agent": "pipelines-remote-sources/1"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        for chunk in iter(lambda: response.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sources_state(raw_dir: Path, *, timeout_s: float = 30.0) -> dict[str, str]:
    """sha256 of every *.pdf in raw_dir and of every remote source in its registry, by name.

    Raises OSError for a file that cannot be read and RemoteSourceError / urllib errors for a remote
    source that cannot be fetched; the caller decides whether that is fatal.
    """
    state = {}
    for p in sorted(raw_dir.iterdir()):
        if p.suffix.lower() == ".pdf" and p.is_file():
            try:
                state[f"file:{p.name}"] = _sha256_file(p)
            except OSError as exc:
                raise OSError(exc.errno, f"{p.name} cannot be read: {exc.strerror or exc}") from exc
    for source in load_registry(raw_dir / REGISTRY_NAME):
        state[f"remote:{source.url}"] = remote_fingerprint(source, timeout_s=timeout_s)
    return state
