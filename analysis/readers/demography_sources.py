"""Readers of demographic source tables: regional population movement, national and
regional age structure, care-allowance recipients."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from analysis.codelists import REGIONS, region_code
from analysis.errors import CellProblem
from analysis.readers.common import parse_age_band, raise_if, read_text, reader

MOVEMENT_COLUMNS = {
    "Počet obyvatel - koncový stav": "population_end",
    "Počet obyvatel - střední stav": "population_mid",
    "Živě narození": "births",
    "Zemřelí": "deaths",
    "Přistěhovalí": "immigrants",
    "Vystěhovalí": "emigrants",
    "Přírůstek/úbytek stěhováním": "net_migration",
    "Celkový přírůstek/úbytek": "total_change",
}


def _numeric(
    df: pd.DataFrame, cols: list[str], file: str, na: str | None = None, row_offset: int = 2
) -> list[CellProblem]:
    problems = []
    for col in cols:
        raw = df[col].astype(str).str.strip()
        missing = raw.eq(na) if na is not None else pd.Series(False, index=raw.index)
        num = pd.to_numeric(raw.where(~missing), errors="coerce")
        bad = num.isna() & ~missing
        problems += [
            CellProblem(file, int(i) + row_offset, col, raw.at[i], "a number")
            for i in df.index[bad]
        ]
        df[col] = num
    return problems


@reader
def read_population_movement(folder: Path | str) -> pd.DataFrame:
    """ČSÚ population movement by region, one file ``stav_cr_YY.csv`` per year (``.`` =
    not available)."""
    folder = Path(folder)
    frames, problems = [], []
    for path in sorted(folder.glob("stav_cr_*.csv")):
        year = 2000 + int(re.search(r"(\d+)", path.stem).group(1))
        df = pd.read_csv(io.StringIO(read_text(path, "utf-8")), dtype=str)
        missing = [c for c in ["Kraj", *MOVEMENT_COLUMNS] if c not in df.columns]
        if missing:
            problems += [CellProblem(path.name, 1, c, None, "this column") for c in missing]
            continue
        df = df[["Kraj", *MOVEMENT_COLUMNS]].rename(columns=MOVEMENT_COLUMNS)
        problems += _numeric(df, list(MOVEMENT_COLUMNS.values()), path.name, na=".")
        codes = df["Kraj"].map(region_code)
        problems += [
            CellProblem(
                path.name, int(i) + 2, "Kraj", df.at[i, "Kraj"], "the name of one of the 14 regions"
            )
            for i in df.index[codes.isna()]
        ]
        frames.append(df.assign(region_code=codes, year=year).drop(columns="Kraj"))
    raise_if(problems)
    return pd.concat(frames, ignore_index=True)


@reader
def read_national_age(path: Path | str) -> pd.DataFrame:
    """Population of Czechia by single year of age and sex on 1 Jan (age 100 = 100+)."""
    path = Path(path)
    df = pd.read_csv(io.StringIO(read_text(path, "utf-8")), dtype=str)
    problems = _numeric(df, ["year", "age_start", "male", "female", "total"], path.name)
    raise_if(problems)
    df["age_end"] = pd.to_numeric(df["age_end"], errors="coerce").astype("Int64")
    bad = df.index[df["male"] + df["female"] != df["total"]]
    raise_if(
        [
            CellProblem(path.name, int(i) + 2, "total", str(df.at[i, "total"]), "male + female")
            for i in bad
        ]
    )
    return df.astype({"year": int, "age_start": int, "male": int, "female": int, "total": int})


@reader
def read_uzis_age_structure(path: Path | str) -> pd.DataFrame:
    """ÚZIS regional age structure (5-year bands, mid-year) as population rows."""
    path = Path(path)
    df = pd.read_csv(io.StringIO(read_text(path, "utf-8")), dtype=str)
    problems = _numeric(df, ["total", "male", "female"], path.name)
    raise_if(problems)
    df = df[df["age_group"] != "total"]
    bands = df["age_group"].map(parse_age_band)
    return pd.DataFrame(
        {
            "area_code": df["nuts"].replace({"CZ0": "CZ"}),
            "date": df["date"],
            "age_from": [b[0] for b in bands],
            "age_to": pd.array([b[1] for b in bands], dtype="Int64"),
            "male": df["male"].astype(int),
            "female": df["female"].astype(int),
            "total": df["total"].astype(int),
            "_file": path.name,  # provenance: file and line (header = 1)
            "_row": df.index + 2,
        }
    ).reset_index(drop=True)


CARE_COLUMNS = [
    "muzi",
    "zeny",
    "celkem",
    "vek_0_17",
    "vek_18_64",
    "vek_65_plus",
    "stupen_I",
    "stupen_II",
    "stupen_III",
    "stupen_IV",
]


@reader
def read_care_allowance_regions(path: Path | str) -> pd.DataFrame:
    """Care-allowance recipients by region, sex, age band and degree (MPSV, 2018)."""
    path = Path(path)
    df = pd.read_csv(io.StringIO(read_text(path, "utf-8")), dtype=str)
    problems = _numeric(df, CARE_COLUMNS, path.name)
    unknown = df.index[~df["kod_nuts3"].isin(list(REGIONS))]
    problems += [
        CellProblem(
            path.name, int(i) + 2, "kod_nuts3", df.at[i, "kod_nuts3"], "a NUTS3 region code"
        )
        for i in unknown
    ]
    raise_if(problems)
    return df.rename(columns={"kod_nuts3": "region_code", "kraj": "region_name"}).astype(
        {c: int for c in CARE_COLUMNS}
    )


@reader
def read_care_allowance_national(path: Path | str) -> pd.DataFrame:
    """National care-allowance recipients (thousands) by year, sex and degree, long form."""
    path = Path(path)
    df = pd.read_csv(io.StringIO(read_text(path, "utf-8")), dtype=str)
    value_cols = [c for c in df.columns if c != "rok"]
    problems = _numeric(df, ["rok", *value_cols], path.name)
    raise_if(problems)
    long = df.melt(id_vars="rok", var_name="key", value_name="recipients_thousands")
    parts = long["key"].str.split("_", n=1, expand=True)
    return pd.DataFrame(
        {
            "year": long["rok"].astype(int),
            "sex": parts[0].map({"zeny": "F", "muzi": "M", "celkem": "T"}),
            "degree": parts[1].replace({"celkem": "total"}),
            "recipients_thousands": long["recipients_thousands"],
        }
    )
