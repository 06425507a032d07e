"""Parameter files fail before execution, naming the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from analysis.cli import main
from analysis.errors import ParameterError
from analysis.params import load_methodology, load_run_config

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO = REPO_ROOT / "params" / "demo.yaml"
METHODOLOGY = REPO_ROOT / "params" / "methodology.yaml"


def _write(tmp_path: Path, doc: dict, name: str = "run.yaml") -> Path:
    (tmp_path / "methodology.yaml").write_bytes(METHODOLOGY.read_bytes())
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _demo_doc(demo_dir: Path) -> dict:
    doc = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    doc["data"]["dir"] = str(demo_dir)
    return doc


def test_shipped_parameter_files_are_valid(demo_dir):
    config = load_run_config(DEMO, data_dir=demo_dir)
    assert config.region.code == "CZX00"
    assert config.methodology.ages.seniors_min_age.value == 65
    for row in config.methodology.frame().itertuples():
        assert row.unit and row.source


def test_unknown_key_is_an_error_naming_key_and_file(tmp_path, demo_dir):
    doc = _demo_doc(demo_dir)
    doc["yaer"] = 2025
    path = _write(tmp_path, doc)
    with pytest.raises(ParameterError) as err:
        load_run_config(path)
    assert "unknown key 'yaer'" in str(err.value)
    assert str(path) in str(err.value)


def test_wrong_type_is_an_error_naming_key(tmp_path, demo_dir):
    doc = _demo_doc(demo_dir)
    doc["year"] = "2025"
    with pytest.raises(ParameterError, match=r"key 'year'.*valid integer|key 'year'"):
        load_run_config(_write(tmp_path, doc))


def test_methodology_value_of_wrong_type_names_its_path(tmp_path):
    doc = yaml.safe_load(METHODOLOGY.read_text(encoding="utf-8"))
    doc["ages"]["seniors_min_age"]["value"] = "sixty-five"
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"ages\.seniors_min_age\.value") as err:
        load_methodology(path)
    assert "m.yaml" in str(err.value)


def test_methodology_unknown_and_missing_keys(tmp_path):
    doc = yaml.safe_load(METHODOLOGY.read_text(encoding="utf-8"))
    doc["ages"]["senior_min_age"] = doc["ages"].pop("seniors_min_age")
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_methodology(path)
    assert "unknown key 'ages.senior_min_age'" in str(err.value)
    assert "missing key 'ages.seniors_min_age'" in str(err.value)


def test_parameter_without_source_is_rejected(tmp_path):
    doc = yaml.safe_load(METHODOLOGY.read_text(encoding="utf-8"))
    del doc["plan"]["on_track_tolerance"]["source"]
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"missing key 'plan\.on_track_tolerance\.source'"):
        load_methodology(path)


def test_missing_data_file_names_key_and_file(tmp_path, demo_copy):
    (demo_copy / "services.csv").unlink()
    doc = _demo_doc(demo_copy)
    with pytest.raises(ParameterError, match=r"data\.files\.services.*services\.csv"):
        load_run_config(_write(tmp_path, doc))


def test_cli_run_fails_before_any_kernel_starts(tmp_path, demo_dir):
    doc = _demo_doc(demo_dir)
    doc["region"]["nmae"] = "x"
    path = _write(tmp_path, doc)
    reports = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["run", "--params", str(path), "--reports-dir", str(reports), "--quiet"]
    )
    assert result.exit_code == 2
    assert "unknown key 'region.nmae'" in result.output
    assert not reports.exists()  # nothing was built, no kernel was started


def test_cli_validate_lists_inputs(demo_dir):
    result = CliRunner().invoke(
        main, ["validate", "--params", str(DEMO), "--data-dir", str(demo_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "ok  services.csv" in result.output and "rows" in result.output


def test_missing_road_distance_table_is_named(tmp_path, demo_dir):
    doc = _demo_doc(demo_dir)
    doc["data"]["road_distances"] = "roads.csv"
    with pytest.raises(ParameterError, match=r"data\.road_distances.*roads\.csv"):
        load_run_config(_write(tmp_path, doc))


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("ages.seniors_min_age", 200, "less than or equal to 110"),
        ("network.detour_factor", -1.3, "at least 1"),
        ("network.partial_coverage_share", 1.5, "at most 1"),
        ("demand.interval_level", 95, "less than 1"),
        ("demand.draws", 0, "greater than or equal to 1"),
        ("projection.trend_damping", float("nan"), "finite"),
        ("finance.price_level_factor", float("inf"), "finite"),
        ("ages.children_max_age", 70, "ordered"),
    ],
)
def test_a_value_outside_its_meaningful_range_is_rejected_naming_key_and_file(
    tmp_path, key, value, expected
):
    doc = yaml.safe_load(METHODOLOGY.read_text(encoding="utf-8"))
    section, name = key.split(".")
    doc[section][name]["value"] = value
    path = tmp_path / "bad-methodology.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_methodology(path)
    message = str(err.value)
    assert "bad-methodology.yaml" in message and expected in message
    assert section in message


def test_a_deleted_need_rate_is_rejected(tmp_path):
    doc = yaml.safe_load(METHODOLOGY.read_text(encoding="utf-8"))
    del doc["demand"]["need_rates"]["value"]["ozp"]
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match="no rate for ozp"):
        load_methodology(path)


def test_a_key_given_twice_is_an_error_with_its_line(tmp_path):
    text = METHODOLOGY.read_text(encoding="utf-8")
    path = tmp_path / "twice.yaml"
    path.write_text(text + "\nages:\n  children_max_age: {value: 15}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"key 'ages' given twice[\s\S]*line"):
        load_methodology(path)


def test_a_yaml_alias_bomb_is_refused_with_a_short_message(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_methodology(path)
    assert "aliases" in str(err.value) and len(str(err.value)) < 2000


def test_nan_inside_a_table_value_is_rejected(tmp_path):
    doc = yaml.safe_load(METHODOLOGY.read_text(encoding="utf-8"))
    doc["projection"]["net_migration"]["value"]["middle"] = float("nan")
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"net_migration\.value\.middle.*finite"):
        load_methodology(path)


def test_a_number_key_given_twice_and_a_merge_key(tmp_path):
    from analysis.params import StrictYamlLoader

    with pytest.raises(yaml.YAMLError, match="key '4' given twice"):
        yaml.load("a:\n  4: x\n  4: y\n", Loader=StrictYamlLoader)
    merged = yaml.load("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", Loader=StrictYamlLoader)
    assert merged["other"] == {"x": 1, "y": 2}
    with pytest.raises(yaml.YAMLError, match="plain value"):
        yaml.load("? [1, 2]\n: x\n", Loader=StrictYamlLoader)


def _broken_link(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.with_name("nowhere.csv"))


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _device(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/null")


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_folder, "is a folder, not a file"),
        (_broken_link, "is a broken link"),
        (_device, "is not a regular file"),
    ],
)
def test_an_input_that_is_not_a_readable_file_is_named_before_any_work(demo_copy, damage, expected):
    damage(demo_copy / "finance.csv")
    result = CliRunner().invoke(
        main, ["validate", "--params", str(DEMO), "--data-dir", str(demo_copy)]
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "key 'data.files.finance'" in result.output and expected in result.output
    assert str(demo_copy / "finance.csv") in result.output


def test_a_data_folder_that_is_a_file_is_named(tmp_path):
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"--data-dir.*is a file, not a folder"):
        load_run_config(DEMO, data_dir=not_a_folder)


@pytest.mark.parametrize("below", [False, True])
def test_a_reports_folder_that_is_a_file_is_refused_before_any_kernel(tmp_path, demo_dir, below):
    reports = tmp_path / "reports"
    reports.write_text("x", encoding="utf-8")
    target = reports / "sub" if below else reports
    result = CliRunner().invoke(
        main,
        ["run", "--params", str(DEMO), "--data-dir", str(demo_dir), "--reports-dir",
         str(target), "--quiet"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "--reports-dir" in result.output and str(target) in result.output
    assert ("lies under the file" if below else "is a file") in result.output


@pytest.mark.parametrize("command", [["demo"], ["review", "."], ["methodology"]])
def test_every_output_folder_option_refuses_a_file(tmp_path, command):
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, [*command, "--out", str(taken / "sub")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "--out" in result.output and "lies under the file" in result.output
    assert not (taken.parent / "sub").exists()


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["project", "--data-dir", ".", "--area", "CZ"], "--out"),
        (["backtest", "--data-dir", ".", "--base-year", "2015"], "--out"),
        (["backtest", "--data-dir", ".", "--base-year", "2015"], "--errors-out"),
    ],
)
@pytest.mark.parametrize("damage", ["folder", "under_file"])
def test_every_output_file_option_refuses_a_folder_or_a_path_under_a_file(
    tmp_path, command, option, damage
):
    """Refused by the option itself, before any data are read (the data folder here
    holds nothing: reading it would be a different error)."""
    if damage == "folder":
        target = tmp_path / "out.csv"
        target.mkdir()
        expected = "is a folder"
    else:
        (tmp_path / "taken").write_text("x", encoding="utf-8")
        target = tmp_path / "taken" / "out.csv"
        expected = "is a file"
    result = CliRunner().invoke(main, [*command, option, str(target)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert option in result.output and expected in result.output
