"""Projection of the population of Czechia from its observed single-age population.

Default assumptions, each a parameter of ``methodology.projection`` in three variants:
mortality of the UN WPP 2024 life tables of the base year improving by a constant annual rate;
fertility with the WPP age pattern of the base year scaled to the ČSÚ total fertility; net migration
of the ČSÚ size with the WPP 2024 age–sex profile of the next projection period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.dataset import NationalInputs
from analysis.errors import SocplanError
from analysis.methods.cohort_component import (
    MAX_AGE,
    Assumptions,
    open_group_death_probability,
    project,
    spread_bands,
)
from analysis.params import Methodology


def base_population(inputs: NationalInputs) -> np.ndarray:
    """[2, 101] persons by sex (M, F) and age on 1 Jan of the base year (ČSÚ)."""
    df = inputs.population.sort_values("age_start")
    return np.vstack([df["male"].to_numpy(float), df["female"].to_numpy(float)])


def base_mortality(inputs: NationalInputs) -> np.ndarray:
    """[2, 101] annual death probabilities of the base year (open group from its life
    expectancy), scaled to the deaths ČSÚ counted where the inputs have them."""
    rows = []
    for sex in ("M", "F"):
        lt = inputs.life_tables[sex]
        q = lt["qx"].to_numpy(float).copy()
        q[MAX_AGE] = open_group_death_probability(float(lt["ex"].iloc[MAX_AGE]))
        rows.append(q)
    return np.minimum(np.vstack(rows) * inputs.mortality_scale, 1.0)


def fertility_pattern(inputs: NationalInputs) -> np.ndarray:
    """Single-age shares of the total fertility (sum over ages = 1) of the base year."""
    band_width = 5  # the WPP pattern is given in 5-year bands of percentages
    per_age = spread_bands(
        {band: v / 100 / band_width for band, v in inputs.fertility.items()}, per_year=True
    )
    return per_age / per_age.sum()


def migration_profile(inputs: NationalInputs) -> np.ndarray:
    """[2, 101] shares of net migration by sex and age (sum = 1)."""
    prof = inputs.migration
    arr = np.vstack(
        [spread_bands(prof["M"], per_year=False), spread_bands(prof["F"], per_year=False)]
    )
    return arr / arr.sum()


def national_projection(
    inputs: NationalInputs,
    methodology: Methodology,
    to_year: int,
    variant: str = "middle",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Projection of Czechia by sex and single age from the inputs' base year to
    ``to_year``."""
    base_year = inputs.base_year
    if to_year <= base_year:
        raise SocplanError(f"--to ({to_year}) must be after the base year ({base_year})")
    p = methodology.projection
    tfr = p.total_fertility.value[variant]
    improvement = p.mortality_improvement.value[variant]
    migrants = p.net_migration.value[variant]
    q0 = base_mortality(inputs)
    f = fertility_pattern(inputs) * tfr
    mig = migration_profile(inputs) * migrants

    def assumptions(year: int) -> Assumptions:
        q = q0 * (1 - improvement) ** (year - base_year)
        return Assumptions(
            death_probability=q,
            fertility=f,
            migration=mig,
            sex_ratio_at_birth=p.sex_ratio_at_birth.value,
            infant_separation=p.infant_separation.value,
        )

    return project(base_population(inputs), base_year, to_year - base_year, assumptions)


def age_group_totals(long: pd.DataFrame, min_age: int) -> pd.Series:
    """Persons aged ``min_age``+ per year of a projection."""
    return long[long["age"] >= min_age].groupby("year")["population"].sum()
