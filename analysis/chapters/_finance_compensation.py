"""Chapter 04_finance, section on the compensation payment: the check of over- and
undercompensation per service and year (Commission Decision 2012/21/EU)."""

from __future__ import annotations

from analysis.codelists import SERVICE_TYPES
from analysis.methods import compensation as comp
from analysis.methods import finance_benchmark as fb
from analysis.present import formatting as f
from analysis.present.czech import plural


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
    types = comp.totals(comp_all, latest, ["service_type_code"])
    types.insert(
        0, "service_type", types["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short)
    )
    money = ["justified", "public_revenue", "overcompensation", "carry_over", "to_return"]
    ch.compensation_types = fb.with_total(
        types.drop(columns=["service_type_code"]),
        "service_type",
        ["services", *money, "services_returning"],
    )
    ch.compensation_caption = f"Kontrola vyrovnávací platby podle druhu služby, {latest}"
    returns = cur[cur["overcompensation"] > 0].sort_values("to_return", ascending=False)
    ch.compensation_returns = returns[
        [
            "service_id",
            "service_name",
            "in_regional_network",
            "justified",
            "public_revenue",
            "overcompensation",
            "carry_over",
            "to_return",
            "status",
        ]
    ]
    total = cur[
        ["justified", "public_revenue", "overcompensation", "carry_over", "to_return"]
    ].sum()
    n_over = int((cur["overcompensation"] > 0).sum())
    n_return = int((cur["to_return"] > 0).sum())
    ineligible = ", ".join(COST_PART_NAMES[c] for c in m.ineligible_costs.value)
    reported = [c for c in m.ineligible_costs.value if ind[c].notna().any()]
    profit = m.reasonable_profit.value
    carry = f.percent(100 * m.carry_over_share.value, 0)
    uncovered = cur[cur["uncovered"] > 0]
    ceiling = cur.dropna(subset=["reference_maximum"])
    above = int((ceiling["public_revenue"] > ceiling["reference_maximum"]).sum())
    ch.compensation_text = (
        f"Za rok {latest} přijaly služby z veřejných zdrojů {f.millions(total['public_revenue'])}; "
        f"odůvodněná výše vyrovnávací platby (skutečné uznatelné náklady bez vlastních výnosů"
        + (
            f" a s přiměřeným ziskem {f.percent(100 * profit, 1)} uznatelných nákladů"
            if profit
            else "; přiměřený zisk metodika nepřipouští"
        )
        + f") činí {f.millions(total['justified'])}. "
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
            + f" o celkem {f.millions(total['overcompensation'])}; do dalšího roku lze převést "
            f"{f.millions(total['carry_over'])} (nejvýše {carry} průměrné roční platby, tj. "
            "průměru veřejných prostředků služby za roky výkazů do daného roku; jen služby "
            "krajské sítě, jejichž členství v síti zde zastupuje víceleté pověření, které data "
            "neuvádějí) a vrátit je třeba "
            f"{f.millions(total['to_return'])} "
            + plural(n_return, ("({n} služba).", "({n} služby).", "({n} služby).", "({n} služeb)."))
        )
        + f" Neuznatelné náklady: {ineligible}"
        + (
            "."
            if len(reported) == len(m.ineligible_costs.value)
            else "; výkazy některé z těchto položek neuvádějí a počítají se jako uznatelné."
        )
        + " Platba se posuzuje za každou službu zvlášť: přebytek jedné služby nekryje schodek "
        "jiné. "
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
        "referenční vlastní výnosy, × kapacita) má "
        + plural(len(ceiling), ("{n} služba", "{n} služby", "{n} služby", "{n} služeb"))
        + "; veřejné zdroje jej překročily u "
        + plural(above, ("{n} z nich.", "{n} z nich.", "{n} z nich.", "{n} z nich."))
    )


def price_text(factor: float) -> str:
    """How the price level follows from the reference cost."""
    if factor == 1:
        return "se rovná referenčním nákladům na jednotku kapacity"
    return f"je {f.auto(factor)}násobkem referenčních nákladů na jednotku kapacity"


COST_PART_NAMES = {
    "cost_depreciation": "odpisy",
    "cost_health_care": "zdravotní péče podle § 36 zákona o sociálních službách",
    "cost_outside_basic": "náklady mimo základní činnosti druhu služby",
}
