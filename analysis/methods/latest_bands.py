"""ORP age bands on the date of the region's newest published age structure.

Municipal age bands (0–14, 15–64, 65+) exist for one date (the ČSÚ municipality table);
the region's 5-year bands exist for a later one. Each ORP's band is carried to the later
date in proportion to the region's band (ORP_b(t) = ORP_b(t0) · R_b(t) / Σ ORP_b(t0)), so
the ORPs add up to the region's published bands exactly; the oldest old (80+) are split
from each ORP's seniors by the region's share of 80+ among 65+. Both are estimates, and
the chapter says so.

The municipal series before the census 2021 are on the old basis: :func:`rebase_series`
moves them by the region's re-basing factor of the movement statistics, a level shift at
the census, so that the trend does not read the revision as a fall in population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.dataset import LatestPopulation
from analysis.methods.demography import age_range_label

Band = tuple[int, int | None]


def region_band(ages: pd.DataFrame, region: str, band: Band) -> float | None:
    """Persons of ``region`` in ``band`` from 5-year bands; None when a band of the data
    straddles the limits (the bands cannot give these ages)."""
    rows = ages[ages["region_code"] == region]
    lo, hi = band
    upper = rows["age_to"].astype("float").fillna(float("inf"))
    limit = float("inf") if hi is None else hi
    inside = (rows["age_from"] >= lo) & (upper <= limit)
    straddles = ((rows["age_from"] < lo) & (upper >= lo)) | (
        (rows["age_from"] <= limit) & (upper > limit)
    )
    if bool(straddles.any()) or not bool(inside.any()):
        return None
    return float(rows.loc[inside, "value"].sum())


def carry_to_latest(
    base_bands: pd.DataFrame,
    coarse: list[Band],
    fine: list[Band],
    ages: pd.DataFrame,
    region: str,
) -> pd.DataFrame | None:
    """ORP × fine band population on the date of ``ages`` from the ORP × coarse bands of
    an earlier date (columns labelled by :func:`age_range_label`); None when the region's
    5-year bands cannot give the planning bands."""
    out = {}
    for band in coarse:
        label = age_range_label(band)
        target = region_band(ages, region, band)
        if target is None or label not in base_bands:
            return None
        out[band] = base_bands[label] * target / base_bands[label].sum()
    carried = pd.DataFrame(out)
    result = {}
    for band in fine:
        if band in carried:
            result[age_range_label(band)] = carried[band]
            continue
        # A fine band inside a coarse one: the coarse band × the region's share.
        parent = next(
            c
            for c in coarse
            if c[0] <= band[0] and (c[1] is None or (band[1] is not None and band[1] <= c[1]))
        )
        part, whole = region_band(ages, region, band), region_band(ages, region, parent)
        if part is None or not whole:
            return None
        result[age_range_label(band)] = carried[parent] * part / whole
    return pd.DataFrame(result)


@dataclass(frozen=True)
class LevelShift:
    """States on 1 Jan of ``last_old_year`` and before are multiplied by ``factor``."""

    last_old_year: int
    factor: float
    reason: str


def level_shifts(latest: LatestPopulation, one_off_years: list[int]) -> list[LevelShift]:
    """Level shifts of the region's series: the census re-basing, and for each one-off
    migration year the region's net migration above the median of the other years of
    the movement statistics (relative to the population at the start of that year)."""
    shifts = []
    if latest.census_factor is not None and latest.census_year is not None:
        shifts.append(
            LevelShift(latest.census_year, latest.census_factor, "revize při sčítání 2021")
        )
    m = latest.movement
    if m is None or m.empty:
        return shifts
    m = m.dropna(subset=["net_migration", "population_end"]).set_index("year")
    usual = m.loc[~m.index.isin(one_off_years), "net_migration"].median()
    for year in one_off_years:
        if year not in m.index or year - 1 not in m.index:
            continue
        excess = float(m.at[year, "net_migration"] - usual)
        factor = 1 + excess / float(m.at[year - 1, "population_end"])
        shifts.append(LevelShift(year, factor, f"jednorázový příliv {year}"))
    return shifts


def rebase_series(wide: pd.DataFrame, shifts: list[LevelShift]) -> pd.DataFrame:
    """ORP × year totals with each shift applied to the 1 Jan states up to its last old
    year, so that the trend reads a revision or a one-off inflow as a level, not growth."""
    out = wide.copy()
    for shift in shifts:
        old = [
            c for c in out.columns if isinstance(c, int | np.integer) and c <= shift.last_old_year
        ]
        out[old] = out[old] * shift.factor
    return out
