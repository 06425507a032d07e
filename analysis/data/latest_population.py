"""The newest public population data of a real region (ČSÚ DataStat selections).

The municipal age bands (0–14, 15–64, 65+) exist for one date only (the ČSÚ
municipality table); the region's 5-year bands, Czechia's single ages and the deaths
exist for a later date. :class:`~analysis.data.dataset.LatestPopulation` carries the later
data; :mod:`analysis.methods.latest_bands` brings the ORPs to that date.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.dataset import LatestPopulation
from analysis.data.source_files import SourceFiles
from analysis.readers.datastat_population import (
    read_care_allowance_ages,
    read_region_age_bands,
)


def census_shift(rebasing: pd.DataFrame | None, region: str) -> tuple[float | None, int | None]:
    """The region's population on the census basis over the published one at the largest
    re-basing of the movement statistics (the census 2021), and the year whose 1 Jan
    states before it are on the old basis; (None, None) without the statistics."""
    if rebasing is None:
        return None, None
    rows = rebasing[rebasing["region_code"] == region]
    if rows.empty:
        return None, None
    r = rows.loc[rows["difference_pct"].abs().idxmax()]
    return float(r["implied_start"] / r["published_previous_end"]), int(r["year"])


def read_latest(
    files: SourceFiles,
    region: str,
    rebasing: pd.DataFrame | None,
    movement: pd.DataFrame | None = None,
) -> LatestPopulation | None:
    """The newest data of ``region`` when the region's 5-year bands are in the folder."""
    if not files.exists("region_ages"):
        return None
    ages = files.read("region_ages", read_region_age_bands)
    ages = ages[ages["region_code"].isin([region, "CZ"])]
    if region not in set(ages["region_code"]):
        return None
    care_ages = files.read_if_present("care_allowance_ages", read_care_allowance_ages)
    factor, year = census_shift(rebasing, region)
    cols = ["region_code", "year", "age_from", "age_to", "value"]
    return LatestPopulation(
        reference_year=int(ages["reference_year"].max()),
        ages=ages[cols].reset_index(drop=True),
        care_ages=care_ages,
        census_factor=factor,
        census_year=year,
        movement=None
        if movement is None
        else movement.loc[
            movement["region_code"] == region, ["year", "population_end", "net_migration"]
        ].reset_index(drop=True),
    )
