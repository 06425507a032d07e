"""A run that is killed or interrupted leaves nothing behind and keeps the last report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from analysis.publish.atomic import build_folder, remove_stale
from tests.conftest import REPO_ROOT


def test_stale_build_folders_of_dead_processes_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / ".CZX00-build-999999999-abc"  # no process has this id
    dead.mkdir()
    previous = tmp_path / ".CZX00-previous-999999999"
    previous.mkdir()
    live = build_folder(tmp_path / "CZX00")  # this process: still running
    report = tmp_path / "CZX00"
    report.mkdir()
    assert sorted(p.name for p in remove_stale(tmp_path)) == sorted([dead.name, previous.name])
    assert live.is_dir() and report.is_dir() and not dead.exists()


@pytest.mark.slow
def test_sigterm_during_a_run_removes_the_build_and_keeps_the_previous_report(demo_dir, tmp_path):
    reports, scratch = tmp_path / "reports", tmp_path / "tmp"
    scratch.mkdir()
    previous = reports / "2025" / "CZX00"
    previous.mkdir(parents=True)
    (previous / "report.html").write_text("the last good report", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analysis.cli",
            "run",
            "--params",
            str(REPO_ROOT / "params" / "demo.yaml"),
            "--data-dir",
            str(demo_dir),
            "--reports-dir",
            str(reports),
            "--no-cache",
            "--quiet",
        ],
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    # Wait until the first chapter has run: a kernel, a build folder and the pickle exist.
    while time.monotonic() < deadline and proc.poll() is None:
        builds = list((reports / "2025").glob(".CZX00-build-*"))
        if builds and list(builds[0].glob("notebooks/*.ipynb")):
            break
        time.sleep(0.2)
    assert proc.poll() is None, proc.stderr.read().decode()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert list((reports / "2025").glob(".CZX00-*")) == []
    assert (previous / "report.html").read_text(encoding="utf-8") == "the last good report"
    assert sorted(p.name for p in scratch.iterdir()) == []  # no pickle, no kernel sockets
