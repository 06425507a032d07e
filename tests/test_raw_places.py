"""Errors in the official open-data files name the raw file, its row as a person counts
it (header = 1, or the line where a JSON record starts) and the raw column, also when
they are found after the data were reshaped into canonical tables; points the
plausibility rules drop are listed with their file and row (issue 27, classes 1 and 5).

Each test damages one cell of a copy of the real data (the other files are links to
``../shared/data/raw``) and builds a real region from it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from analysis.data.loading import load_dataset
from analysis.errors import DataValidationError
from analysis.params import load_run_config
from analysis.readers.territory import read_mos_territory
from tests.conftest import REPO_ROOT


def _raw_copy(raw_dir: Path, tmp_path: Path, folder: str) -> Path:
    """A data folder linking every source of ``raw_dir`` except ``folder``, copied."""
    root = tmp_path / "raw"
    root.mkdir()
    for entry in raw_dir.iterdir():
        if entry.name == folder:
            shutil.copytree(entry, root / entry.name)
        else:
            (root / entry.name).symlink_to(entry)
    return root


def _load(region: str, data_dir: Path):
    config = load_run_config(REPO_ROOT / "params" / "regions" / f"{region}.yaml", data_dir)
    return load_dataset(config)


def _replace_line(path: Path, line_no: int, old: str, new: str, encoding: str) -> str:
    lines = path.read_text(encoding=encoding).split("\n")
    assert old in lines[line_no - 1], lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding=encoding)
    return lines[line_no - 1]


def _line_of(path: Path, pattern: str, encoding: str = "utf-8") -> int:
    for n, line in enumerate(path.read_text(encoding=encoding).split("\n"), start=1):
        if re.search(pattern, line):
            return n
    raise AssertionError(f"{pattern!r} not in {path}")


def test_a_bad_cell_of_the_municipality_table_found_after_reshaping_names_its_line(
    raw_dir, tmp_path
):
    """The 0–14 band of a municipality becomes a population row of the derived table;
    its negative count is named in the ČSÚ table, not in "population (open data)"."""
    root = _raw_copy(raw_dir, tmp_path, "uzemni-cleneni-obce-orp")
    path = root / "uzemni-cleneni-obce-orp" / "CR.csv"
    line = _line_of(path, r"^CZ064;6201;Blansko;2;Blansko;581283;", "cp1250")
    _replace_line(path, line, ";3 167;", ";-3 167;", "cp1250")
    with pytest.raises(DataValidationError) as err:
        _load("CZ064", root)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == ("CR.csv", line, "pop_0_14")
    assert problem.value == "-3167"
    assert "open data" not in str(err.value)


def test_a_bad_record_of_a_yearly_series_file_names_the_line_where_it_starts(raw_dir, tmp_path):
    root = _raw_copy(raw_dir, tmp_path, "obyvatelstvo-obce-2010-2018")
    path = root / "obyvatelstvo-obce-2010-2018" / "2018.json"
    key = _line_of(path, r'"municipality": 582786,')
    start = key - 2  # the record's "{", then "district", then "municipality"
    assert path.read_text(encoding="utf-8").split("\n")[start - 1].strip() == "{"
    _replace_line(path, key + 3, '"men": 183300', '"men": -183300', "utf-8")
    with pytest.raises(DataValidationError) as err:
        _load("CZ064", root)
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [("2018.json", start, "men")]


def test_a_registry_capacity_found_implausible_names_the_line_and_raw_field(raw_dir, tmp_path):
    root = _raw_copy(raw_dir, tmp_path, "automatizace-katalogu")
    path = root / "automatizace-katalogu" / "ukazka.json"
    start = _line_of(path, r'"id": "misto-79121519"') - 1  # the place's "{"
    text = path.read_text(encoding="utf-8")
    head, tail = text.split('"id": "misto-79121519"', 1)
    path.write_text(
        head + '"id": "misto-79121519"' + tail.replace('"pocet": 20', '"pocet": 20000', 1)
    )
    with pytest.raises(DataValidationError) as err:
        _load("CZ032", root)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == (
        "ukazka.json",
        start,
        "sluzby[].formy[].kapacitaRegistrovana[].pocet",
    )


def test_a_municipality_point_outside_czechia_is_listed_with_the_coordinates_line(
    raw_dir, tmp_path
):
    root = _raw_copy(raw_dir, tmp_path, "souradnice-mest")
    path = root / "souradnice-mest" / "souradnice.csv"
    line = _line_of(path, r"^Brno,582786,")
    _replace_line(path, line, "49.195160,16.606937", "0,0", "utf-8")
    ds = _load("CZ064", root)
    points = ds.quality["plausibility_points"]
    brno = points[points["record"] == "582786"]
    assert brno[["file", "row"]].values.tolist() == [["souradnice.csv", line]]
    assert "mimo území Česka" in brno["rule"].iloc[0]
    counts = ds.quality["plausibility"].set_index("rule")["records"]
    assert counts["municipality_point"] == 1
    assert (
        ds.municipalities.set_index("municipality_code").loc["582786", ["lat", "lon"]].isna().all()
    )


def test_a_malformed_year_of_the_territory_list_names_its_row_and_column(tmp_path):
    path = tmp_path / "mos_uzemi.csv"
    path.write_text(
        '"koduzemi","obec",platiod,platido,"okres","soorp"\n'
        '"500011","Želechovice nad Dřevnicí",2009,9999,"Zlín","ZLÍN"\n'
        '"500020","Petrov nad Desnou",20l0,9999,"Šumperk","ŠUMPERK"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        read_mos_territory(path)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "mos_uzemi.csv",
        3,
        "platiod",
        "20l0",
    )
