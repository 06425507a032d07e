"""Evaluation of the mid-term plan: indicators against targets, action-plan intentions.

An indicator's progress is the share of the planned change achieved so far:
``(latest − baseline) / (target − baseline)``, which respects the direction (a falling
target has a negative planned change). An indicator that should keep its baseline
(target = baseline, direction given) has progress 1 when it is not worse, else 0.

Status rules (the tolerance is a methodology parameter):

- *splněno*: progress ≥ 1;
- *nesplněno*: the target year has passed (the latest value is of the target year or
  later) and progress < 1;
- *ohroženo*: progress falls short of the elapsed share of the plan period by more than
  the tolerance;
- *plní se*: otherwise; *bez údajů*: no value up to the report year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.codelists import CAPACITY_UNITS, FORMS, SERVICE_TYPES
from analysis.methods.demography import orp_names

STATUS_LABELS = {
    "achieved": "splněno",
    "on_track": "plní se",
    "threatened": "ohroženo",
    "failed": "nesplněno",
    "no_data": "bez údajů",
}

INTENTION_STATUS_LABELS = {
    "splneno": "splněno",
    "castecne": "částečně splněno",
    "probiha": "probíhá",
    "nesplneno": "nesplněno",
    "planovano": "plánováno",
}


def directions(indicators: pd.DataFrame) -> pd.Series:
    """``higher`` or ``lower`` per indicator: given, or from the sign of the planned change."""
    change = indicators["target_value"] - indicators["baseline_value"]
    inferred = pd.Series(np.where(change < 0, "lower", "higher"), index=indicators.index)
    if "direction" in indicators:
        return indicators["direction"].fillna(inferred)
    return inferred


def indicator_progress(
    indicators: pd.DataFrame, values: pd.DataFrame, year: int, tolerance: float
) -> pd.DataFrame:
    """Latest value (up to ``year``), progress, expected progress and status of every
    indicator."""
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
    out["direction"] = directions(indicators.set_index("indicator_id"))
    out["latest_year"] = latest["year"].reindex(out.index).astype("Int64")
    out["latest_value"] = latest["value"].reindex(out.index)
    planned = out["target_value"] - out["baseline_value"]
    progress = (out["latest_value"] - out["baseline_value"]) / planned.replace(0, np.nan)
    keep = planned == 0
    not_worse = np.where(
        out["direction"] == "higher",
        out["latest_value"] >= out["target_value"],
        out["latest_value"] <= out["target_value"],
    )
    progress[keep] = np.where(not_worse[keep.to_numpy()], 1.0, 0.0)
    out["progress"] = progress.where(out["latest_value"].notna())
    elapsed = (
        (out["latest_year"].astype(float) - out["baseline_year"])
        / (out["target_year"] - out["baseline_year"])
    ).clip(0, 1)
    out["expected_progress"] = elapsed
    over = out["latest_year"].astype(float) >= out["target_year"]
    status = np.select(
        [
            out["latest_value"].isna().to_numpy(),
            (out["progress"] >= 1).to_numpy(),
            over.to_numpy(),
            (out["progress"] < elapsed - tolerance).to_numpy(),
        ],
        ["no_data", "achieved", "failed", "threatened"],
        "on_track",
    )
    out["status"] = pd.Series(status, index=out.index).map(STATUS_LABELS)
    return out.reset_index()


def trend_projection(
    indicators: pd.DataFrame, values: pd.DataFrame, year: int, min_points: int, horizon: int
) -> pd.DataFrame:
    """Per indicator: the linear trend (least squares over the baseline and the values up
    to ``year``) at the target year, and the first year from the latest value on in which
    the trend reaches the target (missing if it moves away or not within ``horizon``
    years after the target year). Indicators with fewer than ``min_points`` points get no
    trend."""
    rows = []
    dirs = directions(indicators.set_index("indicator_id"))
    for r in indicators.itertuples():
        v = values[(values["indicator_id"] == r.indicator_id) & (values["year"] <= year)]
        pts = pd.concat(
            [
                pd.Series({r.baseline_year: r.baseline_value}),
                v.set_index("year")["value"].drop(r.baseline_year, errors="ignore"),
            ]
        ).sort_index()
        row = {"indicator_id": r.indicator_id, "trend_value": np.nan, "trend_year": pd.NA}
        if len(pts) >= min_points:
            slope, intercept = np.polyfit(pts.index.to_numpy(float), pts.to_numpy(float), 1)
            row["trend_value"] = slope * r.target_year + intercept
            higher = dirs[r.indicator_id] == "higher"
            years = np.arange(int(pts.index.max()), r.target_year + horizon + 1)
            fitted = slope * years + intercept
            eps = 1e-9 * max(1.0, abs(r.target_value))  # a fitted 9.9999999 reaches 10
            reached = fitted >= r.target_value - eps if higher else fitted <= r.target_value + eps
            if reached.any():
                row["trend_year"] = int(years[np.argmax(reached)])
        rows.append(row)
    out = pd.DataFrame(rows)
    out["trend_year"] = out["trend_year"].astype("Int64")
    return out


def summary_by(
    progress: pd.DataFrame, measures: pd.DataFrame, priorities: pd.DataFrame, level: str
) -> pd.DataFrame:
    """Indicators per measure or priority (``level``): how many in each status and the
    median progress (indicators with data)."""
    df = progress.merge(measures[["measure_id", "priority_id"]], on="measure_id", how="left")
    key = "measure_id" if level == "measure" else "priority_id"
    names = (
        measures.set_index("measure_id")["name"]
        if level == "measure"
        else priorities.set_index("priority_id")["name"]
    )
    df["status_key"] = df["status"].map({v: k for k, v in STATUS_LABELS.items()})
    counts = df.pivot_table(index=key, columns="status_key", values="indicator_id", aggfunc="count")
    counts = counts.reindex(columns=list(STATUS_LABELS), fill_value=0).fillna(0)
    counts = counts.astype(int)
    out = counts.copy()
    out.insert(0, "indicators", counts.sum(axis=1))
    out.insert(0, "name", names.reindex(out.index))
    # The median: one indicator far off its path does not swing the whole priority.
    out["median_progress"] = df.groupby(key)["progress"].median().reindex(out.index)
    return out.rename_axis(key).reset_index()


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
            "trend_value",
            "trend_year",
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


def quality_by_area(checklist: pd.DataFrame, scores: dict[str, float], areas: dict[str, str]):
    """Per area of the planning-quality criteria (every area, in order): criteria assessed,
    how many are met, partly met and not met, and the score (mean points, in %)."""
    rows = []
    for code, name in areas.items():
        c = checklist[checklist["area"] == code]
        points = c["assessment"].map(scores)
        rows.append(
            {
                "area": name,
                "criteria": len(c),
                "met": int((c["assessment"] == "met").sum()),
                "partly": int((c["assessment"] == "partly").sum()),
                "not_met": int((c["assessment"] == "not_met").sum()),
                "score": 100 * points.mean() if len(c) else np.nan,
            }
        )
    return pd.DataFrame(rows)
