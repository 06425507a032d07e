"""Plausibility rules for data: absurd capacities are rejected, points outside the
territory are dropped or moved with a count the report states, population series that
do not sum or are negative are rejected with file, row and column."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from analysis.data.loading import load_dataset
from analysis.data.plausibility import capacity_problems, outside_territory
from analysis.errors import DataValidationError
from analysis.params import load_run_config
from analysis.readers.territory import read_population_series
from tests.conftest import REPO_ROOT
from tests.test_validation import _edit_cell

DEMO = REPO_ROOT / "params" / "demo.yaml"
REGIONS = sorted((REPO_ROOT / "params" / "regions").glob("CZ*.yaml"))


def _counts(ds) -> list:
    return [None if pd.isna(x) else int(x) for x in ds.quality["plausibility"]["records"]]


def test_a_capacity_far_beyond_any_facility_is_rejected_with_row(demo_copy):
    path = demo_copy / "services.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = int(df.index[df["capacity_unit"] == "luzka"][0])
    line = _edit_cell(path, row, "capacity", "250000")
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(DEMO, data_dir=demo_copy))
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "services.csv",
        line,
        "capacity",
        "250000",
    )
    assert "at most 2000 lůžka" in problem.expected
    assert "plausibility.max_capacity" in problem.expected


def test_points_outside_the_territory_are_dropped_or_moved_and_counted(demo_copy):
    config = load_run_config(DEMO, data_dir=demo_copy)
    clean = load_dataset(config)
    assert _counts(clean)[:3] == [0, 0, 0]
    # A point inside Czechia's bounding box but far from the demo region's polygons.
    lat, lon = 48.6, 12.1
    assert outside_territory(
        pd.Series([lat]), pd.Series([lon]), clean.orp_polygons, 5
    ).tolist() == [True]
    _edit_cell(demo_copy / "services.csv", 0, "lat", str(lat))
    _edit_cell(demo_copy / "services.csv", 0, "lon", str(lon))
    munis = pd.read_csv(demo_copy / "territory_municipalities.csv", dtype=str)
    _edit_cell(demo_copy / "territory_municipalities.csv", 3, "lat", str(lat))
    _edit_cell(demo_copy / "territory_municipalities.csv", 3, "lon", str(lon))
    ds = load_dataset(load_run_config(DEMO, data_dir=demo_copy))
    assert _counts(ds)[:2] == [1, 1]
    moved = ds.municipalities.set_index("municipality_code").loc[munis.at[3, "municipality_code"]]
    assert pd.isna(moved["lat"]) and pd.isna(moved["lon"])
    first = ds.services.iloc[0]
    home = ds.municipalities.set_index("municipality_code").loc[first["municipality_code"]]
    assert (first["lat"], first["lon"]) == (home["lat"], home["lon"])
    assert bool(first["coords_imputed"])


def test_a_capacity_beyond_the_limit_in_the_earlier_snapshot_is_rejected(demo_copy):
    line = _edit_cell(demo_copy / "services_previous.csv", 7, "capacity", "9999999")
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(DEMO, data_dir=demo_copy))
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [
        ("services_previous.csv", line, "capacity")
    ]


def test_registry_items_with_several_forms_are_named_once():
    """Open data index rows by registry item: the forms of one item share it."""
    services = pd.DataFrame(
        {"capacity": [5000.0, 9000.0, 30.0], "capacity_unit": ["luzka", "luzka", "klient"]},
        index=[4, 4, 7],
    )
    problems = capacity_problems(services, {"luzka": 2000, "klient": 10000}, "r.json", 1)
    assert [(p.row, p.value) for p in problems] == [(5, "5000"), (5, "9000")]


def test_a_point_on_the_border_within_the_margin_is_kept(demo_config):
    ds = load_dataset(demo_config)
    import shapely

    coords = shapely.get_coordinates(ds.orp_polygons["geometry"].to_numpy())
    lon0, lat = coords[coords[:, 0].argmin()]  # the westernmost vertex
    # 1 km west of the westernmost vertex is within 5 km, 20 km is not.
    km_per_deg = 111.2 * math.cos(math.radians(lat))
    near, far = lon0 - 1 / km_per_deg, lon0 - 20 / km_per_deg
    flags = outside_territory(pd.Series([lat, lat]), pd.Series([near, far]), ds.orp_polygons, 5)
    assert flags.tolist() == [False, True]


def test_the_report_states_every_rule(demo_config):
    from analysis.chapters.data import prepare

    ch = prepare(load_dataset(demo_config), demo_config.methodology, demo_config.year)
    assert len(ch.plausibility) == 6
    assert ch.plausibility["rule"].str.contains("5 km").sum() == 2
    assert ch.plausibility["rule"].str.contains("2\u00a0000\u00a0lůžek").sum() == 1  # limits stated
    assert ch.plausibility["records"].notna().all()
    assert not ch.plausibility["rule"].str.contains("plausibility").any()  # no raw key


@pytest.mark.parametrize(
    ("record", "column", "expected"),
    [
        ({"municipality": 500011, "men": -3, "women": 10, "total": 7}, "men", "≥ 0"),
        ({"municipality": 500011, "men": 5, "women": 10, "total": 16}, "total", "men + women = 15"),
        ({"municipality": 500011, "men": True, "women": 10, "total": 11}, "men", "whole number"),
    ],
)
def test_municipal_series_negative_or_not_summing_is_rejected(tmp_path, record, column, expected):
    good = {"municipality": 500020, "men": 1, "women": 2, "total": 3}
    (tmp_path / "2018.json").write_text(json.dumps([good, record], indent=2), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        read_population_series(tmp_path)
    [problem] = err.value.problems
    # "[" is line 1, the first record lines 2–7 (its four keys inside braces): the
    # second record starts on line 8, where an editor shows it.
    assert (problem.file, problem.row, problem.column) == ("2018.json", 8, column)
    assert expected in problem.expected


def test_municipal_series_of_the_wrong_shape_is_an_error(tmp_path):
    (tmp_path / "2018.json").write_text(json.dumps({"municipality": 1}), encoding="utf-8")
    with pytest.raises(DataValidationError, match="list of objects"):
        read_population_series(tmp_path)


def test_every_real_point_is_plausible(raw_dir):
    """No municipality or registry point of any region falls outside its territory: the
    margin is wide enough for the simplified ORP boundaries."""
    from analysis.data.source_files import shared_reads

    with shared_reads():  # the national files are read once, as socplan batch does
        for path in REGIONS:
            ds = load_dataset(load_run_config(path, data_dir=raw_dir))
            assert _counts(ds)[:3] in ([0, 0, 0], [0, None, None]), path.stem
            assert ds.municipalities["lat"].notna().all(), path.stem


def test_every_dropped_point_is_a_warning_with_file_row_and_rule(demo_copy):
    """A municipality and a service placed far outside the region (inside Czechia's box,
    so no schema rejects them): validate names each with its file, row and rule, and the
    data chapter lists them."""
    from click.testing import CliRunner

    from analysis.chapters.data import dropped_points
    from analysis.cli import main

    munis = pd.read_csv(demo_copy / "territory_municipalities.csv", dtype=str)
    munis.loc[1, ["lat", "lon"]] = ["50.8", "12.5"]  # file row 3
    munis.to_csv(demo_copy / "territory_municipalities.csv", index=False)
    services = pd.read_csv(demo_copy / "services.csv", dtype=str, keep_default_na=False)
    services.loc[2, ["lat", "lon"]] = ["50.7", "12.6"]  # file row 4
    services.to_csv(demo_copy / "services.csv", index=False)
    result = CliRunner().invoke(
        main,
        ["validate", "--params", str(REPO_ROOT / "params" / "demo.yaml"), "--data-dir",
         str(demo_copy)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    muni, sid, form = munis.loc[1, "municipality_code"], *services.loc[2, ["service_id", "form"]]
    assert (
        f"warning: territory_municipalities.csv, row 3: {muni} at (50.8, 12.5): bod obce"
        in result.output
    )
    assert f"warning: services.csv, row 4: {sid} {form} at (50.7, 12.6): bod služby" in (
        result.output
    )
    ds = load_dataset(load_run_config(REPO_ROOT / "params" / "demo.yaml", data_dir=demo_copy))
    listed = dropped_points(ds)
    assert listed[["file", "row"]].values.tolist() == [
        ["territory_municipalities.csv", 3],
        ["services.csv", 4],
    ]
