"""Territory of the fictional demo region: municipalities, ORPs, districts, polygons.

The region is an irregular blob of about 8,000 km² placed inside Czechia's bounding box.
Municipalities are scattered points; each gets a Voronoi cell, and an ORP is the union of
the cells of its municipalities, which gives ORP borders the jagged look of real ones.
Work is done in a local plane (km east and north of the centre), then converted to WGS84.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

from analysis.demo.names import RIVERS, place_names

REGION_CODE = "CZX00"  # 'X' never occurs in real Czech NUTS codes (CZ010 … CZ080)
REGION_NAME = "Vzorový kraj"
CAPITAL_NAME = "Vzorov"
CENTRE_LAT, CENTRE_LON = 49.55, 15.75
KM_PER_DEG_LAT = 111.2


@dataclass
class Territory:
    municipalities: pd.DataFrame  # one row per municipality, canonical columns + x, y, kind
    orp_polygons: list[dict]  # GeoJSON features


def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = CENTRE_LAT + y / KM_PER_DEG_LAT
    lon = CENTRE_LON + x / (KM_PER_DEG_LAT * math.cos(math.radians(CENTRE_LAT)))
    return lon, lat


def _outline(rng: np.random.Generator) -> Polygon:
    theta = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    r = np.ones_like(theta)
    for k in range(2, 7):
        r += rng.uniform(0.02, 0.09) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    return Polygon(np.c_[62 * r * np.cos(theta), 44 * r * np.sin(theta)])


def _scatter(
    area: Polygon, n: int, min_dist: float, rng: np.random.Generator, fixed: np.ndarray
) -> np.ndarray:
    pts = list(fixed)
    minx, miny, maxx, maxy = area.bounds
    while len(pts) < n:
        p = rng.uniform([minx, miny], [maxx, maxy])
        if not area.contains(Point(p)):
            continue
        if pts and np.min(np.hypot(*(np.asarray(pts) - p).T)) < min_dist:
            continue
        pts.append(p)
    return np.asarray(pts)


def _seeds(area: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    inner = area.buffer(-8)
    return _scatter(inner, n, 20.0, rng, fixed=np.zeros((1, 2)))


def build_territory(
    rng: np.random.Generator, n_orp: int = 12, n_municipalities: int = 320
) -> Territory:
    """Generate the demo territory (seed-determined through ``rng``)."""
    area = _outline(rng)
    seeds = _seeds(area, n_orp, rng)  # seeds[0] is the regional capital at the centre
    pts = _scatter(area, n_municipalities, 2.6, rng, fixed=seeds)

    # ORP membership: nearest seed, with a little noise so borders are not straight.
    d = np.hypot(pts[:, None, 0] - seeds[None, :, 0], pts[:, None, 1] - seeds[None, :, 1])
    d *= rng.uniform(0.9, 1.1, size=d.shape)
    orp_idx = d.argmin(axis=1)
    orp_idx[:n_orp] = np.arange(n_orp)

    cells = shapely.voronoi_polygons(MultiPoint(pts), extend_to=area.buffer(50))
    cell_of = np.full(len(pts), -1)
    cell_geoms = list(cells.geoms)
    tree = shapely.STRtree(cell_geoms)
    for i, p in enumerate(pts):
        for j in tree.query(Point(p), predicate="intersects"):
            cell_of[i] = j
            break
    clipped = [cell_geoms[c].intersection(area) for c in cell_of]

    # Districts: ORPs grouped by angle around the centre, capital in its own sector.
    angles = np.arctan2(seeds[:, 1], seeds[:, 0])
    order = np.argsort(angles[1:]) + 1
    n_districts = 4
    district_of_orp = np.zeros(n_orp, dtype=int)
    for k, chunk in enumerate(np.array_split(order, n_districts)):
        district_of_orp[chunk] = k
    district_of_orp[0] = district_of_orp[order[0]]

    names = place_names(n_municipalities, rng)
    names[0] = CAPITAL_NAME
    for k in range(1, min(len(RIVERS), n_orp - 1) + 1):
        names[k] = f"{names[k]} {RIVERS[k - 1]}"

    orp_codes = [f"99{i + 1:02d}" for i in range(n_orp)]
    # District named after its largest town: the capital, else its first ORP seat.
    district_names = {}
    for k in range(n_districts):
        members = np.flatnonzero(district_of_orp == k)
        district_names[k] = names[int(members.min())]
    muni_codes = [f"{990001 + i * 7}" for i in range(n_municipalities)]

    lon, lat = to_lonlat(pts[:, 0], pts[:, 1])
    kind = np.array(["obec"] * n_municipalities, dtype=object)
    kind[1:n_orp] = "orp_seat"
    kind[0] = "capital"
    munis = pd.DataFrame(
        {
            "municipality_code": muni_codes,
            "municipality_name": names,
            "orp_code": [orp_codes[i] for i in orp_idx],
            "orp_name": [names[i] for i in orp_idx],
            "district_code": [f"{REGION_CODE}{district_of_orp[i] + 1}" for i in orp_idx],
            "district_name": [district_names[district_of_orp[i]] for i in orp_idx],
            "region_code": REGION_CODE,
            "region_name": REGION_NAME,
            "lat": np.round(lat, 5),
            "lon": np.round(lon, 5),
            "x": pts[:, 0],
            "y": pts[:, 1],
            "kind": kind,
        }
    )

    features = []
    for i, code in enumerate(orp_codes):
        geom = shapely.union_all([clipped[m] for m in np.flatnonzero(orp_idx == i)])
        geom = shapely.simplify(geom, 0.3)
        geom = _plane_to_wgs84(geom)
        features.append(
            {
                "type": "Feature",
                "properties": {"orp_code": code, "orp_name": names[i]},
                "geometry": mapping(geom),
            }
        )
    return Territory(munis, features)


def _plane_to_wgs84(geom: shapely.Geometry) -> shapely.Geometry:
    def tf(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_lonlat(coords[:, 0], coords[:, 1])
        return np.round(np.c_[lon, lat], 5)

    out = shapely.transform(geom, tf)
    return out if out.is_valid else shapely.make_valid(out)
