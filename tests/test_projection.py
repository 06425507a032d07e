"""Cohort-component projection: invariants and the national projection on real inputs."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.methods.cohort_component import AGES, Assumptions, project, spread_bands, step
from tests.conftest import REPO_ROOT

ZERO = np.zeros((2, len(AGES)))


def _base(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 1000, size=(2, len(AGES))).astype(float)


def test_without_events_each_cohort_moves_one_year_per_year():
    base = _base()
    quiet = Assumptions(death_probability=ZERO, fertility=np.zeros(len(AGES)), migration=ZERO)
    long, comps = project(base, 2023, 5, lambda year: quiet)
    pop = long.pivot_table(index=["year", "sex"], columns="age", values="population")
    for k in range(1, 6):
        for s, sex in enumerate(("M", "F")):
            row = pop.loc[(2023 + k, sex)].to_numpy()
            assert (row[k:100] == base[s, : 100 - k]).all()  # cohorts shifted by k years
            assert (row[:k] == 0).all()  # nobody is born
            assert row[100] == base[s, 100 - k :].sum()  # the open group collects
    assert (comps[["deaths", "births", "migration"]] == 0).all().all()
    assert long.groupby("year")["population"].sum().nunique() == 1


def test_totals_balance_with_components():
    base = _base(1)
    q = np.tile(np.linspace(0.001, 0.4, len(AGES)), (2, 1))
    f = spread_bands({(20, 39): 0.08}, per_year=True)
    mig = np.full((2, len(AGES)), 3.0)
    mig[:, 90:] = -50.0  # more emigrants than residents at high ages: clipped at zero
    a = Assumptions(death_probability=q, fertility=f, migration=mig)
    s = step(base, a)
    assert s.population.sum() == pytest.approx(
        base.sum() - s.deaths + s.births - s.infant_deaths + s.migration
    )
    assert (s.population >= 0).all()
    assert s.births == pytest.approx((f * base[1] * (1 - q[1] / 2)).sum())
    boys = (s.population[0, 0] - mig[0, 0]) / (1 - q[0, 0] * (1 - a.infant_separation))
    girls = (s.population[1, 0] - mig[1, 0]) / (1 - q[1, 0] * (1 - a.infant_separation))
    assert boys / girls == pytest.approx(1.05)


def test_spread_bands():
    rates = spread_bands({(0, 4): 0.2, (95, None): 0.5}, per_year=True)
    assert rates[:5].tolist() == [0.2] * 5 and rates[100] == 0.5
    counts = spread_bands({(0, 4): 10.0, (100, None): 3.0}, per_year=False)
    assert counts[:5].tolist() == [2.0] * 5 and counts.sum() == 13.0


@pytest.mark.realdata
def test_national_projection_from_real_inputs(raw_dir):
    from analysis.data.open_data import read_national_inputs
    from analysis.data.source_files import SourceFiles
    from analysis.methods.national_projection import age_group_totals, national_projection
    from analysis.params import load_methodology

    m = load_methodology(REPO_ROOT / "params" / "methodology.yaml")
    inputs = read_national_inputs(SourceFiles(raw_dir), m.projection.migration_profile_period.value)
    # The newest national table in the folder: ČSÚ single ages on 31 Dec 2024 (= 1 Jan 2025).
    assert inputs is not None and inputs.base_year == 2025
    assert inputs.sources[0] == "national_age_latest"
    long, comps = national_projection(inputs, m, 2051)
    assert long.loc[long["year"] == 2025, "population"].sum() == 10_909_500
    assert set(long["age"]) == set(range(101)) and set(long["sex"]) == {"M", "F"}
    # The life tables are scaled to the 112,211 deaths ČSÚ counted in 2024 (by hand:
    # WPP 2023 qx × population 31 Dec 2024 gives 113,658 deaths; 112,211 / 113,658).
    assert inputs.mortality_scale == pytest.approx(112_211 / 113_658.3, rel=1e-5)
    first = comps.iloc[0]
    assert 80_000 < first["births"] < 100_000
    assert 105_000 < first["deaths"] < 118_000
    # ČSÚ middle variant: persons 65+ rise from 2.21 million to about 3.1 million by 2051.
    o65 = age_group_totals(long, 65)
    assert 2.8e6 < o65[2051] < 3.3e6
    assert o65.is_monotonic_increasing
    # 80+ (the large 1946–1955 cohorts reach 80 from 2026): up by half by 2040, a quarter to
    # two fifths of 65+ by 2051.
    o80 = age_group_totals(long, 80)
    assert o80[2040] > 1.5 * o80[2025]
    assert 0.25 < o80[2051] / o65[2051] < 0.4
    low, _ = national_projection(inputs, m, 2051, "low")
    high, _ = national_projection(inputs, m, 2051, "high")
    total = {
        name: df.loc[df["year"] == 2051, "population"].sum()
        for name, df in (("low", low), ("middle", long), ("high", high))
    }
    assert total["low"] < total["middle"] < total["high"]
