"""Many annual reports in one job (``socplan batch``).

Each run file is one task: a worker process validates it, loads its data and builds its
report with :func:`analysis.publish.pipeline.run`, which publishes the report folder
atomically. A task that fails (invalid run file, missing data, a chapter that raises)
is recorded with its message and the others go on; its previous report is untouched.
Tasks go to an executor of the standard ``concurrent.futures`` interface: by default a
local process pool with one worker per core, forked after the national sources have
been read once; or any other executor, such as a Dask ``distributed.Client`` (whose
workers read the sources themselves).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data.loading import load_dataset
from analysis.data.source_files import shared_reads
from analysis.errors import SocplanError
from analysis.params import load_run_config


@dataclass(frozen=True)
class BatchResult:
    run_file: str
    status: str  # "ok" or "failed"
    seconds: float
    report: str  # the report folder ("" when it failed)
    error: str  # the first lines of the error ("" when it succeeded)


def run_one(
    run_file: str,
    data_dir: str | None,
    reports_dir: str,
    cache_dir: str | None = None,
    steps: Any = None,
) -> BatchResult:
    """Build one report; any failure becomes the result's message, never an exception.
    ``steps`` (a queue) receives ``(run_file, step, cached)`` after each chapter."""
    from analysis.publish.pipeline import run

    def on_step(step: str, cached: bool) -> None:
        if steps is not None:
            steps.put((run_file, step, cached))

    start = time.perf_counter()
    try:
        # One PDF worker: the other regions' builds keep the other cores busy.
        folder = run(run_file, data_dir, reports_dir, False, cache_dir, on_step, pdf_workers=1)
    except SocplanError as exc:
        return BatchResult(run_file, "failed", time.perf_counter() - start, "", str(exc))
    except Exception as exc:  # one region's bug must not stop the others
        detail = "".join(traceback.format_exception_only(exc)).strip()
        return BatchResult(run_file, "failed", time.perf_counter() - start, "", detail)
    return BatchResult(run_file, "ok", time.perf_counter() - start, str(folder), "")


def step_count(run_file: Path, data_dir: Path | None) -> int:
    """Progress steps of one run file: its chapters and the rendering (1 if invalid)."""
    try:
        return len(load_run_config(run_file, data_dir).chapters) + 1
    except SocplanError:
        return 1


def preload(run_files: list[Path], data_dir: Path | None) -> None:
    """Read the national sources once, in this process, through the first valid run
    file; workers forked afterwards inherit them (see :func:`shared_reads`)."""
    for f in run_files:
        try:
            load_dataset(load_run_config(f, data_dir))
        except SocplanError:
            continue
        return


def default_jobs(tasks: int) -> int:
    """Worker processes of a local batch: two per core, at most one per task. A build
    waits part of its time (on its kernel, its PDF worker, the disk); a second build per
    core fills those waits (3 real regions on 2 cores: 35 s instead of 38 s with one per
    core)."""
    return max(1, min(tasks, 2 * (os.cpu_count() or 1)))


def run_batch(
    run_files: list[Path],
    data_dir: Path | None,
    reports_dir: Path,
    jobs: int | None = None,
    executor: Executor | None = None,
    on_done: Callable[[BatchResult], None] | None = None,
    cache_dir: Path | None = None,
    on_step: Callable[[str, str, bool], None] | None = None,
) -> list[BatchResult]:
    """Build the report of every run file; results in the order of ``run_files``.

    ``executor`` runs the tasks (default: a process pool of ``jobs`` workers, by default
    :func:`default_jobs`, started after the national sources are read once);
    ``on_done`` is called as each task ends and, with the local pool,
    ``on_step(run_file, step, cached)`` after each chapter (a progress bar);
    ``cache_dir`` enables the build cache."""
    args = (
        None if data_dir is None else str(Path(data_dir).resolve()),
        str(Path(reports_dir).resolve()),
        None if cache_dir is None else str(Path(cache_dir).resolve()),
    )
    files = [str(Path(f).resolve()) for f in run_files]
    with ExitStack() as stack:
        steps = None
        if executor is None:
            stack.enter_context(shared_reads())
            preload(run_files, data_dir)
            pool: Executor = stack.enter_context(
                ProcessPoolExecutor(max_workers=jobs or default_jobs(len(files)))
            )
            if on_step is not None:
                manager = stack.enter_context(multiprocessing.Manager())
                steps = manager.Queue()
        else:
            pool = executor
        futures = {pool.submit(run_one, f, *args, steps): i for i, f in enumerate(files)}
        results: list[BatchResult | None] = [None] * len(files)
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(steps, on_step)
            for fut in done:
                try:
                    res = fut.result()
                except Exception as exc:  # the worker itself died (memory, a signal)
                    detail = "".join(traceback.format_exception_only(exc)).strip()
                    res = BatchResult(files[futures[fut]], "failed", 0.0, "", detail)
                results[futures[fut]] = res
                if on_done is not None:
                    on_done(res)
        _drain(steps, on_step)
    return [r for r in results if r is not None]


def _drain(steps: Any, on_step: Callable[[str, str, bool], None] | None) -> None:
    while steps is not None and on_step is not None:
        try:
            on_step(*steps.get_nowait())
        except queue.Empty:
            return


def summary(results: list[BatchResult]) -> pd.DataFrame:
    """One row per run file: region file, status, seconds, report folder, error."""
    return pd.DataFrame(
        {
            "run_file": [Path(r.run_file).name for r in results],
            "status": [r.status for r in results],
            "seconds": [round(r.seconds, 1) for r in results],
            "report": [r.report for r in results],
            "error": [" ".join(r.error.split())[:300] for r in results],
        }
    )
