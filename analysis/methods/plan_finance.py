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


def over_entrustment(
    year_one: dict[str, float], years: int, cost_growth: float, revenue_growth: float
) -> pd.DataFrame:
    """The calculator's first year carried over the entrustment period: cost indexed by
    ``cost_growth``, revenue by ``revenue_growth``; one row per year (1 …) and the total."""
    rows = []
    for k in range(years):
        cost = year_one["cost"] * (1 + cost_growth) ** k
        revenue = year_one["revenue"] * (1 + revenue_growth) ** k
        rows.append(
            {
                "period_year": k + 1,
                "cost": cost,
                "revenue": revenue,
                "compensation": max(cost - revenue, 0.0),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class BaseYear:
    """Today's network in money (CZK a year): its personnel and other costs, the
    providers' own revenue, and the public money by funder."""

    personnel: float
    other_costs: float
    own_revenue: float
    state: float
    region: float
    municipalities: float
    other_public: float


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
    wage_growth: float,
    price_growth: float,
    own_revenue_growth: float,
    allocation: float,
    allocation_growth: float,
    allocation_year: int | None = None,
) -> pd.DataFrame:
    """The financial framework, one row per year of ``years``.

    ``intentions``: ``start_year``, ``cost`` (yearly cost in prices of ``base_year``)
    and ``personnel_share``; an intention costs from its start year on, every year.
    ``allocation``: the state allocation of ``allocation_year`` (default ``base_year``,
    the year of the accounts the costs come from).
    """
    allocation_year = base_year if allocation_year is None else allocation_year
    # New capacity earns own revenue in the same proportion to its cost as today's network.
    own_share = base.own_revenue / (base.personnel + base.other_costs)
    rows = []
    for year in years:
        ahead = year - base_year
        network = indexed_cost(base.personnel, base.other_costs, ahead, wage_growth, price_growth)
        running = intentions[intentions["start_year"] <= year]
        new = sum(
            indexed_cost(
                r.cost * r.personnel_share,
                r.cost * (1 - r.personnel_share),
                ahead,
                wage_growth,
                price_growth,
            )
            for r in running.itertuples()
        )
        cost = network + new
        own = (base.own_revenue + own_share * float(running["cost"].sum())) * (
            1 + own_revenue_growth
        ) ** ahead
        state = allocation * (1 + allocation_growth) ** (year - allocation_year)
        others = base.region + base.municipalities + base.other_public
        need = cost - own
        rows.append(
            {
                "year": year,
                "network_cost": network,
                "intentions_cost": new,
                "total_cost": cost,
                "own_revenue": own,
                "public_need": need,
                "state": state,
                "region": base.region,
                "municipalities": base.municipalities,
                "other_public": base.other_public,
                "gap": need - state - others,
            }
        )
    return pd.DataFrame(rows)


def scenario_gaps(
    base: BaseYear,
    base_year: int,
    years: list[int],
    intentions: pd.DataFrame,
    scenarios: list,
    wage_growth: float,
    price_growth: float,
    own_revenue_growth: float,
    allocation: float,
    allocation_year: int | None = None,
) -> pd.DataFrame:
    """The gap of every year under each scenario (rows: scenarios, columns: years)."""
    out = {}
    for s in scenarios:
        f = framework(
            base,
            base_year,
            years,
            intentions,
            s.wage_growth if s.wage_growth is not None else wage_growth,
            price_growth,
            own_revenue_growth,
            allocation,
            s.allocation_growth,
            allocation_year,
        )
        out[s.name] = f.set_index("year")["gap"]
    table = pd.DataFrame(out).T
    table.index.name = "scenario"
    return table


def municipal_cofinancing(intentions: pd.DataFrame) -> pd.DataFrame:
    """Municipal co-financing of the development intentions per ORP: the intentions'
    yearly cost, what the municipalities pledged (cost × ``municipal_share``; missing
    where no intention of the ORP states a share, never 0) and what the rule asks (cost ×
    ``required_share``), and the pledge minus the requirement.

    ``intentions``: ``orp_code``, ``cost_czk``, ``municipal_share`` (may be missing),
    ``required_share`` (missing where no rule applies)."""
    a = intentions.assign(
        pledged=intentions["cost_czk"] * intentions["municipal_share"],
        required=intentions["cost_czk"] * intentions["required_share"],
    )
    g = a.groupby("orp_code")
    out = pd.DataFrame(
        {
            "intentions": g.size(),
            "cost": g["cost_czk"].sum(),
            # min_count=1: an ORP whose intentions state no share has no pledge, not 0.
            "pledged": g["pledged"].sum(min_count=1),
            "required": g["required"].sum(min_count=1),
        }
    )
    out["difference"] = out["pledged"] - out["required"]
    out["pledged_share"] = out["pledged"] / out["cost"]
    return out.reset_index()
