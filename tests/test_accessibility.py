"""Floating-catchment accessibility: hand-computed cases and agreement with PySAL access."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.methods.accessibility import (
    Pairs,
    great_circle_km,
    nearest_km,
    pairs_from_matrix,
    pairs_within,
    two_step_fca,
    zone_weights,
)
from analysis.methods.network_indicators import catchment_pairs, coverage, white_spots
from analysis.params import TypeRule


def _pairs(rows: list[tuple[int, int, float]]) -> Pairs:
    i, j, c = zip(*rows, strict=True)
    return Pairs(np.array(i), np.array(j), np.array(c, float))


# Three villages (demand 100, 200, 300) and two homes (capacity 10, 30).
# Travel costs (km): A–X 5, B–X 12, B–Y 8, C–Y 25; catchment 20 km.
DEMAND = np.array([100.0, 200.0, 300.0])
SUPPLY = np.array([10.0, 30.0])
PAIRS = _pairs([(0, 0, 5), (1, 0, 12), (1, 1, 8), (2, 1, 25)])


def test_two_step_fca_by_hand():
    within = PAIRS.cost <= 20
    p = Pairs(PAIRS.demand[within], PAIRS.supply[within], PAIRS.cost[within])
    a = two_step_fca(DEMAND, SUPPLY, p)
    # R_X = 10 / (100 + 200), R_Y = 30 / 200; C has nothing within 20 km.
    assert a == pytest.approx([10 / 300, 10 / 300 + 30 / 200, 0.0])


def test_enhanced_two_step_fca_by_hand():
    p = Pairs(PAIRS.demand[:3], PAIRS.supply[:3], PAIRS.cost[:3])
    zones = [(1 / 3, 1.0), (2 / 3, 0.68), (1.0, 0.22)]
    w = zone_weights(p.cost, 20.0, zones)
    assert w == pytest.approx([1.0, 0.68, 0.68])  # 5 km ≤ 6.67; 12 and 8 km ≤ 13.33
    r_x = 10 / (100 * 1.0 + 200 * 0.68)
    r_y = 30 / (200 * 0.68)
    a = two_step_fca(DEMAND, SUPPLY, p, w)
    assert a == pytest.approx([r_x, 0.68 * r_x + 0.68 * r_y, 0.0])


def test_supply_is_conserved_when_everyone_is_in_reach():
    rng = np.random.default_rng(1)
    demand, supply = rng.uniform(1, 100, 40), rng.uniform(1, 10, 7)
    i, j = np.meshgrid(np.arange(40), np.arange(7), indexing="ij")
    p = Pairs(i.ravel(), j.ravel(), np.zeros(i.size))
    a = two_step_fca(demand, supply, p)
    assert (a * demand).sum() == pytest.approx(supply.sum())


def test_distances_and_pairs():
    # Prague – Brno is about 185 km as the crow flies.
    assert great_circle_km(50.0875, 14.4214, 49.1951, 16.6068) == pytest.approx(185, abs=3)
    lat, lon = np.array([50.0, 50.0, 50.0]), np.array([14.0, 14.1, 14.6])
    p = pairs_within(lat, lon, np.array([50.0]), np.array([14.0]), max_km=10, detour=1.3)
    # 0.1° of longitude at 50° N is 7.15 km → 9.3 km with the detour; 0.6° is too far.
    assert p.demand.tolist() == [0, 1]
    assert p.cost[1] == pytest.approx(1.3 * great_circle_km(50, 14.1, 50, 14.0))
    near = nearest_km(lat, lon, np.array([50.0]), np.array([14.0]), detour=1.3)
    assert near[2] == pytest.approx(1.3 * great_circle_km(50, 14.6, 50, 14.0))


def test_road_distance_matrix_pairs():
    matrix = pd.DataFrame(
        {
            "origin": ["a", "b", "c", "zz"],
            "destination": ["X", "X", "Y", "X"],
            "km": [5.0, 25.0, 8.0, 1.0],
        }
    )
    p = pairs_from_matrix(matrix, pd.Index(["a", "b", "c"]), pd.Index(["X", "Y"]), 20)
    assert p.demand.tolist() == [0, 2] and p.supply.tolist() == [0, 1]


MUNIS = pd.DataFrame(
    {
        "municipality_code": ["100001", "100002", "100003", "100004"],
        "orp_code": ["1001", "1001", "1002", "1002"],
        "orp_name": ["Alfa", "Alfa", "Beta", "Beta"],
        "district_code": "CZX001",
        "region_code": "CZX00",
        "lat": [50.0, 50.0, 50.0, 50.0],
        "lon": [14.0, 14.05, 15.0, 15.05],
    }
)


def _sites(**cols) -> pd.DataFrame:
    base = {
        "service_id": ["S1"],
        "service_type_code": [4],
        "form": ["ter"],
        "capacity": [10.0],
        "capacity_unit": ["klient"],
        "municipality_code": ["100001"],
        "lat": [50.0],
        "lon": [14.0],
        "area_of_operation": [None],
        "in_regional_network": [True],
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_field_service_covers_its_declared_area_not_its_neighbourhood():
    declared = _sites(area_of_operation=["1002"])
    p = catchment_pairs(declared, MUNIS, max_km=10, detour=1.3)
    assert sorted(p.demand.tolist()) == [2, 3]  # ORP Beta, 70 km away, not Alfa
    undeclared = _sites()
    p = catchment_pairs(undeclared, MUNIS, max_km=10, detour=1.3)
    assert sorted(p.demand.tolist()) == [0, 1]  # by distance from the office
    municipality = _sites(area_of_operation=["100004;100001"])
    p = catchment_pairs(municipality, MUNIS, max_km=10, detour=1.3)
    assert sorted(p.demand.tolist()) == [0, 3]


def _population() -> pd.DataFrame:
    rows = []
    for code, seniors in zip(MUNIS["municipality_code"], [100, 300, 200, 400], strict=True):
        rows += [(code, 2024, "T", 0, 64, 1000), (code, 2024, "T", 65, None, seniors)]
    df = pd.DataFrame(
        rows, columns=["area_code", "year", "sex", "age_from", "age_to", "population"]
    )
    df["age_to"] = df["age_to"].astype("Int64")
    df["area_level"] = "obec"
    return df


def test_coverage_and_white_spots_known_answer():
    services = _sites(
        service_type_code=[13], form=["pob"], capacity_unit=["luzka"], capacity=[40.0]
    )
    rules = {
        13: TypeRule(
            ages=[(80, None), (65, None)], threshold_km=20, catchment_km=30, planning_level="local"
        )
    }
    cov = coverage(services, MUNIS, _population(), 2024, rules, 1000).set_index("orp_code")
    assert cov.loc["1001", "reference_ages"] == "65+"  # 80+ not in the data
    assert cov.loc["1001", "rate"] == pytest.approx(1000 * 40 / 400)
    assert cov.loc["1002", "rate"] == 0
    assert cov.loc["1001", "region_rate"] == pytest.approx(1000 * 40 / 1000)
    assert cov.loc["1001", "deviation_pct"] == pytest.approx(150.0)
    assert cov.loc["1001", "rank"] == 1

    from analysis.methods.network_indicators import accessibility, orp_accessibility

    acc = accessibility(
        services,
        MUNIS,
        _population(),
        2024,
        rules,
        1.3,
        [(1 / 3, 1.0), (2 / 3, 0.68), (1.0, 0.22)],
        1000,
    )
    assert acc["covered"].tolist() == [True, True, False, False]
    orp = orp_accessibility(acc, MUNIS)
    ws = white_spots(orp, 0.5, rules).set_index("orp_code")["status"]
    assert ws.to_dict() == {"1001": "pokryto", "1002": "bílé místo"}
    # Both villages of Alfa share the home: 40 beds per 400 seniors.
    assert orp.set_index("orp_code").loc["1001", "a2sfca"] == pytest.approx(100.0)


def test_remote_and_regional_services_have_no_orp_white_spots():
    # Homes for seniors are planned locally; shelters for the district; a remote alarm
    # service at no distance at all. Only the first can leave an ORP as a white spot.
    services = _sites(
        service_id=["S1", "S2", "S3"],
        service_type_code=[13, 20, 5],
        form=["pob", "pob", "ter"],
        capacity_unit=["luzka", "luzka", "klient"],
        capacity=[40.0, 20.0, 100.0],
        municipality_code=["100001"] * 3,
        lat=[50.0] * 3,
        lon=[14.0] * 3,
        area_of_operation=[None] * 3,
        in_regional_network=[True] * 3,
    )
    rules = {
        13: TypeRule(ages=[(65, None)], threshold_km=20, catchment_km=30, planning_level="local"),
        20: TypeRule(ages=[(0, None)], threshold_km=20, catchment_km=30, planning_level="district"),
        5: TypeRule(ages=[(65, None)], threshold_km=20, catchment_km=30, planning_level="remote"),
    }
    from analysis.methods.network_indicators import (
        accessibility,
        municipality_white_spots,
        orp_accessibility,
    )

    zones = [(1 / 3, 1.0), (2 / 3, 0.68), (1.0, 0.22)]
    acc = accessibility(services, MUNIS, _population(), 2024, rules, 1.3, zones, 1000)
    assert set(acc["service_type_code"]) == {13, 20}  # no distance for a remote service
    orp = orp_accessibility(acc, MUNIS)
    # The shelter is out of reach of Beta too, yet Beta is no white spot for it.
    assert orp.set_index(["orp_code", "service_type_code"]).loc[("1002", 20), "covered_share"] == 0
    ws = white_spots(orp, 0.5, rules)
    assert set(ws["service_type_code"]) == {13}
    assert ws.set_index("orp_code")["status"].to_dict() == {"1001": "pokryto", "1002": "bílé místo"}
    assert set(municipality_white_spots(acc, rules)["service_type_code"]) == {13}


access = pytest.importorskip("access")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_pysal_access_on_random_instances(seed):
    from access.fca import two_stage_fca
    from access.weights import step_fn

    rng = np.random.default_rng(seed)
    n, m, max_km = 300, 40, 25.0
    dlat, dlon = rng.uniform(49, 50, n), rng.uniform(15, 17, n)
    slat, slon = rng.uniform(49, 50, m), rng.uniform(15, 17, m)
    demand, supply = rng.integers(50, 5000, n).astype(float), rng.uniform(5, 100, m)
    pairs = pairs_within(dlat, dlon, slat, slon, max_km, detour=1.3)
    zones = [(1 / 3, 1.0), (2 / 3, 0.68), (1.0, 0.22)]
    ours = {
        "2sfca": two_step_fca(demand, supply, pairs),
        "e2sfca": two_step_fca(demand, supply, pairs, zone_weights(pairs.cost, max_km, zones)),
    }
    demand_df = pd.DataFrame({"geoid": np.arange(n), "demand": demand}).set_index("geoid")
    supply_df = pd.DataFrame({"geoid": np.arange(m), "supply": supply}).set_index("geoid")
    cost_df = pd.DataFrame({"origin": pairs.demand, "dest": pairs.supply, "cost": pairs.cost})
    fns = {"2sfca": None, "e2sfca": step_fn({u * max_km: w for u, w in zones})}
    for name, fn in fns.items():
        ref = two_stage_fca(
            demand_df.reset_index(),
            supply_df,
            cost_df,
            max_cost=max_km,
            demand_index="geoid",
            demand_name="demand",
            supply_name="supply",
            weight_fn=fn,
        )
        ref = ref.reindex(np.arange(n)).fillna(0).to_numpy()
        np.testing.assert_allclose(ours[name], ref, rtol=0, atol=1e-9)


def test_road_distance_table_replaces_great_circle_distances():
    """Alfa's two villages are 3.6 km apart as the crow flies, but a river puts village 2
    45 road-km from the home: with the road table it is out of reach."""
    from analysis.methods.network_indicators import accessibility

    services = _sites(
        service_type_code=[13], form=["pob"], capacity_unit=["luzka"], capacity=[40.0]
    )
    rules = {
        13: TypeRule(ages=[(65, None)], threshold_km=20, catchment_km=30, planning_level="local")
    }
    zones = [(1 / 3, 1.0), (2 / 3, 0.68), (1.0, 0.22)]
    crow = accessibility(services, MUNIS, _population(), 2024, rules, 1.3, zones, 1000)
    road = pd.DataFrame(
        {"origin": ["100001", "100002"], "destination": ["S1", "S1"], "km": [0.5, 45.0]}
    )
    by_road = accessibility(
        services, MUNIS, _population(), 2024, rules, 1.3, zones, 1000, road=road
    )
    assert crow["covered"].tolist() == [True, True, False, False]
    assert by_road["covered"].tolist() == [True, False, False, False]
    assert by_road["nearest_km"].tolist()[:2] == [0.5, 45.0]
    assert np.isinf(by_road["nearest_km"].iloc[2])
    # All 40 beds now serve the 100 seniors of village 1 alone.
    assert by_road["a2sfca"].iloc[0] == pytest.approx(1000 * 40 / 100)
