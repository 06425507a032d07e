"""Monte Carlo intervals against distributions with a known answer."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.methods.uncertainty import need_draws, rate_draws, summarise


def test_single_rate_matches_the_lognormal_quantiles():
    draws = rate_draws(np.array([0.12]), np.array([0.2]), 200_000, seed=1)
    need = need_draws(np.array([[10_000.0]]), draws)
    s = summarise(need, level=0.9).iloc[0]
    dist = stats.lognorm(s=np.log(1.2), scale=1_200)
    assert s["median"] == pytest.approx(1_200, rel=0.005)
    assert s["low"] == pytest.approx(dist.ppf(0.05), rel=0.01)
    assert s["high"] == pytest.approx(dist.ppf(0.95), rel=0.01)


def test_interval_coverage_on_a_known_distribution():
    """90 % intervals from 2,000 draws contain a fresh draw of the same quantity about
    90 % of the time (checked over 2,000 independent trials)."""
    rng = np.random.default_rng(7)
    pop = np.array([[5_000.0, 20_000.0]])
    central, unc = np.array([0.02, 0.1]), np.array([0.3, 0.15])
    hits = 0
    for trial in range(2_000):
        s = summarise(need_draws(pop, rate_draws(central, unc, 2_000, seed=trial)), 0.9)
        truth = need_draws(pop, central * np.exp(rng.standard_normal(2) * np.log1p(unc)))
        hits += int(s["low"].iloc[0] <= truth[0] <= s["high"].iloc[0])
    assert 0.88 <= hits / 2_000 <= 0.92


def test_draws_are_reproducible_and_vectorised():
    a = rate_draws(np.array([0.1, 0.2]), np.array([0.1, 0.1]), 10_000, seed=3)
    b = rate_draws(np.array([0.1, 0.2]), np.array([0.1, 0.1]), 10_000, seed=3)
    assert (a == b).all()
    need = need_draws(np.ones((206, 2)) * 1000, a)
    assert need.shape == (10_000, 206)
