"""Optimal and real state subsidy per service (DOMAIN-finance-plan.md, section 1).

``base = price level × units − expected users' payments − health insurance``;
``optimal = base × (1 + adjustment)``, the adjustment (± a share, a parameter) coming
from the service's network score; the real subsidy distributes the region's allocation
in proportion to the optimal subsidy, never above what a service requested, and is
rounded to whole crowns so that it sums to the allocation exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


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
    """Per service (rows of ``units``: ``service_id, capacity`` and the group keys of the
    price level's index): base and optimal subsidy. ``users`` and ``health_insurance``
    are the expected payments per service id; missing price levels leave the subsidy
    missing (the service cannot be priced)."""
    df = units.copy()
    keys = list(price_level.index.names)
    df["price_level"] = price_level.reindex(pd.MultiIndex.from_frame(df[keys])).to_numpy()
    sid = df["service_id"]
    df["expected_users"] = sid.map(users).fillna(0).to_numpy()
    df["expected_health_insurance"] = sid.map(health_insurance).fillna(0).to_numpy()
    df["base"] = (
        df["price_level"] * df["capacity"] - df["expected_users"] - df["expected_health_insurance"]
    ).clip(lower=0)
    df["adjustment"] = sid.map(adjustment).fillna(0).to_numpy()
    df["optimal"] = df["base"] * (1 + df["adjustment"])
    return df


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


def allocate(optimal: pd.DataFrame, allocation: float, requests: pd.Series | None):
    """Real subsidy per service: the allocation (whole crowns) in proportion to the optimal
    subsidy, capped at the request where ``requests`` (per service id) holds one. When
    the requests together are below the allocation the rest stays undistributed
    (``undistributed`` in the attributes)."""
    df = optimal.copy()
    weights = df["optimal"].fillna(0).to_numpy(float)
    caps = np.full(len(df), np.inf)
    if requests is not None:
        req = df["service_id"].map(requests).to_numpy(float)
        caps = np.where(np.isnan(req), np.inf, np.floor(req))
        df["requested"] = req
    target = round(allocation)
    capacity_total = caps[weights > 0].sum()
    distributable = min(target, int(capacity_total)) if np.isfinite(capacity_total) else target
    amounts = _capped_shares(weights, caps, float(distributable))
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
    optimal: pd.DataFrame, allocation: float, requests: pd.Series | None, changes: list[float]
) -> pd.DataFrame:
    """The allocation changed by each relative ``change`` (0 = as given): what is
    distributed, how many services get their full request, and the deficit."""
    rows = []
    for change in [0.0, *changes]:
        amount = allocation * (1 + change)
        real = allocate(optimal, amount, requests)
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


def cofinancing_check(optimal: pd.DataFrame, municipal: pd.Series, rules: list) -> pd.DataFrame:
    """Per service of the allocation: the municipal co-financing the rules expect (a share
    of its optimal subsidy, by form and type), what municipalities paid in the last
    reported year (``municipal``, per service id) and whether that is enough."""
    out = optimal[["service_id", "service_type_code", "form", "capacity_unit", "optimal"]].copy()
    out["required_share"] = cofinancing_share(optimal, rules).to_numpy()
    out["required"] = out["required_share"] * out["optimal"]
    out["municipal"] = out["service_id"].map(municipal).to_numpy()
    out["meets"] = (out["municipal"] >= out["required"]).where(
        out["required"].notna() & out["municipal"].notna()
    )
    return out


def cofinancing_summary(check: pd.DataFrame) -> pd.DataFrame:
    """Per form: services, the required share, the required and the paid amounts, and how
    many services fall below the requirement."""
    g = check.groupby("form")
    return pd.DataFrame(
        {
            "services": g["service_id"].nunique(),
            "required_share": g["required_share"].median(),
            "required": g["required"].sum(),
            "municipal": g["municipal"].sum(),
            "below_required": g["meets"].agg(lambda s: int((s == False).sum())),  # noqa: E712
        }
    ).reset_index()
