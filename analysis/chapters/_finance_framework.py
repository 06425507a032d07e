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
from analysis.methods.demography import orp_names, population_years, totals_by_area
from analysis.methods.subsidy import cofinancing_share
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


def pledges_by_year(ds: Dataset) -> dict[int, float] | None:
    """The municipalities' pledges to the intentions per year, or None without them."""
    if not ds.is_complete("municipal_pledges"):
        return None
    return {
        int(y): float(v)
        for y, v in ds.municipal_pledges.groupby("year")["pledged_czk"].sum().items()
    }


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
        f" Pro každou službu sítě, kterou výpočet dotace ocenil ({len(services)}), uvádí "
        "kalkulačku soubor tables/finance_calculator_services.csv: nejvyšší vyrovnávací "
        f"platba na rok {year} je základ optimální dotace (cenová hladina × jednotky sítě − "
        "očekávané úhrady uživatelů a platby pojišťoven podle výkazu), celkem "
        f"{_mil(services['compensation'].sum())} mil. Kč; za zbytek pověření každé služby, "
        f"nebo za nové pověření na {count(new_years, 'rok')} tam, kde žádné pověření v roce "
        f"{year} neběží ("
        + plural(new, ("u {n} služby", "u {n} služeb", "u {n} služby", "u {n} služeb"))
        + "), celkem "
        f"{_mil(services['compensation_period'].sum())} mil. Kč."
    )


def _pledged(ds: Dataset, year: int) -> pd.Series | None:
    """The municipalities' pledges of ``year`` per municipality code (None without the
    table)."""
    if not ds.is_complete("municipal_pledges"):
        return None
    p = ds.municipal_pledges[ds.municipal_pledges["year"] == year]
    return p.groupby("municipality_code")["pledged_czk"].sum()


def municipal_table(ds: Dataset, methodology: Methodology, year: int) -> pd.DataFrame:
    """Municipal co-financing of the report year's intentions per ORP: what the action
    plan expects, what the municipalities pledged (with their pledges) and what the
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
    by_muni = _pledged(ds, year)
    by_orp = None
    if by_muni is not None:
        orp_of = ds.municipalities.set_index("municipality_code")["orp_code"]
        by_orp = by_muni.groupby(orp_of.reindex(by_muni.index)).sum()
    out = pf.municipal_cofinancing(ap, by_orp)
    out.insert(1, "orp_name", out["orp_code"].map(orp_names(ds.municipalities)))
    return out


def municipal_split_table(
    ds: Dataset, methodology: Methodology, year: int, by_orp: pd.DataFrame
) -> pd.DataFrame:
    """Per municipality: its pledge of ``year`` beside its share of its ORP's requirement
    (``by_orp``: :func:`municipal_table`) split by population; empty without the
    municipalities' pledges or where the methodology splits nothing."""
    pledged = _pledged(ds, year)
    if pledged is None or by_orp.empty or methodology.plan_finance.municipal_split.value == "none":
        return pd.DataFrame()
    years = population_years(ds.population)
    pop_year = max([y for y in years if y <= year] or years)
    pop = totals_by_area(ds.population, ds.municipalities, "obec", pop_year)
    munis = ds.municipalities[["municipality_code", "orp_code", "municipality_name"]].assign(
        population=lambda d: d["municipality_code"].map(pop)
    )
    required = by_orp.set_index("orp_code")["required"]
    out = pf.municipal_split(required, munis.drop(columns="municipality_name"), pledged)
    names = munis.set_index("municipality_code")["municipality_name"]
    out.insert(1, "municipality_name", out["municipality_code"].map(names))
    out.insert(3, "orp_name", out["orp_code"].map(orp_names(ds.municipalities)))
    return out.sort_values(["orp_name", "population"], ascending=[True, False]).drop(
        columns=["orp_code"]
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


def _framework_text(
    base: pf.BaseYear,
    accounts_year: int,
    year: int,
    table: pd.DataFrame,
    p,
    state: float,
    from_allocation: bool,
    scenario: str,
) -> str:
    total = base.cost
    public_today = base.state + base.region + base.municipalities + base.eu + base.other_public
    years = list(table["year"])
    text = (
        f"Finanční rámec navazuje na výkazy služeb za rok {accounts_year} (náklady "
        f"{_mil(total)} mil. Kč, z toho osobní {f.percent(100 * base.personnel / total)}) a na "
        "rozvojové záměry akčního plánu, každý od roku svého zahájení a každý další rok. "
        f"Osobní náklady rostou o {f.percent(100 * p.wage_growth.value)} ročně, ostatní "
        f"o {f.percent(100 * p.price_growth.value)}, vlastní výnosy služeb (úhrady uživatelů, "
        "zdravotní pojišťovny a ostatní) s kapacitou v dnešním poměru k nákladům a o "
        f"{f.percent(100 * p.own_revenue_growth.value)} ročně (parametry metodiky; zdroje "
        "uvádí soubor tables/data_methodology.csv). Státní dotace je "
        + (
            f"alokace kraje na rok {year}"
            if from_allocation
            else "v dnešní výši podle výkazů (alokace kraje nezadána)"
        )
        + f" ({_mil(state)} mil. Kč; ve výkazech za rok {accounts_year} dostaly služby státní "
        f"dotaci {_mil(base.state)} mil. Kč a veřejné zdroje celkem pokryly "
        f"{f.percent(100 * public_today / max(total - base.own_revenue, 1))} "
        "nákladů, které nepokryly vlastní výnosy); kraj, obce, fondy EU a jiné veřejné zdroje "
        "jsou v dnešní výši."
    )
    if "pledges" in table:
        text += (
            " Nad dnešní výši přidávají obce, co k rozvojovým záměrům přislíbily "
            f"(v roce {years[-1]} {_mil(table['pledges'].iloc[-1])} mil. Kč)."
        )
    return text + (
        f" Ve scénáři „{scenario}“ chybí v roce {years[-1]} nad dnešní výši zdrojů "
        f"{_mil(table['gap'].iloc[-1])} mil. Kč; ostatní scénáře uvádí druhá tabulka."
    )


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
    pledges = pledges_by_year(ds)
    default = pf.Growth(
        wages=p.wage_growth.value,
        prices=p.price_growth.value,
        own_revenue=p.own_revenue_growth.value,
        allocation=0.0,
    )
    first = p.scenarios.value[0]
    growth = pf.Growth(
        wages=first.wage_growth if first.wage_growth is not None else default.wages,
        prices=default.prices,
        own_revenue=default.own_revenue,
        allocation=first.allocation_growth,
        eu_years=first.eu_years,
    )
    # Costs are indexed from the year of the accounts, the allocation from the report year.
    raw = pf.framework(base, accounts_year, years, new, growth, state, year, pledges)
    wide = raw.rename(columns=RENAMED)
    table = by_item(wide)
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
            base, accounts_year, year, raw, p, state, allocation is not None, first.name
        ),
        framework=table,
        framework_caption=(
            f"Finanční rámec plánu {years[0]}–{years[-1]}, scénář „{first.name}“ (mil. Kč)"
        ),
        figure=framework_chart(wide),
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
            + _services_text(per_service, year, p.entrustment_years.value)
        ),
        services=per_service,
        municipal=municipal,
        municipal_caption=(
            f"Spolufinancování záměrů akčního plánu na rok {year} obcemi podle ORP (mil. Kč)"
        ),
        municipal_text=_municipal_text(municipal, pledged) if len(municipal) else "",
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
        labels=LABELS,
        formats={c: _mil for c in money}
        | {
            c: _mil
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


def _municipal_text(municipal: pd.DataFrame, pledged: bool) -> str:
    text = (
        "Obce spolufinancují náklady nových služeb (rozvojových záměrů), ne dotaci "
        "stávajících služeb. Tabulka staví vedle sebe, co od obcí ve svém ORP očekává akční "
        "plán (podíl obcí uvedený u záměru)"
    )
    if pledged:
        text += ", co obce samy přislíbily (usnesení nebo rozpočet obce)"
    text += (
        ", a co žádá pravidlo spolufinancování podle formy služby (parametr "
        "finance.cofinancing v příloze)."
    )
    if municipal["expected"].isna().any():
        text += " Pomlčka znamená, že záměry ORP podíl obcí neuvádějí."
    if pledged:
        short = municipal[municipal["pledged_minus_required"] < 0]
        total = municipal["pledged"].sum()
        text += f" Obce přislíbily celkem {_mil(total)} mil. Kč. " + (
            f"Méně, než pravidlo žádá, přislíbily obce těchto ORP ({len(short)} z "
            f"{len(municipal)}): " + ", ".join(short["orp_name"].astype(str)) + "."
            if len(short)
            else "V žádném ORP nepřislíbily méně, než pravidlo žádá."
        )
    return text
