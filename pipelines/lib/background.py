"""Work handed to other processes while the refresh goes on: GX's import, the suites, the Data Docs, the charts.

Great Expectations takes seconds to import and about half a second per suite, while the refresh's own work
(extraction, staging, the report) runs on one core. :func:`start` starts a fork server that imports GX and
builds its context once (:mod:`pipelines.lib.worker_preload`), and forks one worker per core from it, each with
GX loaded; nothing here waits for that import. Each staging asset :func:`submit` s its rows as soon as they
are written and the staging check takes the result with :func:`validate`:
:func:`pipelines.lib.validation.validate.validate_frame` for exactly those rows, suite and parameters (matched by
fingerprint). The publish step hands the Data Docs over the same way
(:func:`start_task` / :func:`task_result`), so they render while the report is drawn, and the report its
charts (:func:`deferred`), drawn while this process crops the PDF for the figures' sources. Whatever was not
handed over, or whose worker died, runs here. The workers live as long as this process; in a process that
has already imported GX nothing starts.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import pandas as pd

from pipelines.lib.validation.validate import ValidationSummary, batch_fingerprint, validate_frame, warm_up

T = TypeVar("T")

_LOCK = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pending: dict[str, Future[Any]] = {}


WORKERS = max(1, min(2, os.cpu_count() or 1))
"""Worker processes: one per core (two at most). While the refresh waits for the suites, both validate."""
PRELOAD = "pipelines.lib.worker_preload"
"""What the fork server imports once for every worker it forks."""


def start() -> bool:
    """Start the workers (GX is imported for them now); False when GX is already imported here or they run."""
    global _pool
    with _LOCK:
        if _pool is not None or "great_expectations" in sys.modules:
            return False
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        _pool = pool = ProcessPoolExecutor(
            max_workers=WORKERS, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
        )
    # A worker's start waits for the fork server's import of GX (seconds): a thread starts them all.
    threading.Thread(target=_start_workers, args=(pool,), name="start-gx-workers", daemon=True).start()
    return True


def _start_workers(pool: ProcessPoolExecutor) -> None:
    try:
        for _ in range(WORKERS):
            pool.submit(warm_up)
    except (BrokenProcessPool, RuntimeError):  # stopped meanwhile
        pass


def stop() -> None:
    """Stop the workers (pending work is dropped); a later :func:`start` starts new ones."""
    global _pool
    with _LOCK:
        pool, _pool = _pool, None
        _pending.clear()
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent(refresh: int) -> None:
    """In a worker: leave as soon as the refresh that started it is gone (even killed with SIGKILL).

    Its parent is the fork server, which stays while any worker does, so the worker watches the refresh's
    pid itself. And it leaves at once when told to stop: it holds nothing to flush, and tearing down GX's
    modules one by one kept the refresh waiting for seconds at its end.
    """
    atexit.register(os._exit, 0)

    def watch() -> None:
        while _running(refresh):
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _running(pid: int) -> bool:
    """Whether the process is there and not a zombie (a killed refresh its shell has not reaped yet)."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def start_task(key: str, fn: Callable[..., Any], *args: Any) -> bool:
    """Run fn(*args) in the worker, if one runs, to be collected by :func:`task_result` with the same key.

    It never waits: until the fork server has imported GX, handing work to it blocks, so a thread hands it over.
    """
    with _LOCK:
        pool = _pool
        if pool is None or key in _pending:
            return False
        _pending[key] = outer = Future()
    threading.Thread(target=_hand_over, args=(pool, outer, fn, args), name=f"submit {key[:40]}", daemon=True).start()
    return True


def _hand_over(pool: ProcessPoolExecutor, outer: Future[Any], fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Submit to the pool (waiting for it if need be) and pass the worker's outcome on to ``outer``."""
    try:
        inner = pool.submit(fn, *args)
    except (BrokenProcessPool, RuntimeError) as exc:  # stopped or broken meanwhile: the caller runs fn itself
        outer.set_exception(BrokenProcessPool(str(exc)))
        return

    def relay(done: Future[Any]) -> None:
        if done.cancelled():
            outer.set_exception(BrokenProcessPool("cancelled"))
        elif (error := done.exception()) is not None:
            outer.set_exception(error)
        else:
            outer.set_result(done.result())

    inner.add_done_callback(relay)


def task_result(key: str, fn: Callable[..., T], *args: Any) -> T:
    """The worker's fn(*args) for this key when it was started there, else fn(*args) run here.

    An error fn raised in the worker is raised here; a dead worker means running fn here instead.
    """
    with _LOCK:
        future = _pending.pop(key, None)
    if future is not None:
        try:
            return future.result()
        except BrokenProcessPool:
            pass  # the worker died (killed, out of memory)
    return fn(*args)


def deferred(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start fn(*args) in a worker, if one runs; calling what this returns gives its result (or runs it here)."""
    key = f"deferred {fn.__module__}.{fn.__qualname__} {uuid.uuid4()}"
    start_task(key, fn, *args)
    return lambda: task_result(key, fn, *args)


def submit(
    suite: str, rows: pd.DataFrame, parameters: dict[str, Any], suite_dict: dict[str, Any], key: str | None = None
) -> bool:
    """Validate these rows in the worker, if one runs; True when submitted. ``key`` names the batch (by default
    the fingerprint of the rows, suite and parameters); :func:`validate` takes the result by the same key."""
    task = "validate " + (key or batch_fingerprint(rows, suite_dict, parameters))
    return start_task(task, _validate, suite, rows, parameters, suite_dict)


def validate(
    suite: str, rows: pd.DataFrame, *, parameters: dict[str, Any], suite_dict: dict[str, Any], key: str | None = None
) -> ValidationSummary:
    """validate_frame's result for these rows: the worker's when it validated them, else computed here."""
    task = "validate " + (key or batch_fingerprint(rows, suite_dict, parameters))
    return task_result(task, _validate, suite, rows, parameters, suite_dict)


def _validate(
    suite: str, rows: pd.DataFrame, parameters: dict[str, Any], suite_dict: dict[str, Any]
) -> ValidationSummary:
    return validate_frame(suite, rows, parameters=parameters, suite_dict=suite_dict)
