"""The plan's money over the years: the ex-ante calculator and the financial framework,
each against a case computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.methods.plan_finance import (
    BaseYear,
    FieldCase,
    Growth,
    ResidentialCase,
    field_compensation,
    framework,
    over_entrustment,
    residential_compensation,
    scenario_gaps,
)
from analysis.params import FrameworkScenario, load_methodology
from tests.conftest import REPO_ROOT

PF = load_methodology(REPO_ROOT / "params" / "methodology.yaml").plan_finance


def test_a_care_home_of_60_beds():
    """By hand: bed-days 60 × 0.95 × 365 = 20,805; users 20,805 × (250 + 205) = 9,466,275;
    care allowance per resident 0.05 × 880 + 0.15 × 4,400 + 0.35 × 12,800 + 0.45 × 19,200
    = 13,824 a month, × 12 × 57 occupied beds = 9,455,616; health 20,805 × 60 = 1,248,300;
    cost 60 × 600,000 = 36,000,000; compensation 36,000,000 − 20,170,191 = 15,829,809."""
    case = ResidentialCase(
        beds=60,
        cost_per_bed=600_000,
        occupancy=PF.occupancy.value,
        accommodation_per_day=PF.accommodation_max_per_day.value,
        food_per_day=PF.food_max_per_day.value,
        care_allowance_monthly=PF.care_allowance_monthly.value,
        degree_mix=PF.residential_degree_mix.value,
        health_per_bed_day=PF.health_insurance_per_bed_day.value,
    )
    r = residential_compensation(case)
    assert r["users"] == pytest.approx(9_466_275)
    assert r["care_allowance"] == pytest.approx(9_455_616)
    assert r["health_insurance"] == pytest.approx(1_248_300)
    assert r["cost"] == 36_000_000
    assert r["compensation"] == pytest.approx(15_829_809)


def test_a_home_care_service_of_8_fte():
    """By hand: cost 8 × 850,000 = 6,800,000; users 8 × 1,000 h × 155 = 1,240,000;
    compensation 5,560,000; over a three-year entrustment with cost +5 % and revenue
    +2.5 % a year the third year is 7,497,000 − 1,302,775 = 6,194,225."""
    case = FieldCase(
        fte=8,
        cost_per_fte=850_000,
        chargeable_hours_per_fte=PF.chargeable_hours_per_fte.value,
        care_hour_max=PF.care_hour_max.value,
    )
    r = field_compensation(case)
    assert r["cost"] == 6_800_000 and r["users"] == 1_240_000
    assert r["compensation"] == 5_560_000
    period = over_entrustment(r, 3, 0.05, 0.025)
    assert period["period_year"].tolist() == [1, 2, 3]
    assert period["compensation"].iloc[2] == pytest.approx(
        6_800_000 * 1.05**2 - 1_240_000 * 1.025**2
    )
    assert period["compensation"].iloc[2] == pytest.approx(6_194_225)


BASE = BaseYear(
    personnel=70e6,
    other_costs=30e6,
    users=30e6,
    health_insurance=6e6,
    other_own=4e6,
    state=35e6,
    region=15e6,
    municipalities=5e6,
    eu=3e6,
    other_public=2e6,
)
GROWTH = Growth(wages=0.05, prices=0.02, own_revenue=0.02, allocation=0.0)
INTENTION = pd.DataFrame({"start_year": [2026], "cost": [10e6], "personnel_share": [0.8]})


def test_a_three_year_framework_with_an_intention_from_year_two():
    """By hand (millions): 2025 cost 100, own 40, need 60 = state 35 + others 25: gap 0.
    2026: network 70 × 1.05 + 30 × 1.02 = 104.1, the intention at its start-year price
    10, own (40 + 0.4 × 10) × 1.02 = 44.88, need 69.22, gap 9.22. 2027: network 108.387,
    intention 8 × 1.05 + 2 × 1.02 = 10.44, own 44 × 1.0404 = 45.7776, need 73.0494, gap
    13.0494."""
    f = framework(BASE, 2025, [2025, 2026, 2027], INTENTION, GROWTH, 35e6)
    f = f.set_index("year")
    assert f.at[2025, "intentions_cost"] == 0  # the intention starts in year two
    assert f.at[2025, "gap"] == pytest.approx(0)
    assert f.at[2026, "intentions_cost"] == pytest.approx(10e6)
    assert f.at[2026, "own_revenue"] == pytest.approx(44.88e6)
    assert f.at[2026, "gap"] == pytest.approx(9.22e6)
    assert f.at[2027, "network_cost"] == pytest.approx(108.387e6)
    assert f.at[2027, "intentions_cost"] == pytest.approx(10.44e6)  # recurring, indexed
    assert f.at[2027, "gap"] == pytest.approx(13.0494e6)
    assert (f["total_cost"] == f["network_cost"] + f["intentions_cost"]).all()
    # Each kind of own revenue in today's proportion: users 30 × 1.1 × 1.02 = 33.66 M.
    assert f.at[2026, "users"] == pytest.approx(33.66e6)
    assert f.at[2026, "health_insurance"] + f.at[2026, "other_own"] == pytest.approx(11.22e6)
    assert "pledges" not in f  # no pledges known: no column, not zeros


def test_the_accounts_year_shows_the_shortfall_the_plan_starts_from():
    """In the accounts' year: need 100 − 40 = 60, public money 35 + 15 + 5 + 3 + 2 = 60,
    no shortfall; with a state subsidy of 30 M the shortfall is 5 M."""
    import dataclasses

    from analysis.methods.plan_finance import accounts_row

    assert accounts_row(BASE, 2024)["gap"] == pytest.approx(0)
    short = accounts_row(dataclasses.replace(BASE, state=30e6), 2024)
    assert short["gap"] == pytest.approx(5e6) and short["public_need"] == pytest.approx(60e6)


def test_eu_money_ending_and_municipal_pledges_change_the_gap_by_hand():
    """EU money only in the first plan year: the 3 M of EU money is missing from 2026 on,
    gaps 9.22 + 3 = 12.22 and 13.0494 + 3 = 16.0494 million. The municipalities' pledge
    of 1 M for 2026 lowers that year's gap to 8.22 M; a year without a pledge in the
    (complete) table has 0."""
    eu_ends = Growth(wages=0.05, prices=0.02, own_revenue=0.02, allocation=0.0, eu_years=1)
    f = framework(BASE, 2025, [2025, 2026, 2027], INTENTION, eu_ends, 35e6).set_index("year")
    assert f["eu"].tolist() == [3e6, 0.0, 0.0]
    assert f.at[2025, "gap"] == pytest.approx(0)
    assert f.at[2026, "gap"] == pytest.approx(12.22e6)
    assert f.at[2027, "gap"] == pytest.approx(16.0494e6)
    pledged = framework(
        BASE, 2025, [2025, 2026, 2027], INTENTION, GROWTH, 35e6, pledges={2026: 1e6}
    ).set_index("year")
    assert pledged["pledges"].tolist() == [0.0, 1e6, 0.0]
    assert pledged.at[2026, "gap"] == pytest.approx(8.22e6)
    assert pledged.at[2027, "gap"] == pytest.approx(13.0494e6)


def test_scenarios_change_the_gap_as_computed_by_hand():
    """Allocation +5 % a year: state 36.75 (2026) and 38.5875 (2027) million, gaps 7.47
    and 9.4619 million; a wage shock raises every later year's gap above the flat one."""
    scenarios = [
        FrameworkScenario(name="flat", allocation_growth=0.0),
        FrameworkScenario(name="+5 %", allocation_growth=0.05),
        FrameworkScenario(name="wages 7 %", allocation_growth=0.0, wage_growth=0.07),
        FrameworkScenario(name="EU 1 year", allocation_growth=0.0, eu_years=1),
    ]
    gaps = scenario_gaps(BASE, 2025, [2025, 2026, 2027], INTENTION, scenarios, GROWTH, 35e6)
    assert gaps.at["flat", 2026] == pytest.approx(9.22e6)
    assert gaps.at["+5 %", 2026] == pytest.approx(7.47e6)
    assert gaps.at["+5 %", 2027] == pytest.approx(9.4619e6)
    assert (gaps.loc["wages 7 %", [2026, 2027]] > gaps.loc["flat", [2026, 2027]]).all()
    assert gaps.at["EU 1 year", 2027] == pytest.approx(16.0494e6)


def test_the_degree_mix_must_add_up_to_one(tmp_path):
    import yaml

    from analysis.errors import SocplanError

    doc = yaml.safe_load((REPO_ROOT / "params" / "methodology.yaml").read_text("utf-8"))
    doc["plan_finance"]["residential_degree_mix"]["value"]["IV"] = 0.5
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SocplanError, match="residential_degree_mix"):
        load_methodology(path)


def test_municipal_cofinancing_per_orp_beside_the_rule():
    """By hand: ORP A has two intentions, 10 M with an expected municipal share of 15 %
    and 4 M with 20 %, the rule asks 10 % and 20 %: expected 1.5 + 0.8 = 2.3 M, required
    1.0 + 0.8 = 1.8 M, difference +0.5 M, share 2.3 / 14 = 16.43 %. ORP B states no share:
    its expectation is missing, not zero. Without pledges there is no pledge column."""
    from analysis.methods.plan_finance import municipal_cofinancing

    out = municipal_cofinancing(AP).set_index("orp_code")
    assert out.at["A", "intentions"] == 2
    assert out.at["A", "expected"] == pytest.approx(2.3e6)
    assert out.at["A", "required"] == pytest.approx(1.8e6)
    assert out.at["A", "expected_minus_required"] == pytest.approx(0.5e6)
    assert out.at["A", "expected_share"] == pytest.approx(2.3 / 14)
    assert pd.isna(out.at["B", "expected"]) and out.at["B", "required"] == pytest.approx(0.9e6)
    assert "pledged" not in out


AP = pd.DataFrame(
    {
        "orp_code": ["A", "A", "B"],
        "cost_czk": [10e6, 4e6, 6e6],
        "municipal_share": [0.15, 0.20, None],
        "required_share": [0.10, 0.20, 0.15],
    }
)


def test_municipal_pledges_per_orp_and_municipality_by_hand():
    """The municipalities of A pledged 2.0 M (0.2 M above the rule's 1.8 M); B's
    municipalities pledged nothing in a complete table: 0, 0.9 M short; C has a pledge and
    no intention. The rule's 1.8 M of A split by population 3 000 : 1 000 is 1.35 M and
    0.45 M; a1 pledged 1.5 M (+0.15 M, 500 CZK an inhabitant), a2 nothing (−0.45 M); B's
    0.9 M falls on its only municipality b1; c1 pledged 0.1 M where the rule asks nothing
    (missing, not 0); d1 neither pledged nor is asked, and is not listed."""
    from analysis.methods.plan_finance import municipal_cofinancing, municipal_split

    by_orp = municipal_cofinancing(AP, pd.Series({"A": 2.0e6, "C": 0.1e6})).set_index("orp_code")
    assert by_orp.at["A", "pledged_minus_required"] == pytest.approx(0.2e6)
    assert by_orp.at["B", "pledged"] == 0 and by_orp.at["B", "pledged_minus_required"] == -0.9e6
    assert by_orp.at["C", "intentions"] == 0 and by_orp.at["C", "pledged"] == 0.1e6
    assert pd.isna(by_orp.at["C", "pledged_minus_required"])
    population = pd.DataFrame(
        {
            "municipality_code": ["a1", "a2", "b1", "c1", "d1"],
            "orp_code": ["A", "A", "B", "C", "D"],
            "population": [3000, 1000, 500, 200, 800],
        }
    )
    split = municipal_split(
        by_orp["required"], population, pd.Series({"a1": 1.5e6, "c1": 0.1e6})
    ).set_index("municipality_code")
    assert sorted(split.index) == ["a1", "a2", "b1", "c1"]  # d1: no requirement, no pledge
    assert split.at["a1", "required_share"] == pytest.approx(1.35e6)
    assert split.at["a2", "required_share"] == pytest.approx(0.45e6)
    assert split.at["a1", "pledged_minus_required"] == pytest.approx(0.15e6)
    assert split.at["a1", "pledged_per_inhabitant"] == pytest.approx(500)
    assert split.at["a2", "pledged_minus_required"] == pytest.approx(-0.45e6)
    assert split.at["b1", "required_share"] == pytest.approx(0.9e6)
    assert pd.isna(split.at["c1", "required_share"]) and split.at["c1", "pledged"] == 0.1e6


def test_every_network_service_over_its_entrustment_by_hand():
    """Report year 2025, new acts of 3 years. Service 1 is entrusted 2023–2026: 2025 and
    2026 remain. Service 2's act ended in 2024 and service 3 has none: a new act
    2025–2027. Service 1: cost 10 M, revenue 4 M, wages +5 %, revenue +2 %: 6 M in 2025
    and 10.5 − 4.08 = 6.42 M in 2026, 12.42 M in all. A service whose revenue exceeds its
    cost gets 0, not a negative payment."""
    from analysis.methods.plan_finance import compensation_over_period, entrustment_periods

    periods = entrustment_periods(
        pd.Series([2023, 2020, None], dtype="Int64"),
        pd.Series([2026, 2024, None], dtype="Int64"),
        2025,
        3,
    )
    assert periods["period_from"].tolist() == [2025, 2025, 2025]
    assert periods["period_to"].tolist() == [2026, 2027, 2027]
    assert periods["basis"].tolist() == ["existing", "new", "new"]
    total = compensation_over_period(
        pd.Series([10e6, 1e6, 1e6]),
        pd.Series([4e6, 2e6, 0.0]),
        periods["period_from"],
        periods["period_to"],
        2025,
        0.05,
        0.02,
    )
    assert total[0] == pytest.approx(12.42e6)
    assert total[1] == 0
    assert total[2] == pytest.approx(1e6 * (1 + 1.05 + 1.05**2))
