"""Ex-post check of the compensation payment (vyrovnávací platba) per service and year.

Commission Decision 2012/21/EU and the regions' rules (DOMAIN-finance-plan.md, section 2):

- justified compensation = eligible costs − own revenues + reasonable profit, where the
  eligible costs are the total costs less the ineligible parts (parameters) and the
  reasonable profit is at most ``profit_rate`` × eligible costs;
- public money received = the public revenue sources (parameters);
- overcompensation = public money − justified compensation (at least 0, at most the
  public money: own revenues above the costs cannot be returned as public money);
- up to ``carry_share`` of the average annual payment (public money in the years the
  data hold up to that year) may be carried over, only by a service of the regional
  network (a multi-year entrustment); the rest is returned.

Compensation is set per service: one service's surplus never covers another's deficit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.methods.finance_benchmark import GROUP

STATUS = {
    "return": "vratka",
    "carry": "převod",
    "ok": "bez překompenzace",
}


def compensation(ind: pd.DataFrame, ineligible: list[str], profit_rate: float, carry_share: float):
    """Per service and year (rows of :func:`finance_benchmark.indicators`): eligible
    costs, own revenues, justified compensation, public money, overcompensation, the
    carry-over, the amount to return, the uncovered deficit and a status."""
    df = ind.sort_values(["service_id", "year"]).reset_index(drop=True)
    parts = df[ineligible].fillna(0).sum(axis=1) if ineligible else 0.0
    out = df[["service_id", "year", *GROUP, "in_regional_network"]].copy()
    out["total_cost"] = df["total_cost"]
    out["eligible_cost"] = df["total_cost"] - parts
    out["own_revenue"] = df["own_revenue"]
    out["allowed_profit"] = profit_rate * out["eligible_cost"]
    out["justified"] = out["eligible_cost"] - out["own_revenue"] + out["allowed_profit"]
    out["public_revenue"] = df["public_revenue"]
    out["overcompensation"] = np.clip(
        out["public_revenue"] - out["justified"].clip(lower=0), 0, out["public_revenue"]
    )
    # Average annual payment over the service's years up to this one (expanding mean).
    out["average_payment"] = (
        out.groupby("service_id")["public_revenue"].expanding().mean().reset_index(drop=True)
    )
    may_carry = out["in_regional_network"].fillna(False).astype(bool)
    # Whole crowns, rounded down: the carry-over may not exceed its cap.
    out["carry_over"] = np.floor(
        np.minimum(out["overcompensation"], carry_share * out["average_payment"])
    ).where(may_carry, 0.0)
    out["to_return"] = out["overcompensation"] - out["carry_over"]
    out["uncovered"] = (out["justified"] - out["public_revenue"]).clip(lower=0)
    out["status"] = np.select(
        [out["to_return"] > 0, out["carry_over"] > 0],
        [STATUS["return"], STATUS["carry"]],
        STATUS["ok"],
    )
    return out


def totals(comp: pd.DataFrame, year: int, by: list[str]) -> pd.DataFrame:
    """Sums of one year per group (e.g. service type), and services by status."""
    cur = comp[comp["year"] == year]
    money = ["justified", "public_revenue", "overcompensation", "carry_over", "to_return"]
    g = cur.groupby(by)
    out = g[money].sum()
    out.insert(0, "services", g["service_id"].nunique())
    out["services_returning"] = g["to_return"].agg(lambda s: int((s > 0).sum()))
    return out.reset_index()


def reference_maximum(comp: pd.DataFrame, capacity: pd.Series, ref: pd.DataFrame) -> pd.Series:
    """Ex-ante ceiling of the payment per row of ``comp``: (reference cost − reference own
    revenue) × capacity (``capacity`` per service id; ``ref`` from
    :func:`analysis.methods.reference_values.reference_values`). Missing where the group
    has no reference value."""
    per_unit = (ref["reference_cost"] - ref["reference_own_revenue"]).clip(lower=0)
    per_unit.index = pd.MultiIndex.from_frame(ref[["year", *GROUP]])
    keys = pd.MultiIndex.from_frame(comp[["year", *GROUP]])
    return pd.Series(
        per_unit.reindex(keys).to_numpy() * comp["service_id"].map(capacity).to_numpy(),
        index=comp.index,
    )
