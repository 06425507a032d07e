"""Optimal and real state subsidy per service (DOMAIN-finance-plan.md, section 1 and
"Corrections after review").

``base = price level × network units − expected users' payments − health insurance``,
the units being those the network counts (beds at no less than the minimum occupancy, or
FTE in direct care); ``optimal = base × (1 + adjustment)``, the adjustment (± a share, a
parameter) coming from the service's network score. The optimal subsidy is a maximum:
the real subsidy distributes the region's allocation in proportion to the optimal
subsidy, and no service gets more than ``min(request, optimal − other public money
expected)``; what the caps leave of the allocation stays undistributed. Amounts are whole
crowns.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T", float, pd.Series)


def score_adjustment(score: pd.Series, max_share: float) -> pd.Series:
    """Score 0–100 → adjustment in [−max_share, +max_share] (50 points: none; no score:
    none)."""
    return (max_share * (score - 50) / 50).fillna(0.0)


def optimal_subsidy(
    units: pd.DataFrame,
    price_level: pd.Series,
    users: pd.Series,
    health_insurance: pd.Series,
    adjustment: pd.Series,
) -> pd.DataFrame:
    """Per service (rows of ``units``: ``service_id``, ``units`` — the network units the
    subsidy pays for — and the group keys of the price level's index): base and optimal
    subsidy. ``users`` and ``health_insurance`` are the expected payments per service
    id; missing price levels or units leave the subsidy missing (the service cannot be
    priced)."""
    df = units.copy()
    keys = list(price_level.index.names)
    df["price_level"] = price_level.reindex(pd.MultiIndex.from_frame(df[keys])).to_numpy()
    sid = df["service_id"]
    df["expected_users"] = sid.map(users).fillna(0).to_numpy()
    df["expected_health_insurance"] = sid.map(health_insurance).fillna(0).to_numpy()
    df["base"] = (
        df["price_level"] * df["units"] - df["expected_users"] - df["expected_health_insurance"]
    ).clip(lower=0)
    df["adjustment"] = sid.map(adjustment).fillna(0).to_numpy()
    df["optimal"] = df["base"] * (1 + df["adjustment"])
    return df


def indexed_price(reference_cost: T, factor: float, index: float, years: int) -> T:
    """The price level of the subsidy year: the reference cost of the reporting year (a
    number or a Series) × the factor, indexed ``years`` years forward at ``index`` a
    year."""
    return reference_cost * factor * (1 + index) ** years


def _capped_shares(weights: np.ndarray, caps: np.ndarray, total: float) -> np.ndarray:
    """Water-filling: ``total`` split in proportion to ``weights``, no share above its
    cap; what a capped share cannot take goes to the others in the same proportion."""
    amount = np.zeros_like(weights)
    free = weights > 0
    remaining = total
    while free.any() and remaining > 0:
        share = remaining * weights * free / weights[free].sum()
        over = free & (amount + share > caps)
        if not over.any():
            amount += share
            break
        remaining -= (caps[over] - amount[over]).sum()
        amount[over] = caps[over]
        free &= ~over
    return amount


def largest_remainder(amounts: np.ndarray, total: int, order: np.ndarray) -> np.ndarray:
    """Whole crowns summing to ``total``: each amount rounded down, then one crown more to
    the largest fractional parts (ties: earlier in ``order``, e.g. sorted service ids)."""
    floor = np.floor(amounts + 1e-9)
    left = round(total - floor.sum())
    frac = amounts - floor
    rank = np.lexsort((order, -frac))  # by fraction descending, then by order
    out = floor.copy()
    out[rank[:left]] += 1
    return out.astype(np.int64)


def caps(optimal: pd.DataFrame, requests: pd.Series | None, other_public: pd.Series):
    """Per service: the most it may get, ``min(request, optimal − other public money
    expected)`` in whole crowns (no request: the optimal bound alone)."""
    other = optimal["service_id"].map(other_public).fillna(0).to_numpy(float)
    bound = np.floor(np.clip(optimal["optimal"].fillna(0).to_numpy(float) - other, 0, None))
    if requests is None:
        return bound, None
    req = optimal["service_id"].map(requests).to_numpy(float)
    return np.where(np.isnan(req), bound, np.minimum(bound, np.floor(req))), req


def allocate(
    optimal: pd.DataFrame,
    allocation: float,
    requests: pd.Series | None,
    other_public: pd.Series | None = None,
):
    """Real subsidy per service: the allocation (whole crowns) in proportion to the optimal
    subsidy, no service above :func:`caps`; what the caps leave stays undistributed
    (``undistributed`` in the attributes). ``other_public``: the public money other than
    the state subsidy each service is expected to receive (per service id)."""
    df = optimal.copy()
    other = other_public if other_public is not None else pd.Series(dtype=float)
    df["other_public"] = df["service_id"].map(other).fillna(0).to_numpy(float)
    weights = df["optimal"].fillna(0).to_numpy(float)
    cap, req = caps(df, requests, other)
    df["cap"] = cap
    if req is not None:
        df["requested"] = req
    target = round(allocation)
    distributable = min(target, int(cap[weights > 0].sum()))
    amounts = _capped_shares(weights, cap, float(distributable))
    order = df["service_id"].rank(method="first").to_numpy()
    df["real"] = largest_remainder(amounts, distributable, order) if len(df) else []
    if requests is not None:
        df["deficit"] = (df["requested"] - df["real"]).clip(lower=0)
    df.attrs["undistributed"] = target - distributable
    return df


def cofinancing_share(units: pd.DataFrame, rules: list) -> pd.Series:
    """Minimum municipal co-financing share per service: the rule of its form that names
    its type, else the rule of its form without types; missing if none applies."""
    out = pd.Series(np.nan, index=units.index)
    general = {r.form: r.share for r in rules if r.types is None}
    specific = {(r.form, t): r.share for r in rules if r.types for t in r.types}
    for i, (form, code) in enumerate(zip(units["form"], units["service_type_code"], strict=True)):
        share = specific.get((form, int(code)), general.get(form))
        if share is not None:
            out.iloc[i] = share
    return out


def what_if(
    optimal: pd.DataFrame,
    allocation: float,
    requests: pd.Series | None,
    changes: list[float],
    other_public: pd.Series | None = None,
) -> pd.DataFrame:
    """The allocation changed by each relative ``change`` (0 = as given): what is
    distributed, what stays undistributed, how many services get their full request,
    and the deficit."""
    rows = []
    for change in [0.0, *changes]:
        amount = allocation * (1 + change)
        real = allocate(optimal, amount, requests, other_public)
        full = (
            int((real["deficit"] <= 0).sum()) if "deficit" in real else np.nan  # at request
        )
        rows.append(
            {
                "allocation_change": change,
                "allocation": round(amount),
                "distributed": int(real["real"].sum()),
                "undistributed": real.attrs["undistributed"],
                "services_full_request": full,
                "deficit": float(real["deficit"].sum()) if "deficit" in real else np.nan,
            }
        )
    return pd.DataFrame(rows)
