"""Projection of the population of Czechia from the observed 1 Jan 2023 population.

Default assumptions, each a parameter of ``methodology.projection`` in three variants:
mortality of the UN WPP 2024 life tables for 2023 improving by a constant annual rate;
fertility with the 2023 WPP age pattern scaled to the ČSÚ total fertility; net migration
of the ČSÚ size with the WPP 2024 age–sex profile of the next projection period.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import SocplanError
from analysis.params import Methodology
from analysis.projection import (
    MAX_AGE,
    Assumptions,
    open_group_death_probability,
    project,
    spread_bands,
)
from analysis.readers.demography_sources import read_national_age
from analysis.readers.wpp import read_asfr, read_life_table, read_migration_profile

BASE_FILE = "czso-obyvatelstvo-vek-2023/obyvatelstvo_vek_pohlavi_2023-01-01.csv"
LIFE_TABLES = {
    "M": "wpp2024-life-tables-cze/CZE_male.json",
    "F": "wpp2024-life-tables-cze/CZE_female.json",
}
ASFR_FILE = "wpp2024-cz/wpp2024_asfr5_annual_cz.csv"
MIGRATION_FILE = "wpp2024-cz/wpp2024_migprojAge5_cz.csv"
BASE_YEAR = 2023


def base_population(data_dir: Path) -> np.ndarray:
    """[2, 101] persons by sex (M, F) and age on 1 Jan 2023 (ČSÚ)."""
    df = read_national_age(data_dir / BASE_FILE).sort_values("age_start")
    return np.vstack([df["male"].to_numpy(float), df["female"].to_numpy(float)])


def base_mortality(data_dir: Path) -> np.ndarray:
    """[2, 101] annual death probabilities of 2023 (open group from its life expectancy)."""
    rows = []
    for sex in ("M", "F"):
        lt = read_life_table(data_dir / LIFE_TABLES[sex])
        q = lt["qx"].to_numpy(float).copy()
        q[MAX_AGE] = open_group_death_probability(float(lt["ex"].iloc[MAX_AGE]))
        rows.append(q)
    return np.vstack(rows)


def fertility_pattern(data_dir: Path) -> np.ndarray:
    """Single-age shares of the total fertility (sum over ages = 1) of 2023."""
    pct = read_asfr(data_dir / ASFR_FILE, BASE_YEAR)
    per_age = spread_bands({band: v / 100 / 5 for band, v in pct.items()}, per_year=True)
    return per_age / per_age.sum()


def migration_profile(data_dir: Path, period: str) -> np.ndarray:
    """[2, 101] shares of net migration by sex and age (sum = 1)."""
    prof = read_migration_profile(data_dir / MIGRATION_FILE, period)
    arr = np.vstack(
        [spread_bands(prof["M"], per_year=False), spread_bands(prof["F"], per_year=False)]
    )
    return arr / arr.sum()


def national_projection(
    data_dir: Path | str,
    methodology: Methodology,
    base_year: int,
    to_year: int,
    variant: str = "middle",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Projection of Czechia by sex and single age from ``base_year`` to ``to_year``."""
    if base_year != BASE_YEAR:
        raise SocplanError(
            f"the observed single-age population is only available for "
            f"1 Jan {BASE_YEAR}; got --base-year {base_year}"
        )
    if to_year <= base_year:
        raise SocplanError(f"--to ({to_year}) must be after --base-year ({base_year})")
    data_dir = Path(data_dir)
    p = methodology.projection
    tfr = p.total_fertility.value[variant]
    improvement = p.mortality_improvement.value[variant]
    migrants = p.net_migration.value[variant]
    q0 = base_mortality(data_dir)
    f = fertility_pattern(data_dir) * tfr
    mig = migration_profile(data_dir, p.migration_profile_period.value) * migrants

    def assumptions(year: int) -> Assumptions:
        q = q0 * (1 - improvement) ** (year - base_year)
        return Assumptions(
            death_probability=q,
            fertility=f,
            migration=mig,
            sex_ratio_at_birth=p.sex_ratio_at_birth.value,
            infant_separation=p.infant_separation.value,
        )

    return project(base_population(data_dir), base_year, to_year - base_year, assumptions)


def age_group_totals(long: pd.DataFrame, min_age: int) -> pd.Series:
    """Persons aged ``min_age``+ per year of a projection."""
    return long[long["age"] >= min_age].groupby("year")["population"].sum()
