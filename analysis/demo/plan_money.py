"""The demo region's plan money beyond the report year: development intentions of the
plan's later years and the municipalities' co-financing pledges."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Intentions the mid-term plan schedules after the report year: (years after the report
# year, measure, name, type, form, capacity change, unit, yearly cost in CZK).
LATER_INTENTIONS = [
    (1, "M1.1", "Pečovatelská služba o víkendech", 4, "ter", 10, "klient", 2_600_000),
    (1, "M3.2", "Druhá domácnost chráněného bydlení", 15, "pob", 6, "luzka", 3_900_000),
    (2, "M1.2", "Denní stacionář pro seniory s demencí", 9, "amb", 15, "klient", 4_800_000),
    (2, "M5.1", "Terénní program pro vyloučené lokality", 32, "ter", 3, "kontakt", 1_100_000),
]


def later_intentions(
    action_plan: pd.DataFrame,
    municipalities: pd.DataFrame,
    report_year: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The action plan with the intentions of the plan's later years appended (status
    planned), each in an ORP drawn at random, with a requested subsidy and a municipal
    share like the report year's intentions."""
    orps = sorted(municipalities["orp_code"].unique())
    rows = []
    first = len(action_plan) + 1
    for k, (ahead, measure, name, stype, form, change, unit, cost) in enumerate(LATER_INTENTIONS):
        rows.append(
            {
                "intention_id": f"Z{first + k:02d}",
                "measure_id": measure,
                "year": report_year + ahead,
                "name": name,
                "service_type_code": stype,
                "form": form,
                "orp_code": orps[int(rng.integers(len(orps)))],
                "capacity_change": float(change),
                "capacity_unit": unit,
                "cost_czk": float(cost),
                "status": "planovano",
                "requested_subsidy_czk": float(round(cost * rng.uniform(0.7, 0.9), -3)),
                "municipal_share": round(float(rng.uniform(0.08, 0.25)), 2),
                "need_declared": "true",
            }
        )
    out = pd.concat([action_plan, pd.DataFrame(rows)], ignore_index=True)
    return out.astype({"service_type_code": "Int64"})


def municipal_pledges(
    action_plan: pd.DataFrame,
    municipalities: pd.DataFrame,
    population: pd.Series,
    years: list[int],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Pledges of the municipalities to the intentions in their ORP, every year of
    ``years`` from the intention's start: the intention's municipal share of its cost
    split among the ORP's two or three largest municipalities by population; in about
    one intention in five the smallest of them pledged nothing (as happens), and one
    small municipality per ORP with intentions pledges to the ORP's intentions as a
    whole. ``population``: municipality code → inhabitants."""
    ap = action_plan[
        action_plan["orp_code"].notna()
        & (action_plan["cost_czk"].fillna(0) > 0)
        & action_plan["municipal_share"].notna()
    ]
    munis = municipalities.assign(
        population=municipalities["municipality_code"].map(population).fillna(0)
    )
    rows = []
    for r in ap.itertuples():
        members = munis[munis["orp_code"] == r.orp_code].sort_values(
            ["population", "municipality_code"], ascending=[False, True]
        )
        pledging = members.head(int(rng.integers(2, 4)))
        weights = pledging["population"] / pledging["population"].sum()
        amounts = (r.cost_czk * r.municipal_share * weights).round(-3)
        if len(pledging) > 1 and rng.random() < 0.2:
            amounts = amounts.iloc[:-1]
        for year in (y for y in years if y >= r.year):
            for code, amount in zip(pledging["municipality_code"], amounts, strict=False):
                rows.append(
                    {
                        "municipality_code": code,
                        "year": year,
                        "pledged_czk": float(amount),
                        "intention_id": r.intention_id,
                        "resolution": f"usnesení zastupitelstva {int(rng.integers(2, 40))}/{year}",
                    }
                )
    for orp in sorted(ap["orp_code"].unique()):
        members = munis[munis["orp_code"] == orp].sort_values(
            ["population", "municipality_code"], ascending=[True, True]
        )
        small = members.iloc[0]
        first = int(ap.loc[ap["orp_code"] == orp, "year"].min())
        for year in (y for y in years if y >= first):
            rows.append(
                {
                    "municipality_code": small["municipality_code"],
                    "year": year,
                    "pledged_czk": float(round(small["population"] * 20, -3) or 1000.0),
                    "intention_id": None,
                    "resolution": None,
                }
            )
    out = pd.DataFrame(rows)
    return out.sort_values(["year", "municipality_code", "intention_id"], na_position="last")
