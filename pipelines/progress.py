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

STAGES = ("sources", "extraction", "staging", "checks", "marts", "publish", "report", "docs")
"""Stages in the order a refresh passes them."""

_BY_GROUP = {"sources": "sources", "raw": "extraction", "staging": "staging", "tables": "staging", "marts": "marts"}
_BY_PUBLISH_ASSET = {"published_warehouse": "publish", "data_docs": "docs", "published_report": "report"}
_PAGE = re.compile(r"page (\d+)/(\d+)")
_BAR = 24


def stage_of_asset(key: dg.AssetKey, group: str) -> str:
    """The stage an asset belongs to, from its group (and its name within the publish group)."""
    return _BY_PUBLISH_ASSET.get(key.path[-1], _BY_GROUP.get(group, "publish"))


def step_stages(defs: dg.Definitions) -> dict[str, str]:
    """step key → stage for every op of the definitions (checks on marts or a publish asset count with them)."""
    stages: dict[str, str] = {}
    for assets_def in defs.assets or []:
        if isinstance(assets_def, dg.AssetsDefinition) and assets_def.is_executable:
            key = next(iter(sorted(assets_def.keys)))
            stages[assets_def.node_def.name] = stage_of_asset(key, assets_def.group_names_by_key[key])
    for check_def in defs.asset_checks or []:
        asset = next(iter(check_def.check_keys)).asset_key
        layer = "marts" if asset.path[0] == "marts" else "checks"
        stages[check_def.node_def.name] = _BY_PUBLISH_ASSET.get(asset.to_user_string(), layer)
    return stages


@dataclass
class _Stage:
    name: str
    steps: int = 0
    done: int = 0
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
    """Turns Dagster events into stage lines; keeps what the closing summary needs."""

    def __init__(self, stages_by_step: dict[str, str], out: TextIO | None = None, tty: bool | None = None) -> None:
        self.out = out or sys.stdout
        self.tty = self.out.isatty() if tty is None else tty
        self.stage_of = stages_by_step
        self.stages = {name: _Stage(name) for name in STAGES}
        for stage in stages_by_step.values():
            self.stages[stage].steps += 1
        self.step_started: dict[str, float] = {}
        self.rows_by_layer: dict[str, int] = {}
        self.quantities: tuple[int, int] | None = None  # (read, held by a curated table)
        self._live = False

    # ---- events -------------------------------------------------------------------------------------------

    def handle(self, event: dg.DagsterEvent | None, message: str, step_key: str | None) -> None:
        """One Dagster log record: its event (if any), its own message and step."""
        stage = self.stages.get(self.stage_of.get(step_key or "", ""))
        if event is None:
            if stage is not None and (m := _PAGE.search(message)):
                stage.pages = (int(m.group(1)), int(m.group(2)))
                self._draw_bar(stage)
            return
        kind = event.event_type
        now = time.perf_counter()
        if stage is None:
            return
        if kind == dg.DagsterEventType.STEP_START:
            self.step_started[event.step_key or ""] = now
            stage.started = stage.started or now
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            self._materialized(stage, event)
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            self._checked(stage, event)
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            stage.seconds += now - self.step_started.pop(event.step_key or "", now)
            stage.done += 1
            if kind == dg.DagsterEventType.STEP_FAILURE:
                stage.failed = True
            if stage.done >= stage.steps:
                self._print_stage(stage)
        elif kind == dg.DagsterEventType.STEP_SKIPPED:
            stage.done += 1

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

    def _print_stage(self, stage: _Stage) -> None:
        """Print a completed stage once every stage before it has printed: the lines keep the order of STAGES
        whatever order steps end in (the marts may finish while the last checks still run)."""
        stage.complete = True
        for name in STAGES:
            ahead = self.stages[name]
            if ahead.printed or not ahead.steps:
                continue
            if not ahead.complete:
                break
            self._emit(ahead)

    def finish(self) -> None:
        """Print the stages that started but never completed (a failure stopped them), and any completed stage
        still waiting for one before it that never ran."""
        for stage in self.stages.values():
            if stage.started is not None and not stage.complete:
                stage.failed = stage.failed or stage.done < stage.steps
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
    if stage.name in ("sources", "extraction", "staging", "marts") and stage.assets:
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
        parts.append("FAILED" if stage.done >= stage.steps else "stopped")
    return ", ".join(parts)


def failure_text(event: dg.DagsterEvent) -> str:
    """A failed step's own message (its cause when Dagster wrapped it), without the traceback."""
    err = event.step_failure_data.error
    cause = err.cause if err and err.cause else err
    return f"{event.step_key}: {cause.message.strip() if cause else 'unknown error'}"


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
