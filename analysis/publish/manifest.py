"""The run manifest: what a reviewer needs to verify a report.

``manifest.json`` lists the SHA-256 of every input file, of the parameter files and their
validated values, of the chapter notebooks (sources as committed and as executed), of
every output file, the versions of Python and of the packages, and the git commit of
socplan. It holds no timestamps, so two runs on the same inputs give the same manifest.
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.data.dataset import Dataset, sha256_file
from analysis.params import RunConfig

PACKAGES = (
    "pandas",
    "numpy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "shapely",
    "pandera",
    "pydantic",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "weasyprint",
    "babel",
    "jinja2",
    "pyyaml",
)


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit(repo: Path) -> dict[str, Any]:
    """Commit of the socplan checkout and whether it had uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(
                ["git", "-C", str(repo), *args],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": "unknown", "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def _relative(path: Path, root: Path) -> str:
    """A path inside the data folder relative to it; elsewhere its file name."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def build_manifest(
    config: RunConfig,
    dataset: Dataset,
    build_dir: Path,
    notebook_sources: dict[str, Path],
    git: dict[str, Any],
) -> dict[str, Any]:
    """Collect the manifest for a finished build folder (outputs hashed as written).

    ``inputs`` lists exactly the files read to build the dataset (a folder source with
    the hash of its sorted file list and the number of files).
    """
    root = Path(config.data_dir)
    inputs = {}
    for name in sorted(dataset.files):
        path = Path(dataset.files[name])
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        inputs[name] = {
            "path": _relative(path, root),
            "sha256": dataset.hashes[name],
            "bytes": sum(p.stat().st_size for p in files),
        }
        if path.is_dir():
            inputs[name]["files"] = len(files)
    outputs = {
        p.relative_to(build_dir).as_posix(): sha256_file(p)
        for p in sorted(build_dir.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }
    return {
        "socplan_version": __version__,
        "region": config.region.model_dump(),
        "year": config.year,
        "parameters": {
            "run_file": Path(config.params_file).name,
            "run_file_sha256": sha256_file(config.params_file),
            "methodology_file": Path(config.methodology_file).name,
            "methodology_file_sha256": sha256_file(config.methodology_file),
            "chapters": config.chapters,
            "data_sources": config.sources,
            "synthetic_data": config.synthetic,
            "methodology": config.methodology.values(),
        },
        "inputs": inputs,
        "notebooks": {
            name: {
                "source_sha256": sha256_file(src),
                "executed_sha256": outputs.get(f"notebooks/{name}.ipynb"),
            }
            for name, src in notebook_sources.items()
        },
        "outputs": outputs,
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "packages": package_versions(),
        },
        "git": git,
    }


def write_manifest(manifest: dict[str, Any], path: Path) -> None:
    path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
