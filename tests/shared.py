"""Expensive test artefacts (generated demo data, a rendered report) built once per test
run and shared by every pytest-xdist worker.

A session-scoped fixture runs once per worker process; an artefact that takes half a
minute to build would be built once per worker. :func:`shared_artifact` builds it under
a file lock in the run's common temporary folder, and the other workers wait for it and
reuse it. Tests treat a shared artefact as read-only: one that changes it works on a copy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

DONE = ".built"  # marker (holding the artefact's path) written when a build completed


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder common to all workers of this test run (each xdist worker
    gets its own ``popen-gwN`` below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_artifact(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]
) -> Path:
    """``build(folder)`` once per test run; every caller gets the path it returned.

    A build that fails leaves no marker, so the next caller tries again (and fails with
    its own error) rather than reading a half-built artefact."""
    folder = run_root(tmp_path_factory) / "shared" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        done = folder / DONE
        if done.is_file():
            return Path(done.read_text(encoding="utf-8"))
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        result = build(folder)
        done.write_text(str(result), encoding="utf-8")
        return result
