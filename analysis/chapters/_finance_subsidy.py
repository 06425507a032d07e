"""Chapter 04_finance, section on the state subsidy: optimal and real subsidy per service,
the allocation within the region's budget, what-if variants and municipal co-financing."""

from __future__ import annotations

import pandas as pd

from analysis.chapters._finance_common import (
    group_labels,
)
from analysis.chapters._finance_compensation import price_text
from analysis.methods import finance_benchmark as fb
from analysis.methods import subsidy as sb
from analysis.methods.network import active_services, reference_date
from analysis.present import formatting as f
from analysis.present.czech import plural


def subsidy(ch, ds, methodology, year, latest_ind, ref, latest, ambiguous) -> None:
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
