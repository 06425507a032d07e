"""Section "Finanční rámec plánu" of chapter 04_finance: the network's cost and sources in
every year of the plan, the scenarios, and the ex-ante compensation calculator on two
model services (:mod:`analysis.methods.plan_finance`)."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.figure
import pandas as pd

from analysis.chapters._finance_municipal import (
    municipal_split_table,
    municipal_table,
    municipal_text,
    pledges_by_year,
)
from analysis.data.dataset import Dataset
from analysis.methods import finance_benchmark as fb
from analysis.methods import plan_finance as pf
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.czech import count, plural
from analysis.present.figures import framework_chart

LABELS = {
    "framework_item": "položka",
    "scenario": "scénář",
    "case": "modelová služba",
    "cost": "náklady za rok",
    "users": "úhrady uživatelů",
    "care_allowance": "příspěvek na péči",
    "health_insurance": "zdravotní pojišťovny",
    "revenue": "výnosy celkem",
    "compensation": "nejvyšší vyrovnávací platba za rok",
    "compensation_period": "za období pověření",
    "orp_name": "ORP",
    "intentions": "záměrů",
    "expected": "očekává akční plán",
    "expected_share": "očekáváno z nákladů (%)",
    "pledged": "přislíbily obce",
    "required": "žádá pravidlo",
    "expected_minus_required": "očekáváno − žádáno",
    "pledged_minus_required": "přislíbeno − žádáno",
    "municipality_name": "obec",
    "population": "obyvatel",
    "required_share": "podíl na požadavku ORP",
    "pledged_per_inhabitant": "přislíbeno na obyvatele (Kč)",
}


@dataclass
class FrameworkSection:
    text: str
    framework: pd.DataFrame
    framework_caption: str
    figure: matplotlib.figure.Figure
    figure_caption: str
    scenarios: pd.DataFrame
    scenarios_caption: str
    calculator: pd.DataFrame
    calculator_caption: str
    calculator_text: str
    services: pd.DataFrame
    municipal: pd.DataFrame
    municipal_caption: str
    municipal_text: str
    split: pd.DataFrame
    pledging: pd.DataFrame
    split_caption: str
    split_attachment: str
    split_formats: dict[str, f.Formatter]
    labels: dict[str, str]
    formats: dict[str, f.Formatter]
    calculator_formats: dict[str, f.Formatter]
    sources: tuple[str, ...]
    municipal_sources: tuple[str, ...]


_mil = f.fmt_millions(1)
_thousands = f.fmt_thousands(0)
NAMES = ("municipality_code", "municipality_name", "orp_name")


def base_year(ds: Dataset, methodology: Methodology, year: int) -> tuple[pf.BaseYear, int]:
    """Today's network in money: the services' accounts of the latest year up to the
    report year, summed over the region's services."""
    fin = ds.finance[ds.finance["year"] <= year]
    latest = int(fin["year"].max())
    fin = fin[fin["year"] == latest].fillna(0)
    public = list(methodology.finance.public_revenues.value)
    named = ["revenue_state_subsidy", "revenue_region", "revenue_municipalities", "revenue_eu"]
    other_public = [c for c in public if c not in named and c in fin]

    def total(column: str) -> float:
        return float(fin[column].sum()) if column in fin else 0.0

    return (
        pf.BaseYear(
            personnel=total("cost_personnel"),
            other_costs=total("cost_operating"),
            users=total("revenue_users"),
            health_insurance=total("revenue_health_insurance"),
            other_own=total("revenue_other"),
            state=total("revenue_state_subsidy"),
            region=total("revenue_region"),
            municipalities=total("revenue_municipalities"),
            eu=total("revenue_eu"),
            other_public=float(fin[other_public].sum().sum()),
        ),
        latest,
    )


UNFULFILLED = "nesplneno"


def planned(ds: Dataset, year: int) -> pd.DataFrame:
    """The action plan's intentions with a cost from the report year on."""
    return ds.action_plan[(ds.action_plan["year"] >= year) & ds.action_plan["cost_czk"].notna()]


def intentions(ds: Dataset, year: int, personnel_share: float) -> pd.DataFrame:
    """Intentions of the action plan from the report year on with their yearly cost (in
    prices of their start year); an intention costs from its year on, every year, with
    the network's personnel share. Intentions evaluated as not fulfilled cost nothing."""
    ap = planned(ds, year)
    ap = ap[ap["status"] != UNFULFILLED]
    return pd.DataFrame(
        {
            "start_year": ap["year"].astype(int),
            "cost": ap["cost_czk"].astype(float),
            "personnel_share": personnel_share,
        }
    )


def unit_cost(benchmark: pd.DataFrame, service_type: int, unit: str) -> float | None:
    """The median yearly cost per network unit (``luzka``: bed, ``fte_direct``: FTE in
    direct care) of a service type, from the finance chapter's benchmark (its group with
    the most services where the type comes in several forms)."""
    rows = benchmark[
        (benchmark["service_type_code"] == service_type) & (benchmark["network_unit"] == unit)
    ]
    rows = rows[rows["cost_median"].notna()]
    if rows.empty:
        return None
    return float(rows.sort_values("services", ascending=False)["cost_median"].iloc[0])


def calculator(methodology: Methodology, benchmark: pd.DataFrame) -> pd.DataFrame:
    """The calculator on the methodology's model care home (beds) and home-care service
    (FTE in direct care) at the region's median costs per network unit (``benchmark``:
    :func:`analysis.methods.finance_benchmark.type_benchmark`); empty without them."""
    p = methodology.plan_finance
    rows = []
    per_bed = unit_cost(benchmark, p.model_care_home.value.service_type, "luzka")
    if per_bed is not None:
        r = pf.residential_compensation(
            pf.ResidentialCase(
                beds=p.model_care_home.value.units,
                cost_per_bed=per_bed,
                occupancy=p.occupancy.value,
                accommodation_per_day=p.accommodation_max_per_day.value,
                food_per_day=p.food_max_per_day.value,
                care_allowance_monthly=p.care_allowance_monthly.value,
                degree_mix=p.residential_degree_mix.value,
                health_per_bed_day=p.health_insurance_per_bed_day.value,
            )
        )
        beds = count(p.model_care_home.value.units, "lůžko")
        rows.append({"case": f"domov pro seniory, {beds}"} | r)
    per_fte = unit_cost(benchmark, p.model_home_care.value.service_type, "fte_direct")
    if per_fte is not None:
        r = pf.field_compensation(
            pf.FieldCase(
                fte=p.model_home_care.value.units,
                cost_per_fte=per_fte,
                chargeable_hours_per_fte=p.chargeable_hours_per_fte.value,
                care_hour_max=p.care_hour_max.value,
            )
        )
        fte = f.number(p.model_home_care.value.units)
        rows.append({"case": f"pečovatelská služba, úvazky v přímé péči: {fte}"} | r)
    for row in rows:
        period = pf.over_entrustment(
            row,
            p.entrustment_years.value,
            p.wage_growth.value,  # costs of care services are mostly wages
            p.own_revenue_growth.value,
        )
        row["compensation_period"] = float(period["compensation"].sum())
    cols = [
        "case",
        "cost",
        "users",
        "care_allowance",
        "health_insurance",
        "revenue",
        "compensation",
        "compensation_period",
    ]
    return pd.DataFrame(rows, columns=cols)


SERVICE_COLUMNS = [
    "service_id",
    "service_name",
    "service_type_code",
    "form",
    "network_unit",
    "units",
    "price_level",
    "cost",
    "expected_users",
    "expected_health_insurance",
    "compensation",
    "period_from",
    "period_to",
    "basis",
    "compensation_period",
]


def service_calculator(
    methodology: Methodology, year: int, subsidy_services: pd.DataFrame
) -> pd.DataFrame:
    """The calculator for every service of the network the subsidy could price: the
    year's maximum compensation is the subsidy section's base (price level × network
    units − expected users' payments − health insurance: one number, one definition),
    carried over the rest of the service's entrustment, or over a new entrustment of
    ``plan_finance.entrustment_years`` where none runs in ``year``; costs grow with wages,
    revenue with the own-revenue growth."""
    if subsidy_services is None or subsidy_services.empty:
        return pd.DataFrame(columns=SERVICE_COLUMNS)
    p = methodology.plan_finance
    s = subsidy_services.copy()
    s["cost"] = s["price_level"] * s["units"]
    s["compensation"] = s["base"]
    periods = pf.entrustment_periods(
        s["entrusted_from"], s["entrusted_to"], year, p.entrustment_years.value
    )
    s = pd.concat([s, periods.set_index(s.index)], axis=1)
    s["compensation_period"] = pf.compensation_over_period(
        s["cost"],
        s["expected_users"] + s["expected_health_insurance"],
        s["period_from"],
        s["period_to"],
        year,
        p.wage_growth.value,  # costs of care services are mostly wages
        p.own_revenue_growth.value,
    )
    return s[[c for c in SERVICE_COLUMNS if c in s]].reset_index(drop=True)


def _services_text(services: pd.DataFrame, year: int, new_years: int) -> str:
    if services.empty:
        return ""
    new = int((services["basis"] == "new").sum())
    return (
        f" Pro každou službu sítě, kterou výpočet dotace ocenil ({len(services)}), počítá "
        "kalkulačka s cenovou hladinou dotace, ne s mediánem: nejvyšší vyrovnávací "
        f"platba na rok {year} je základ optimální dotace (cenová hladina × jednotky sítě − "
        "očekávané úhrady uživatelů a platby pojišťoven podle výkazu), celkem "
        f"{f.millions(services['compensation'].sum())}; za zbytek pověření každé služby "
        f"(proto různě dlouhá období) nebo za nové pověření na {count(new_years, 'rok')} "
        f"tam, kde žádné pověření v roce "
        f"{year} neběží ("
        + plural(new, ("u {n} služby", "u {n} služeb", "u {n} služby", "u {n} služeb"))
        + "), celkem "
        f"{f.millions(services['compensation_period'].sum())}."
    )


RENAMED = {
    "users": "users_revenue",
    "health_insurance": "health_revenue",
    "other_own": "other_own_revenue",
    "state": "state_allocation",
    "region": "region_money",
    "municipalities": "municipal_money",
    "eu": "eu_money",
    "other_public": "other_public_money",
    "pledges": "municipal_pledges",
}


def by_item(wide: pd.DataFrame) -> pd.DataFrame:
    """The framework with one row per item and one column per year (the layout of a
    plan's financial table, and one that fits a page however many sources there are)."""
    out = wide.set_index("year").T
    out.columns = [str(c) for c in out.columns]
    out.index.name = "framework_item"
    return out.reset_index()


def _scenario_text(scenarios: list, year: int) -> str:
    """What each scenario changes against the default assumptions, in one sentence."""
    parts = []
    for sc in scenarios:
        changes = []
        if sc.allocation_growth:
            changes.append(
                f"alokace roste o {f.percent(100 * sc.allocation_growth)} ročně od roku {year + 1}"
            )
        else:
            changes.append("alokace zůstává ve výši roku " + str(year))
        if sc.wage_growth is not None:
            changes.append(
                f"osobní náklady rostou o {f.percent(100 * sc.wage_growth)} ročně místo "
                "výchozího růstu"
            )
        if sc.eu_years is not None:
            changes.append(
                "prostředky EU jsou jen v "
                + plural(
                    sc.eu_years,
                    (
                        "prvním roce",
                        "prvních {n} letech",
                        "prvních {n} letech",
                        "prvních {n} letech",
                    ),
                )
                + " plánu"
            )
        parts.append(f"„{sc.name}“: {', '.join(changes)}")
    return "Scénáře v tabulce: " + "; ".join(parts) + "."


def _framework_text(
    base: pf.BaseYear,
    accounts_year: int,
    shortfall: float,
    year: int,
    table: pd.DataFrame,
    p,
    state: float,
    from_allocation: bool,
    scenario: str,
    unfulfilled: int,
) -> str:
    total = base.cost
    years = list(table["year"])
    first = table.iloc[0]
    text = (
        f"Finanční rámec vychází z výkazů služeb za rok {accounts_year} (náklady "
        f"{f.millions(total)}, z toho osobní {f.percent(100 * base.personnel / total)}; "
        "sloupec výkazů v tabulce) a z rozvojových záměrů akčního plánu. Roční náklad záměru "
        "se započítává každý rok od roku jeho zahájení, v cenách tohoto roku"
        + (
            "; záměry hodnocené jako nesplněné ("
            + plural(unfulfilled, ("{n} záměr", "{n} záměry", "{n} záměru", "{n} záměrů"))
            + ") se nezapočítávají"
            if unfulfilled
            else ""
        )
        + f". Osobní náklady rostou o {f.percent(100 * p.wage_growth.value)} ročně, ostatní "
        f"o {f.percent(100 * p.price_growth.value)}; vlastní výnosy (úhrady uživatelů, "
        "zdravotní pojišťovny a ostatní) rostou s kapacitou při zachování dnešního poměru "
        f"k nákladům a dále o {f.percent(100 * p.own_revenue_growth.value)} ročně (parametry "
        "metodiky, zdroje uvádí příloha). Státní dotace je "
        + (
            f"alokace kraje na rok {year}"
            if from_allocation
            else "ve výši roku výkazů (alokace kraje nezadána)"
        )
        + f", {f.millions(state)}; kraj, obce, fondy EU a jiné veřejné zdroje zůstávají ve "
        f"výši roku {accounts_year}."
    )
    if "pledges" in table:
        text += (
            " Navíc k nim přidávají obce částky, které přislíbily na rozvojové záměry "
            f"(v roce {years[-1]} {f.millions(table['pledges'].iloc[-1])})."
        )
    text += (
        f" Chybějící částka roku {years[0]} ({f.millions(first['gap'])}) má tři části: "
        f"už v roce {accounts_year} veřejné zdroje nepokryly {f.millions(shortfall)} "
        "potřeby; státní dotace "
        + (
            f"je o {f.millions(base.state - state)} nižší než v roce {accounts_year}"
            if base.state > state
            else f"je o {f.millions(state - base.state)} vyšší než v roce {accounts_year}"
        )
        + f"; zbytek je růst nákladů a záměry mezi roky {accounts_year} a {years[0]}"
        + (" po odečtení příslibů obcí" if "pledges" in table else "")
        + f". Ve scénáři „{scenario}“ chybí v roce {years[-1]} oproti zdrojům ve výši roku "
        f"{accounts_year} {f.millions(table['gap'].iloc[-1])}."
    )
    return text


def prepare_framework(
    ds: Dataset,
    methodology: Methodology,
    year: int,
    indicators: pd.DataFrame,
    subsidy_services: pd.DataFrame | None = None,
) -> FrameworkSection | None:
    """The section, or None without the services' complete accounts (the section is then
    a line of the readiness overview); ``indicators`` are the finance chapter's service
    indicators, whose medians are the calculator's normative costs."""
    if not ds.is_complete("finance") or ds.finance.empty:
        return None
    p = methodology.plan_finance
    base, accounts_year = base_year(ds, methodology, year)
    if base.cost <= 0:
        return None
    allocation = methodology.finance.allocation(ds.region_code, year)
    state = allocation.czk if allocation is not None else base.state
    years = list(range(year, year + methodology.demand.plan_horizon.value))
    new = intentions(ds, year, base.personnel / base.cost)
    unfulfilled = int((planned(ds, year)["status"] == UNFULFILLED).sum())
    pledges = pledges_by_year(ds)
    default = pf.Growth(
        wages=p.wage_growth.value,
        prices=p.price_growth.value,
        own_revenue=p.own_revenue_growth.value,
        allocation=0.0,
    )
    first = p.scenarios.value[0]
    growth = pf.scenario_growth(first, default)
    # The network's costs are indexed from the year of the accounts, the allocation from
    # the report year.
    raw = pf.framework(base, accounts_year, years, new, growth, state, year, pledges)
    wide = raw.rename(columns=RENAMED)
    reported = pf.accounts_row(base, accounts_year)
    accounts = pd.DataFrame([reported]).rename(columns=RENAMED)
    table = by_item(pd.concat([accounts, wide], ignore_index=True)[list(wide.columns)])
    scen = pf.scenario_gaps(
        base, accounts_year, years, new, p.scenarios.value, default, state, year, pledges
    )
    scen.columns = [str(c) for c in scen.columns]
    scen = scen.reset_index()
    rule = methodology.finance.outlier_rule.value
    calc = calculator(methodology, fb.type_benchmark(indicators, accounts_year, rule))
    per_service = service_calculator(methodology, year, subsidy_services)
    municipal = municipal_table(ds, methodology, year)
    split = municipal_split_table(ds, methodology, year, municipal)
    money = [c for c in table.columns if c != "framework_item"]
    pledged = "pledged" in municipal
    return FrameworkSection(
        text=_framework_text(
            base,
            accounts_year,
            reported["gap"],
            year,
            raw,
            p,
            state,
            allocation is not None,
            first.name,
            unfulfilled,
        )
        + " "
        + _scenario_text(p.scenarios.value, year),
        framework=table,
        framework_caption=(
            f"Finanční rámec plánu {years[0]}–{years[-1]}, scénář „{first.name}“ (mil. Kč)"
        ),
        figure=framework_chart(wide),
        figure_caption=f"Náklady sítě a záměrů a očekávané zdroje {years[0]}–{years[-1]}",
        scenarios=scen,
        scenarios_caption=(
            "Chybějící veřejné zdroje oproti zdrojům ve výši roku výkazů podle scénářů a let "
            "(mil. Kč)"
        ),
        calculator=calc,
        calculator_caption=(
            f"Kalkulačka vyrovnávací platby ex ante: modelové služby při mediánových nákladech "
            f"kraje za rok {accounts_year} (Kč)"
        ),
        calculator_text=(
            "Kalkulačka stanoví nejvyšší vyrovnávací platbu pro akt pověření modelové služby: "
            f"normativní náklad jednotek sítě (medián nákladů kraje za rok {accounts_year} na "
            "lůžko nebo na úvazek v přímé péči) po odečtení očekávaných úhrad uživatelů do "
            "nejvyšších částek vyhlášky č. 505/2006 Sb. při obložnosti "
            f"{f.percent(100 * p.occupancy.value)}, příspěvku na péči obyvatel podle skladby "
            "stupňů závislosti a plateb zdravotních pojišťoven. Za období pověření "
            f"({count(p.entrustment_years.value, 'rok')}) náklady rostou se mzdami a výnosy "
            "s úhradami. Částky vyhlášky a příspěvku jsou parametry k ověření v aktuálním znění "
            "předpisů (značka [I] u zdroje parametru v příloze)."
            + _services_text(per_service, year, p.entrustment_years.value)
        ),
        services=per_service,
        municipal=municipal,
        municipal_caption=(
            f"Spolufinancování záměrů akčního plánu na rok {year} obcemi podle ORP (tis. Kč)"
        ),
        municipal_text=municipal_text(municipal, pledged) if len(municipal) else "",
        split=split,
        pledging=split[split["pledged"] > 0] if len(split) else split,
        split_caption=(
            f"Obce, které na rok {year} přislíbily spolufinancování záměrů, a jejich podíl na "
            "spolufinancování, které pravidlo žádá od obcí ORP, rozdělený podle počtu "
            "obyvatel (Kč)"
        ),
        split_attachment=(
            f"Všechny obce ORP se záměry na rok {year}: příslib a podíl na požadavku pravidla "
            "podle počtu obyvatel"
        ),
        labels=LABELS | {str(accounts_year): f"{accounts_year} (výkazy)"},
        formats={c: _mil for c in money}
        | {
            c: _thousands
            for c in (
                "cost",
                "expected",
                "pledged",
                "required",
                "expected_minus_required",
                "pledged_minus_required",
            )
        }
        | {"expected_share": f.fmt_percent_share(1)}
        | {c: _mil for c in scen.columns if c != "scenario"},
        split_formats={c: f.fmt(0) for c in split.columns if c not in NAMES},
        calculator_formats={c: f.fmt(0) for c in calc.columns if c != "case"},
        sources=("finance", "action_plan", "services"),
        municipal_sources=("action_plan", "municipal_pledges") if pledged else ("action_plan",),
    )
