"""Chapter 03_plan: the mid-term plan's indicators against targets and the action plan."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.dataset import Dataset
from analysis.methods import plan_evaluation as pe
from analysis.methods.network import reference_date
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.completeness import action_plan_note, plan_note
from analysis.present.czech import plural


def _pct(v: object) -> str:
    return f.percent(100 * v, 0) if isinstance(v, float) and not np.isnan(v) else "–"


def _pct_progress(v: object) -> str:
    """Progress with one decimal: 99,7 % must not read as 100 % (achieved)."""
    return f.percent(100 * v, 1) if isinstance(v, float) and not np.isnan(v) else "–"


PROGRESS_FORMATS = {
    "baseline_value": f.auto,
    "target_value": f.auto,
    "latest_value": f.auto,
    "progress": _pct_progress,
    "expected_progress": _pct,
    "baseline_year": str,
    "target_year": str,
    "latest_year": lambda v: "–" if v is pd.NA else str(v),
}

ACTION_FORMATS = {"capacity_change": f.fmt_signed(0), "cost_czk": f.fmt(0), "year": str}


@dataclass
class PlanChapter:
    summary: str
    headline: str
    missing: str
    action_note: str
    indicators: pd.DataFrame
    status_counts: pd.DataFrame
    action_summary: pd.DataFrame
    action_list: pd.DataFrame
    action_summary_caption: str
    action_list_caption: str
    progress_formats: dict
    action_formats: dict
    registry: pd.DataFrame
    registry_text: str
    registry_caption: str


def prepare(ds: Dataset, methodology: Methodology, year: int) -> PlanChapter:
    """Indicator progress against targets and the intentions of the year's action plan."""
    tolerance = methodology.plan.on_track_tolerance.value
    has_plan, has_action = ds.is_complete("plan"), ds.is_complete("action_plan")
    indicators = counts = action_summary = action_list = pd.DataFrame()
    summary = headline = ""
    if has_plan:
        progress = pe.indicator_progress(
            ds.plan_indicators, ds.plan_indicator_values, year, tolerance
        )
        summary = summary_text(progress, tolerance)
        headline = status_sentence(progress)
        indicators, counts = pe.progress_table(progress), pe.status_counts(progress)
    registry = pd.DataFrame()
    registry_text = ""
    if has_plan and ds.is_complete("services"):
        registry = pe.registry_check(
            ds.plan_indicators,
            ds.plan_indicator_values,
            ds.services,
            ds.municipalities,
            reference_date(year),
            methodology.plan.registry_tolerance.value,
        )
        registry_text = registry_summary(registry, methodology.plan.registry_tolerance.value)
    if has_action:
        action_summary = pe.action_plan_summary(ds.action_plan, year)
        action_list = pe.action_plan_list(ds.action_plan, ds.municipalities, year)
    return PlanChapter(
        summary=summary,
        headline=headline,
        missing=plan_note(ds),
        action_note=action_plan_note(ds),
        indicators=indicators,
        status_counts=counts,
        action_summary=action_summary,
        action_list=action_list,
        action_summary_caption=f"Záměry akčního plánu na rok {year} podle stavu",
        action_list_caption=f"Záměry akčního plánu na rok {year}",
        progress_formats=PROGRESS_FORMATS,
        action_formats=ACTION_FORMATS,
        registry=registry,
        registry_text=registry_text,
        registry_caption=f"Indikátory plánu a registr poskytovatelů k 1. 1. {year}",
    )


def status_sentence(progress: pd.DataFrame) -> str:
    """How many indicators are achieved, on track or behind (one sentence, no period)."""
    counts = progress["status"].value_counts()
    labels = pe.STATUS_LABELS
    n = len(progress)
    achieved = counts.get(labels["achieved"], 0)
    on_track = counts.get(labels["on_track"], 0)
    lagging = counts.get(labels["behind"], 0)
    return (
        plural(
            n,
            (
                "Plán sleduje {n} indikátor",
                "Plán sleduje {n} indikátory",
                "Plán sleduje {n} indikátoru",
                "Plán sleduje {n} indikátorů",
            ),
        )
        + ": "
        + (
            "žádný není splněn"
            if achieved == 0
            else plural(
                achieved, ("{n} je splněn", "{n} jsou splněny", "{n} je splněno", "{n} je splněno")
            )
        )
        + ", "
        + plural(
            on_track,
            (
                "{n} je na dobré cestě",
                "{n} jsou na dobré cestě",
                "{n} je na dobré cestě",
                "{n} je na dobré cestě",
            ),
        )
        + " a "
        + plural(lagging, ("{n} zaostává", "{n} zaostávají", "{n} zaostává", "{n} zaostává"))
    )


def summary_text(progress: pd.DataFrame, tolerance: float) -> str:
    """One paragraph on how many indicators are achieved, on track or behind."""
    behind = progress.loc[progress["status"] == pe.STATUS_LABELS["behind"], "name"].tolist()
    text = (
        status_sentence(progress) + " (plnění nižší než uplynulý podíl období plánu o více než "
        f"{f.percent(100 * tolerance, 0)} plánované změny)."
    )
    if behind:
        text += (
            plural(len(behind), (" Zaostává: ", " Zaostávají: ", " Zaostávají: ", " Zaostávají: "))
            + "; ".join(behind)
            + "."
        )
    return text


def registry_summary(check: pd.DataFrame, tolerance: float) -> str:
    """How many registry-linked indicators agree with the registry, naming the others."""
    if check.empty:
        return ""
    off = check[check["agreement"] == "nesoulad"]
    text = (
        plural(
            len(check),
            (
                "{n} indikátor plánu lze",
                "{n} indikátory plánu lze",
                "{n} indikátoru plánu lze",
                "{n} indikátorů plánu lze",
            ),
        )
        + " ověřit v registru poskytovatelů (stejný druh služby, forma a jednotka). "
    )
    if off.empty:
        return text + (
            "Poslední hodnoty všech se shodují s registrem (odchylka nejvýše "
            f"{f.percent(100 * tolerance, 0)})."
        )
    return text + (
        f"{len(off)} se od registru liší o více než {f.percent(100 * tolerance, 0)}: "
        + "; ".join(off["name"])
        + ". Hodnoty je třeba sjednotit, než se plnění vyhodnotí."
    )
