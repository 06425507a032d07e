"""Cohort-component population projection by sex and single year of age (0–100+).

One step moves the population of 1 January of year ``t`` to 1 January of ``t + 1``:

1. survivors: everybody aged ``a`` survives the year with ``1 − q(a)`` and turns ``a + 1``;
   the open group 100+ keeps its survivors;
2. births: ``Σ f(a) · W(a) · (1 − q_F(a) / 2)`` over women ``W`` (mid-year exposure);
   boys are ``srb / (1 + srb)`` of births; newborns alive on the next 1 January are
   ``births · (1 − q(0) · (1 − a0))`` (``a0`` = share of the first year lived by infants
   who die);
3. net migration: a number of persons per year, distributed by an age–sex profile, added
   at the end of the year (never below zero persons).

Every component is returned so that totals balance: ``P(t+1) = P(t) − deaths + births
− infant deaths + migration`` (migration after clipping at zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_AGE = 100
AGES = np.arange(MAX_AGE + 1)
SEXES = ("M", "F")


@dataclass(frozen=True)
class Assumptions:
    """Rates of one projection year. Arrays are indexed [sex (M, F), age 0..100]."""

    death_probability: np.ndarray  # q(a): probability of dying within the year
    fertility: np.ndarray  # f(a): births per woman of age a per year (length 101)
    migration: np.ndarray  # net migrants per year by sex and age (persons)
    sex_ratio_at_birth: float = 1.05
    infant_separation: float = 0.15


@dataclass(frozen=True)
class Step:
    population: np.ndarray  # [2, 101] on the next 1 January
    deaths: float
    births: float
    infant_deaths: float
    migration: float


def step(population: np.ndarray, a: Assumptions) -> Step:
    """Advance a [2, 101] population (M, F × age) by one year."""
    q = np.clip(a.death_probability, 0, 1)
    survivors = population * (1 - q)
    deaths = float((population * q).sum())
    nxt = np.zeros_like(population, dtype=float)
    nxt[:, 1:] = survivors[:, :-1]
    nxt[:, -1] += survivors[:, -1]
    women = population[1]
    births = float((a.fertility * women * (1 - q[1] / 2)).sum())
    boys = births * a.sex_ratio_at_birth / (1 + a.sex_ratio_at_birth)
    newborn = np.array([boys, births - boys])
    alive = newborn * (1 - q[:, 0] * (1 - a.infant_separation))
    nxt[:, 0] = alive
    before = nxt.sum()
    nxt = np.maximum(nxt + a.migration, 0)
    return Step(nxt, deaths, births, float(newborn.sum() - alive.sum()), float(nxt.sum() - before))


def project(
    base: np.ndarray, base_year: int, years: int, assumptions: callable
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Project ``base`` ([2, 101] on 1 Jan ``base_year``) for ``years`` years.

    ``assumptions(year)`` gives the :class:`Assumptions` of the year ``year`` (from
    1 Jan ``year`` to 1 Jan ``year + 1``). Returns the population in long form
    (``year, sex, age, population``) and the components per year.
    """
    pops = [np.asarray(base, float)]
    comps = []
    for k in range(years):
        year = base_year + k
        s = step(pops[-1], assumptions(year))
        pops.append(s.population)
        comps.append(
            {
                "year": year,
                "population_start": pops[-2].sum(),
                "deaths": s.deaths,
                "births": s.births,
                "infant_deaths": s.infant_deaths,
                "migration": s.migration,
                "population_end": s.population.sum(),
            }
        )
    arr = np.stack(pops)  # [years+1, 2, 101]
    n_years = arr.shape[0]
    long = pd.DataFrame(
        {
            "year": np.repeat(base_year + np.arange(n_years), 2 * len(AGES)),
            "sex": np.tile(np.repeat(SEXES, len(AGES)), n_years),
            "age": np.tile(AGES, 2 * n_years),
            "population": arr.reshape(-1),
        }
    )
    return long, pd.DataFrame(comps)


def spread_bands(values: dict[tuple[int, int | None], float], per_year: bool) -> np.ndarray:
    """Values of age bands → 101 single ages: a rate is repeated over the band's ages
    (``per_year=True``), a count is divided among them."""
    out = np.zeros(len(AGES))
    for (lo, hi), v in values.items():
        hi = MAX_AGE if hi is None else min(hi, MAX_AGE)
        n = hi - lo + 1
        out[lo : hi + 1] += v if per_year else v / n
    return out


def open_group_death_probability(e_open: float) -> float:
    """Annual death probability in the open age group from its life expectancy
    (constant hazard ``1 / e``)."""
    return float(1 - np.exp(-1 / e_open))
