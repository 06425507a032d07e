"""Chapter 04_finance, section on the scoring of services against the network criteria:
signals for review (never verdicts), the services to review, and the sensitivity to the
weights and to the normatives (the breakpoints of each criterion's scale)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.chapters._finance_common import (
    BAND_COLOURS,
    CRITERION_MEASURES,
)
from analysis.codelists import SERVICE_TYPES
from analysis.methods import finance_benchmark as fb
from analysis.methods import network_indicators as na
from analysis.methods import network_scoring as ns
from analysis.methods.demand import plan_target_gaps, planning_areas
from analysis.methods.network import active_services, reference_date
from analysis.present import formatting as f
from analysis.present.czech import plural
from analysis.present.figures import stacked_shares

# Where the raw value of each criterion comes from; every one is a property of the
# service itself (its type in its own area, or its own finance report).
CRITERION_ORIGINS = {
    "need": "potřebnost z mezery kapacity kapitoly o potřebách (střední varianta, konec "
    "horizontu plánu)",
    "availability": "dostupnost z indexu E2SFCA kapitoly o síti",
    "cost": "nákladovost z nákladu na jednotku, ve které síť službu počítá (lůžko, nebo "
    "úvazek pracovníka v přímé péči), proti referenční hodnotě",
    "staffing": "personální zajištění z podílu úvazků v přímé péči",
    "occupancy": "obložnost z průměrné roční obložnosti lůžek proti minimální obložnosti "
    "sítě (jen u služeb, které síť počítá v lůžkách)",
}


def scoring(ch, ds, methodology, year, latest_ind, ref, latest) -> None:
    m = methodology.finance
    net = methodology.network
    rules = net.service_types.value
    services = active_services(ds.services, reference_date(year))
    units = fb.service_units(services, list(m.network_units.value))
    # Network criteria are about the network: only its members are scored.
    units = units[units["in_regional_network"].fillna(False).astype(bool)].reset_index(drop=True)
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
        m.criteria.value,
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
                "source": c.source,
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
    review = ns.BAND_LABELS["review"]
    ch.bands_caption = f"Služby podle signálu hodnocení, {year}"
    ch.decisions_caption = f"Služby k prověření podle kritérií sítě, {year}"
    ch.decisions = table[table["band"] == review].sort_values("score")[
        ["service_id", "service_name", "score", "driver", "band_probability"]
    ]
    ordered = sorted(cuts, key=lambda b: -b.min_score)
    bands_text = ", ".join(
        f"{ns.BAND_LABELS[b.band]} pod {f.auto(ordered[i - 1].min_score)}"
        if 0 < i == len(ordered) - 1
        else f"{ns.BAND_LABELS[b.band]} při skóre od {f.auto(b.min_score)}"
        for i, b in enumerate(ordered)
    )
    n_services = len(table)
    ch.scoring_text = (
        "Hodnotí se "
        + plural(
            n_services,
            (
                "{n} služba krajské sítě aktivní",
                "{n} služby krajské sítě aktivní",
                "{n} služby krajské sítě aktivní",
                "{n} služeb krajské sítě aktivních",
            ),
        )
        + f" v registru k {f.date(reference_date(year))} (služby mimo síť a služby, jejichž "
        "registrace skončila dříve, se nehodnotí) podle "
        + plural(len(criteria), ("{n} kritéria", "{n} kritérií", "{n} kritéria", "{n} kritérií"))
        + " sítě. Hodnocení podle kritérií sítě se řídí metodikou, kterou přijímá kraj. "
        "Nákladovost, personální zajištění a obložnost jsou vlastnostmi služby samé; "
        "potřebnost a dostupnost popisují území a druh služby (mají je stejné všechny "
        "služby téhož druhu v území) a signál z nich je podnětem k prověření celé skupiny: "
        + "; ".join(CRITERION_ORIGINS[n] for n in sc.criteria)
        + ". Skóre 0–100 je vážený průměr bodů hodnocených kritérií (podíl největšího "
        "možného počtu bodů); kritérium bez hodnoty se vynechá a váhy ostatních se přepočtou. "
        "Skóre dostane služba s nejméně "
        + plural(
            m.min_criteria.value,
            ("{n} kritériem", "{n} kritérii", "{n} kritéria", "{n} kritérii"),
        )
        + " s hodnotou. Váhy, hranice bodových stupnic i hranici signálu volí kraj; zdroj "
        "každého kritéria uvádí tabulka. "
        f"Skóre je signál k prověření, ne rozhodnutí o službě: {bands_text}. "
        "Počet služeb podle signálu: "
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
        + f" Signál „{review}“ je podnětem k jednání kraje se službou: u služby k prověření "
        "je uvedeno kritérium, které je třeba se službou probrat (s největší váženou ztrátou "
        "bodů), u ostatních kritérium, které ke skóre přispívá nejvíc. Ze sítě služba "
        "odchází jen rozhodnutím kraje podle podmínek, které kraj stanoví, nikdy jen podle "
        "skóre." + _partial_criteria_text(table, sc.criteria, n_services)
    )
    oat = ns.one_at_a_time(sc, cuts, m.weight_change.value, m.min_criteria.value)
    oat["criterion"] = oat["criterion"].map(ns.CRITERION_LABELS)
    ch.sensitivity = oat
    nor = ns.normative_one_at_a_time(
        sc, criteria, cuts, m.normative_change.value, m.min_criteria.value
    )
    nor.insert(
        2,
        "breakpoints",
        [
            " / ".join(f.auto(b * (1 + d)) for b in criteria[c].breakpoints)
            for c, d in zip(nor["criterion"], nor["normative_change"], strict=True)
        ],
    )
    nor["criterion"] = nor["criterion"].map(ns.CRITERION_LABELS)
    ch.normative_sensitivity = nor
    level = methodology.demand.interval_level.value
    summary = ns.draw_summary(per_draw, level)
    summary["measure"] = summary["measure"].map(
        {
            "rank_correlation": "Spearmanova korelace pořadí",
            "band_changed_share": "podíl služeb, které mění signál (%)",
        }
    )
    # The share in percent, as in the one-at-a-time table (the CSV says so in its label).
    summary.loc[1, ["mean", "low", "high"]] *= 100
    ch.random_summary = summary
    certainty = m.band_certainty.value
    uncertain = table[table["band_probability"] < certainty].sort_values("band_probability")
    worst = oat["band_changed_share"].max()
    # fillna: no scored service leaves every share NaN (idxmax would fail).
    worst_normative = nor.loc[nor["band_changed_share"].fillna(0).idxmax()]
    at_zero = [ns.CRITERION_LABELS[n] for n in sc.criteria if 0 in criteria[n].breakpoints]
    ch.sensitivity_text = (
        f"Změna jediné váhy o ±{f.percent(100 * m.weight_change.value, 0)} změní signál "
        f"nejvýše u {f.percent(100 * worst, 1)} služeb. Posun všech hranic bodové stupnice "
        "(normativů) jediného kritéria o "
        f"±{f.percent(100 * m.normative_change.value, 0)}, při ostatních kritériích "
        "a vahách beze změny, změní signál nejvýše u "
        f"{f.percent(100 * worst_normative['band_changed_share'], 1)} služeb (kritérium "
        f"„{worst_normative['criterion']}“)"
        + (
            "."
            if not at_zero
            else "; hranice rovná nule se relativním posunem nemění ("
            + ", ".join(f"„{lab}“" for lab in at_zero)
            + ")."
        )
        + f" Při {f.number(m.weight_draws.value)} "
        "náhodných vektorech vah (Dirichletovo rozdělení se středem ve výchozích vahách, "
        f"koncentrace {f.auto(m.weight_concentration.value)}, pevné semínko) je průměrná "
        f"Spearmanova korelace pořadí {f.number(summary.at[0, 'mean'], 3)} a signál mění "
        f"v průměru {f.percent(summary.at[1, 'mean'], 1)} služeb. "
        + (
            "U všech služeb se vlastní signál při náhodných vahách udrží s pravděpodobností "
            f"alespoň {f.percent(100 * certainty, 0)}."
            if uncertain.empty
            else plural(
                len(uncertain),
                (
                    "Signál {n} služby je nejistý",
                    "Signály {n} služeb jsou nejisté",
                    "Signál {n} služby je nejistý",
                    "Signály {n} služeb jsou nejisté",
                ),
            )
            + f" (vlastní signál s pravděpodobností pod {f.percent(100 * certainty, 0)}); "
            + plural(
                min(len(uncertain), methodology.report.gap_table_rows.value),
                (
                    "nejméně jistý ukazuje obrázek.",
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
            "Služby s nejméně jistým signálem ("
            + plural(len(shown), ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"))
            + f" z {len(uncertain)}): pravděpodobnost signálů při náhodných vahách"
        )
        ch.uncertain_figure = stacked_shares(
            fig_data[labels], "pravděpodobnost signálu při náhodných vahách (%)", BAND_COLOURS
        )


def _partial_criteria_text(table: pd.DataFrame, names: list[str], n_services: int) -> str:
    """Sentences on the criteria that only some types of service can have (empty when
    none of them is scored)."""
    text = ""
    if "need" in names:
        need = int(table["points_need"].notna().sum())
        text += (
            " Potřebnost lze hodnotit jen u druhů služeb, pro které metodika stanoví kapacitu "
            "na osobu v potřebě ("
            + plural(need, ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"))
            + f" z {f.number(n_services)}); u ostatních o signálu rozhodují zbývající "
            "kritéria, a skóre služeb s hodnocenou potřebností a bez ní proto nejsou přímo "
            "srovnatelná."
        )
    if "occupancy" in names:
        beds = int(table["points_occupancy"].notna().sum())
        text += (
            " Obložnost se hodnotí jen u služeb, které síť počítá v lůžkách a mají "
            "srovnatelný výkaz ("
            + plural(beds, ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"))
            + f" z {f.number(n_services)})."
        )
    return text
