"""Chapter 00_summary: the main findings (hlavní zjištění), generated from the tables of
the other chapters, each sentence linked to the table or figure it comes from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd

from analysis.chapters import demand, finance, network, plan
from analysis.codelists import CAPACITY_UNITS
from analysis.data.dataset import Dataset
from analysis.methods.demography import orp_names
from analysis.methods.facility_gaps import local_facility_types, missing_local_types
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.completeness import data_notes
from analysis.present.czech import count, plural


@dataclass
class SummaryChapter:
    findings: str  # markdown list of sentences with links
    missing: str  # what the report cannot say, and why


def _link(kind: str, target: str, caption: str) -> str:
    """A reference to a table or figure by its caption (numbers are set only in print)."""
    return f"({kind} [{caption}](#{target}))"


def _seniors(projection: pd.DataFrame, year: int, min_age: int) -> tuple[float, list[str]]:
    """Persons of one year of the projection table in the age bands (columns ``a–b`` or
    ``a+``) that start at ``min_age`` or later, and those bands' names."""
    row = projection.set_index("year").loc[year]
    bands = [
        c
        for c in row.index
        if str(c)[:1].isdigit() and int(str(c).split("–")[0].rstrip("+")) >= min_age
    ]
    return float(sum(row[c] for c in bands)), [str(c) for c in bands]


def homes_missing(by_orp: pd.DataFrame | None) -> list[str] | None:
    """Names of the region's ORPs without a care home for seniors in the ČSÚ facility
    counts (in the table's order); None when the counts do not cover the type."""
    if by_orp is None or by_orp.empty:
        return None
    homes = by_orp[by_orp["facility_type"] == "Domovy pro seniory"]
    if homes.empty or homes["facilities"].isna().any():
        return None
    return homes.loc[homes["facilities"] == 0, "orp_name"].tolist()


def all_facilities_by_orp(ds: Dataset) -> pd.DataFrame | None:
    """ČSÚ facility counts of every type in the region's ORPs, with the ORP names."""
    if ds.facility_counts is None:
        return None
    names = orp_names(ds.municipalities)
    fc = ds.facility_counts[ds.facility_counts["orp_code"].isin(names.index)]
    return fc.assign(orp_name=fc["orp_code"].map(names))


def jan1(year: int) -> str:
    """``1. 1. 2025`` with non-breaking spaces (a date never breaks across lines)."""
    return f.date(dt.date(year, 1, 1))


def prepare(ds: Dataset, methodology: Methodology, year: int) -> SummaryChapter:
    """Five to ten sentences with numbers from the same tables the chapters publish."""
    seniors = methodology.ages.seniors_min_age.value
    d = demand.prepare(ds, methodology, year)
    n = network.prepare(ds, methodology, year)
    p = plan.prepare(ds, methodology, year)
    out = []

    region = d.ageing.ageing[d.ageing.ageing["orp_name"] == "kraj celkem"].iloc[0]
    needs = d.needs
    proj = needs.projection_region.set_index("year")
    if ds.latest is not None and needs.base_year > d.ageing.year and needs.base_year in proj.index:
        # The newest population (the projection's base) first; the ORP table's date after.
        total = proj.at[needs.base_year, "total"]
        older, _ = _seniors(needs.projection_region, needs.base_year, seniors)
        out.append(
            f"K 31. 12. {ds.latest.reference_year} žilo v kraji {f.number(total)} obyvatel; "
            f"lidé ve věku {seniors}+ tvořili {f.percent(100 * older / total)} "
            + _link("tabulka", "tab-demand_projection_region", "Projekce obyvatel kraje")
            + f"; údaje podle ORP jsou k {jan1(d.ageing.year)} "
            + _link("tabulka", "tab-demand_ageing_by_orp", d.ageing.ageing_caption)
            + "."
        )
    else:
        out.append(
            f"K {jan1(d.ageing.year)} žilo v kraji {f.number(region['population'])} obyvatel; "
            f"lidé ve věku {seniors}+ tvořili {f.percent(region['seniors_share'])} "
            + _link("tabulka", "tab-demand_ageing_by_orp", d.ageing.ageing_caption)
            + "."
        )

    years = set(needs.projection_region["year"])
    if {needs.base_year, needs.target_year} <= years:
        base, bands = _seniors(needs.projection_region, needs.base_year, seniors)
        target, _ = _seniors(needs.projection_region, needs.target_year, seniors)
        out.append(
            f"Podle střední varianty projekce bude k {jan1(needs.target_year)} ve věku "
            f"{seniors}+"
            # The bands are named only when they are more than the one "65+" band itself.
            + (f" ({' a '.join(bands)})" if bands != [f"{seniors}+"] else "")
            + f" {f.number(target)} obyvatel kraje "
            f"(k {jan1(needs.base_year)}: {f.number(base)}; "
            f"{f.signed(100 * (target / base - 1))} %) "
            + _link("tabulka", "tab-demand_projection_region", "Projekce obyvatel kraje")
            + "."
        )

    need_region = needs.need_region
    seniors_need = need_region[
        (need_region["group"] == "seniori") & (need_region["variant"] == "middle")
    ]
    rate, rate_source = needs.rates.set_index("group").loc["seniori", ["rate", "source"]]
    if len(seniors_need):
        s = seniors_need.iloc[0]
        out.append(
            f"Služby bude k {jan1(needs.target_year)} potřebovat odhadem "
            f"{f.number(s['median'])} seniorů (medián simulací; {needs.interval} interval "
            f"{f.number(s['low'])}\u00a0až\u00a0{f.number(s['high'])}). Výchozí odhad je "
            f"{f.number(s['reference_population'])} obyvatel {seniors}+ × míra potřeby "
            f"{f.percent(100 * rate, 2)} (zdroj míry: {rate_source}) "
            + _link("obrázek", "fig-demand_need_figure", "Osoby v potřebě v kraji")
            + "."
        )

    if ds.is_complete("services"):
        services = n.services["service_id"].nunique()
        beds = n.services.loc[
            n.services["capacity_unit"].eq("luzka") & n.services["form"].eq("pob"), "capacity"
        ].sum()
        out.append(
            f"K {jan1(year)} bylo v kraji registrováno {count(services, 'sociální služba')}; "
            f"pobytové služby mají celkem {count(beds, 'lůžko')} "
            + _link("tabulka", "tab-network_capacity_by_orp", "Služby a kapacita podle ORP")
            + "."
        )
        spots = n.white_spot_orps
        if len(spots):
            white = spots[spots["status"] == "bílé místo"]
            out.append(
                plural(
                    len(white),
                    ("V {n} případě", "Ve {n} případech", "V {n} případu", "V {n} případech"),
                )
                + " (ORP a druh služby plánovaný v ORP) nemá nikdo z referenční populace "
                f"službu v dosahu; týká se to {white['orp_code'].nunique()} ORP "
                + _link("tabulka", "tab-network_white_spots_orp", "ORP s bílými místy")
                + "."
            )
        gaps = needs.gaps_shown
        if len(gaps):
            short = gaps[gaps["status"] == "nedostatek"]
            # The largest gap within one unit (beds where there are any): gaps in beds and
            # in clients are never ranked against each other.
            units = gaps["capacity_unit"]
            unit_code = "luzka" if units.eq("luzka").any() else str(units.iloc[0])
            same = gaps[units == unit_code]
            worst = same.loc[same["gap_median"].idxmin()]
            unit = CAPACITY_UNITS[unit_code]
            out.append(
                plural(
                    len(short),
                    (
                        "U {n} kombinace území a druhu služby vychází",
                        "U {n} kombinací území a druhu služby vychází",
                        "U {n} kombinace území a druhu služby vychází",
                        "U {n} kombinací území a druhu služby vychází",
                    ),
                )
                + f" k {jan1(needs.target_year)} nedostatek kapacity i při horní mezi "
                "intervalu (nejistota míry potřeby; normativy kapacity na osobu jsou výchozí "
                f"odhad). Mezi mezerami v jednotce „{unit}“ je největší nedostatek v oblasti "
                f"{worst['area_name']} u druhu {worst['service_type']}: kapacita "
                f"{f.number(worst['capacity'])} proti "
                f"poptávce {f.number(worst['demand_median'])} ({unit}) "
                + _link("tabulka", "tab-demand_service_gaps", "Mezery v kapacitě")
                + "."
            )
    elif n.facilities_by_type is not None and len(n.facilities_by_type):
        fac = n.facilities_by_type
        per = methodology.network.facility_rate_per.value
        homes = fac[fac["facility_type"] == "Domovy pro seniory"]
        text = (
            f"Úplný registr nebyl dodán; podle ČSÚ bylo v kraji ke konci roku "
            f"{n.facilities_year} celkem {count(int(fac['facilities'].sum()), 'zařízení')} "
            f"sociálních služeb ({count(fac['facility_type'].nunique(), 'druh')} zařízení "
            "statistiky ČSÚ, bez terénních služeb)"
        )
        if len(homes):
            h = homes.iloc[0]
            text += (
                f", z toho {count(int(h['facilities']), 'domov pro seniory')}, tj. "
                f"{f.number(h['rate'], 1)} zařízení na {f.number(per)} obyvatel "
                f"{h['reference_ages']} (Česko {f.number(h['country_rate'], 1)}; počet "
                "zařízení, ne lůžek: domovy se liší velikostí)"
            )
        out.append(
            text
            + " "
            + _link("tabulka", "tab-network_facilities_by_type", n.facilities_caption)
            + "."
        )
        without = homes_missing(n.facilities_by_orp)
        if without is not None:
            out.append(
                (
                    f"Podle ČSÚ není žádný domov pro seniory v těchto ORP ({len(without)}): "
                    f"{', '.join(without)} "
                    if without
                    else "Domov pro seniory má podle ČSÚ každá ORP kraje "
                )
                + _link("tabulka", "tab-network_facilities_by_orp", n.facilities_by_orp_caption)
                + "."
            )
        every_type = all_facilities_by_orp(ds)
        rules = methodology.network.service_types.value
        if every_type is not None:
            gaps = missing_local_types(every_type, rules)
            gaps = gaps[gaps["count"] > 0].sort_values("count", ascending=False, kind="stable")
            local = local_facility_types(every_type, rules)
            if len(gaps) and local:
                names = orp_names(ds.municipalities)
                out.append(
                    "Z druhů zařízení, které metodika plánuje v každé ORP "
                    f"({', '.join(t.lower() for t in local)}), chybí podle ČSÚ alespoň jeden "
                    f"v těchto ORP ({len(gaps)}): "
                    + ", ".join(f"{names[r.orp_code]} ({r.count})" for r in gaps.itertuples())
                    + "; profily ORP v příloze uvádějí chybějící druhy jmenovitě."
                )

    if ds.is_complete("plan") and len(p.indicators):
        link = _link("tabulka", "tab-plan_indicators", "Indikátory střednědobého plánu")
        out.append(f"{p.headline} {link}.")
        if p.funding_headline:
            link = _link("tabulka", "tab-plan_intentions_funding", "Rozvojové záměry")
            out.append(f"{p.funding_headline} {link}.")
        if p.registry_text:
            link = _link("tabulka", "tab-plan_registry_check", p.registry_caption)
            out.append(f"{p.registry_text.rstrip('.')} {link}.")

    if p.di_headline:
        link = _link("tabulka", "tab-plan_di_large", "Místa ve velkých zařízeních")
        out.append(f"{p.di_headline} {link}.")

    money = finance.compensation_headline(ds, methodology, year)
    if money:
        caption = "Kontrola vyrovnávací platby podle druhu služby"
        out.append(f"{money} " + _link("tabulka", "tab-finance_compensation_types", caption) + ".")

    # The notes themselves stand once, in the readiness overview at the front.
    missing = (
        "Co zpráva z dodaných dat nespočítala a jak data doplnit, uvádí přehled připravenosti "
        "dat na začátku zprávy."
        if data_notes(ds)
        else ""
    )
    plt.close("all")  # the chapters' figures are shown in their own chapters
    return SummaryChapter(findings="\n".join(f"- {s}" for s in out), missing=missing)
