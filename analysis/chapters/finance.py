"""Chapter 04_finance: benchmarking, reference values, the compensation payment check,
subsidy allocation and scoring of services against the network criteria.

Everything rests on the services' finance reports (``finance.csv``). Without them (every
real region read from open data: no public source holds per-service finance) the chapter
says so and computes nothing; it never shows invented numbers as real.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.figure
import numpy as np
import pandas as pd

from analysis.codelists import FORMS, SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods import compensation as comp
from analysis.methods import finance_benchmark as fb
from analysis.methods import network_indicators as na
from analysis.methods import network_scoring as ns
from analysis.methods import reference_values as rv
from analysis.methods import subsidy as sb
from analysis.methods.demand import plan_target_gaps, planning_areas
from analysis.methods.network import active_services, reference_date
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.completeness import finance_note
from analysis.present.czech import count, plural
from analysis.present.figures import stacked_shares, unit_cost_strips
from analysis.shared_results import once_per_dataset

REVENUE_NAMES = {
    "revenue_users": "úhrady uživatelů",
    "revenue_health_insurance": "zdravotní pojišťovny",
    "revenue_state_subsidy": "státní dotace",
    "revenue_region": "kraj",
    "revenue_municipalities": "obce",
    "revenue_other": "ostatní",
}
# What each criterion measures (the raw value its breakpoints cut).
CRITERION_MEASURES = {
    "need": "(kapacita − poptávka) ÷ poptávka v oblasti plánování",
    "availability": "E2SFCA v ORP ÷ E2SFCA kraje",
    "cost": "náklad na jednotku ÷ referenční náklad",
    "quality": "podíl úvazků v přímé péči",
    "interconnection": "počet jiných druhů služeb v ORP",
}
# The unit of ``units_delivered`` by capacity unit (docs/data-model.md).
DELIVERED_UNITS = {
    "luzka": "lůžkoden",
    "klient": "klient a rok",
    "interv": "jedna intervence",
    "kontakt": "jeden kontakt",
    "hovor": "jeden hovor",
}
BAND_COLOURS = {"ponechat": "#2a7f62", "přezkoumat": "#e0a030", "kandidát na vyřazení": "#c8553d"}


def _signed_share(v: object) -> str:
    return f.signed(100 * v, 1) + " %" if isinstance(v, float) and not np.isnan(v) else "–"


def _flag(v: object) -> str:
    return fb.OUTLIER_LABELS.get(v, "–") if isinstance(v, str) else "–"


def group_labels(df: pd.DataFrame, ambiguous: set[int]) -> list[str]:
    """Short type name per row, with the form where the type appears in several forms."""
    return [
        f"{SERVICE_TYPES[int(c)].short} ({FORMS[form]})"
        if int(c) in ambiguous
        else SERVICE_TYPES[int(c)].short
        for c, form in zip(df["service_type_code"], df["form"], strict=True)
    ]


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
    cofinancing: pd.DataFrame = field(default_factory=pd.DataFrame)
    cofinancing_text: str = ""
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
    cofinancing_caption: str = ""
    criteria_caption: str = "Kritéria sítě, jejich váhy a bodové stupnice"
    criteria_source: str = ""
    bands_caption: str = ""
    decisions_caption: str = ""
    sensitivity_caption: str = "Citlivost na změnu jediné váhy"
    random_caption: str = "Citlivost na náhodné váhy"


def finance_years(ds: Dataset, year: int) -> list[int]:
    """Years of the finance reports up to the report year; empty when nothing may be
    computed (no complete finance reports or no complete registry)."""
    if not ds.is_complete("finance") or not ds.is_complete("services"):
        return []
    return sorted(int(y) for y in ds.finance["year"].unique() if y <= year)


def service_indicators(ds: Dataset, methodology: Methodology) -> pd.DataFrame:
    """Indicators of every service and year (with the service's name)."""
    m = methodology.finance
    ind = fb.indicators(
        ds.finance,
        fb.service_units(ds.services),
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
        ind, list(m.ineligible_costs.value), m.reasonable_profit.value, m.carry_over_share.value
    )


@once_per_dataset
def compensation_headline(ds: Dataset, methodology: Methodology, year: int) -> str:
    """One sentence (no period) on the last year's compensation check, for the summary;
    empty without finance reports."""
    years = finance_years(ds, year)
    if not years:
        return ""
    checked = compensation_check(service_indicators(ds, methodology), methodology)
    cur = checked[checked["year"] == years[-1]]
    returning = int((cur["to_return"] > 0).sum())
    return (
        f"Kontrola vyrovnávací platby za rok {years[-1]}: služby přijaly z veřejných zdrojů "
        f"{f.millions(cur['public_revenue'].sum())}, "
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
    units_all = fb.service_units(ds.services)
    ind = service_indicators(ds, methodology)
    forms = units_all.groupby("service_type_code")["form"].nunique()
    ambiguous = set(forms[forms > 1].index.astype(int))
    ch = FinanceChapter(has_finance=True, missing=finance_note(ds), finance_year=latest)
    ch.formats = FORMATS
    ch.rows = methodology.report.gap_table_rows.value
    ch.criteria_source = m.criteria.source
    ch.what_if_caption = f"Modelové propočty alokace státní dotace, {year}"
    ch.bands_caption = f"Služby podle pásma hodnocení, {year}"
    ch.decisions_caption = f"Služby k přezkoumání a kandidáti na vyřazení, {year}"
    ch.intro = intro_text(ind, years, ds)
    _benchmark(ch, ind, ds, m, latest, ambiguous)
    region_usual = rv.usual_values(ind, m.reference_statistic.value, m.reference_trim.value)
    ref = rv.reference_values(region_usual, ds.finance_national, m.reference_min_providers.value)
    _reference(ch, ref, m, latest, ambiguous, ds)
    comp_all = compensation_check(ind, methodology)
    comp_all["reference_maximum"] = comp.reference_maximum(
        comp_all, ind.drop_duplicates("service_id").set_index("service_id")["capacity"], ref
    )
    _compensation(ch, comp_all, ind, m, latest, ds)
    _scoring(ch, ds, methodology, year, ind[ind["year"] == latest], ref, latest)
    _subsidy(ch, ds, methodology, year, ind[ind["year"] == latest], ref, latest, ambiguous)
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
    "required_share": _SHARE,
    "below_required": f.fmt(0),
    "required": f.fmt(0),
    "municipal": f.fmt(0),
    "score": f.fmt(1),
    "rank": f.fmt(0),
    "weight": _SHARE,
    "weight_change": _signed_share,
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
        + "). Kapacitou služby se rozumí registrovaná kapacita v jednotce její hlavní formy "
        "(první řádek služby v registru), sečtená za všechny formy se stejnou jednotkou; "
        "u lůžek jde o počet lůžek, u ostatních služeb o kapacitu najednou (klienti, "
        "intervence, kontakty nebo hovory současně). Registr uvádí jen současnou kapacitu, "
        "proto se používá i pro dřívější roky."
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


def _benchmark(ch, ind, ds, m, latest, ambiguous) -> None:
    bench = fb.type_benchmark(ind, latest, m.outlier_rule.value)
    bench = fb.with_national(bench, ds.finance_national, latest)
    bench.insert(
        0,
        "service_type",
        group_labels(bench, ambiguous),
    )
    ch.benchmark = bench[
        [
            "service_type",
            "capacity_unit",
            "services",
            "cost_q1",
            "cost_median",
            "cost_q3",
            "national_median",
            "ratio_to_national",
            "outliers",
            "cost_change",
        ]
    ]
    ch.benchmark_caption = f"Náklady na jednotku kapacity podle druhu a formy služby, {latest}"
    bench["delivered_unit"] = bench["capacity_unit"].map(DELIVERED_UNITS)
    ch.staffing = bench[
        [
            "service_type",
            "capacity_unit",
            "delivered_unit",
            "cost_per_delivered",
            "fte_per_capacity",
            "direct_share",
            "occupancy",
        ]
    ]
    ch.staffing_caption = f"Výkon, personál a využití kapacity podle druhu a formy služby, {latest}"
    rule = m.outlier_rule.value
    cur = ind[(ind["year"] == latest) & ind["comparable"]].copy()
    cur["cost_flag"] = fb.outlier_flags(
        cur["cost_per_unit"], cur[fb.GROUP], rule.method, rule.k, rule.min_services
    )
    cur["group_median"] = cur.groupby(fb.GROUP)["cost_per_unit"].transform("median")
    cur["service_type"] = group_labels(cur, ambiguous)
    flagged = cur[cur["cost_flag"].isin(["low", "high"])]
    ch.outliers = flagged[
        ["service_id", "service_name", "service_type", "cost_per_unit", "group_median", "cost_flag"]
    ].sort_values(["service_type", "cost_per_unit"])
    ch.outliers_caption = f"Služby s odlehlými náklady na jednotku kapacity, {latest}"
    rule_text = (
        f"mimo rozpětí Q1 − {f.auto(rule.k)} × IQR až Q3 + {f.auto(rule.k)} × IQR"
        if rule.method == "iqr"
        else f"o více než {f.percent(100 * rule.k, 0)} od mediánu"
    )
    flagged_n = len(flagged)
    norm = m.direct_care_norm.value
    low_direct = int((cur["direct_share"] < norm).sum())
    below_norm = f"Podíl úvazků v přímé péči pod normou {f.percent(100 * norm, 0)} " + (
        "nemá žádná služba."
        if low_direct == 0
        else plural(
            low_direct,
            ("má {n} služba.", "mají {n} služby.", "má {n} služby.", "má {n} služeb."),
        )
    )
    ch.benchmark_text = (
        f"Srovnání za rok {latest} zahrnuje "
        + plural(len(cur), ("{n} službu", "{n} služby", "{n} služby", "{n} služeb"))
        + f" ve skupinách podle druhu, formy a jednotky kapacity ({count(len(bench), 'skupina')}). "
        f"Odlehlá hodnota je náklad na jednotku kapacity {rule_text} své skupiny; posuzují se "
        f"jen skupiny, které mají alespoň {count(rule.min_services, 'služba')}. "
        + (
            "Odlehlé náklady nemá žádná služba."
            if flagged_n == 0
            else plural(
                flagged_n,
                (
                    "Odlehlé náklady má {n} služba.",
                    "Odlehlé náklady mají {n} služby.",
                    "Odlehlé náklady má {n} služby.",
                    "Odlehlé náklady má {n} služeb.",
                ),
            )
        )
        + " Pomlčka ve sloupci odlehlých znamená příliš malou skupinu. Celostátní medián "
        "pochází z tabulky celostátních obvyklých hodnot; poměr nad 1 znamená dražší službu "
        "v kraji. Náklad na jednotku výkonu je v jednotce, kterou uvádí tabulka (lůžkoden, "
        "klient a rok, jedna intervence, jeden kontakt, jeden hovor); využití kapacity je "
        "průměrná obsazenost lůžek, u ostatních služeb využití kapacity podle výkazu služby. "
        + below_norm
    )
    order = bench.sort_values("cost_median", ascending=False)
    nat = order.rename(columns={"national_median": "median", "service_type": "group"}).set_index(
        fb.GROUP
    )
    q = ds.finance_national[ds.finance_national["year"] == latest].set_index(fb.GROUP)
    nat["q1"] = q["cost_per_unit_q1"].reindex(nat.index)
    nat["q3"] = q["cost_per_unit_q3"].reindex(nat.index)
    points = cur.rename(columns={"service_type": "group", "cost_per_unit": "value"})
    points = points.assign(flag=points["cost_flag"])
    ch.cost_figure = unit_cost_strips(
        points, nat.reset_index(), "náklady na jednotku kapacity za rok (Kč, logaritmická osa)"
    )
    national = nat.reset_index().set_index("group")[["q1", "median", "q3"]]
    ch.cost_figure_data = (
        points[["service_id", "group", "value", "flag"]]
        .join(national.add_prefix("national_"), on="group")
        .rename(columns={"group": "service_type", "value": "cost_per_unit", "flag": "cost_flag"})
    )
    ch.cost_figure_caption = (
        f"Náklady na jednotku kapacity podle druhu služby, {latest}: služby kraje a "
        "celostátní rozpětí"
    )
    structure = fb.revenue_structure(ind, latest)
    structure.index = [SERVICE_TYPES[int(c)].short for c in structure.index]
    structure = structure.rename(columns=REVENUE_NAMES)
    ch.revenue_figure = stacked_shares(structure, "podíl na výnosech (%)")
    ch.revenue_figure_data = structure.rename_axis("service_type").reset_index()
    ch.revenue_figure_caption = f"Struktura výnosů podle druhu služby, {latest}"
    excluded = ind[~ind["comparable"]].copy()
    excluded["reason"] = np.select(
        [
            excluded["capacity"].isna() | (excluded["capacity"] <= 0),
            excluded["mixed_units"],
            excluded["occupancy_over_capacity"],
        ],
        [
            "bez registrované kapacity",
            "kapacita v různých jednotkách (lůžka i klienti)",
            "obložnost lůžek nad 100 %",
        ],
        f"výnosy vyšší než {f.auto(m.max_revenue_to_cost.value)}násobek nákladů",
    )
    ch.excluded = (
        None
        if excluded.empty
        else excluded[["service_id", "service_name", "year", "revenue_to_cost", "reason"]]
    )
    ch.excluded_text = (
        "Do srovnání a referenčních hodnot nevstupují řádky výkazů, které nejsou věrohodné "
        f"nebo srovnatelné: výnosy vyšší než {f.auto(m.max_revenue_to_cost.value)}násobek "
        "nákladů, obložnost lůžek nad 100 %, služba bez registrované kapacity nebo služba "
        "s kapacitou v různých jednotkách (její náklady nelze vztáhnout k jedné kapacitě). "
        "Kontrola vyrovnávací platby je přesto posuzuje. "
        + (
            "V datech žádný takový řádek není."
            if excluded.empty
            else plural(
                len(excluded),
                (
                    "Vyřazen je {n} řádek.",
                    "Vyřazeny jsou {n} řádky.",
                    "Vyřazeno je {n} řádku.",
                    "Vyřazeno je {n} řádků.",
                ),
            )
        )
    )
    shown = ind[ind["year"] == latest]
    ch.service_indicators = shown[
        [
            "service_id",
            "service_name",
            "service_type_code",
            "form",
            "capacity_unit",
            "capacity",
            "total_cost",
            "cost_per_unit",
            "cost_per_delivered",
            "fte_per_capacity",
            "direct_share",
            "occupancy",
            "cost_change",
            "revenue_to_cost",
            "comparable",
        ]
    ]


def _reference(ch, ref, m, latest, ambiguous, ds) -> None:
    cur = ref[ref["year"] == latest].copy()
    cur.insert(
        0,
        "service_type",
        group_labels(cur, ambiguous),
    )
    ch.reference = cur[
        [
            "service_type",
            "capacity_unit",
            "providers",
            "cost_per_unit",
            "national_cost_per_unit",
            "reference_cost",
            "cost_source",
        ]
    ]
    ch.reference_revenue = cur[
        [
            "service_type",
            "capacity_unit",
            "providers",
            "own_revenue_per_unit",
            "national_own_revenue_per_unit",
            "reference_own_revenue",
            "own_revenue_source",
        ]
    ]
    ch.reference_caption = f"Referenční náklady na jednotku kapacity a rok, {latest}"
    ch.reference_revenue_caption = f"Referenční vlastní výnosy na jednotku kapacity a rok, {latest}"
    statistic = {"median": "medián", "mean": "průměr", "trimmed_mean": "useknutý průměr"}[
        m.reference_statistic.value
    ]
    regional = int((cur["cost_source"] == rv.SOURCE_REGION).sum())
    regional_revenue = int((cur["own_revenue_source"] == rv.SOURCE_REGION).sum())
    none = int(cur["reference_cost"].isna().sum())
    ch.reference_text = (
        f"Obvyklá hodnota kraje je {statistic} nákladů (a zvlášť vlastních výnosů) na jednotku "
        "kapacity srovnatelných služeb skupiny. Referenční hodnotou je hodnota kraje, pokud je "
        "počet poskytovatelů skupiny v kraji alespoň "
        f"{f.number(m.reference_min_providers.value)} a hodnota kraje je vyšší než celostátní; "
        "jinak platí celostátní hodnota. Stejné pravidlo se použije i pro vlastní výnosy, "
        "kde vyšší referenční výnos znamená nižší vyrovnávací platbu (opatrnější odhad "
        "potřeby veřejných peněz). Hodnota kraje platí u nákladů pro "
        + plural(regional, ("{n} skupinu", "{n} skupiny", "{n} skupiny", "{n} skupin"))
        + f" z {len(cur)}, u vlastních výnosů pro "
        + plural(regional_revenue, ("{n} skupinu", "{n} skupiny", "{n} skupiny", "{n} skupin"))
        + (
            "."
            if none == 0
            else "; "
            + plural(
                none,
                ("{n} skupina nemá", "{n} skupiny nemají", "{n} skupiny nemají", "{n} skupin nemá"),
            )
            + " celostátní hodnotu ani dost poskytovatelů v kraji, a proto "
            + plural(none, ("nemá", "nemají", "nemají", "nemá"))
            + " referenční hodnotu."
        )
    )


def _compensation(ch, comp_all, ind, m, latest, ds) -> None:
    cur = comp_all[comp_all["year"] == latest].copy()
    cur.insert(
        1,
        "service_name",
        cur["service_id"].map(
            ind.drop_duplicates("service_id").set_index("service_id")["service_name"]
        ),
    )
    ch.compensation_services = comp_all
    types = comp.totals(comp_all, latest, ["service_type_code"])
    types.insert(
        0, "service_type", types["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short)
    )
    money = ["justified", "public_revenue", "overcompensation", "carry_over", "to_return"]
    ch.compensation_types = fb.with_total(
        types.drop(columns=["service_type_code"]),
        "service_type",
        ["services", *money, "services_returning"],
    )
    ch.compensation_caption = f"Kontrola vyrovnávací platby podle druhu služby, {latest}"
    returns = cur[cur["overcompensation"] > 0].sort_values("to_return", ascending=False)
    ch.compensation_returns = returns[
        [
            "service_id",
            "service_name",
            "in_regional_network",
            "justified",
            "public_revenue",
            "overcompensation",
            "carry_over",
            "to_return",
            "status",
        ]
    ]
    total = cur[
        ["justified", "public_revenue", "overcompensation", "carry_over", "to_return"]
    ].sum()
    n_over = int((cur["overcompensation"] > 0).sum())
    n_return = int((cur["to_return"] > 0).sum())
    ineligible = ", ".join(COST_PART_NAMES[c] for c in m.ineligible_costs.value)
    reported = [c for c in m.ineligible_costs.value if ind[c].notna().any()]
    profit = m.reasonable_profit.value
    carry = f.percent(100 * m.carry_over_share.value, 0)
    uncovered = cur[cur["uncovered"] > 0]
    ceiling = cur.dropna(subset=["reference_maximum"])
    above = int((ceiling["public_revenue"] > ceiling["reference_maximum"]).sum())
    ch.compensation_text = (
        f"Za rok {latest} přijaly služby z veřejných zdrojů {f.millions(total['public_revenue'])}; "
        f"odůvodněná výše vyrovnávací platby (skutečné uznatelné náklady bez vlastních výnosů"
        + (
            f" a s přiměřeným ziskem {f.percent(100 * profit, 1)} uznatelných nákladů"
            if profit
            else "; přiměřený zisk metodika nepřipouští"
        )
        + f") činí {f.millions(total['justified'])}. "
        + (
            "Žádná služba nebyla překompenzována."
            if n_over == 0
            else plural(
                n_over,
                (
                    "Překompenzována byla {n} služba",
                    "Překompenzovány byly {n} služby",
                    "Překompenzováno bylo {n} služby",
                    "Překompenzováno bylo {n} služeb",
                ),
            )
            + f" o celkem {f.millions(total['overcompensation'])}; do dalšího roku lze převést "
            f"{f.millions(total['carry_over'])} (nejvýše {carry} průměrné roční platby, tj. "
            "průměru veřejných prostředků služby za roky výkazů do daného roku; jen služby "
            "krajské sítě, jejichž členství v síti zde zastupuje víceleté pověření, které data "
            "neuvádějí) a vrátit je třeba "
            f"{f.millions(total['to_return'])} "
            + plural(n_return, ("({n} služba).", "({n} služby).", "({n} služby).", "({n} služeb)."))
        )
        + f" Neuznatelné náklady: {ineligible}"
        + (
            "."
            if len(reported) == len(m.ineligible_costs.value)
            else "; výkazy některé z těchto položek neuvádějí a počítají se jako uznatelné."
        )
        + " Platba se posuzuje za každou službu zvlášť: přebytek jedné služby nekryje schodek "
        "jiné. "
        + (
            ""
            if uncovered.empty
            else "Naopak u "
            + plural(len(uncovered), ("{n} služby", "{n} služeb", "{n} služby", "{n} služeb"))
            + " veřejné zdroje odůvodněnou platbu nepokryly, celkem o "
            f"{f.millions(uncovered['uncovered'].sum())}; schodek nese poskytovatel z jiných "
            "zdrojů. "
        )
        + "Pro srovnání: strop platby podle referenčních hodnot (referenční náklad − "
        "referenční vlastní výnosy, × kapacita) má "
        + plural(len(ceiling), ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"))
        + "; veřejné zdroje jej překročily u "
        + plural(above, ("{n} z nich.", "{n} z nich.", "{n} z nich.", "{n} z nich."))
    )


def price_text(factor: float) -> str:
    """How the price level follows from the reference cost."""
    if factor == 1:
        return "se rovná referenčním nákladům na jednotku kapacity"
    return f"je {f.auto(factor)}násobkem referenčních nákladů na jednotku kapacity"


COST_PART_NAMES = {
    "cost_depreciation": "odpisy",
    "cost_health_care": "zdravotní péče podle § 36 zákona o sociálních službách",
    "cost_outside_basic": "náklady mimo základní činnosti druhu služby",
}


def _scoring(ch, ds, methodology, year, latest_ind, ref, latest) -> None:
    m = methodology.finance
    net = methodology.network
    rules = net.service_types.value
    services = active_services(ds.services, reference_date(year))
    units = fb.service_units(services)
    units["service_name"] = units["service_id"].map(
        services.drop_duplicates("service_id").set_index("service_id")["service_name"]
    )
    orp = ds.municipalities.set_index("municipality_code")["orp_code"]
    orp_of = units.set_index("service_id")["municipality_code"].map(orp)
    gaps_all, _target = plan_target_gaps(ds, methodology, year, services)
    gaps_mid = gaps_all[gaps_all["variant"] == "middle"]
    acc = na.dataset_accessibility(ds, services, net, year)
    access_orp = na.orp_accessibility(acc, ds.municipalities)
    access_region = na.accessibility_summary(acc, services, rules).set_index("service_type_code")[
        "ae2sfca"
    ]
    ref_latest = ref[ref["year"] == latest].set_index(fb.GROUP)["reference_cost"]
    values = ns.criterion_values(
        units,
        orp_of,
        gaps_mid,
        planning_areas(ds.municipalities),
        {c: r.planning_level for c, r in rules.items()},
        access_orp,
        access_region,
        latest_ind,
        ref_latest,
    )
    values.insert(
        1, "service_name", values["service_id"].map(units.set_index("service_id")["service_name"])
    )
    criteria = m.criteria.value
    cuts = m.bands.value
    sc = ns.score_services(values, criteria, cuts, m.min_criteria.value)
    table = sc.table
    table["band"] = table["band"].map(ns.BAND_LABELS)
    table["driver"] = table["driver"].map(ns.CRITERION_LABELS)
    probs, per_draw = ns.random_weights(
        sc,
        cuts,
        m.weight_draws.value,
        m.weight_concentration.value,
        m.weight_seed.value,
        m.min_criteria.value,
    )
    probs.columns = [
        "service_id",
        *[ns.BAND_LABELS[c.removeprefix("p_")] for c in probs.columns[1:]],
    ]
    own = probs.set_index("service_id")
    table["band_probability"] = [
        own.at[s, b] if isinstance(b, str) and s in own.index else np.nan
        for s, b in zip(table["service_id"], table["band"], strict=True)
    ]
    ch.scores = table
    ch.band_probabilities = probs
    ch.criteria = pd.DataFrame(
        [
            {
                "criterion": ns.CRITERION_LABELS[name],
                "measure": CRITERION_MEASURES[name],
                "weight": c.weight / sum(x.weight for x in criteria.values()),
                "breakpoints": " / ".join(f.auto(b) for b in c.breakpoints),
                "direction": "více bodů za vyšší hodnotu"
                if c.higher_is_better
                else "více bodů za nižší hodnotu",
                "scored": int(table[f"points_{name}"].notna().sum()),
            }
            for name, c in ((n, criteria[n]) for n in sc.criteria)
        ]
    )
    labels = [ns.BAND_LABELS[b] for b in ns.band_names(cuts)]
    counts = table["band"].value_counts().reindex(labels, fill_value=0)
    ch.band_counts = fb.with_total(
        pd.DataFrame({"band": counts.index, "services": counts.to_numpy()}), "band", ["services"]
    )
    unscored = int(table["score"].isna().sum())
    decisions = table[table["band"].isin(labels[1:])].sort_values("score")
    ch.decisions = decisions[
        [
            "service_id",
            "service_name",
            "score",
            "band",
            "driver",
            "band_probability",
        ]
    ]
    ordered = sorted(cuts, key=lambda b: -b.min_score)
    bands_text = ", ".join(
        f"{ns.BAND_LABELS[b.band]} při skóre od {f.auto(b.min_score)}"
        if i < len(ordered) - 1
        else f"{ns.BAND_LABELS[b.band]} pod {f.auto(ordered[i - 1].min_score)}"
        for i, b in enumerate(ordered)
    )
    need_scored = int(table["points_need"].notna().sum()) if "points_need" in table else 0
    ch.scoring_text = (
        "Hodnotí se "
        + plural(len(table), ("{n} služba", "{n} služby", "{n} služeb", "{n} služeb"))
        + f" aktivních v registru k {f.date(reference_date(year))} (služby, jejichž registrace "
        "skončila dříve, se nehodnotí) podle "
        + plural(len(criteria), ("{n} kritéria", "{n} kritérií", "{n} kritéria", "{n} kritérií"))
        + ". Skóre 0–100 je vážený průměr bodů "
        "hodnocených kritérií (podíl největšího možného počtu bodů); kritérium bez hodnoty "
        "se vynechá a váhy ostatních se přepočtou. "
        "Skóre dostane služba s nejméně "
        + plural(
            m.min_criteria.value,
            ("{n} kritériem", "{n} kritérii", "{n} kritéria", "{n} kritérii"),
        )
        + " s hodnotou. "
        f"Pásma: {bands_text}. Počet služeb v pásmech: "
        + ", ".join(f"{lab} {f.number(int(n))}" for lab, n in counts.items())
        + (
            "."
            if unscored == 0
            else "; "
            + plural(
                unscored,
                (
                    "{n} služba nemá dost hodnocených kritérií a skóre nedostane",
                    "{n} služby nemají dost hodnocených kritérií a skóre nedostanou",
                    "{n} služby nemá dost hodnocených kritérií a skóre nedostane",
                    "{n} služeb nemá dost hodnocených kritérií a skóre nedostane",
                ),
            )
            + "."
        )
        + " Potřebnost vychází z mezery kapacity kapitoly o potřebách (střední varianta, konec "
        "horizontu plánu), dostupnost z indexu E2SFCA kapitoly o síti, nákladovost "
        "z referenčních hodnot a kvalita z podílu přímé péče; u každé služby je uvedeno "
        "kritérium, které o jejím pásmu rozhodlo nejvíc. Potřebnost lze hodnotit jen u druhů "
        "služeb, pro které metodika stanoví kapacitu na osobu v potřebě ("
        + plural(need_scored, ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"))
        + f" z {len(table)}); u ostatních o pásmu rozhodují zbývající kritéria, a kandidáty "
        "na vyřazení proto častěji najdeme mezi druhy, jejichž potřebnost se hodnotí."
    )
    oat = ns.one_at_a_time(sc, cuts, m.weight_change.value, m.min_criteria.value)
    oat["criterion"] = oat["criterion"].map(ns.CRITERION_LABELS)
    ch.sensitivity = oat
    level = methodology.demand.interval_level.value
    summary = ns.draw_summary(per_draw, level)
    summary["measure"] = summary["measure"].map(
        {
            "rank_correlation": "Spearmanova korelace pořadí",
            "band_changed_share": "podíl služeb, které mění pásmo (%)",
        }
    )
    # The share in percent, as in the one-at-a-time table (the CSV says so in its label).
    summary.loc[1, ["mean", "low", "high"]] *= 100
    ch.random_summary = summary
    certainty = m.band_certainty.value
    uncertain = table[table["band_probability"] < certainty].sort_values("band_probability")
    worst = oat["band_changed_share"].max()
    ch.sensitivity_text = (
        f"Změna jediné váhy o ±{f.percent(100 * m.weight_change.value, 0)} změní pásmo "
        f"nejvýše {f.percent(100 * worst, 1)} služeb. Při {f.number(m.weight_draws.value)} "
        "náhodných vektorech vah (Dirichletovo rozdělení se středem ve výchozích vahách, "
        f"koncentrace {f.auto(m.weight_concentration.value)}, pevné semínko) je průměrná "
        f"Spearmanova korelace pořadí {f.number(summary.at[0, 'mean'], 3)} a pásmo mění v průměru "
        f"{f.percent(summary.at[1, 'mean'], 1)} služeb. "
        + (
            "Všechny služby zůstávají ve svém pásmu s pravděpodobností alespoň "
            f"{f.percent(100 * certainty, 0)}."
            if uncertain.empty
            else plural(
                len(uncertain),
                (
                    "Zařazení {n} služby je nejisté",
                    "Zařazení {n} služeb je nejisté",
                    "Zařazení {n} služby je nejisté",
                    "Zařazení {n} služeb je nejisté",
                ),
            )
            + f" (vlastní pásmo s pravděpodobností pod {f.percent(100 * certainty, 0)}); "
            + plural(
                min(len(uncertain), methodology.report.gap_table_rows.value),
                (
                    "nejméně jistou ukazuje obrázek.",
                    "{n} nejméně jisté ukazuje obrázek.",
                    "{n} nejméně jistých ukazuje obrázek.",
                    "{n} nejméně jistých ukazuje obrázek.",
                ),
            )
        )
    )
    if not uncertain.empty:
        shown = uncertain.head(methodology.report.gap_table_rows.value)
        fig_data = probs.set_index("service_id").loc[shown["service_id"]]
        fig_data.index = [
            f"{sid} {SERVICE_TYPES[int(c)].short} ({band})"
            for sid, c, band in zip(
                shown["service_id"], shown["service_type_code"], shown["band"], strict=True
            )
        ]
        ch.uncertain_caption = (
            "Služby s nejméně jistým pásmem ("
            + plural(len(shown), ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"))
            + f" z {len(uncertain)}): pravděpodobnost pásem při náhodných vahách"
        )
        ch.uncertain_figure = stacked_shares(
            fig_data[labels], "pravděpodobnost pásma při náhodných vahách (%)", BAND_COLOURS
        )


def _subsidy(ch, ds, methodology, year, latest_ind, ref, latest, ambiguous) -> None:
    m = methodology.finance
    alloc = m.allocation(ds.region_code, year)
    services = active_services(ds.services, reference_date(year))
    units = fb.service_units(services)
    in_network = units["in_regional_network"].fillna(False).astype(bool)
    units = units[in_network]
    price = (
        ref[ref["year"] == latest].set_index(fb.GROUP)["reference_cost"]
        * m.price_level_factor.value
    )
    reported = latest_ind.set_index("service_id")
    users = reported["revenue_users"]
    health = reported["revenue_health_insurance"]
    no_report = units[~units["service_id"].isin(reported.index)]
    units = units[units["service_id"].isin(reported.index)]
    scores = (
        ch.scores.set_index("service_id")["score"] if len(ch.scores) else pd.Series(dtype=float)
    )
    adjustment = sb.score_adjustment(scores, m.score_adjustment.value)
    optimal = sb.optimal_subsidy(units, price, users, health, adjustment)
    unpriced = optimal[optimal["optimal"].isna()]
    optimal = optimal[optimal["optimal"].notna()]
    req = ds.subsidy_requests
    requests = (
        req[req["year"] == year].set_index("service_id")["requested_czk"]
        if ds.is_complete("subsidy_requests")
        else None
    )
    adj = f.percent(100 * m.score_adjustment.value, 0)
    left_out = ""
    if len(no_report) or len(unpriced):
        asked = (
            ""
            if requests is None
            else " (žádaly o "
            + f.millions(requests.reindex(pd.concat([no_report, unpriced])["service_id"]).sum())
            + ")"
        )
        left_out = (
            "Do výpočtu nevstupuje "
            + plural(
                len(no_report) + len(unpriced),
                ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"),
            )
            + f" krajské sítě{asked}: "
            + "; ".join(
                part
                for part in (
                    plural(
                        len(unpriced),
                        (
                            "{n} nemá referenční hodnotu ani krajskou, ani celostátní",
                            "{n} nemají referenční hodnotu ani krajskou, ani celostátní",
                            "{n} nemá referenční hodnotu ani krajskou, ani celostátní",
                            "{n} nemá referenční hodnotu ani krajskou, ani celostátní",
                        ),
                    )
                    + " – "
                    + " a ".join(sorted(set(group_labels(unpriced, ambiguous))))
                    if len(unpriced)
                    else "",
                    plural(
                        len(no_report),
                        (
                            f"{{n}} nemá výkaz za rok {latest}",
                            f"{{n}} nemají výkaz za rok {latest}",
                            f"{{n}} nemá výkaz za rok {latest}",
                            f"{{n}} nemá výkaz za rok {latest}",
                        ),
                    )
                    if len(no_report)
                    else "",
                )
                if part
            )
            + "; jejich dotaci musí kraj stanovit jinak. "
        )
    base_text = (
        f"Optimální dotace služby krajské sítě na rok {year} = cenová hladina × kapacita − "
        f"očekávané úhrady uživatelů − platby zdravotních pojišťoven (obojí podle výkazu "
        f"{latest}; ostatní vlastní výnosy se neodečítají). Cenová hladina "
        + price_text(m.price_level_factor.value)
        + f" roku {latest}"
        + (f" bez valorizace na rok {year}" if m.price_level_factor.value == 1 else "")
        + f". Bodové hodnocení podle kritérií sítě ji upraví o ±{adj} × (skóre − 50) / 50, "
        f"tedy nejvýše o ±{adj}. " + left_out
    )
    check = sb.cofinancing_check(optimal, reported["revenue_municipalities"], m.cofinancing.value)
    cof = sb.cofinancing_summary(check)
    ch.cofinancing = cof
    ch.cofinancing_caption = f"Spolufinancování obcí podle formy služby, {year}"
    below = int(cof["below_required"].sum())
    ch.cofinancing_text = (
        "Obce mají službu spolufinancovat nejméně stanoveným podílem její optimální dotace "
        f"na rok {year} podle formy služby; porovnává se s platbami obcí v roce {latest}. "
        "Podíly (tabulkové parametry v příloze) vycházejí ze spolufinancování rozvojových "
        "záměrů obcemi podle pravidel Jihomoravského kraje a zde slouží jen jako kontrola, "
        "ne jako podmínka dotace. "
        + (
            "Požadavek splňují všechny služby."
            if below == 0
            else plural(
                below,
                (
                    "Požadavku nedosahuje {n} služba.",
                    "Požadavku nedosahují {n} služby.",
                    "Požadavku nedosahuje {n} služby.",
                    "Požadavku nedosahuje {n} služeb.",
                ),
            )
        )
    )
    if alloc is None:
        ch.subsidy_text = base_text + (
            f"Parametry metodiky neobsahují alokaci státní dotace kraje na rok {year}; reálná "
            "dotace se proto nepočítá."
        )
        ch.subsidy_services = optimal
        return
    real = sb.allocate(optimal, alloc.czk, requests)
    real.insert(
        1,
        "service_name",
        real["service_id"].map(ch.scores.set_index("service_id")["service_name"])
        if len(ch.scores)
        else None,
    )
    ch.subsidy_services = real
    labelled = real.assign(service_type=group_labels(real, ambiguous))
    group = labelled.groupby("service_type", sort=False)
    money = ["optimal", "real"] + (["requested", "deficit"] if requests is not None else [])
    types = group[money].sum()
    types.insert(0, "services", group["service_id"].nunique())
    ch.subsidy_types = fb.with_total(types.reset_index(), "service_type", ["services", *money])
    ch.subsidy_caption = f"Optimální a reálná dotace podle druhu služby, {year}"
    ch.what_if = sb.what_if(optimal, alloc.czk, requests, list(m.what_if.value))
    total_opt = float(real["optimal"].sum())
    all_requests = f.millions(requests.sum()) if requests is not None else ""
    ch.subsidy_text = base_text + (
        f"Alokace kraje {f.crowns(alloc.czk)} (zdroj: {alloc.source}) se rozdělí v poměru "
        f"optimálních dotací ({f.millions(total_opt)} celkem)"
        + (
            "; žádná služba nedostane víc, než žádala, a co nad žádost zbude, se rozdělí mezi "
            "ostatní ve stejném poměru"
            if requests is not None
            else ""
        )
        + ". Částky se zaokrouhlí na celé koruny metodou největších zbytků (nejprve dolů; "
        "zbývající koruny dostanou služby s největším zbytkem, při shodě podle "
        "identifikátoru služby), takže součet se rovná alokaci přesně"
        + (
            "."
            if real.attrs["undistributed"] == 0
            else "; žádosti nestačí k rozdělení celé alokace a "
            f"{f.crowns(real.attrs['undistributed'])} zůstává nerozděleno."
        )
        + (
            f" Služby zahrnuté do výpočtu žádaly o {f.millions(real['requested'].sum())} "
            f"(všechny žádosti: {all_requests}); schodek proti jejich žádostem je "
            f"{f.millions(real['deficit'].sum())}."
            if requests is not None
            else " Žádosti služeb o dotaci nejsou k dispozici."
        )
    )
