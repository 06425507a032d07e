"""Analysis functions on small constructed inputs with known answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis.methods.demography import ageing_by_area, pyramid, totals_by_area
from analysis.methods.network import active_services, capacity_by_type, orp_capacity
from analysis.methods.plan_evaluation import STATUS_LABELS, indicator_progress
from analysis.present import formatting as f
from analysis.present.maps import class_breaks, classify, legend_labels

MUNIS = pd.DataFrame(
    {
        "municipality_code": ["100001", "100002", "100003"],
        "orp_code": ["1001", "1001", "1002"],
        "orp_name": ["Alfa", "Alfa", "Beta"],
        "district_code": ["CZX001"] * 3,
        "region_code": ["CZX00"] * 3,
    }
)


def _pop(rows: list[tuple[str, int, str, int, int | None, int]]) -> pd.DataFrame:
    df = pd.DataFrame(
        rows, columns=["area_code", "year", "sex", "age_from", "age_to", "population"]
    )
    df["area_level"] = "obec"
    df["age_to"] = df["age_to"].astype("Int64")
    return df


POP = _pop(
    [
        ("100001", 2024, "M", 0, 14, 10),
        ("100001", 2024, "F", 0, 14, 10),
        ("100001", 2024, "M", 15, 64, 50),
        ("100001", 2024, "F", 15, 64, 50),
        ("100001", 2024, "M", 65, None, 20),
        ("100001", 2024, "F", 65, None, 30),
        ("100002", 2024, "F", 65, None, 30),
        ("100003", 2024, "F", 0, 14, 5),
        ("100003", 2024, "F", 65, None, 5),
        ("100001", 2020, "F", 65, None, 10),
        ("100001", 2020, "F", 15, 64, 150),
    ]
)


def test_totals_by_area_and_bands():
    assert totals_by_area(POP, MUNIS, "orp", 2024).to_dict() == {"1001": 200, "1002": 10}
    assert totals_by_area(POP, MUNIS, "orp", 2024, 65).to_dict() == {"1001": 80, "1002": 5}
    with pytest.raises(ValueError, match="cut through"):
        totals_by_area(POP, MUNIS, "orp", 2024, 80)


def test_ageing_indicators_hand_computed():
    out = ageing_by_area(
        POP, MUNIS, "orp", 2024, 2020, children_max=14, seniors_min=65, oldest_min=65
    )
    alfa = out.loc["1001"]
    assert alfa["population"] == 200
    assert alfa["seniors_share"] == pytest.approx(40.0)
    assert alfa["ageing_index"] == pytest.approx(400.0)  # 80 seniors per 20 children
    assert alfa["seniors_share_change"] == pytest.approx(40.0 - 100 * 10 / 160)
    assert alfa["population_change"] == pytest.approx(100 * (200 / 160 - 1))


def test_pyramid_preserves_totals():
    single = _pop(
        [("100001", 2024, s, a, a, a + (s == "F")) for s in "MF" for a in range(100)]
        + [("100001", 2024, "M", 100, None, 3)]
    )
    table = pyramid(single, MUNIS, 2024, width=5, top=90)
    assert table["men"].sum() == sum(range(100)) + 3
    assert table["women"].sum() == sum(range(100)) + 100
    assert table.iloc[-1]["age_band"] == "90+"
    assert table.iloc[0]["men"] == 0 + 1 + 2 + 3 + 4


SERVICES = pd.DataFrame(
    {
        "service_id": ["A", "A", "B", "C", "D"],
        "provider_ico": ["1"] * 5,
        "service_type_code": [13, 13, 4, 14, 13],
        "form": ["pob", "pob", "ter", "pob", "pob"],
        "capacity": [40.0, 10.0, 12.0, 20.0, 30.0],
        "capacity_unit": ["luzka", "luzka", "klient", "luzka", "luzka"],
        "municipality_code": ["100001", "100001", "100002", "100003", "100003"],
        "in_regional_network": [True, True, True, False, True],
        "active_from": pd.to_datetime(["2010-01-01"] * 4 + ["2025-03-01"]),
        "active_to": pd.to_datetime([None, None, None, None, None]),
    }
)


def test_capacity_never_adds_units_and_counts_services_once():
    table = capacity_by_type(SERVICES)
    homes = table[table["service_type_code"] == 13].iloc[0]
    assert homes["services"] == 2 and homes["capacity"] == 80
    assert set(table["capacity_unit"]) == {"lůžka", "klienti"}
    assert len(table) == 3


def test_active_services_on_date():
    active = active_services(SERVICES, dt.date(2025, 1, 1))
    assert set(active["service_id"]) == {"A", "B", "C"}


def test_orp_capacity_rates():
    out = orp_capacity(
        SERVICES,
        MUNIS,
        pd.Series({"1001": 200, "1002": 10}),
        pd.Series({"1001": 80, "1002": 5}),
        per_population=1000,
        senior_types=[13, 14],
    )
    assert out.loc["1001", "senior_beds"] == 50
    assert out.loc["1001", "senior_beds_rate"] == pytest.approx(1000 * 50 / 80)
    assert out.loc["1002", "senior_beds"] == 50  # C and D, both in 1002
    assert out.loc["1001", "field_clients"] == 12


def test_indicator_status_against_elapsed_time():
    ind = pd.DataFrame(
        {
            "indicator_id": ["a", "b", "c", "d", "e"],
            "measure_id": "m",
            "name": "n",
            "unit": "u",
            "baseline_year": 2022,
            "baseline_value": [0, 0, 100, 0, 0],
            "target_year": 2026,
            "target_value": [10, 10, 50, 10, 10],
        }
    )
    vals = pd.DataFrame(
        {
            "indicator_id": ["a", "b", "c", "d", "a"],
            "year": [2024, 2024, 2024, 2024, 2027],
            "value": [10, 4.5, 80, 3, 0],
        }
    )
    out = indicator_progress(ind, vals, 2025, tolerance=0.1).set_index("indicator_id")
    assert out.loc["a", "status"] == STATUS_LABELS["achieved"]  # 2027 value ignored
    assert out.loc["b", "status"] == STATUS_LABELS["on_track"]  # 45 % vs 50 % − 10
    assert out.loc["c", "progress"] == pytest.approx(0.4)  # a decrease counts as progress
    assert out.loc["c", "status"] == STATUS_LABELS["on_track"]
    assert out.loc["d", "status"] == STATUS_LABELS["threatened"]  # 30 % vs 50 % − 10
    assert out.loc["e", "status"] == STATUS_LABELS["no_data"]


def test_class_breaks_enclose_values_and_are_readable():
    values = np.array([20.74, 21.1, 21.9, 22.4, 23.27, 22.0])
    breaks, digits, zero_class = class_breaks(values)
    assert breaks[0] <= values.min() and breaks[-1] >= values.max()
    assert np.all(np.diff(breaks) > 0)
    assert digits == 1 and not zero_class
    # Each value falls in the class whose printed bounds hold it (upper bounds inclusive).
    classes = classify(values, breaks)
    for v, c in zip(values, classes, strict=True):
        assert (c == 0 or v > breaks[c]) and v <= breaks[c + 1]
    labels = legend_labels(breaks, digits, zero_class)
    assert all(label.startswith("> ") for label in labels[1:])  # bounds never overlap


def test_czech_number_formats():
    assert f.number(1234567.891, 1) == "1\u00a0234\u00a0567,9"
    assert f.percent(21.37) == "21,4\u00a0%"
    assert f.signed(-0.42) == "\u22120,4"
    assert f.signed(1.25, 2) == "+1,25"
    assert f.number(float("nan")) == "–"
    assert f.date(dt.date(2025, 1, 1)) == "1.\u00a01.\u00a02025"
    assert f.auto(1000.0) == "1\u00a0000" and f.auto(0.15) == "0,15"


def test_html_table_formats_whole_floats_without_decimals():
    html = f.html_table(pd.DataFrame({"capacity": [1200.0, 3.0], "rate": [1.26, 2.0]}))
    assert ">1\u00a0200<" in html and ">3<" in html
    assert ">1,3<" in html and ">2,0<" in html


def test_class_breaks_give_zero_its_own_class():
    # 21 of 22 ORPs without capacity: zero is a class of its own, not "0,00 – 0,24".
    values = np.array([0.0] * 21 + [0.24])
    breaks, digits, zero_class = class_breaks(values)
    assert zero_class and breaks[1] == 0
    assert classify(values, breaks).tolist() == [0] * 21 + [1]
    assert legend_labels(breaks, digits, zero_class)[0] == "0"
    values = np.array([0, 0, 0, 0, 0, 0, 3.2, 7.5, 12.0, 30.0])
    breaks, _, zero_class = class_breaks(values)
    assert zero_class and breaks[-1] >= 30.0 and (classify(values, breaks)[:6] == 0).all()
