"""Population of the demo region by municipality, year, sex and single year of age.

The age structure of the first year comes from a stylised history of annual births (the
shape of Czech post-war cohorts: the 1970s boom, the 1990s trough, the 2000s echo) and a
Gompertz–Makeham survival curve per sex. Later years are simulated per municipality as
a small cohort-component process (deaths, births, net migration), so that cohorts move
one year of age per calendar year, as in real series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_AGE = 100  # 100 = 100 and over
AGES = np.arange(MAX_AGE + 1)

# Stylised births per calendar year (thousands), interpolated linearly between anchors.
_BIRTH_ANCHORS = {
    1920: 190,
    1930: 170,
    1937: 135,
    1944: 165,
    1949: 185,
    1955: 160,
    1962: 130,
    1968: 125,
    1974: 190,
    1979: 165,
    1985: 135,
    1991: 128,
    1996: 90,
    2001: 91,
    2008: 120,
    2013: 106,
    2017: 114,
    2021: 111,
    2022: 101,
    2023: 91,
    2024: 85,
    2025: 82,
}

# General fertility rate (births per woman aged 15–49) by calendar year.
_GFR = {2020: 0.046, 2021: 0.047, 2022: 0.043, 2023: 0.039, 2024: 0.036, 2025: 0.035}


def births_history(years: np.ndarray) -> np.ndarray:
    xs = np.array(sorted(_BIRTH_ANCHORS))
    ys = np.array([_BIRTH_ANCHORS[x] for x in xs], dtype=float)
    return np.interp(years, xs, ys)


# Gompertz–Makeham parameters (a, b, c) by sex. "period" is today's mortality, used to
# simulate the years of the demo; "cohort" is the higher mortality that today's old
# cohorts lived through, used to build the starting age structure.
_GOMPERTZ = {
    ("period", "M"): (6e-4, 3.2e-5, 0.094),
    ("period", "F"): (3e-4, 1.0e-5, 0.102),
    ("cohort", "M"): (6e-4, 8e-5, 0.090),
    ("cohort", "F"): (3e-4, 3e-5, 0.097),
}


def death_probability(sex: str, regime: str = "period") -> np.ndarray:
    """One-year death probability by age (Gompertz–Makeham hazard, infant excess)."""
    a, b, c = _GOMPERTZ[(regime, sex)]
    hazard = a + b * np.exp(c * AGES)
    hazard[0] += 0.0025
    q = 1 - np.exp(-hazard)
    q[-1] = max(q[-1], 0.45)
    return np.clip(q, 0, 0.6)


def survivorship(sex: str, regime: str = "cohort") -> np.ndarray:
    """Probability of surviving from birth to each age (``l(x)`` with ``l(0) = 1``)."""
    q = death_probability(sex, regime)
    lx = np.concatenate([[1.0], np.cumprod(1 - q)[:-1]])
    lx[-1] = lx[-1] / q[-1]  # the open 100+ group holds all survivors beyond 100
    return lx


def reference_structure(year: int) -> dict[str, np.ndarray]:
    """Shares of the population by sex and age on 1 Jan of ``year`` (sum to 1)."""
    births = births_history(year - 1 - AGES + 0.5)
    # Immigration of young adults over decades lifts ages 25–50 a little.
    migration = 1 + 0.15 * np.exp(-(((AGES - 37) / 12) ** 2))
    out = {}
    for sex, share in (("M", 0.512), ("F", 0.488)):
        out[sex] = births * share * survivorship(sex) * migration
    total = out["M"].sum() + out["F"].sum()
    return {k: v / total for k, v in out.items()}


# Age profile of net migrants: young adults and their children.
_MIGRANT_PROFILE = np.exp(-(((AGES - 27) / 7) ** 2)) + 0.35 * np.exp(-(((AGES - 4) / 4) ** 2))
_MIGRANT_PROFILE /= _MIGRANT_PROFILE.sum()


def _tilt(kind: str) -> np.ndarray:
    """Municipality-type adjustment of the age structure (towns younger at working age)."""
    old = 1 / (1 + np.exp(-(AGES - 60) / 6))
    young_adult = np.exp(-(((AGES - 30) / 10) ** 2))
    if kind == "capital":
        return (1 + 0.12 * young_adult) * (1 - 0.05 * old)
    if kind == "orp_seat":
        return 1 + 0.05 * young_adult
    return (1 - 0.06 * young_adult) * (1 + 0.08 * old)


def municipality_totals(kinds: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """Population size per municipality: a capital, towns, and many small villages."""
    n = len(kinds)
    sizes = np.exp(rng.normal(np.log(430), 0.85, size=n)).clip(60, 4500)
    seats = (kinds == "orp_seat").to_numpy()
    sizes[seats] = rng.uniform(6_000, 24_000, size=seats.sum())
    sizes[(kinds == "capital").to_numpy()] = 74_000
    return np.round(sizes).astype(int)


def simulate_population(
    munis: pd.DataFrame, first_year: int, last_year: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Single-year population on 1 Jan of each year for every municipality (long format)."""
    totals = municipality_totals(munis["kind"], rng)
    ref = reference_structure(first_year)
    q = {s: death_probability(s) for s in ("M", "F")}
    # Net migration rate per municipality: suburbs of the capital grow, remote places shrink.
    dist_to_capital = np.hypot(munis["x"].to_numpy(), munis["y"].to_numpy())
    mig_rate = 0.006 * np.exp(-dist_to_capital / 12) - 0.002 + rng.normal(0, 0.002, len(munis))
    mig_rate[munis["kind"].eq("capital").to_numpy()] = 0.001

    frames = []
    for m, (code, kind) in enumerate(zip(munis["municipality_code"], munis["kind"], strict=True)):
        tilt = _tilt(kind)
        p = np.concatenate([ref["M"] * tilt, ref["F"] * tilt])
        p /= p.sum()
        counts = rng.multinomial(totals[m], p)
        pop = {
            "M": counts[: MAX_AGE + 1].astype(np.int64),
            "F": counts[MAX_AGE + 1 :].astype(np.int64),
        }
        for year in range(first_year, last_year + 1):
            for sex in ("M", "F"):
                frames.append((code, year, sex, pop[sex].copy()))
            if year == last_year:
                break
            pop = _step(pop, q, _GFR.get(year, 0.04), mig_rate[m], rng)

    codes, years, sexes, values = zip(*frames, strict=True)
    n_age = MAX_AGE + 1
    return pd.DataFrame(
        {
            "area_code": np.repeat(codes, n_age),
            "area_level": "obec",
            "year": np.repeat(years, n_age),
            "sex": np.repeat(sexes, n_age),
            "age_from": np.tile(AGES, len(frames)),
            "age_to": pd.array(
                np.tile(np.where(AGES == MAX_AGE, -1, AGES), len(frames)), dtype="Int64"
            ),
            "population": np.concatenate(values),
        }
    ).assign(age_to=lambda d: d["age_to"].mask(d["age_to"] < 0))


def _step(
    pop: dict[str, np.ndarray],
    q: dict[str, np.ndarray],
    gfr: float,
    mig_rate: float,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Advance one municipality by one year: deaths, ageing, births, net migration."""
    women_15_49 = pop["F"][15:50].sum()
    births = rng.poisson(gfr * women_15_49)
    boys = rng.binomial(births, 0.512)
    total = pop["M"].sum() + pop["F"].sum()
    migrants = round(rng.normal(mig_rate * total, 0.3 + 0.002 * total))
    new = {}
    for sex, newborn in (("M", boys), ("F", births - boys)):
        survivors = rng.binomial(pop[sex], 1 - q[sex])
        aged = np.zeros_like(survivors)
        aged[1:] = survivors[:-1]
        aged[-1] += survivors[-1]
        aged[0] = newborn
        new[sex] = aged
    for sex in ("M", "F"):
        n = abs(migrants) // 2 + (abs(migrants) % 2 if sex == "F" else 0)
        moves = rng.multinomial(n, _MIGRANT_PROFILE)
        new[sex] = new[sex] + moves if migrants >= 0 else np.maximum(new[sex] - moves, 0)
    return new
