"""Chapter 04_finance, section on the scoring of services against the network criteria,
with the bands, the decisions to review and the sensitivity to the weights."""

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


def scoring(ch, ds, methodology, year, latest_ind, ref, latest) -> None:
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
