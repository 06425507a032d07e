"""The manifest of a real-region report lists exactly the files the run read.

The run is traced with a Python audit hook (the ``open`` event) installed in every
process of the run, the notebook kernels and the PDF renderer included, through a
``sitecustomize`` module. Opens made only to hash a file for the manifest are told apart
from reads by the functions on the stack.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

SITECUSTOMIZE = """
import os, sys

_root = os.environ["SOCPLAN_TRACE_ROOT"]
_log = open(os.environ["SOCPLAN_TRACE_LOG"], "a", buffering=1, encoding="utf-8")

def _hook(event, args):
    if event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.realpath(os.fsdecode(args[0]))
    if not path.startswith(_root + os.sep):
        return
    frame, kind = sys._getframe(1), "read"
    while frame is not None:
        if frame.f_code.co_name in ("sha256_file", "hash_path"):
            kind = "hash"
            break
        frame = frame.f_back
    _log.write(f"{kind}\\t{os.getpid()}\\t{path}\\n")

sys.addaudithook(_hook)
"""


def _covered(path: Path, inputs: dict[str, Path]) -> str | None:
    for name, source in inputs.items():
        if path == source or source in path.parents:
            return name
    return None


def test_manifest_lists_every_file_the_run_read(raw_dir, tmp_path):
    trace_dir = tmp_path / "trace"
    trace_dir.mkdir()
    (trace_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "opened.tsv"
    root = raw_dir.resolve()
    env = {
        **os.environ,
        "PYTHONPATH": str(trace_dir),
        "SOCPLAN_TRACE_ROOT": str(root),
        "SOCPLAN_TRACE_LOG": str(log),
    }
    params = REPO_ROOT / "params" / "regions" / "CZ064.yaml"
    cmd = [sys.executable, "-m", "analysis.cli", "run", "--params", str(params)]
    cmd += ["--data-dir", str(raw_dir), "--reports-dir", str(tmp_path / "reports"), "--quiet"]
    res = subprocess.run(
        cmd,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    manifest = json.loads(
        (tmp_path / "reports" / "2025" / "CZ064" / "manifest.json").read_text(encoding="utf-8")
    )
    inputs = {name: root / entry["path"] for name, entry in manifest["inputs"].items()}
    rows = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    read = {Path(p) for kind, _, p in rows if kind == "read"}
    pids = {pid for kind, pid, _ in rows if kind == "read"}

    # Every file read is in the manifest, and every manifest input was read (not only
    # hashed): the manifest neither hides nor pads inputs.
    assert sorted(str(p) for p in read if _covered(p, inputs) is None) == []
    assert sorted(set(inputs) - {_covered(p, inputs) for p in read}) == []
    # Only the validating process reads data: the chapter kernels reuse its dataset.
    assert len(pids) == 1
    assert len(inputs) >= 15
