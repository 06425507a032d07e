"""All 14 regions: the naive loop against `socplan batch` (`make bench-batch`).

Times, on the same inputs (``../shared/data/raw``) and in one run:

1. the loop a user would write today: `socplan run --no-cache` for each region, one
   after another;
2. `socplan batch --all` cold (an empty cache folder);
3. the same batch again with nothing changed;
4. the same batch after changing one methodology parameter (``--parameter``, default
   ``demand.model_level``), in copies of the run files that point to a changed copy of
   the methodology.

Prints the four wall times, the ratios against the targets (cold batch ≥ 1.6× faster than
the loop on two cores; unchanged rerun ≤ 1/10 of the cold batch), how many chapters each batch
computed (entries added to the cache) and the peak resident memory of the largest
process. Needs the real data; takes about 20 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data" / "raw"
SOCPLAN = [sys.executable, "-m", "analysis.cli"]


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def entries(cache: Path) -> int:
    folder = cache / "build" / "chapters"
    return sum(1 for _ in folder.glob("*/*")) if folder.exists() else 0


def changed_run_files(folder: Path, parameter: str) -> list[Path]:
    """Copies of every region's run file whose methodology has ``parameter`` moved by
    +10 % (a whole number by +1)."""
    methodology = yaml.safe_load((ROOT / "params" / "methodology.yaml").read_text("utf-8"))
    section, key = parameter.split(".")
    value = methodology[section][key]["value"]
    methodology[section][key]["value"] = value + 1 if isinstance(value, int) else value * 1.1
    if isinstance(value, float) and value < 1 <= value * 1.1:
        methodology[section][key]["value"] = (value + 1) / 2  # stay a probability
    folder.mkdir(parents=True)
    (folder / "methodology.yaml").write_text(yaml.safe_dump(methodology, allow_unicode=True))
    out = []
    for src in sorted((ROOT / "params" / "regions").glob("*.yaml")):
        doc = yaml.safe_load(src.read_text("utf-8"))
        doc["methodology"] = "methodology.yaml"
        (folder / src.name).write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
        out.append(folder / src.name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parameter", default="demand.model_level")
    parser.add_argument("--regions", type=int, default=0, help="only the first N regions")
    parser.add_argument("--keep", type=Path, default=None, help="keep the reports here")
    args = parser.parse_args()
    if not RAW.is_dir():
        sys.exit(f"real data folder {RAW} is missing")
    regions = sorted((ROOT / "params" / "regions").glob("*.yaml"))
    if args.regions:
        regions = regions[: args.regions]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp) if args.keep is None else args.keep
        tmp_path.mkdir(parents=True, exist_ok=True)
        cache = tmp_path / "cache"
        env = {**os.environ, "SOCPLAN_CACHE_DIR": str(cache)}
        data = ["--data-dir", str(RAW)]
        naive = 0.0
        for f in regions:
            naive += timed(
                [
                    *SOCPLAN,
                    "run",
                    "--params",
                    str(f),
                    *data,
                    "--reports-dir",
                    str(tmp_path / "naive"),
                    "--no-cache",
                    "--quiet",
                ],
                env,
            )
        batch = [*SOCPLAN, "batch", *map(str, regions), *data, "--quiet"]
        cold = timed([*batch, "--reports-dir", str(tmp_path / "batch")], env)
        computed_cold = entries(cache)
        again = timed([*batch, "--reports-dir", str(tmp_path / "batch")], env)
        computed_again = entries(cache) - computed_cold
        changed = changed_run_files(tmp_path / "changed", args.parameter)
        changed = [c for c in changed if c.name in {r.name for r in regions}]
        one = timed(
            [
                *SOCPLAN,
                "batch",
                *map(str, changed),
                *data,
                "--quiet",
                "--reports-dir",
                str(tmp_path / "batch"),
            ],
            env,
        )
        computed_one = entries(cache) - computed_cold - computed_again
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    n = len(regions)
    print(f"regions: {n}, cores: {os.cpu_count()}")
    print(f"naive loop (socplan run --no-cache ×{n}): {naive:7.1f} s")
    print(
        f"socplan batch, cold:            {cold:7.1f} s  ({naive / cold:4.1f}× faster; "
        f"target ≥ 1.6× on two cores; {computed_cold} chapters computed)"
    )
    print(
        f"socplan batch, unchanged:       {again:7.1f} s  ({again / cold:5.3f} of cold; "
        f"target ≤ 0.1; {computed_again} chapters computed)"
    )
    print(
        f"socplan batch, {args.parameter} changed: {one:7.1f} s  ({one / cold:5.3f} of "
        f"cold; {computed_one} of {computed_cold} chapters computed)"
    )
    print(f"peak resident memory of one process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
