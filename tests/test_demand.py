"""ORP projections, need and gaps on the demo region and a constructed case."""

from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis.data.loading import load_dataset
from analysis.methods import demand
from analysis.methods.need_rates import need_by_degree, need_rates
from analysis.params import ServiceMix


@pytest.fixture(scope="module")
def demo(demo_config):
    return demo_config, load_dataset(demo_config)


def test_hamilton_perry_reproduces_a_stationary_population():
    single = np.full((6, 2, 101), 100.0)
    single[:, :, 100] = 0.0
    out = demand.hamilton_perry(single, list(range(2020, 2026)), 2030)
    assert out[2030][:, 1:100] == pytest.approx(100.0)
    assert out[2030][:, 0].sum() == pytest.approx(200.0)  # child–woman ratio kept


def test_orp_projection_keeps_the_base_and_adds_up(demo):
    config, ds = demo
    proj, method, base = demand.project_orps(ds, config.methodology, config.year)
    assert "kohortově-komponentní" in method and base == 2025
    start = proj[(proj["year"] == base) & (proj["variant"] == "middle")]
    observed = demand.orp_bands(ds, base, config.methodology.ages)[0].stack()
    got = start.set_index(["orp_code", "band"])["population"]
    assert got.reindex(observed.index).to_numpy() == pytest.approx(observed.to_numpy())
    totals = proj.groupby(["year", "variant"])["population"].sum().unstack()
    assert totals.loc[2040, "low"] < totals.loc[2040, "middle"] < totals.loc[2040, "high"]
    assert set(proj["year"]) == set(range(base, 2041))


def test_need_intervals_and_gaps_on_a_constructed_case():
    proj = pd.DataFrame(
        {
            "orp_code": ["1", "2"],
            "year": 2028,
            "variant": "middle",
            "band": "65+",
            "population": [10_000.0, 20_000.0],
        }
    )
    rates = pd.DataFrame(
        {
            "group": ["seniori"],
            "rate": [0.1],
            "uncertainty": [0.0],
            "source": ["test"],
            "reference_ages": ["65+"],
        }
    )
    need, kept = demand.need(proj, rates, [2028], 1_000, 1, 0.9)
    assert need["median"].tolist() == pytest.approx([1_000, 2_000])
    capacity = pd.Series({("1", 13, "luzka"): 150.0, ("2", 13, "luzka"): 100.0})
    mix = [ServiceMix(group="seniori", service_type=13, unit="luzka", per_person=0.1)]
    areas = {
        "local": pd.Series(["1", "2"], index=["1", "2"]),
        "district": pd.Series(["D", "D"], index=["1", "2"]),
    }
    gaps = demand.gaps(kept, capacity, mix, 2028, 0.9, {13: "local"}, areas)
    gaps = gaps.set_index("area_code")
    assert gaps.loc["1", "gap_median"] == pytest.approx(50.0)  # 150 beds − 100 needed
    assert gaps.loc["2", "gap_median"] == pytest.approx(-100.0)
    assert gaps["status"].to_dict() == {"2": "nedostatek", "1": "přebytek"}
    # Planned for the district, the two ORPs are one area: 250 beds − 300 needed.
    district = demand.gaps(kept, capacity, mix, 2028, 0.9, {13: "district"}, areas)
    assert district["area_code"].tolist() == ["D"]
    assert district["planning_level"].tolist() == ["district"]
    assert district["gap_median"].iloc[0] == pytest.approx(-50.0)
    assert district["capacity"].iloc[0] == pytest.approx(250.0)


def test_area_projection_components_on_the_demo(demo):
    """Residual migration reproduces the last observed year; the projection ages it."""
    from analysis.methods.area_projection import (
        fertility_schedule,
        gompertz_death_probability,
        residual_migration,
    )
    from analysis.methods.cohort_component import Assumptions, step

    config, ds = demo
    single = demand.orp_single_years(ds, 2025)
    assert single is not None and len(single) == ds.municipalities["orp_code"].nunique()
    m = config.methodology
    q, f = gompertz_death_probability(m), fertility_schedule(m, 1.5)
    assert f.sum() == pytest.approx(1.5) and f[:15].sum() == 0 and f[50:].sum() == 0
    series = next(iter(single.values()))
    mig = residual_migration(series[-2:], q, f, years=1)
    after = step(series[-2], Assumptions(death_probability=q, fertility=f, migration=mig))
    assert after.population == pytest.approx(np.maximum(series[-1], 0))


@pytest.mark.realdata
def test_seniors_need_split_by_degree_of_dependency(real_region):
    _, ds = real_region
    need_region = pd.DataFrame(
        {
            "group": ["seniori"],
            "variant": ["middle"],
            "low": [800.0],
            "median": [1000.0],
            "high": [1300.0],
        }
    )
    table = need_by_degree(need_region, ds)
    assert table["share"].sum() == pytest.approx(100.0)
    assert table["median"].sum() == pytest.approx(1000.0)
    # Shares of Czechia's recipients 65+ in December 2024 (SZB09B, summed by hand from
    # the file's rows of the four senior bands).
    senior = {}
    with open(ds.files["care_allowance_ages"], encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            band, degree = row["Věkové skupiny"], row["Stupeň závislosti u příspěvku na péči"]
            senior_band = band[:2] in ("65", "75", "85", "95")
            if row["Pohlaví"] == "Celkem" and senior_band and degree != "Celkem":
                senior[degree] = senior.get(degree, 0) + int(row["value"])
    total = sum(senior.values())
    expected = [100 * senior[f"{d}. stupeň závislosti"] / total for d in ("I", "II", "III", "IV")]
    assert table["share"].tolist() == pytest.approx(expected)
    without = dataclasses.replace(ds, latest=None)
    assert not need_by_degree(need_region, without).empty  # the region's 2018 shares
    fictional = dataclasses.replace(without, region_code="CZX00")
    assert need_by_degree(need_region, fictional).empty
    assert need_by_degree(need_region, dataclasses.replace(without, care_allowance=None)).empty


@pytest.mark.realdata
def test_care_allowance_rates_are_estimated_for_the_newest_year(real_region):
    """South Moravia: recipients 65+ in 2018 (MPSV) 31,201 × Czechia's growth 2018–2024
    (246,208 → 53,441 + 108,791 + 86,529 + 9,518 = 258,279) over the region's 65+ on
    31 Dec 2024 (68,960 + 66,962 + 56,035 + 36,069 + 17,061 + 7,023 + 1,538 = 253,648);
    adults: 8,589 × 82,071 / 81,274 over the 15–64 of 31 Dec 2024 (780,610)."""
    config, ds = real_region
    rates = need_rates(ds, config.methodology).set_index("group")
    assert rates.at["seniori", "rate"] == pytest.approx(31_201 * 258_279 / 246_208 / 253_648)
    assert rates.at["ozp", "rate"] == pytest.approx(8_589 * 82_071 / 81_274 / 780_610)
    assert "2024" in rates.at["seniori", "source"]


def test_need_does_not_depend_on_how_the_methodology_was_read(demo):
    """The pipeline hands kernels the methodology as JSON with sorted keys; a notebook
    opened by hand reads the YAML. Both must draw the same Monte Carlo numbers."""
    from analysis.params import RunConfig

    config, ds = demo
    via_json = RunConfig.model_validate_json(config.to_json())
    assert list(via_json.methodology.demand.need_rates.value) != list(
        config.methodology.demand.need_rates.value
    )  # the key order really differs
    proj, _, base = demand.project_orps(ds, config.methodology, config.year)
    d = config.methodology.demand
    results = []
    for m in (config.methodology, via_json.methodology):
        rates = need_rates(ds, m)
        need, _ = demand.need(proj, rates, [base + 3], 2_000, d.seed.value, 0.9)
        results.append(need.sort_values(["group", "orp_code", "variant"]).reset_index(drop=True))
    pd.testing.assert_frame_equal(results[0], results[1])


@pytest.mark.realdata
def test_projection_base_is_the_newest_population_in_the_folder(real_region):
    """South Moravia: the region's bands of 31 Dec 2024 (OBY02DT01, the newest population
    in the folder; = 1 Jan 2025) are the base, and the ORPs add up to them exactly."""
    config, ds = real_region
    newest = max([int(ds.latest.ages["year"].max()), *map(int, ds.population["year"].unique())])
    proj, method, base = demand.project_orps(ds, config.methodology, 2025)
    assert base == newest == 2025
    first = proj[(proj["year"] == base) & (proj["variant"] == "middle")]
    assert first["population"].sum() == pytest.approx(1_229_343)
    assert first.loc[first["band"] == "80+", "population"].sum() == pytest.approx(
        36_069 + 17_061 + 7_023 + 1_538
    )
    assert "31. 12. 2024" in method and "sčítání 2021" in method
