"""Readers of polygon layers: ORP polygons with census 2021 bands, district and region
polygons. All are WGS84 GeoJSON; geometries become shapely objects."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from shapely.geometry import shape

from analysis.errors import CellProblem
from analysis.readers.common import raise_if, read_text, reader

SLDB_BANDS = {
    "poc_obyv_SLDB_2021": "census_population",
    "poc_obyv_0_14": "census_0_14",
    "poc_obyv_15_64": "census_15_64",
    "poc_obyv_nad_65": "census_65_plus",
    "poc_muzu": "census_men",
    "poc_zen": "census_women",
}


def _features(path: Path) -> list[dict]:
    doc = json.loads(read_text(path, "utf-8"))
    feats = doc.get("features")
    if not isinstance(feats, list) or not feats:
        raise_if([CellProblem(path.name, None, "features", None, "a GeoJSON FeatureCollection")])
    return feats


def _geometry(path: Path, i: int, feat: dict, problems: list[CellProblem]):
    try:
        geom = shape(feat["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems.append(CellProblem(path.name, i, "geometry", None, f"a geometry ({exc})"))
        return None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        problems.append(
            CellProblem(path.name, i, "geometry", geom.geom_type, "a Polygon or MultiPolygon")
        )
        return None
    return geom if geom.is_valid else geom.buffer(0)


@reader
def read_orp_census(path: Path | str, seat_to_orp: dict[str, str]) -> pd.DataFrame:
    """ORP polygons with census 2021 population bands, keyed by ČSÚ ORP code.

    The layer carries RÚIAN ORP codes; it joins to ČSÚ codelist 65 through the seat
    municipality (``spravniobeckod``) and ``seat_to_orp`` (municipality → ORP of the
    ČSÚ crosswalk). A seat that does not join is an error.
    """
    path = Path(path)
    problems: list[CellProblem] = []
    rows = []
    for i, feat in enumerate(_features(path), start=1):
        props = feat.get("properties") or {}
        seat = str(props.get("spravniobeckod", ""))
        orp = seat_to_orp.get(seat)
        if orp is None:
            problems.append(
                CellProblem(
                    path.name,
                    i,
                    "spravniobeckod",
                    seat,
                    "the code of a municipality of the ČSÚ crosswalk",
                )
            )
            continue
        geom = _geometry(path, i, feat, problems)
        if geom is None:
            continue
        row = {
            "orp_code": orp,
            "orp_name": str(props.get("nazev", "")),
            "ruian_orp_code": props.get("kod"),
            "geometry": geom,
        }
        for src, dst in SLDB_BANDS.items():
            value = props.get(src)
            if not isinstance(value, int | float):
                problems.append(CellProblem(path.name, i, src, repr(value), "a number"))
            row[dst] = value
        rows.append(row)
    raise_if(problems)
    df = pd.DataFrame(rows)
    dup = df["orp_code"].duplicated(keep=False)
    raise_if(
        [
            CellProblem(
                path.name,
                int(i) + 1,
                "spravniobeckod",
                df.at[i, "orp_code"],
                "one polygon per ORP (two seats map to the same ORP)",
            )
            for i in df.index[dup]
        ]
    )
    return df


@reader
def read_polygons(path: Path | str, code_property: str, name_property: str) -> pd.DataFrame:
    """A polygon layer (regions, districts, ORPs) as ``code, name, geometry``."""
    path = Path(path)
    problems: list[CellProblem] = []
    rows = []
    for i, feat in enumerate(_features(path), start=1):
        props = feat.get("properties") or {}
        if code_property not in props:
            problems.append(CellProblem(path.name, i, code_property, None, "a code property"))
            continue
        geom = _geometry(path, i, feat, problems)
        if geom is not None:
            rows.append(
                {
                    "code": str(props[code_property]),
                    "name": str(props.get(name_property, "")),
                    "geometry": geom,
                }
            )
    raise_if(problems)
    return pd.DataFrame(rows)


@reader
def read_debt_enforcement(path: Path | str) -> pd.DataFrame:
    """Persons in debt enforcement and population per area and year from the light
    polygon layers (properties ``i`` code, ``poeY`` persons in enforcement and ``oY``
    population for 201Y/202Y, where Y is the last digit: 8, 9 → 2018, 2019; 0–2 → 2020–2022)."""
    path = Path(path)
    rows, problems = [], []
    for i, feat in enumerate(_features(path), start=1):
        props = feat.get("properties") or {}
        for key, value in props.items():
            if not key.startswith("poe") or not key[3:].isdigit():
                continue
            digit = int(key[3:])
            year = 2010 + digit if digit >= 8 else 2020 + digit
            population = props.get(f"o{digit}")
            if not isinstance(value, int | float) or not isinstance(population, int | float):
                problems.append(CellProblem(path.name, i, key, repr(value), "a number"))
                continue
            rows.append(
                {
                    "code": str(props.get("i")),
                    "year": year,
                    "persons_in_enforcement": value,
                    "population": population,
                }
            )
    raise_if(problems)
    return pd.DataFrame(rows).sort_values(["code", "year"]).reset_index(drop=True)
