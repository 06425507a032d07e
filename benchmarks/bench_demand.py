"""The demand computations for all 206 ORP areas: projection to the long horizon in three
variants, need of the four target groups with 10,000 Monte Carlo draws, gaps and the model.

    python benchmarks/bench_demand.py [DATA_DIR]

Runs analysis.chapters.demand.prepare_needs for each of the 14 real regions (together all
206 ORP areas) on DATA_DIR (default ../shared/data/raw). Prints wall time and peak memory.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from analysis.chapters.demand import prepare_needs
from analysis.data.loading import load_dataset
from analysis.params import load_run_config

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "raw"
    datasets = []
    t = time.perf_counter()
    for params in sorted((ROOT / "params" / "regions").glob("*.yaml")):
        config = load_run_config(params, data_dir=data)
        datasets.append((config, load_dataset(config)))
    load_time = time.perf_counter() - t
    orps = sum(ds.municipalities["orp_code"].nunique() for _, ds in datasets)
    draws = datasets[0][0].methodology.demand.draws.value
    t = time.perf_counter()
    for config, ds in datasets:
        prepare_needs(ds, config.methodology, config.year)
    run_time = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"loading 14 regions from open data: {load_time:6.1f} s")
    print(
        f"demand for {orps} ORP areas, {draws} draws, to "
        f"{datasets[0][0].methodology.demand.long_horizon_to.value}, 3 variants: "
        f"{run_time:6.1f} s"
    )
    print(f"peak memory (RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
