"""Section "Finanční rámec plánu" of chapter 04_finance: the network's cost and sources in
every year of the plan, the scenarios, and the ex-ante compensation calculator on two
model services (:mod:`analysis.methods.plan_finance`)."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.figure
import pandas as pd

from analysis.data.dataset import Dataset
from analysis.methods import finance_benchmark as fb
from analysis.methods import plan_finance as pf
from analysis.methods.demography import orp_names
from analysis.methods.subsidy import cofinancing_share
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.czech import count
from analysis.present.figures import framework_chart

OWN = ["revenue_users", "revenue_health_insurance", "revenue_other"]
LABELS = {
    "year": "rok",
    "network_cost": "náklady dnešní sítě",
    "intentions_cost": "náklady rozvojových záměrů",
    "total_cost": "náklady celkem",
    "own_revenue": "vlastní výnosy služeb",
    "public_need": "potřeba veřejných zdrojů",
    "state_allocation": "státní dotace (alokace)",
    "region_money": "kraj (dnešní výše)",
    "municipal_money": "obce (dnešní výše)",
    "other_public_money": "jiné veřejné (dnešní výše)",
    "gap": "chybí nad dnešní výši",
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
    "pledged": "přislíbily obce",
    "required": "žádá pravidlo",
    "difference": "přislíbeno − žádáno",
    "pledged_share": "přislíbeno z nákladů (%)",
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
    municipal: pd.DataFrame
    municipal_caption: str
    municipal_text: str
    labels: dict[str, str]
    formats: dict[str, f.Formatter]
    calculator_formats: dict[str, f.Formatter]
    sources: tuple[str, ...]


_mil = f.fmt_millions(1)


def base_year(ds: Dataset, methodology: Methodology, year: int) -> tuple[pf.BaseYear, int]:
    """Today's network in money: the services' accounts of the latest year up to the
    report year, summed over the region's services."""
    fin = ds.finance[ds.finance["year"] <= year]
    latest = int(fin["year"].max())
    fin = fin[fin["year"] == latest].fillna(0)
    public = list(methodology.finance.public_revenues.value)
    named = ["revenue_state_subsidy", "revenue_region", "revenue_municipalities"]
    other_public = [c for c in public if c not in named and c in fin]
    return (
        pf.BaseYear(
            personnel=float(fin["cost_personnel"].sum()),
            other_costs=float(fin["cost_operating"].sum()),
            own_revenue=float(fin[[c for c in OWN if c in fin]].sum().sum()),
            state=float(fin["revenue_state_subsidy"].sum()),
            region=float(fin["revenue_region"].sum()),
            municipalities=float(fin["revenue_municipalities"].sum()),
            other_public=float(fin[other_public].sum().sum()),
        ),
        latest,
    )


def intentions(ds: Dataset, year: int, personnel_share: float) -> pd.DataFrame:
    """Intentions of the action plan from the report year on with their yearly cost; an
    intention costs from its year on (its start), with the network's personnel share."""
    ap = ds.action_plan[(ds.action_plan["year"] >= year) & ds.action_plan["cost_czk"].notna()]
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


def municipal_table(ds: Dataset, methodology: Methodology, year: int) -> pd.DataFrame:
    """Municipal co-financing of the report year's intentions per ORP beside what the
    co-financing rule asks (``finance.cofinancing``); empty without the action plan."""
    if not ds.is_complete("action_plan"):
        return pd.DataFrame()
    ap = ds.action_plan[(ds.action_plan["year"] == year) & ds.action_plan["cost_czk"].notna()]
    ap = ap[ap["orp_code"].notna() & ap["form"].notna() & ap["service_type_code"].notna()]
    if ap.empty:
        return pd.DataFrame()
    ap = ap.assign(
        required_share=cofinancing_share(ap, methodology.finance.cofinancing.value).to_numpy()
    )
    out = pf.municipal_cofinancing(ap)
    out.insert(1, "orp_name", out["orp_code"].map(orp_names(ds.municipalities)))
    return out


def prepare_framework(
    ds: Dataset, methodology: Methodology, year: int, indicators: pd.DataFrame
) -> FrameworkSection | None:
    """The section, or None without the services' complete accounts (the section is then
    a line of the readiness overview); ``indicators`` are the finance chapter's service
    indicators, whose medians are the calculator's normative costs."""
    if not ds.is_complete("finance") or ds.finance.empty:
        return None
    p = methodology.plan_finance
    base, accounts_year = base_year(ds, methodology, year)
    total = base.personnel + base.other_costs
    if total <= 0:
        return None
    allocation = methodology.finance.allocation(ds.region_code, year)
    state = allocation.czk if allocation is not None else base.state
    years = list(range(year, year + methodology.demand.plan_horizon.value))
    new = intentions(ds, year, base.personnel / total)
    first = p.scenarios.value[0]
    # Costs are indexed from the year of the accounts, the allocation from the report year.
    table = pf.framework(
        base,
        accounts_year,
        years,
        new,
        first.wage_growth if first.wage_growth is not None else p.wage_growth.value,
        p.price_growth.value,
        p.own_revenue_growth.value,
        state,
        first.allocation_growth,
        year,
    ).rename(
        columns={
            "state": "state_allocation",
            "region": "region_money",
            "municipalities": "municipal_money",
            "other_public": "other_public_money",
        }
    )
    scen = pf.scenario_gaps(
        base,
        accounts_year,
        years,
        new,
        p.scenarios.value,
        p.wage_growth.value,
        p.price_growth.value,
        p.own_revenue_growth.value,
        state,
        year,
    )
    scen.columns = [str(c) for c in scen.columns]
    scen = scen.reset_index()
    rule = methodology.finance.outlier_rule.value
    calc = calculator(methodology, fb.type_benchmark(indicators, accounts_year, rule))
    municipal = municipal_table(ds, methodology, year)
    money = [c for c in table.columns if c != "year"]
    public_today = base.state + base.region + base.municipalities + base.other_public
    gap_last = table["gap"].iloc[-1]
    text = (
        f"Finanční rámec navazuje na výkazy služeb za rok {accounts_year} (náklady "
        f"{_mil(total)} mil. Kč, z toho osobní {f.percent(100 * base.personnel / total)}) a na "
        f"rozvojové záměry akčního plánu, každý od roku svého zahájení a každý další rok. "
        f"Osobní náklady rostou o {f.percent(100 * p.wage_growth.value)} ročně, ostatní "
        f"o {f.percent(100 * p.price_growth.value)}, vlastní výnosy služeb "
        f"o {f.percent(100 * p.own_revenue_growth.value)} (parametry metodiky; zdroje "
        "uvádí soubor tables/data_methodology.csv). Státní dotace je "
        + (
            f"alokace kraje na rok {year}"
            if allocation is not None
            else "v dnešní výši podle výkazů (alokace kraje nezadána)"
        )
        + f" ({_mil(state)} mil. Kč; ve výkazech za rok {accounts_year} dostaly služby státní "
        f"dotaci {_mil(base.state)} mil. Kč a veřejné zdroje celkem pokryly "
        f"{f.percent(100 * public_today / max(total - base.own_revenue, 1))} "
        "nákladů, které nepokryly vlastní výnosy); kraj, obce a jiné veřejné zdroje jsou "
        "v dnešní výši. "
        f"Ve scénáři „{first.name}“ chybí v roce {years[-1]} nad dnešní výši zdrojů "
        f"{_mil(gap_last)} mil. Kč; ostatní scénáře uvádí druhá tabulka."
    )
    return FrameworkSection(
        text=text,
        framework=table,
        framework_caption=(
            f"Finanční rámec plánu {years[0]}–{years[-1]}, scénář „{first.name}“ (mil. Kč)"
        ),
        figure=framework_chart(table),
        figure_caption=f"Náklady sítě a záměrů a očekávané zdroje {years[0]}–{years[-1]}",
        scenarios=scen,
        scenarios_caption=(
            "Chybějící veřejné zdroje nad dnešní výši podle scénářů a let (mil. Kč)"
        ),
        calculator=calc,
        calculator_caption=(
            f"Kalkulačka vyrovnávací platby ex ante: modelové služby při mediánových nákladech "
            f"kraje za rok {accounts_year} (Kč)"
        ),
        calculator_text=(
            "Kalkulačka stanoví nejvyšší vyrovnávací platbu pro akt pověření: normativní "
            "náklad jednotek sítě (medián kraje na lůžko, nebo na úvazek v přímé péči) minus "
            "očekávané úhrady uživatelů do nejvyšších částek vyhlášky 505/2006 Sb. při "
            f"obložnosti {f.percent(100 * p.occupancy.value)}, příspěvek na péči obyvatel "
            "podle skladby stupňů závislosti a platby zdravotních pojišťoven. Za období "
            f"pověření ({count(p.entrustment_years.value, 'rok')}) rostou náklady s mzdami "
            "a výnosy s úhradami. Částky vyhlášky a příspěvku jsou parametry k ověření v aktuálním "
            "znění předpisů (značka [I] u zdroje parametru, seznam tables/data_methodology.csv)."
        ),
        municipal=municipal,
        municipal_caption=(
            f"Spolufinancování záměrů akčního plánu na rok {year} obcemi podle ORP (mil. Kč)"
        ),
        municipal_text=(
            "Obce spolufinancují náklady nových služeb (rozvojových záměrů), ne dotaci "
            "stávajících služeb. Tabulka staví vedle sebe, co obce u záměrů ve svém ORP "
            "přislíbily (podíl uvedený u záměru), a co žádá pravidlo spolufinancování podle "
            "formy služby (parametr finance.cofinancing v příloze); pomlčka znamená, že záměry "
            "ORP podíl obcí neuvádějí."
            if len(municipal)
            else ""
        ),
        labels=LABELS,
        formats={c: _mil for c in money}
        | {c: _mil for c in ("cost", "pledged", "required", "difference")}
        | {"pledged_share": f.fmt_percent_share(1)}
        | {c: _mil for c in scen.columns if c != "scenario"},
        calculator_formats={c: f.fmt(0) for c in calc.columns if c != "case"},
        sources=("finance", "action_plan", "services"),
    )
