"""Back-test of ORP projections: no look-ahead, and the bar on the real series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data.source_files import SourceFiles
from analysis.methods.backtest import orp_series, run_backtest
from analysis.params import load_methodology
from tests.conftest import REPO_ROOT

PROJ = load_methodology(REPO_ROOT / "params" / "methodology.yaml").projection
SHRINK, DAMPING = PROJ.trend_shrink.value, PROJ.trend_damping.value
WINDOW = PROJ.backtest_window.value


def _synthetic() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    years = list(range(2010, 2021))
    growth = rng.normal(0, 0.01, 30)
    base = rng.uniform(5_000, 90_000, 30)
    data = {y: base * np.exp(growth * (y - 2010)) for y in years}
    wide = pd.DataFrame(data, index=[f"{9000 + i}" for i in range(30)])
    return wide.assign(region_code=["CZ0X1"] * 15 + ["CZ0X2"] * 15)


def test_projection_never_looks_after_the_base_year():
    wide = _synthetic()
    first, _ = run_backtest(wide, 2015, 5, SHRINK, DAMPING, WINDOW)
    changed = wide.copy()
    changed[list(range(2016, 2021))] *= 3.0  # rewrite the future
    second, errors = run_backtest(changed, 2015, 5, SHRINK, DAMPING, WINDOW)
    pd.testing.assert_frame_equal(first, second)
    assert list(errors.columns) == ["h1", "h2", "h3", "h4", "h5", "mean"]


def test_exact_trend_is_recovered_and_output_covers_years_beyond_the_data():
    wide = _synthetic()
    long, errors = run_backtest(wide, 2015, 8, 1.0, 1.0, WINDOW)  # own trend, undamped
    assert errors.loc["socplan", "mean"] < 1e-9  # exponential growth is projected exactly
    assert set(long["year"]) == set(range(2016, 2024))  # 2021–2023 are not in the data
    assert set(long["method"]) == {"constant", "linear", "socplan"}
    assert len(long) == 3 * 30 * 8


@pytest.mark.realdata
def test_real_series_base_2015_beats_constant_and_linear(raw_dir):
    from analysis.readers.territory import read_cr_municipalities, read_population_series

    files = SourceFiles(raw_dir)
    wide, _ = orp_series(
        files.read("cr_municipalities", read_cr_municipalities),
        files.read("population_series", read_population_series),
    )
    assert len(wide) == 206
    _, errors = run_backtest(wide, 2015, 3, SHRINK, DAMPING, WINDOW)
    mean = errors["mean"]
    assert mean["socplan"] < mean["constant"]
    assert mean["socplan"] <= mean["linear"]


@pytest.mark.realdata
def test_level_shifts_of_south_moravia_and_the_backtest_unchanged(raw_dir, real_region):
    """The census 2021 re-basing and the 2022 inflow are level shifts of the old states.

    By hand from the movement statistics of South Moravia: census 1,181,216 / 1,195,327;
    inflow: net migration 2022 33,898 minus the median of the other eleven years of the
    statistics (2000, 2013–2021, 2023: the sixth value, 3,161), over the population at the
    end of 2021
    (1,184,568). A constant factor per region leaves every log-slope, and so the
    back-test inside the old series, unchanged: it still beats the linear trend."""
    from analysis.methods.latest_bands import level_shifts, rebase_series
    from analysis.readers.territory import read_cr_municipalities, read_population_series

    _, ds = real_region
    shifts = level_shifts(ds.latest, [2022])
    assert [(s.last_old_year, s.reason) for s in shifts] == [
        (2021, "revize při sčítání 2021"),
        (2022, "jednorázový příliv 2022"),
    ]
    assert shifts[0].factor == pytest.approx(1_181_216 / 1_195_327)
    assert shifts[1].factor == pytest.approx(1 + (33_898 - 3_161) / 1_184_568)

    files = SourceFiles(raw_dir)
    wide, _ = orp_series(
        files.read("cr_municipalities", read_cr_municipalities),
        files.read("population_series", read_population_series),
    )
    region = wide["region_code"] == "CZ064"
    shifted = pd.concat([rebase_series(wide[region], shifts), wide[~region]]).loc[wide.index]
    both = shifts[0].factor * shifts[1].factor
    assert shifted.loc[region, 2018].sum() == pytest.approx(wide.loc[region, 2018].sum() * both)
    _, before = run_backtest(wide, 2015, 3, SHRINK, DAMPING, WINDOW)
    _, after = run_backtest(shifted, 2015, 3, SHRINK, DAMPING, WINDOW)
    pd.testing.assert_frame_equal(before, after)
    assert after.at["socplan", "mean"] <= after.at["linear", "mean"]
