"""Chapter 03_plan: the mid-term plan's indicators against targets and the action plan."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.dataset import Dataset
from analysis.methods import plan_evaluation as pe
from analysis.params import Methodology
from analysis.present import formatting as f


def _pct(v: object) -> str:
    return f.percent(100 * v, 0) if isinstance(v, float) and not np.isnan(v) else "–"


PROGRESS_FORMATS = {
    "baseline_value": f.fmt(1),
    "target_value": f.fmt(1),
    "latest_value": f.fmt(1),
    "progress": _pct,
    "expected_progress": _pct,
    "baseline_year": str,
    "target_year": str,
    "latest_year": lambda v: "–" if v is pd.NA else str(v),
}

ACTION_FORMATS = {"capacity_change": f.fmt_signed(0), "cost_czk": f.fmt(0), "year": str}


@dataclass
class PlanChapter:
    summary: str
    indicators: pd.DataFrame
    status_counts: pd.DataFrame
    action_summary: pd.DataFrame
    action_list: pd.DataFrame
    action_summary_caption: str
    action_list_caption: str
    progress_formats: dict
    action_formats: dict


def prepare(ds: Dataset, methodology: Methodology, year: int) -> PlanChapter:
    """Indicator progress against targets and the intentions of the year's action plan."""
    tolerance = methodology.plan.on_track_tolerance.value
    progress = pe.indicator_progress(ds.plan_indicators, ds.plan_indicator_values, year, tolerance)
    return PlanChapter(
        summary=summary_text(progress, tolerance),
        indicators=pe.progress_table(progress),
        status_counts=pe.status_counts(progress),
        action_summary=pe.action_plan_summary(ds.action_plan, year),
        action_list=pe.action_plan_list(ds.action_plan, ds.municipalities, year),
        action_summary_caption=f"Záměry akčního plánu na rok {year} podle stavu",
        action_list_caption=f"Záměry akčního plánu na rok {year}",
        progress_formats=PROGRESS_FORMATS,
        action_formats=ACTION_FORMATS,
    )


def summary_text(progress: pd.DataFrame, tolerance: float) -> str:
    """One paragraph on how many indicators are achieved, on track or behind."""
    counts = progress["status"].value_counts()
    n = len(progress)
    behind = progress.loc[progress["status"] == pe.STATUS_LABELS["behind"], "name"].tolist()
    text = (
        f"Plán sleduje {n} indikátorů: {counts.get(pe.STATUS_LABELS['achieved'], 0)} je splněno, "
        f"{counts.get(pe.STATUS_LABELS['on_track'], 0)} je na dobré cestě a "
        f"{counts.get(pe.STATUS_LABELS['behind'], 0)} zaostává (plnění nižší než uplynulý podíl "
        f"období plánu o více než {f.percent(100 * tolerance, 0)} plánované změny)."
    )
    if behind:
        text += " Zaostávají: " + "; ".join(behind) + "."
    return text
