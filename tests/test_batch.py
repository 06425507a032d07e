"""socplan batch: many run files in parallel, one failure reported, the others built."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from analysis.cli import main
from analysis.params import load_run_config
from analysis.publish.batch import run_batch, summary
from analysis.publish.national import build_overview
from tests.conftest import REPO_ROOT

BROKEN = """\
region: {code: CZ999, name: Rozbitý kraj}
year: 2025
data: {format: open-data, dir: ., sources: {}}
unknown_key: 1
"""


def _run_file(src: Path, folder: Path, data_dir: Path, methodology: Path | None = None) -> Path:
    """A copy of a run file reading ``data_dir`` (and another methodology file)."""
    doc = yaml.safe_load(src.read_text(encoding="utf-8"))
    doc["data"]["dir"] = str(data_dir)
    doc["methodology"] = str(methodology or (src.parent / doc["methodology"]).resolve())
    out = folder / src.name
    out.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def national(raw_dir, demo_dir, tmp_path_factory):
    """A cold batch of the demo and two real regions with one broken run file."""
    tmp = tmp_path_factory.mktemp("batch")
    runs = tmp / "runs"
    runs.mkdir()
    broken = runs / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    files = [
        _run_file(REPO_ROOT / "params" / "demo.yaml", runs, demo_dir),
        _run_file(REPO_ROOT / "params" / "regions" / "CZ064.yaml", runs, raw_dir),
        broken,
        _run_file(REPO_ROOT / "params" / "regions" / "CZ080.yaml", runs, raw_dir),
    ]
    steps: list[tuple[str, str, bool]] = []
    results = run_batch(
        files, None, tmp / "cold", 2, cache_dir=tmp / "cache", on_step=lambda *s: steps.append(s)
    )
    return tmp, files, results, steps


@pytest.mark.realdata
@pytest.mark.slow
def test_a_broken_run_file_fails_alone_and_the_others_publish(national):
    tmp, files, results, steps = national
    assert [r.status for r in results] == ["ok", "ok", "failed", "ok"]
    for code, r in zip(
        ["CZX00", "CZ064", "CZ080"], [results[0], results[1], results[3]], strict=True
    ):
        report = tmp / "cold" / "2025" / code
        assert r.report == str(report) and (report / "report.pdf").is_file()
    failed = results[2]
    assert "broken.yaml" in failed.error and "unknown_key" in failed.error
    assert not (tmp / "cold" / "2025" / "CZ999").exists()
    table = summary(results)
    assert table["status"].tolist() == ["ok", "ok", "failed", "ok"] and table["report"][2] == ""
    # Progress came per chapter from the workers, nothing from the cache (it was empty).
    assert {s[0] for s in steps} == {str(f.resolve()) for f in files} - {str(files[2])}
    assert not any(cached for _, _, cached in steps)


@pytest.mark.realdata
@pytest.mark.slow
def test_an_unchanged_rerun_reuses_every_chapter_and_gives_the_same_bytes(national):
    tmp, files, _, _ = national
    steps: list[tuple[str, str, bool]] = []
    ok = [files[0], files[1], files[3]]
    results = run_batch(
        ok, None, tmp / "again", 2, cache_dir=tmp / "cache", on_step=lambda *s: steps.append(s)
    )
    assert [r.status for r in results] == ["ok"] * 3
    assert steps and all(cached for _, _, cached in steps)  # chapters and PDFs restored
    for code in ("CZX00", "CZ064", "CZ080"):
        assert _files(tmp / "again" / "2025" / code) == _files(tmp / "cold" / "2025" / code)


@pytest.mark.realdata
@pytest.mark.slow
def test_a_changed_parameter_reruns_only_the_chapters_that_read_it(national, demo_dir):
    """Only the finance chapter and the data chapter (its table of every parameter) read
    the price level; the result equals a cold run with the changed parameter, computed
    on a Dask cluster."""
    from distributed import Client, LocalCluster

    tmp, _, _, _ = national
    doc = yaml.safe_load((REPO_ROOT / "params" / "methodology.yaml").read_text(encoding="utf-8"))
    doc["finance"]["price_level_factor"]["value"] = 1.1
    changed = tmp / "changed"
    changed.mkdir()
    methodology = changed / "methodology.yaml"
    methodology.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    demo = _run_file(REPO_ROOT / "params" / "demo.yaml", changed, demo_dir, methodology)
    steps: list[tuple[str, str, bool]] = []
    [cached] = run_batch(
        [demo],
        None,
        changed / "cached",
        1,
        cache_dir=tmp / "cache",
        on_step=lambda *s: steps.append(s),
    )
    assert cached.status == "ok", cached.error
    rerun = {step for _, step, hit in steps if not hit}
    assert rerun == {"00_data", "04_finance", "report"}
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
    ):
        [cold] = run_batch([demo], None, changed / "cold", executor=client.get_executor())
    assert cold.status == "ok", cold.error
    a, b = (
        _files(changed / "cached" / "2025" / "CZX00"),
        _files(changed / "cold" / "2025" / "CZX00"),
    )
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    # The price level moved the subsidy: the finance tables differ from the first run.
    first = _files(tmp / "cold" / "2025" / "CZX00")
    assert any(first[n] != a[n] for n in a if n.startswith("tables/finance"))


def test_batch_exits_non_zero_and_prints_the_summary_when_a_region_fails(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["batch", str(broken), "--reports-dir", str(tmp_path), "--quiet", "--jobs", "1"]
    )
    assert result.exit_code == 1
    assert "broken.yaml" in result.output and "failed" in result.output
    assert "0 of 1 reports built" in result.output


@pytest.mark.realdata
@pytest.mark.slow
def test_the_national_overview_takes_its_numbers_from_the_regions_reports(national):
    tmp, files, _, _ = national
    configs = [load_run_config(f) for f in (files[0], files[1], files[3])]
    folder = build_overview(configs, tmp / "cold", "0" * 40)
    assert folder == tmp / "cold" / "2025" / "CZ"
    assert (folder / "report.pdf").is_file() and (folder / "manifest.json").is_file()
    pop = pd.read_csv(folder / "tables" / "national_population.csv")
    assert pop["region_code"].tolist() == ["CZ064", "CZ080"]  # the synthetic demo is left out
    for code in ("CZ064", "CZ080"):
        own = pd.read_csv(tmp / "cold" / "2025" / code / "tables" / "demand_projection_region.csv")
        row = pop[pop["region_code"] == code].iloc[0]
        assert row["population"] == own["total"].iloc[0]
        # Seniors are the projection's bands 65–79 and 80+ of the region's own table.
        assert row["seniors_horizon"] == own["65–79"].iloc[-1] + own["80+"].iloc[-1]
    # Neither region had the full registry or the services' accounts: no zeros, no rows.
    coverage = folder / "tables" / "national_coverage.csv"
    assert not coverage.exists() or pd.read_csv(coverage).shape[1] <= 1
    finance = folder / "tables" / "national_finance.csv"
    assert not finance.exists() or len(pd.read_csv(finance)) == 0
    assert "neměly úplný registr" in (folder / "report.html").read_text(encoding="utf-8")
    assert len(PdfReader(folder / "report.pdf").pages) >= 5
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["regions"]) == {"CZ064", "CZ080"}
    assert "demand_projection_region" in manifest["regions"]["CZ064"]["tables"]
