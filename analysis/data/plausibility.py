"""Plausibility rules for input data beyond what a schema checks cell by cell.

Each rule either rejects the input (an error naming file, row and column) or is applied
and counted; :func:`plausibility_counts` lists every rule with its count, and the data
chapter prints them with what each did, so a report states every rule that excluded or moved
something. The rules' limits are methodology parameters (``plausibility``).

- a capacity above ``plausibility.max_capacity`` of its unit is rejected (no registered
  facility comes near it; it is a typing or unit error);
- a municipality point outside Czechia's bounding box or farther than
  ``plausibility.territory_margin_km`` from the region's ORP polygons is dropped (open
  data; canonical tables reject a point outside the box): the municipality keeps no point;
- a service point that far outside is replaced by its municipality's point, as a
  missing one is (:func:`analysis.data.dataset.place_at_municipality`);
- negative counts and population series whose men and women do not sum to the total are
  rejected by the schemas and readers (listed here so that the report names them).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely

from analysis.codelists import CAPACITY_UNITS
from analysis.data.schemas import LAT_RANGE, LON_RANGE
from analysis.errors import CellProblem

# Kilometres per degree of latitude (mean); longitude is scaled by cos(latitude).
KM_PER_DEGREE = 111.2


def capacity_problems(
    services: pd.DataFrame, limits: dict[str, float], file: str, row_offset: int = 2
) -> list[CellProblem]:
    """Rows whose capacity exceeds the plausible maximum of its unit (row = index +
    offset; an index repeated for the forms of one registry item is named once)."""
    limit = services["capacity_unit"].map(limits).to_numpy(dtype=float)
    capacity = services["capacity"].to_numpy(dtype=float)
    units = services["capacity_unit"].to_numpy()
    problems = {}
    for pos in np.flatnonzero(capacity > limit):
        row = int(services.index[pos]) + row_offset
        problems.setdefault(
            (row, capacity[pos]),
            CellProblem(
                file,
                row,
                "capacity",
                f"{capacity[pos]:g}",
                f"at most {limits[units[pos]]:g} {CAPACITY_UNITS[units[pos]]} per service and "
                "form (plausibility.max_capacity; no registered facility comes near it)",
            ),
        )
    return list(problems.values())


# What the bounding-box rule did to a point, per table (the report's wording).
OUTSIDE_RULES = {
    "municipalities": "bod obce mimo území Česka: obec zůstává bez bodu",
    "services": "bod služby mimo území Česka: služba umístěna do bodu své obce",
}


def drop_outside_country(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Empty the points of ``table`` (``lat``, ``lon``) outside Czechia's bounding box, in
    place, before the schema would reject them; returns one record per dropped point
    (see :func:`dropped_points`; ``name`` is ``municipalities`` or ``services``)."""
    lat, lon = (pd.to_numeric(table[c], errors="coerce") for c in ("lat", "lon"))
    outside = (lat.notna() | lon.notna()) & ~(lat.between(*LAT_RANGE) & lon.between(*LON_RANGE))
    points = dropped_points(table[outside], name, OUTSIDE_RULES[name])
    table.loc[outside, ["lat", "lon"]] = None
    return points


POINT_COLUMNS = ["file", "row", "record", "lat", "lon", "rule"]
_KEYS = {"municipalities": ["municipality_code"], "services": ["service_id", "form"]}


def dropped_points(
    dropped: pd.DataFrame,
    name: str,
    rule: str,
    file: str | None = None,
    row_offset: int | None = None,
) -> pd.DataFrame:
    """One record per dropped point: ``file`` and ``row`` from the table's provenance
    columns (:mod:`analysis.data.provenance`; ``_point_file`` and ``_point_row`` where
    the point came from another file than the rest of the row) where it has them, else
    ``file`` and the index + ``row_offset`` (missing without an offset); ``record`` (the
    municipality code, or the service id and form), ``lat``, ``lon`` and ``rule``."""
    if "_point_file" in dropped:  # the point came from another file than the row
        files = dropped["_point_file"].to_numpy()
        rows = pd.array(dropped["_point_row"], dtype="Int64")
    elif "_file" in dropped and "_row" in dropped:
        files, rows = dropped["_file"].to_numpy(), pd.array(dropped["_row"], dtype="Int64")
    else:
        files = file or name
        rows = (
            pd.array(dropped.index + row_offset, dtype="Int64")
            if row_offset is not None
            else pd.array([pd.NA] * len(dropped), dtype="Int64")
        )
    keys = [k for k in _KEYS[name] if k in dropped]
    return pd.DataFrame(
        {
            "file": files,
            "row": rows,
            "record": dropped[keys].astype(str).agg(" ".join, axis=1).to_numpy()
            if len(dropped)
            else [],
            "lat": pd.to_numeric(dropped["lat"], errors="coerce").to_numpy(float),
            "lon": pd.to_numeric(dropped["lon"], errors="coerce").to_numpy(float),
            "rule": rule,
        },
        columns=POINT_COLUMNS,
    )


def _planar(geometry: shapely.Geometry | np.ndarray, lat0: float) -> shapely.Geometry:
    """WGS84 degrees to kilometres on a plane tangent at latitude ``lat0``."""
    scale = np.array([KM_PER_DEGREE * math.cos(math.radians(lat0)), KM_PER_DEGREE])
    return shapely.transform(geometry, lambda xy: xy * scale)


def outside_territory(
    lat: pd.Series, lon: pd.Series, polygons: pd.DataFrame, margin_km: float
) -> pd.Series:
    """Whether each point lies farther than ``margin_km`` from the ORP polygons (missing
    points are not outside: they are missing)."""
    out = pd.Series(False, index=lat.index)
    known = lat.notna() & lon.notna()
    if not known.any() or polygons.empty:
        return out
    territory = shapely.union_all(polygons["geometry"].to_numpy())
    lat0 = territory.centroid.y
    area = _planar(territory, lat0)
    shapely.prepare(area)
    points = _planar(shapely.points(lon[known].to_numpy(), lat[known].to_numpy()), lat0)
    inside = shapely.contains(area, points)
    far = ~inside
    far[far] = shapely.distance(area, points[far]) > margin_km
    out[known] = far
    return out


# What the territory rule did to a point, per table (the report's wording).
POINT_RULES = {
    "municipalities": "bod obce dál než {margin} km od hranic ORP kraje: obec zůstává bez bodu",
    "services": "bod služby dál než {margin} km od hranic ORP kraje: služba umístěna do bodu "
    "své obce",
}


def apply_territory_rule(
    municipalities: pd.DataFrame,
    services: pd.DataFrame,
    polygons: pd.DataFrame,
    margin_km: float,
    files: dict[str, str] | None = None,
    row_offset: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int], pd.DataFrame]:
    """Drop municipality points and service points outside the territory (see module).

    Returns the two tables, the number of points dropped from each and one record per
    dropped point (:func:`dropped_points`: ``files`` names the source of each table,
    ``row_offset`` turns the index into its row where the tables keep the file's order
    and carry no provenance columns). The service points are then filled from the municipality by
    ``place_at_municipality``.
    """
    counts = {}
    out = {}
    points = []
    for name, table in (("municipalities", municipalities), ("services", services)):
        far = outside_territory(table["lat"], table["lon"], polygons, margin_km)
        if far.any():
            points.append(
                dropped_points(
                    table[far],
                    name,
                    POINT_RULES[name].format(margin=f"{margin_km:g}"),
                    (files or {}).get(name),
                    row_offset,
                )
            )
        table = table.copy()
        table.loc[far, ["lat", "lon"]] = np.nan
        out[name] = table
        counts[name] = int(far.sum())
    if not points:
        return out["municipalities"], out["services"], counts, pd.DataFrame(columns=POINT_COLUMNS)
    return out["municipalities"], out["services"], counts, pd.concat(points, ignore_index=True)


# The rules in the order the report states them; the data chapter words them in Czech.
RULES = (
    "municipality_point",  # dropped
    "service_point",  # moved to the municipality
    "capacity",  # rejected
    "negative",  # rejected
    "population_sum",  # rejected
    "population_structure",  # rejected
)
REJECTING = frozenset(RULES[2:])


def plausibility_counts(counts: dict[str, int], services_checked: bool) -> pd.DataFrame:
    """Records each rule applied to in this run (``rule``, ``records``). Rules that reject
    a file count 0 in any published run (a report is never built from a rejected file);
    rules about services have no count (missing) when the registry was not checked."""
    records = {
        "municipality_point": counts.get("municipalities", 0),
        "service_point": counts.get("services", 0) if services_checked else None,
        "capacity": 0 if services_checked else None,
    }
    return pd.DataFrame(
        {"rule": list(RULES), "records": [records.get(r, 0) for r in RULES]}
    ).astype({"records": "Int64"})
