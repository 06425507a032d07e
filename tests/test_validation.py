"""Bad input data fails with file, row and column named."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.canonical import read_table
from analysis.data.loading import load_dataset
from analysis.errors import DataValidationError
from analysis.params import load_run_config
from tests.conftest import REPO_ROOT

DEMO = REPO_ROOT / "params" / "demo.yaml"


def _edit_cell(path, row_index: int, column: str, value: str) -> int:
    """Set one cell of a CSV and return the file line number a user sees (header = 1)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row_index, column] = value
    df.to_csv(path, index=False)
    return row_index + 2


def test_non_numeric_population_names_file_row_column(demo_copy):
    line = _edit_cell(demo_copy / "population.csv", 1234, "population", "12a")
    with pytest.raises(DataValidationError) as err:
        read_table(demo_copy / "population.csv", "population")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "population.csv",
        line,
        "population",
        "12a",
    )
    assert "integer" in problem.expected
    assert f"population.csv, row {line}, column 'population'" in str(err.value)


def test_negative_capacity_and_wrong_unit_are_reported(demo_copy):
    path = demo_copy / "services.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    home = df.index[df["service_type_code"] == "13"][0]
    _edit_cell(path, home, "capacity_unit", "klient")  # homes register beds
    _edit_cell(path, 3, "capacity", "-5")
    with pytest.raises(DataValidationError) as err:
        read_table(path, "services")
    found = {(p.row, p.column) for p in err.value.problems}
    assert (5, "capacity") in found
    unit_rows = [p for p in err.value.problems if "capacity unit" in p.expected]
    assert [p.row for p in unit_rows] == [home + 2]


def test_duplicate_service_and_form_is_reported(demo_copy):
    path = demo_copy / "services.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = pd.concat([df, df.iloc[[10]]], ignore_index=True)
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="duplicate") as err:
        read_table(path, "services")
    assert len(df) + 1 in {p.row for p in err.value.problems}


def test_unknown_municipality_reference_is_reported(demo_copy):
    line = _edit_cell(demo_copy / "services.csv", 7, "municipality_code", "123456")
    config = load_run_config(DEMO, data_dir=demo_copy)
    with pytest.raises(DataValidationError) as err:
        load_dataset(config)
    p = err.value.problems[0]
    assert (p.file, p.row, p.column, p.value) == (
        "services.csv",
        line,
        "municipality_code",
        "123456",
    )


def test_missing_column_and_unknown_column(demo_copy):
    path = demo_copy / "finance.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.rename(columns={"fte_direct": "fte_dirct"}).to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        read_table(path, "finance")
    cols = {p.column for p in err.value.problems}
    assert {"fte_direct", "fte_dirct"} <= cols


def test_not_utf8_is_reported(demo_copy):
    path = demo_copy / "plan_measures.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1250"))
    with pytest.raises(DataValidationError, match="UTF-8"):
        read_table(path, "plan_measures")


def test_every_broken_file_is_listed_in_one_error(demo_copy):
    _edit_cell(demo_copy / "population.csv", 5, "sex", "X")
    _edit_cell(demo_copy / "finance.csv", 2, "year", "20x4")
    config = load_run_config(DEMO, data_dir=demo_copy)
    with pytest.raises(DataValidationError) as err:
        load_dataset(config)
    assert {p.file for p in err.value.problems} == {"population.csv", "finance.csv"}


def test_zero_capacity_and_missing_municipality_are_rejected(demo_copy):
    path = demo_copy / "services.csv"
    _edit_cell(path, 4, "capacity", "0")
    _edit_cell(path, 9, "municipality_code", "")
    with pytest.raises(DataValidationError) as err:
        read_table(path, "services")
    found = {(p.row, p.column) for p in err.value.problems}
    assert {(6, "capacity"), (11, "municipality_code")} <= found


def test_services_without_coordinates_are_placed_at_their_municipality(demo_copy):
    _edit_cell(demo_copy / "services.csv", 0, "lat", "")
    config = load_run_config(DEMO, data_dir=demo_copy)
    ds = load_dataset(config)
    first = ds.services.iloc[0]
    point = ds.municipalities.set_index("municipality_code").loc[first["municipality_code"]]
    assert bool(first["coords_imputed"])
    assert (first["lat"], first["lon"]) == (point["lat"], point["lon"])


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("capacity", "inf", "a finite number"),
        ("service_name", "Poradna \u202eanečšeM", "text-direction"),
        ("service_id", "S\x000001", "control"),
    ],
)
def test_infinite_capacity_and_invisible_characters_name_file_row_column(
    demo_copy, column, value, expected
):
    line = _edit_cell(demo_copy / "services.csv", 4, column, value)
    with pytest.raises(DataValidationError) as err:
        read_table(demo_copy / "services.csv", "services")
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == ("services.csv", line, column)
    assert expected in problem.expected


def test_an_empty_table_file_is_an_error_not_a_traceback(demo_copy):
    (demo_copy / "population.csv").write_bytes(b"")
    with pytest.raises(DataValidationError, match=r"population\.csv: expected a header line"):
        read_table(demo_copy / "population.csv", "population")


@pytest.mark.parametrize(
    ("change", "file", "column"),
    [
        ({"year": 2090}, "population.csv", "year"),
        ({"year": 2010}, "population.csv", "year"),  # before every year the data hold
        (
            {"region": {"code": "CZX99", "name": "Jiný kraj"}},
            "territory_municipalities.csv",
            "region_code",
        ),
    ],
)
def test_a_run_file_the_data_do_not_describe_is_rejected_before_any_kernel(
    demo_dir, tmp_path, change, file, column
):
    import yaml

    doc = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    doc.update(change)
    doc["methodology"] = str(REPO_ROOT / "params" / "methodology.yaml")
    run_file = tmp_path / "run.yaml"
    run_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(run_file, demo_dir))
    [problem] = err.value.problems
    assert (problem.file, problem.column) == (file, column)
    if column == "year":  # the error says which report years the data can serve
        assert "can serve the report years 2020–2028" in problem.expected


def test_codes_in_other_scripts_digits_are_not_codes(demo_copy):
    line = _edit_cell(demo_copy / "services.csv", 2, "municipality_code", "９９０００３")
    with pytest.raises(DataValidationError) as err:
        read_table(demo_copy / "services.csv", "services")
    assert ("services.csv", line, "municipality_code") in {
        (p.file, p.row, p.column) for p in err.value.problems
    }


def test_population_with_a_hole_in_ages_or_both_sexes_beside_sexes_is_rejected(demo_copy):
    path = demo_copy / "population.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    first = df[(df["area_code"] == df["area_code"].iloc[0]) & (df["year"] == df["year"].iloc[0])]
    hole = first.index[(first["sex"] == "M") & (first["age_from"] == "5")][0]
    total = first.iloc[[0]].assign(sex="T")
    df = pd.concat([df.drop(index=hole), total], ignore_index=True)
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        read_table(path, "population")
    found = {(p.column, p.value) for p in err.value.problems}
    assert ("sex", "T") in found  # counted twice otherwise
    assert ("age_from", "6") in found  # the band after the hole


@pytest.mark.parametrize(
    ("file", "what"),
    [("territory_municipalities.csv", "municipalities"), ("population.csv", "population")],
)
def test_a_core_table_with_a_header_and_no_rows_is_one_error_naming_the_file(demo_copy, file, what):
    """Not a thousand follow-on errors about the tables that refer to it, and not a
    report computed from nothing."""
    path = demo_copy / file
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    config = load_run_config(DEMO, demo_copy)
    with pytest.raises(DataValidationError) as err:
        load_dataset(config)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == (file, None, None)
    assert what in problem.expected and "has none" in problem.expected


@pytest.mark.parametrize(
    ("file", "referring"),
    [
        ("services.csv", ["finance.csv", "subsidy_requests.csv"]),
        ("plan_measures.csv", ["plan_indicators.csv", "action_plan.csv"]),
    ],
)
def test_an_empty_table_other_tables_refer_to_is_one_error_naming_it(demo_copy, file, referring):
    """Not one error per referring row (hundreds in the demo) about the other tables."""
    path = demo_copy / file
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(DEMO, demo_copy))
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == (file, None, None)
    assert "header and no rows" in problem.expected
    for name in referring:
        assert name in problem.expected


def test_an_empty_table_nothing_refers_to_is_content_not_supplied(demo_copy):
    """A header-only finance file says the region has no reports to give: the finance
    content is absent (the chapters say so), not an error."""
    path = demo_copy / "finance.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    ds = load_dataset(load_run_config(DEMO, demo_copy))
    assert ds.completeness["finance"] == "absent"
    assert ds.finance.empty


def test_bad_municipal_pledges_name_file_row_and_column(demo_copy):
    """A pledge of a municipality outside the region, to an unknown intention, or to an
    intention before its start year is an error naming the row and the column."""
    path = demo_copy / "municipal_pledges.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    later = df.index[df["intention_id"] == "Z19"][0]  # an intention starting in 2027
    outside = _edit_cell(path, 0, "municipality_code", "123456")
    unknown = _edit_cell(path, 1, "intention_id", "Z99")
    early = _edit_cell(path, later, "year", "2025")
    config = load_run_config(DEMO, data_dir=demo_copy)
    with pytest.raises(DataValidationError) as err:
        load_dataset(config)
    found = {(p.file, p.row, p.column, p.value) for p in err.value.problems}
    assert ("municipal_pledges.csv", outside, "municipality_code", "123456") in found
    assert ("municipal_pledges.csv", unknown, "intention_id", "Z99") in found
    assert ("municipal_pledges.csv", early, "year", "2025") in found
    assert "from the intention's start (2027)" in str(err.value)


def test_a_negative_pledge_is_an_error(demo_copy):
    line = _edit_cell(demo_copy / "municipal_pledges.csv", 3, "pledged_czk", "-1000")
    with pytest.raises(DataValidationError) as err:
        read_table(demo_copy / "municipal_pledges.csv", "municipal_pledges")
    assert (err.value.problems[0].row, err.value.problems[0].column) == (line, "pledged_czk")
