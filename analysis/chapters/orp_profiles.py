"""Chapter 91_orp_profiles: one profile per ORP for community planning in municipalities.

Each profile puts the ORP beside the region with the same functions the network, demand
and plan chapters use (one number per indicator): population and ageing, the projection
with its band, capacity and coverage by service type, reach of the types planned in the
ORP, gaps with their intervals, and the action plan's intentions located there. The
pipeline also renders every profile as its own PDF under ``orp/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.chapters._finance_municipal import municipal_table
from analysis.codelists import CAPACITY_UNITS, FORMS, SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods import demand as dm
from analysis.methods import network_indicators as na
from analysis.methods.demography import (
    ageing_by_area,
    first_year_with_ages,
    latest_year_with_ages,
    orp_names,
    region_totals,
)
from analysis.methods.facility_gaps import local_facility_types, missing_local_types
from analysis.methods.network import active_services, reference_date
from analysis.methods.plan_evaluation import INTENTION_STATUS_LABELS
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.czech import count, plural


@dataclass
class ProfileTable:
    name: str  # CSV name (all ORPs in one file, with orp_code)
    caption: str
    data: pd.DataFrame
    sources: tuple[str, ...]
    empty_text: str = "Žádné údaje."


@dataclass
class OrpProfile:
    code: str
    name: str
    text: str
    tables: list[ProfileTable] = field(default_factory=list)


@dataclass
class OrpProfilesChapter:
    intro: str
    missing: str
    profiles: list[OrpProfile]
    formats: dict


FORMATS = {
    "orp": f.auto,
    "region": f.auto,
    "capacity": f.fmt(0),
    "rate": f.fmt(1),
    "region_rate": f.fmt(1),
    "covered_share": f.fmt(1),
    "ae2sfca": f.fmt(1),
    "demand_median": f.fmt(1),
    "gap_median": f.fmt(1),
    "gap_low": f.fmt(1),
    "gap_high": f.fmt(1),
    "capacity_change": f.fmt_signed(0),
}


def prepare(ds: Dataset, methodology: Methodology, year: int) -> OrpProfilesChapter:
    """A profile of every ORP of the region."""
    names = orp_names(ds.municipalities)
    orps = sorted(names.index)
    a, net, d = methodology.ages, methodology.network, methodology.demand
    rules = net.service_types.value
    pop_year = latest_year_with_ages(ds.population, ds.municipalities, year, 0) or year
    args = dict(
        year=latest_year_with_ages(ds.population, ds.municipalities, year, a.seniors_min_age.value)
        or pop_year,
        base_year=first_year_with_ages(ds.population, ds.municipalities, a.seniors_min_age.value),
        children_max=a.children_max_age.value,
        seniors_min=a.seniors_min_age.value,
        oldest_min=a.oldest_old_min_age.value,
    )
    by_orp = ageing_by_area(ds.population, ds.municipalities, "orp", **args)
    region = ageing_by_area(ds.population, ds.municipalities, "kraj", **args).iloc[0]
    proj, _method, base = dm.project_orps(ds, methodology, year)
    target = max(year, base) + d.plan_horizon.value
    at_target = proj[proj["year"] == target]
    complete = ds.is_complete("services")
    services = active_services(ds.services, reference_date(year)) if complete else None
    cov = acc_orp = spots = gaps = pd.DataFrame()
    if complete and not services.empty:
        cov = na.coverage(
            services, ds.municipalities, ds.population, pop_year, rules, net.per_population.value
        )
        acc = na.dataset_accessibility(ds, services, net, year)
        acc_orp = na.orp_accessibility(acc, ds.municipalities)
        spots = na.white_spots(acc_orp, net.partial_coverage_share.value, rules)
        gap_all, _ = dm.plan_target_gaps(ds, methodology, year, services)
        gaps = gap_all[(gap_all["variant"] == "middle") & (gap_all["planning_level"] == "local")]
    ap = ds.action_plan[ds.action_plan["year"] == year] if ds.is_complete("action_plan") else None
    cofinancing = municipal_table(ds, methodology, year)
    facilities = missing_types = None
    local_types: list[str] = []
    if ds.facility_counts is not None:
        fc = ds.facility_counts
        facilities = fc[fc["orp_code"].isin(orps)]
        local_types = local_facility_types(facilities, rules)
        missing_types = missing_local_types(facilities, rules)
    per = f.number(net.per_population.value)
    profiles = []
    for code in orps:
        p = OrpProfile(code, names[code], "")
        row = by_orp.loc[code] if code in by_orp.index else None
        p.tables.append(_population(code, row, region, at_target, target, args["year"], a))
        if facilities is not None:
            p.tables.append(_facilities(code, facilities))
        if len(cov):
            p.tables.append(_coverage(code, cov, per))
        if len(acc_orp):
            p.tables.append(_access(code, acc_orp, spots, rules))
        if len(gaps):
            p.tables.append(_gaps(code, gaps, target, d.interval_level.value))
        if ap is not None:
            p.tables.append(_intentions(code, ap, year))
        p.text = (
            _text(p, row, region, spots, gaps, a.seniors_min_age.value)
            + _facility_text(code, missing_types, local_types)
            + _cofinancing_text(code, cofinancing, year)
        )
        profiles.append(p)
    parts = [
        "obyvatelstvo a stárnutí",
        f"projekci do {f.date(reference_date(target))} s rozpětím variant",
    ]
    if facilities is not None:
        parts.append("zařízení sociálních služeb podle statistiky ČSÚ")
    if complete:
        parts += [
            "kapacitu a pokrytí druhů služeb ve srovnání s krajem",
            "dosah druhů plánovaných v ORP",
            "mezery kapacity s intervaly",
        ]
    if ap is not None:
        parts.append("záměry akčního plánu v ORP")
    missing = (
        ""
        if complete
        else "Úplný registr nebyl dodán, a proto profily neuvádějí kapacitu, pokrytí, "
        "dostupnost ani mezery v kapacitě."
    )
    intro = (
        f"Profily {count(len(orps), 'ORP')} kraje shrnují pro obce a jejich komunitní plánování "
        f"údaje, které zpráva uvádí za celý kraj: {', '.join(parts[:-1])} a {parts[-1]}. "
        + (
            "*V dosahu* je podíl referenční populace, která má službu do dosahové vzdálenosti "
            "druhu; index E2SFCA počítá s delší spádovou vzdáleností, proto může být kladný i "
            "tam, kde nikdo není v dosahu. "
            if complete
            else ""
        )
        + "Projekce uvádí střední variantu a nejnižší a nejvyšší hodnotu ze tří variant (u ORP "
        "se varianty liší málo a nemusí být seřazeny jako za kraj). Každý profil vychází také "
        "jako samostatný soubor PDF, který kraj může poslat obcím."
    )
    return OrpProfilesChapter(intro=intro, missing=missing, profiles=profiles, formats=FORMATS)


def _population(code, row, region, at_target, target, year, ages) -> ProfileTable:
    proj = at_target[at_target["orp_code"] == code]
    totals = region_totals(proj).loc[target]  # this ORP's bands, rounded, summed
    region_total = region_totals(at_target).loc[target]  # as the demand chapter states
    rows = [
        ("obyvatel", row["population"] if row is not None else np.nan, region["population"]),
        (
            f"podíl {ages.seniors_min_age.value}+ (%)",
            row["seniors_share"] if row is not None else np.nan,
            region["seniors_share"],
        ),
        (
            f"podíl {ages.oldest_old_min_age.value}+ (%)",
            row["oldest_share"] if row is not None else np.nan,
            region["oldest_share"],
        ),
        ("index stáří", row["ageing_index"] if row is not None else np.nan, region["ageing_index"]),
        (
            f"projekce k 1. 1. {target}, střední varianta",
            totals.get("middle"),
            region_total.get("middle"),
        ),
        (f"projekce k 1. 1. {target}, nejnižší z variant", totals.min(), region_total.min()),
        (f"projekce k 1. 1. {target}, nejvyšší z variant", totals.max(), region_total.max()),
    ]
    df = pd.DataFrame(rows, columns=["measure", "orp", "region"])
    # A measure the data cannot give for the ORP nor the region is not a row of dashes.
    df = df.dropna(subset=["orp", "region"], how="all").reset_index(drop=True)
    df[["orp", "region"]] = df[["orp", "region"]].astype(float).round(1)
    # Persons are whole: the population and the projected totals.
    persons = ~df["measure"].str.startswith(("podíl", "index"))
    df.loc[persons, ["orp", "region"]] = df.loc[persons, ["orp", "region"]].round()
    return ProfileTable(
        "orp_population",
        f"Obyvatelstvo k 1. 1. {year} a projekce",
        df.assign(orp_code=code),
        ("population", "municipalities"),
    )


def _facility_table(code: str, facilities: pd.DataFrame) -> pd.DataFrame:
    """Facilities of the ORP and of the region by type (types the region has)."""
    region = facilities.groupby("facility_type")["facilities"].sum()
    orp = facilities[facilities["orp_code"] == code].set_index("facility_type")["facilities"]
    table = pd.DataFrame({"orp": orp.reindex(region.index), "region": region})
    table = table[table["region"] > 0].sort_values("region", ascending=False)
    return table.rename_axis("facility_type").reset_index()


def _facilities(code: str, facilities: pd.DataFrame) -> ProfileTable:
    year = int(facilities["year"].max())
    table = _facility_table(code, facilities)
    # Only the types the ORP has: rows of zeros would fill the page, and the profile's text
    # names the locally planned types it lacks.
    return ProfileTable(
        "orp_facilities",
        f"Zařízení sociálních služeb v ORP podle druhu k 31. 12. {year} (druhy, které v ORP "
        "jsou, a kraj pro srovnání; počty zařízení, ne kapacita)",
        table[table["orp"] > 0].reset_index(drop=True).assign(orp_code=code),
        ("facility_counts_orp",),
        empty_text="Podle ČSÚ v ORP není žádné zařízení sociálních služeb.",
    )


def _facility_text(code: str, missing: pd.DataFrame | None, local: list[str]) -> str:
    """Which locally planned facility types the ORP has none of (ČSÚ counts)."""
    if missing is None or missing.empty or not local:
        return ""
    absent = (
        missing.set_index("orp_code").at[code, "missing"]
        if code in set(missing["orp_code"])
        else []
    )
    if not absent:
        return (
            " Podle ČSÚ má ORP zařízení všech druhů plánovaných v každé ORP "
            f"({', '.join(t.lower() for t in local)})."
        )
    return (
        " Z druhů zařízení plánovaných v každé ORP v ní podle ČSÚ "
        + plural(
            len(absent), ("chybí {n} druh", "chybí {n} druhy", "chybí {n} druhu", "chybí {n} druhů")
        )
        + f": {', '.join(t.lower() for t in absent)}."
    )


def _coverage(code, cov, per) -> ProfileTable:
    c = cov[(cov["orp_code"] == code) & ((cov["capacity"] > 0) | (cov["region_rate"] > 0))]
    c = c[c["capacity"] > 0]
    df = pd.DataFrame(
        {
            "orp_code": code,
            "service_type": c["service_type_code"].map(lambda x: SERVICE_TYPES[int(x)].short),
            "capacity_unit": c["capacity_unit"],
            "capacity": c["capacity"],
            "reference_ages": c["reference_ages"],
            "rate": c["rate"],
            "region_rate": c["region_rate"],
        }
    )
    return ProfileTable(
        "orp_coverage",
        f"Registrovaná kapacita a pokrytí na {per} obyvatel referenční skupiny (ORP a kraj)",
        df,
        ("services", "population", "municipalities"),
    )


def _access(code, acc_orp, spots, rules) -> ProfileTable:
    local = na.local_types(rules)
    a = acc_orp[(acc_orp["orp_code"] == code) & acc_orp["service_type_code"].isin(local)]
    status = spots.set_index(["orp_code", "service_type_code"])["status"]
    df = pd.DataFrame(
        {
            "orp_code": code,
            "service_type": a["service_type_code"].map(lambda x: SERVICE_TYPES[int(x)].short),
            "covered_share": a["covered_share"],
            "ae2sfca": a["ae2sfca"],
            "status": [status.get((code, t), "") for t in a["service_type_code"]],
        }
    )
    return ProfileTable(
        "orp_accessibility",
        "Dosah druhů služeb plánovaných v ORP",
        df,
        ("services", "population", "municipalities"),
    )


def _gaps(code, gaps, target, level) -> ProfileTable:
    g = gaps[gaps["area_code"] == code]
    df = g[
        [
            "service_type",
            "capacity_unit",
            "capacity",
            "demand_median",
            "gap_median",
            "gap_low",
            "gap_high",
            "status",
        ]
    ].assign(orp_code=code)
    return ProfileTable(
        "orp_gaps",
        f"Mezery kapacity druhů plánovaných v ORP k 1. 1. {target} "
        f"({f.percent_adjective(level)} interval)",
        df,
        ("services", "population", "municipalities"),
    )


def _intentions(code, ap, year) -> ProfileTable:
    a = ap[ap["orp_code"] == code]
    df = pd.DataFrame(
        {
            "orp_code": code,
            "intention_id": a["intention_id"],
            "name": a["name"],
            "service_type": a["service_type_code"].map(
                lambda x: "–" if pd.isna(x) else SERVICE_TYPES[int(x)].short
            ),
            "form": a["form"].map(lambda x: FORMS.get(x, "–") if isinstance(x, str) else "–"),
            "capacity_change": a["capacity_change"],
            "capacity_unit": a["capacity_unit"].map(
                lambda x: CAPACITY_UNITS.get(x, "–") if isinstance(x, str) else "–"
            ),
            "status": a["status"].map(INTENTION_STATUS_LABELS),
        }
    )
    return ProfileTable(
        "orp_intentions",
        f"Záměry akčního plánu na rok {year} v ORP",
        df,
        ("action_plan",),
        "Akční plán v ORP žádný záměr nemá.",
    )


def _cofinancing_text(code: str, cofinancing: pd.DataFrame, year: int) -> str:
    """The ORP's municipal co-financing of the action plan's intentions beside the rule
    (the finance chapter's table, one number everywhere): the municipalities' own
    pledges where the region gave them, else what the action plan expects of them."""
    if cofinancing.empty or code not in set(cofinancing["orp_code"]):
        return ""
    r = cofinancing.set_index("orp_code").loc[code]
    required = (
        f"; pravidlo spolufinancování žádá {f.millions(r['required'])}"
        if pd.notna(r["required"])
        else ""
    )
    if "pledged" in r.index:
        if r["cost"] > 0:
            share = f" ({f.percent(100 * r['pledged'] / r['cost'])} ročních nákladů záměrů ORP)"
        else:
            share = " (ORP nemá záměry tohoto roku)"
        short = (
            f", chybí {f.millions(-r['pledged_minus_required'])}"
            if pd.notna(r.get("pledged_minus_required")) and r["pledged_minus_required"] < 0
            else ""
        )
        return (
            f" Na rok {year} přislíbily obce ORP na spolufinancování záměrů "
            f"{f.millions(r['pledged'])}{share}{required}{short}."
        )
    if pd.isna(r["expected"]):
        return " Záměry akčního plánu v ORP podíl obcí na nákladech neuvádějí."
    return (
        f" Na rok {year} očekává akční plán od obcí ORP {f.millions(r['expected'])} "
        f"({f.percent(100 * r['expected_share'])} ročních nákladů záměrů){required}."
    )


def _text(p, row, region, spots, gaps, seniors) -> str:
    if row is None:
        return f"Pro ORP {p.name} data obyvatelstva nejsou k dispozici."
    text = (
        f"ORP {p.name} má {count(int(row['population']), 'obyvatel')}; lidé ve věku {seniors}+ "
        f"tvoří {f.percent(row['seniors_share'])} (kraj {f.percent(region['seniors_share'])})."
    )
    if len(spots):
        white = spots[(spots["orp_code"] == p.code) & (spots["status"] == "bílé místo")]
        text += (
            " Bez dosahu služby jsou obyvatelé u "
            + plural(len(white), ("{n} druhu", "{n} druhů", "{n} druhu", "{n} druhů"))
            + " služeb plánovaných v ORP."
            if len(white)
            else " Všechny druhy služeb plánované v ORP mají služby v dosahu alespoň části "
            "obyvatel."
        )
    if len(gaps):
        short = gaps[(gaps["area_code"] == p.code) & (gaps["status"] == "nedostatek")]
        text += (
            " Nedostatek kapacity i při horní mezi intervalu vychází u "
            + plural(len(short), ("{n} druhu", "{n} druhů", "{n} druhu", "{n} druhů"))
            + " služeb."
            if len(short)
            else " U žádného druhu služby plánovaného v ORP nevychází nedostatek kapacity "
            "s jistotou celého intervalu."
        )
    return text
