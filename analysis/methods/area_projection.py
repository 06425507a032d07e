"""Cohort-component projection of areas with single-year data (ORPs of the demo or of
user data): parametric mortality and fertility, migration estimated from the data.

Mortality is a Gompertz–Makeham hazard per sex improving by the variant's annual rate;
fertility has a normal age shape (mean, sd) scaled to the variant's total fertility;
each area's net migration by sex and age is the residual of the last observed years
(observed population minus the population that deaths and births alone would give),
averaged, and scaled by the variant's national migration relative to the middle one.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from analysis.methods.cohort_component import AGES, Assumptions, project, step
from analysis.params import Methodology

ZERO = np.zeros((2, len(AGES)))


def gompertz_death_probability(methodology: Methodology) -> np.ndarray:
    """[2, 101] one-year death probabilities from the Gompertz–Makeham parameters."""
    g = methodology.projection.mortality_gompertz.value
    rows = []
    for sex in ("M", "F"):
        p = g[sex]
        hazard = p.a + p.b * np.exp(p.c * AGES)
        rows.append(1 - np.exp(-hazard))
    return np.clip(np.vstack(rows), 0, 1)


def fertility_schedule(methodology: Methodology, tfr: float) -> np.ndarray:
    """Births per woman by single age: a normal shape on 15–49 scaled to ``tfr``."""
    p = methodology.projection
    mean, sd = p.fertility_mean_age.value, p.fertility_sd.value
    shape = np.exp(-0.5 * ((AGES + 0.5 - mean) / sd) ** 2)
    shape[(AGES < 15) | (AGES > 49)] = 0
    return tfr * shape / shape.sum()


def residual_migration(
    series: list[np.ndarray], q: np.ndarray, f: np.ndarray, years: int = 5
) -> np.ndarray:
    """Average net migration by sex and age over the last ``years`` year pairs."""
    pairs = list(itertools.pairwise(series))[-years:]
    rates = Assumptions(death_probability=q, fertility=f, migration=ZERO)
    return np.mean([after - step(before, rates).population for before, after in pairs], axis=0)


def project_areas(
    single: dict[str, list[np.ndarray]], base: int, to_year: int, methodology: Methodology
) -> pd.DataFrame:
    """Project every area (``{area: [[2, 101] arrays by year up to base]}``) in three
    variants; long table ``orp_code, year, variant, sex, age, population``."""
    p = methodology.projection
    q0 = gompertz_death_probability(methodology)
    f_mid = fertility_schedule(methodology, p.total_fertility.value["middle"])
    frames = []
    for area, series in single.items():
        migration = residual_migration(series, q0, f_mid)
        for variant in ("low", "middle", "high"):
            f = fertility_schedule(methodology, p.total_fertility.value[variant])
            improvement = p.mortality_improvement.value[variant]
            scale = p.net_migration.value[variant] / p.net_migration.value["middle"]

            def assumptions(
                year: int, f=f, improvement=improvement, scale=scale, migration=migration
            ) -> Assumptions:
                return Assumptions(
                    death_probability=q0 * (1 - improvement) ** (year - base),
                    fertility=f,
                    migration=migration * scale,
                    sex_ratio_at_birth=p.sex_ratio_at_birth.value,
                    infant_separation=p.infant_separation.value,
                )

            long, _ = project(series[-1], base, to_year - base, assumptions)
            frames.append(long.assign(orp_code=area, variant=variant))
    return pd.concat(frames, ignore_index=True)
