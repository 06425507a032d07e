"""Development intentions of the action plan: conditions, score and the funded set.

Each intention that adds capacity is checked against these conditions:

- municipal co-financing at least the share of the costs of the new service that its
  form and type require (the finance chapter's co-financing parameters, South Moravian
  rule: 10–20 % of the costs of new services);
- need declared by the ORP;
- consistency with a plan priority: the priority of its measure serves a target group
  the service type serves (or all groups);
- support in the demand chapter's gap of its planning area and type: *potvrzena* when
  the whole interval of the gap is a shortage, *pravděpodobná* when the median is,
  *nepotvrzena* otherwise (*nelze posoudit* where the demand model has no such type);
- new residential places within the size of community services (government resolution
  127/2007: up to 18 users), unless a parameter allows larger ones.

Capacity is counted in the intention's own unit (beds, clients …) and never added across
units. What an intention achieves is the *share* of its area's shortage it closes,
``min(capacity added, median shortage) / median shortage``: a dimensionless number, so
10 beds that close a shortage of 10 beds (100 %) weigh more than 60 clients against a
shortage of 300 clients (20 %). The cost is the recurring cost over the plan horizon
(the yearly amount asked of the development budget — its requested subsidy, else its
cost — times the years of operation counted). The score is the share closed per million
CZK of that cost; the yearly amount is the request, at most the cost less the municipal
share. The funded set maximises the sum of shares closed within the year's
budget, exactly: an integer program (``scipy.optimize.milp``) in which intentions of the
same area, type and unit share one shortage, so that two intentions never close the same
gap twice. Among sets closing the same share, the cheaper one is chosen.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis.codelists import DEFAULT_TARGET_GROUPS
from analysis.methods.subsidy import cofinancing_share


@dataclass(frozen=True)
class ResidentialRule:
    """New residential capacity within the size of community services: intentions of
    ``types`` adding more than ``max_places`` beds are flagged and not funded unless
    ``fund_large``."""

    types: tuple[int, ...]
    max_places: int
    fund_large: bool


SUPPORT = {
    "confirmed": "potvrzena",
    "likely": "pravděpodobná",
    "none": "nepotvrzena",
    "unknown": "nelze posoudit",
}
MILLION = 1e6


def intention_checks(
    action_plan: pd.DataFrame,
    year: int,
    measures: pd.DataFrame,
    priorities: pd.DataFrame,
    gaps: pd.DataFrame,
    areas: dict[str, pd.Series],
    levels: dict[int, str],
    cofinancing_rules: list,
    residential: ResidentialRule,
    operating_years: int,
) -> pd.DataFrame:
    """The intentions of the action plan of ``year`` that add capacity of a service type
    in an ORP, with each condition, the gap of their area (middle variant) and the score.
    ``gaps``: the demand chapter's gap table of one variant."""
    ap = action_plan[
        (action_plan["year"] == year)
        & action_plan["service_type_code"].notna()
        & action_plan["orp_code"].notna()
        & (action_plan["capacity_change"] > 0)
    ].copy()
    ap["service_type_code"] = ap["service_type_code"].astype(int)
    for col in ("requested_subsidy_czk", "municipal_share", "need_declared"):
        if col not in ap:
            ap[col] = np.nan if col != "need_declared" else pd.NA
    ap["required_share"] = cofinancing_share(ap, cofinancing_rules).to_numpy()
    # The municipalities' part of the costs of the new service (its yearly cost).
    ap["required_municipal_czk"] = ap["required_share"] * ap["cost_czk"]
    ap["cofinancing_ok"] = (ap["municipal_share"] >= ap["required_share"]).where(
        ap["municipal_share"].notna() & ap["required_share"].notna()
    )
    ap["need_ok"] = ap["need_declared"].astype("boolean")
    priority = measures.set_index("measure_id")["priority_id"]
    group = priorities.set_index("priority_id")["target_group"]
    ap["priority_id"] = ap["measure_id"].map(priority)
    served = ap["service_type_code"].map(lambda c: DEFAULT_TARGET_GROUPS.get(int(c), ()))
    target = ap["priority_id"].map(group)
    ap["priority_ok"] = [t == "vsechny" or t in s for t, s in zip(target, served, strict=True)]
    ap["large_residential"] = (
        ap["service_type_code"].isin(residential.types)
        & (ap["capacity_unit"] == "luzka")
        & (ap["capacity_change"] > residential.max_places)
    )
    level = ap["service_type_code"].map(lambda c: levels.get(int(c), "local"))
    ap["area_code"] = [areas[lv].get(o) for lv, o in zip(level, ap["orp_code"], strict=True)]
    g = gaps.set_index(["area_code", "service_type_code", "capacity_unit"])
    keys = pd.MultiIndex.from_arrays(
        [ap["area_code"], ap["service_type_code"], ap["capacity_unit"]]
    )
    for col in ("gap_median", "gap_low", "gap_high"):
        ap[col] = g[col].reindex(keys).to_numpy() if len(g) else np.nan
    ap["support"] = np.select(
        [ap["gap_median"].isna(), ap["gap_high"] < 0, ap["gap_median"] < 0],
        [SUPPORT["unknown"], SUPPORT["confirmed"], SUPPORT["likely"]],
        SUPPORT["none"],
    )
    ap["eligible"] = (
        ap["cofinancing_ok"].fillna(False).astype(bool)
        & ap["need_ok"].fillna(False).astype(bool)
        & ap["priority_ok"]
        & ap["support"].isin([SUPPORT["confirmed"], SUPPORT["likely"]])
        & (~ap["large_residential"] | residential.fund_large)
    )
    # What the region pays: the request (else the cost), never more than the cost less
    # the municipalities' declared part of it.
    asked = ap["requested_subsidy_czk"].fillna(ap["cost_czk"])
    rest = ap["cost_czk"] * (1 - ap["municipal_share"].fillna(0))
    ap["budget_czk"] = np.fmin(asked, rest)
    ap["cost_horizon_czk"] = ap["budget_czk"] * operating_years
    shortage = (-ap["gap_median"]).clip(lower=0)
    ap["gap_closed"] = np.minimum(ap["capacity_change"], shortage.fillna(0))
    ap["gap_closed_share"] = (ap["gap_closed"] / shortage.where(shortage > 0)).fillna(0.0)
    ap["score"] = ap["gap_closed_share"] / (ap["cost_horizon_czk"] / MILLION).where(
        ap["cost_horizon_czk"] > 0
    )
    return ap.sort_values(["eligible", "score"], ascending=[False, False]).reset_index(drop=True)


def _groups(candidates: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Group index of each candidate (same area, type and unit share a shortage) and the
    shortage of each group."""
    keys = pd.MultiIndex.from_frame(candidates[["area_code", "service_type_code", "capacity_unit"]])
    index, _ = pd.factorize(keys)  # groups numbered in order of first appearance
    shortage = (-candidates["gap_median"]).clip(lower=0).groupby(index).first()
    return index, shortage.to_numpy(float)


def select_funded(candidates: pd.DataFrame, budget: float) -> np.ndarray:
    """Which candidates to fund (boolean per row): the largest sum of shortage shares
    closed within ``budget`` (``capacity_change``, ``budget_czk``, ``area_code``,
    ``service_type_code``, ``capacity_unit``, ``gap_median`` per row), the cheapest
    such set on a tie. Capacity enters only divided by its own group's shortage."""
    n = len(candidates)
    if n == 0:
        return np.zeros(0, bool)
    group, shortage = _groups(candidates)
    m = len(shortage)
    cap = candidates["capacity_change"].to_numpy(float)
    cost = candidates["budget_czk"].to_numpy(float)
    # Share of each candidate's capacity in its group's shortage (0 without a shortage).
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(shortage[group] > 0, cap / shortage[group], 0.0)
    # Variables: x (n, binary: fund), y (m, continuous: share of each group's shortage
    # closed, at most 1). Maximise Σy − ε·Σcost·x, ε too small to trade share for money.
    eps = 1e-4 / max(cost.sum(), 1.0)
    c = np.concatenate([eps * cost, -np.ones(m)])
    link = np.zeros((m, n + m))
    for i, g in enumerate(group):
        link[g, i] = -share[i]
    link[np.arange(m), n + np.arange(m)] = 1.0  # y_g − Σ share_i x_i ≤ 0
    spend = np.concatenate([cost, np.zeros(m)])[None, :]
    res = milp(
        c,
        constraints=[
            LinearConstraint(link, -np.inf, 0.0),
            LinearConstraint(spend, -np.inf, budget),
        ],
        integrality=np.concatenate([np.ones(n), np.zeros(m)]),
        bounds=Bounds(np.zeros(n + m), np.concatenate([np.ones(n), (shortage > 0) * 1.0])),
        options={"mip_rel_gap": 0.0},
    )
    if not res.success:  # the empty set is always feasible; this is a solver failure
        raise RuntimeError(f"the funding optimisation failed: {res.message}")
    return res.x[:n] > 0.5


def closed_by_group(candidates: pd.DataFrame, funded: np.ndarray) -> pd.DataFrame:
    """Per area, type and unit of a funded set: the shortage, the capacity funded, the
    gap closed (the smaller of the two) and its share of the shortage. Each row is in
    its own unit; rows are never added up."""
    group, shortage = _groups(candidates)
    keys = candidates[["area_code", "service_type_code", "capacity_unit"]]
    first = keys.groupby(group).first()
    added = np.bincount(
        group,
        weights=candidates["capacity_change"].to_numpy(float) * funded,
        minlength=len(shortage),
    )
    out = first.assign(shortage=shortage, funded_capacity=added)
    out["gap_closed"] = np.minimum(added, shortage)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["gap_closed_share"] = np.where(shortage > 0, out["gap_closed"] / shortage, 0.0)
    return out[out["funded_capacity"] > 0].reset_index(drop=True)


def shares_closed(candidates: pd.DataFrame, funded: np.ndarray) -> float:
    """The objective of a funded set: the sum over groups of the share of the shortage
    closed (dimensionless)."""
    if not funded.any():
        return 0.0
    return float(closed_by_group(candidates, funded)["gap_closed_share"].sum())


def brute_force(candidates: pd.DataFrame, budget: float) -> tuple[float, float]:
    """The best (shares closed, −cost) over every subset: a check of
    :func:`select_funded` for small instances."""
    best = (0.0, 0.0)
    cost = candidates["budget_czk"].to_numpy(float)
    for r in range(1, len(candidates) + 1):
        for subset in itertools.combinations(range(len(candidates)), r):
            chosen = np.zeros(len(candidates), bool)
            chosen[list(subset)] = True
            spent = cost[chosen].sum()
            if spent > budget:
                continue
            value = (round(shares_closed(candidates, chosen), 9), -spent)
            best = max(best, value)
    return best
