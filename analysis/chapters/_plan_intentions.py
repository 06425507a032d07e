"""Chapter 03_plan, section on the development intentions of the action plan: their
conditions, the share of the shortage each closes (in its own unit), the cost over the
plan horizon and the set funded within the development budget."""

from __future__ import annotations

import pandas as pd

from analysis.chapters.demand import area_names
from analysis.codelists import CAPACITY_UNITS, SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods import intentions as it
from analysis.methods.demand import plan_target_gaps, planning_areas
from analysis.methods.demography import orp_names
from analysis.methods.network import active_services, reference_date
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.czech import CAPACITY_NOUNS, count, plural


def _closed_text(closed: pd.DataFrame, names: dict) -> str:
    """Per area, type and unit: the gap closed in its own unit and its share."""
    parts = []
    for r in closed.itertuples():
        noun = CAPACITY_NOUNS.get(r.capacity_unit)
        amount = count(r.gap_closed, noun) if noun else f.number(r.gap_closed, 1)
        area = names.get(r.area_code, r.area_code)
        parts.append(
            f"{SERVICE_TYPES[int(r.service_type_code)].name} ({area}): {amount}, tj. "
            f"{f.percent(100 * r.gap_closed_share, 0)} nedostatku"
        )
    return "; ".join(parts)


def intentions(ch, ds: Dataset, methodology: Methodology, year: int) -> None:
    """The intentions of the year's action plan: conditions, scores and the funded set
    (fills ``intentions``, ``funded`` and their texts of the plan chapter ``ch``)."""
    mp = methodology.plan
    services = active_services(ds.services, reference_date(year))
    gaps, target = plan_target_gaps(ds, methodology, year, services)
    rules = methodology.network.service_types.value
    residential = it.ResidentialRule(
        tuple(mp.residential_types.value),
        mp.new_residential_max_places.value,
        mp.fund_large_new_residential.value,
    )
    years = mp.operating_years.value
    checks = it.intention_checks(
        ds.action_plan,
        year,
        ds.plan_measures,
        ds.plan_priorities,
        gaps[gaps["variant"] == "middle"],
        planning_areas(ds.municipalities),
        {c: r.planning_level for c, r in rules.items()},
        methodology.finance.cofinancing.value,
        residential,
        years,
    )
    if checks.empty:
        ch.intentions_text = f"Akční plán na rok {year} nemá záměry, které přidávají kapacitu."
        return
    names = orp_names(ds.municipalities)
    areas = area_names(ds)
    checks["orp_name"] = checks["orp_code"].map(names)
    checks["service_type"] = checks["service_type_code"].map(lambda c: SERVICE_TYPES[c].short)
    checks["unit"] = checks["capacity_unit"].map(CAPACITY_UNITS)
    budget = mp.budget(ds.region_code, year)
    candidates = checks[checks["eligible"]].reset_index(drop=True)
    checks["funded"] = False
    large = checks[checks["large_residential"]]
    text = (
        f"Záměry akčního plánu na rok {year}, které přidávají kapacitu, se posuzují podle "
        "těchto podmínek: spolufinancování obcí nejméně v požadovaném podílu nákladů nové "
        "služby podle formy a druhu (pravidlo Jihomoravského kraje: 10–20 % nákladů nových "
        "služeb), potřeba deklarovaná ORP, soulad s prioritou plánu (priorita slouží cílové "
        "skupině, které druh služby slouží) a podpora v mezeře kapacity kapitoly o potřebách "
        f"k {f.date(reference_date(target))} (střední varianta): *potvrzena*, když je celý "
        "interval mezery nedostatkem, *pravděpodobná*, když je nedostatkem medián. Nová "
        f"pobytová kapacita nad {count(mp.new_residential_max_places.value, 'místo')} "
        "v jednom záměru přesahuje velikost komunitních služeb podle Koncepce transformace "
        "(usnesení vlády č. 127/2007); takový záměr "
        + (
            "se označí; rozpočet jej smí financovat jen proto, že to parametr kraje povoluje"
            if mp.fund_large_new_residential.value
            else "se označí a z rozpočtu rozvoje se nefinancuje"
        )
        + (
            ""
            if large.empty
            else " ("
            + plural(len(large), ("týká se záměru ", "týká se záměrů ", "", "týká se záměrů "))
            + ", ".join(large["intention_id"])
            + ")"
        )
        + ". Kapacita se počítá v jednotce záměru (lůžka, klienti, intervence, kontakty) a "
        "jednotky se nesčítají: záměr může uzavřít nejvýše tolik nedostatku, kolik přidává "
        "kapacity, a jen ve své oblasti, druhu služby a jednotce; měří se podílem tohoto "
        "nedostatku. Z rozpočtu rozvoje jde ročně požadovaná dotace (jinak náklad záměru), "
        "nejvýše náklad bez podílu obcí; náklad za horizont je tato roční částka za "
        f"{count(years, 'rok')} provozu (volba kraje, parametr metodiky). Skóre "
        "je podíl uzavřeného nedostatku na milion Kč nákladu za horizont. Způsob výběru "
        "(součet podílů uzavřeného nedostatku) je volba socplan, kterou kraj může změnit: "
        "váží stejně uzavření malého i velkého nedostatku. "
        + plural(
            int(checks["eligible"].sum()),
            (
                "Všechny podmínky splňuje {n} záměr",
                "Všechny podmínky splňují {n} záměry",
                "Všechny podmínky splňuje {n} záměru",
                "Všechny podmínky splňuje {n} záměrů",
            ),
        )
        + f" z {len(checks)}. "
    )
    if budget is None:
        text += (
            f"Parametry metodiky neobsahují rozpočet rozvoje kraje na rok {year}; výběr "
            "záměrů k financování se proto nepočítá."
        )
    else:
        funded = it.select_funded(candidates, budget.czk)
        chosen = candidates[funded]
        closed = it.closed_by_group(candidates, funded)
        checks.loc[checks["intention_id"].isin(chosen["intention_id"]), "funded"] = True
        ch.funding_headline = (
            f"Z rozpočtu rozvoje {f.millions(budget.czk)} na rok {year} vybrala optimalizace "
            + plural(
                len(chosen),
                ("{n} rozvojový záměr", "{n} rozvojové záměry", "{n} záměru", "{n} záměrů"),
            )
            + " k financování ("
            + ", ".join(chosen["intention_id"])
            + "); "
            + plural(
                int(checks["eligible"].sum()),
                (
                    "všechny podmínky splňoval {n} záměr",
                    "všechny podmínky splňovaly {n} záměry",
                    "všechny podmínky splňovalo {n} záměru",
                    "všechny podmínky splňovalo {n} záměrů",
                ),
            )
            + f" z {len(checks)}"
        )
        more = budget.czk * (1 + mp.budget_step.value)
        funded_more = it.select_funded(candidates, more)
        added = candidates[funded_more & ~funded]
        dropped = candidates[funded & ~funded_more]
        share = it.shares_closed(candidates, funded)
        share_more = it.shares_closed(candidates, funded_more)
        text += (
            "Mezera je kapacita minus poptávka v území, na kterém se druh služby plánuje "
            "(ORP, okres nebo kraj; tabulka uvádí které), záporná mezera je nedostatek. "
            f"Z ročního rozpočtu rozvoje {f.crowns(budget.czk)} (zdroj: {budget.source}) "
            "vybírá celočíselná optimalizace soubor záměrů, který uzavře největší součet "
            "podílů nedostatku (záměry v téže oblasti, druhu a jednotce sdílejí jeden "
            "nedostatek, takže jej nezapočítají dvakrát; při shodě rozhoduje nižší cena): "
            + plural(
                len(chosen),
                (
                    "{n} záměr za {cost} ročně ({horizon} za {years}) uzavře",
                    "{n} záměry za {cost} ročně ({horizon} za {years}) uzavřou",
                    "{n} záměru za {cost} ročně ({horizon} za {years}) uzavře",
                    "{n} záměrů za {cost} ročně ({horizon} za {years}) uzavře",
                ),
            )
            .replace("{cost}", f.millions(chosen["budget_czk"].sum()))
            .replace("{horizon}", f.millions(chosen["cost_horizon_czk"].sum()))
            .replace("{years}", count(years, "rok"))
            + " tyto nedostatky: "
            + (_closed_text(closed, areas) if len(closed) else "žádný")
            + ". Vybrány jsou: "
            + "; ".join(f"{r.intention_id} {r.name}" for r in chosen.itertuples())
            + ". "
            + (
                f"Vybrané záměry čerpají {f.millions(chosen['budget_czk'].sum())} "
                f"z {f.millions(budget.czk)}; zbytek zůstává nevyužit, protože další záměry "
                "podmínky nesplňují nebo se do rozpočtu nevejdou. "
                if chosen["budget_czk"].sum() < budget.czk
                else ""
            )
            + (
                f"Ani rozpočet navýšený o {f.percent(100 * mp.budget_step.value, 0)} by "
                "výběr nezměnil."
                if added.empty and share_more <= share
                else f"Rozpočet navýšený o {f.percent(100 * mp.budget_step.value, 0)} "
                f"({f.crowns(more)}) by "
                + (
                    "přidal " + ", ".join(f"{r.intention_id} {r.name}" for r in added.itertuples())
                    if len(added)
                    else "změnil výběr"
                )
                + (
                    "; místo " + ", ".join(f"{r.intention_id}" for r in dropped.itertuples())
                    if len(dropped)
                    else ""
                )
                + ": "
                + _closed_text(it.closed_by_group(candidates, funded_more), areas)
                + "."
            )
        )
    ch.intentions_text = text
    ch.intentions = checks[
        [
            "intention_id",
            "service_type",
            "capacity_change",
            "unit",
            "required_share",
            "required_municipal_czk",
            "municipal_share",
            "need_ok",
            "priority_ok",
            "support",
            "large_residential",
            "eligible",
        ]
    ]
    ch.intentions_caption = f"Rozvojové záměry na rok {year}: podmínky"
    checks["area_name"] = checks["area_code"].map(areas)
    ch.funded = checks[
        [
            "intention_id",
            "area_name",
            "unit",
            "capacity_change",
            "budget_czk",
            "cost_horizon_czk",
            "gap_median",
            "gap_low",
            "gap_high",
            "gap_closed",
            "gap_closed_share",
            "score",
            "funded",
        ]
    ]
    ch.funded_caption = (
        f"Rozvojové záměry na rok {year}: mezera v území plánování v jednotce záměru, skóre a "
        "výběr k financování (nejprve záměry splňující podmínky, podle skóre)"
    )
