"""End-to-end runs of the report pipeline on the demo region."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pypdf import PdfReader

from analysis.chapter_registry import CHAPTER_NAMES
from analysis.errors import DataValidationError, PipelineError
from analysis.publish import pipeline
from analysis.resources import notebooks_dir
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow
DEMO = REPO_ROOT / "params" / "demo.yaml"


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def first_run(demo_report) -> Path:
    """The demo report of this test run (shared: tests that change it work on a copy)."""
    return demo_report


def test_report_folder_is_complete(first_run):
    assert first_run.parts[-2:] == ("2025", "CZX00")
    for name in ("report.html", "report.pdf", "manifest.json", "run-config.json"):
        assert (first_run / name).is_file(), name
    for chapter in ("00_data", "01_network", "02_demand", "03_plan"):
        assert (first_run / "notebooks" / f"{chapter}.ipynb").is_file()
    tables = {p.name for p in (first_run / "tables").glob("*.csv")}
    assert {
        "network_capacity_by_type.csv",
        "network_capacity_by_orp.csv",
        "demand_ageing_by_orp.csv",
        "plan_indicators.csv",
        "data_inputs.csv",
        "network_coverage_by_type.csv",
        "network_accessibility_by_type.csv",
        "network_white_spots_orp.csv",
        "network_interconnection.csv",
        "network_changes_by_type.csv",
        "network_registry_changes.csv",
        "data_plausibility.csv",
    } <= tables
    assert list((first_run / "figures").glob("*map*.png"))
    assert (first_run / "figures" / "network_change_map.png").is_file()
    catalogue = (first_run / "catalogue" / "index.html").read_text(encoding="utf-8")
    assert "Katalog sociálních služeb – Vzorový kraj" in catalogue
    manifest = json.loads((first_run / "manifest.json").read_text(encoding="utf-8"))
    assert "catalogue/index.html" in json.dumps(manifest)  # hashed like every output
    assert not list(first_run.parent.glob(".*build*"))  # no temporary folder left


def test_pdf_is_czech_paginated_and_has_every_chapter(first_run):
    reader = PdfReader(first_run / "report.pdf")
    assert len(reader.pages) >= 8
    text = "\n".join(page.extract_text() for page in reader.pages)
    for word in (
        "Síť sociálních služeb",
        "Věková pyramida",
        "střednědobého plánu",
        "Obsah",
        "Zdroj:",
    ):
        assert word in text, word
    assert "ř" in text and "ě" in text
    assert "\n3\n" in text or text.rstrip().endswith(str(len(reader.pages)))


def test_html_has_no_code_and_no_remote_scripts(first_run):
    html = (first_run / "report.html").read_text(encoding="utf-8")
    for code in (
        "open_chapter",
        "import ",
        "ch.table",
        "config =",
        "<script",
        "http://",
        "https://",
    ):
        assert code not in html, code
    assert "Vzorový kraj" in html and 'lang="cs"' in html
    assert html.count('<figure class="table ') >= 8


def test_manifest_lets_a_reviewer_verify(first_run, demo_dir):
    manifest = json.loads((first_run / "manifest.json").read_text(encoding="utf-8"))
    pop = demo_dir / "population.csv"
    assert (
        manifest["inputs"]["population"]["sha256"] == hashlib.sha256(pop.read_bytes()).hexdigest()
    )
    assert manifest["parameters"]["methodology"]["ages.seniors_min_age"] == 65
    for rel, digest in manifest["outputs"].items():
        assert hashlib.sha256((first_run / rel).read_bytes()).hexdigest() == digest, rel
    assert manifest["environment"]["packages"]["pandas"]
    assert len(manifest["git"]["commit"]) in (7, 40) or manifest["git"]["commit"] == "unknown"
    assert set(manifest["notebooks"]) == set(CHAPTER_NAMES)


def test_executed_notebooks_hold_no_volatile_metadata(first_run):
    nb = nbformat.read(first_run / "notebooks" / "01_network.ipynb", as_version=4)
    assert "papermill" not in nb.metadata
    assert all("execution" not in c.metadata for c in nb.cells)
    assert any(c.id == "injected-parameters" for c in nb.cells)


def test_second_run_is_identical_to_the_byte(first_run, demo_dir, tmp_path):
    second = pipeline.run(DEMO, data_dir=demo_dir, reports_dir=tmp_path, progress=False)
    a, b = _hashes(first_run), _hashes(second)
    assert a.keys() == b.keys()
    differing = [k for k in a if a[k] != b[k]]
    assert differing == []


def test_failing_chapter_keeps_the_previous_report(first_run, demo_dir, tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    previous = Path(shutil.copytree(first_run, reports / "2025" / "CZX00"))
    before = _hashes(previous)
    broken = tmp_path / "notebooks"
    shutil.copytree(notebooks_dir(), broken)
    nb = nbformat.read(broken / "02_demand.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('rozbitá buňka')"))
    nbformat.write(nb, broken / "02_demand.ipynb")
    monkeypatch.setattr(pipeline, "notebook", lambda name: broken / f"{name}.ipynb")
    with pytest.raises(
        PipelineError, match=r"(?s)02_demand\.ipynb failed in code cell \[\d+\].*rozbitá buňka"
    ):
        pipeline.run(DEMO, data_dir=demo_dir, reports_dir=reports, progress=False)
    assert _hashes(previous) == before
    assert not list(previous.parent.glob(".*"))


def test_invalid_data_fails_before_execution(demo_copy, tmp_path):
    lines = (demo_copy / "finance.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",", ",x", 1)
    (demo_copy / "finance.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"finance\.csv, row 4"):
        pipeline.run(DEMO, data_dir=demo_copy, reports_dir=tmp_path, progress=False)
    assert not (tmp_path / "2025").exists() or not any((tmp_path / "2025").iterdir())


RAW_CODES = {
    "deti_rodiny",
    "seniori",
    "ozp",
    "ohrozeni",
    "luzka",
    "klient",
    "interv",
    "kontakt",
    "hovor",
    "pob",
    "amb",
    "ter",
    "local",
    "district",
    "region",
    "remote",
    "low",
    "middle",
    "high",
    "Intercept",
    "share65",
    "share80",
    "enforcement",
    "nan",
    "None",
    "<NA>",
}


def test_every_code_in_published_tables_has_a_czech_label(first_run):
    html = (first_run / "report.html").read_text(encoding="utf-8")
    cells = re.findall(r'<t[dh] class="(?:num|txt)">([^<]*)</t[dh]>', html)
    assert len(cells) > 1000
    raw = sorted({c for c in cells if c in RAW_CODES})
    assert raw == []
    # Years are written without a thousands separator, minus signs are true minus signs.
    # demand.long_horizon_to as a table's year (an amount of 2 040 thousand may be shown).
    assert '<tr><td class="num">2040<' in html and '<tr><td class="num">2\u00a0040<' not in html
    # demand.seed, an identifier: raw in the attached list of parameters, which the data
    # chapter names instead of printing the parameters' keys.
    assert "tables/data_methodology.csv" in html
    assert ",20250101," in (first_run / "tables" / "data_methodology.csv").read_text("utf-8")
    assert not re.search(r">-[0-9]", html)


def test_every_orp_has_a_profile_in_the_report_and_its_own_pdf(first_run, demo_dir):
    orps = sorted(
        pd.read_csv(demo_dir / "territory_municipalities.csv", dtype=str)["orp_code"].unique()
    )
    html = (first_run / "report.html").read_text(encoding="utf-8")
    for code in orps:
        assert f'id="orp-{code}"' in html
        pdf = first_run / "orp" / f"{code}.pdf"
        reader = PdfReader(pdf)
        assert 1 <= len(reader.pages) <= 2, (code, len(reader.pages))
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert "Obyvatelstvo" in text and "Mezery kapacity" in text and "Zdroj:" in text
    profiles = pd.read_csv(first_run / "tables" / "orp_population.csv", dtype={"orp_code": str})
    assert sorted(profiles["orp_code"].unique()) == orps


def test_verify_names_a_changed_input_and_a_changed_parameter(first_run, demo_copy, tmp_path):
    from analysis.publish.verify import verify

    report = Path(shutil.copytree(first_run, tmp_path / "report"))
    lines = (demo_copy / "services.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",", ", ", 1)  # one byte more in one input
    (demo_copy / "services.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = json.loads((report / "run-config.json").read_text(encoding="utf-8"))
    config["methodology"]["network"]["detour_factor"]["value"] = 1.4
    (report / "run-config.json").write_text(json.dumps(config), encoding="utf-8")
    verdict = verify(report, demo_copy)
    assert not verdict.ok
    assert any("services.csv differs" in d for d in verdict.differences)
    assert any("network.detour_factor" in d for d in verdict.differences)


def test_verify_reruns_a_moved_report_and_finds_a_changed_cell(first_run, demo_dir, tmp_path):
    from analysis.publish.verify import compare_outputs, verify

    # A copy elsewhere (nothing in the folder holds an absolute path), one cell edited.
    moved = Path(shutil.copytree(first_run, tmp_path / "elsewhere" / "report"))
    assert str(first_run.parent) not in (moved / "run-config.json").read_text(encoding="utf-8")
    table = moved / "tables" / "network_capacity_by_type.csv"
    rows = table.read_text(encoding="utf-8").splitlines()
    cells = rows[1].split(",")
    cells[-2] = str(int(float(cells[-2])) + 1)
    rows[1] = ",".join(cells)
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    verdict = verify(moved, demo_dir, keep=tmp_path / "work")
    assert [d.split(":")[0] for d in verdict.differences] == ["tables/network_capacity_by_type.csv"]
    assert "line 2" in verdict.differences[0]
    # The untouched report matches the same rerun in every file.
    rebuilt = next((tmp_path / "work" / "reports").glob("*/*"))
    assert compare_outputs(first_run, rebuilt, same_commit=True).differences == []


def test_workbook_holds_every_table_with_czech_headers(first_run):
    from analysis.publish.workbook import sheet_names

    csvs = sorted(p.stem for p in (first_run / "tables").glob("*.csv"))
    sheets = pd.read_excel(first_run / "tables.xlsx", sheet_name=None)
    names = sheet_names(csvs)
    # A table without data has no sheet of headers only; the index still lists it.
    empty = {
        stem
        for stem in csvs
        if len((first_run / "tables" / f"{stem}.csv").read_text(encoding="utf-8").splitlines()) <= 1
    }
    assert set(sheets) == {"přehled", *(names[s] for s in csvs if s not in empty)}
    index = sheets["přehled"]
    assert len(index) == len(csvs) and index["zdroj"].str.startswith("Zdroj:").sum() > 50
    assert index["tabulka nebo obrázek ve zprávě"].fillna("").str.endswith(
        "(bez údajů)"
    ).sum() == len(empty)
    capacity = sheets[names["network_capacity_by_type"]]
    table = pd.read_csv(first_run / "tables" / "network_capacity_by_type.csv")
    assert len(capacity) == len(table) and "druh služby" in capacity.columns
    assert capacity.iloc[:, -2].tolist() == table["capacity"].tolist()  # numbers, not text
    # Codes of the data model appear as their Czech labels.
    units = capacity[next(c for c in capacity.columns if "jednotka" in c)]
    assert "luzka" not in set(units) and "lůžka" in set(units)


def test_review_pack_logs_assumptions_data_and_sensitivity(first_run, demo_dir, tmp_path):
    from docx import Document

    from analysis.review.pack import build_review

    chosen = ["network.detour_factor", "finance.reference_trim"]
    result = build_review(
        first_run,
        demo_dir,
        tmp_path / "pack",
        tmp_path / "cache",
        parameters=chosen,
        run_verify=False,
    )
    pack = result.out
    for name in (
        "assumptions.csv",
        "data_log.csv",
        "sensitivity.csv",
        "review.html",
        "review.pdf",
        "review_template.md",
        "review_template.docx",
    ):
        assert (pack / name).is_file(), name
    sens = pd.read_csv(pack / "sensitivity.csv")
    # The detour factor moves the white spots; the published value is the baseline.
    spots = sens[(sens["headline"] == "white_spots") & (sens["parameter"] == chosen[0])]
    published = pd.read_csv(first_run / "tables" / "network_white_spots_orp.csv")
    assert set(spots["baseline"]) == {float((published["status"] == "bílé místo").sum())}
    assert spots["change"].abs().max() > 0
    # The trim of a trimmed mean is read, but the reference statistic is the median: it
    # is varied, the finance chapter is rerun, and every result stays exactly the same.
    trim = sens[sens["parameter"] == chosen[1]]
    assert len(trim) and set(trim["side"]) == {"low", "high"} and (trim["change"] == 0).all()
    log = pd.read_csv(pack / "assumptions.csv").set_index("parameter")
    assert "network_white_spots_orp" in log.loc[chosen[0], "tables"]
    assert log.loc[chosen[1], "tables"] == "žádná"
    assert log.loc["demand.need_rates", "tables"].startswith("nezkoušeno")
    data = pd.read_csv(pack / "data_log.csv")
    manifest = json.loads((first_run / "manifest.json").read_text(encoding="utf-8"))
    assert set(log.index) == set(manifest["parameters"]["methodology"])  # every parameter
    assert sorted(data["input"]) == sorted(manifest["inputs"])
    assert data["sha256"].str.len().eq(64).all() and data["licence"].notna().all()
    # The template: every section, prompts for the reviewer, and an editable .docx.
    md = (pack / "review_template.md").read_text(encoding="utf-8")
    for section in ("Vstupní data", "Metody", "Předpoklady", "Výsledky", "Reprodukovatelnost"):
        assert section in md
    assert "[Doplní oponent:" in md and "socplan verify nebyl spuštěn" in md
    docx_text = "\n".join(p.text for p in Document(str(pack / "review_template.docx")).paragraphs)
    assert "Reprodukovatelnost" in docx_text and "network.detour_factor" in docx_text
    assert len(PdfReader(pack / "review.pdf").pages) >= 4
    # A second review of the same report reruns nothing: every chapter run is cached.
    again = build_review(
        first_run,
        demo_dir,
        tmp_path / "pack2",
        tmp_path / "cache",
        parameters=chosen,
        run_verify=False,
    )
    assert result.runs_computed == result.runs_total > 0 and again.runs_computed == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "pack2" / "sensitivity.csv"), sens)


def test_a_parameter_no_chapter_uses_changes_no_table(first_run, demo_dir):
    from analysis.data.loading import load_dataset
    from analysis.params import Methodology
    from analysis.publish.verify import recorded_config
    from analysis.review import runs

    config = recorded_config(first_run, demo_dir)
    ds = load_dataset(config)
    published = runs.published_hashes(first_run / "tables")
    base = runs.baseline("01_network", ds, config.methodology, config.year, published)
    assert "report.figure_dpi" not in base.read  # only the notebook runtime reads it
    # Run the chapter anyway with the value changed: every table is the same.
    doc = json.loads(config.methodology.model_dump_json())
    doc["report"]["figure_dpi"]["value"] *= 2
    changed = Methodology.model_validate(doc).model_dump_json()
    runs._STATE.update(ds=ds, year=config.year)
    res = runs.run_variation("01_network", base.names, changed)
    assert res["hashes"] == base.hashes and len(base.hashes) > 5


@pytest.fixture
def cached_demo(demo_report, tmp_path) -> tuple[Path, Path, Path]:
    """Reports folder, report and build cache of their own: copies of the shared demo
    report and of the build cache its run filled."""
    reports = tmp_path / "reports"
    good = Path(shutil.copytree(demo_report, reports / "2025" / "CZX00"))
    cache = Path(shutil.copytree(demo_report.parents[2] / "cache", tmp_path / "cache"))
    return reports, good, cache


@pytest.mark.parametrize(
    "stage", ["render_html", "submit_pdfs", "write_workbook", "build_manifest", "write_manifest"]
)
def test_a_failure_in_any_later_stage_keeps_the_previous_report(
    demo_dir, cached_demo, monkeypatch, stage
):
    """Chapters come from the build cache after the first run, then one stage fails:
    the last good report stays byte for byte and no build folder is left."""
    reports, good, cache = cached_demo
    before = _hashes(good)
    shutil.rmtree(cache / "workbook", ignore_errors=True)  # else the workbook is restored

    def broken(*args, **kwargs):
        raise RuntimeError(f"{stage} failed")

    monkeypatch.setattr(pipeline, stage, broken)
    with pytest.raises(RuntimeError, match=f"{stage} failed"):
        pipeline.run(DEMO, demo_dir, reports, progress=False, cache_dir=cache)
    assert _hashes(good) == before
    assert [p.name for p in (reports / "2025").iterdir()] == ["CZX00"]


def test_a_failed_first_run_leaves_no_empty_year_folder(demo_dir, cached_demo, monkeypatch):
    _, _, cache = cached_demo  # chapters cached by the first run
    reports = cache.parent / "first-failure"
    reports.mkdir()

    def broken(*args, **kwargs):
        raise RuntimeError("manifest failed")

    monkeypatch.setattr(pipeline, "build_manifest", broken)
    with pytest.raises(RuntimeError, match="manifest failed"):
        pipeline.run(DEMO, demo_dir, reports, progress=False, cache_dir=cache)
    assert list(reports.iterdir()) == []


def test_a_verify_whose_rerun_fails_changes_nothing_and_leaves_no_work_folder(
    first_run, demo_dir, tmp_path, monkeypatch
):
    import tempfile

    from analysis.publish import verify as verify_module

    report = Path(shutil.copytree(first_run, tmp_path / "report"))
    before = _hashes(report)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def failing_rerun(report_dir, data_dir, work):
        (work / "reports").mkdir(parents=True)
        (work / "reports" / "half.html").write_text("<p>", encoding="utf-8")
        raise KeyboardInterrupt  # as Ctrl+C in the middle of the rerun

    monkeypatch.setattr(verify_module, "rerun", failing_rerun)
    with pytest.raises(KeyboardInterrupt):
        verify_module.verify(report, demo_dir)
    assert _hashes(report) == before
    assert list(scratch.iterdir()) == []
