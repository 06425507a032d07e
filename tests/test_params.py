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
