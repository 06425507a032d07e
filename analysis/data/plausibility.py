"""Plausibility rules for input data beyond what a schema checks cell by cell.

Each rule either rejects the input (an error naming file, row and column) or is applied
and counted; :func:`plausibility_table` lists every rule with its count and action, and
the data chapter prints that table, so a report states every rule that excluded or moved
something. The rules' limits are methodology parameters (``plausibility``).

- a capacity above ``plausibility.max_capacity`` of its unit is rejected (no registered
  facility comes near it; it is a typing or unit error);
- a municipality point farther than ``plausibility.territory_margin_km`` from the
  region's ORP polygons (e.g. 0, 0) is dropped: the municipality keeps no point;
- a service point that far outside is replaced by its municipality's point, as a
  missing one is (:func:`analysis.data.dataset.place_at_municipality`);
- negative counts and population series whose men and women do not sum to the total are
  rejected by the schemas and readers (listed here so that the report names them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from analysis.codelists import CAPACITY_UNITS
from analysis.errors import CellProblem

# Kilometres per degree of latitude (mean); longitude is scaled by cos(latitude).
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class RuleCount:
    """How often one plausibility rule applied in a run."""

    rule: str  # Czech statement of the rule, as printed in the report
    records: int | None  # None: the rule does not apply to this run's data
    action: str  # what happened to the records (Czech)


def capacity_problems(
    services: pd.DataFrame, limits: dict[str, float], file: str, row_offset: int = 2
) -> list[CellProblem]:
    """Rows whose capacity exceeds the plausible maximum of its unit (row = index + offset)."""
    limit = services["capacity_unit"].map(limits)
    bad = services.index[limit.notna() & (services["capacity"] > limit)]
    return [
        CellProblem(
            file,
            int(i) + row_offset,
            "capacity",
            f"{services.at[i, 'capacity']:g}",
            f"at most {limits[services.at[i, 'capacity_unit']]:g} "
            f"{CAPACITY_UNITS[services.at[i, 'capacity_unit']]} per service and form "
            "(plausibility.max_capacity; no registered facility comes near it)",
        )
        for i in bad
    ]


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


def apply_territory_rule(
    municipalities: pd.DataFrame,
    services: pd.DataFrame,
    polygons: pd.DataFrame,
    margin_km: float,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Drop municipality points and service points outside the territory (see module).

    Returns the two tables and the number of points dropped from each; the service
    points are then filled from the municipality by ``place_at_municipality``.
    """
    counts = {}
    out = {}
    for name, table in (("municipalities", municipalities), ("services", services)):
        far = outside_territory(table["lat"], table["lon"], polygons, margin_km)
        table = table.copy()
        table.loc[far, ["lat", "lon"]] = np.nan
        out[name] = table
        counts[name] = int(far.sum())
    return out["municipalities"], out["services"], counts


def plausibility_table(
    counts: dict[str, int], margin_km: float, services_checked: bool
) -> pd.DataFrame:
    """Every plausibility rule with its count in this run and what it did (Czech)."""
    margin = f"{margin_km:g}".replace(".", ",")
    rows = [
        RuleCount(
            f"bod obce dál než {margin} km od hranic ORP kraje (např. 0, 0)",
            counts.get("municipalities", 0),
            "bod se vypustí, obec zůstane bez souřadnic",
        ),
        RuleCount(
            f"bod služby dál než {margin} km od hranic ORP kraje",
            counts.get("services", 0) if services_checked else None,
            "služba se umístí do bodu své obce",
        ),
        RuleCount(
            "kapacita nad věrohodnou mez své jednotky (parametr plausibility.max_capacity)",
            0 if services_checked else None,
            "soubor se odmítne s chybou (soubor, řádek, sloupec)",
        ),
        RuleCount(
            "záporný počet obyvatel, služeb či kapacity",
            0,
            "soubor se odmítne s chybou (soubor, řádek, sloupec)",
        ),
        RuleCount(
            "počty mužů a žen obce nedávají úhrn; tabulka obyvatel s úhrnem obou "
            "pohlaví vedle řádků podle pohlaví nebo s mezerou ve věku",
            0,
            "soubor se odmítne s chybou (soubor, řádek, sloupec)",
        ),
    ]
    return pd.DataFrame(
        [(r.rule, r.records, r.action) for r in rows], columns=["rule", "records", "action"]
    ).astype({"records": "Int64"})
