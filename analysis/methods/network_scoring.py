"""Scoring of services against the network criteria: signals for review and their
sensitivity to the weights and to the normatives.

The region adopts the criteria, their weights and their scales; the score only points to
services to review with the region ("k prověření"). It is never a verdict: a service
leaves the network only by the region's decision on the conditions the region states.

Each criterion is a property of the service itself (its need, availability, cost,
staffing, occupancy), has a raw value per service, a scale (breakpoints, the
normatives; the points are the number of breakpoints the value passes in the better
direction, 0 to their count) and a weight. The score is the weighted mean of the points
of the criteria a service has, as a share of the maximum, times 100; a criterion without
a value drops out of both sums (the remaining weights are used). Bands cut the score
into signals (no signal / review).

Sensitivity: each weight moved by ± a share alone; all breakpoints of one criterion
moved by ± a share alone (the points of that criterion recomputed from the raw values);
and random weight vectors from a Dirichlet distribution centred on the weights (fixed
seed). Scores of many weight vectors are one matrix product, in chunks to bound the
memory.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from analysis.methods import finance_benchmark as fb

# Signals, not verdicts: no label may name an exit from the network.
BAND_LABELS = {"no_signal": "bez podnětu", "review": "k prověření"}
CRITERION_LABELS = {
    "need": "potřebnost",
    "availability": "dostupnost",
    "cost": "nákladovost",
    "staffing": "personální zajištění",
    "occupancy": "obložnost",
}


def _criterion_points(
    v: np.ndarray, breakpoints: Sequence[float] | np.ndarray, higher_is_better: bool
) -> np.ndarray:
    """Number of breakpoints each value passes in the better direction (NaN stays NaN)."""
    b = np.asarray(breakpoints, float)
    passed = (v[:, None] >= b[None, :]) if higher_is_better else (v[:, None] <= b[None, :])
    p = passed.sum(axis=1).astype(float)
    p[np.isnan(v)] = np.nan
    return p


def points(values: pd.DataFrame, criteria: dict) -> pd.DataFrame:
    """Points per service and criterion (missing where the raw value is missing)."""
    out = pd.DataFrame(index=values.index)
    for name, c in criteria.items():
        out[name] = _criterion_points(
            values[name].to_numpy(float), c.breakpoints, c.higher_is_better
        )
    return out


def scores(p: np.ndarray, maxima: np.ndarray, weights: np.ndarray, min_criteria: int):
    """Scores 0–100 of services (rows of ``p``) under weight vectors (rows of
    ``weights``, or one vector): services × vectors. NaN where fewer than
    ``min_criteria`` criteria have a value."""
    w = np.atleast_2d(weights).astype(float)
    have = ~np.isnan(p)
    filled = np.where(have, p / maxima, 0.0)
    num = filled @ w.T
    den = have.astype(float) @ w.T
    with np.errstate(invalid="ignore", divide="ignore"):
        s = 100 * num / den
    s[have.sum(axis=1) < min_criteria, :] = np.nan
    return s


def bands_of(s: np.ndarray, cuts: list) -> np.ndarray:
    """Band index per score (0 = the band with the highest minimum); -1 for no score."""
    order = sorted(cuts, key=lambda b: -b.min_score)
    out = np.full(s.shape, -1, dtype=np.int8)
    for i in reversed(range(len(order))):
        out[s >= order[i].min_score] = i
    out[np.isnan(s)] = -1
    return out


def band_names(cuts: list) -> list[str]:
    """Band keys from the highest minimum score down (the order of ``bands_of``)."""
    return [b.band for b in sorted(cuts, key=lambda b: -b.min_score)]


def _ranks(s: np.ndarray) -> np.ndarray:
    return rankdata(s, axis=0, method="average")


def _spearman(base_rank: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Spearman correlation of each column of ``s`` with the base ranks."""
    r = _ranks(s)
    a = base_rank - base_rank.mean()
    b = r - r.mean(axis=0)
    return (a @ b) / np.sqrt((a @ a) * (b * b).sum(axis=0))


@dataclass
class Scoring:
    table: pd.DataFrame  # per service: points, score, rank, band, driver
    criteria: list[str]
    weights: np.ndarray
    maxima: np.ndarray


def score_services(values: pd.DataFrame, criteria: dict, cuts: list, min_criteria: int):
    """Points, score, rank, signal (band) and the criterion to discuss per service.

    Only the criteria in ``criteria`` are scored; ``values`` holds their raw values (the
    table keeps them). The driver, the criterion to discuss with the service, is for a
    service below the top band the criterion with the largest weighted shortfall from
    its maximum; for a service in the top band, the one with the largest weighted
    contribution.
    """
    # A fixed order (not the mapping's): the same parameters read from YAML or from the
    # pipeline's sorted JSON give the same weight vector and the same random draws.
    names = [n for n in CRITERION_LABELS if n in criteria]
    p = points(values, {n: criteria[n] for n in names})
    maxima = np.array([len(criteria[n].breakpoints) for n in names], float)
    w = np.array([criteria[n].weight for n in names], float)
    s = scores(p.to_numpy(), maxima, w, min_criteria)[:, 0]
    band = bands_of(s, cuts)
    labels = band_names(cuts)
    have = ~np.isnan(p.to_numpy())
    rel = np.where(have, p.to_numpy() / maxima, np.nan)
    shortfall = np.where(have, w * (1 - rel), -np.inf)
    contribution = np.where(have, w * rel, -np.inf)
    driver_idx = np.where(band == 0, contribution.argmax(axis=1), shortfall.argmax(axis=1))
    table = values.copy()
    for n in names:
        table[f"points_{n}"] = p[n]
    table["criteria_scored"] = have.sum(axis=1)
    table["score"] = s
    table["rank"] = pd.Series(s).rank(ascending=False, method="min").to_numpy()
    table["band"] = [labels[b] if b >= 0 else None for b in band]
    table["driver"] = [names[d] if b >= 0 else None for d, b in zip(driver_idx, band, strict=True)]
    return Scoring(table, names, w, maxima)


def _baseline(sc: Scoring, cuts: list):
    """Points of every service, which services have a score, and their base signals and
    ranks (what each sensitivity compares against)."""
    p = sc.table[[f"points_{n}" for n in sc.criteria]].to_numpy()
    base = sc.table["score"].to_numpy()
    ok = ~np.isnan(base)
    return p, ok, bands_of(base, cuts)[ok], _ranks(base[ok])


def _against_base(s: np.ndarray, base_rank: np.ndarray, base_band: np.ndarray, cuts: list):
    """Rank correlation of one column of scores with the base ranking, and the share of
    services whose signal differs from the base."""
    return {
        "rank_correlation": float(_spearman(base_rank, s)[0]),
        "band_changed_share": float((bands_of(s[:, 0], cuts) != base_band).mean()),
    }


def one_at_a_time(sc: Scoring, cuts: list, change: float, min_criteria: int) -> pd.DataFrame:
    """Each weight × (1 ± change), the others kept: rank correlation with the base
    ranking and the share of scored services whose signal (band) changes."""
    p, ok, base_band, base_rank = _baseline(sc, cuts)
    rows = []
    for i, name in enumerate(sc.criteria):
        for sign in (-1, 1):
            w = sc.weights.copy()
            w[i] *= 1 + sign * change
            s = scores(p, sc.maxima, w, min_criteria)[ok]
            rows.append(
                {"criterion": name, "weight_change": sign * change}
                | _against_base(s, base_rank, base_band, cuts)
            )
    return pd.DataFrame(rows)


def normative_one_at_a_time(
    sc: Scoring, criteria: dict, cuts: list, change: float, min_criteria: int
) -> pd.DataFrame:
    """All breakpoints (normatives) of one criterion × (1 ± change), the other criteria
    and every weight kept: rank correlation with the base ranking and the share of scored
    services whose signal (band) changes.

    The points of the shifted criterion are recomputed from the raw values, which
    ``sc.table`` keeps under the criterion's name; ``criteria`` gives the breakpoints and
    directions. The shift is relative, so a breakpoint at zero does not move.
    """
    p, ok, base_band, base_rank = _baseline(sc, cuts)
    rows = []
    for i, name in enumerate(sc.criteria):
        c = criteria[name]
        raw = sc.table[name].to_numpy(float)
        for sign in (-1, 1):
            shifted = p.copy()
            breakpoints = np.asarray(c.breakpoints, float) * (1 + sign * change)
            shifted[:, i] = _criterion_points(raw, breakpoints, c.higher_is_better)
            s = scores(shifted, sc.maxima, sc.weights, min_criteria)[ok]
            rows.append(
                {"criterion": name, "normative_change": sign * change}
                | _against_base(s, base_rank, base_band, cuts)
            )
    return pd.DataFrame(rows)


def random_weights(
    sc: Scoring,
    cuts: list,
    draws: int,
    concentration: float,
    seed: int,
    min_criteria: int,
    chunk: int = 1000,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dirichlet weight vectors centred on the weights: per service the probability of
    each signal (band), and per draw the rank correlation and the share changing it."""
    p, ok, base_band, base_rank = _baseline(sc, cuts)
    p_ok = p[ok]
    alpha = concentration * sc.weights / sc.weights.sum()
    # A zero weight stays zero (Dirichlet needs positive parameters).
    active = alpha > 0
    rng = np.random.default_rng(seed)
    labels = band_names(cuts)
    counts = np.zeros((int(ok.sum()), len(labels)), np.int64)
    corr, changed = [], []
    for start in range(0, draws, chunk):
        n = min(chunk, draws - start)
        w = np.zeros((n, len(alpha)))
        w[:, active] = rng.dirichlet(alpha[active], size=n)
        s = scores(p_ok, sc.maxima, w, min_criteria)
        b = bands_of(s, cuts)
        for k in range(len(labels)):
            counts[:, k] += (b == k).sum(axis=1)
        changed.append((b != base_band[:, None]).mean(axis=0))
        corr.append(_spearman(base_rank, s))
    probs = pd.DataFrame(counts / draws, columns=[f"p_{x}" for x in labels])
    probs.insert(0, "service_id", sc.table.loc[ok, "service_id"].to_numpy())
    per_draw = pd.DataFrame(
        {"rank_correlation": np.concatenate(corr), "band_changed_share": np.concatenate(changed)}
    )
    return probs, per_draw


def criterion_values(
    units: pd.DataFrame,
    orp_of: pd.Series,
    gaps: pd.DataFrame,
    areas: dict[str, pd.Series],
    levels: dict[int, str],
    access_orp: pd.DataFrame,
    access_region: pd.Series,
    latest: pd.DataFrame,
    reference_cost: pd.Series,
    criteria: Collection[str],
) -> pd.DataFrame:
    """Raw value of each criterion in ``criteria`` (names; the others are not computed)
    per service. Every criterion is a property of the service: of its type in its own
    area, or of its own finance report.

    ``units``: one row per service (id, type, form, registered ``capacity_unit`` and
    ``network_unit``); ``orp_of``: service id → ORP code.

    - need: relative gap (capacity − demand) / demand of the service's type and
      registered unit in its planning area, middle variant (``gaps`` of the demand
      chapter; dimensionless, so the registered unit is fine);
    - availability: E2SFCA index of the type in the service's ORP / the region's
      population-weighted index (``access_orp``, ``access_region`` by type);
    - cost: cost per network unit (bed, or FTE of direct-care staff) / the reference
      cost of its type, form and network unit (``reference_cost`` indexed by
      ``fb.GROUP``; ``latest``: indicator rows of the last finance year, only comparable
      rows count for every criterion from the report);
    - staffing: share of direct-care FTE in all FTE (same rows);
    - occupancy: bed occupancy / the network's minimum occupancy, only for services
      the network counts in beds (``network_unit`` "luzka" with a ``min_occupancy``);
      NaN for the others, which an occupancy of beds does not describe.
    """
    wanted = set(criteria)
    df = units[["service_id", "service_type_code", "form", "capacity_unit", "network_unit"]].copy()
    df["orp_code"] = df["service_id"].map(orp_of)
    code = df["service_type_code"].astype(int)
    if "need" in wanted:
        level = code.map(lambda c: levels.get(c, "local"))
        area = [
            areas[lv].get(o) if isinstance(o, str) else None
            for lv, o in zip(level, df["orp_code"], strict=True)
        ]
        g = gaps.set_index(["area_code", "service_type_code", "capacity_unit"])
        rel = g["gap_median"] / g["demand_median"].where(g["demand_median"] > 0)
        df["need"] = rel.reindex(
            pd.MultiIndex.from_arrays([area, code, df["capacity_unit"]])
        ).to_numpy()
    if "availability" in wanted:
        acc = access_orp.set_index(["orp_code", "service_type_code"])["ae2sfca"]
        region = code.map(access_region).where(lambda s: s > 0)
        df["availability"] = (
            acc.reindex(pd.MultiIndex.from_arrays([df["orp_code"], code])).to_numpy() / region
        )
    cur = latest[latest["comparable"]].set_index("service_id")
    if "cost" in wanted:
        ref = reference_cost.reindex(pd.MultiIndex.from_frame(df[fb.GROUP])).to_numpy()
        df["cost"] = df["service_id"].map(cur["cost_per_unit"]).to_numpy() / ref
    if "staffing" in wanted:
        df["staffing"] = df["service_id"].map(cur["direct_share"]).to_numpy()
    if "occupancy" in wanted:
        beds = cur["network_unit"].eq("luzka") & cur["min_occupancy"].gt(0)
        ratio = (cur["occupancy"] / cur["min_occupancy"]).where(beds)
        df["occupancy"] = df["service_id"].map(ratio).to_numpy()
    return df


def draw_summary(per_draw: pd.DataFrame, level: float) -> pd.DataFrame:
    """Mean and central ``level`` interval of the rank correlation and of the share of
    services changing signal (band) over the random weight vectors."""
    q = [(1 - level) / 2, 1 - (1 - level) / 2]
    rows = []
    for col in ("rank_correlation", "band_changed_share"):
        v = per_draw[col]
        rows.append(
            {
                "measure": col,
                "mean": float(v.mean()),
                "low": float(v.quantile(q[0])),
                "high": float(v.quantile(q[1])),
            }
        )
    return pd.DataFrame(rows)
