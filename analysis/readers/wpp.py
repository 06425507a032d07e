"""Readers of UN World Population Prospects 2024 extracts for Czechia."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import CellProblem
from analysis.readers.common import parse_age_band, raise_if, read_text, reader


@reader
def read_life_table(path: Path | str) -> pd.DataFrame:
    """Single-age life table (``age, qx, lx, ex``; age 100 = open interval)."""
    path = Path(path)
    doc = json.loads(read_text(path, "utf-8"))
    entries = doc.get("entries")
    if not isinstance(entries, list) or len(entries) != 101:
        raise_if([CellProblem(path.name, None, "entries", None, "101 ages 0–100")])
    df = pd.DataFrame(entries)
    bad = df.index[~df["age"].eq(np.arange(101)) | ~df["qx"].between(0, 1)]
    raise_if(
        [
            CellProblem(
                path.name,
                int(i) + 1,
                "qx",
                str(df.at[i, "qx"]),
                "ages 0–100 in order with 0 ≤ qx ≤ 1",
            )
            for i in bad
        ]
    )
    return df.assign(sex=doc.get("sex"), year=doc.get("year"))


@reader
def read_asfr(path: Path | str, year: int) -> dict[tuple[int, int | None], float]:
    """Percentage distribution of fertility by 5-year age group in ``year`` (sums to 100)."""
    path = Path(path)
    df = pd.read_csv(io.StringIO(read_text(path, "utf-8")))
    rows = df[df["year"] == year]
    if rows.empty:
        raise_if([CellProblem(path.name, None, "year", str(year), "a year present in the file")])
    return {parse_age_band(r.age): float(r.percentASFR) for r in rows.itertuples()}


@reader
def read_migration_profile(
    path: Path | str, period: str
) -> dict[str, dict[tuple[int, int | None], float]]:
    """Net migration by sex and 5-year age group for one projection period (thousands)."""
    path = Path(path)
    df = pd.read_csv(io.StringIO(read_text(path, "utf-8")))
    rows = df[df["period"] == period]
    if rows.empty:
        raise_if([CellProblem(path.name, None, "period", period, "a period in the file")])
    return {
        "M": {parse_age_band(r.age): float(r.migM) for r in rows.itertuples()},
        "F": {parse_age_band(r.age): float(r.migF) for r in rows.itertuples()},
    }
