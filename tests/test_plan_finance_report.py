"""The plan's money in the demo report (issue 25): the framework for every plan year with
its sources, one figure, the scenarios, and the municipalities' pledges per ORP and
municipality, each number the same wherever it is printed."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from analysis.params import load_methodology
from analysis.present import formatting as f
from tests.conftest import REPO_ROOT

METHODOLOGY = load_methodology(REPO_ROOT / "params" / "methodology.yaml")
YEARS = ["2025", "2026", "2027"]  # params/demo.yaml: 2025, plan horizon 3 years


def _table(report, name: str) -> pd.DataFrame:
    return pd.read_csv(report / "tables" / f"{name}.csv", dtype={"orp_code": str})


def test_the_framework_has_every_plan_year_and_adds_up(demo_report):
    t = _table(demo_report, "finance_framework").set_index("framework_item")
    assert list(t.columns) == ["2024", *YEARS]  # the accounts' year, then the plan's
    assert len(YEARS) == METHODOLOGY.demand.plan_horizon.value
    own = t.loc[["users_revenue", "health_revenue", "other_own_revenue"]].sum()
    assert own.to_numpy() == pytest.approx(t.loc["own_revenue"].to_numpy())
    need = t.loc["total_cost"] - t.loc["own_revenue"]
    assert need.to_numpy() == pytest.approx(t.loc["public_need"].to_numpy())
    sources = [
        "state_allocation",
        "region_money",
        "municipal_money",
        "eu_money",
        "other_public_money",
        "municipal_pledges",
    ]
    gap = t.loc["public_need"] - t.loc[sources].sum()
    assert gap.to_numpy() == pytest.approx(t.loc["gap"].to_numpy())
    # The intentions of 2026 and 2027 add cost from their start year on.
    costs = t.loc["intentions_cost"]
    assert costs["2025"] < costs["2026"] < costs["2027"]
    assert (demo_report / "figures" / "finance_framework_chart.png").exists()


def test_the_scenarios_share_the_first_years_gap_and_differ_after(demo_report):
    t = _table(demo_report, "finance_framework_scenarios").set_index("scenario")
    names = [s.name for s in METHODOLOGY.plan_finance.scenarios.value]
    assert list(t.index) == names
    gap = _table(demo_report, "finance_framework").set_index("framework_item").loc["gap", YEARS]
    assert t.loc[names[0]].to_numpy() == pytest.approx(gap.to_numpy())  # one number
    flat, up, wages, eu = names
    assert t.at[up, "2027"] < t.at[flat, "2027"] < t.at[eu, "2027"] < t.at[wages, "2027"]


def test_pledges_per_orp_and_municipality_are_the_municipalities_own(demo_report, demo_dir):
    """The ORP table's pledges are the sums of the pledges file by the municipalities'
    ORP; the municipalities' table lists each pledging municipality with its pledge; the
    ORP profile quotes its ORP's pledge as the table does."""
    pledges = pd.read_csv(demo_dir / "municipal_pledges.csv", dtype={"municipality_code": str})
    munis = pd.read_csv(demo_dir / "territory_municipalities.csv", dtype=str)
    pledges = pledges[pledges["year"] == 2025].merge(munis, on="municipality_code")
    expected = pledges.groupby("orp_code")["pledged_czk"].sum()
    orp = _table(demo_report, "finance_framework_municipal").set_index("orp_code")
    assert orp["pledged"].to_dict() == pytest.approx(expected.to_dict())
    by_muni = _table(demo_report, "finance_framework_pledges")
    assert by_muni["pledged"].sum() == pytest.approx(expected.sum())
    every = _table(demo_report, "finance_framework_municipalities")
    assert len(every) > len(by_muni)  # the attachment adds those who pledged nothing
    # The rule's requirement of each ORP is split among its municipalities in full.
    names = orp["orp_name"]
    per_orp = every.groupby("orp_name")["required_share"].sum()
    for code, required in orp["required"].items():
        assert per_orp[names[code]] == pytest.approx(required)
    code = orp.index[0]
    profile = (demo_report / "orp" / f"{code}.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", profile)).replace("\xa0", " ")
    quoted = f.millions(orp.at[code, "pledged"]).replace("\xa0", " ")
    assert f"Na rok 2025 přislíbily obce ORP na spolufinancování záměrů {quoted}" in text


def test_every_network_service_has_a_calculator_row_with_the_subsidy_s_base(demo_report):
    """One number, one definition: a service's yearly maximum compensation is the subsidy
    section's base; its period follows its entrustment or a new one."""
    calc = _table(demo_report, "finance_calculator_services").set_index("service_id")
    subsidy = _table(demo_report, "finance_subsidy").set_index("service_id")
    assert set(calc.index) == set(subsidy.index)
    assert calc["compensation"].to_numpy() == pytest.approx(
        subsidy.loc[calc.index, "base"].to_numpy()
    )
    new = calc["basis"] == "new"
    years = METHODOLOGY.plan_finance.entrustment_years.value
    assert (calc.loc[new, "period_to"] - calc.loc[new, "period_from"] + 1 == years).all()
    running = subsidy.loc[calc.index[~new], "entrusted_to"]
    assert (calc.loc[~new, "period_to"] == running).all() and (running >= 2025).all()
    assert (calc["compensation_period"] >= calc["compensation"] - 1e-6).all()
