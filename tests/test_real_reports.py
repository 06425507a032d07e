"""Annual reports of real regions from the official open data in ../shared/data/raw."""

from __future__ import annotations

import json

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
