"""Finance methods on cases whose answers are known by hand: compensation and
carry-over, exact allocation, the reference-value rule, outlier flags, sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods import compensation as comp
from analysis.methods import finance_benchmark as fb
from analysis.methods import network_units as nu
from analysis.methods import reference_values as rv
from analysis.methods import subsidy as sb
from analysis.params import ExcludedCost, NetworkUnitRule, OutlierRule, ReasonableProfit

PUBLIC = [
    "revenue_state_subsidy",
    "revenue_region",
    "revenue_municipalities",
    "revenue_eu",
    "revenue_labour_office",
    "revenue_other_public",
]
EXCLUDED = [
    ExcludedCost(cost="cost_health_care", revenue="revenue_health_insurance"),
    ExcludedCost(cost="cost_outside_basic", revenue="revenue_outside_basic"),
]
NO_PROFIT = ReasonableProfit(metric="none", rate=0.0)
CARRY = ["revenue_region", "revenue_municipalities"]
BEDS = [NetworkUnitRule(form="pob", unit="luzka", min_occupancy=0.9)]


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


def _units(
    ids: list[str],
    network: list[bool | None],
    code: int = 13,
    entrusted: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Registry-derived rows of residential services of 10 beds each."""
    return pd.DataFrame(
        {
            "service_id": ids,
            "service_type_code": code,
            "form": "pob",
            "capacity_unit": "luzka",
            "provider_ico": [f"P{i}" for i in range(len(ids))],
            "municipality_code": "500001",
            "capacity": 10.0,
            "network_unit": "luzka",
            "beds": 10.0,
            "register_capacity": np.nan,
            "min_occupancy": 0.9,
            "mixed_units": False,
            "in_regional_network": pd.array(network, dtype="boolean"),
            "entrusted_from": pd.array(
                [entrusted[0] if entrusted else None] * len(ids), dtype="Int64"
            ),
            "entrusted_to": pd.array(
                [entrusted[1] if entrusted else None] * len(ids), dtype="Int64"
            ),
        }
    )


def _check(rows, network=True, **kw):
    ids = sorted({r["service_id"] for r in rows})
    ind = fb.indicators(_finance(rows), _units(ids, [network] * len(ids), **kw), 10, PUBLIC, 1.5)
    return comp.compensation(ind, EXCLUDED, PUBLIC, NO_PROFIT, 0.1, CARRY)


def test_break_even_residential_service_with_health_care_owes_nothing():
    # Costs 10.0 M incl. 1.0 M § 36 health care and 0.5 M depreciation; revenues users
    # 3.0 M, health insurance 1.0 M, state 4.5 M, region 1.5 M: revenues = costs.
    # Health care goes out with the insurance that pays it: eligible 9.0 M (depreciation
    # stays in), own 3.0 M, justified 6.0 M = public 4.5 + 1.5 M. Nothing to return.
    rows = [
        {
            "service_id": "A",
            "year": 2024,
            "cost_personnel": 7.0e6,
            "cost_operating": 3.0e6,
            "cost_health_care": 1.0e6,
            "cost_depreciation": 0.5e6,
            "revenue_users": 3.0e6,
            "revenue_health_insurance": 1.0e6,
            "revenue_state_subsidy": 4.5e6,
            "revenue_region": 1.5e6,
        }
    ]
    a = _check(rows).iloc[0]
    assert a["eligible_cost"] == 9.0e6
    assert a["own_revenue"] == 3.0e6
    assert a["justified"] == 6.0e6
    assert a["public_revenue"] == 6.0e6
    assert a["overcompensation"] == 0
    assert a["to_return"] == 0
    assert a["status"] == comp.STATUS["ok"]


def test_excluded_cost_without_its_reported_revenue_stays_in_with_it():
    # Activities outside the basic ones: cost reported, their revenue not broken out
    # (it sits in revenue_other). Both stay: nothing is manufactured.
    rows = [
        {
            "service_id": "A",
            "year": 2024,
            "cost_personnel": 1000.0,
            "cost_outside_basic": 100.0,
            "revenue_other": 100.0,
            "revenue_users": 300.0,
            "revenue_state_subsidy": 600.0,
        }
    ]
    a = _check(rows).iloc[0]
    assert (a["eligible_cost"], a["own_revenue"], a["justified"]) == (1000, 400, 600)
    assert a["overcompensation"] == 0


def test_eu_funds_and_labour_office_are_public_money():
    rows = [
        {
            "service_id": "A",
            "year": 2024,
            "cost_personnel": 1000.0,
            "revenue_users": 200.0,
            "revenue_state_subsidy": 500.0,
            "revenue_eu": 200.0,
            "revenue_labour_office": 100.0,
        }
    ]
    a = _check(rows).iloc[0]
    assert a["own_revenue"] == 200
    assert a["public_revenue"] == 800
    assert a["overcompensation"] == 0


def test_overcompensation_of_15_percent_is_returned_whole():
    # Costs 10.0 M, users 3.2 M: justified 6.8 M. Public 8.0 M (state 5.0, region 3.0):
    # over 1.2 M = 15 % of the average payment 8.0 M > 10 %: all returned, none carried.
    rows = [
        {
            "service_id": "A",
            "year": 2024,
            "cost_personnel": 10.0e6,
            "revenue_users": 3.2e6,
            "revenue_state_subsidy": 5.0e6,
            "revenue_region": 3.0e6,
        }
    ]
    a = _check(rows).iloc[0]
    assert a["overcompensation"] == pytest.approx(1.2e6)
    assert a["average_payment"] == 8.0e6
    assert a["carry_over"] == 0
    assert a["to_return"] == pytest.approx(1.2e6)
    assert a["status"] == comp.STATUS["return"]


def test_overcompensation_within_threshold_is_carried_and_deducted_next_year():
    # 2023: justified 6.8 M, public 7.0 M (state 5.0, region 2.0): over 0.2 M ≤ 10 % of
    # 7.0 M, carried from the region's money. 2024: the same costs, justified 6.8 − 0.2
    # carried in = 6.6 M; the region deducted the 0.2 M and paid 0.4 M less than in 2023
    # (public 6.6 M): nothing over.
    base = {"cost_personnel": 10.0e6, "revenue_users": 3.2e6, "revenue_state_subsidy": 5.0e6}
    rows = [
        {**base, "service_id": "A", "year": 2023, "revenue_region": 2.0e6},
        {**base, "service_id": "A", "year": 2024, "revenue_region": 1.6e6},
    ]
    out = _check(rows).set_index("year")
    assert out.at[2023, "overcompensation"] == pytest.approx(0.2e6)
    assert out.at[2023, "carry_over"] == pytest.approx(0.2e6)
    assert out.at[2023, "to_return"] == 0
    assert out.at[2023, "status"] == comp.STATUS["carry"]
    assert out.at[2024, "carried_in"] == pytest.approx(0.2e6)
    assert out.at[2024, "justified"] == pytest.approx(6.6e6)
    assert out.at[2024, "overcompensation"] == 0


def test_state_subsidy_is_never_carried_and_nothing_at_the_end_of_entrustment():
    # Over 0.2 M within the threshold, but all public money is the state subsidy: the
    # § 101a subsidy covers its own year only, so all 0.2 M is returned.
    state_only = [
        {
            "service_id": "A",
            "year": 2024,
            "cost_personnel": 10.0e6,
            "revenue_users": 3.2e6,
            "revenue_state_subsidy": 7.0e6,
        }
    ]
    a = _check(state_only).iloc[0]
    assert (a["carry_over"], a["to_return"]) == (0, pytest.approx(0.2e6))
    # Region money, but 2024 is the last year of the entrustment: returned, not carried.
    regional = [{**state_only[0], "revenue_state_subsidy": 5.0e6, "revenue_region": 2.0e6}]
    ended = _check(regional, entrusted=(2020, 2024)).iloc[0]
    assert (ended["carry_over"], ended["to_return"]) == (0, pytest.approx(0.2e6))
    running = _check(regional, entrusted=(2022, 2026)).iloc[0]
    assert (running["carry_over"], running["to_return"]) == (pytest.approx(0.2e6), 0)


def test_service_outside_the_network_is_not_checked():
    rows = [
        {
            "service_id": "B",
            "year": 2024,
            "cost_personnel": 1000.0,
            "revenue_users": 300.0,
            "revenue_state_subsidy": 950.0,
        }
    ]
    b = _check(rows, network=False).iloc[0]
    assert b["status"] == comp.STATUS["outside"]
    assert np.isnan(b["to_return"]) and np.isnan(b["overcompensation"])


def test_reasonable_profit_in_the_metric_of_the_entrustment_act():
    from analysis.params import ReasonableProfit

    rows = [
        {
            "service_id": "A",
            "year": 2024,
            "cost_personnel": 1000.0,
            "revenue_users": 300.0,
            "revenue_state_subsidy": 750.0,
            "capital_employed": 1000.0,
        }
    ]
    ind = fb.indicators(_finance(rows), _units(["A"], [True]), 10, PUBLIC, 1.5)
    # 5 % of the capital employed (50) is a reasonable profit: justified 700 + 50.
    roc = ReasonableProfit(metric="return_on_capital", rate=0.05)
    a = comp.compensation(ind, EXCLUDED, PUBLIC, roc, 0.1, CARRY).iloc[0]
    assert a["allowed_profit"] == 50 and a["overcompensation"] == 0
    # None allowed: the 50 are overcompensation.
    b = comp.compensation(ind, EXCLUDED, PUBLIC, NO_PROFIT, 0.1, CARRY).iloc[0]
    assert b["overcompensation"] == 50


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
    ind = fb.indicators(_finance(rows), _units(["A"], [True]), 10, PUBLIC, 5.0)
    out = comp.compensation(ind, [], PUBLIC, NO_PROFIT, 0.1, CARRY).iloc[0]
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
    # The optimal subsidy is a maximum: what the services can take is distributed to the
    # crown, the rest is left undistributed.
    ceiling = int(np.floor(optimal["optimal"]).sum())
    assert real["real"].sum() == min(round(allocation), ceiling)
    assert real.attrs["undistributed"] == round(allocation) - real["real"].sum()
    assert (real["real"] >= 0).all()
    assert (real["real"] <= real["optimal"]).all()
    assert real["real"].dtype.kind == "i"
    # With requests as caps too: nobody above min(request, optimal).
    requests = pd.Series(
        np.round(optimal["optimal"].to_numpy() * rng.uniform(0.2, 1.5, n)),
        index=optimal["service_id"],
    )
    capped = sb.allocate(optimal, allocation, requests)
    assert (capped["real"] <= capped["requested"]).all()
    assert (capped["real"] <= capped["optimal"]).all()
    expected = min(round(allocation), int(capped["cap"].sum()))
    assert capped["real"].sum() == expected
    assert capped.attrs["undistributed"] == round(allocation) - expected


def test_allocation_above_the_sum_of_optimal_subsidies_gives_none_above_optimal():
    # Optimal 100 and 300 (sum 400), allocation 1 000, no requests: A 100, B 300, and
    # 600 undistributed. With 30 of other public money expected by A: A at most 70.
    optimal = pd.DataFrame({"service_id": ["A", "B"], "optimal": [100.0, 300.0]})
    real = sb.allocate(optimal, 1000, None)
    assert real["real"].tolist() == [100, 300]
    assert real.attrs["undistributed"] == 600
    other = sb.allocate(optimal, 1000, pd.Series({"A": 500.0, "B": 250.0}), pd.Series({"A": 30.0}))
    assert other["real"].tolist() == [70, 250]
    assert other.attrs["undistributed"] == 680


def test_price_level_indexed_to_the_subsidy_year():
    assert sb.indexed_price(1000.0, 1.0, 0.05, 1) == pytest.approx(1050)
    assert sb.indexed_price(1000.0, 1.1, 0.05, 2) == pytest.approx(1000 * 1.1 * 1.05**2)
    assert sb.indexed_price(1000.0, 1.0, 0.05, 0) == 1000


def test_largest_remainder_breaks_ties_by_order():
    out = sb.largest_remainder(np.array([1.5, 1.5, 1.0]), 4, np.array([2, 1, 3]))
    assert out.tolist() == [1, 2, 1]


def test_allocation_is_proportional_when_no_cap_binds():
    optimal = pd.DataFrame({"service_id": ["A", "B"], "optimal": [3000.0, 1000.0]})
    real = sb.allocate(optimal, 1000, pd.Series({"A": 10_000.0, "B": 10_000.0}))
    assert real["real"].tolist() == [750, 250]
    capped = sb.allocate(optimal, 1000, pd.Series({"A": 600.0, "B": 10_000.0}))
    assert capped["real"].tolist() == [600, 400]


def test_reference_rule_region_only_with_enough_providers_and_higher():
    keys = {"year": 2024, "form": "pob", "network_unit": "luzka"}
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


def test_score_adjustment_and_optimal_subsidy():
    adj = sb.score_adjustment(pd.Series({"A": 100.0, "B": 50.0, "C": 0.0, "D": np.nan}), 0.1)
    assert adj.tolist() == pytest.approx([0.1, 0.0, -0.1, 0.0])
    units = _units(["A", "B"], [True, True])
    # B fills 72 % of its 10 beds against a minimum of 90 %: paid for 10 × 0.8 = 8 beds.
    units["units"] = nu.counted_units(
        units["beds"], units["network_unit"], pd.Series([0.95, 0.72]), units["min_occupancy"]
    )
    assert units["units"].tolist() == pytest.approx([10, 8])
    price = pd.Series(
        [1000.0],
        index=pd.MultiIndex.from_tuples(
            [(13, "pob", "luzka")], names=["service_type_code", "form", "network_unit"]
        ),
    )
    opt = sb.optimal_subsidy(
        units, price, pd.Series({"A": 3000.0}), pd.Series({"A": 500.0}), adj
    ).set_index("service_id")
    assert opt.at["A", "base"] == 10 * 1000 - 3000 - 500
    assert opt.at["A", "optimal"] == pytest.approx(6500 * 1.1)
    assert opt.at["B", "optimal"] == pytest.approx(8000)


def test_beds_and_clients_are_never_added():
    # 60 home-care clients and 10 care-home beds: no sum, no comparison as numbers.
    values = pd.Series([60.0, 10.0])
    with pytest.raises(nu.MixedUnitsError, match="klient, luzka"):
        nu.total_in_one_unit(values, pd.Series(["klient", "luzka"]), "capacity added")
    with pytest.raises(nu.MixedUnitsError):
        nu.require_one_unit(["luzka", "fte_direct"], "network units")
    assert nu.total_in_one_unit(values, pd.Series(["luzka", "luzka"]), "beds") == 70


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


def test_service_with_forms_in_two_network_units_is_not_compared():
    rules = [
        NetworkUnitRule(form="pob", unit="luzka", min_occupancy=0.9),
        NetworkUnitRule(form="amb", unit="fte_direct"),
        NetworkUnitRule(form="ter", unit="fte_direct"),
    ]
    services = pd.DataFrame(
        {
            "service_id": ["A", "A", "B", "B", "C"],
            "service_type_code": [33, 33, 4, 4, 4],
            "form": ["amb", "pob", "ter", "amb", "ter"],
            "capacity": [16.0, 10.0, 18.0, 6.0, 20.0],
            "capacity_unit": ["klient", "luzka", "klient", "klient", "klient"],
            "provider_ico": ["1", "1", "2", "2", "3"],
            "municipality_code": ["500001"] * 5,
            "in_regional_network": pd.array([True, True, None, None, True], dtype="boolean"),
            # The region's register counts C in 2.5 FTE itself.
            "network_unit": [None, None, None, None, "fte_direct"],
            "network_capacity": [np.nan, np.nan, np.nan, np.nan, 2.5],
        }
    )
    units = fb.service_units(services, rules).set_index("service_id")
    # A: outpatient (FTE) and residential (beds) forms: no single unit for its costs.
    assert units.at["A", "mixed_units"] and units.at["A", "network_unit"] == "fte_direct"
    assert units.at["A", "beds"] == 10
    # B: field and outpatient forms, both counted in direct-care FTE.
    assert not units.at["B", "mixed_units"] and units.at["B", "network_unit"] == "fte_direct"
    assert units.at["B", "capacity"] == 24  # registered clients, kept for reference only
    assert units.at["A", "in_regional_network"] == True  # noqa: E712
    assert pd.isna(units.at["B", "in_regional_network"])
    rows = [
        {"service_id": s, "year": 2024, "cost_personnel": 1.2e6, "fte_direct": 2.0}
        for s in ("A", "B", "C")
    ]
    ind = fb.indicators(_finance(rows), units.reset_index(), 10, PUBLIC, 1.5).set_index(
        "service_id"
    )
    assert ind["comparable"].to_dict() == {"A": False, "B": True, "C": True}
    # Cost per direct-care FTE of the report, or of the register where it counts.
    assert ind.at["B", "cost_per_unit"] == 600_000
    assert ind.at["C", "cost_per_unit"] == 480_000
    assert np.isnan(ind.at["B", "fte_per_capacity"])  # FTE per 10 beds: beds only


def test_reference_maximum_by_hand():
    comp_rows = pd.DataFrame(
        {
            "service_id": ["A", "B"],
            "year": 2024,
            "service_type_code": [13, 14],
            "form": "pob",
            "network_unit": "luzka",
            "network_capacity": [10.0, 5.0],
        }
    )
    ref = pd.DataFrame(
        {
            "year": [2024],
            "service_type_code": [13],
            "form": ["pob"],
            "network_unit": ["luzka"],
            "reference_cost": [600.0],
            "reference_own_revenue": [250.0],
        }
    )
    out = comp.reference_maximum(comp_rows, ref)
    assert out.iloc[0] == 3500
    assert np.isnan(out.iloc[1])


def test_a_carried_amount_stays_owed_and_years_outside_the_entrustment_are_not_checked():
    # 2023: over 0.2 M, carried (region money). 2024: the region did not deduct it and
    # the service lost 0.1 M (revenues 9.9 M against costs 10.0 M): with the 0.2 M
    # carried in, 0.1 M is still overcompensation (the carried amount is never lost);
    # within the threshold, it is carried again.
    base = {"cost_personnel": 10.0e6, "revenue_users": 3.2e6, "revenue_state_subsidy": 5.0e6}
    rows = [
        {**base, "service_id": "A", "year": 2023, "revenue_region": 2.0e6},
        {**base, "service_id": "A", "year": 2024, "revenue_region": 1.7e6},
    ]
    out = _check(rows, entrusted=(2022, 2026)).set_index("year")
    assert out.at[2024, "carried_in"] == pytest.approx(0.2e6)
    assert out.at[2024, "overcompensation"] == pytest.approx(0.1e6)
    assert out.at[2024, "carry_over"] == pytest.approx(0.1e6)
    assert out.at[2024, "to_return"] == 0
    # An entrustment that ended in 2023: 2024 is not checked.
    ended = _check(rows, entrusted=(2019, 2023)).set_index("year")
    assert ended.at[2023, "to_return"] == pytest.approx(0.2e6)
    assert ended.at[2023, "return_reason"] == comp.RETURN_REASONS["end"]
    assert np.isnan(ended.at[2024, "to_return"])
    assert ended.at[2024, "status"] == comp.STATUS["period"]
