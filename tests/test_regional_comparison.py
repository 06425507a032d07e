"""The national overview's comparison tables: a missing value stays missing, never 0."""

from __future__ import annotations

import math

import pandas as pd

from analysis.methods import regional_comparison as rc
from analysis.present import formatting

NAMES = {"CZ064": "Jihomoravský kraj", "CZ080": "Moravskoslezský kraj"}


def test_population_overview_takes_base_and_last_year_and_keeps_a_missing_region():
    proj = pd.DataFrame(
        {
            "year": [2023, 2040],
            "65+": [100, 130],
            "total": [500, 520],
            "total_low": [500, 510],
            "total_high": [500, 530],
        }
    )
    out = rc.population_overview({"CZ064": proj}, NAMES)
    first = out.set_index("region_code").loc["CZ064"]
    assert first["seniors_share"] == 20 and math.isclose(first["seniors_change"], 30)
    assert math.isclose(first["seniors_share_horizon"], 25)
    missing = out.set_index("region_code").loc["CZ080"]
    assert pd.isna(missing["population"]) and formatting.year(missing["base_year"]) == "–"
    assert formatting.year(2023.0) == "2023"


def test_finance_and_shortage_sums_of_missing_values_stay_missing():
    comp = pd.DataFrame(
        {
            "services": [1, 2],
            "justified": [float("nan")] * 2,
            "public_revenue": [10.0, 5.0],
            "overcompensation": [float("nan")] * 2,
        }
    )
    out = rc.finance_overview({"CZ064": comp}, NAMES, {"CZ064"})
    assert out["public_revenue"].tolist() == [15.0] and pd.isna(out["justified"].iloc[0])
    gaps = pd.DataFrame(
        {
            "area_name": ["A"],
            "service_type": ["domovy pro seniory"],
            "gap_low": [float("nan")],
            "gap_median": [-5.0],
            "gap_high": [-1.0],
        }
    )
    short = rc.shortages({"CZ064": gaps}, NAMES, {"CZ064"})
    assert short["areas"].tolist() == [1] and pd.isna(short["gap_low"].iloc[0])


def test_white_spots_of_a_table_without_columns_are_missing():
    out = rc.white_spots({"CZ064": pd.DataFrame()}, NAMES, {"CZ064", "CZ080"})
    assert out["white_spots"].isna().all() and len(out) == 2
