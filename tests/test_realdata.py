"""The demo and the code lists checked against real public data (../shared/data/raw)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.codelists import ALLOWED_UNITS, SERVICE_TYPES
from analysis.data.loading import load_dataset

pytestmark = pytest.mark.realdata


def _shares(pop: pd.DataFrame, age: str, count: str) -> dict[str, float]:
    total = pop[count].sum()
    return {
        "0-14": pop.loc[pop[age] <= 14, count].sum() / total,
        "65+": pop.loc[pop[age] >= 65, count].sum() / total,
        "80+": pop.loc[pop[age] >= 80, count].sum() / total,
    }


def test_demo_age_structure_is_czech_like(raw_dir, demo_config):
    real = pd.read_csv(
        raw_dir / "czso-obyvatelstvo-vek-2023" / "obyvatelstvo_vek_pohlavi_2023-01-01.csv"
    )
    assert real["total"].sum() == 10_827_529
    demo = load_dataset(demo_config).population
    demo = demo[demo["year"] == 2023]
    r = _shares(real, "age_start", "total")
    d = _shares(demo, "age_from", "population")
    # A region may be somewhat older or younger than the country, not a different country.
    assert abs(d["0-14"] - r["0-14"]) < 0.02
    assert abs(d["65+"] - r["65+"]) < 0.025
    assert abs(d["80+"] - r["80+"]) < 0.015


def test_codelists_accept_every_registered_form_of_the_real_sample(raw_dir):
    doc = json.loads((raw_dir / "automatizace-katalogu" / "ukazka.json").read_text("utf-8"))
    seen = set()
    for place in doc["mista"]:
        for svc in place["sluzby"]:
            code = svc["druhSluzby"]["kod"]
            if not code.startswith("DruhSocialniSluzby/"):
                continue  # health-care places from ÚZIS
            n = int(code.split("/")[1])
            assert n in SERVICE_TYPES, code
            for form in svc.get("formy", []):
                for cap in form["kapacitaRegistrovana"]:
                    seen.add((n, form["forma"], cap["typ"]))
    assert len(seen) >= 10
    not_allowed = {s for s in seen if s[2] not in ALLOWED_UNITS.get((s[0], s[1]), ())}
    assert not not_allowed
