"""Run a Great Expectations 1.x suite against a DataFrame and summarize the result.

dagster-ge does not support GX 1.x, so this is the small wrapper the asset checks call. A suite is the
registry's expectations plus its file in expectations/ (:mod:`pipelines.lib.validation.suites`), run with the
document's parameters. GX is imported lazily, once per process (it takes seconds), with its analytics
switched off before the first import.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipelines.lib.errors import ValidationFailed
from pipelines.lib.refresh.fingerprint import rows_fingerprint
from pipelines.lib.refresh.kept import work_key
from pipelines.lib.validation.suites import PARAMETERS, load_suite, suite_fingerprint

if TYPE_CHECKING:
    from pipelines.lib.refresh.kept import KeptWork
    from pipelines.lib.validation.validation_results import ValidationResults

_LOCK = threading.Lock()
DATA_SOURCE = "staging"
"""The GX pandas data source every staging table is validated through (each table one data asset)."""


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, trimmed to what a person needs to see."""

    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    sample: list[Any]
    observed: Any
    expected: str = ""  # what the expectation asks, e.g. 'min_value=0', 'where is_new==True'
    why: str = ""  # the rule's reason (meta.why of the suite)
    rows: list[dict[str, Any]] = field(default_factory=list)  # unexpected rows with their source_page

    def describe(self) -> str:
        """'expect_…_between on amount_oku_yen (min_value=0): expected …; found 1 unexpected: -5.0 (page 10)'."""
        col = f" on {self.column}" if self.column else ""
        asked = f" ({self.expected})" if self.expected else ""
        why = f" [{self.why}]" if self.why else ""
        if self.unexpected_count:
            shown = self.rows[:5] or [{"value": v} for v in self.sample[:5]]
            found = ", ".join(_sample_text(r, self.column) for r in shown)
            more = f" and {self.unexpected_count - len(shown)} more" if self.unexpected_count > len(shown) else ""
            return f"{self.expectation}{col}{asked}{why}: found {self.unexpected_count} unexpected: {found}{more}"
        return f"{self.expectation}{col}{asked}{why}: found {self.observed!r}"


def _sample_text(row: dict[str, Any], column: str | None) -> str:
    value = row.get(column) if column and column in row else row.get("value", row)
    page = f" (page {row['source_page']})" if "source_page" in row else ""
    return f"{value!r}{page}"


_SHOWN_KWARGS = ("value_set", "min_value", "max_value", "regex", "value", "column_list", "or_equal", "value_pairs_set")


def _expected_text(kwargs: dict[str, Any], parameters: dict[str, Any]) -> str:
    """The kwargs that say what is asked, suite parameters resolved: 'min_value=1, max_value=28'."""
    parts = []
    for k in _SHOWN_KWARGS:
        if k in kwargs and kwargs[k] is not None:
            v = kwargs[k]
            if isinstance(v, dict) and "$PARAMETER" in v:
                v = parameters.get(v["$PARAMETER"])
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            text = repr(v)
            parts.append(f"{k}={text if len(text) <= 80 else text[:77] + '...'}")
    if kwargs.get("row_condition"):
        parts.append(f"where {kwargs['row_condition']}")
    return ", ".join(parts)


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
        """One line per failed expectation: what it asked, why, and what was found (with pages)."""
        return "\n".join(o.describe() for o in self.failures)


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


def _named_parameters(suite: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for e in suite["expectations"]:
        for v in e.get("kwargs", {}).values():
            if isinstance(v, dict) and "$PARAMETER" in v:
                found.add(str(v["$PARAMETER"]))
    return found


def validate_frame(
    name: str,
    df: pd.DataFrame,
    directory: Path | None = None,
    parameters: dict[str, Any] | None = None,
    suite_dict: dict[str, Any] | None = None,
) -> ValidationSummary:
    """Validate df against the suite of ``name`` with the document's ``parameters``.

    Raises ValidationFailed if the suite itself is broken, or names a parameter not given.
    """
    suite_dict = suite_dict or load_suite(name, directory)
    parameters = parameters or {}
    unknown = _named_parameters(suite_dict) - set(PARAMETERS)
    if unknown:
        raise ValidationFailed(f"suite {name}.json: unknown parameter(s) {sorted(unknown)}; known: {PARAMETERS}")
    missing = _named_parameters(suite_dict) - set(parameters)
    if missing:
        raise ValidationFailed(f"suite {name}: no value for parameter(s) {sorted(missing)}")
    _check_columns_exist(name, suite_dict, df)
    df = gx_compatible(df)
    with _LOCK:
        ctx = _context()  # imports GX (analytics off) before _suite touches it
        suite = _suite(name, suite_dict)
        source_name = DATA_SOURCE
        if source_name in [ds.name for ds in ctx.data_sources.all().values()]:
            ctx.data_sources.delete(source_name)
        source = ctx.data_sources.add_pandas(source_name)
        batch_def = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
        batch = batch_def.get_batch(batch_parameters={"dataframe": df})
        result = batch.validate(suite, result_format=_result_format(df, "BASIC"), expectation_parameters=parameters)
        _complete_failures(name, suite_dict, batch, result, _result_format(df, "COMPLETE"), parameters)
    outcomes = []
    for r in result.results:
        res = r.result or {}
        config = r.expectation_config
        error = _exception_message(r.exception_info)
        if error:
            column = f" on {config.kwargs.get('column')}" if config.kwargs.get("column") else ""
            raise ValidationFailed(f"suite {name}: {config.type}{column} could not be evaluated: {error}")
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column"),
                success=bool(r.success),
                unexpected_count=res.get("unexpected_count"),
                sample=[_plain(v) for v in res.get("partial_unexpected_list", []) or []],
                observed=_plain(res.get("observed_value")),
                expected=_expected_text(config.kwargs, parameters),
                why=str((config.meta or {}).get("why", "")),
                rows=[_plain(v) for v in (res.get("unexpected_index_list") or [])[:10] if isinstance(v, dict)],
            )
        )
    if len(outcomes) != len(suite_dict["expectations"]):
        raise ValidationFailed(f"suite {name}.json: {len(outcomes)} results for {len(suite_dict['expectations'])}")
    return ValidationSummary(name, bool(result.success), len(outcomes), outcomes, result.to_json_dict())


def _exception_message(info: Any) -> str | None:
    """The first exception GX caught while evaluating an expectation, if any (its info nests by metric)."""
    if not info:
        return None
    if isinstance(info, dict) and "raised_exception" in info:
        return str(info.get("exception_message")).splitlines()[0] if info.get("raised_exception") else None
    if isinstance(info, dict):
        for value in info.values():
            nested = value.to_json_dict() if hasattr(value, "to_json_dict") else value
            if message := _exception_message(nested):
                return message
    return None


def _complete_failures(
    name: str, suite_dict: dict[str, Any], batch: Any, result: Any, fmt: dict[str, Any], parameters: dict[str, Any]
) -> None:
    """Validate the expectations that failed again, with ``fmt`` (COMPLETE), and put those results in ``result``.

    A passing expectation's BASIC result renders the same Data Docs as its COMPLETE one; a failure needs the
    unexpected rows with their source_page (the message and the page name them), which only COMPLETE gives.
    GX orders results its own way, so each result is matched to its expectation by type and arguments.
    """
    failed = [i for i, r in enumerate(result.results) if not r.success]
    if not failed:
        return
    configs = [result.results[i].expectation_config for i in failed]
    expectations = [
        {"type": c.type, "kwargs": {k: v for k, v in c.kwargs.items() if k != "batch_id"}, "meta": c.meta}
        for c in configs
    ]
    again = batch.validate(
        _suite(name, {"expectations": expectations, "meta": suite_dict.get("meta")}),
        result_format=fmt,
        expectation_parameters=parameters,
    )
    complete: dict[str, list[Any]] = {}
    for r in again.results:
        complete.setdefault(_config_key(r.expectation_config), []).append(r)
    for i, config in zip(failed, configs, strict=True):
        found = complete.get(_config_key(config))
        if not found:
            raise ValidationFailed(f"suite {name}: {config.type} gave no result when validated again")
        result.results[i] = found.pop(0)


def _config_key(config: Any) -> str:
    """An expectation's type and arguments (its batch aside), to tell its result among others."""
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    return json.dumps([config.type, kwargs], sort_keys=True, default=str)


def _result_format(df: pd.DataFrame, kind: str) -> dict[str, Any]:
    """GX's result format ``kind``, with each unexpected row's source_page where the frame has one."""
    fmt: dict[str, Any] = {"result_format": kind, "partial_unexpected_count": 10}
    if "source_page" in df.columns:
        fmt["unexpected_index_column_names"] = ["source_page"]
    return fmt


def _plain(v: Any) -> Any:
    """JSON-safe form of a GX result value."""
    if v is None or isinstance(v, str):
        return v if v is None else str(v)
    if isinstance(v, bool | int | float):  # also numpy scalars, which subclass them
        return type(v.item())(v) if hasattr(v, "item") else v
    if hasattr(v, "item") and not isinstance(v, list | tuple | dict):  # other numpy scalars
        return _plain(v.item())
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return str(v)


def batch_fingerprint(df: pd.DataFrame, suite: dict[str, Any], parameters: dict[str, Any] | None = None) -> str:
    """The fingerprint of a frame's rows judged by a suite with its parameters (what a verdict holds for)."""
    return rows_fingerprint(df.itertuples(index=False), suite_fingerprint(suite, parameters))


def batch_key(rows: str, suite: dict[str, Any], parameters: dict[str, Any] | None = None) -> str:
    """The fingerprint of a batch whose rows are fingerprinted where they are stored
    (:func:`pipelines.lib.refresh.kept.document_fingerprints`), judged by a suite with its parameters."""
    return hashlib.sha256(f"{suite_fingerprint(suite, parameters)}\n{rows}".encode()).hexdigest()


DATA_DOCS_INPUTS = ".inputs.sha256"
"""File in the Data Docs folder naming what the site was built from (tables, suites, GX version)."""


@dataclass(frozen=True)
class DataDocs:
    """The Data Docs site: its index page and whether this call rebuilt it."""

    index: Path
    rebuilt: bool
    external: tuple[str, ...] = ()  # resources a page would still fetch from the network (none expected)
    reused: int = 0  # batches rendered from the results the checks kept (the others were validated here)
    documents_rendered: tuple[str, ...] = ()  # documents whose validation pages this call rendered
    documents_kept: tuple[str, ...] = ()  # documents whose pages were kept from an earlier render


@dataclass(frozen=True)
class Batch:
    """One validated unit of the Data Docs: a table's rows of one document, with that document's parameters.

    ``rows`` may be a function that reads them (only a batch whose result was not kept needs its rows).
    """

    table: str
    name: str
    rows: pd.DataFrame | Callable[[], pd.DataFrame]
    parameters: dict[str, Any]
    fingerprint: str = ""

    def frame(self) -> pd.DataFrame:
        """The batch's rows."""
        return self.rows() if callable(self.rows) else self.rows


def document_batches(
    frames: dict[str, pd.DataFrame], parameters: dict[str, dict[str, Any]], fallback: dict[str, Any]
) -> list[Batch]:
    """Each table split by document_id (as the staging checks validate it); an empty table is one batch."""
    return [
        Batch(table, document_id, rows, parameters.get(document_id, fallback))
        for table, df in sorted(frames.items())
        for document_id, rows in document_groups(df).items()
    ]


def document_groups(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """document_id → that document's rows; a table with no rows is one group, "" (its rules still run)."""
    groups = {str(d): g.reset_index(drop=True) for d, g in df.groupby("document_id", sort=True)} if len(df) else {}
    return groups or {"": df}


def data_docs_inputs(fingerprints: list[str]) -> str:
    """sha256 of every batch's fingerprint (rows, suite, parameters), of the installed GX and the site assets."""
    return hashlib.sha256("\n".join([_site_version(), *sorted(fingerprints)]).encode()).hexdigest()


def _site_version() -> str:
    """The installed GX, the vendored site assets and the code that renders the site."""
    from importlib.metadata import version

    from pipelines.lib.refresh.fingerprint import module_version
    from pipelines.lib.validation import data_docs_assets

    parts = [f"great_expectations {version('great_expectations')}", f"assets {data_docs_assets.fingerprint()}"]
    return "\n".join([*parts, f"code {module_version('pipelines.lib.validation.validate')}"])


def build_data_docs(
    frames: dict[str, pd.DataFrame],
    out_dir: Path,
    parameters: dict[str, Any] | None = None,
    directory: Path | None = None,
    *,
    document_parameters: dict[str, dict[str, Any]] | None = None,
    results: ValidationResults | None = None,
) -> DataDocs:
    """Render GX Data Docs of each table's suite and its results into out_dir (swapped in whole).

    With ``document_parameters``, each document's rows are one batch with that document's parameters (as the
    staging checks ran them); otherwise each table is one batch with ``parameters``. A batch whose result the
    checks kept in ``results`` is rendered from it; any other is validated here. When the site in out_dir was
    built from the same batches, suites, parameters and GX version, it is left as it is.
    """
    suites = {name: load_suite(name, directory) for name in frames}
    if document_parameters is None:
        batches = [Batch(t, "", df, parameters or {}) for t, df in sorted(frames.items())]
    else:
        batches = document_batches(frames, document_parameters, parameters or {})
    batches = [
        Batch(b.table, b.name, b.rows, b.parameters, batch_fingerprint(b.frame(), suites[b.table], b.parameters))
        for b in batches
    ]
    return render_data_docs(batches, suites, out_dir, results)


DOCS_KIND = "data_docs"
"""Kept work: one document's validation pages, as rendered and localized, and what the index needs of them."""
SUITE_PAGES = "(suites)"
"""The kept work's name for the suites' own pages (one per staging table, the same for every document)."""
NO_ROWS_BATCH = "(no rows)"
"""The kept work's name for the batch of a table with no rows."""


def render_data_docs(
    batches: list[Batch],
    suites: dict[str, dict[str, Any]],
    out_dir: Path,
    results: ValidationResults | None = None,
    kept: KeptWork | None = None,
) -> DataDocs:
    """Render the Data Docs of ``batches`` (each with its fingerprint) into out_dir, swapped in whole.

    With ``kept``, a document's validation pages are rendered once for its batches' fingerprints and kept;
    a site with the same batches is left as it is; otherwise only the pages of new or changed documents are
    rendered, the others copied from what was kept, and the index pages are built over all of them.
    """
    import shutil
    import tempfile

    inputs = data_docs_inputs([b.fingerprint for b in batches])
    stamp = out_dir / DATA_DOCS_INPUTS
    if (out_dir / "index.html").exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == inputs:
        return DataDocs(out_dir / "index.html", rebuilt=False)
    per_table = {b.table: sum(o.table == b.table for o in batches) for b in batches}
    ids = {id(b): f"{DATA_SOURCE}-{b.table}" + (f"-{b.name}" if per_table[b.table] > 1 else "") for b in batches}
    groups: dict[str, list[Batch]] = {}
    for b in batches:
        groups.setdefault(b.name or NO_ROWS_BATCH, []).append(b)
    version = _site_version()
    keys = {
        name: work_key(version, *(f"{b.table} {b.fingerprint} {ids[id(b)]}" for b in group))
        for name, group in groups.items()
    }
    keys[SUITE_PAGES] = work_key(version, *(suite_fingerprint(suites[n]) for n in sorted(suites)))
    found = {name: kept.load(DOCS_KIND, name, key) if kept else None for name, key in keys.items()}
    stale = [name for name in sorted(groups) if found[name] is None]
    records = {}
    reused = 0
    for name in stale:
        for b in groups[name]:
            record = results.load(b.table, b.fingerprint) if results else None
            reused += record is not None
            records[id(b)] = record or {
                "batch": b.name,
                "run_id": None,
                "result": _validate_batch(b, suites[b.table]).raw_result,
            }
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".data_docs.", dir=out_dir.parent)).resolve()
    for entry in found.values():
        for path, page in (entry[0]["pages"] if entry else {}).items():
            (build / path).parent.mkdir(parents=True, exist_ok=True)
            (build / path).write_bytes(page)
    stubs = {id(b): found[name][0]["stubs"][b.table] for name in groups if name not in stale for b in groups[name]}
    with _LOCK:
        _render_site(build, suites, batches, ids, records, stubs, render_suites=found[SUITE_PAGES] is None)
    _add_offline_index(build / "index.html", sorted(suites))
    from pipelines.lib.validation.data_docs_assets import localize_site

    fresh = [build / "index.html", *_pages(build, [b for n in stale for b in groups[n]], ids)]
    if found[SUITE_PAGES] is None:
        fresh += [build / "expectations" / f"{n}.html" for n in sorted(suites)]
    external = tuple(localize_site(build, pages=fresh))  # GX's CDN scripts, styles and fonts, shipped with the site
    if kept is not None:
        for name in stale:
            group = groups[name]
            pages = {p.relative_to(build).as_posix(): p.read_bytes() for p in _pages(build, group, ids)}
            stub = {b.table: _stub(records[id(b)]["result"]) for b in group}
            kept.save(DOCS_KIND, name, keys[name], ({"pages": pages, "stubs": stub},))
        if found[SUITE_PAGES] is None:
            pages = {f"expectations/{n}.html": (build / "expectations" / f"{n}.html").read_bytes() for n in suites}
            kept.save(DOCS_KIND, SUITE_PAGES, keys[SUITE_PAGES], ({"pages": pages, "stubs": {}},))
        kept.prune(DOCS_KIND, keys)
    (build / DATA_DOCS_INPUTS).write_text(inputs + "\n", encoding="utf-8")
    old = out_dir.with_name(out_dir.name + ".old")
    if out_dir.exists():
        out_dir.replace(old)
    build.replace(out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return DataDocs(
        out_dir / "index.html",
        rebuilt=True,
        external=external,
        reused=reused,
        documents_rendered=tuple(n for n in stale if n != SUITE_PAGES),
        documents_kept=tuple(n for n in sorted(groups) if n not in stale),
    )


def _pages(build: Path, batches: list[Batch], ids: dict[int, str]) -> list[Path]:
    """The validation page of each batch in a site folder (validations/<table>/<run>/<time>/<batch id>.html)."""
    return [p for b in batches for p in sorted((build / "validations" / b.table).rglob(f"{ids[id(b)]}.html"))]


def _stub(result: dict[str, Any]) -> dict[str, Any]:
    """What the index page needs of a result (its success, statistics and meta), without its rows of results."""
    return {**result, "results": []}


def _validate_batch(batch: Batch, suite: dict[str, Any]) -> ValidationSummary:
    return validate_frame(batch.table, batch.frame(), parameters=batch.parameters, suite_dict=suite)


def _render_site(
    build: Path,
    suites: dict[str, dict[str, Any]],
    batches: list[Batch],
    ids: dict[int, str],
    records: dict[int, dict[str, Any]],
    stubs: dict[int, dict[str, Any]],
    *,
    render_suites: bool,
) -> None:
    """GX's site builder in a fresh ephemeral context: the pages of the batches in ``records`` (and of the
    suites, if asked) and the index over every batch (those of ``stubs`` have their pages in ``build`` already)."""
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    ctx = _gx().get_context(mode="ephemeral")
    ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
    ctx.add_data_docs_site(
        site_name="warehouse",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(build)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    for name in sorted(suites):
        ctx.suites.add(_suite(name, suites[name]))
    schema = ExpectationSuiteValidationResultSchema()
    rendered: list[Any] = [ExpectationSuiteIdentifier(name=n) for n in sorted(suites)] if render_suites else []
    for batch in batches:
        record = records.get(id(batch))
        raw = record["result"] if record is not None else stubs[id(batch)]
        result = schema.load(json.loads(json.dumps(raw, default=str)))
        # What a validation definition's run adds to a result, so the page reads as if GX had run it here.
        run = RunIdentifier(run_time=_load_time(raw))
        result.meta.update(
            run_id=run, validation_time=run.run_time, checkpoint_id=None, batch_parameters={"dataframe": "<DATAFRAME>"}
        )
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=batch.table),
            run_id=run,
            batch_identifier=ids[id(batch)],
        )
        ctx.validation_results_store.set(key, result)
        if record is not None:
            rendered.append(key)
    # GX renders only the resources listed (every one when the list is empty): a name no store holds renders none.
    ctx.build_data_docs(site_names=["warehouse"], resource_identifiers=rendered or [ExpectationSuiteIdentifier("")])


def _load_time(result: dict[str, Any]) -> datetime.datetime | None:
    """When GX loaded the batch (its own marker in the result), as the run time the site shows."""
    marker = ((result.get("meta") or {}).get("batch_markers") or {}).get("ge_load_time")
    try:
        return datetime.datetime.strptime(str(marker), "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


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
