"""Evaluation of the mid-term plan: indicators against targets, action-plan intentions.

An indicator's progress is the share of the planned change achieved so far:
``(latest − baseline) / (target − baseline)``. It is compared with the share of the plan
period elapsed; an indicator is *on track* when its progress falls short of the elapsed
share by no more than the tolerance (a methodology parameter).
"""

from __future__ import annotations

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
