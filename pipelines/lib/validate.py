"""Run a Great Expectations 1.x suite from expectations/ against a DataFrame and summarize the result.

dagster-ge does not support GX 1.x, so this is the small wrapper the asset checks call. GX is imported
lazily, once per process (it takes seconds), with its analytics switched off before the first import.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.lib.errors import ValidationFailed
from pipelines.lib.paths import EXPECTATIONS_DIR

_LOCK = threading.Lock()


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, trimmed to what a person needs to see."""

    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    sample: list[Any]
    observed: Any


@dataclass(frozen=True)
class ValidationSummary:
    """What a suite said about a table."""

    suite: str
    success: bool
    evaluated: int
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    raw_result: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        """The expectations that failed."""
        return [o for o in self.outcomes if not o.success]

    def describe_failures(self) -> str:
        """One line per failed expectation, naming it, its column, the unexpected count and samples."""
        lines = []
        for o in self.failures:
            col = f" on {o.column}" if o.column else ""
            detail = f"{o.unexpected_count} unexpected, e.g. {o.sample[:5]!r}" if o.unexpected_count else ""
            observed = f"observed {o.observed!r}" if o.observed is not None else ""
            lines.append(f"{o.expectation}{col}: {detail or observed}")
        return "\n".join(lines)


def suite_path(name: str, directory: Path | None = None) -> Path:
    """expectations/<name>.json"""
    return (directory or EXPECTATIONS_DIR) / f"{name}.json"


def load_suite_dict(name: str, directory: Path | None = None) -> dict[str, Any]:
    """Read a suite file as UTF-8 JSON, with a clear error when it is missing or malformed."""
    path = suite_path(name, directory)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationFailed(f"suite {path.name}: file not found in {path.parent}") from exc
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"suite {path.name}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise ValidationFailed(f"suite {path.name}: expected an object with an 'expectations' list")
    return data


@cache
def _gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    return gx


@cache
def _context() -> Any:
    gx = _gx()
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return ctx


def warm_up() -> float:
    """Import GX and build the context now; returns seconds taken (for benchmarks)."""
    import time

    t0 = time.perf_counter()
    _context()
    return time.perf_counter() - t0


def gx_compatible(df: pd.DataFrame) -> pd.DataFrame:
    """pandas 3 reads VARCHAR as StringDtype, which GX 1.x type expectations cannot name; use object."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].astype(object)
    return out


def _check_columns_exist(name: str, suite: dict[str, Any], df: pd.DataFrame) -> None:
    missing = sorted(
        {
            str(e["kwargs"]["column"])
            for e in suite["expectations"]
            if "column" in e.get("kwargs", {}) and e["kwargs"]["column"] not in df.columns
        }
    )
    if missing:
        raise ValidationFailed(f"suite {name}.json names columns the table does not have: {', '.join(missing)}")


def _suite(name: str, suite_dict: dict[str, Any]) -> Any:
    """A GX ExpectationSuite from its JSON, refusing invalid expectations and any that GX would drop."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    try:
        suite = ExpectationSuite(name=name, expectations=suite_dict["expectations"], meta=suite_dict.get("meta"))
    except Exception as exc:
        raise ValidationFailed(f"suite {name}.json: invalid expectation ({exc})") from exc
    if len(suite.expectations) != len(suite_dict["expectations"]):
        raise ValidationFailed(
            f"suite {name}.json: {len(suite_dict['expectations'])} expectations written, "
            f"only {len(suite.expectations)} loaded; GX dropped some"
        )
    return suite


def validate_frame(name: str, df: pd.DataFrame, directory: Path | None = None) -> ValidationSummary:
    """Validate df against expectations/<name>.json; raises ValidationFailed if the suite itself is broken."""
    suite_dict = load_suite_dict(name, directory)
    _check_columns_exist(name, suite_dict, df)
    df = gx_compatible(df)
    with _LOCK:
        ctx = _context()  # imports GX (analytics off) before _suite touches it
        suite = _suite(name, suite_dict)
        source_name = f"src_{name}"
        if source_name in [ds.name for ds in ctx.data_sources.all().values()]:
            ctx.data_sources.delete(source_name)
        source = ctx.data_sources.add_pandas(source_name)
        batch_def = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
        batch = batch_def.get_batch(batch_parameters={"dataframe": df})
        result = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10})
    outcomes = []
    for r in result.results:
        res = r.result or {}
        outcomes.append(
            ExpectationOutcome(
                expectation=r.expectation_config.type,
                column=r.expectation_config.kwargs.get("column"),
                success=bool(r.success),
                unexpected_count=res.get("unexpected_count"),
                sample=[_plain(v) for v in res.get("partial_unexpected_list", []) or []],
                observed=_plain(res.get("observed_value")),
            )
        )
    if len(outcomes) != len(suite_dict["expectations"]):
        raise ValidationFailed(f"suite {name}.json: {len(outcomes)} results for {len(suite_dict['expectations'])}")
    return ValidationSummary(name, bool(result.success), len(outcomes), outcomes, result.to_json_dict())


def _plain(v: Any) -> Any:
    """JSON-safe form of a GX result value."""
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return str(v)


def rows_fingerprint(df: pd.DataFrame, suite: dict[str, Any]) -> str:
    """sha256 of a frame's rows (order-independent) and of the suite that judges them."""
    lines = sorted(json.dumps(list(r), default=str, ensure_ascii=False) for r in df.itertuples(index=False))
    payload = json.dumps(suite, sort_keys=True, default=str) + "\n" + "\n".join(lines)
    return hashlib.sha256(payload.encode()).hexdigest()


DATA_DOCS_INPUTS = ".inputs.sha256"
"""File in the Data Docs folder naming what the site was built from (tables, suites, GX version)."""


@dataclass(frozen=True)
class DataDocs:
    """The Data Docs site: its index page and whether this call rebuilt it."""

    index: Path
    rebuilt: bool
    external: tuple[str, ...] = ()  # resources a page would still fetch from the network (none expected)


def data_docs_inputs(frames: dict[str, pd.DataFrame], suites: dict[str, dict[str, Any]]) -> str:
    """sha256 of every table's rows with its suite, and of the installed GX version."""
    from importlib.metadata import version

    from pipelines.lib import data_docs_assets

    parts = [f"great_expectations {version('great_expectations')}", f"assets {data_docs_assets.fingerprint()}"]
    parts += [f"{name} {rows_fingerprint(df, suites[name])}" for name, df in sorted(frames.items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_data_docs(frames: dict[str, pd.DataFrame], out_dir: Path, directory: Path | None = None) -> DataDocs:
    """Validate each table against its suite and render GX Data Docs into out_dir (swapped in whole).

    A fresh ephemeral context is used so the docs show exactly these suites and these results. When the
    site in out_dir was built from the same rows, suites and GX version, it is left as it is (no GX run).
    """
    import shutil
    import tempfile

    suites = {name: load_suite_dict(name, directory) for name in frames}
    inputs = data_docs_inputs(frames, suites)
    stamp = out_dir / DATA_DOCS_INPUTS
    if (out_dir / "index.html").exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == inputs:
        return DataDocs(out_dir / "index.html", rebuilt=False)
    gx = _gx()

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".data_docs.", dir=out_dir.parent)).resolve()
    with _LOCK:
        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
        ctx.add_data_docs_site(
            site_name="warehouse",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(build)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        source = ctx.data_sources.add_pandas("staging")
        for name, df in sorted(frames.items()):
            suite = ctx.suites.add(_suite(name, suites[name]))
            batch_def = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
            definition = ctx.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch_def, suite=suite))
            definition.run(batch_parameters={"dataframe": gx_compatible(df)})
        ctx.build_data_docs(site_names=["warehouse"])
    _add_offline_index(build / "index.html", sorted(frames))
    from pipelines.lib.data_docs_assets import localize_site

    external = tuple(localize_site(build))  # GX's CDN scripts, styles and fonts, shipped with the site
    (build / DATA_DOCS_INPUTS).write_text(inputs + "\n", encoding="utf-8")
    old = out_dir.with_name(out_dir.name + ".old")
    if out_dir.exists():
        out_dir.replace(old)
    build.replace(out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return DataDocs(out_dir / "index.html", rebuilt=True, external=external)


def _add_offline_index(index: Path, suites: list[str]) -> None:
    """GX's index page fills its tables from CDN scripts; add plain links so it lists every suite offline."""
    import html
    import re

    site = index.parent
    items = []
    for name in suites:
        links = [f'<a href="expectations/{html.escape(name)}.html">suite</a>']
        links += [
            f'<a href="{html.escape(str(p.relative_to(site)))}">latest validation</a>'
            for p in sorted((site / "validations" / name).rglob("*.html"))[-1:]
        ]
        items.append(f"<li><code>{html.escape(name)}</code>: {' · '.join(links)}</li>")
    block = (
        '<section id="suites-offline" style="font-family:sans-serif;margin:1em">'
        f"<h2>Staging suites ({len(suites)})</h2><ul>{''.join(items)}</ul></section>"
    )
    text = index.read_text(encoding="utf-8")
    index.write_text(re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + block, text, count=1), encoding="utf-8")
