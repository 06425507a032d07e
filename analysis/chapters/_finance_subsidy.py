"""Chapter 04_finance, section on the state subsidy: optimal and real subsidy per service
in the network's units, the allocation within the region's budget (the optimal subsidy is
a maximum) and what-if variants."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.chapters._finance_common import (
    group_labels,
)
from analysis.chapters._finance_compensation import price_text
from analysis.methods import finance_benchmark as fb
from analysis.methods import network_units as nu
from analysis.methods import subsidy as sb
from analysis.methods.network import active_services, reference_date
from analysis.present import formatting as f
from analysis.present.czech import plural

_NO_REFERENCE = " (celostátní chybí a krajských poskytovatelů je méně, než pravidlo vyžaduje)"


def subsidy(ch, ds, methodology, year, latest_ind, ref, latest, ambiguous) -> None:
    m = methodology.finance
    alloc = m.allocation(ds.region_code, year)
    services = active_services(ds.services, reference_date(year))
    units = fb.service_units(services, list(m.network_units.value))
    in_network = units["in_regional_network"].fillna(False).astype(bool)
    units = units[in_network]
    index_years = year - latest
    price = sb.indexed_price(
        ref[ref["year"] == latest].set_index(fb.GROUP)["reference_cost"],
        m.price_level_factor.value,
        m.price_index.value,
        index_years,
    )
    reported = latest_ind.set_index("service_id")
    users = reported["revenue_users"]
    health = reported["revenue_health_insurance"]
    public_other = [c for c in m.public_revenues.value if c != "revenue_state_subsidy"]
    other_public = reported[public_other].sum(axis=1)
    no_report = units[~units["service_id"].isin(reported.index)]
    units = units[units["service_id"].isin(reported.index)].copy()
    # The year's network units: beds at no less than the minimum occupancy, or the
    # direct-care FTE of the last report (the register's count where it gives one).
    rows = reported.reindex(units["service_id"])
    units["network_capacity"] = rows["network_capacity"].to_numpy()
    units["occupancy"] = rows["occupancy"].to_numpy()
    units["units"] = nu.counted_units(
        units["network_capacity"], units["network_unit"], units["occupancy"], units["min_occupancy"]
    )
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
                            "{n} nemá použitelnou referenční hodnotu" + _NO_REFERENCE,
                            "{n} nemají použitelnou referenční hodnotu" + _NO_REFERENCE,
                            "{n} nemá použitelnou referenční hodnotu" + _NO_REFERENCE,
                            "{n} nemá použitelnou referenční hodnotu" + _NO_REFERENCE,
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
    below_minimum = int(
        (
            (optimal["network_unit"] == "luzka") & (optimal["units"] < optimal["network_capacity"])
        ).sum()
    )
    index_text = (
        f", převedených na rok {year} ročním růstem {f.percent(100 * m.price_index.value, 1)} "
        "(parametr metodiky, zdroj uvádí příloha)"
        if index_years
        else ""
    )
    base_text = (
        f"Optimální dotace služby krajské sítě na rok {year} = cenová hladina × počet jednotek "
        "sítě − očekávané úhrady uživatelů − platby zdravotních pojišťoven (obojí podle výkazu "
        f"{latest}; ostatní vlastní výnosy se neodečítají). Jednotkou sítě je u pobytových "
        "služeb lůžko, u terénních a ambulantních služeb přepočtený úvazek pracovníka v přímé "
        "péči podle výkazu; registrovaná kapacita v klientech nebo intervencích je zákonné "
        "maximum, ne objem služby, a k výpočtu se nepoužívá. Lůžka služby s nižší obložností, "
        "než je minimum sítě, se počítají jen v poměru obložnosti k minimu"
        + (
            ""
            if below_minimum == 0
            else " ("
            + plural(
                below_minimum,
                (
                    "týká se {n} služby",
                    "týká se {n} služeb",
                    "týká se {n} služby",
                    "týká se {n} služeb",
                ),
            )
            + ")"
        )
        + ". Cenová hladina "
        + price_text(m.price_level_factor.value)
        + f" roku {latest}{index_text}"
        + f". Bodové hodnocení podle kritérií sítě ji upraví o ±{adj} × (skóre − 50) / 50, "
        f"tedy nejvýše o ±{adj}. " + left_out
    )
    if alloc is None:
        ch.subsidy_text = base_text + (
            f"Parametry metodiky neobsahují alokaci státní dotace kraje na rok {year}; reálná "
            "dotace se proto nepočítá."
        )
        ch.subsidy_services = optimal
        return
    real = sb.allocate(optimal, alloc.czk, requests, other_public)
    real.insert(
        1,
        "service_name",
        real["service_id"].map(ch.scores.set_index("service_id")["service_name"])
        if len(ch.scores)
        else None,
    )
    real["network_unit"] = real["network_unit"].map(nu.UNIT_NAMES)
    ch.subsidy_services = real
    labelled = real.assign(service_type=group_labels(real, ambiguous))
    group = labelled.groupby(["service_type", "network_unit"], sort=False)
    money = ["optimal", "real"] + (["requested", "deficit"] if requests is not None else [])
    types = group[money].sum()
    types.insert(0, "units", group["units"].sum())
    types.insert(0, "services", group["service_id"].nunique())
    ch.subsidy_types = fb.with_total(types.reset_index(), "service_type", ["services", *money])
    ch.subsidy_caption = f"Optimální a reálná dotace podle druhu služby a jednotky sítě, {year}"
    ch.what_if = sb.what_if(optimal, alloc.czk, requests, list(m.what_if.value), other_public)
    total_opt = float(real["optimal"].sum())
    all_requests = f.millions(requests.sum()) if requests is not None else ""
    at_cap_rows = (real["real"] >= real["cap"]) & (real["cap"] > 0)
    at_cap = int(at_cap_rows.sum())
    by_optimal = int(
        (at_cap_rows & (real["cap"] < real.get("requested", pd.Series(np.inf, real.index)))).sum()
    )
    undistributed = real.attrs["undistributed"]
    ch.subsidy_text = base_text + (
        f"Alokace kraje {f.crowns(alloc.czk)} (zdroj: {alloc.source}) se rozdělí v poměru "
        f"optimálních dotací ({f.millions(total_opt)} celkem). Optimální dotace je horní mez: "
        "žádná služba nedostane víc než menší z částek „žádost“ a „optimální dotace bez "
        "ostatních veřejných prostředků, které služba očekává“ (kraj, obce, fondy EU, Úřad "
        f"práce a jiné veřejné zdroje podle výkazu {latest}); co nad tuto mez zbude, se "
        "rozdělí mezi ostatní ve stejném poměru. Částky se zaokrouhlí na celé koruny metodou "
        "největších zbytků (nejprve dolů; zbývající koruny dostanou služby s největším "
        "zbytkem, při shodě podle identifikátoru služby). "
        + plural(
            at_cap,
            (
                "Své horní meze dosáhla {n} služba",
                "Své horní meze dosáhly {n} služby",
                "Své horní meze dosáhlo {n} služby",
                "Své horní meze dosáhlo {n} služeb",
            ),
        )
        + (
            f" (z toho u {f.number(by_optimal)} byla mezí optimální dotace bez ostatních "
            "veřejných zdrojů, u ostatních žádost). "
            if by_optimal
            else ". "
        )
        + (
            "Alokace se rozdělí celá."
            if undistributed == 0
            else "Meze služeb nestačí k rozdělení celé alokace: "
            f"{f.crowns(undistributed)} zůstává nerozděleno."
        )
        + (
            f" Služby zahrnuté do výpočtu žádaly o {f.millions(real['requested'].sum())} "
            "(všechny žádosti včetně služeb mimo výpočet a mimo síť: "
            f"{all_requests}); schodek proti jejich žádostem je "
            f"{f.millions(real['deficit'].sum())}."
            if requests is not None
            else " Žádosti služeb o dotaci nejsou k dispozici."
        )
    )
