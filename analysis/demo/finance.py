"""Finance inputs of the demo beyond the service reports: parts of the costs that may be
ineligible, the services' subsidy requests, and a synthetic national set of services
whose usual values stand in for the national reference values.

Everything here is invented by socplan's own code; the national set is a stylised
country of ``n`` services (types in the demo's proportions, costs around the same
stylised 2024 levels), never real data. It also drives the finance benchmark at
national scale (``benchmarks/bench_finance.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.codelists import SERVICE_TYPES
from analysis.demo.services import SPECS, revenue_shares
from analysis.methods.finance_benchmark import GROUP, indicators
from analysis.methods.network_units import network_units
from analysis.methods.reference_values import usual_values

_WAGE_COST = 585e3  # CZK per FTE per year incl. levies, 2024
_HEALTH_CARE_TYPES = {11, 12, 13, 14, 15, 16}  # residential: nursing care under § 36


def cost_parts(finance: pd.DataFrame, services: pd.DataFrame, rng: np.random.Generator):
    """Adds ``cost_depreciation``, ``cost_health_care`` and ``cost_outside_basic``, and
    breaks out of ``revenue_other`` the revenue of the activities outside the basic
    activities, EU funds (projects of some services) and Labour Office money."""
    types = services.drop_duplicates("service_id").set_index("service_id")["service_type_code"]
    total = (finance["cost_personnel"] + finance["cost_operating"]).to_numpy()
    n = len(finance)
    health = finance["service_id"].map(types).isin(_HEALTH_CARE_TYPES).to_numpy()
    out = finance.copy()
    out["cost_depreciation"] = np.round(total * rng.uniform(0.005, 0.025, n), -3)
    out["cost_health_care"] = np.round(total * rng.uniform(0.01, 0.04, n) * health, -3)
    out["cost_outside_basic"] = np.round(total * rng.uniform(0.0, 0.01, n), -3)
    other = out["revenue_other"].to_numpy(float)
    outside = np.minimum(other, np.round(out["cost_outside_basic"] * rng.uniform(0.9, 1.1, n), -3))
    other = other - outside
    # A project is the service's for all its years: draw per service, not per row.
    ids = np.array(sorted(out["service_id"].unique()))
    eu_services = set(ids[rng.random(len(ids)) < 0.15])
    office_services = set(ids[rng.random(len(ids)) < 0.1])
    eu = np.where(out["service_id"].isin(eu_services), np.round(other * 0.7, -3), 0.0)
    other = other - eu
    office = np.where(out["service_id"].isin(office_services), np.round(other * 0.3, -3), 0.0)
    out["revenue_outside_basic"] = outside
    out["revenue_eu"] = eu
    out["revenue_labour_office"] = office
    out["revenue_other"] = other - office
    return out


def entrustments(services: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Adds the years of the region's entrustment act to the services of its network:
    five-year acts starting 2020–2022, so that every finance year is covered and some acts
    end in the last finance year (2024)."""
    ids = sorted(services.loc[services["in_regional_network"] == "true", "service_id"].unique())
    start = pd.Series(rng.integers(2020, 2023, len(ids)), index=ids)
    out = services.copy()
    out["entrusted_from"] = out["service_id"].map(start).astype("Int64")
    out["entrusted_to"] = (out["entrusted_from"] + 4).astype("Int64")
    return out


def subsidy_requests(finance: pd.DataFrame, year: int, rng: np.random.Generator):
    """Requests for ``year``: the last reported state subsidy, grown, usually more."""
    last = finance.sort_values("year").drop_duplicates("service_id", keep="last")
    last = last[last["year"] == year - 1].sort_values("service_id")
    factor = rng.uniform(1.0, 1.45, len(last))
    return pd.DataFrame(
        {
            "service_id": last["service_id"].to_numpy(),
            "year": year,
            "requested_czk": np.round(last["revenue_state_subsidy"].to_numpy() * factor, -3),
        }
    )


def national_services(n: int, years: list[int], rng: np.random.Generator) -> pd.DataFrame:
    """A synthetic country of ``n`` services (vectorised): the registry columns the
    benchmark needs and the finance columns of ``finance.csv`` for each year."""
    codes = np.array(sorted(SPECS))
    weights = np.array([SPECS[c].count for c in codes], float)
    code = rng.choice(codes, size=n, p=weights / weights.sum())
    form = np.array([SPECS[c].forms[0][0] for c in code])
    unit = np.array([SPECS[c].forms[0][1] for c in code])
    low = np.array([SPECS[c].capacity[f][0] for c, f in zip(code, form, strict=True)])
    high = np.array([SPECS[c].capacity[f][1] for c, f in zip(code, form, strict=True)])
    capacity = np.round(rng.uniform(low, high))
    region = rng.integers(1, 15, n)
    regional = np.exp(rng.normal(0, 0.08, 15))[region]
    unit_cost = np.array([SPECS[c].unit_cost for c in code]) * regional
    base = capacity * unit_cost * rng.lognormal(0, 0.18, n)
    shares = revenue_shares(code) * rng.uniform(0.85, 1.15, (n, 6))
    direct = rng.uniform(0.72, 0.88, n)
    providers = rng.integers(0, max(n * 2 // 3, 1), n)
    ids = np.array([f"N{i:06d}" for i in range(n)])
    frames = []
    for year in years:
        cost = base * 1.075 ** (year - 2024) * rng.uniform(0.97, 1.03, n)
        personnel = cost * rng.uniform(0.66, 0.78, n)
        revenue = cost[:, None] * rng.uniform(0.97, 1.05, (n, 1)) * shares
        fte = personnel / (_WAGE_COST * 1.075 ** (year - 2024))
        occupancy = np.where(unit == "luzka", rng.uniform(0.86, 0.99, n), rng.uniform(0.6, 0.95, n))
        frames.append(
            pd.DataFrame(
                {
                    "service_id": ids,
                    "provider_ico": [f"P{p:07d}" for p in providers],
                    "region": region,
                    "service_type_code": code,
                    "form": form,
                    "capacity_unit": unit,
                    "capacity": capacity,
                    "in_regional_network": True,
                    "year": year,
                    "cost_personnel": personnel,
                    "cost_operating": cost - personnel,
                    "revenue_users": revenue[:, 0],
                    "revenue_health_insurance": revenue[:, 1],
                    "revenue_state_subsidy": revenue[:, 2],
                    "revenue_region": revenue[:, 3],
                    "revenue_municipalities": revenue[:, 4],
                    "revenue_other": revenue[:, 5],
                    "fte_direct": fte * direct,
                    "fte_other": fte * (1 - direct),
                    "units_delivered": capacity * occupancy * np.where(unit == "luzka", 365, 3),
                    "occupancy": occupancy,
                    "cost_depreciation": cost * rng.uniform(0.005, 0.025, n),
                    "cost_health_care": cost
                    * rng.uniform(0.01, 0.04, n)
                    * np.isin(code, list(_HEALTH_CARE_TYPES)),
                    "cost_outside_basic": cost * rng.uniform(0.0, 0.01, n),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def national_reference(
    n: int, years: list[int], rng: np.random.Generator, public: list[str], unit_rules: list
) -> pd.DataFrame:
    """The usual values (medians) of a synthetic country per network unit, as
    ``finance_national.csv``."""
    nat = national_services(n, years, rng)
    units = nat[
        [
            "service_id",
            "service_type_code",
            "form",
            "capacity_unit",
            "provider_ico",
            "capacity",
            "in_regional_network",
        ]
    ].drop_duplicates("service_id")
    finance = nat.drop(columns=[*units.columns.drop("service_id").tolist(), "region"])
    net = network_units(units, unit_rules).set_index("service_id")
    units = units.join(net, on="service_id")
    units["mixed_units"] = units.pop("mixed_network_units")
    ind = indicators(finance, units, 10, public, np.inf)
    out = usual_values(ind, "median", 0.0)
    out = out[out["service_type_code"].isin(SERVICE_TYPES)]
    money = [c for c in out.columns if c.startswith(("cost_", "own_"))]
    out[money] = out[money].round()
    return out.sort_values(["year", *GROUP])
