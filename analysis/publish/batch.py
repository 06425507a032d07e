"""Many annual reports in one job (``socplan batch``).

Each run file is one task: a worker process validates it, loads its data and builds its
report with :func:`analysis.publish.pipeline.run`, which publishes the report folder
atomically. A task that fails (invalid run file, missing data, a chapter that raises)
is recorded with its message and the others go on; its previous report is untouched.
Tasks go to an executor of the standard ``concurrent.futures`` interface, by default a
local process pool with one worker per core.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import SocplanError


@dataclass(frozen=True)
class BatchResult:
    run_file: str
    status: str  # "ok" or "failed"
    seconds: float
    report: str  # the report folder ("" when it failed)
    error: str  # the first lines of the error ("" when it succeeded)


def run_one(run_file: str, data_dir: str | None, reports_dir: str) -> BatchResult:
    """Build one report; any failure becomes the result's message, never an exception."""
    from analysis.publish.pipeline import run

    start = time.perf_counter()
    try:
        folder = run(run_file, data_dir, reports_dir, progress=False)
    except SocplanError as exc:
        return BatchResult(run_file, "failed", time.perf_counter() - start, "", str(exc))
    except Exception as exc:  # one region's bug must not stop the others
        detail = "".join(traceback.format_exception_only(exc)).strip()
        return BatchResult(run_file, "failed", time.perf_counter() - start, "", detail)
    return BatchResult(run_file, "ok", time.perf_counter() - start, str(folder), "")


def run_batch(
    run_files: list[Path],
    data_dir: Path | None,
    reports_dir: Path,
    jobs: int | None = None,
    executor: Executor | None = None,
    on_done: Callable[[BatchResult], None] | None = None,
) -> list[BatchResult]:
    """Build the report of every run file; results in the order of ``run_files``.

    ``executor`` runs the tasks (default: a process pool of ``jobs`` workers, one per
    core); ``on_done`` is called as each task ends (a progress bar)."""
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1)
    try:
        futures = {
            pool.submit(
                run_one,
                str(Path(f).resolve()),
                None if data_dir is None else str(Path(data_dir).resolve()),
                str(Path(reports_dir).resolve()),
            ): i
            for i, f in enumerate(run_files)
        }
        results: list[BatchResult | None] = [None] * len(run_files)
        for fut in as_completed(futures):
            res = fut.result()
            results[futures[fut]] = res
            if on_done is not None:
                on_done(res)
    finally:
        if own:
            pool.shutdown()
    return [r for r in results if r is not None]


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
