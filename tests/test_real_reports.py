"""Annual reports of real regions from the official open data in ../shared/data/raw."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pypdf import PdfReader

from analysis.publish import pipeline
from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


@pytest.mark.parametrize("region", ["CZ064", "CZ010", "CZ072"])
def test_real_region_report_renders(region, raw_dir, tmp_path):
    params = REPO_ROOT / "params" / "regions" / f"{region}.yaml"
    folder = pipeline.run(params, data_dir=raw_dir, reports_dir=tmp_path, progress=False)
    assert folder == tmp_path / "2025" / region
    text = "\n".join(p.extract_text() for p in PdfReader(folder / "report.pdf").pages)
    html = (folder / "report.html").read_text(encoding="utf-8")
    # The report says honestly what was missing.
    assert "Dostupnost" in text and "nebyl dodán" in html
    assert "Údaje nejsou k dispozici" in html  # e.g. the plan chapter
    assert "Zdroj: ČSÚ" in text
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["cr_municipalities"]["sha256"].startswith("51e949e2")
    ageing = (folder / "tables" / "demand_ageing_by_orp.csv").read_text(encoding="utf-8")
    assert "kraj celkem" in ageing

    # A sample of the registry is said to be a sample, on the title page and in the
    # chapter, and nothing is counted from it: no service counts, coverage, white spots,
    # gaps or ORP capacity tables.
    title_page = html.split('<nav class="toc">')[0]
    assert "jen vzorek" in title_page and "socplan fetch rpss" in title_page
    for table in (
        "network_capacity_by_type",
        "network_capacity_by_orp",
        "network_coverage_by_type",
        "network_white_spots_orp",
        "network_white_spots_municipalities",
        "demand_service_gaps",
    ):
        rows = (folder / "tables" / f"{table}.csv").read_text(encoding="utf-8").splitlines()
        assert len(rows) <= 1, f"{table} computed from a registry sample"
    # The real facility counts of ČSÚ stand in, for every ORP of the region.
    facilities = pd.read_csv(folder / "tables" / "network_facilities_by_type.csv")
    assert len(facilities) == 20 and facilities["facilities"].sum() > 0
    # A missing plan is missing, never zero indicators.
    assert "Plán sleduje 0" not in html and "Střednědobý plán kraje nebyl dodán" in html
    counts = (folder / "tables" / "plan_status_counts.csv").read_text(encoding="utf-8")
    assert len(counts.splitlines()) <= 1
    # No per-service finance in open data: the finance chapter says so and computes nothing.
    assert "Výkazy služeb (náklady, výnosy, personál) nebyly dodány" in html
    assert not list((folder / "tables").glob("finance_*.csv"))
    # The model is national, with the region's ORPs marked, not a model of the region.
    assert "Národní model: počet zařízení" in html
    # Disclosure control: people in need by ORP are rounded to the base of the rule, and
    # the data log of the review pack names publisher and licence of every input.
    from analysis.data.loading import load_dataset
    from analysis.publish.verify import recorded_config
    from analysis.review.pack import data_log

    config = recorded_config(folder, raw_dir)
    base = config.methodology.disclosure.rounding_base.value
    need = pd.read_csv(folder / "tables" / "demand_need_by_orp.csv")
    values = need.drop(columns=["orp_code", "orp_name"]).stack()
    assert len(values) and (values % base == 0).all()
    assert "násobky" in html
    log = data_log(manifest, config, load_dataset(config))
    assert sorted(log["input"]) == sorted(manifest["inputs"])
    assert log["licence"].str.len().gt(0).all() and log["publisher"].str.len().gt(0).all()
    assert "ČSÚ" in " ".join(log["licence"])
