"""Wall time of a cold and of a repeated demo report run (`make bench`).

Cold: demo data generated into a fresh folder and the report built into a fresh reports
folder, each in a new process (imports, kernel start-up, font loading included).
Repeated: the same report built again over the existing one (without the build cache),
then once more with a filled build cache. Prints the figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOCPLAN = [sys.executable, "-m", "analysis.cli"]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(repeats: int = 2) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        demo = timed([*SOCPLAN, "demo", "--out", str(data)])
        run = [*SOCPLAN, "run", "--data-dir", str(data), "--reports-dir", str(reports), "--quiet"]
        cold = timed([*run, "--no-cache"])
        again = [timed([*run, "--no-cache"]) for _ in range(repeats)]
        with tempfile.TemporaryDirectory() as cache:
            cached_run = [*run, "--quiet"]
            os.environ["SOCPLAN_CACHE_DIR"] = cache
            timed(cached_run)  # fills the build cache
            cached = timed(cached_run)
    print(f"demo data generation:      {demo:6.1f} s")
    print(f"cold report run:           {cold:6.1f} s")
    for i, t in enumerate(again, start=1):
        print(f"repeated report run #{i}:   {t:6.1f} s")
    print(f"unchanged run from cache:  {cached:6.1f} s")


if __name__ == "__main__":
    main()
