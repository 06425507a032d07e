"""Scoring of services against the network criteria: points, scores, signals and their
sensitivity to the weights and to the normatives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods import finance_benchmark as fb
from analysis.methods import network_scoring as ns
from analysis.params import Band, Criterion


def _criterion(weight: float, breakpoints: list[float], higher: bool) -> Criterion:
    return Criterion(weight=weight, breakpoints=breakpoints, higher_is_better=higher, source="test")


CRITERIA = {
    "need": _criterion(0.5, [-0.2, 0.0, 0.2], False),
    "staffing": _criterion(0.3, [0.5, 0.6, 0.7], True),
    "cost": _criterion(0.2, [0.9, 1.1, 1.25], False),
}
CUTS = [Band(band="no_signal", min_score=40), Band(band="review", min_score=0)]


def _values(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service_id": [f"S{i:03d}" for i in range(n)],
            "need": rng.uniform(-0.5, 0.5, n),
            "staffing": rng.uniform(0.4, 0.8, n),
            "cost": rng.uniform(0.7, 1.4, n),
        }
    )


def test_points_and_score_by_hand():
    values = pd.DataFrame(
        {"service_id": ["A"], "need": [-0.3], "staffing": [0.65], "cost": [np.nan]}
    )
    sc = ns.score_services(values, CRITERIA, CUTS, 2)
    row = sc.table.iloc[0]
    assert (row["points_need"], row["points_staffing"]) == (3, 2)
    # cost missing: (0.5 × 3/3 + 0.3 × 2/3) / 0.8 × 100 = 87.5
    assert row["score"] == pytest.approx(87.5)
    assert row["band"] == "no_signal" and row["driver"] == "need"
    assert ns.score_services(values, CRITERIA, CUTS, 3).table["score"].isna().all()


def test_a_weight_that_cannot_change_any_band_changes_none():
    # "staffing" copies the points of "need" exactly (same raw value, same scale): moving
    # the weight between two identical criteria cannot change any score.
    rng = np.random.default_rng(1)
    values = _values(rng, 200)
    same = {
        "need": CRITERIA["need"],
        "staffing": _criterion(0.3, [-0.2, 0.0, 0.2], False),
    }
    values["staffing"] = values["need"]
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


def test_signals_name_no_exit_from_the_network():
    from typing import get_args

    from analysis.chapters._finance_common import BAND_COLOURS

    # Every band the parameters allow has a label and a colour, and none is a verdict.
    assert set(ns.BAND_LABELS) == set(get_args(Band.model_fields["band"].annotation))
    assert set(BAND_COLOURS) == set(ns.BAND_LABELS.values())
    verdicts = ("vyřa", "vyřaz", "ponech", "kandidát", "zruš", "ukonč", "vyloučen", "remove")
    for key, label in ns.BAND_LABELS.items():
        assert not any(v in f"{key} {label}".lower() for v in verdicts), label
    assert ns.BAND_LABELS["review"] == "k prověření"


def _inputs() -> dict:
    """Three services by hand: A counted in beds, B (field) in FTE of direct care, C in
    beds with a report outside the comparison."""
    units = pd.DataFrame(
        {
            "service_id": ["A", "B", "C"],
            "service_type_code": [12, 13, 12],
            "form": ["pob", "ter", "pob"],
            "capacity_unit": ["luzka", "klient", "luzka"],
            "network_unit": ["luzka", "fte_direct", "luzka"],
        }
    )
    latest = pd.DataFrame(
        {
            "service_id": ["A", "B", "C"],
            "comparable": [True, True, False],
            "cost_per_unit": [500_000.0, 800_000.0, 450_000.0],
            "direct_share": [0.7, 0.8, 0.6],
            # B reports an occupancy too, but the network does not count it in beds.
            "occupancy": [0.81, 0.95, 0.99],
            "network_unit": ["luzka", "fte_direct", "luzka"],
            "min_occupancy": [0.9, np.nan, 0.9],
        }
    )
    return {
        "units": units,
        "orp_of": pd.Series({"A": "1000", "B": "1000", "C": "2000"}),
        "gaps": pd.DataFrame(
            {
                "area_code": ["D1", "1000"],
                "service_type_code": [12, 13],
                "capacity_unit": ["luzka", "klient"],
                "gap_median": [-20.0, 5.0],
                "demand_median": [100.0, 50.0],
            }
        ),
        "areas": {
            "local": pd.Series({"1000": "1000", "2000": "2000"}),
            "district": pd.Series({"1000": "D1", "2000": "D1"}),
        },
        "levels": {12: "district", 13: "local"},
        "access_orp": pd.DataFrame(
            {
                "orp_code": ["1000", "1000", "2000"],
                "service_type_code": [12, 13, 12],
                "ae2sfca": [2.0, 3.0, 1.0],
            }
        ),
        "access_region": pd.Series({12: 1.6, 13: 2.0}),
        "latest": latest,
        # Keyed like the chapter's reference values (A and C share their group).
        "reference_cost": pd.Series(
            [400_000.0, 1_000_000.0], index=pd.MultiIndex.from_frame(units.loc[[0, 1], fb.GROUP])
        ),
    }


def test_criterion_values_by_hand_occupancy_only_for_beds():
    v = ns.criterion_values(**_inputs(), criteria=list(ns.CRITERION_LABELS)).set_index("service_id")
    # need: gap / demand in the planning area (district D1 for type 12, ORP for 13).
    assert v["need"].to_dict() == pytest.approx({"A": -0.2, "B": 0.1, "C": -0.2})
    assert v["availability"].to_dict() == pytest.approx({"A": 1.25, "B": 1.5, "C": 0.625})
    # cost per network unit / reference; C's report is not comparable.
    assert v.at["A", "cost"] == pytest.approx(1.25) and v.at["B", "cost"] == pytest.approx(0.8)
    assert np.isnan(v.at["C", "cost"])
    assert v.at["A", "staffing"] == pytest.approx(0.7) and v.at["B", "staffing"] == 0.8
    # occupancy / minimum occupancy: 0.81 / 0.9 for the bed service A; none for B (FTE).
    assert v.at["A", "occupancy"] == pytest.approx(0.9)
    assert np.isnan(v.at["B", "occupancy"]) and np.isnan(v.at["C", "occupancy"])


def test_a_criterion_absent_from_the_params_is_not_computed():
    v = ns.criterion_values(**_inputs(), criteria=["need", "cost", "staffing"])
    assert {"need", "cost", "staffing"} <= set(v.columns)
    assert not {"availability", "occupancy", "interconnection", "quality"} & set(v.columns)
    # Nor scored: a raw value in the table without its criterion adds no points.
    values = v.assign(occupancy=[0.0, 0.0, 0.0])
    criteria = {
        "need": _criterion(0.5, [-0.2, 0.0, 0.2], False),
        "staffing": _criterion(0.5, [0.5, 0.6, 0.7], True),
    }
    sc = ns.score_services(values, criteria, CUTS, 1)
    assert sc.criteria == ["need", "staffing"]
    assert not [c for c in sc.table.columns if c in {"points_occupancy", "points_cost"}]
    # A: need −0.2 → 3 of 3, staffing 0.7 → 3 of 3.
    assert sc.table.set_index("service_id").at["A", "score"] == pytest.approx(100)


def test_normatives_move_signals_only_where_values_sit_at_a_breakpoint():
    # availability: every value (3) far from each breakpoint, also after ±20 %;
    # staffing: two services exactly at the breakpoint 1.0.
    criteria = {
        "availability": _criterion(0.5, [1.0, 10.0, 100.0], True),
        "staffing": _criterion(0.5, [0.5, 1.0, 1.5], True),
    }
    values = pd.DataFrame(
        {
            "service_id": ["P", "Q", "R", "S"],
            "availability": [3.0, 3.0, 3.0, 3.0],
            "staffing": [1.0, 1.0, 2.0, 0.1],
        }
    )
    sc = ns.score_services(values, criteria, CUTS, 2)
    # (1/3 + 2/3) / 2 = 50, 50, (1/3 + 1) / 2 = 66.7, (1/3 + 0) / 2 = 16.7.
    assert sc.table["score"].to_numpy() == pytest.approx([50, 50, 200 / 3, 50 / 3])
    assert list(sc.table["band"]) == ["no_signal", "no_signal", "no_signal", "review"]
    nor = ns.normative_one_at_a_time(sc, criteria, CUTS, 0.2, 2).set_index(
        ["criterion", "normative_change"]
    )
    assert nor.loc["availability", "band_changed_share"].tolist() == [0, 0]
    assert nor.loc["availability", "rank_correlation"].to_numpy() == pytest.approx([1, 1])
    # Breakpoints × 0.8 = 0.4 / 0.8 / 1.2: 1.0 keeps 2 points. × 1.2 = 0.6 / 1.2 / 1.8:
    # 1.0 falls to 1 point, score 33.3 < 40, so P and Q (2 of 4) change signal.
    assert nor.at[("staffing", -0.2), "band_changed_share"] == 0
    assert nor.at[("staffing", 0.2), "band_changed_share"] == pytest.approx(0.5)
    # The weights stay: the same shift of the weight changes nothing here.
    oat = ns.one_at_a_time(sc, CUTS, 0.2, 2)
    assert (oat["band_changed_share"] == 0).all()
