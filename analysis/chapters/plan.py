"""Chapter 03_plan: the mid-term plan's indicators against targets, the action plan's
development intentions and their funding, deinstitutionalisation, planning quality."""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.figure
import numpy as np
import pandas as pd

from analysis.chapters._plan_deinstitutionalisation import deinstitutionalisation
from analysis.chapters._plan_intentions import intentions
from analysis.codelists import PLANNING_QUALITY_AREAS
from analysis.data.dataset import Dataset
from analysis.methods import plan_evaluation as pe
from analysis.methods.network import reference_date
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.completeness import action_plan_note, plan_note
from analysis.present.czech import plural
from analysis.present.figures import progress_bars
from analysis.shared_results import once_per_dataset


def _pct(v: object) -> str:
    return f.percent(100 * v, 0) if isinstance(v, float) and not np.isnan(v) else "–"


def _pct_progress(v: object) -> str:
    """Progress with one decimal: 99,7 % must not read as 100 % (achieved)."""
    return f.percent(100 * v, 1) if isinstance(v, float) and not np.isnan(v) else "–"


def _year(v: object) -> str:
    return "–" if v is None or pd.isna(v) else str(int(v))


PROGRESS_FORMATS = {
    "baseline_value": f.auto,
    "target_value": f.auto,
    "latest_value": f.auto,
    "progress": _pct_progress,
    "expected_progress": _pct,
    "median_progress": _pct,
    "trend_value": f.fmt(1),
    "trend_year": _year,
    "baseline_year": str,
    "target_year": str,
    "latest_year": _year,
}

ACTION_FORMATS = {
    "capacity_change": f.fmt_signed(0),
    "cost_czk": f.fmt(0),
    "budget_czk": f.fmt(0),
    "year": str,
    "municipal_share": _pct,
    "required_share": _pct,
    "cofinancing_ok": f.yes_no,
    "need_ok": f.yes_no,
    "priority_ok": f.yes_no,
    "eligible": f.yes_no,
    "funded": f.yes_no,
    "gap_median": f.fmt(1),
    "gap_low": f.fmt(1),
    "gap_high": f.fmt(1),
    "gap_closed": f.fmt(1),
    "gap_closed_share": _pct,
    "score": f.fmt(2),
    "cost_horizon_czk": f.fmt(0),
    "required_municipal_czk": f.fmt(0),
    "large_residential": f.yes_no,
    "large_share": _pct_progress,
    "score_pct": f.fmt(0),
}

STATUS_COLOURS = {
    pe.STATUS_LABELS["achieved"]: "#2a7f62",
    pe.STATUS_LABELS["on_track"]: "#7fb77e",
    pe.STATUS_LABELS["threatened"]: "#e0a030",
    pe.STATUS_LABELS["failed"]: "#c8553d",
}
ASSESSMENTS = {"met": "splněno", "partly": "částečně", "not_met": "nesplněno"}


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
    priorities: pd.DataFrame = field(default_factory=pd.DataFrame)
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    progress_figure: matplotlib.figure.Figure | None = None
    progress_figure_data: pd.DataFrame | None = None
    progress_caption: str = "Plnění indikátorů podle priorit plánu"
    rules_text: str = ""
    intentions: pd.DataFrame = field(default_factory=pd.DataFrame)
    intentions_text: str = ""
    intentions_caption: str = ""
    funded: pd.DataFrame = field(default_factory=pd.DataFrame)
    funded_caption: str = ""
    di_text: str = ""
    di_sizes: pd.DataFrame = field(default_factory=pd.DataFrame)
    di_sizes_caption: str = ""
    di_large: pd.DataFrame = field(default_factory=pd.DataFrame)
    di_large_caption: str = ""
    di_trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    di_trend_caption: str = "Pobytová místa a místa ve velkých zařízeních podle let"
    di_mts: pd.DataFrame | None = None
    di_mts_caption: str = (
        "Služby s kapacitou nad limitem nepřijatého návrhu materiálně-technického standardu "
        "pro jednu budovu (orientační srovnání; limity návrhu se uplatňují jen u nové nebo "
        "investičně podpořené kapacity)"
    )
    transformation: pd.DataFrame = field(default_factory=pd.DataFrame)
    transformation_caption: str = "Plány transformace pobytových služeb"
    transformation_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    transformation_text: str = ""
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    quality_checklist: pd.DataFrame = field(default_factory=pd.DataFrame)
    quality_text: str = ""
    quality_source: str = ""
    mts_source: str = ""
    funding_headline: str = ""  # one sentence for the summary (no period)
    di_headline: str = ""


@once_per_dataset
def prepare(ds: Dataset, methodology: Methodology, year: int) -> PlanChapter:
    """Indicator progress against targets and the intentions of the year's action plan."""
    mp = methodology.plan
    tolerance = mp.on_track_tolerance.value
    has_plan, has_action = ds.is_complete("plan"), ds.is_complete("action_plan")
    indicators = counts = action_summary = action_list = pd.DataFrame()
    summary = headline = ""
    progress = pd.DataFrame()
    if has_plan:
        progress = pe.indicator_progress(
            ds.plan_indicators, ds.plan_indicator_values, year, tolerance
        )
        trend = pe.trend_projection(
            ds.plan_indicators,
            ds.plan_indicator_values,
            year,
            mp.trend_min_points.value,
            mp.trend_horizon.value,
        )
        progress = progress.merge(trend, on="indicator_id", how="left")
        summary = summary_text(progress, tolerance, mp.trend_horizon.value)
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
            mp.registry_tolerance.value,
        )
        registry_text = registry_summary(registry, mp.registry_tolerance.value)
    if has_action:
        action_summary = pe.action_plan_summary(ds.action_plan, year)
        action_list = pe.action_plan_list(ds.action_plan, ds.municipalities, year)
    ch = PlanChapter(
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
    ch.rules_text = rules_text(tolerance, mp.trend_min_points.value)
    if has_plan:
        _progress_sections(ch, ds, progress)
    if has_plan and has_action and ds.is_complete("services"):
        intentions(ch, ds, methodology, year)
    if ds.is_complete("services"):
        deinstitutionalisation(ch, ds, methodology, year)
    _quality(ch, ds, methodology)
    return ch


def rules_text(tolerance: float, min_points: int) -> str:
    """The status rules and the trend, as the report states them."""
    return (
        "Stav indikátoru: *splněno*, když plnění dosáhlo alespoň 100 %; *nesplněno*, když "
        "cílový rok už uplynul a plnění je nižší; *ohroženo*, když plnění zaostává za "
        "uplynulým podílem období plánu o více než "
        f"{f.number(100 * tolerance)} procentních bodů; jinak *plní se*. Plnění počítá se "
        "směrem indikátoru (u klesajícího cíle je pokles plněním); indikátor, který má "
        "výchozí hodnotu udržet, je splněn, když se nezhoršil. Trend je přímka proložená "
        "metodou nejmenších čtverců výchozí hodnotou a dosavadními hodnotami (nejméně "
        f"{f.number(min_points)} body); rok dosažení cíle je první rok, ve kterém trend cíle "
        "dosáhne; pomlčka znamená, že trend cíle v dohledné době nedosáhne nebo že hodnot je "
        "málo."
    )


def _progress_sections(ch: PlanChapter, ds: Dataset, progress: pd.DataFrame) -> None:
    ch.priorities = pe.summary_by(progress, ds.plan_measures, ds.plan_priorities, "priority")
    ch.measures = pe.summary_by(progress, ds.plan_measures, ds.plan_priorities, "measure")
    shown = progress[progress["status"] != pe.STATUS_LABELS["no_data"]].merge(
        ds.plan_measures[["measure_id", "priority_id"]], on="measure_id", how="left"
    )
    shown = shown.sort_values(["priority_id", "indicator_id"])
    data = shown.set_index(
        shown["priority_id"] + " · " + shown["indicator_id"] + " " + shown["name"]
    )[["progress", "expected_progress", "status"]]
    ch.progress_figure = progress_bars(data, STATUS_COLOURS, "plnění plánované změny (%)")
    ch.progress_figure_data = shown[
        ["priority_id", "indicator_id", "progress", "expected_progress", "status"]
    ]


def _quality(ch: PlanChapter, ds: Dataset, methodology: Methodology) -> None:
    checklist = ds.planning_quality
    ch.quality_source = methodology.plan.quality_scores.source
    if checklist.empty:
        ch.quality_text = (
            "Krajský úřad nedodal hodnocení podle kritérií kvality plánování (v souboru "
            "parametrů zprávy, klíč `planning_quality`)."
        )
        return
    scores = methodology.plan.quality_scores.value.model_dump()
    ch.quality = pe.quality_by_area(checklist, scores, PLANNING_QUALITY_AREAS).rename(
        columns={"score": "score_pct"}
    )
    ch.quality_checklist = checklist.assign(
        area=checklist["area"].map(PLANNING_QUALITY_AREAS),
        assessment=checklist["assessment"].map(ASSESSMENTS),
    )
    assessed = ch.quality[ch.quality["criteria"] > 0]
    missing = ch.quality.loc[ch.quality["criteria"] == 0, "area"].tolist()
    ch.quality_text = (
        "Krajský úřad posoudil plánování podle kritérií kvality plánování MPSV: "
        + plural(len(checklist), ("{n} kritérium", "{n} kritéria", "{n} kritéria", "{n} kritérií"))
        + (
            f" ve všech {len(PLANNING_QUALITY_AREAS)} oblastech"
            if len(assessed) == len(PLANNING_QUALITY_AREAS)
            else f" v {len(assessed)} z {len(PLANNING_QUALITY_AREAS)} oblastí"
        )
        + ". Skóre oblasti je "
        "průměr bodů jejích kritérií (splněno "
        f"{f.auto(scores['met'])}, částečně {f.auto(scores['partly'])}, nesplněno "
        f"{f.auto(scores['not_met'])}) v procentech"
        + ("." if not missing else "; bez hodnocení zůstává: " + ", ".join(missing) + ".")
    )


def status_sentence(progress: pd.DataFrame) -> str:
    """How many indicators are achieved, on track, threatened or failed (no period)."""
    counts = progress["status"].value_counts()
    labels = pe.STATUS_LABELS
    n = len(progress)
    achieved = counts.get(labels["achieved"], 0)
    parts = [
        "žádný není splněn"
        if achieved == 0
        else plural(
            achieved, ("{n} je splněn", "{n} jsou splněny", "{n} je splněno", "{n} je splněno")
        )
    ]
    forms = {
        "on_track": ("{n} se plní", "{n} se plní", "{n} se plní", "{n} se plní"),
        "threatened": ("{n} je ohrožen", "{n} jsou ohroženy", "{n} je ohroženo", "{n} je ohroženo"),
        "failed": (
            "{n} nebyl splněn",
            "{n} nebyly splněny",
            "{n} nebylo splněno",
            "{n} nebylo splněno",
        ),
        "no_data": (
            "{n} nemá údaje",
            "{n} nemají údaje",
            "{n} nemá údaje",
            "{n} nemá údaje",
        ),
    }
    parts += [plural(counts[labels[k]], f) for k, f in forms.items() if counts.get(labels[k], 0)]
    head = plural(
        n,
        (
            "Plán sleduje {n} indikátor",
            "Plán sleduje {n} indikátory",
            "Plán sleduje {n} indikátoru",
            "Plán sleduje {n} indikátorů",
        ),
    )
    return head + ": " + (", ".join(parts[:-1]) + " a " + parts[-1] if len(parts) > 1 else parts[0])


def summary_text(progress: pd.DataFrame, tolerance: float, horizon: int) -> str:
    """One paragraph on the indicators' statuses, naming the threatened and failed ones."""
    text = status_sentence(progress) + "."
    for key, forms in (
        ("threatened", (" Ohrožen: ", " Ohroženy: ", " Ohroženy: ", " Ohroženy: ")),
        ("failed", (" Nesplněn: ", " Nesplněny: ", " Nesplněny: ", " Nesplněny: ")),
    ):
        names = progress.loc[progress["status"] == pe.STATUS_LABELS[key], "name"].tolist()
        if names:
            text += plural(len(names), forms) + "; ".join(names) + "."
    late = progress[
        progress["trend_year"].notna()
        & (progress["trend_year"] > progress["target_year"])
        & (progress["status"] != pe.STATUS_LABELS["achieved"])
    ]
    never = progress[
        progress["trend_value"].notna()
        & progress["trend_year"].isna()
        & (progress["status"] != pe.STATUS_LABELS["achieved"])
    ]
    if len(late) or len(never):
        text += (
            " Podle dosavadního trendu dosáhne cíle až po cílovém roce "
            + plural(
                len(late), ("{n} indikátor", "{n} indikátory", "{n} indikátoru", "{n} indikátorů")
            )
            + "; "
            + plural(
                len(never),
                (
                    "{n} indikátor cíle nedosáhne",
                    "{n} indikátory cíle nedosáhnou",
                    "{n} indikátoru cíle nedosáhne",
                    "{n} indikátorů cíle nedosáhne",
                ),
            )
            + f" ani do {plural(horizon, ('{n} roku', '{n} let', '{n} roku', '{n} let'))} po "
            "cílovém roce (trend se od cíle vzdaluje nebo je příliš pomalý)."
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
