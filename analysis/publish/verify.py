"""Verify a published report folder: same inputs, same parameters, same outputs.

``verify(report_dir, data_dir)`` checks the SHA-256 of every input the manifest lists,
checks that the parameters in ``run-config.json`` are those of the manifest, reruns the
report in a temporary folder from the recorded configuration and compares every output
file with the published one. Tables, figures, notebooks and ORP profiles must be
identical to the byte; the HTML is compared with the build commit blanked out, and the
PDF (which prints the commit) only when both runs were built from the same commit.
Works on a folder copied anywhere: nothing in it holds an absolute path.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from analysis import __version__
from analysis.data.dataset import hash_path
from analysis.data.loading import load_dataset
from analysis.errors import SocplanError
from analysis.params import RunConfig
from analysis.publish.manifest import git_commit
from analysis.publish.pipeline import RUN_CONFIG, SOURCE_ROOT, build_report


@dataclass
class Verdict:
    differences: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def read_report_file(path: Path) -> dict:
    """A JSON file of a report folder (manifest, run configuration)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SocplanError(f"{path}: not a readable report file ({exc})") from None


def check_inputs(manifest: dict, data_dir: Path) -> list[str]:
    """Inputs whose file is missing or whose SHA-256 differs from the manifest."""
    out = []
    for name, entry in sorted(manifest["inputs"].items()):
        path = data_dir / entry["path"]
        if not path.exists():
            out.append(f"input {name}: {entry['path']} is missing in {data_dir}")
        elif hash_path(path) != entry["sha256"]:
            out.append(f"input {name}: {entry['path']} differs from the published input")
    return out


def check_parameters(manifest: dict, config: RunConfig) -> list[str]:
    """Parameters in run-config.json that differ from the values in the manifest."""
    recorded = manifest["parameters"]["methodology"]
    current = json.loads(json.dumps(config.methodology.values()))
    out = [
        f"parameter {key}: {current.get(key)!r} in run-config.json, {recorded.get(key)!r} "
        "in manifest.json"
        for key in sorted(set(recorded) | set(current))
        if recorded.get(key) != current.get(key)
    ]
    if config.chapters != manifest["parameters"]["chapters"]:
        out.append("parameter chapters: run-config.json and manifest.json differ")
    return out


def _with_data(recorded: dict, data_dir: Path) -> dict:
    """A recorded configuration pointed at the data in ``data_dir``."""
    road = recorded.get("road_distances")
    return recorded | {
        "data_dir": str(data_dir),
        "road_distances": str(data_dir / road) if road else None,
    }


def recorded_config(report_dir: Path, data_dir: Path) -> RunConfig:
    """The report's configuration (``run-config.json``) with its data in ``data_dir``."""
    return RunConfig.model_validate(_with_data(read_report_file(report_dir / RUN_CONFIG), data_dir))


def rerun(report_dir: Path, data_dir: Path, work: Path) -> Path:
    """Rebuild the report of ``report_dir`` from its recorded configuration into ``work``."""
    recorded = read_report_file(report_dir / RUN_CONFIG)
    params = work / "params"
    params.mkdir(parents=True)
    # The run and methodology files are represented by the validated configuration they
    # produced (the manifest holds the hashes of the originals).
    run_file = params / recorded["params_file"]
    run_file.write_text(json.dumps(recorded, ensure_ascii=False), encoding="utf-8")
    methodology_file = params / recorded["methodology_file"]
    methodology_file.write_text(
        json.dumps(recorded["methodology"], ensure_ascii=False), encoding="utf-8"
    )
    config = RunConfig.model_validate(
        _with_data(recorded, data_dir)
        | {"params_file": str(run_file), "methodology_file": str(methodology_file)}
    )
    return build_report(config, load_dataset(config), work / "reports", progress=False)


_COMMIT = re.compile(r"commit [0-9a-f]{7,40}")


def compare_outputs(report_dir: Path, rebuilt: Path, same_commit: bool) -> Verdict:
    """Every file of the published folder against the rebuilt one."""
    verdict = Verdict()
    published = {
        p.relative_to(report_dir).as_posix(): p for p in report_dir.rglob("*") if p.is_file()
    }
    fresh = {p.relative_to(rebuilt).as_posix(): p for p in rebuilt.rglob("*") if p.is_file()}
    for name in sorted(set(published) | set(fresh)):
        if name == "manifest.json":
            continue
        if name not in fresh:
            verdict.differences.append(f"{name}: not produced by the rerun")
            continue
        if name not in published:
            verdict.differences.append(f"{name}: missing in the published report")
            continue
        a, b = published[name].read_bytes(), fresh[name].read_bytes()
        if a == b:
            continue
        if name.endswith(".html") and _COMMIT.sub("", a.decode()) == _COMMIT.sub("", b.decode()):
            continue
        if name.endswith(".pdf") and not same_commit:
            verdict.warnings.append(f"{name}: differs; it prints the build commit, which differs")
            continue
        verdict.differences.append(f"{name}: differs from the rerun{_first_difference(a, b)}")
    return verdict


def _first_difference(a: bytes, b: bytes) -> str:
    """For text files, the first differing line (shortened)."""
    try:
        la, lb = a.decode("utf-8").splitlines(), b.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return ""
    for i, (x, y) in enumerate(zip(la, lb, strict=False), start=1):
        if x != y:
            return f" (line {i}: published {x[:60]!r}, rerun {y[:60]!r})"
    return f" (published {len(la)} lines, rerun {len(lb)} lines)"


def verify(report_dir: Path, data_dir: Path, keep: Path | None = None) -> Verdict:
    """Check a report folder against its inputs and a rerun (see the module docstring)."""
    report_dir, data_dir = Path(report_dir).resolve(), Path(data_dir).resolve()
    manifest = read_report_file(report_dir / "manifest.json")
    config = recorded_config(report_dir, data_dir)
    verdict = Verdict()
    if manifest.get("socplan_version") != __version__:
        verdict.warnings.append(
            f"built with socplan {manifest.get('socplan_version')}, verified with {__version__}"
        )
    here = git_commit(SOURCE_ROOT) if (SOURCE_ROOT / ".git").exists() else {"commit": "unknown"}
    built = manifest.get("git", {}).get("commit", "unknown")
    same_commit = here["commit"] == built
    if not same_commit:
        verdict.warnings.append(
            f"built from commit {built[:12]}, verified at {here['commit'][:12]}"
        )
    verdict.differences += check_inputs(manifest, data_dir)
    verdict.differences += check_parameters(manifest, config)
    if verdict.differences:
        return verdict  # a rerun on other inputs or parameters would only repeat the news
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="socplan-verify-"))
    try:
        rebuilt = rerun(report_dir, data_dir, work)
        result = compare_outputs(report_dir, rebuilt, same_commit)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    verdict.differences += result.differences
    verdict.warnings += result.warnings
    return verdict
