"""The fictional demo region "Vzorový kraj", generated deterministically from a seed.

``generate_demo(out_dir, seed)`` writes every canonical input table (see
``docs/data-model.md``) into ``out_dir``. Everything is produced by socplan's own code;
no third-party data is copied. The same seed gives byte-identical files.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.demo.finance import (
    cost_parts,
    entrustments,
    national_reference,
    subsidy_requests,
)
from analysis.demo.geography import REGION_CODE, REGION_NAME, build_territory
from analysis.demo.plan import (
    align_with_registry,
    generate_plan,
    intention_details,
    transformation_plans,
)
from analysis.demo.plan_money import later_intentions, municipal_pledges
from analysis.demo.population import simulate_population
from analysis.demo.registry_history import new_registrations, previous_snapshot, service_details
from analysis.demo.services import generate_finance, generate_services
from analysis.params import DEFAULT_FILES, load_methodology
from analysis.resources import defaults_dir

DEFAULT_SEED = 20250101
FIRST_YEAR, LAST_YEAR = 2020, 2025  # population on 1 Jan of each year
FINANCE_YEARS = [2022, 2023, 2024]
REPORT_YEAR = 2025  # the year of params/demo.yaml
SUBSIDY_YEAR = REPORT_YEAR  # the year of the subsidy requests
NATIONAL_SERVICES = 7000  # services of the synthetic country behind national values

__all__ = ["DEFAULT_SEED", "REGION_CODE", "REGION_NAME", "generate_demo"]


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g")


def generate_demo(out_dir: Path | str, seed: int = DEFAULT_SEED) -> Path:
    """Generate the demo data folder; it is replaced only once complete."""
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    territory = build_territory(rng)
    munis = territory.municipalities
    population = simulate_population(munis, FIRST_YEAR, LAST_YEAR, rng)
    latest = population[population["year"] == LAST_YEAR].groupby("area_code")["population"].sum()
    services = generate_services(munis, latest, rng)
    finance = generate_finance(services, FINANCE_YEARS, rng)
    plan = generate_plan(services, munis, rng)
    # A second stream, so that adding finance inputs leaves the tables above unchanged.
    rng_finance = np.random.default_rng([seed, 1])
    finance = cost_parts(finance, services, rng_finance)
    requests = subsidy_requests(finance, SUBSIDY_YEAR, rng_finance)
    methodology = load_methodology(defaults_dir() / "methodology.yaml")
    fin_params = methodology.finance
    national = national_reference(
        NATIONAL_SERVICES,
        FINANCE_YEARS,
        rng_finance,
        list(fin_params.public_revenues.value),
        list(fin_params.network_units.value),
    )
    rng_plan = np.random.default_rng([seed, 2])
    plan["action_plan"] = intention_details(plan["action_plan"], rng_plan)
    transformation = transformation_plans(services, rng_plan)
    plan = align_with_registry(plan, services, munis, transformation, rng_plan)
    # The registry's history and details: a fourth stream, after everything above.
    rng_registry = np.random.default_rng([seed, 3])
    linked = plan["plan_indicators"]["registry_service_type"].dropna().astype(int)
    new = new_registrations(services, munis, REPORT_YEAR, set(linked), rng_registry)
    previous = previous_snapshot(services, munis, REPORT_YEAR, rng_registry)
    services = pd.concat([services, new], ignore_index=True)
    details = service_details(services, rng_registry)
    # The entrustment acts: a fifth stream, so that the tables above stay as they were.
    services = entrustments(services, np.random.default_rng([seed, 4]))
    # The plan's later years and the municipalities' pledges: a sixth stream.
    rng_money = np.random.default_rng([seed, 5])
    plan["action_plan"] = later_intentions(plan["action_plan"], munis, REPORT_YEAR, rng_money)
    horizon = methodology.demand.plan_horizon.value
    pledges = municipal_pledges(
        plan["action_plan"],
        munis,
        latest,
        list(range(REPORT_YEAR, REPORT_YEAR + horizon)),
        rng_money,
    )

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        files = DEFAULT_FILES
        _write_csv(munis.drop(columns=["x", "y", "kind"]), tmp / files["municipalities"])
        _write_csv(population, tmp / files["population"])
        _write_csv(services, tmp / files["services"])
        _write_csv(previous, tmp / files["services_previous"])
        _write_csv(details, tmp / files["service_details"])
        _write_csv(finance, tmp / files["finance"])
        _write_csv(requests, tmp / files["subsidy_requests"])
        _write_csv(national, tmp / files["finance_national"])
        _write_csv(transformation, tmp / files["transformation_plans"])
        _write_csv(pledges, tmp / files["municipal_pledges"])
        for name, df in plan.items():
            _write_csv(df, tmp / files[name])
        geo = {"type": "FeatureCollection", "features": territory.orp_polygons}
        (tmp / files["orp_polygons"]).write_text(
            json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        (tmp / "README.md").write_text(
            f"# {REGION_NAME} ({REGION_CODE})\n\nFictional demo data generated by "
            f"`socplan demo --seed {seed}`. Not real people, places or services.\n",
            encoding="utf-8",
        )
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
