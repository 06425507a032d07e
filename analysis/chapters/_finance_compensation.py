"""Chapter 04_finance, section on the compensation payment: the check of over- and
undercompensation per service and year (Commission Decision 2012/21/EU)."""

from __future__ import annotations

from analysis.chapters._finance_common import REVENUE_NAMES
from analysis.codelists import SERVICE_TYPES
from analysis.methods import compensation as comp
from analysis.methods import finance_benchmark as fb
from analysis.methods import network_units as nu
from analysis.present import formatting as f
from analysis.present.czech import plural


def _services(n: int) -> str:
    return plural(n, ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"))


def compensation(ch, comp_all, ind, methodology, latest, ds) -> None:
    m = methodology.finance
    cur = comp_all[comp_all["year"] == latest].copy()
    cur.insert(
        1,
        "service_name",
        cur["service_id"].map(
            ind.drop_duplicates("service_id").set_index("service_id")["service_name"]
        ),
    )
    ch.compensation_services = comp_all
    types = comp.totals(comp_all, latest, ["service_type_code", "network_unit"])
    types.insert(
        0, "service_type", types["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short)
    )
    types["network_unit"] = types["network_unit"].map(nu.UNIT_NAMES)
    ch.compensation_types = fb.with_total(
        types.drop(columns=["service_type_code"]),
        "service_type",
        ["services", *comp.MONEY, "services_returning"],
    )
    ch.compensation_caption = (
        f"Kontrola vyrovnávací platby služeb krajské sítě podle druhu služby, {latest}"
    )
    checked = cur[cur["justified"].notna()]
    returns = checked[checked["overcompensation"] > 0].sort_values("to_return", ascending=False)
    ch.compensation_returns = returns.assign(
        network_unit=returns["network_unit"].map(nu.UNIT_NAMES)
    )[
        [
            "service_id",
            "service_name",
            "network_unit",
            "justified",
            "public_revenue",
            "overcompensation",
            "average_payment",
            "carried_in",
            "carry_over",
            "to_return",
            "return_reason",
            "status",
        ]
    ]
    total = checked[[*comp.MONEY, "carried_in"]].sum()
    n_over = int((checked["overcompensation"] > 0).sum())
    n_return = int((checked["to_return"] > 0).sum())
    n_carry = int((checked["carry_over"] > 0).sum())
    outside = int(cur["status"].isin([comp.STATUS["outside"], comp.STATUS["period"]]).sum())
    unknown = int((cur["status"] == comp.STATUS["unknown"]).sum())
    profit = m.reasonable_profit.value
    threshold = f.percent(100 * m.carry_over_threshold.value, 0)
    sources = " a ".join(REVENUE_NAMES[c] for c in m.carry_over_sources.value)
    public = ", ".join(REVENUE_NAMES[c] for c in m.public_revenues.value)
    pairs = "; ".join(
        f"{COST_PART_NAMES[e.cost]} spolu s výnosy ve sloupci „{REVENUE_NAMES[e.revenue]}“"
        for e in m.compensation_excluded_costs.value
    )
    unpaired = [e for e in m.compensation_excluded_costs.value if not ind[e.revenue].notna().any()]
    uncovered = checked[checked["uncovered"] > 0]
    ceiling = checked.dropna(subset=["reference_maximum"])
    above = int((ceiling["public_revenue"] > ceiling["reference_maximum"]).sum())
    state = comp.state_subsidy_check(ind[ind["year"] == latest], m.subsidy_ineligible_costs.value)
    state_over = state[state["state_subsidy_excess"] > 0]
    ch.compensation_text = (
        f"Kontrola za rok {latest} posuzuje "
        + plural(
            len(checked),
            (
                "{n} službu krajské sítě",
                "{n} služby krajské sítě",
                "{n} služby krajské sítě",
                "{n} služeb krajské sítě",
            ),
        )
        + ", které kraj pověřil poskytováním služby obecného hospodářského zájmu"
        + (
            ""
            if outside + unknown == 0
            else " (u "
            + plural(outside + unknown, ("{n} služby", "{n} služeb", "{n} služby", "{n} služeb"))
            + " mimo síť, mimo období pověření nebo bez údaje o členství v síti se kontrola "
            "neprovádí)"
        )
        + f". Vyrovnávací platbou jsou všechny veřejné prostředky ({public}): "
        f"{f.millions(total['public_revenue'])}. Odůvodněná výše platby je "
        f"{f.millions(total['justified'])}: všechny náklady služby včetně odpisů majetku, "
        f"který k ní slouží, bez nákladů, které kontrola vynechává vždy spolu s výnosem, "
        f"který je hradí ({pairs}), minus vlastní výnosy a minus částka převedená "
        "z minulého roku"
        + (f" ({f.millions(total['carried_in'])})" if total["carried_in"] > 0 else " (žádná)")
        + (
            "; přiměřený zisk akt pověření nepřipouští"
            if profit.metric == "none" or profit.rate == 0
            else f", plus přiměřený zisk {f.percent(100 * profit.rate, 1)} "
            + (
                "použitého kapitálu"
                if profit.metric == "return_on_capital"
                else "výnosů služby (podle aktu pověření)"
            )
        )
        + ". Překompenzace nikdy nepřesáhne přebytek služby (všechny výnosy minus všechny "
        "náklady): služba, jejíž výnosy nepřevýšily náklady, nevrací nic, i kdyby část "
        "jejích nákladů kontrola vynechala; částka převedená z minulého roku však zůstává "
        "dlužná (výklad pravidla zvolený socplan, zdroj neuvádí). "
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
            + f", celkem o {f.millions(total['overcompensation'])}. Převést do dalšího roku "
            f"a odečíst od jeho platby lze jen překompenzaci, která nepřesáhne {threshold} "
            "průměrné roční vyrovnávací platby služby (průměr veřejných prostředků za roky "
            "pověření, které data obsahují, do daného roku), a to jen z prostředků, které "
            f"převod připouštějí ({sources}); státní dotace kryje jen výdaje svého roku a "
            "nepřevádí se, v posledním roce pověření se nepřevádí nic. Vyšší překompenzace "
            "se vrací celá. Důvod každé vratky uvádí tabulka překompenzovaných služeb. "
            + (
                "Převod se netýká žádné služby"
                if n_carry == 0
                else "Převádí se "
                + f"{f.millions(total['carry_over'])} ("
                + _services(n_carry)
                + ")"
            )
            + f", vrátit je třeba {f.millions(total['to_return'])} ("
            + _services(n_return)
            + ")."
        )
        + " Platba se posuzuje za každou službu zvlášť: přebytek jedné služby nekryje schodek "
        "jiné. "
        + (
            ""
            if not unpaired
            else "Výkazy neuvádějí výnos "
            + ", ".join(f"„{REVENUE_NAMES[e.revenue]}“" for e in unpaired)
            + "; příslušné náklady proto zůstávají ve výpočtu spolu s výnosy, ze kterých jsou "
            "hrazeny. "
        )
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
        "referenční vlastní výnosy na jednotku sítě, × počet jednotek sítě) má "
        + _services(len(ceiling))
        + "; veřejné zdroje jej překročily u "
        + plural(above, ("{n} z nich.", "{n} z nich.", "{n} z nich.", "{n} z nich."))
        + " Zvlášť se kontroluje státní dotace podle § 101a zákona o sociálních službách: "
        "nesmí hradit náklady, které vylučuje nařízení vlády 98/2015 Sb. (odpisy, zdravotní "
        "péče, činnosti mimo základní činnosti a další položky v příloze); "
        + (
            "žádná služba nepřijala státní dotaci vyšší než náklady, které z ní lze hradit."
            if state_over.empty
            else "nad náklady, které smí hradit, ji přijalo "
            + plural(len(state_over), ("{n} službu", "{n} služby", "{n} služby", "{n} služeb"))
            + f" (celkem {f.millions(state_over['state_subsidy_excess'].sum())})."
        )
    )


def price_text(factor: float) -> str:
    """How the price level follows from the reference cost."""
    if factor == 1:
        return "vychází z referenčních nákladů na jednotku sítě"
    return f"je {f.auto(factor)}násobkem referenčních nákladů na jednotku sítě"


COST_PART_NAMES = {
    "cost_depreciation": "odpisy",
    "cost_health_care": "zdravotní péče podle § 36 zákona o sociálních službách",
    "cost_outside_basic": "náklady mimo základní činnosti druhu služby",
}
