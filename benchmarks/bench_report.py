"""Where a report build spends its time (`make bench`).

For the demo region and for South Moravia (CZ064, from ../shared/data/raw when present):
a cold run (new process, no build cache: imports, kernel start-up and font loading
included) with the seconds of each stage (``socplan run --timings``), a repeated cold
run, and an unchanged rerun from a filled build cache. Prints the figures; asserts
nothing (targets on two cores: CZ064 cold ≤ 15 s, demo cold ≤ 30 s, unchanged rerun
≤ 3 s).

Stages marked "(worker)" run in the PDF worker processes beside the others, so the
stages add up to more than the total.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data" / "raw"
SOCPLAN = [sys.executable, "-m", "analysis.cli"]


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, dict[str, float]]:
    """Wall seconds of a command and the stage table it printed (``--timings``)."""
    start = time.perf_counter()
    res = subprocess.run(
        args,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - start
    stages = {}
    for line in res.stderr.splitlines():
        name, _, rest = line.rpartition("  ")
        if rest.strip().endswith(" s") and name.strip():
            stages[name.rstrip()] = float(rest.strip()[:-2])
    return wall, stages


def profile(label: str, run: list[str]) -> dict[str, object]:
    """Cold, repeated cold and unchanged-rerun figures of one report."""
    cold, stages = timed([*run, "--no-cache", "--timings"])
    again, _ = timed([*run, "--no-cache"])
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "SOCPLAN_CACHE_DIR": cache}
        timed(run, env)  # fills the build cache
        unchanged, _ = timed([*run, "--timings"], env)
    return {
        "label": label,
        "cold": cold,
        "again": again,
        "unchanged": unchanged,
        "stages": stages,
    }


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        demo_seconds, _ = timed([*SOCPLAN, "demo", "--out", str(data)])
        demo = [*SOCPLAN, "run", "--data-dir", str(data), "--reports-dir", str(reports)]
        results.append(profile("demo", [*demo, "--quiet"]))
        if RAW.is_dir():
            params = ROOT / "params" / "regions" / "CZ064.yaml"
            real = [*SOCPLAN, "run", "--params", str(params), "--data-dir", str(RAW)]
            results.append(profile("CZ064", [*real, "--reports-dir", str(reports), "--quiet"]))
        else:
            print(f"(no {RAW}: South Moravia is left out)")
    print(f"demo data generation: {demo_seconds:.1f} s\n")
    names = list(dict.fromkeys(n for r in results for n in r["stages"]))  # type: ignore[attr-defined]
    header = f"{'stage of a cold run (s)':<34}" + "".join(f"{r['label']:>10}" for r in results)
    print(header)
    print("-" * len(header))
    for name in names:
        cells = "".join(
            f"{r['stages'].get(name, float('nan')):>10.2f}"  # type: ignore[attr-defined]
            for r in results
        )
        print(f"{name:<34}{cells}")
    print("-" * len(header))
    for key, title in (
        ("cold", "cold run, wall"),
        ("again", "repeated cold run, wall"),
        ("unchanged", "unchanged rerun from cache, wall"),
    ):
        print(f"{title:<34}" + "".join(f"{r[key]:>10.2f}" for r in results))


if __name__ == "__main__":
    main()
