"""Evaluation of the mid-term plan: indicators against targets, action-plan intentions.

An indicator's progress is the share of the planned change achieved so far:
``(latest − baseline) / (target − baseline)``. It is compared with the share of the plan
period elapsed; an indicator is *on track* when its progress falls short of the elapsed
share by no more than the tolerance (a methodology parameter).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.codelists import CAPACITY_UNITS, FORMS, SERVICE_TYPES
from analysis.methods.demography import orp_names

STATUS_LABELS = {
    "achieved": "splněno",
    "on_track": "na dobré cestě",
    "behind": "zaostává",
    "no_data": "bez údajů",
}

INTENTION_STATUS_LABELS = {
    "splneno": "splněno",
    "castecne": "částečně splněno",
    "probiha": "probíhá",
    "nesplneno": "nesplněno",
    "planovano": "plánováno",
}


def indicator_progress(
    indicators: pd.DataFrame, values: pd.DataFrame, year: int, tolerance: float
) -> pd.DataFrame:
    """Latest value (up to ``year``), progress and status of every indicator."""
    known = values[values["year"] <= year].sort_values(["indicator_id", "year"])
    latest = known.groupby("indicator_id").tail(1).set_index("indicator_id")
    out = indicators.set_index("indicator_id")[
        [
            "measure_id",
            "name",
            "unit",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
        ]
    ].copy()
    out["latest_year"] = latest["year"].reindex(out.index).astype("Int64")
    out["latest_value"] = latest["value"].reindex(out.index)
    planned = out["target_value"] - out["baseline_value"]
    out["progress"] = (out["latest_value"] - out["baseline_value"]) / planned.replace(0, np.nan)
    elapsed = (
        (out["latest_year"].astype(float) - out["baseline_year"])
        / (out["target_year"] - out["baseline_year"])
    ).clip(0, 1)
    out["expected_progress"] = elapsed
    status = np.where(
        out["latest_value"].isna(),
        "no_data",
        np.where(
            out["progress"] >= 1,
            "achieved",
            np.where(out["progress"] >= elapsed - tolerance, "on_track", "behind"),
        ),
    )
    out["status"] = pd.Series(status, index=out.index).map(STATUS_LABELS)
    return out.reset_index()


def status_counts(progress: pd.DataFrame) -> pd.DataFrame:
    """Number of indicators per status, in a fixed order."""
    order = list(STATUS_LABELS.values())
    counts = progress["status"].value_counts().reindex(order, fill_value=0)
    return counts.rename_axis("status").reset_index(name="indicators")


def action_plan_summary(action_plan: pd.DataFrame, year: int) -> pd.DataFrame:
    """Intentions of the action plan of ``year`` by status: count and estimated cost."""
    ap = action_plan[action_plan["year"] == year]
    g = ap.groupby("status").agg(intentions=("intention_id", "count"), cost_czk=("cost_czk", "sum"))
    order = [s for s in INTENTION_STATUS_LABELS if s in g.index]
    g = g.reindex(order)
    g.index = g.index.map(INTENTION_STATUS_LABELS)
    return g.rename_axis("status").reset_index()


def progress_table(progress: pd.DataFrame) -> pd.DataFrame:
    """Columns of the indicator table as published."""
    return progress[
        [
            "indicator_id",
            "name",
            "unit",
            "baseline_year",
            "baseline_value",
            "target_value",
            "latest_year",
            "latest_value",
            "progress",
            "expected_progress",
            "status",
        ]
    ]


def action_plan_list(
    action_plan: pd.DataFrame, municipalities: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The intentions of one year's action plan with readable type, form, ORP and status."""
    ap = action_plan[action_plan["year"] == year].copy()
    ap["service_type"] = ap["service_type_code"].map(
        lambda c: "–" if c is pd.NA else SERVICE_TYPES[int(c)].short
    )
    ap["form"] = ap["form"].map(FORMS)
    ap["orp_name"] = ap["orp_code"].map(orp_names(municipalities))
    ap["capacity_unit"] = ap["capacity_unit"].map(CAPACITY_UNITS)
    ap["status"] = ap["status"].map(INTENTION_STATUS_LABELS)
    return ap[
        [
            "intention_id",
            "measure_id",
            "name",
            "service_type",
            "form",
            "orp_name",
            "capacity_change",
            "capacity_unit",
            "cost_czk",
            "status",
        ]
    ]


def registry_value(
    services: pd.DataFrame,
    municipalities: pd.DataFrame,
    measure: str,
    service_type: int,
    form: str | None,
    unit: str | None,
) -> float:
    """What a registry-linked indicator counts in a set of (active) services: the
    capacity of a type in a form and unit, or the ORPs with at least one such service."""
    s = services[services["service_type_code"] == service_type]
    if form is not None and not pd.isna(form):
        s = s[s["form"] == form]
    if measure == "capacity":
        return float(s.loc[s["capacity_unit"] == unit, "capacity"].sum())
    orps = s.merge(municipalities[["municipality_code", "orp_code"]], on="municipality_code")
    return float(orps["orp_code"].nunique())


def registry_check(
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    services: pd.DataFrame,
    municipalities: pd.DataFrame,
    registry_date: dt.date,
    tolerance: float,
) -> pd.DataFrame:
    """Each registry-linked indicator's latest value beside the registry's figure on
    ``registry_date`` (the services active then), and whether they agree within
    ``tolerance`` (a share of the registry's figure)."""
    if "registry_measure" not in indicators or indicators["registry_measure"].isna().all():
        return pd.DataFrame()
    ts = pd.Timestamp(registry_date)
    active = services[
        (services["active_from"] <= ts)
        & (services["active_to"].isna() | (services["active_to"] >= ts))
    ]
    latest = values.sort_values("year").groupby("indicator_id").last()
    rows = []
    for r in indicators.dropna(subset=["registry_measure"]).itertuples():
        reg = registry_value(
            active,
            municipalities,
            r.registry_measure,
            int(r.registry_service_type),
            r.registry_form,
            r.registry_unit,
        )
        plan = latest["value"].get(r.indicator_id, np.nan)
        year = latest["year"].get(r.indicator_id, pd.NA)
        differs = pd.isna(plan) or abs(plan - reg) > tolerance * max(reg, 1.0)
        rows.append(
            {
                "indicator_id": r.indicator_id,
                "name": r.name,
                "unit": r.unit,
                "latest_year": year,
                "latest_value": plan,
                "registry_value": reg,
                "difference": plan - reg,
                "agreement": "nesoulad" if differs else "shoda",
            }
        )
    return pd.DataFrame(rows)
