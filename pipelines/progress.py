"""What `make run` shows on the terminal: one line per stage, a page bar on a terminal, and a closing summary.

The refresh's Dagster event log goes, in full, to a log file (tracebacks included); the terminal gets
:class:`ProgressView`, fed by a Dagster logger, so the run view in the UI stays as it is (same events).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import dagster as dg

from pipelines.defs.metadata import HELD_BY_CURATED

STAGES = ("sources", "extraction", "staging", "checks", "tables", "marts", "publish", "report", "docs")
"""Stages in the order a refresh passes them."""

_BY_GROUP = {"sources": "sources", "raw": "extraction", "staging": "staging", "tables": "tables", "marts": "marts"}
_BY_PUBLISH_ASSET = {"published_warehouse": "publish", "data_docs": "docs", "published_report": "report"}
_PAGE = re.compile(r"page (\d+)/(\d+)")
_EXTRACTING = re.compile(r"^extracting \d+ of \d+ document")
_BAR = 24


def stage_of_asset(key: dg.AssetKey, group: str) -> str:
    """The stage an asset belongs to, from its group (and its name within the publish group)."""
    return _BY_PUBLISH_ASSET.get(key.path[-1], _BY_GROUP.get(group, "publish"))


def stage_of_check(key: dg.AssetCheckKey, group: str) -> str:
    """The stage a check counts in: with its layer for raw tables, marts and the publish; else 'checks'."""
    if group in ("sources", "raw", "tables", "marts"):
        return _BY_GROUP[group]
    return _BY_PUBLISH_ASSET.get(key.asset_key.to_user_string(), "checks")


def key_stages(defs: dg.Definitions) -> dict[dg.AssetKey | dg.AssetCheckKey, str]:
    """Every asset and check of the definitions → the stage its event counts in."""
    graph = defs.resolve_asset_graph()
    stages: dict[dg.AssetKey | dg.AssetCheckKey, str] = {}
    for key in graph.get_all_asset_keys():
        stages[key] = stage_of_asset(key, graph.get(key).group_name)
    for check in graph.asset_check_keys:
        stages[check] = stage_of_check(check, graph.get(check.asset_key).group_name)
    return stages


@dataclass
class _Stage:
    name: str
    started: float | None = None
    seconds: float = 0.0
    rows: int = 0
    assets: int = 0
    checks_passed: int = 0
    checks_warned: int = 0
    checks_failed: int = 0
    failed: bool = False
    complete: bool = False
    printed: bool = False
    pages: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)


class ProgressView:
    """Turns Dagster events into stage lines; keeps what the closing summary needs.

    A step may compute several stages (the raw layer's sources and extraction, the staging tables and their
    checks): a stage runs from the step's start, or the previous stage's last event, to its own last event.
    """

    def __init__(
        self,
        stages_by_key: dict[dg.AssetKey | dg.AssetCheckKey, str],
        out: TextIO | None = None,
        tty: bool | None = None,
    ) -> None:
        self.out = out or sys.stdout
        self.tty = self.out.isatty() if tty is None else tty
        self.stage_of = stages_by_key
        self.stages = {name: _Stage(name) for name in STAGES}
        self.rows_by_layer: dict[str, int] = {}
        self.quantities: tuple[int, int] | None = None  # (read, held by a curated table)
        self._current: _Stage | None = None
        self._mark = time.perf_counter()  # where the next stage's time starts
        self._live = False

    # ---- events -------------------------------------------------------------------------------------------

    def handle(self, event: dg.DagsterEvent | None, message: str, step_key: str | None) -> None:
        """One Dagster log record: its event (if any), its own message and step."""
        now = time.perf_counter()
        if event is None:
            if _EXTRACTING.match(message):
                self._enter(self.stages["extraction"], now)
            elif m := _PAGE.search(message):
                stage = self._enter(self.stages["extraction"], now)
                stage.pages = (int(m.group(1)), int(m.group(2)))
                self._draw_bar(stage)
            return
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            self._mark = now
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            key = event.event_specific_data.materialization.asset_key
            if (name := self.stage_of.get(key)) is not None:
                self._materialized(self._enter(self.stages[name], now), event)
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            if (name := self.stage_of.get(event.event_specific_data.asset_check_key)) is not None:
                self._checked(self._enter(self.stages[name], now), event)
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            stage = self._current
            if stage is None and kind == dg.DagsterEventType.STEP_FAILURE:  # failed before its first event
                stage = next((s for s in self.stages.values() if not s.complete), None)
                if stage is not None:
                    stage.started = self._mark
            if stage is not None:
                stage.seconds += now - self._mark
                stage.failed = stage.failed or kind == dg.DagsterEventType.STEP_FAILURE
                self._close(stage)
            self._current, self._mark = None, now

    def _enter(self, stage: _Stage, now: float) -> _Stage:
        """The stage an event belongs to: the one running, or the next (the one before it is then done)."""
        if self._current is not stage:
            if self._current is not None:
                self._close(self._current)
            stage.started = stage.started or self._mark
            self._current = stage
        stage.seconds += now - self._mark
        self._mark = now
        return stage

    def _materialized(self, stage: _Stage, event: dg.DagsterEvent) -> None:
        materialization = event.event_specific_data.materialization
        stage.assets += 1
        rows = materialization.metadata.get("dagster/row_count")
        if rows is not None:
            count = int(rows.value)
            stage.rows += count
            layer = materialization.asset_key.path[0]
            self.rows_by_layer[layer] = self.rows_by_layer.get(layer, 0) + count
        if HELD_BY_CURATED in materialization.metadata and rows is not None:
            self.quantities = (int(rows.value), int(materialization.metadata[HELD_BY_CURATED].value))
        if stage.name in ("publish", "report", "docs"):
            for name in ("path", "index"):
                if name in materialization.metadata:
                    stage.notes.append(str(materialization.metadata[name].value))

    def _checked(self, stage: _Stage, event: dg.DagsterEvent) -> None:
        data = event.event_specific_data
        if data.passed:
            stage.checks_passed += 1
        elif data.severity == dg.AssetCheckSeverity.WARN:
            stage.checks_warned += 1
        else:
            stage.checks_failed += 1

    # ---- output -------------------------------------------------------------------------------------------

    def _write(self, line: str) -> None:
        if self._live:
            self.out.write("\r\033[K")
            self._live = False
        self.out.write(line + "\n")
        self.out.flush()

    def _draw_bar(self, stage: _Stage) -> None:
        if not self.tty or stage.pages is None:
            return
        page, pages = stage.pages
        filled = round(_BAR * page / max(pages, 1))
        self.out.write(f"\r\033[K  {stage.name:<11}[{'#' * filled}{'.' * (_BAR - filled)}] page {page}/{pages}")
        self.out.flush()
        self._live = True

    def _close(self, stage: _Stage) -> None:
        """Print a completed stage once every stage before it that ran has printed: the lines keep the order of
        STAGES."""
        stage.complete = True
        for name in STAGES:
            ahead = self.stages[name]
            if ahead.printed or ahead.started is None:
                continue
            if not ahead.complete:
                break
            self._emit(ahead)

    def finish(self) -> None:
        """Print the stages that started but never completed (a failure stopped them), and any completed stage
        still waiting for one before it that never ran."""
        for stage in self.stages.values():
            if stage.started is not None and not stage.complete:
                stage.failed = True
                stage.complete = True
        for stage in self.stages.values():
            if stage.complete and not stage.printed:
                self._emit(stage)

    def _emit(self, stage: _Stage) -> None:
        stage.printed = True
        self._write(f"  {stage.name:<11}{_describe(stage):<58}{stage.seconds:6.1f} s")

    def quantities_read(self) -> str | None:
        """'455 read, 217 of them (48%) held by a curated table', or None when no quantities were materialized."""
        if self.quantities is None:
            return None
        read, held = self.quantities
        return f"{read:,} read, {held:,} of them ({held / max(read, 1):.0%}) held by a curated table"

    def layer_rows(self) -> str:
        """'raw 1,234 · staging 281 · marts 120' rows materialized per layer in this run."""
        return " · ".join(f"{layer} {count:,}" for layer, count in self.rows_by_layer.items())


def _describe(stage: _Stage) -> str:
    parts: list[str] = []
    if stage.pages:
        parts.append(f"{stage.pages[1]} pages")
    if stage.name in ("sources", "extraction", "staging", "tables", "marts") and stage.assets:
        parts.append(f"{stage.assets} tables, {stage.rows:,} rows")
    checks = stage.checks_passed + stage.checks_warned + stage.checks_failed
    if checks:
        parts.append(
            f"{checks} check{'s' * (checks != 1)}: {stage.checks_passed} passed"
            + (f", {stage.checks_warned} WARN" if stage.checks_warned else "")
            + (f", {stage.checks_failed} FAILED" if stage.checks_failed else "")
        )
    parts += [Path(n).name for n in stage.notes]
    if stage.failed:
        parts.append("FAILED")
    return ", ".join(parts)


def is_check_failure(event: dg.DagsterEvent) -> bool:
    """Whether a step failed only because a blocking check of its own failed (the check says why)."""
    err = event.step_failure_data.error
    return err is not None and err.cls_name == "DagsterAssetCheckFailedError"


def step_assets(defs: dg.Definitions) -> dict[str, list[dg.AssetKey]]:
    """step key → the assets its step computes, in the order it computes them."""
    return {
        a.node_def.name: [spec.key for spec in a.specs]
        for a in defs.resolve_asset_graph().assets_defs
        if a.is_executable and a.specs
    }


def failure_text(event: dg.DagsterEvent, at: str | None = None) -> str:
    """A failed step's own message (its cause when Dagster wrapped it), without the traceback, named by what it
    was computing (``at``: the asset, since a step computes several) or else by the step."""
    err = event.step_failure_data.error
    cause = err.cause if err and err.cause else err
    return f"{at or event.step_key}: {cause.message.strip() if cause else 'unknown error'}"


class _ViewHandler(logging.Handler):
    def __init__(self, view: ProgressView) -> None:
        super().__init__(logging.DEBUG)
        self.view = view

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        self.view.handle(meta.get("dagster_event"), str(meta.get("orig_message", "")), meta.get("step_key"))


def _logger(name: str, handlers: Callable[[], Iterable[logging.Handler]]) -> dg.LoggerDefinition:
    """A Dagster logger whose handlers are made when Dagster builds it (it closes them when it is done)."""

    def build(_: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.Logger(name, logging.DEBUG)
        for handler in handlers():
            logger.addHandler(handler)
        return logger

    return dg.LoggerDefinition(build, description=name)


class _PageHandler(logging.Handler):
    """The extraction's page lines (a plain Python logger, not the run's event log) into the view's bar."""

    def __init__(self, view: ProgressView) -> None:
        super().__init__(logging.INFO)
        self.view = view

    def emit(self, record: logging.LogRecord) -> None:
        self.view.handle(None, record.getMessage(), None)


def page_handler(view: ProgressView) -> logging.Handler:
    """A handler for the 'pipelines.pages' logger that draws the page bar."""
    return _PageHandler(view)


def progress_logger(view: ProgressView) -> dg.LoggerDefinition:
    """A Dagster logger that feeds the progress view."""
    return _logger("progress", lambda: [_ViewHandler(view)])


def file_logger(path: Path) -> dg.LoggerDefinition:
    """A Dagster logger writing every event, at DEBUG and with tracebacks, to path (emptied here)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")

    def handlers() -> list[logging.Handler]:
        handler = logging.FileHandler(path, mode="a", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        return [handler]

    return _logger("file", handlers)
