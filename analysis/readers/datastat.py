"""Readers of ČSÚ DataStat selections (long CSV: dimension columns, last column ``value``).

- ``SZB07C``: number of social-service facilities by ORP and facility type; the ORP is a
  label ``"Name (Region name)"`` without a code, joined to ČSÚ ORP codes by
  :func:`analysis.data.open_data.facility_counts` strictly (one match or an error);
- ``SZB07A1``: the same by region (region names).

Values are written as floats (``12.0``); an empty value is "not available" and stays
missing, never 0.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from analysis.codelists import FACILITY_TYPES, region_code
from analysis.errors import CellProblem
from analysis.readers.common import raise_if, read_text, reader

FACILITY_INDICATOR = "Počet zařízení sociálních služeb"
TYPE_COLUMN = "Druh zařízení sociálních služeb"
AREA_COLUMN = "ČR, kraje, SO ORP, obce"
_LABEL = re.compile(r"^(?P<name>.+) \((?P<region>[^()]+)\)$")


def _read(path: Path, area_column: str) -> tuple[pd.DataFrame, list[CellProblem]]:
    df = pd.read_csv(io.StringIO(read_text(path, "utf-8")), dtype=str, keep_default_na=False)
    problems: list[CellProblem] = []
    expected = ["Ukazatel", "Roky", area_column, TYPE_COLUMN, "value"]
    missing = [c for c in expected if c not in df.columns]
    if missing:
        raise_if([CellProblem(path.name, 1, c, None, "a column of the selection") for c in missing])
    for i, r in df.iterrows():
        row = int(i) + 2
        if r["Ukazatel"] != FACILITY_INDICATOR:
            problems.append(
                CellProblem(path.name, row, "Ukazatel", r["Ukazatel"], FACILITY_INDICATOR)
            )
        if r[TYPE_COLUMN] not in FACILITY_TYPES:
            problems.append(
                CellProblem(path.name, row, TYPE_COLUMN, r[TYPE_COLUMN], "a known facility type")
            )
        if not r["Roky"].isdigit():
            problems.append(CellProblem(path.name, row, "Roky", r["Roky"], "a year"))
        value = r["value"]
        if value and not re.fullmatch(r"\d+(\.0)?", value):
            problems.append(CellProblem(path.name, row, "value", value, "a whole number or empty"))
    out = pd.DataFrame(
        {
            "year": pd.to_numeric(df["Roky"], errors="coerce").astype("Int64"),
            "facility_type": df[TYPE_COLUMN],
            "facilities": pd.to_numeric(df["value"].replace("", None), errors="coerce").astype(
                "Int64"
            ),
            "_row": df.index + 2,
        }
    )
    return out.assign(_area=df[area_column]), problems


@reader
def read_orp_facility_counts(path: Path | str) -> pd.DataFrame:
    """Facilities by ORP label and type: ``orp_name, region_code, facility_type, year,
    facilities`` (missing where the selection is empty), plus ``_row`` for messages."""
    path = Path(path)
    df, problems = _read(path, "ORP")
    names, regions = [], []
    for label, row in zip(df["_area"], df["_row"], strict=True):
        m = _LABEL.match(label)
        code = region_code(m["region"]) if m else None
        if m is None or code is None:
            problems.append(CellProblem(path.name, int(row), "ORP", label, "'ORP name (region)'"))
            names.append(None)
            regions.append(None)
            continue
        names.append(m["name"])
        regions.append(code)
    raise_if(problems)
    return df.drop(columns="_area").assign(orp_name=names, region_code=regions)[
        ["orp_name", "region_code", "facility_type", "year", "facilities", "_row"]
    ]


@reader
def read_region_facility_counts(path: Path | str) -> pd.DataFrame:
    """Facilities by region and type: ``region_code`` (``CZ`` for Czechia),
    ``facility_type, year, facilities``."""
    path = Path(path)
    df, problems = _read(path, AREA_COLUMN)
    codes = []
    for area, row in zip(df["_area"], df["_row"], strict=True):
        code = "CZ" if area == "Česko" else region_code(area)
        if code is None:
            problems.append(
                CellProblem(
                    path.name, int(row), "ČR, kraje, SO ORP, obce", area, "Česko or a region"
                )
            )
        codes.append(code)
    raise_if(problems)
    return df.drop(columns=["_area", "_row"]).assign(region_code=codes)[
        ["region_code", "facility_type", "year", "facilities"]
    ]
