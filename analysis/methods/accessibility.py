"""Spatial accessibility: distances, catchments and floating-catchment indices.

Distances are great-circle kilometres on a sphere (mean Earth radius) multiplied by a
detour factor, or taken from a supplied road-distance matrix. Pairs within a catchment
are found with a k-d tree on unit vectors, so work grows with the number of pairs in
reach rather than with demand × supply; the two steps of 2SFCA are then two weighted
``bincount`` sums over those pairs.

Two-step floating catchment (Luo & Wang 2003), with weights ``w`` (1 inside the catchment
for 2SFCA, distance-decay zones for E2SFCA, Luo & Qi 2009)::

    R_j = S_j / Σ_i w_ij P_i        (supply per weighted demand in reach of site j)
    A_i = Σ_j w_ij R_j              (supply per person reachable from location i)

A site with no demand in reach has ``R_j = 0``; a location with no site in reach has
``A_i = 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """WGS84 degrees → points on the unit sphere (n × 3)."""
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def _km_to_chord(km: float) -> float:
    return 2 * np.sin(min(km / (2 * EARTH_RADIUS_KM), np.pi / 2))


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points (broadcasting)."""
    a, b = unit_vectors(lat1, lon1), unit_vectors(lat2, lon2)
    return _chord_to_km(np.linalg.norm(a - b, axis=-1))


@dataclass(frozen=True)
class Pairs:
    """Demand–supply pairs in reach: indices into the demand and supply arrays, and the
    travel cost (km) of each pair."""

    demand: np.ndarray
    supply: np.ndarray
    cost: np.ndarray

    def __len__(self) -> int:
        return len(self.cost)

    @staticmethod
    def concat(parts: list[Pairs]) -> Pairs:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Pairs(np.zeros(0, int), np.zeros(0, int), np.zeros(0))
        return Pairs(
            np.concatenate([p.demand for p in parts]),
            np.concatenate([p.supply for p in parts]),
            np.concatenate([p.cost for p in parts]),
        )


class DemandIndex:
    """A k-d tree over demand points, built once and reused for every service type."""

    def __init__(self, lat, lon) -> None:
        self.size = len(lat)
        self.tree = cKDTree(unit_vectors(lat, lon)) if self.size else None


def pairs_within(
    demand_lat,
    demand_lon,
    supply_lat,
    supply_lon,
    max_km: float,
    detour: float = 1.0,
    index: DemandIndex | None = None,
) -> Pairs:
    """Every pair whose travel cost (great-circle km × ``detour``) is ≤ ``max_km``.

    ``index`` (built from the same demand points) saves rebuilding the demand tree.
    """
    index = index or DemandIndex(demand_lat, demand_lon)
    s = unit_vectors(supply_lat, supply_lon)
    if index.size == 0 or len(s) == 0:
        return Pairs.concat([])
    radius = _km_to_chord(max_km / detour) * (1 + 1e-12)
    coo = index.tree.sparse_distance_matrix(cKDTree(s), radius, output_type="coo_matrix")
    cost = _chord_to_km(coo.data) * detour
    # The k-d tree returns pairs in a fixed order for the same input, so results are
    # reproducible without sorting; drop the few pairs the radius margin let in.
    keep = cost <= max_km
    if keep.all():
        return Pairs(coo.row.astype(np.int64), coo.col.astype(np.int64), cost)
    return Pairs(coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64), cost[keep])


def pairs_from_matrix(matrix: pd.DataFrame, demand_ids, supply_ids, max_km: float) -> Pairs:
    """Pairs from a road-distance table (``origin, destination, km``) within ``max_km``.

    Ids not in the demand or supply lists are ignored; a supply id listed several times
    (one service registered in several forms) gives a pair for each position.
    """
    supply = pd.DataFrame({"destination": np.asarray(supply_ids), "j": np.arange(len(supply_ids))})
    demand = pd.DataFrame({"origin": np.asarray(demand_ids), "i": np.arange(len(demand_ids))})
    pairs = (
        matrix[matrix["km"] <= max_km]
        .merge(supply, on="destination")
        .merge(demand, on="origin")
        .sort_values(["i", "j"])
    )
    return Pairs(
        pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64), pairs["km"].to_numpy(float)
    )


def nearest_km(demand_lat, demand_lon, supply_lat, supply_lon, detour: float = 1.0) -> np.ndarray:
    """Travel cost (km) from every demand point to its nearest supply point (inf if none)."""
    if len(supply_lat) == 0:
        return np.full(len(demand_lat), np.inf)
    chord, _ = cKDTree(unit_vectors(supply_lat, supply_lon)).query(
        unit_vectors(demand_lat, demand_lon), k=1
    )
    return _chord_to_km(chord) * detour


def zone_weights(
    cost: np.ndarray, max_km: float, zones: list[tuple[float, float]] | None
) -> np.ndarray:
    """Distance-decay weights: ``zones`` = [(upper bound as share of ``max_km``, weight)],
    upper bounds inclusive; None = 1 everywhere in the catchment (plain 2SFCA)."""
    if zones is None:
        return np.ones_like(cost, dtype=float)
    bounds = np.array([u for u, _ in zones], float) * max_km
    weights = np.array([w for _, w in zones] + [0.0], float)
    return weights[np.searchsorted(bounds, cost, side="left")]


def two_step_fca(
    demand: np.ndarray, supply: np.ndarray, pairs: Pairs, weights: np.ndarray | None = None
) -> np.ndarray:
    """Accessibility ``A_i`` of every demand location (supply units per person)."""
    demand = np.asarray(demand, float)
    supply = np.asarray(supply, float)
    weighted_demand = demand[pairs.demand]
    if weights is not None:
        weighted_demand = weighted_demand * weights
    reach = np.bincount(pairs.supply, weights=weighted_demand, minlength=len(supply))
    ratio = np.divide(supply, reach, out=np.zeros_like(supply), where=reach > 0)
    contribution = ratio[pairs.supply]
    if weights is not None:
        contribution *= weights
    return np.bincount(pairs.demand, weights=contribution, minlength=len(demand))
