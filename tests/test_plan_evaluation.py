"""Plan evaluation on constructed cases: status rules in both directions, the trend,
the funded set against brute force, size bands, the draft standard's limits and the
deinstitutionalisation wording, quality."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.methods import deinstitutionalisation as di
from analysis.methods import intentions as it
from analysis.methods import plan_evaluation as pe
from analysis.params import CofinancingRule, MtsLimit

S = pe.STATUS_LABELS


def _indicators(rows):
    base = {"measure_id": "m", "name": "n", "unit": "u", "baseline_year": 2022, "target_year": 2026}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_status_rules_in_both_directions():
    ind = _indicators(
        [
            # rising target: 0 → 10, half the period elapsed in 2024
            {"indicator_id": "up_done", "baseline_value": 0, "target_value": 10},
            {"indicator_id": "up_on", "baseline_value": 0, "target_value": 10},
            {"indicator_id": "up_threat", "baseline_value": 0, "target_value": 10},
            # falling target: 100 → 50
            {"indicator_id": "down_done", "baseline_value": 100, "target_value": 50},
            {"indicator_id": "down_on", "baseline_value": 100, "target_value": 50},
            {"indicator_id": "down_threat", "baseline_value": 100, "target_value": 50},
            # keep the baseline, lower is better (e.g. waiting time)
            {"indicator_id": "keep_ok", "baseline_value": 30, "target_value": 30,
             "direction": "lower"},
            {"indicator_id": "keep_bad", "baseline_value": 30, "target_value": 30,
             "direction": "lower"},
            # the target year has passed without reaching the target
            {"indicator_id": "failed", "baseline_value": 0, "target_value": 10,
             "target_year": 2024},
        ]
    )  # fmt: skip
    vals = pd.DataFrame(
        {
            "indicator_id": [
                "up_done", "up_on", "up_threat", "down_done", "down_on", "down_threat",
                "keep_ok", "keep_bad", "failed",
            ],
            "year": 2024,
            "value": [11, 4.5, 3, 45, 77.5, 90, 28, 31, 9],
        }
    )  # fmt: skip
    out = pe.indicator_progress(ind, vals, 2025, 0.1).set_index("indicator_id")["status"]
    assert out["up_done"] == S["achieved"]
    assert out["up_on"] == S["on_track"]  # 45 % vs 50 % − 10
    assert out["up_threat"] == S["threatened"]  # 30 % vs 50 % − 10
    assert out["down_done"] == S["achieved"]  # 45 is below the target 50
    assert out["down_on"] == S["on_track"]  # 45 % of the fall
    assert out["down_threat"] == S["threatened"]  # 20 % of the fall
    assert out["keep_ok"] == S["achieved"] and out["keep_bad"] == S["threatened"]
    assert out["failed"] == S["failed"]


def test_trend_reaches_the_target_in_the_right_year_or_never():
    ind = _indicators(
        [
            {"indicator_id": "a", "baseline_value": 0, "target_value": 10},
            {"indicator_id": "b", "baseline_value": 100, "target_value": 50},
            {"indicator_id": "c", "baseline_value": 0, "target_value": 10},
        ]
    )
    vals = pd.DataFrame(
        {
            "indicator_id": ["a", "a", "b", "b", "c", "c"],
            "year": [2023, 2024, 2023, 2024, 2023, 2024],
            "value": [2, 4, 90, 80, 0, -1],
        }
    )
    out = pe.trend_projection(ind, vals, 2025, 3, 15).set_index("indicator_id")
    assert out.at["a", "trend_value"] == pytest.approx(8)  # +2 a year from 0 in 2022
    assert out.at["a", "trend_year"] == 2027
    assert out.at["b", "trend_year"] == 2027  # −10 a year from 100
    assert pd.isna(out.at["c", "trend_year"])  # moving away from the target
    few = pe.trend_projection(ind, vals[vals["year"] == 2024], 2025, 3, 15)
    assert few["trend_value"].isna().all()


def _candidates(rng, n):
    return pd.DataFrame(
        {
            "intention_id": [f"Z{i}" for i in range(n)],
            "area_code": rng.choice(["A", "B", "C"], n),
            "service_type_code": rng.choice([13, 14], n),
            "capacity_unit": rng.choice(["luzka", "klient"], n),
            "capacity_change": rng.integers(1, 30, n).astype(float),
            "budget_czk": rng.integers(1, 20, n) * 1e6,
            "gap_median": 0.0,
        }
    )


@pytest.mark.parametrize("seed", range(25))
def test_funded_set_equals_the_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    cand = _candidates(rng, int(rng.integers(2, 10)))
    # One shortage per area, type and unit (divisors of 40, so that shares are multiples
    # of 1/40 and ties are exact).
    keys = ["area_code", "service_type_code", "capacity_unit"]
    shortage = {
        k: float(rng.choice([0, 5, 10, 20, 40]))
        for k in set(cand[keys].itertuples(index=False, name=None))
    }
    cand["gap_median"] = [-shortage[k] for k in cand[keys].itertuples(index=False, name=None)]
    budget = float(rng.integers(1, 60)) * 1e6
    funded = it.select_funded(cand, budget)
    assert cand.loc[funded, "budget_czk"].sum() <= budget
    best_share, best_negative_cost = it.brute_force(cand, budget)
    assert it.shares_closed(cand, funded) == pytest.approx(best_share)
    assert cand.loc[funded, "budget_czk"].sum() == pytest.approx(-best_negative_cost)


def test_two_intentions_never_close_one_gap_twice():
    cand = pd.DataFrame(
        {
            "area_code": ["A", "A", "B"],
            "service_type_code": [13, 13, 13],
            "capacity_unit": "luzka",
            "capacity_change": [20.0, 20.0, 5.0],
            "budget_czk": [1e6, 1e6, 1e6],
            "gap_median": [-20.0, -20.0, -5.0],
        }
    )
    funded = it.select_funded(cand, 2e6)
    # The second intention in A would add nothing: the budget goes to B instead.
    assert funded.tolist() in ([True, False, True], [False, True, True])
    closed = it.closed_by_group(cand, funded)
    assert closed["gap_closed"].tolist() == [20, 5]
    assert it.shares_closed(cand, funded) == 2.0


def test_sixty_clients_are_never_preferred_to_ten_beds_because_60_exceeds_10():
    # Same price, budget for one: 60 home-care clients against a shortage of 300 clients
    # close 20 % of it; 10 care-home beds against a shortage of 10 beds close all of it.
    # A sum of capacity would pick the clients (60 > 10); shares pick the beds.
    cand = pd.DataFrame(
        {
            "area_code": ["A", "A"],
            "service_type_code": [4, 11],
            "capacity_unit": ["klient", "luzka"],
            "capacity_change": [60.0, 10.0],
            "budget_czk": [2e6, 2e6],
            "gap_median": [-300.0, -10.0],
        }
    )
    assert it.select_funded(cand, 2e6).tolist() == [False, True]
    closed = it.closed_by_group(cand, np.array([True, True]))
    # Each group in its own unit: 60 clients and 10 beds, never 70 of anything.
    assert closed[["capacity_unit", "gap_closed"]].values.tolist() == [
        ["klient", 60.0],
        ["luzka", 10.0],
    ]
    assert it.shares_closed(cand, np.array([True, True])) == pytest.approx(1.2)


def test_new_residential_places_above_the_community_size_are_flagged_and_not_funded():
    ap = pd.DataFrame(
        {
            "intention_id": ["Z1", "Z2", "Z3"],
            "measure_id": "M1",
            "year": 2025,
            "name": ["velký domov", "malý domov", "pečovatelská služba"],
            "service_type_code": [11, 11, 4],
            "form": ["pob", "pob", "ter"],
            "orp_code": "1000",
            "capacity_change": [40.0, 12.0, 40.0],
            "capacity_unit": ["luzka", "luzka", "klient"],
            "cost_czk": [20e6, 6e6, 2e6],
            "status": "planovano",
            "municipal_share": 0.5,
            "need_declared": pd.array([True] * 3, dtype="boolean"),
        }
    )
    measures = pd.DataFrame({"measure_id": ["M1"], "priority_id": ["P1"]})
    priorities = pd.DataFrame({"priority_id": ["P1"], "target_group": ["vsechny"]})
    gaps = pd.DataFrame(
        {
            "area_code": "1000",
            "service_type_code": [11, 4],
            "capacity_unit": ["luzka", "klient"],
            "gap_median": [-100.0, -100.0],
            "gap_low": [-150.0, -150.0],
            "gap_high": [-50.0, -50.0],
        }
    )
    rules = [CofinancingRule(form="pob", share=0.1), CofinancingRule(form="ter", share=0.2)]
    areas = {"local": pd.Series({"1000": "1000"})}
    rule = it.ResidentialRule((11, 12), 18, False)
    out = it.intention_checks(ap, 2025, measures, priorities, gaps, areas, {}, rules, rule, 3)
    out = out.set_index("intention_id")
    assert out["large_residential"].to_dict() == {"Z1": True, "Z2": False, "Z3": False}
    assert out["eligible"].to_dict() == {"Z1": False, "Z2": True, "Z3": True}
    # Co-financing: a share of the costs of the new service. The region pays at most the
    # cost less the municipalities' declared half (1.0 of 2.0 M), over three years.
    assert out.at["Z2", "required_municipal_czk"] == pytest.approx(0.6e6)
    assert out.at["Z3", "budget_czk"] == pytest.approx(1e6)
    assert out.at["Z3", "cost_horizon_czk"] == pytest.approx(3e6)
    allowed = it.ResidentialRule((11, 12), 18, True)
    again = it.intention_checks(ap, 2025, measures, priorities, gaps, areas, {}, rules, allowed, 3)
    assert again.set_index("intention_id").at["Z1", "eligible"]


def test_size_bands_and_standard_limits():
    services = pd.DataFrame(
        {
            "service_id": ["a", "b", "c", "d", "e", "f"],
            "service_name": ["A", "B", "C", "D", "E", "F"],
            "service_type_code": [15, 15, 12, 12, 13, 20],
            "form": ["pob"] * 6,
            "capacity_unit": ["luzka"] * 6,
            "capacity": [12, 13, 18, 60, 31, 40],
            "municipality_code": ["500001"] * 6,
        }
    )
    fac = di.residential(services, [12, 13, 15])
    assert set(fac["service_id"]) == {"a", "b", "c", "d", "e"}  # 20 is not tracked
    bands = di.size_band(fac["capacity"], [12, 18, 30, 50]).tolist()
    assert bands == ["≤ 12", "13–18", "13–18", "> 50", "31–50"]
    sizes = di.by_size(fac, [12, 18, 30, 50])
    assert sizes.loc[15, ("places", "≤ 12")] == 12 and sizes.loc[15, ("places", "13–18")] == 13
    assert sizes.loc[12, ("facilities", "> 50")] == 1
    large = di.large_share(fac, 30).set_index("service_type_code")
    assert large.at[12, "large_share"] == pytest.approx(60 / 78)
    assert large.at[15, "large_share"] == 0
    limits = [
        MtsLimit(types=[15], max_places=12, standard="CHB"),
        MtsLimit(types=[11, 12], max_places=18, standard="DOZP"),
    ]
    over = di.mts_check(fac, limits)
    assert set(over["service_id"]) == {"b", "d"}  # 12 and 18 places are within the limits


def test_quality_scores_per_area():
    checklist = pd.DataFrame(
        {
            "area": ["plan", "plan", "zapojeni"],
            "criterion": ["x", "y", "z"],
            "assessment": ["met", "partly", "not_met"],
            "evidence": ["e", "e", "e"],
        }
    )
    areas = {"plan": "plán", "zapojeni": "zapojení", "legitimita": "legitimita"}
    out = pe.quality_by_area(checklist, {"met": 1, "partly": 0.5, "not_met": 0}, areas)
    out = out.set_index("area")
    assert out.at["plán", "score"] == 75
    assert out.at["zapojení", "score"] == 0
    assert np.isnan(out.at["legitimita", "score"]) and out.at["legitimita", "criteria"] == 0


def _edit(path, row, column, value):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if column not in df:
        df[column] = ""
    df.loc[row - 2, column] = value
    df.to_csv(path, index=False)


def test_bad_plan_inputs_name_file_row_and_column(demo_copy):
    from analysis.data.loading import load_dataset
    from analysis.errors import DataValidationError
    from analysis.params import load_run_config
    from tests.conftest import REPO_ROOT

    ind = demo_copy / "plan_indicators.csv"
    df = pd.read_csv(ind, dtype=str, keep_default_na=False)
    _edit(ind, 3, "target_value", df.loc[1, "baseline_value"])  # target = baseline
    _edit(ind, 4, "direction", "higher")  # a falling target said to rise? row 4 rises: ok
    _edit(demo_copy / "action_plan.csv", 5, "municipal_share", "1.4")
    config = load_run_config(REPO_ROOT / "params" / "demo.yaml", data_dir=demo_copy)
    with pytest.raises(DataValidationError) as err:
        load_dataset(config)
    found = {(p.file, p.row, p.column) for p in err.value.problems}
    assert ("plan_indicators.csv", 3, "direction, baseline_value, target_value") in found
    assert ("action_plan.csv", 5, "municipal_share") in found
    assert not any(p.row == 4 and p.file == "plan_indicators.csv" for p in err.value.problems)


def test_unknown_orp_and_indicator_are_rejected(demo_copy):
    from analysis.data.loading import load_dataset
    from analysis.errors import DataValidationError
    from analysis.params import load_run_config
    from tests.conftest import REPO_ROOT

    _edit(demo_copy / "action_plan.csv", 6, "orp_code", "9999")
    _edit(demo_copy / "plan_indicator_values.csv", 2, "indicator_id", "I9.9")
    config = load_run_config(REPO_ROOT / "params" / "demo.yaml", data_dir=demo_copy)
    with pytest.raises(DataValidationError) as err:
        load_dataset(config)
    found = {(p.file, p.row, p.column) for p in err.value.problems}
    assert ("action_plan.csv", 6, "orp_code") in found
    assert ("plan_indicator_values.csv", 2, "indicator_id") in found


def test_negative_development_budget_is_rejected(tmp_path):
    import yaml

    from analysis.errors import ParameterError
    from analysis.params import load_methodology
    from tests.conftest import REPO_ROOT

    doc = yaml.safe_load((REPO_ROOT / "params" / "methodology.yaml").read_text("utf-8"))
    doc["plan"]["development_budgets"]["value"][0]["czk"] = -1
    path = tmp_path / "methodology.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"plan\.development_budgets\.value\.0\.czk"):
        load_methodology(path)


def _di_dataset(with_plans: bool) -> SimpleNamespace:
    """A small region: sheltered housing of 10 and 13 places, a home for people with
    disabilities of 60 places and one of 18, a home for seniors of 85 places, and two
    transformation plans (no number of the data is 40, so a "40" in the text could come
    only from the former national target)."""
    services = pd.DataFrame(
        {
            "service_id": ["chb1", "chb2", "dozp1", "dozp2", "ds1"],
            "service_name": ["CHB 1", "CHB 2", "DOZP 1", "DOZP 2", "DS 1"],
            "service_type_code": [15, 15, 12, 12, 13],
            "form": ["pob"] * 5,
            "capacity_unit": ["luzka"] * 5,
            "capacity": [10, 13, 60, 18, 85],
            "municipality_code": ["500001"] * 5,
            "active_from": pd.to_datetime(["2015-01-01"] * 5),
            "active_to": pd.to_datetime([None] * 5),
        }
    )
    plans = pd.DataFrame(
        {
            "plan_id": ["T1", "T2"],
            "service_id": ["dozp1", "ds1"],
            "name": ["DOZP 1", "DS 1"],
            "start_year": [2021, 2023],
            "target_year": [2026, 2028],
            "capacity_before": [60, 85],
            "capacity_after": [24, 55],
            "status": ["probiha", "planovano"],
        }
    )
    return SimpleNamespace(
        services=services,
        population=pd.DataFrame({"year": [2023, 2024, 2025]}),
        municipalities=pd.DataFrame(
            {"municipality_code": ["500001"], "municipality_name": ["Vzorov"]}
        ),
        transformation_plans=plans,
        is_complete=lambda content: with_plans and content == "transformation",
    )


@pytest.mark.parametrize("with_plans", [True, False])
def test_di_text_has_no_national_target_and_names_the_draft_standard(with_plans):
    from analysis.chapters._plan_deinstitutionalisation import deinstitutionalisation
    from analysis.params import load_methodology
    from analysis.resources import methodology_file

    ch = SimpleNamespace(di_headline="")
    deinstitutionalisation(ch, _di_dataset(with_plans), load_methodology(methodology_file()), 2025)
    texts = [ch.di_text, ch.di_headline, ch.transformation_text]
    for text in texts:
        assert re.search(r"(?<![\d,])40(?![\d,])", text) is None, text
        assert "národní cíl" not in text and "národního cíle" not in text, text
    # The standard is a draft never enacted, compared with the registry only as orientation.
    assert "návrh MPSV, který nebyl přijat jako právní předpis" in ch.di_text
    assert "nové nebo investičně podpořené kapacity" in ch.di_text
    assert "Kapacitu nad limitem tohoto návrhu pro jednu budovu mají 2 služby" in ch.di_text
    assert "překračuj" not in ch.di_text
    assert set(ch.di_mts["service_id"]) == {"chb2", "dozp1"}  # 13 > 12, 60 > 18; 18 is within
    if with_plans:
        summary = ch.transformation_summary.set_index("status")
        assert "share_of_national_target" not in summary.columns
        running = summary.loc["probíhá"]
        assert (running["services"], running["capacity_before"], running["capacity_after"]) == (
            1,
            60,
            24,
        )
        assert ch.transformation_text.startswith("Plány transformace zahrnují 2 služby; ")
        assert ch.di_headline.endswith("; plány transformace zahrnují 2 služby")
    else:
        assert ch.transformation_text == (
            "Plány transformace pobytových služeb nebyly dodány (tabulka "
            "transformation_plans.csv podle datového modelu)."
        )


@pytest.mark.parametrize(
    ("n", "phrase"),
    [
        (0, "pro jednu budovu nemá žádná služba (orientační srovnání)."),
        (1, "pro jednu budovu má 1 služba; jde o orientační srovnání, ne o porušení předpisu."),
        (3, "pro jednu budovu mají 3 služby; jde o orientační srovnání"),
        (5, "pro jednu budovu má 5 služeb; jde o orientační srovnání"),
    ],
)
def test_mts_text_is_an_indicative_comparison_with_a_draft(n, phrase):
    from analysis.chapters._plan_deinstitutionalisation import mts_text

    text = mts_text(n)
    assert text.startswith("Materiálně-technický standard pobytových služeb je návrh MPSV, ")
    assert phrase in text
    assert "překračuj" not in text and "porušuje" not in text
    # The list of services is caveated only where there is one.
    assert ("služba nad limitem může sídlit ve více budovách" in text) == (n > 0)


def test_di_caption_names_the_unenacted_draft():
    from dataclasses import fields

    from analysis.chapters.plan import PlanChapter

    caption = next(f.default for f in fields(PlanChapter) if f.name == "di_mts_caption")
    assert "nepřijatého návrhu materiálně-technického standardu" in caption
    assert "orientační srovnání" in caption
