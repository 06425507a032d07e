"""Chapter 03_plan, section on deinstitutionalisation: places in large residential
facilities by size band, an indicative comparison with the limits of the unenacted draft
material-technical standard, the services' transformation plans and their progress."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.codelists import SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods import deinstitutionalisation as di
from analysis.methods.network import active_services, reference_date
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.czech import count, plural

TRANSFORMATION_STATUSES = {"dokonceno": "dokončeno", "probiha": "probíhá", "planovano": "plánováno"}

# The material-technical standard was never enacted: the report compares the registry with
# the draft's limits only as an orientation, never as a breach of a rule.
MTS_DRAFT = (
    "Materiálně-technický standard pobytových služeb je návrh MPSV, který nebyl přijat jako "
    "právní předpis; jeho limity se v upravené podobě uplatňují u nové nebo investičně "
    "podpořené kapacity (IROP, národní programy), ne u každé registrované služby."
)
MTS_BUILDINGS = (
    "Registr navíc uvádí kapacitu služby, ne budovy: služba nad limitem může sídlit ve více "
    "budovách, a seznam je proto jen podnětem k ověření."
)
MTS_NOT_IN_REGISTRY = (
    "Návrh stanoví také nejvyšší počet uživatelů v jedné domácnosti a na jednom pokoji; "
    "tyto údaje registr neobsahuje."
)


def deinstitutionalisation(ch: Any, ds: Dataset, methodology: Methodology, year: int) -> None:
    mp = methodology.plan
    types = list(mp.residential_types.value)
    bounds = list(mp.size_bands.value)
    large = mp.large_facility.value
    services = active_services(ds.services, reference_date(year))
    facilities = di.residential(services, types)
    if facilities.empty:
        ch.di_text = "Registr neobsahuje pobytová zařízení sledovaných druhů."
        return
    sizes = di.by_size(facilities, bounds)
    places = sizes["places"].copy()
    places.insert(0, "service_type", [SERVICE_TYPES[int(c)].short for c in places.index])
    places["total"] = sizes["places"].sum(axis=1)
    ch.di_sizes = places.reset_index(drop=True)
    ch.di_sizes_caption = (
        f"Místa v pobytových zařízeních podle velikosti zařízení k {f.date(reference_date(year))}"
    )
    shares = di.large_share(facilities, large)
    shares.insert(
        0, "service_type", shares["service_type_code"].map(lambda c: SERVICE_TYPES[c].short)
    )
    ch.di_large = shares.drop(columns=["service_type_code"])
    ch.di_large_caption = f"Místa ve velkých zařízeních (nad {large} míst) podle druhu služby"
    years = sorted(int(y) for y in ds.population["year"].unique() if y <= year)
    ch.di_trend = di.trend(ds.services, types, large, years)
    mts = di.mts_check(facilities, mp.mts_limits.value)
    municipality = ds.municipalities.set_index("municipality_code")["municipality_name"]
    ch.di_mts = (
        None
        if mts.empty
        else mts.assign(municipality_name=mts["municipality_code"].map(municipality))[
            [
                "service_id",
                "service_name",
                "municipality_name",
                "capacity",
                "max_places",
                "standard",
            ]
        ]
    )
    ch.mts_source = mp.mts_limits.source
    total = int(facilities["capacity"].sum())
    in_large = int(facilities.loc[facilities["capacity"] > large, "capacity"].sum())
    first, last = ch.di_trend.iloc[0], ch.di_trend.iloc[-1]
    focus = SERVICE_TYPES[mp.transformation_focus_type.value]
    dozp = shares[shares["service_type"] == focus.short]
    if len(dozp):
        ch.di_headline = (
            f"Druh služby „{focus.name}“ má ve velkých zařízeních (nad {large} míst) "
            f"{f.percent(100 * dozp['large_share'].iloc[0], 1)} míst"
        )
    focus_note = focus_text(shares, mp.transformation_focus_type.value)
    ch.di_text = (
        f"Pobytová zařízení sledovaných druhů mají k {f.date(reference_date(year))} celkem "
        f"{count(total, 'místo')}; "
        + plural(
            in_large,
            (
                "{n} z nich je",
                "{n} z nich jsou",
                "{n} z nich je",
                "{n} z nich je",
            ),
        )
        + f" v zařízeních nad {large} míst ({f.percent(100 * in_large / total, 1)}). "
        f"Od {f.date(reference_date(int(first['year'])))} se podíl míst ve velkých zařízeních "
        f"změnil z {f.percent(100 * first['large_share'], 1)} na "
        f"{f.percent(100 * last['large_share'], 1)} (registr uvádí jen současnou kapacitu, "
        "trend proto zachycuje vznik a zánik registrací, ne změny kapacity). "
        + mts_text(len(mts))
        + (f" {focus_note}" if focus_note else "")
    )
    # No share of a "national target": the MPSV figure of transformed services is the
    # target of one national project, not a quota the region could be measured against.
    if ds.is_complete("transformation"):
        plans = ds.transformation_plans.copy()
        plans["status"] = plans["status"].map(TRANSFORMATION_STATUSES)
        ch.transformation = plans
        summary = di.transformation_summary(ds.transformation_plans)
        summary["status"] = summary["status"].map(TRANSFORMATION_STATUSES)
        ch.transformation_summary = summary
        n = int(ds.transformation_plans["service_id"].nunique())
        in_plans = plural(n, ("{n} službu", "{n} služby", "{n} služby", "{n} služeb"))
        if ch.di_headline:
            ch.di_headline += f"; plány transformace zahrnují {in_plans}"
        ch.transformation_text = (
            f"Plány transformace zahrnují {in_plans}; počet míst v nich klesne z "
            f"{f.number(ds.transformation_plans['capacity_before'].sum())} na "
            f"{f.number(ds.transformation_plans['capacity_after'].sum())}."
        )
    else:
        ch.transformation_text = (
            "Plány transformace pobytových služeb nebyly dodány (tabulka "
            "transformation_plans.csv podle datového modelu)."
        )


def mts_text(n_over: int) -> str:
    """The comparison with the draft standard's limits per building, labelled as a draft
    never enacted and as an indicative comparison; ``n_over``: services above a limit."""
    where = "Kapacitu nad limitem tohoto návrhu pro jednu budovu"
    if n_over == 0:
        return f"{MTS_DRAFT} {where} nemá žádná služba (orientační srovnání). {MTS_NOT_IN_REGISTRY}"
    over = plural(
        n_over,
        (
            f"{where} má {{n}} služba",
            f"{where} mají {{n}} služby",
            f"{where} má {{n}} služby",
            f"{where} má {{n}} služeb",
        ),
    )
    over += "; jde o orientační srovnání, ne o porušení předpisu."
    return " ".join([MTS_DRAFT, over, MTS_BUILDINGS, MTS_NOT_IN_REGISTRY])


def focus_text(shares: pd.DataFrame, code: int) -> str:
    """The share of places in large facilities of the type transformation targets first
    (the care homes for seniors weigh on the total)."""
    row = shares[shares["service_type"] == SERVICE_TYPES[code].short]
    if row.empty:
        return ""
    r = row.iloc[0]
    return (
        f"Transformace se týká především druhu služby „{SERVICE_TYPES[code].name}“: v něm je "
        f"ve velkých zařízeních {f.percent(100 * r['large_share'], 1)} míst "
        f"({f.number(r['places_in_large'])} z {f.number(r['places'])}); celkový podíl zvyšují "
        "domovy pro seniory a domovy se zvláštním režimem."
    )
