"""Wall time of reading every real source and of rendering all 14 regions.

    python benchmarks/bench_open_data.py [DATA_DIR] [--regions N]

DATA_DIR defaults to ../shared/data/raw beside the repository. Prints the figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read_all_sources(data: Path) -> dict[str, int]:
    """Read every source of the catalogue once with its reader; return record counts."""
    from analysis.catalogue import load_catalogue
    from analysis.readers.demography_sources import (
        read_care_allowance_national,
        read_care_allowance_regions,
        read_national_age,
        read_population_movement,
        read_uzis_age_structure,
    )
    from analysis.readers.geo import read_orp_census, read_polygons
    from analysis.readers.linked_data import read_social_facilities
    from analysis.readers.registry import read_catalogue
    from analysis.readers.territory import (
        read_coordinates,
        read_cr_municipalities,
        read_mos_territory,
        read_population_series,
    )

    p = {k: data / v.path for k, v in load_catalogue().sources.items()}
    cr = read_cr_municipalities(p["cr_municipalities"])
    seats = dict(zip(cr["municipality_code"], cr["orp_code"], strict=True))
    out = {
        "cr_municipalities": len(cr),
        "mos_territory": len(read_mos_territory(p["mos_territory"])),
        "coordinates": len(read_coordinates(p["coordinates"])),
        "population_series": len(read_population_series(p["population_series"])),
        "orp_census": len(read_orp_census(p["orp_census"], seats)),
        "district_polygons": len(read_polygons(p["district_polygons"], "nutslau", "nazev")),
        "region_polygons": len(read_polygons(p["region_polygons"], "nutslau", "nazev")),
        "orp_polygons_light": len(read_polygons(p["orp_polygons_light"], "i", "n")),
        "population_movement": len(read_population_movement(p["population_movement"])),
        "national_age": len(read_national_age(p["national_age"])),
        "regional_age_2017": len(read_uzis_age_structure(p["regional_age_2017"])),
        "care_allowance_regions": len(read_care_allowance_regions(p["care_allowance_regions"])),
        "care_allowance_national": len(read_care_allowance_national(p["care_allowance_national"])),
        "social_facilities": len(read_social_facilities(p["social_facilities"])),
        "registry_catalogue": read_catalogue(
            p["registry_catalogue"], p["registry_catalogue_schema"]
        )[1]["places"],
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default=str(ROOT.parent / "shared" / "data" / "raw"))
    parser.add_argument("--regions", type=int, default=14)
    args = parser.parse_args()
    data = Path(args.data).resolve()

    start = time.perf_counter()
    counts = read_all_sources(data)
    read_time = time.perf_counter() - start
    print(
        f"reading all {len(counts)} real sources: {read_time:6.2f} s "
        f"({sum(counts.values())} records)"
    )

    regions = sorted(p.stem for p in (ROOT / "params" / "regions").glob("*.yaml"))
    regions = regions[: args.regions]
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for region in regions:
            t = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "analysis.cli",
                    "run",
                    "--params",
                    str(ROOT / "params" / "regions" / f"{region}.yaml"),
                    "--data-dir",
                    str(data),
                    "--reports-dir",
                    tmp,
                    "--quiet",
                ],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - t)
            print(f"  {region}: {times[-1]:5.1f} s")
    print(
        f"rendering {len(regions)} regions: {sum(times):6.1f} s in total, "
        f"{sum(times) / len(times):4.1f} s per region"
    )


if __name__ == "__main__":
    main()
