"""Annual reports of real regions from the official open data in ../shared/data/raw."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from analysis.publish import pipeline
from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


@pytest.mark.parametrize("region", ["CZ064", "CZ010", "CZ072"])
def test_real_region_report_renders(region, raw_dir, tmp_path, request):
    if region == "CZ064":  # built once for every test that reads it
        folder = request.getfixturevalue("real_report")
    else:
        params = REPO_ROOT / "params" / "regions" / f"{region}.yaml"
        folder = pipeline.run(params, data_dir=raw_dir, reports_dir=tmp_path, progress=False)
    assert folder.parts[-2:] == ("2025", region)
    text = "\n".join(p.extract_text() for p in PdfReader(folder / "report.pdf").pages)
    # One-letter words are bound to the next by a non-breaking space.
    html = (folder / "report.html").read_text(encoding="utf-8").replace("\xa0", " ")
    # The report says honestly what was missing.
    assert "Dostupnost" in text and "nebyl dodán" in html
    # What cannot be computed is a line of the readiness overview at the front, not a
    # numbered empty table or figure in the body, and every caption has text.
    readiness = html.split('<section class="readiness-page">')[1].split("</section>")[0]
    assert "Plnění střednědobého plánu" in readiness and "Dostupnost:" in readiness
    assert "Údaje nejsou k dispozici" not in html and "Obrázek nelze sestavit" not in html
    assert not re.search(r"<figcaption>\s*</figcaption>", html)
    # The same warning is never repeated.
    notes = re.findall(r"<blockquote>(.*?)</blockquote>", html, re.S)
    assert len(notes) == len(set(notes))
    assert "Zdroj: ČSÚ" in text
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["cr_municipalities"]["sha256"].startswith("51e949e2")
    ageing = (folder / "tables" / "demand_ageing_by_orp.csv").read_text(encoding="utf-8")
    assert "kraj celkem" in ageing

    # A sample of the registry is said to be a sample, on the title page and in the
    # chapter, and nothing is counted from it: no service counts, coverage, white spots,
    # gaps or ORP capacity tables.
    front = html.split('<nav class="toc">')[0]
    assert "jen vzorek" in front and "socplan fetch rpss" not in front
    # Commands stand only in the appendix on completing the data.
    appendix = html.index("Doplnění dat kraje</h2>")
    assert html.find("socplan fetch rpss") > appendix and html.find("socplan template") > appendix
    for table in (
        "network_capacity_by_type",
        "network_capacity_by_orp",
        "network_coverage_by_type",
        "network_white_spots_orp",
        "network_white_spots_municipalities",
        "demand_service_gaps",
    ):
        # Not computed, so not published: no header-only CSV.
        assert not (folder / "tables" / f"{table}.csv").exists(), table
    # The real facility counts of ČSÚ stand in, for every ORP of the region.
    facilities = pd.read_csv(folder / "tables" / "network_facilities_by_type.csv")
    assert len(facilities) == 20 and facilities["facilities"].sum() > 0
    # A missing plan is missing, never zero indicators.
    assert "Plán sleduje 0" not in html and "Střednědobý plán kraje nebyl dodán" in html
    assert not (folder / "tables" / "plan_status_counts.csv").exists()
    # No per-service finance in open data: the finance chapter says so and computes nothing.
    assert "Výkazy služeb (náklady, výnosy, personál) nebyly dodány" in html
    assert not list((folder / "tables").glob("finance_*.csv"))
    # The model is national, with the region's ORPs marked, not a model of the region.
    assert "Národní model: počet zařízení" in html
    # People in need are model estimates, not counts of people: whole persons, without
    # disclosure control (which is for counts of people in the data); the data log of the
    # review pack names publisher and licence of every input.
    from analysis.data.loading import load_dataset
    from analysis.publish.verify import recorded_config
    from analysis.review.pack import data_log

    config = recorded_config(folder, raw_dir)
    need = pd.read_csv(folder / "tables" / "demand_need_by_orp.csv")
    values = need.drop(columns=["orp_code", "orp_name"]).stack()
    assert len(values) and (values % 1 == 0).all() and not (values % 5 == 0).all()
    assert "násobky" not in html
    log = data_log(manifest, config, load_dataset(config))
    assert sorted(log["input"]) == sorted(manifest["inputs"])
    assert log["licence"].str.len().gt(0).all() and log["publisher"].str.len().gt(0).all()
    assert "ČSÚ" in " ".join(log["licence"])


def test_a_chapter_after_the_summary_is_the_same_as_the_chapter_alone(
    real_report, raw_dir, tmp_path
):
    """The summary computes the network, demand and plan results first and the chapters
    reuse them (analysis.shared_results); run without the summary, each of those chapters
    computes its own and publishes the same bytes: tables, figures, executed notebook."""
    doc = yaml.safe_load((REPO_ROOT / "params" / "regions" / "CZ064.yaml").read_text("utf-8"))
    doc["methodology"] = str(REPO_ROOT / "params" / "methodology.yaml")
    doc["chapters"] = ["01_network", "02_demand", "03_plan"]
    run_file = tmp_path / "CZ064.yaml"
    run_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    alone = pipeline.run(run_file, data_dir=raw_dir, reports_dir=tmp_path, progress=False)
    published = [
        p.relative_to(alone).as_posix()
        for sub in ("tables", "figures", "notebooks")
        for p in sorted((alone / sub).iterdir())
    ]
    assert len(published) > 15 and any(p.startswith("figures/demand_") for p in published)
    differing = [p for p in published if (alone / p).read_bytes() != (real_report / p).read_bytes()]
    assert differing == []
