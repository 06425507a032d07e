"""Cross-checks between the national open-data sources, shown in the data chapter.

The ČSÚ municipality table, the MOS territory list, the coordinates, the municipal
population series and the ORP polygons describe the same country; their disagreements
(codes in one and not the other, points outside Czechia, census re-basing of the
regional series) are counted for the whole country, not only for the region.
"""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.data.schemas import LAT_RANGE, LON_RANGE
from analysis.data.source_files import SourceFiles
from analysis.readers.territory import current_municipalities

# The ČSÚ municipality table holds the population on one date (its catalogue entry says which).
CR_YEAR = load_catalogue().sources["cr_municipalities"].reference_date.year


def quality_checks(
    files: SourceFiles,
    cr: pd.DataFrame,
    mos: pd.DataFrame,
    coords: pd.DataFrame,
    series: pd.DataFrame,
    orp_census: pd.DataFrame,
    nat: pd.DataFrame | None,
    movement: pd.DataFrame | None,
) -> dict[str, pd.DataFrame]:
    """Cross-checks between the national sources (whole country) as report tables;
    ``movement``: the regional movement statistics when the folder has them."""
    cr_codes = set(cr["municipality_code"])
    mos_codes = set(current_municipalities(mos)["municipality_code"])
    coord_codes = set(coords["municipality_code"])
    last_series = series["year"].max()
    series_codes = set(series.loc[series["year"] == last_series, "municipality_code"])
    outside = coords[~coords["lat"].between(*LAT_RANGE) | ~coords["lon"].between(*LON_RANGE)]
    census_orps = set(orp_census["orp_code"])

    def row(check: str, items: set[str] | list[str]) -> tuple[str, int, str]:
        items = sorted(items)
        return check, len(items), ", ".join(items[:8]) + (" …" if len(items) > 8 else "")

    checks = pd.DataFrame(
        [
            row("obce v tabulce ČSÚ, chybí v číselníku MOS", cr_codes - mos_codes),
            row("obce v číselníku MOS, chybí v tabulce ČSÚ", mos_codes - cr_codes),
            row("obce v tabulce ČSÚ bez souřadnic", cr_codes - coord_codes),
            row("souřadnice obcí, které tabulka ČSÚ nezná", coord_codes - cr_codes),
            row(
                f"obce v tabulce ČSÚ, chybí v řadě obyvatel {last_series}", cr_codes - series_codes
            ),
            row(
                f"obce řady obyvatel {last_series}, které tabulka ČSÚ nezná",
                series_codes - cr_codes,
            ),
            row("souřadnice mimo území Česka", set(outside["municipality_code"])),
            row("ORP tabulky ČSÚ bez polygonu", set(cr["orp_code"]) - census_orps),
            row("polygony ORP bez ORP tabulky ČSÚ", census_orps - set(cr["orp_code"])),
        ],
        columns=["check", "count", "examples"],
    )
    out = {"sources": checks}
    if movement is not None:
        out["rebasing"] = census_rebasing(movement)
    if nat is not None:
        out["national_totals"] = pd.DataFrame(
            [
                (
                    f"obyvatelé ČR k 1. 1. {CR_YEAR} (součet obcí, tabulka ČSÚ)",
                    int(cr["population"].sum()),
                ),
                (
                    f"obyvatelé ČR k 1. 1. {int(nat['year'].iloc[0])} (podle věku)",
                    int(nat["total"].sum()),
                ),
                ("z toho 65+ (součet obcí)", int(cr["pop_65_plus"].sum())),
                ("z toho 65+ (podle věku)", int(nat.loc[nat["age_start"] >= 65, "total"].sum())),
            ],
            columns=["check", "count"],
        )
    return out


def census_rebasing(movement: pd.DataFrame) -> pd.DataFrame:
    """Breaks in the regional population series that vital events do not explain.

    For each region and year, the start of the year implied by the movement statistics
    (end of year minus the year's total change) is compared with the published end of the
    previous year. A non-zero difference is a re-basing: the census 2021 revision shows up
    between the states of 1 Jan 2021 and 1 Jan 2022. Rows: every year with a break,
    per region and for the country.
    """
    totals = movement.groupby("year")[["population_end", "total_change"]].sum()
    frames = [movement, totals.reset_index().assign(region_code="CZ")]
    rows = []
    for r, g in pd.concat(frames, ignore_index=True).groupby("region_code", sort=False):
        g = g.set_index("year").sort_index()
        for year in g.index:
            if year - 1 not in g.index:
                continue  # no published state for the end of the previous year
            start = g.at[year, "population_end"] - g.at[year, "total_change"]
            previous = g.at[year - 1, "population_end"]
            if start != previous:
                rows.append(
                    {
                        "region_code": r,
                        "year": int(year),
                        "published_previous_end": int(previous),
                        "implied_start": int(start),
                        "difference": int(start - previous),
                        "difference_pct": 100 * (start - previous) / previous,
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "region_code",
            "year",
            "published_previous_end",
            "implied_start",
            "difference",
            "difference_pct",
        ],
    )
