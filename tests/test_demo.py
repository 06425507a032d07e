"""Invariants of the generated demo region."""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest

from analysis.codelists import FORMS, SERVICE_TYPES
from analysis.data.loading import load_dataset
from analysis.demo import generate_demo


@pytest.fixture(scope="module")
def ds(demo_config):
    return load_dataset(demo_config)


def test_demo_passes_validation_and_has_required_sizes(ds):
    m = ds.municipalities
    assert 10 <= m["orp_code"].nunique() <= 15
    assert 250 <= len(m) <= 400
    assert 250 <= ds.services["service_id"].nunique() <= 400
    assert set(ds.orp_polygons["orp_code"]) == set(m["orp_code"])
    assert (m["region_code"] == "CZX00").all()  # X never occurs in real NUTS codes


def test_every_service_type_and_form_occurs(ds):
    assert set(ds.services["service_type_code"]) == set(SERVICE_TYPES)
    assert set(ds.services["form"]) == set(FORMS)


def test_population_is_complete_single_year_by_sex(ds):
    pop = ds.population
    years = sorted(pop["year"].unique())
    assert len(years) >= 6
    cells = pop.groupby(["area_code", "year"]).size()
    assert (cells == 2 * 101).all()  # two sexes × ages 0..100+
    assert pop.loc[pop["age_from"] == 100, "age_to"].isna().all()
    singles = pop[pop["age_from"] < 100]
    assert (singles["age_to"] == singles["age_from"]).all()


def test_cohorts_move_one_year_of_age_per_year(ds):
    """Age a in year t and age a+1 in year t+1 differ only by deaths and migration."""
    pop = ds.population.groupby(["year", "age_from"])["population"].sum().unstack()
    y0, y1 = pop.index[0], pop.index[1]
    now, nxt = pop.loc[y0, 20:79].to_numpy(), pop.loc[y1, 21:80].to_numpy()
    assert np.all(np.abs(nxt / now - 1) < 0.08)


def test_population_ages(ds):
    pop = ds.population
    share = (
        pop[pop["age_from"] >= 65].groupby("year")["population"].sum()
        / pop.groupby("year")["population"].sum()
    )
    assert share.is_monotonic_increasing
    assert share.iloc[-1] > share.iloc[0] + 0.01


def test_finance_covers_three_years_with_plausible_unit_costs(ds):
    fin = ds.finance
    assert sorted(fin["year"].unique()) == [2022, 2023, 2024]
    beds = ds.services[(ds.services["service_type_code"] == 13)]
    f13 = fin[fin["service_id"].isin(beds["service_id"]) & (fin["year"] == 2024)]
    per_bed = (
        f13[["cost_personnel", "cost_operating"]].sum(axis=1).to_numpy()
        / beds.set_index("service_id").loc[f13["service_id"], "capacity"].to_numpy()
    )
    # Homes for seniors cost roughly CZK 0.4–1 million per bed and year.
    assert 350_000 < np.median(per_bed) < 1_000_000
    assert (fin["fte_direct"] > fin["fte_other"]).mean() > 0.9


def test_plan_has_hierarchy_and_action_plan(ds):
    assert len(ds.plan_priorities) >= 4
    assert set(ds.plan_measures["priority_id"]) <= set(ds.plan_priorities["priority_id"])
    assert len(ds.plan_indicators) >= 8
    assert len(ds.action_plan) >= 10


def test_same_seed_same_bytes_other_seed_other_data(demo_dir, tmp_path):
    again = generate_demo(tmp_path / "again")
    cmp = filecmp.dircmp(demo_dir, again)
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
    for name in cmp.common_files:
        assert filecmp.cmp(demo_dir / name, again / name, shallow=False), name
    other = generate_demo(tmp_path / "other", seed=7)
    assert not filecmp.cmp(demo_dir / "population.csv", other / "population.csv", shallow=False)
    a = pd.read_csv(demo_dir / "services.csv")
    b = pd.read_csv(other / "services.csv")
    assert not a.equals(b)
