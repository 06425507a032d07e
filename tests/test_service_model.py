"""Count models: recovery of known coefficients, dispersion choice, a real test bed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods.count_model import fit_count_model, outliers


def _simulate(n: int, alpha: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    share80 = rng.uniform(0.03, 0.08, n)
    rural = rng.uniform(0, 1, n)
    pop65 = rng.integers(2_000, 40_000, n).astype(float)
    mu = pop65 * np.exp(-4.0 + 12.0 * share80 - 0.5 * rural)
    y = rng.poisson(mu) if alpha == 0 else rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    return pd.DataFrame({"beds": y, "share80": share80, "rural": rural, "pop65": pop65})


@pytest.mark.parametrize("alpha,family", [(0.0, "poisson"), (0.15, "negative binomial")])
def test_glm_recovers_coefficients_within_intervals(alpha, family):
    true = {"Intercept": -4.0, "share80": 12.0, "rural": -0.5}
    data = _simulate(400, alpha, seed=11)
    model = fit_count_model(data, "beds ~ share80 + rural", exposure="pop65")
    assert model.family == family
    coef = model.coefficients.set_index("term")
    for term, value in true.items():
        assert coef.loc[term, "ci_low"] <= value <= coef.loc[term, "ci_high"], term
    if alpha:
        assert model.alpha == pytest.approx(alpha, rel=0.4)


def test_prediction_intervals_cover_new_observations():
    data = _simulate(400, 0.15, seed=5)
    model = fit_count_model(data, "beds ~ share80 + rural", exposure="pop65")
    p = model.predictions
    inside = (p["observed"] >= p["prediction_low"]) & (p["observed"] <= p["prediction_high"])
    assert 0.90 <= inside.mean() <= 0.995
    assert len(outliers(model, n=50)) == int((~inside).sum())


@pytest.mark.realdata
def test_homes_for_the_elderly_per_district(raw_dir):
    """Real test bed: places in homes for the elderly per district (ČSÚ, 2013) against the
    districts' population 65+ and its share (ČSÚ municipalities 2023)."""
    from analysis.readers.linked_data import read_social_facilities
    from analysis.readers.territory import read_cr_municipalities

    fac = read_social_facilities(
        raw_dir / "czso-zarizeni-socialnich-sluzeb-okresy" / "czso-social-service-facilities.trig"
    )
    cr = read_cr_municipalities(raw_dir / "uzemni-cleneni-obce-orp" / "CR.csv")
    districts = cr.groupby("district_code")[["population", "pop_65_plus"]].sum()
    districts["share65"] = districts["pop_65_plus"] / districts["population"]
    data = (
        fac[fac["year"] == 2013]
        .dropna(subset=["homes_elderly_places"])
        .merge(districts, left_on="district_code", right_index=True)
    )
    data["places"] = data["homes_elderly_places"].astype(int)
    model = fit_count_model(data, "places ~ share65", exposure="pop_65_plus", area="district_code")
    assert len(data) >= 75
    assert model.family == "negative binomial"  # districts differ far beyond Poisson noise
    rate = model.predictions["expected"].sum() / data["pop_65_plus"].sum()
    assert 0.01 < rate < 0.05  # 1–5 places per 100 persons aged 65+


@pytest.mark.realdata
def test_without_a_full_registry_the_model_is_national_with_the_region_marked(real_region):
    from analysis.chapters.demand import region_fit
    from analysis.methods import demand

    config, ds = real_region
    empty = ds.services.iloc[0:0]  # the registry sample is never used for the model
    data, formula, description = demand.capacity_model_data(ds, empty, 2025, config.methodology)
    assert formula == "beds ~ share65"
    assert len(data) == 206  # every ORP of Czechia, Prague from the region's row
    assert int(data["in_region"].sum()) == 21  # Jihomoravský kraj
    assert description.startswith("národní model") and "vyznačeny" in description
    # Homes for seniors and special-regime homes of Czechia in 2023 (ČSÚ SZB07A1: 526 + 405).
    assert data["beds"].sum() == 526 + 405
    model = fit_count_model(data, formula, exposure="pop65", area="area")
    fit = region_fit(model, data, pd.Series(dtype=str), 50)
    assert len(fit) == 21 and set(fit["area"]) <= set(data.loc[data["in_region"], "area"])
