"""Finance methods on cases whose answers are known by hand: compensation and
carry-over, exact allocation, the reference-value rule, outlier flags, sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods import compensation as comp
from analysis.methods import finance_benchmark as fb
from analysis.methods import network_scoring as ns
from analysis.methods import reference_values as rv
from analysis.methods import subsidy as sb
from analysis.params import Band, Criterion, OutlierRule

PUBLIC = ["revenue_state_subsidy", "revenue_region", "revenue_municipalities"]


def _finance(rows: list[dict]) -> pd.DataFrame:
    base = {
        "cost_personnel": 0.0,
        "cost_operating": 0.0,
        "revenue_users": 0.0,
        "revenue_health_insurance": 0.0,
        "revenue_state_subsidy": 0.0,
        "revenue_region": 0.0,
        "revenue_municipalities": 0.0,
        "revenue_other": 0.0,
        "fte_direct": 1.0,
        "fte_other": 0.0,
        "units_delivered": 100.0,
        "occupancy": 0.9,
        "cost_depreciation": 0.0,
        "cost_health_care": 0.0,
        "cost_outside_basic": 0.0,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def _units(ids: list[str], network: list[bool | None], code: int = 13) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service_id": ids,
            "service_type_code": code,
            "form": "pob",
            "capacity_unit": "luzka",
            "provider_ico": [f"P{i}" for i in range(len(ids))],
            "municipality_code": "500001",
            "capacity": 10.0,
            "in_regional_network": pd.array(network, dtype="boolean"),
        }
    )


def test_compensation_overcompensation_and_carry_over_by_hand():
    # Service A, in the network: 2023 public 800 vs justified 800 (no excess);
    # 2024 costs 1 000 of which 100 depreciation (ineligible), own revenues 300,
    # public 700 + 100 + 50 = 850. Justified = 900 − 300 = 600, excess 250.
    # Average payment (800 + 850) / 2 = 825, 10 % = 82.5 → carry 82 (whole crowns down),
    # return 168. Service B, outside the network, same 2024 numbers: returns all 250.
    rows = []
    for sid in ("A", "B"):
        rows.append(
            {
                "service_id": sid,
                "year": 2023,
                "cost_personnel": 1000.0,
                "revenue_users": 200.0,
                "revenue_state_subsidy": 800.0,
            }
        )
        rows.append(
            {
                "service_id": sid,
                "year": 2024,
                "cost_personnel": 700.0,
                "cost_operating": 300.0,
                "cost_depreciation": 100.0,
                "revenue_users": 250.0,
                "revenue_other": 50.0,
                "revenue_state_subsidy": 700.0,
                "revenue_region": 100.0,
                "revenue_municipalities": 50.0,
            }
        )
    ind = fb.indicators(_finance(rows), _units(["A", "B"], [True, False]), 10, PUBLIC, 1.5)
    out = comp.compensation(ind, ["cost_depreciation", "cost_health_care"], 0.0, 0.1)
    a = out[(out["service_id"] == "A") & (out["year"] == 2024)].iloc[0]
    assert a["eligible_cost"] == 900
    assert a["own_revenue"] == 300
    assert a["justified"] == 600
    assert a["public_revenue"] == 850
    assert a["overcompensation"] == 250
    assert a["average_payment"] == 825
    assert a["carry_over"] == 82
    assert a["to_return"] == 168
    assert a["status"] == comp.STATUS["return"]
    b = out[(out["service_id"] == "B") & (out["year"] == 2024)].iloc[0]
    assert (b["carry_over"], b["to_return"]) == (0, 250)
    first = out[(out["service_id"] == "A") & (out["year"] == 2023)].iloc[0]
    assert first["overcompensation"] == 0 and first["status"] == comp.STATUS["ok"]
    # A reasonable profit of 5 % of eligible costs (45) is not overcompensation.
    with_profit = comp.compensation(ind, ["cost_depreciation"], 0.05, 0.1)
    a2 = with_profit[(with_profit["service_id"] == "A") & (with_profit["year"] == 2024)].iloc[0]
    assert a2["overcompensation"] == pytest.approx(205)


def test_own_revenue_above_costs_returns_at_most_the_public_money():
    rows = [
        {
            "service_id": "A",
            "year": 2024,
            "cost_personnel": 100.0,
            "revenue_users": 150.0,
            "revenue_state_subsidy": 40.0,
        }
    ]
    ind = fb.indicators(_finance(rows), _units(["A"], [False]), 10, PUBLIC, 5.0)
    out = comp.compensation(ind, [], 0.0, 0.1).iloc[0]
    assert out["overcompensation"] == 40
    assert out["to_return"] == 40


@pytest.mark.parametrize("seed", range(20))
def test_allocation_sums_exactly_to_the_allocation(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    optimal = pd.DataFrame(
        {
            "service_id": [f"S{i:04d}" for i in rng.permutation(n)],
            "optimal": rng.lognormal(14, 1.2, n),
        }
    )
    allocation = float(rng.uniform(1e6, 5e9))
    real = sb.allocate(optimal, allocation, None)
    assert real["real"].sum() == round(allocation)
    assert (real["real"] >= 0).all()
    assert real["real"].dtype.kind == "i"
    # With requests as caps: nobody above their request, the allocation still met exactly
    # whenever the requests together allow it.
    requests = pd.Series(
        np.round(optimal["optimal"].to_numpy() * rng.uniform(0.2, 1.5, n)),
        index=optimal["service_id"],
    )
    capped = sb.allocate(optimal, allocation, requests)
    assert (capped["real"] <= capped["requested"]).all()
    expected = min(round(allocation), int(requests.sum()))
    assert capped["real"].sum() == expected
    assert capped.attrs["undistributed"] == round(allocation) - expected


def test_largest_remainder_breaks_ties_by_order():
    out = sb.largest_remainder(np.array([1.5, 1.5, 1.0]), 4, np.array([2, 1, 3]))
    assert out.tolist() == [1, 2, 1]


def test_allocation_is_proportional_when_no_cap_binds():
    optimal = pd.DataFrame({"service_id": ["A", "B"], "optimal": [300.0, 100.0]})
    real = sb.allocate(optimal, 1000, pd.Series({"A": 10_000.0, "B": 10_000.0}))
    assert real["real"].tolist() == [750, 250]
    capped = sb.allocate(optimal, 1000, pd.Series({"A": 600.0, "B": 10_000.0}))
    assert capped["real"].tolist() == [600, 400]


def test_reference_rule_region_only_with_enough_providers_and_higher():
    keys = {"year": 2024, "form": "pob", "capacity_unit": "luzka"}
    region = pd.DataFrame(
        [
            # enough providers, higher than national → the region's value
            {**keys, "service_type_code": 13, "providers": 6, "cost_per_unit": 700.0,
             "own_revenue_per_unit": 300.0},
            # enough providers but lower → national
            {**keys, "service_type_code": 14, "providers": 6, "cost_per_unit": 500.0,
             "own_revenue_per_unit": 200.0},
            # higher but too few providers → national
            {**keys, "service_type_code": 12, "providers": 4, "cost_per_unit": 900.0,
             "own_revenue_per_unit": 500.0},
            # no national value, too few providers → none
            {**keys, "service_type_code": 11, "providers": 2, "cost_per_unit": 600.0,
             "own_revenue_per_unit": 100.0},
        ]
    )  # fmt: skip
    national = pd.DataFrame(
        [
            {**keys, "service_type_code": 13, "cost_per_unit": 650.0,
             "own_revenue_per_unit": 350.0},
            {**keys, "service_type_code": 14, "cost_per_unit": 550.0,
             "own_revenue_per_unit": 150.0},
            {**keys, "service_type_code": 12, "cost_per_unit": 800.0,
             "own_revenue_per_unit": 400.0},
        ]
    )  # fmt: skip
    out = rv.reference_values(region, national, 5).set_index("service_type_code")
    assert out.loc[13, ["reference_cost", "cost_source"]].tolist() == [700.0, rv.SOURCE_REGION]
    assert out.loc[14, ["reference_cost", "cost_source"]].tolist() == [550.0, rv.SOURCE_NATIONAL]
    assert out.loc[12, ["reference_cost", "cost_source"]].tolist() == [800.0, rv.SOURCE_NATIONAL]
    assert np.isnan(out.loc[11, "reference_cost"]) and out.loc[11, "cost_source"] is None
    # The same rule for own revenues: 13's region value is lower → national; 14's higher.
    assert out.loc[13, "own_revenue_source"] == rv.SOURCE_NATIONAL
    assert out.loc[14, ["reference_own_revenue", "own_revenue_source"]].tolist() == [
        200.0,
        rv.SOURCE_REGION,
    ]


def test_statistics_of_the_usual_value():
    v = pd.Series([1.0, 2.0, 3.0, 4.0, 100.0])
    assert rv.statistic(v, "median", 0) == 3
    assert rv.statistic(v, "mean", 0) == 22
    assert rv.statistic(v, "trimmed_mean", 0.2) == 3


def test_outlier_flags_on_a_known_distribution():
    # Tukey's fences (k = 1.5) flag 0.70 % of a normal distribution: 2 × Φ(−2.698).
    values = pd.Series(np.random.default_rng(3).normal(size=200_000))
    groups = pd.DataFrame({"g": ["a"] * len(values)})
    flags = fb.outlier_flags(values, groups, "iqr", 1.5, 5)
    assert flags.isin(["low", "high"]).mean() == pytest.approx(0.00698, abs=0.0006)
    assert (flags == "low").sum() == pytest.approx((flags == "high").sum(), rel=0.15)
    # 1..20 with 100 and −50: quartiles 5.25 and 15.75, fences −10.5 and 31.5.
    small = pd.Series([*range(1, 21), 100.0, -50.0], dtype=float)
    flags = fb.outlier_flags(small, groups.head(len(small)), "iqr", 1.5, 5)
    assert flags.tolist() == ["normal"] * 20 + ["high", "low"]
    band = fb.outlier_flags(
        pd.Series([100.0, 100, 100, 100, 125, 79]), groups.head(6), "band", 0.2, 5
    )
    assert band.tolist() == ["normal", "normal", "normal", "normal", "high", "low"]
    # Too small a group is not judged.
    small = fb.outlier_flags(pd.Series([1.0, 100.0]), groups.head(2), "iqr", 1.5, 5)
    assert small.isna().all()


CRITERIA = {
    "need": Criterion(weight=0.5, breakpoints=[-0.2, 0.0, 0.2], higher_is_better=False),
    "quality": Criterion(weight=0.3, breakpoints=[0.5, 0.6, 0.7], higher_is_better=True),
    "cost": Criterion(weight=0.2, breakpoints=[0.9, 1.1, 1.25], higher_is_better=False),
}
CUTS = [Band(band="keep", min_score=60), Band(band="review", min_score=40),
        Band(band="remove", min_score=0)]  # fmt: skip


def _values(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service_id": [f"S{i:03d}" for i in range(n)],
            "need": rng.uniform(-0.5, 0.5, n),
            "quality": rng.uniform(0.4, 0.8, n),
            "cost": rng.uniform(0.7, 1.4, n),
        }
    )


def test_points_and_score_by_hand():
    values = pd.DataFrame(
        {"service_id": ["A"], "need": [-0.3], "quality": [0.65], "cost": [np.nan]}
    )
    sc = ns.score_services(values, CRITERIA, CUTS, 2)
    row = sc.table.iloc[0]
    assert (row["points_need"], row["points_quality"]) == (3, 2)
    # cost missing: (0.5 × 3/3 + 0.3 × 2/3) / 0.8 × 100 = 87.5
    assert row["score"] == pytest.approx(87.5)
    assert row["band"] == "keep" and row["driver"] == "need"
    assert ns.score_services(values, CRITERIA, CUTS, 3).table["score"].isna().all()


def test_a_weight_that_cannot_change_any_band_changes_none():
    # "quality" copies the points of "need" exactly (same raw value, same scale): moving
    # the weight between two identical criteria cannot change any score.
    rng = np.random.default_rng(1)
    values = _values(rng, 200)
    same = {
        "need": CRITERIA["need"],
        "quality": Criterion(weight=0.3, breakpoints=[-0.2, 0.0, 0.2], higher_is_better=False),
    }
    values["quality"] = values["need"]
    sc = ns.score_services(values, same, CUTS, 1)
    oat = ns.one_at_a_time(sc, CUTS, 0.2, 1)
    assert (oat["band_changed_share"] == 0).all()
    assert np.allclose(oat["rank_correlation"], 1)
    probs, per_draw = ns.random_weights(sc, CUTS, 500, 20, 7, 1, chunk=128)
    assert (per_draw["band_changed_share"] == 0).all()
    own = sc.table.set_index("service_id")["band"]
    p = probs.set_index("service_id")
    assert all(p.at[s, f"p_{b}"] == 1 for s, b in own.items())


def test_weights_that_matter_change_bands_and_draws_are_reproducible():
    values = _values(np.random.default_rng(2), 300)
    sc = ns.score_services(values, CRITERIA, CUTS, 3)
    oat = ns.one_at_a_time(sc, CUTS, 0.2, 3)
    assert oat["band_changed_share"].max() > 0
    a = ns.random_weights(sc, CUTS, 300, 20, 11, 3, chunk=100)
    # Criteria in another order (the pipeline's JSON sorts keys): the same numbers.
    reordered = {k: CRITERIA[k] for k in sorted(CRITERIA)}
    sc2 = ns.score_services(values, reordered, CUTS, 3)
    b = ns.random_weights(sc2, CUTS, 300, 20, 11, 3, chunk=77)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert ((a[0].iloc[:, 1:].sum(axis=1) - 1).abs() < 1e-12).all()


def test_score_adjustment_and_optimal_subsidy():
    adj = sb.score_adjustment(pd.Series({"A": 100.0, "B": 50.0, "C": 0.0, "D": np.nan}), 0.1)
    assert adj.tolist() == pytest.approx([0.1, 0.0, -0.1, 0.0])
    units = _units(["A", "B"], [True, True])
    price = pd.Series(
        [1000.0],
        index=pd.MultiIndex.from_tuples(
            [(13, "pob", "luzka")], names=["service_type_code", "form", "capacity_unit"]
        ),
    )
    opt = sb.optimal_subsidy(
        units, price, pd.Series({"A": 3000.0}), pd.Series({"A": 500.0}), adj
    ).set_index("service_id")
    assert opt.at["A", "base"] == 10 * 1000 - 3000 - 500
    assert opt.at["A", "optimal"] == pytest.approx(6500 * 1.1)
    assert opt.at["B", "optimal"] == 10_000


def test_cofinancing_rule_by_form_and_type():
    rules = [
        _rule("pob", 0.1, None),
        _rule("ter", 0.2, None),
        _rule("ter", 0.15, [4]),
    ]
    units = pd.DataFrame({"form": ["pob", "ter", "ter", "amb"], "service_type_code": [13, 4, 3, 1]})
    assert sb.cofinancing_share(units, rules).tolist()[:3] == [0.1, 0.15, 0.2]
    assert np.isnan(sb.cofinancing_share(units, rules).iloc[3])


def _rule(form, share, types):
    from analysis.params import CofinancingRule

    return CofinancingRule(form=form, share=share, types=types)


def test_bed_occupancy_above_one_and_implausible_revenue_leave_the_benchmark():
    rows = [
        {"service_id": "A", "year": 2024, "cost_personnel": 100.0, "occupancy": 1.2,
         "revenue_state_subsidy": 100.0},
        {"service_id": "B", "year": 2024, "cost_personnel": 100.0, "revenue_users": 400.0},
        {"service_id": "C", "year": 2024, "cost_personnel": 100.0, "revenue_users": 100.0},
    ]  # fmt: skip
    ind = fb.indicators(_finance(rows), _units(["A", "B", "C"], [True] * 3), 10, PUBLIC, 1.5)
    assert ind.set_index("service_id")["comparable"].to_dict() == {
        "A": False,
        "B": False,
        "C": True,
    }


def test_year_on_year_change_only_between_consecutive_years():
    rows = [
        {"service_id": "A", "year": 2022, "cost_personnel": 100.0},
        {"service_id": "A", "year": 2024, "cost_personnel": 120.0},
        {"service_id": "B", "year": 2023, "cost_personnel": 100.0},
        {"service_id": "B", "year": 2024, "cost_personnel": 110.0},
    ]
    ind = fb.indicators(_finance(rows), _units(["A", "B"], [True, True]), 10, PUBLIC, 1.5)
    change = ind.set_index(["service_id", "year"])["cost_change"]
    assert np.isnan(change[("A", 2024)])  # 2023 is missing: no change is shown
    assert change[("B", 2024)] == pytest.approx(0.1)


def test_outlier_rule_model_rejects_unknown_method():
    with pytest.raises(ValueError):
        OutlierRule(method="zscore", k=2, min_services=5)


def test_service_with_capacity_in_two_units_is_not_compared():
    services = pd.DataFrame(
        {
            "service_id": ["A", "A", "B", "B"],
            "service_type_code": [33, 33, 4, 4],
            "form": ["amb", "pob", "ter", "amb"],
            "capacity": [16.0, 10.0, 18.0, 6.0],
            "capacity_unit": ["klient", "luzka", "klient", "klient"],
            "provider_ico": ["1", "1", "2", "2"],
            "municipality_code": ["500001"] * 4,
            "in_regional_network": pd.array([True, True, None, None], dtype="boolean"),
        }
    )
    units = fb.service_units(services).set_index("service_id")
    # B's two forms share a unit: capacity 24; A mixes clients and beds.
    assert units.at["B", "capacity"] == 24 and not units.at["B", "mixed_units"]
    assert units.at["A", "capacity"] == 16 and units.at["A", "mixed_units"]
    assert units.at["A", "in_regional_network"] == True  # noqa: E712
    assert pd.isna(units.at["B", "in_regional_network"])
    rows = [
        {"service_id": "A", "year": 2024, "cost_personnel": 100.0},
        {"service_id": "B", "year": 2024, "cost_personnel": 100.0},
    ]
    ind = fb.indicators(_finance(rows), units.reset_index(), 10, PUBLIC, 1.5)
    assert ind.set_index("service_id")["comparable"].to_dict() == {"A": False, "B": True}


def test_reference_maximum_by_hand():
    comp_rows = pd.DataFrame(
        {
            "service_id": ["A", "B"],
            "year": 2024,
            "service_type_code": [13, 14],
            "form": "pob",
            "capacity_unit": "luzka",
        }
    )
    ref = pd.DataFrame(
        {
            "year": [2024],
            "service_type_code": [13],
            "form": ["pob"],
            "capacity_unit": ["luzka"],
            "reference_cost": [600.0],
            "reference_own_revenue": [250.0],
        }
    )
    out = comp.reference_maximum(comp_rows, pd.Series({"A": 10.0, "B": 5.0}), ref)
    assert out.iloc[0] == 3500
    assert np.isnan(out.iloc[1])
