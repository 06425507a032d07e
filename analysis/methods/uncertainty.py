"""Monte Carlo intervals for need estimates: uncertain rates × known populations.

A rate with central value ``r`` and relative uncertainty ``u`` is drawn from a lognormal
distribution with median ``r`` and log standard deviation ``log(1 + u)``; persons in need
per area are ``Σ_b population[area, b] · rate[b]``, computed for every draw at once
(``draws × areas``) with a fixed seed, so results are reproducible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def rate_draws(
    central: np.ndarray, relative_uncertainty: np.ndarray, draws: int, seed: int
) -> np.ndarray:
    """``draws × bands`` lognormal draws around the central rates."""
    central = np.asarray(central, float)
    sigma = np.log1p(np.asarray(relative_uncertainty, float))
    z = np.random.default_rng(seed).standard_normal((draws, central.size))
    return central * np.exp(z * sigma)


def need_draws(population: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """``draws × areas`` persons in need from ``areas × bands`` populations."""
    return rates @ np.asarray(population, float).T


def summarise(draws: np.ndarray, level: float = 0.9, index: pd.Index | None = None) -> pd.DataFrame:
    """Median and central interval of each column of ``draws``."""
    lo, mid, hi = np.quantile(draws, [(1 - level) / 2, 0.5, 1 - (1 - level) / 2], axis=0)
    return pd.DataFrame({"low": lo, "median": mid, "high": hi}, index=index)
