"""Chapter 04_finance: benchmarking, reference values, the compensation payment check,
subsidy allocation and scoring of services against the network criteria.

Everything rests on the services' finance reports (``finance.csv``). Without them (every
real region read from open data: no public source holds per-service finance) the chapter
says so and computes nothing; it never shows invented numbers as real.

This module assembles the chapter; each section is computed in a module of its own:
``_finance_costs`` (benchmarking, reference values), ``_finance_compensation``,
``_finance_scoring`` and ``_finance_subsidy``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.figure
import pandas as pd

from analysis.chapters import _finance_compensation as compensation
from analysis.chapters import _finance_costs as costs
from analysis.chapters import _finance_framework as framework
from analysis.chapters import _finance_scoring as scoring
from analysis.chapters import _finance_subsidy as subsidy
from analysis.chapters._finance_common import (
    _flag,
    _signed_share,
)
from analysis.data.dataset import Dataset
from analysis.methods import compensation as comp
from analysis.methods import finance_benchmark as fb
from analysis.methods import reference_values as rv
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.completeness import finance_note
from analysis.present.czech import plural
from analysis.shared_results import once_per_dataset


@dataclass
class FinanceChapter:
    has_finance: bool
    missing: str
    finance_year: int | None = None
    intro: str = ""
    benchmark: pd.DataFrame = field(default_factory=pd.DataFrame)
    benchmark_caption: str = ""
    staffing: pd.DataFrame = field(default_factory=pd.DataFrame)
    staffing_caption: str = ""
    benchmark_text: str = ""
    cost_figure: matplotlib.figure.Figure | None = None
    cost_figure_data: pd.DataFrame | None = None
    cost_figure_caption: str = ""
    revenue_figure: matplotlib.figure.Figure | None = None
    revenue_figure_data: pd.DataFrame | None = None
    revenue_figure_caption: str = ""
    outliers: pd.DataFrame = field(default_factory=pd.DataFrame)
    outliers_caption: str = ""
    excluded: pd.DataFrame | None = None
    excluded_text: str = ""
    excluded_caption: str = "Řádky výkazů mimo srovnání"
    service_indicators: pd.DataFrame = field(default_factory=pd.DataFrame)
    reference: pd.DataFrame = field(default_factory=pd.DataFrame)
    reference_caption: str = ""
    reference_revenue: pd.DataFrame = field(default_factory=pd.DataFrame)
    reference_revenue_caption: str = ""
    reference_text: str = ""
    compensation_text: str = ""
    compensation_types: pd.DataFrame = field(default_factory=pd.DataFrame)
    compensation_services: pd.DataFrame = field(default_factory=pd.DataFrame)
    compensation_returns: pd.DataFrame = field(default_factory=pd.DataFrame)
    compensation_caption: str = ""
    subsidy_text: str = ""
    subsidy_types: pd.DataFrame = field(default_factory=pd.DataFrame)
    subsidy_services: pd.DataFrame = field(default_factory=pd.DataFrame)
    subsidy_caption: str = ""
    what_if: pd.DataFrame = field(default_factory=pd.DataFrame)
    scoring_text: str = ""
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)
    band_counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    random_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    band_probabilities: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity_text: str = ""
    uncertain_figure: matplotlib.figure.Figure | None = None
    uncertain_caption: str = ""
    formats: dict = field(default_factory=dict)
    rows: int = 0  # rows of the long per-service tables shown (all in CSV)
    what_if_caption: str = ""
    criteria_caption: str = "Kritéria sítě, jejich váhy a bodové stupnice"
    criteria_source: str = ""
    bands_caption: str = ""
    decisions_caption: str = ""
    sensitivity_caption: str = "Citlivost na změnu jediné váhy"
    normative_sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    normative_caption: str = "Citlivost na posun hranic (normativů) jediného kritéria"
    random_caption: str = "Citlivost na náhodné váhy"


def finance_years(ds: Dataset, year: int) -> list[int]:
    """Years of the finance reports up to the report year; empty when nothing may be
    computed (no complete finance reports or no complete registry)."""
    if not ds.is_complete("finance") or not ds.is_complete("services"):
        return []
    return sorted(int(y) for y in ds.finance["year"].unique() if y <= year)


def prepare_framework(
    ds: Dataset, methodology: Methodology, year: int, subsidy_services: pd.DataFrame | None = None
) -> framework.FrameworkSection | None:
    """Section "Finanční rámec plánu" (:mod:`analysis.chapters._finance_framework`), with
    the normative costs of its calculator from this chapter's service indicators and the
    per-service calculator from the subsidy section's services (``subsidy_services``)."""
    return framework.prepare_framework(
        ds, methodology, year, service_indicators(ds, methodology), subsidy_services
    )


def service_indicators(ds: Dataset, methodology: Methodology) -> pd.DataFrame:
    """Indicators of every service and year (with the service's name)."""
    m = methodology.finance
    ind = fb.indicators(
        ds.finance,
        fb.service_units(ds.services, list(m.network_units.value)),
        m.fte_per_capacity.value,
        list(m.public_revenues.value),
        m.max_revenue_to_cost.value,
    )
    ind["service_name"] = ind["service_id"].map(
        ds.services.drop_duplicates("service_id").set_index("service_id")["service_name"]
    )
    return ind


def compensation_check(ind: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    """The compensation check of every service and year, by the methodology."""
    m = methodology.finance
    return comp.compensation(
        ind,
        list(m.compensation_excluded_costs.value),
        list(m.public_revenues.value),
        m.reasonable_profit.value,
        m.carry_over_threshold.value,
        list(m.carry_over_sources.value),
    )


@once_per_dataset
def compensation_headline(ds: Dataset, methodology: Methodology, year: int) -> str:
    """One sentence (no period) on the last year's compensation check, for the summary;
    empty without finance reports."""
    years = finance_years(ds, year)
    if not years:
        return ""
    checked = compensation_check(service_indicators(ds, methodology), methodology)
    cur = checked[(checked["year"] == years[-1]) & checked["justified"].notna()]
    returning = int((cur["to_return"] > 0).sum())
    return (
        f"Kontrola vyrovnávací platby za rok {years[-1]}: "
        + plural(
            len(cur),
            (
                "{n} služba krajské sítě přijala",
                "{n} služby krajské sítě přijaly",
                "{n} služby krajské sítě přijalo",
                "{n} služeb krajské sítě přijalo",
            ),
        )
        + f" z veřejných zdrojů {f.millions(cur['public_revenue'].sum())}, "
        + plural(
            returning,
            (
                "vratka se týká {n} služby",
                "vratka se týká {n} služeb",
                "vratka se týká {n} služby",
                "vratka se týká {n} služeb",
            ),
        )
        + f" a činí {f.millions(cur['to_return'].sum())}"
    )


@once_per_dataset
def prepare(ds: Dataset, methodology: Methodology, year: int) -> FinanceChapter:
    """All sections of the chapter for the report year: benchmarking and compensation for
    the last reported year up to it, the subsidy and the scoring for the report year."""
    m = methodology.finance
    years = finance_years(ds, year)
    if not years:
        return FinanceChapter(has_finance=False, missing=finance_note(ds))
    latest = years[-1]
    units_all = fb.service_units(ds.services, list(m.network_units.value))
    ind = service_indicators(ds, methodology)
    forms = units_all.groupby("service_type_code")["form"].nunique()
    ambiguous = set(forms[forms > 1].index.astype(int))
    ch = FinanceChapter(has_finance=True, missing=finance_note(ds), finance_year=latest)
    ch.formats = FORMATS
    ch.rows = methodology.report.gap_table_rows.value
    ch.criteria_source = m.criteria.source
    ch.what_if_caption = f"Modelové propočty alokace státní dotace, {year}"
    ch.intro = intro_text(ind, years, ds)
    costs.benchmark(ch, ind, ds, methodology, latest, ambiguous)
    region_usual = rv.usual_values(ind, m.reference_statistic.value, m.reference_trim.value)
    ref = rv.reference_values(region_usual, ds.finance_national, m.reference_min_providers.value)
    costs.reference(ch, ref, methodology, latest, ambiguous, ds)
    comp_all = compensation_check(ind, methodology)
    comp_all["reference_maximum"] = comp.reference_maximum(comp_all, ref)
    compensation.compensation(ch, comp_all, ind, methodology, latest, ds)
    scoring.scoring(ch, ds, methodology, year, ind[ind["year"] == latest], ref, latest)
    subsidy.subsidy(ch, ds, methodology, year, ind[ind["year"] == latest], ref, latest, ambiguous)
    return ch


_SHARE = f.fmt_percent_share(1)

FORMATS: dict[str, f.Formatter] = {
    "cost_q1": f.fmt(0),
    "cost_median": f.fmt(0),
    "cost_q3": f.fmt(0),
    "cost_per_delivered": f.fmt(0),
    "fte_per_capacity": f.fmt(1),
    "direct_share": _SHARE,
    "occupancy": _SHARE,
    "outliers": f.fmt(0),
    "cost_change": _signed_share,
    "national_median": f.fmt(0),
    "ratio_to_national": f.fmt(2),
    "cost_per_unit": f.fmt(0),
    "own_revenue_per_unit": f.fmt(0),
    "national_cost_per_unit": f.fmt(0),
    "national_own_revenue_per_unit": f.fmt(0),
    "reference_cost": f.fmt(0),
    "reference_own_revenue": f.fmt(0),
    "group_median": f.fmt(0),
    "cost_flag": _flag,
    "revenue_to_cost": f.fmt(2),
    "total_cost": f.fmt(0),
    "eligible_cost": f.fmt(0),
    "own_revenue": f.fmt(0),
    "justified": f.fmt(0),
    "public_revenue": f.fmt(0),
    "overcompensation": f.fmt(0),
    "carry_over": f.fmt(0),
    "to_return": f.fmt(0),
    "uncovered": f.fmt(0),
    "average_payment": f.fmt(0),
    "price_level": f.fmt(0),
    "capacity": f.fmt(0),
    "expected_users": f.fmt(0),
    "expected_health_insurance": f.fmt(0),
    "base": f.fmt(0),
    "adjustment": _signed_share,
    "optimal": f.fmt(0),
    "real": f.fmt(0),
    "requested": f.fmt(0),
    "deficit": f.fmt(0),
    "allocation_change": _signed_share,
    "allocation": f.fmt(0),
    "distributed": f.fmt(0),
    "undistributed": f.fmt(0),
    "services_full_request": f.fmt(0),
    "score": f.fmt(1),
    "rank": f.fmt(0),
    "weight": _SHARE,
    "weight_change": _signed_share,
    "normative_change": _signed_share,
    "network_capacity": f.fmt(1),
    "units": f.fmt(1),
    "excluded_cost": f.fmt(0),
    "excluded_revenue": f.fmt(0),
    "allowed_profit": f.fmt(0),
    "carried_in": f.fmt(0),
    "other_public": f.fmt(0),
    "cap": f.fmt(0),
    "subsidy_eligible_cost": f.fmt(0),
    "state_subsidy": f.fmt(0),
    "state_subsidy_excess": f.fmt(0),
    "rank_correlation": f.fmt(3),
    "band_changed_share": _SHARE,
    "mean": f.fmt(3),
    "low": f.fmt(3),
    "high": f.fmt(3),
    "band_probability": _SHARE,
    "year": str,
    "in_regional_network": f.yes_no,
}


def intro_text(ind: pd.DataFrame, years: list[int], ds: Dataset) -> str:
    services = ind["service_id"].nunique()
    per_service = ind.groupby("service_id")["year"].agg(["min", "max", "count"])
    gaps = int((per_service["max"] - per_service["min"] + 1 > per_service["count"]).sum())
    per_year = ind[ind["year"].isin(years)].groupby("year")["service_id"].nunique()
    text = (
        "Výkazy hospodaření jsou k dispozici za "
        + plural(services, ("{n} službu", "{n} služby", "{n} služby", "{n} služeb"))
        + " ("
        + "; ".join(f"{y}: {f.number(n)}" for y, n in per_year.items())
        + "). Peníze se vztahují k jednotce, ve které službu počítá krajská síť: u pobytových "
        "služeb k lůžku (registrovaná lůžka; registr uvádí jen současnou kapacitu, proto se "
        "používá i pro dřívější roky), u terénních a ambulantních služeb k přepočtenému "
        "úvazku pracovníka v přímé péči podle výkazu daného roku. Registrovaná kapacita "
        "v klientech nebo intervencích je zákonné maximum, ne objem služby; lůžka, klienti "
        "a úvazky se nikde nesčítají."
    )
    if gaps:
        text += (
            " "
            + plural(
                gaps,
                (
                    "U {n} služby chybí výkaz za rok mezi prvním a posledním výkazem",
                    "U {n} služeb chybí výkaz za některý rok mezi prvním a posledním výkazem",
                    "U {n} služby chybí výkaz za některý rok mezi prvním a posledním výkazem",
                    "U {n} služeb chybí výkaz za některý rok mezi prvním a posledním výkazem",
                ),
            )
            + "; meziroční změna se u nich pro následující rok neuvádí."
        )
    if ds.synthetic:
        text += " Jde o smyšlená data ukázkového kraje."
    return text
