"""The package installs from a wheel and renders the demo report outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from analysis.chapter_registry import CHAPTER_NAMES
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, **kwargs)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))}\n{res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # The build backend is installed with the test extras: no isolated build environment.
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    _run([*cmd, "-w", str(out), "."], REPO_ROOT)
    (path,) = out.glob("socplan-*.whl")
    return path


def test_wheel_ships_notebooks_parameters_catalogue_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for chapter in CHAPTER_NAMES:
        assert f"analysis/notebooks/{chapter}.ipynb" in names
    assert {
        "analysis/defaults/demo.yaml",
        "analysis/defaults/methodology.yaml",
        "analysis/defaults/sources.yaml",
        "analysis/defaults/regions/CZ064.yaml",
        "analysis/publish/templates/report.html.j2",
        "analysis/publish/templates/report.css",
    } <= names
    assert not any(n.startswith(("tests/", "notebooks/", "params/")) for n in names)


def test_installed_wheel_renders_the_demo_outside_the_checkout(
    wheel, tmp_path, demo_dir, demo_report
):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    # The dependencies come from the running environment (no download); its own
    # editable socplan is not: .pth files of an added path are not processed.
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
        ).stdout.strip()
    )
    (site / "socplan-test-deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", wheel],
        tmp_path,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run([str(python), "-c", "import analysis; print(analysis.__file__)"], work)
    assert str(site) in where.stdout and str(REPO_ROOT) not in where.stdout

    socplan = venv / "bin" / "socplan"
    _run([str(socplan), "demo"], work)
    _run([str(socplan), "run", "--quiet"], work, env={**os.environ, "PYTHONPATH": ""})
    report = work / "reports" / "2025" / "CZX00"
    assert (report / "report.pdf").stat().st_size > 0
    assert (report / "tables" / "network_capacity_by_type.csv").is_file()
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["git"]["commit"] == "unknown"  # no checkout: the version identifies it
    assert set(manifest["notebooks"]) == set(CHAPTER_NAMES)
    # The installed package computes exactly what the checkout computes: the same demo
    # data, and from them the same tables as the checkout's demo report of this test run.
    wheel_data = work / "data" / "demo"
    names = sorted(p.name for p in demo_dir.iterdir())
    assert sorted(p.name for p in wheel_data.iterdir()) == names
    for name in names:
        assert (wheel_data / name).read_bytes() == (demo_dir / name).read_bytes(), name
    tables = sorted(p.name for p in (report / "tables").glob("*.csv"))
    assert tables == sorted(p.name for p in (demo_report / "tables").glob("*.csv"))
    for name in tables:
        assert (report / "tables" / name).read_bytes() == (
            demo_report / "tables" / name
        ).read_bytes()
