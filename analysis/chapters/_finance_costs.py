"""Chapter 04_finance, sections on costs: benchmarking of unit costs and staffing by type
of service, and the reference values (regional and national) of cost and own revenue."""

from __future__ import annotations

import numpy as np

from analysis.chapters._finance_common import (
    DELIVERED_UNITS,
    REVENUE_NAMES,
    group_labels,
)
from analysis.codelists import SERVICE_TYPES
from analysis.methods import finance_benchmark as fb
from analysis.methods import network_units as nu
from analysis.methods import reference_values as rv
from analysis.present import formatting as f
from analysis.present.czech import count, plural
from analysis.present.figures import stacked_shares, unit_cost_strips


def benchmark(ch, ind, ds, methodology, latest, ambiguous) -> None:
    m = methodology.finance
    bench = fb.type_benchmark(ind, latest, m.outlier_rule.value)
    bench = fb.with_national(bench, ds.finance_national, latest)
    bench.insert(
        0,
        "service_type",
        group_labels(bench, ambiguous),
    )
    bench["network_unit_name"] = bench["network_unit"].map(nu.UNIT_NAMES)
    ch.benchmark = bench[
        [
            "service_type",
            "network_unit_name",
            "services",
            "cost_q1",
            "cost_median",
            "cost_q3",
            "national_median",
            "ratio_to_national",
            "outliers",
            "cost_change",
        ]
    ].rename(columns={"network_unit_name": "network_unit"})
    ch.benchmark_caption = f"Náklady na jednotku sítě podle druhu a formy služby, {latest}"
    bench["delivered_unit"] = bench["delivered_capacity_unit"].map(DELIVERED_UNITS)
    ch.staffing = bench[
        [
            "service_type",
            "network_unit_name",
            "delivered_unit",
            "cost_per_delivered",
            "fte_per_capacity",
            "direct_share",
            "occupancy",
        ]
    ].rename(columns={"network_unit_name": "network_unit"})
    ch.staffing_caption = f"Výkon, personál a využití kapacity podle druhu a formy služby, {latest}"
    rule = m.outlier_rule.value
    cur = ind[(ind["year"] == latest) & ind["comparable"]].copy()
    cur["cost_flag"] = fb.outlier_flags(
        cur["cost_per_unit"], cur[fb.GROUP], rule.method, rule.k, rule.min_services
    )
    cur["group_median"] = cur.groupby(fb.GROUP)["cost_per_unit"].transform("median")
    cur["service_type"] = group_labels(cur, ambiguous)
    flagged = cur[cur["cost_flag"].isin(["low", "high"])]
    ch.outliers = (
        flagged[
            [
                "service_id",
                "service_name",
                "service_type",
                "network_unit",
                "cost_per_unit",
                "group_median",
                "cost_flag",
            ]
        ]
        .assign(network_unit=lambda d: d["network_unit"].map(nu.UNIT_NAMES))
        .sort_values(["service_type", "cost_per_unit"])
    )
    ch.outliers_caption = f"Služby s odlehlými náklady na jednotku sítě, {latest}"
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
        + f" ve skupinách podle druhu, formy a jednotky sítě ({count(len(bench), 'skupina')}). "
        "Jednotkou sítě je u pobytových služeb lůžko, u terénních a ambulantních služeb "
        "přepočtený úvazek pracovníka v přímé péči podle výkazu daného roku; registrovaná "
        "kapacita v klientech nebo intervencích je zákonné maximum, ne objem služby. "
        f"Odlehlá hodnota je náklad na jednotku sítě {rule_text} své skupiny; posuzují se "
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
        "Úvazky na 10 lůžek se uvádějí jen u lůžkových služeb. " + below_norm
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
        points, nat.reset_index(), "náklady na jednotku sítě za rok (Kč, logaritmická osa)"
    )
    national = nat.reset_index().set_index("group")[["q1", "median", "q3"]]
    ch.cost_figure_data = (
        points[["service_id", "group", "value", "flag"]]
        .join(national.add_prefix("national_"), on="group")
        .rename(columns={"group": "service_type", "value": "cost_per_unit", "flag": "cost_flag"})
    )
    ch.cost_figure_caption = (
        f"Náklady na jednotku sítě (lůžko nebo úvazek v přímé péči) podle druhu služby, "
        f"{latest}: služby kraje a celostátní rozpětí"
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
            excluded["network_capacity"].isna(),
            excluded["mixed_units"],
            excluded["occupancy_over_capacity"],
        ],
        [
            "bez jednotek sítě (lůžek nebo úvazků v přímé péči)",
            "formy služby v různých jednotkách sítě (lůžka i úvazky)",
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
        "nákladů, obložnost lůžek nad 100 %, služba bez jednotek sítě (lůžek nebo úvazků "
        "v přímé péči) nebo služba, jejíž formy síť počítá v různých jednotkách (její náklady "
        "nelze vztáhnout k jedné jednotce). "
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
            "network_unit",
            "network_capacity",
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


def reference(ch, ref, methodology, latest, ambiguous, ds) -> None:
    m = methodology.finance
    cur = ref[ref["year"] == latest].copy()
    cur.insert(
        0,
        "service_type",
        group_labels(cur, ambiguous),
    )
    cur["network_unit"] = cur["network_unit"].map(nu.UNIT_NAMES)
    ch.reference = cur[
        [
            "service_type",
            "network_unit",
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
            "network_unit",
            "providers",
            "own_revenue_per_unit",
            "national_own_revenue_per_unit",
            "reference_own_revenue",
            "own_revenue_source",
        ]
    ]
    ch.reference_caption = f"Referenční náklady na jednotku sítě a rok, {latest}"
    ch.reference_revenue_caption = f"Referenční vlastní výnosy na jednotku sítě a rok, {latest}"
    statistic = {"median": "medián", "mean": "průměr", "trimmed_mean": "useknutý průměr"}[
        m.reference_statistic.value
    ]
    regional = int((cur["cost_source"] == rv.SOURCE_REGION).sum())
    regional_revenue = int((cur["own_revenue_source"] == rv.SOURCE_REGION).sum())
    none = int(cur["reference_cost"].isna().sum())
    ch.reference_text = (
        f"Obvyklá hodnota kraje je {statistic} nákladů (a zvlášť vlastních výnosů) na jednotku "
        "sítě (lůžko nebo úvazek v přímé péči) srovnatelných služeb skupiny. Referenční "
        "hodnotou je hodnota kraje, pokud je "
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
