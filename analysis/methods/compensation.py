"""Ex-post check of the compensation payment (vyrovnávací platba) per service and year,
by Commission Decision 2012/21/EU as a regional finance department applies it
(DOMAIN-finance-plan.md, section 2 and "Corrections after review"):

- the net cost is all costs of operating the service (depreciation of the assets used
  for it included) minus the revenue earned on it (art. 5(2)–(3)). A cost left out of
  the check (health care under § 36 of Act 108/2006, activities outside the basic
  activities) goes out *together with the revenue that pays for it*; where that revenue
  is not reported, both stay in;
- all public money (state, region, municipalities, EU funds, Labour Office, other public
  sources) is compensation; none of it is the provider's own revenue;
- reasonable profit is the one the entrustment act states, in its metric: none, a return
  on capital employed, or a return on sales (art. 5(5)–(8));
- overcompensation = public money − (net cost + reasonable profit − what was carried in
  from the previous year), at least 0, at most the public money, and never more than the
  service's surplus (all revenues + what was carried in − all costs + reasonable profit):
  a service whose revenues did not exceed its costs owes nothing beyond an amount carried
  in, whatever the split of its costs;
- an overcompensation that does *not exceed* the threshold (10 %) of the service's
  average annual compensation may be carried to the next year and deducted from its
  payment (art. 6(2)), only by a service of the regional network (an entrustment), not
  in the last year of its entrustment, and only up to the public money of sources that
  permit it (never the § 101a state subsidy, which covers its own year only); the rest
  is returned. Above the threshold the whole overcompensation is returned.

The check applies to services the region entrusted (members of its network, within the
years of the entrustment where they are given); for others it is not made and their
amounts are missing, not 0. Compensation is set per service:
one service's surplus never covers another's deficit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.methods.finance_benchmark import GROUP, REVENUES

STATUS = {
    "return": "vratka",
    "carry": "převod do dalšího roku",
    "ok": "bez překompenzace",
    "outside": "mimo síť, kontrola se neprovádí",
    "period": "mimo období pověření, kontrola se neprovádí",
    "unknown": "členství v síti neuvedeno",
}
# Why (part of) an overcompensation is returned rather than carried.
RETURN_REASONS = {
    "threshold": "nad prahem převodu",
    "end": "poslední rok pověření",
    "sources": "z prostředků, které převod nepřipouštějí",
}
MONEY = ["justified", "public_revenue", "overcompensation", "carry_over", "to_return"]


def _excluded(ind: pd.DataFrame, excluded: list) -> tuple[pd.Series, pd.Series]:
    """Costs and revenues left out of the check per row: a pair only where both its cost
    and its revenue are reported."""
    cost = pd.Series(0.0, index=ind.index)
    revenue = pd.Series(0.0, index=ind.index)
    for pair in excluded:
        both = ind[pair.cost].notna() & ind[pair.revenue].notna()
        cost += ind[pair.cost].where(both, 0.0)
        revenue += ind[pair.revenue].where(both, 0.0)
    return cost, revenue


def _allowed_profit(ind: pd.DataFrame, profit, revenue: pd.Series) -> pd.Series:
    """Reasonable profit per row in the entrustment act's metric; missing where its
    basis (the capital employed) is not reported."""
    if profit.metric == "none" or profit.rate == 0:
        return pd.Series(0.0, index=ind.index)
    if profit.metric == "return_on_capital":
        return profit.rate * ind["capital_employed"]
    return profit.rate * revenue


def compensation(
    ind: pd.DataFrame,
    excluded: list,
    public: list[str],
    profit,
    threshold: float,
    carry_sources: list[str],
) -> pd.DataFrame:
    """Per service and year (rows of :func:`finance_benchmark.indicators`): eligible
    costs, own revenues, reasonable profit, what was carried in, justified compensation,
    public money, overcompensation, the average annual compensation, the carry-over,
    the amount to return, the uncovered deficit and a status."""
    df = ind.sort_values(["service_id", "year"]).reset_index(drop=True)
    out = df[["service_id", "year", *GROUP, "in_regional_network"]].copy()
    out["network_capacity"] = df["network_capacity"]
    ex_cost, ex_revenue = _excluded(df, excluded)
    out["total_cost"] = df["total_cost"]
    out["excluded_cost"] = ex_cost
    out["excluded_revenue"] = ex_revenue
    out["eligible_cost"] = df["total_cost"] - ex_cost
    own = [c for c in REVENUES if c not in public]
    out["own_revenue"] = df[own].sum(axis=1) - ex_revenue
    out["allowed_profit"] = _allowed_profit(df, profit, df["total_revenue"] - ex_revenue)
    out["public_revenue"] = df[public].sum(axis=1)
    surplus_all = df["total_revenue"] - df["total_cost"]
    carriable = df[carry_sources].sum(axis=1) if carry_sources else pd.Series(0.0, df.index)
    network = df["in_regional_network"]
    checked = network.fillna(False).astype(bool)
    last_year = df["entrusted_to"] if "entrusted_to" in df else pd.Series(pd.NA, df.index)
    first_year = df["entrusted_from"] if "entrusted_from" in df else pd.Series(pd.NA, df.index)

    cols = {
        c: np.full(len(df), np.nan)
        for c in (
            "carried_in",
            "justified",
            "overcompensation",
            "average_payment",
            "carry_over",
            "to_return",
        )
    }
    reasons = np.full(len(df), None, dtype=object)
    entrusted = np.ones(len(df), bool)
    for _, rows in df.groupby("service_id", sort=False).groups.items():
        carried, prev_year, history = 0.0, None, []
        for i in rows:
            year = int(df.at[i, "year"])
            start = first_year.iat[i]
            in_period = pd.isna(start) or year >= int(start)
            if prev_year is None or year != prev_year + 1:
                carried = 0.0  # a carry is deducted only from the next year's payment
            history.append((year, out.at[i, "public_revenue"], in_period))
            prev_year = year
            end = last_year.iat[i]
            entrusted[i] = in_period and not (pd.notna(end) and year > int(end))
            if not checked.iat[i] or not entrusted[i]:
                carried = 0.0
                continue
            net = out.at[i, "eligible_cost"] - out.at[i, "own_revenue"]
            justified = max(net + np.nan_to_num(out.at[i, "allowed_profit"]), 0.0) - carried
            public_money = out.at[i, "public_revenue"]
            # Public money cannot have overcompensated a service whose revenues (with the
            # amount carried in from last year) did not exceed its costs plus the profit
            # allowed: a loss on the activities left out of the check is the provider's
            # and never becomes a refund, while a carried amount stays owed.
            surplus = max(
                surplus_all.iat[i] + carried + np.nan_to_num(out.at[i, "allowed_profit"]), 0.0
            )
            over = float(
                min(np.clip(public_money - max(justified, 0.0), 0.0, public_money), surplus)
            )
            # Average annual compensation over the entrustment period's years up to
            # this one (every year of the data when the period is not given).
            payments = [p for y, p, inside in history if inside]
            average = float(np.mean(payments)) if payments else np.nan
            last = pd.notna(end) and year >= int(end)
            within = over <= threshold * average
            may_carry = over > 0 and within and not last
            carry = float(np.floor(min(over, carriable.iat[i]))) if may_carry else 0.0
            if over - carry > 0:
                reasons[i] = RETURN_REASONS[
                    "threshold" if not within else "end" if last else "sources"
                ]
            cols["carried_in"][i] = carried
            cols["justified"][i] = justified
            cols["overcompensation"][i] = over
            cols["average_payment"][i] = average
            cols["carry_over"][i] = carry
            cols["to_return"][i] = over - carry
            carried = carry
    for c, v in cols.items():
        out[c] = v
    out["return_reason"] = reasons
    out["uncovered"] = (out["justified"] - out["public_revenue"]).clip(lower=0)
    out["status"] = np.select(
        [
            network.isna().to_numpy(),
            ~checked.to_numpy(),
            ~entrusted,
            (out["to_return"] > 0).to_numpy(),
            (out["carry_over"] > 0).to_numpy(),
        ],
        [
            STATUS["unknown"],
            STATUS["outside"],
            STATUS["period"],
            STATUS["return"],
            STATUS["carry"],
        ],
        STATUS["ok"],
    )
    return out


def state_subsidy_check(ind: pd.DataFrame, items: list) -> pd.DataFrame:
    """Per service and year: the costs the § 101a state subsidy may pay (the year's costs
    less the reported items it may not pay, NV 98/2015 § 1(2)) and by how much the state
    subsidy exceeds them."""
    columns = [i.column for i in items if i.column is not None]
    out = ind[["service_id", "year"]].copy()
    out["subsidy_eligible_cost"] = ind["total_cost"] - ind[columns].fillna(0).sum(axis=1)
    out["state_subsidy"] = ind["revenue_state_subsidy"]
    out["state_subsidy_excess"] = (out["state_subsidy"] - out["subsidy_eligible_cost"]).clip(
        lower=0
    )
    return out


def totals(comp: pd.DataFrame, year: int, by: list[str]) -> pd.DataFrame:
    """Sums of one year per group (e.g. service type) over the services checked, and
    services by status."""
    cur = comp[comp["year"] == year]
    checked = cur[cur["justified"].notna()]
    g = checked.groupby(by)
    out = g[MONEY].sum()
    out.insert(0, "services", g["service_id"].nunique())
    out["services_returning"] = g["to_return"].agg(lambda s: int((s > 0).sum()))
    return out.reset_index()


def reference_maximum(comp: pd.DataFrame, ref: pd.DataFrame) -> pd.Series:
    """Ex-ante ceiling of the payment per row of ``comp``: (reference cost − reference own
    revenue) per network unit × the row's network units (``ref`` from
    :func:`analysis.methods.reference_values.reference_values`). Missing where the group
    has no reference value or the row no network units."""
    per_unit = (ref["reference_cost"] - ref["reference_own_revenue"]).clip(lower=0)
    per_unit.index = pd.MultiIndex.from_frame(ref[["year", *GROUP]])
    keys = pd.MultiIndex.from_frame(comp[["year", *GROUP]])
    return pd.Series(
        per_unit.reindex(keys).to_numpy() * comp["network_capacity"].to_numpy(),
        index=comp.index,
    )
