"""Readers of ČSÚ DataStat selections on population and care-allowance recipients.

- ``OBY02DT01`` (population on 31 Dec by region and 5-year band) and ``OBY04ET01``
  (deaths in the year, same layout): :func:`read_region_age_bands`;
- ``OBY02BT01`` (population of Czechia on 31 Dec by single year of age and sex):
  :func:`read_national_single_age`, in the layout of the national age table;
- ``SZB09B`` (care-allowance recipients of Czechia in December by sex, degree and age
  band): :func:`read_care_allowance_ages`;
- ``SZB09`` (the same, by year and degree): :func:`read_care_allowance_series`.

A state on 31 Dec of year Y is the state on 1 Jan of Y + 1: the population tables carry
``year`` = Y + 1, the convention of every other population table of socplan (1 Jan), and
``reference_date`` = 31 Dec of Y for the text. Every selection's bands must add up to its
``Celkem`` row, or the reader names the row.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from analysis.codelists import region_code
from analysis.errors import CellProblem
from analysis.readers.common import raise_if, read_text, reader

TOTAL = "Celkem"
_BAND = re.compile(r"^(?P<lo>\d+)(?: - (?P<hi>\d+))?(?P<open> a více)?(?: let)?$")


def _band(label: str) -> tuple[int, int | None] | None:
    """``'1 - 4'`` → (1, 4); ``'0'`` → (0, 0); ``'95 a více'`` → (95, None)."""
    m = _BAND.match(label)
    if m is None:
        return None
    lo = int(m["lo"])
    if m["open"]:
        return lo, None
    return lo, int(m["hi"]) if m["hi"] else lo


def _load(path: Path, columns: list[str]) -> pd.DataFrame:
    df = pd.read_csv(io.StringIO(read_text(path, "utf-8")), dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in df.columns]
    raise_if([CellProblem(path.name, 1, c, None, "a column of the selection") for c in missing])
    df["_row"] = df.index + 2
    return df


def _whole(df: pd.DataFrame, file: str) -> list[CellProblem]:
    """Values must be whole numbers ≥ 0 (written ``12`` or ``12.0``)."""
    bad = ~df["value"].str.fullmatch(r"\d+(\.0)?")
    return [
        CellProblem(file, int(r), "value", v, "a whole number ≥ 0")
        for r, v in zip(df.loc[bad, "_row"], df.loc[bad, "value"], strict=True)
    ]


def _sums(df: pd.DataFrame, keys: list[str], band: str, file: str) -> list[CellProblem]:
    """The bands of each key must add up to its ``Celkem`` row."""
    problems = []
    for _, g in df.groupby(keys, sort=False):
        total = g[g[band] == TOTAL]
        parts = g[g[band] != TOTAL]["value"].sum()
        if len(total) != 1 or int(total["value"].iloc[0]) != parts:
            row = int(total["_row"].iloc[0]) if len(total) else int(g["_row"].iloc[0])
            found = str(total["value"].iloc[0]) if len(total) else None
            problems.append(
                CellProblem(file, row, "value", found, f"the sum of the bands ({parts})")
            )
    return problems


@reader
def read_region_age_bands(path: Path | str) -> pd.DataFrame:
    """Persons by region (``CZ`` = Czechia) and 5-year band: ``region_code, year,
    reference_year, indicator, age_from, age_to, value`` with ``_row``.

    For population (``Počet obyvatel k 31. 12.``) ``year`` is the 1 Jan after the
    reference year; for deaths (``Zemřelí``) it is the reference year itself.
    """
    path = Path(path)
    area, bands = "ČR, kraje", "Věkové skupiny (pětileté)"
    df = _load(path, ["Ukazatel", area, bands, "Pohlaví", "value"])
    year_col = "Rok" if "Rok" in df.columns else "Roky"
    if year_col not in df.columns:
        raise_if([CellProblem(path.name, 1, "Rok", None, "a column of the selection")])
    df = df[df["Pohlaví"] == TOTAL]
    problems = _whole(df, path.name)
    codes = df[area].map(lambda a: "CZ" if a == "Česko" else region_code(a))
    problems += [
        CellProblem(path.name, int(r), area, a, "Česko or a region")
        for r, a in zip(df.loc[codes.isna(), "_row"], df.loc[codes.isna(), area], strict=True)
    ]
    parsed = df[bands].map(lambda b: None if b == TOTAL else _band(b))
    unknown = parsed.isna() & (df[bands] != TOTAL)
    problems += [
        CellProblem(path.name, int(r), bands, b, "an age band such as '5 - 9' or '95 a více'")
        for r, b in zip(df.loc[unknown, "_row"], df.loc[unknown, bands], strict=True)
    ]
    bad_year = ~df[year_col].str.fullmatch(r"\d{4}")
    problems += [
        CellProblem(path.name, int(r), year_col, y, "a year")
        for r, y in zip(df.loc[bad_year, "_row"], df.loc[bad_year, year_col], strict=True)
    ]
    raise_if(problems)
    df = df.assign(value=df["value"].astype(float).astype(int), region_code=codes)
    raise_if(_sums(df, ["region_code", year_col, "Ukazatel"], bands, path.name))
    df = df[df[bands] != TOTAL]
    reference = df[year_col].astype(int)
    stock = df["Ukazatel"].str.startswith("Počet obyvatel")
    return pd.DataFrame(
        {
            "region_code": df["region_code"],
            "year": reference + stock.astype(int),
            "reference_year": reference,
            "indicator": df["Ukazatel"],
            "age_from": [parsed[i][0] for i in df.index],
            "age_to": pd.array([parsed[i][1] for i in df.index], dtype="Int64"),
            "value": df["value"],
            "_row": df["_row"],
        }
    ).sort_values(["region_code", "age_from"], ignore_index=True)


@reader
def read_national_single_age(path: Path | str) -> pd.DataFrame:
    """Population of Czechia on 31 Dec by single age and sex in the layout of the national
    age table (``year`` = the following 1 Jan, ``age_start``, ``age_end``, ``male``,
    ``female``, ``total``; age 100 = 100 and over)."""
    path = Path(path)
    age, sex = "Věk (roky)", "Pohlaví"
    df = _load(path, ["Rok", age, sex, "value"])
    problems = _whole(df, path.name)
    df = df[df[age] != TOTAL]
    ages = df[age].str.replace(" a více", "", regex=False)
    bad = ~ages.str.fullmatch(r"\d+")
    problems += [
        CellProblem(path.name, int(r), age, a, "an age 0–99 or '100 a více'")
        for r, a in zip(df.loc[bad, "_row"], df.loc[bad, age], strict=True)
    ]
    raise_if(problems)
    df = df.assign(age_start=ages.astype(int), value=df["value"].astype(float).astype(int))
    wide = df.pivot_table(index=["Rok", "age_start"], columns=sex, values="value", aggfunc="sum")
    rows = df.drop_duplicates(["Rok", "age_start"]).set_index(["Rok", "age_start"])["_row"]
    unequal = wide.index[wide["Muži"] + wide["Ženy"] != wide[TOTAL]]
    raise_if(
        [
            CellProblem(path.name, int(rows[i]), "value", str(wide.at[i, TOTAL]), "Muži + Ženy")
            for i in unequal
        ]
    )
    wide = wide.reset_index()
    ok = sorted(wide["age_start"]) == list(range(101))
    raise_if([] if ok else [CellProblem(path.name, None, age, None, "every age 0–99 and 100+")])
    return pd.DataFrame(
        {
            "year": wide["Rok"].astype(int) + 1,
            "age_start": wide["age_start"],
            "age_end": pd.array([a if a < 100 else None for a in wide["age_start"]], dtype="Int64"),
            "male": wide["Muži"].astype(int),
            "female": wide["Ženy"].astype(int),
            "total": wide[TOTAL].astype(int),
        }
    ).sort_values("age_start", ignore_index=True)


DEGREE = "Stupeň závislosti u příspěvku na péči"
DEGREES = {
    "I. stupeň závislosti": "I",
    "II. stupeň závislosti": "II",
    "III. stupeň závislosti": "III",
    "IV. stupeň závislosti": "IV",
}


def _degrees(df: pd.DataFrame, file: str) -> list[CellProblem]:
    known = df[DEGREE].isin([TOTAL, *DEGREES])
    return [
        CellProblem(file, int(r), DEGREE, d, "Celkem or a degree I.–IV.")
        for r, d in zip(df.loc[~known, "_row"], df.loc[~known, DEGREE], strict=True)
    ]


@reader
def read_care_allowance_ages(path: Path | str) -> pd.DataFrame:
    """Recipients of Czechia in December by age band and degree (both sexes):
    ``year, age_from, age_to, degree`` (``Celkem``, ``I``–``IV``), ``recipients``."""
    path = Path(path)
    bands = "Věkové skupiny"
    df = _load(path, ["Roky", "ČR a kraje", "Pohlaví", DEGREE, bands, "value"])
    df = df[(df["Pohlaví"] == TOTAL) & (df["ČR a kraje"] == "Česko")]
    problems = _whole(df, path.name) + _degrees(df, path.name)
    parsed = df[bands].map(lambda b: None if b == TOTAL else _band(b))
    unknown = parsed.isna() & (df[bands] != TOTAL)
    problems += [
        CellProblem(path.name, int(r), bands, b, "an age band such as '18 - 64 let'")
        for r, b in zip(df.loc[unknown, "_row"], df.loc[unknown, bands], strict=True)
    ]
    raise_if(problems)
    df = df.assign(value=df["value"].astype(float).astype(int))
    raise_if(_sums(df, ["Roky", DEGREE], bands, path.name))
    df = df[df[bands] != TOTAL]
    return pd.DataFrame(
        {
            "year": df["Roky"].astype(int),
            "age_from": [parsed[i][0] for i in df.index],
            "age_to": pd.array([parsed[i][1] for i in df.index], dtype="Int64"),
            "degree": df[DEGREE].map(DEGREES).fillna(TOTAL),
            "recipients": df["value"],
        }
    ).reset_index(drop=True)


@reader
def read_care_allowance_series(path: Path | str) -> pd.DataFrame:
    """Recipients of Czechia in December by year and degree: ``year, degree, recipients``."""
    path = Path(path)
    df = _load(path, ["Roky", "ČR a kraje", "Pohlaví", "Věkové skupiny", DEGREE, "value"])
    df = df[(df["Pohlaví"] == TOTAL) & (df["Věkové skupiny"] == TOTAL)]
    df = df[df["ČR a kraje"] == "Česko"]
    problems = _whole(df, path.name) + _degrees(df, path.name)
    bad_year = ~df["Roky"].str.fullmatch(r"\d{4}")
    problems += [
        CellProblem(path.name, int(r), "Roky", y, "a year")
        for r, y in zip(df.loc[bad_year, "_row"], df.loc[bad_year, "Roky"], strict=True)
    ]
    raise_if(problems)
    df = df.assign(value=df["value"].astype(float).astype(int))
    raise_if(_sums(df, ["Roky"], DEGREE, path.name))
    return pd.DataFrame(
        {
            "year": df["Roky"].astype(int),
            "degree": df[DEGREE].map(DEGREES).fillna(TOTAL),
            "recipients": df["value"],
        }
    ).sort_values(["year", "degree"], ignore_index=True)
