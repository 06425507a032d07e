"""The plan's money over the years: the ex-ante compensation calculator and the financial
framework of the mid-term plan.

Calculator (per service and network unit): the normative cost of the units minus the
revenue the service can expect (users' payments up to the maxima of vyhláška 505/2006
Sb., the care allowance its residents pay for care, health-insurance payments) is the
highest compensation the entrustment act may grant for a year; over the entrustment
period each year's cost and revenue are indexed.

Framework (per year of the plan): the cost of today's network and of each development
intention from its start year on (recurring), personnel costs indexed by the wage growth
and other costs by the price growth; the providers' own revenue grows by its own rate;
the public money needed is the cost minus the own revenue. Against it stand the expected
public sources: the state allocation (growing by the scenario's rate) and today's money
of the region, the municipalities and other public funders (held at today's level). The
gap is what the region and the municipalities must add above today's level. A
development intention earns own revenue in the proportion of own revenue to cost of
today's network.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DAYS = 365
MONTHS = 12


@dataclass(frozen=True)
class ResidentialCase:
    """A residential service: beds, normative cost per bed and year, expected occupancy,
    maximum daily payments, care-allowance amounts and the residents' mix of degrees,
    health insurance per occupied bed-day."""

    beds: float
    cost_per_bed: float
    occupancy: float
    accommodation_per_day: float
    food_per_day: float
    care_allowance_monthly: dict[str, float]
    degree_mix: dict[str, float]
    health_per_bed_day: float


@dataclass(frozen=True)
class FieldCase:
    """A field or outpatient service: FTE in direct care, normative cost per FTE and
    year, hours of care paid by users per FTE and year, the maximum hourly payment."""

    fte: float
    cost_per_fte: float
    chargeable_hours_per_fte: float
    care_hour_max: float


def residential_compensation(case: ResidentialCase) -> dict[str, float]:
    """Yearly cost, expected revenue by kind and the maximum compensation of a
    residential service (CZK)."""
    bed_days = case.beds * case.occupancy * DAYS
    users = bed_days * (case.accommodation_per_day + case.food_per_day)
    monthly = sum(case.care_allowance_monthly[d] * s for d, s in case.degree_mix.items())
    care_allowance = case.beds * case.occupancy * monthly * MONTHS
    health = bed_days * case.health_per_bed_day
    cost = case.beds * case.cost_per_bed
    revenue = users + care_allowance + health
    return {
        "cost": cost,
        "users": users,
        "care_allowance": care_allowance,
        "health_insurance": health,
        "revenue": revenue,
        "compensation": max(cost - revenue, 0.0),
    }


def field_compensation(case: FieldCase) -> dict[str, float]:
    """Yearly cost, users' payments and the maximum compensation of a field or
    outpatient service (CZK); its users pay from their care allowance, which is theirs,
    so it is not a revenue of its own kind here."""
    cost = case.fte * case.cost_per_fte
    users = case.fte * case.chargeable_hours_per_fte * case.care_hour_max
    return {
        "cost": cost,
        "users": users,
        "care_allowance": 0.0,
        "health_insurance": 0.0,
        "revenue": users,
        "compensation": max(cost - users, 0.0),
    }


def _indexed(
    cost: float, revenue: float, years_ahead: int, cost_growth: float, revenue_growth: float
) -> tuple[float, float, float]:
    """Cost and revenue ``years_ahead`` years on and the compensation they leave (never
    below 0)."""
    cost = cost * (1 + cost_growth) ** years_ahead
    revenue = revenue * (1 + revenue_growth) ** years_ahead
    return cost, revenue, max(cost - revenue, 0.0)


def over_entrustment(
    year_one: dict[str, float], years: int, cost_growth: float, revenue_growth: float
) -> pd.DataFrame:
    """The calculator's first year carried over the entrustment period: cost indexed by
    ``cost_growth``, revenue by ``revenue_growth``; one row per year (1 …) and the total."""
    rows = []
    for k in range(years):
        cost, revenue, compensation = _indexed(
            year_one["cost"], year_one["revenue"], k, cost_growth, revenue_growth
        )
        rows.append(
            {"period_year": k + 1, "cost": cost, "revenue": revenue, "compensation": compensation}
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class BaseYear:
    """Today's network in money (CZK a year): its personnel and other costs, the
    providers' own revenue by kind (users' payments, health insurance, other own
    revenue) and the public money by funder (EU funds apart from other public money)."""

    personnel: float
    other_costs: float
    users: float
    health_insurance: float
    other_own: float
    state: float
    region: float
    municipalities: float
    eu: float
    other_public: float

    @property
    def own_revenue(self) -> float:
        return self.users + self.health_insurance + self.other_own

    @property
    def cost(self) -> float:
        return self.personnel + self.other_costs


@dataclass(frozen=True)
class Growth:
    """Yearly growth rates of a framework: personnel costs (wages), other costs
    (prices), own revenue, the state allocation; ``eu_years``: the number of plan years
    with EU money at today's level (None: every year), none after."""

    wages: float
    prices: float
    own_revenue: float
    allocation: float
    eu_years: int | None = None


def indexed_cost(
    personnel: float, other: float, years_ahead: int, wage_growth: float, price_growth: float
) -> float:
    """Personnel cost indexed by wages, the rest by prices, ``years_ahead`` years on."""
    return personnel * (1 + wage_growth) ** years_ahead + other * (1 + price_growth) ** years_ahead


def framework(
    base: BaseYear,
    base_year: int,
    years: list[int],
    intentions: pd.DataFrame,
    growth: Growth,
    allocation: float,
    allocation_year: int | None = None,
    pledges: dict[int, float] | None = None,
) -> pd.DataFrame:
    """The financial framework, one row per year of ``years``.

    ``intentions``: ``start_year``, ``cost`` (yearly cost in prices of its start year)
    and ``personnel_share``; an intention costs from its start year on, every year,
    indexed from its start year.
    ``allocation``: the state allocation of ``allocation_year`` (default ``base_year``,
    the year of the accounts the costs come from). ``pledges``: the municipalities'
    pledges to the intentions per year (CZK; None: no pledges known, the column is
    missing), money above the municipalities' money of today.
    """
    allocation_year = base_year if allocation_year is None else allocation_year
    # New capacity earns own revenue in the same proportion to its cost as today's network.
    rows = []
    for k, year in enumerate(years):
        ahead = year - base_year
        network = indexed_cost(base.personnel, base.other_costs, ahead, growth.wages, growth.prices)
        running = intentions[intentions["start_year"] <= year]
        new = sum(
            indexed_cost(
                r.cost * r.personnel_share,
                r.cost * (1 - r.personnel_share),
                year - r.start_year,
                growth.wages,
                growth.prices,
            )
            for r in running.itertuples()
        )
        cost = network + new
        # New capacity earns each kind of own revenue in today's proportion to cost; all
        # own revenue grows by the own-revenue growth.
        scale = (1 + float(running["cost"].sum()) / base.cost) * (1 + growth.own_revenue) ** ahead
        eu = base.eu if growth.eu_years is None or k < growth.eu_years else 0.0
        row = {
            "year": year,
            "network_cost": network,
            "intentions_cost": new,
            "total_cost": cost,
            "users": base.users * scale,
            "health_insurance": base.health_insurance * scale,
            "other_own": base.other_own * scale,
            "own_revenue": base.own_revenue * scale,
            "public_need": cost - base.own_revenue * scale,
            "state": allocation * (1 + growth.allocation) ** (year - allocation_year),
            "region": base.region,
            "municipalities": base.municipalities,
            "eu": eu,
            "other_public": base.other_public,
        }
        if pledges is not None:
            row["pledges"] = pledges.get(year, 0.0)
        sources = ["state", "region", "municipalities", "eu", "other_public", "pledges"]
        row["gap"] = row["public_need"] - sum(row.get(c, 0.0) for c in sources)
        rows.append(row)
    return pd.DataFrame(rows)


def accounts_row(base: BaseYear, year: int) -> dict[str, float]:
    """The framework's items in the year of the accounts, as reported: the public money
    the services received (the state subsidy, not an allocation) and what it left
    uncovered (``gap``), the shortfall the plan starts from."""
    public = base.state + base.region + base.municipalities + base.eu + base.other_public
    return {
        "year": year,
        "network_cost": base.cost,
        "intentions_cost": 0.0,
        "total_cost": base.cost,
        "users": base.users,
        "health_insurance": base.health_insurance,
        "other_own": base.other_own,
        "own_revenue": base.own_revenue,
        "public_need": base.cost - base.own_revenue,
        "state": base.state,
        "region": base.region,
        "municipalities": base.municipalities,
        "eu": base.eu,
        "other_public": base.other_public,
        "gap": base.cost - base.own_revenue - public,
    }


def scenario_growth(scenario, default: Growth) -> Growth:
    """The growth rates of a scenario (:class:`analysis.params.FrameworkScenario`): its
    allocation growth and, where it sets them, its wage growth and years of EU money
    instead of ``default``'s."""
    return Growth(
        wages=scenario.wage_growth if scenario.wage_growth is not None else default.wages,
        prices=default.prices,
        own_revenue=default.own_revenue,
        allocation=scenario.allocation_growth,
        eu_years=scenario.eu_years if scenario.eu_years is not None else default.eu_years,
    )


def scenario_gaps(
    base: BaseYear,
    base_year: int,
    years: list[int],
    intentions: pd.DataFrame,
    scenarios: list,
    default: Growth,
    allocation: float,
    allocation_year: int | None = None,
    pledges: dict[int, float] | None = None,
) -> pd.DataFrame:
    """The gap of every year under each scenario (rows: scenarios, columns: years); a
    scenario sets the allocation's growth and, where given, the wage growth and the
    years of EU money instead of ``default``'s."""
    out = {}
    for s in scenarios:
        growth = scenario_growth(s, default)
        f = framework(
            base, base_year, years, intentions, growth, allocation, allocation_year, pledges
        )
        out[s.name] = f.set_index("year")["gap"]
    table = pd.DataFrame(out).T
    table.index.name = "scenario"
    return table


def municipal_cofinancing(
    intentions: pd.DataFrame, pledged: pd.Series | None = None
) -> pd.DataFrame:
    """Municipal co-financing of the development intentions per ORP: the intentions'
    yearly cost; what the action plan expects of the municipalities (cost ×
    ``municipal_share``; missing where no intention of the ORP states a share, never 0);
    what the municipalities pledged (``pledged``: CZK per ORP code from their own
    pledges; None when the region gave none, then the column is left out; an ORP without
    a pledge in a complete table pledged 0); what the co-financing rule asks (cost ×
    ``required_share``); the expected and the pledged money minus the requirement.

    ``intentions``: ``orp_code``, ``cost_czk``, ``municipal_share`` (may be missing),
    ``required_share`` (missing where no rule applies)."""
    a = intentions.assign(
        expected=intentions["cost_czk"] * intentions["municipal_share"],
        required=intentions["cost_czk"] * intentions["required_share"],
    )
    g = a.groupby("orp_code")
    out = pd.DataFrame(
        {
            "intentions": g.size(),
            "cost": g["cost_czk"].sum(),
            # min_count=1: an ORP whose intentions state no share has no expectation, not 0.
            "expected": g["expected"].sum(min_count=1),
            "required": g["required"].sum(min_count=1),
        }
    )
    out["expected_share"] = out["expected"] / out["cost"]
    out["expected_minus_required"] = out["expected"] - out["required"]
    if pledged is not None:
        out = out.join(pledged.rename("pledged"), how="outer")
        out["intentions"] = out["intentions"].fillna(0).astype(int)
        out["cost"] = out["cost"].fillna(0.0)
        out["pledged"] = out["pledged"].fillna(0.0)
        out["pledged_minus_required"] = out["pledged"] - out["required"]
    out.index.name = "orp_code"
    return out.reset_index()


def municipal_split(
    required: pd.Series, population: pd.DataFrame, pledged: pd.Series
) -> pd.DataFrame:
    """The co-financing the rule asks of an ORP's municipalities split among them by
    population (socplan's choice: the rule names no split), beside each municipality's
    pledge, for the municipalities of ORPs with a requirement and every municipality that
    pledged.

    ``required``: CZK per ORP code; ``population``: ``municipality_code``, ``orp_code``,
    ``population``; ``pledged``: CZK per municipality code."""
    pop = population.set_index("municipality_code")
    orp_total = pop.groupby("orp_code")["population"].transform("sum")
    share = pop["orp_code"].map(required) * pop["population"] / orp_total
    out = pd.DataFrame(
        {
            "orp_code": pop["orp_code"],
            "population": pop["population"],
            "pledged": pledged.reindex(pop.index).fillna(0.0),
            "required_share": share,
        }
    )
    out = out[out["required_share"].notna() | (out["pledged"] > 0)]
    out["pledged_minus_required"] = out["pledged"] - out["required_share"]
    out["pledged_per_inhabitant"] = out["pledged"] / out["population"].where(out["population"] > 0)
    out.index.name = "municipality_code"
    return out.reset_index()


def entrustment_periods(
    entrusted_from: pd.Series, entrusted_to: pd.Series, year: int, new_years: int
) -> pd.DataFrame:
    """The period the maximum compensation of each service is computed for, from
    ``year`` on: the rest of its entrustment where one runs in ``year`` or later
    (``existing``), else a new entrustment of ``new_years`` years from ``year`` (``new``)."""
    running = entrusted_to.notna() & (entrusted_to >= year)
    start = entrusted_from.where(running).fillna(year).clip(lower=year).astype(int)
    end = entrusted_to.where(running).fillna(year + new_years - 1).astype(int)
    basis = running.map({True: "existing", False: "new"})
    return pd.DataFrame({"period_from": start, "period_to": end, "basis": basis})


def compensation_over_period(
    cost: pd.Series,
    revenue: pd.Series,
    period_from: pd.Series,
    period_to: pd.Series,
    year: int,
    cost_growth: float,
    revenue_growth: float,
) -> pd.Series:
    """The maximum compensation of each service summed over its period: in every year
    ``y`` of it, cost × (1 + cost growth)^(y − year) − revenue × (1 + revenue
    growth)^(y − year), never below 0; ``cost`` and ``revenue`` are of ``year``."""
    out = [
        sum(
            _indexed(c, r, y - year, cost_growth, revenue_growth)[2]
            for y in range(int(a), int(b) + 1)
        )
        for c, r, a, b in zip(cost, revenue, period_from, period_to, strict=True)
    ]
    return pd.Series(out, index=cost.index, dtype=float)
