"""Population structure: totals by area, age bands, pyramids and ageing indicators.

Input is the canonical ``population`` table (area × year × sex × age band). Functions
here work on single-year ages or any coarser bands, as long as the bands they are asked
for can be built from the bands present.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")

LEVEL_COLUMNS = {
    "obec": "municipality_code",
    "orp": "orp_code",
    "okres": "district_code",
    "kraj": "region_code",
}


def municipal_population(
    population: pd.DataFrame, municipalities: pd.DataFrame, sexes: tuple[str, ...] = ("M", "F", "T")
) -> pd.DataFrame:
    """Municipal rows joined to their ORP, district and region codes."""
    pop = population[(population["area_level"] == "obec") & population["sex"].isin(sexes)]
    keys = municipalities[["municipality_code", "orp_code", "district_code", "region_code"]]
    return pop.merge(
        keys, left_on="area_code", right_on="municipality_code", how="inner", validate="many_to_one"
    )


# Totals by area are asked for a few hundred times per report (every age range, level
# and year of every chapter); joining the municipalities each time was most of the
# chapters' computing. What depends only on the tables is kept per table object (held by
# weak references, so that a new table at an old address is not taken for the old one);
# the validated dataset's tables are never changed in place (tests/test_shared_results.py).
_PER_TABLES: dict[tuple, tuple[tuple[weakref.ref, ...], Any]] = {}


def _per_tables(kind: str, tables: tuple[pd.DataFrame, ...], build: Callable[[], T]) -> T:
    """``build()`` once per ``kind`` and objects ``tables``."""
    key = (kind, *map(id, tables))
    entry = _PER_TABLES.get(key)
    if entry is None or any(ref() is not t for ref, t in zip(entry[0], tables, strict=True)):
        if len(_PER_TABLES) >= 8:
            _PER_TABLES.clear()
        entry = _PER_TABLES[key] = (tuple(weakref.ref(t) for t in tables), build())
    return entry[1]


def _municipal_year(
    population: pd.DataFrame, municipalities: pd.DataFrame, year: int
) -> pd.DataFrame:
    """:func:`municipal_population` of one year (no rows for a year without data)."""

    def build() -> tuple[dict[int, pd.DataFrame], pd.DataFrame]:
        joined = municipal_population(population, municipalities)
        return {int(y): g for y, g in joined.groupby("year", sort=False)}, joined[:0]

    by_year, empty = _per_tables("joined", (population, municipalities), build)
    return by_year.get(int(year), empty)


def _open_band_years(population: pd.DataFrame) -> dict[int, bool]:
    """Per year with municipal rows: whether they are all whole-population rows."""

    def build() -> dict[int, bool]:
        rows = population[population["area_level"] == "obec"]
        whole = (rows["age_from"] == 0) & rows["age_to"].isna()
        return {int(y): bool(v) for y, v in whole.groupby(rows["year"]).all().items()}

    return _per_tables("open band", (population,), build)


def orp_names(municipalities: pd.DataFrame) -> pd.Series:
    """ORP name by ORP code."""
    return municipalities.drop_duplicates("orp_code").set_index("orp_code")["orp_name"]


def age_range_label(ages: tuple[int, int | None]) -> str:
    """``(65, None)`` → ``65+``; ``(15, 64)`` → ``15–64``."""
    lo, hi = ages
    return f"{lo}+" if hi is None else f"{lo}–{hi}"


def totals_by_area(
    population: pd.DataFrame,
    municipalities: pd.DataFrame,
    level: str,
    year: int,
    min_age: int = 0,
    max_age: int | None = None,
) -> pd.Series:
    """Population aged ``min_age``–``max_age`` (inclusive; None = no upper limit) per area.

    Bands that straddle a limit are an error rather than being split silently.
    """
    pop = _municipal_year(population, municipalities, year)
    upper = pd.Series(pop["age_to"].to_numpy(dtype=float, na_value=np.inf), index=pop.index)
    inside = (pop["age_from"] >= min_age) & (upper <= (max_age if max_age is not None else np.inf))
    straddles = ((pop["age_from"] < min_age) & (upper >= min_age)) | (
        max_age is not None and ((pop["age_from"] <= max_age) & (upper > max_age))
    )
    if bool(np.any(straddles)):
        raise ValueError(f"age limits {min_age}–{max_age} cut through an age band of the data")
    return pop[inside].groupby(LEVEL_COLUMNS[level])["population"].sum().rename("population")


def totals_or_nan(
    population: pd.DataFrame,
    municipalities: pd.DataFrame,
    level: str,
    year: int,
    min_age: int = 0,
    max_age: int | None = None,
) -> pd.Series:
    """Like :func:`totals_by_area`, but areas get NaN where the data's age bands cannot
    give these ages (e.g. 80+ from bands 0–14, 15–64, 65+)."""
    try:
        out = totals_by_area(population, municipalities, level, year, min_age, max_age)
    except ValueError:
        return pd.Series(dtype=float, name="population")
    if out.empty or ((min_age > 0 or max_age is not None) and _only_open_band(population, year)):
        return pd.Series(dtype=float, name="population")
    return out


def _only_open_band(population: pd.DataFrame, year: int) -> bool:
    """True when a year holds only whole-population rows (age 0 and over)."""
    return _open_band_years(population).get(int(year), False)


def latest_year_with_ages(
    population: pd.DataFrame, municipalities: pd.DataFrame, year: int, min_age: int
) -> int | None:
    """The latest year up to ``year`` whose municipal data give the population ``min_age``+."""
    for y in sorted((y for y in population_years(population) if y <= year), reverse=True):
        if not totals_or_nan(population, municipalities, "kraj", y, min_age).empty:
            return y
    return None


def first_year_with_ages(
    population: pd.DataFrame, municipalities: pd.DataFrame, min_age: int
) -> int | None:
    """The earliest year whose municipal data give the population ``min_age``+."""
    for y in population_years(population):
        if not totals_or_nan(population, municipalities, "kraj", y, min_age).empty:
            return y
    return None


# The open top band of the pyramids (ČSÚ publishes 5-year bands to 95+; 90+ keeps the
# top bars readable).
PYRAMID_TOP = 90


def age_band_labels(width: int, top: int) -> list[str]:
    return [f"{a}–{a + width - 1}" for a in range(0, top, width)] + [f"{top}+"]


def pyramid(
    population: pd.DataFrame,
    municipalities: pd.DataFrame,
    year: int,
    width: int = 5,
    top: int = PYRAMID_TOP,
    level: str = "obec",
) -> pd.DataFrame:
    """Men and women by age band (``width`` years, open band from ``top``) for one year.

    ``level="obec"`` sums the municipalities; ``level="kraj"`` uses rows published for the
    region as a whole (e.g. 5-year bands where municipal ages do not exist). Raises
    ValueError when the data's bands are coarser than ``width``.
    """
    if level == "obec":
        pop = municipal_population(population[population["year"] == year], municipalities)
    else:
        regions = set(municipalities["region_code"])
        pop = population[
            (population["area_level"] == "kraj") & population["area_code"].isin(regions)
        ]
    pop = pop[pop["year"] == year]
    band = np.minimum(pop["age_from"] // width * width, top)
    too_coarse = (pop["age_to"].isna() & (pop["age_from"] < top)) | (
        pop["age_to"].notna()
        & (pop["age_to"].fillna(0) // width != pop["age_from"] // width)
        & (pop["age_from"] < top)
    )
    if pop.empty or bool(too_coarse.any()) or not {"M", "F"} <= set(pop["sex"]):
        raise ValueError(f"no age detail of {width}-year bands by sex for {year}")
    labels = dict(zip([*list(range(0, top, width)), top], age_band_labels(width, top), strict=True))
    table = (
        pop.assign(band=band)
        .pivot_table(index="band", columns="sex", values="population", aggfunc="sum")
        .reindex(list(labels))
        .fillna(0)
        .astype(int)
    )
    return pd.DataFrame(
        {
            "age_band": [labels[b] for b in table.index],
            "men": table["M"].to_numpy(),
            "women": table["F"].to_numpy(),
        }
    )


def ageing_by_area(
    population: pd.DataFrame,
    municipalities: pd.DataFrame,
    level: str,
    year: int,
    base_year: int,
    children_max: int,
    seniors_min: int,
    oldest_min: int,
) -> pd.DataFrame:
    """Population, shares of children, seniors and the oldest old, ageing index per area.

    ``ageing_index`` = persons ``seniors_min``+ per 100 children 0–``children_max``;
    ``seniors_share_change`` is the change of the seniors' share (percentage points)
    since ``base_year``.
    """

    def shares(y: int) -> pd.DataFrame:
        total = totals_by_area(population, municipalities, level, y)
        return pd.DataFrame(
            {
                "population": total,
                "children": totals_or_nan(population, municipalities, level, y, 0, children_max),
                "seniors": totals_or_nan(population, municipalities, level, y, seniors_min),
                "oldest": totals_or_nan(population, municipalities, level, y, oldest_min),
            }
        ).reindex(total.index)

    now = shares(year)
    # Changes need a different base year; with a single year they are not defined.
    base = shares(base_year) if base_year != year else now * float("nan")
    out = pd.DataFrame(
        {
            "population": now["population"].astype(int),
            "children_share": 100 * now["children"] / now["population"],
            "seniors_share": 100 * now["seniors"] / now["population"],
            "oldest_share": 100 * now["oldest"] / now["population"],
            "ageing_index": 100 * now["seniors"] / now["children"],
            "seniors_share_change": 100
            * (now["seniors"] / now["population"] - base["seniors"] / base["population"]),
            "population_change": 100 * (now["population"] / base["population"] - 1),
        }
    )
    out.index.name = LEVEL_COLUMNS[level]
    return out


def population_years(population: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in population["year"].unique())


def region_totals(proj: pd.DataFrame) -> pd.DataFrame:
    """Projected population of the region per year (rows) and variant (columns): the sum
    of its age bands, each rounded to whole persons as the report prints them, so that
    every place stating the region's total states one number and the bands add up to it."""
    bands = proj.groupby(["year", "variant", "band"])["population"].sum().round()
    return bands.groupby(["year", "variant"]).sum().unstack()
