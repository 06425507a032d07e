"""Regions side by side: the national overview's tables, built from the regions' own
published tables so that every number equals the one in the region's report.

Each function takes ``{region_code: frame}`` of one published table (as read from the
region's ``tables/`` folder) and returns one comparison frame, one row per region (or
per region and category). A region whose table is missing or empty is kept with missing
values, never zeros; measures that need the complete registry of services or the
services' accounts are computed only for the regions whose input was complete
(``complete``), the others are listed by the caller as not comparable.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

Frames = Mapping[str, pd.DataFrame]


SENIORS_FROM = 65  # the overview's seniors: the projection's bands from this age on


def _seniors(row: pd.Series) -> float:
    """Persons in the bands that start at ``SENIORS_FROM`` or later (``65+``, or ``65–79``
    and ``80+`` where the projection has the oldest old as a band of their own)."""
    bands = [
        c
        for c in row.index
        if isinstance(c, str)
        and c[:1].isdigit()
        and int(c.split("–")[0].rstrip("+")) >= SENIORS_FROM
    ]
    return float(row[bands].sum()) if bands else float("nan")


def population_overview(projections: Frames, names: Mapping[str, str]) -> pd.DataFrame:
    """Population and people aged 65+ in the base year and the last projected year
    (middle variant; the total also in the low and high variants), from
    ``demand_projection_region``."""
    rows = []
    for code in sorted(names):
        p = projections.get(code)
        row: dict[str, object] = {"region_code": code, "region": names[code]}
        if p is not None and not p.empty:
            p = p.sort_values("year")
            first, last = p.iloc[0], p.iloc[-1]
            s0, s1 = _seniors(first), _seniors(last)
            row |= {
                "base_year": int(first["year"]),
                "population": first["total"],
                "seniors": s0,
                "seniors_share": 100 * s0 / first["total"],
                "horizon_year": int(last["year"]),
                "population_horizon": last["total"],
                "population_horizon_low": last["total_low"],
                "population_horizon_high": last["total_high"],
                "seniors_horizon": s1,
                "seniors_share_horizon": 100 * s1 / last["total"],
                "seniors_change": 100 * (s1 / s0 - 1),
            }
        rows.append(row)
    return pd.DataFrame(rows)


def need_overview(need: Frames, names: Mapping[str, str], variant: str = "middle") -> pd.DataFrame:
    """People in need by target group (median and interval of the projection variant),
    also per 1,000 of the group's reference population, from ``demand_need_figure``."""
    parts = []
    for code in sorted(names):
        n = need.get(code)
        if n is None or n.empty:
            continue
        n = n[n["variant"] == variant]
        parts.append(
            pd.DataFrame(
                {
                    "region_code": code,
                    "region": names[code],
                    "group": n["group"].to_numpy(),
                    "group_name": n["group_name"].to_numpy(),
                    "low": n["low"].to_numpy(),
                    "median": n["median"].to_numpy(),
                    "high": n["high"].to_numpy(),
                    "median_per_1000": 1000 * n["median"].to_numpy() / n["reference_population"],
                }
            )
        )
    columns = ["region_code", "region", "group", "group_name", "low", "median", "high"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def facility_rates(facilities: Frames, names: Mapping[str, str]) -> pd.DataFrame:
    """Facilities of each type per reference population (ČSÚ counts), one column per
    region (by code) and the country's rate last, from ``network_facilities_by_type``."""
    wide = {}
    country = pd.Series(dtype=float)
    ages = pd.Series(dtype=object)
    for code in sorted(names):
        f = facilities.get(code)
        if f is None or f.empty:
            wide[code] = pd.Series(dtype=float)
            continue
        f = f.set_index("facility_type")
        wide[code] = f["rate"]
        country = country.combine_first(f["country_rate"])
        ages = ages.combine_first(f["reference_ages"])
    out = pd.DataFrame(wide)
    out.insert(0, "reference_ages", ages)
    out["CZ"] = country
    out.index.name = "facility_type"
    return out.reset_index()


def coverage_overview(
    coverage: Frames, names: Mapping[str, str], complete: set[str]
) -> pd.DataFrame:
    """Registered capacity per reference population by service type (regions with a
    complete registry only), from ``network_coverage_by_type``."""
    wide = {
        names[code]: coverage[code].set_index("service_type")["region_rate"]
        for code in sorted(names)
        if code in complete and code in coverage and not coverage[code].empty
    }
    out = pd.DataFrame(wide)
    out.index.name = "service_type"
    return out.reset_index()


def white_spots(spots: Frames, names: Mapping[str, str], complete: set[str]) -> pd.DataFrame:
    """Number of ORP × service type pairs without any reachable service, by region."""
    rows = [
        {
            "region": names[code],
            "white_spots": int((spots[code]["status"] == "bílé místo").sum())
            if code in spots and "status" in spots[code]
            else np.nan,
        }
        for code in sorted(names)
        if code in complete
    ]
    return pd.DataFrame(rows, columns=["region", "white_spots"])


def shortages(gaps: Frames, names: Mapping[str, str], complete: set[str]) -> pd.DataFrame:
    """Planning areas with a shortage (whole interval below zero) and the summed median
    gap with its interval ends, by region and service type (``demand_service_gaps``)."""
    parts = []
    for code in sorted(names):
        g = gaps.get(code)
        if code not in complete or g is None or g.empty:
            continue
        short = g[g["gap_high"] < 0]
        # A sum over missing values stays missing (min_count), never 0.
        grouped = short.groupby("service_type", sort=True)
        agg = pd.DataFrame(
            {
                "areas": grouped.size(),
                **{c: grouped[c].sum(min_count=1) for c in ("gap_low", "gap_median", "gap_high")},
            }
        )
        parts.append(agg.reset_index().assign(region=names[code]))
    columns = ["region", "service_type", "areas", "gap_low", "gap_median", "gap_high"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def finance_overview(comp: Frames, names: Mapping[str, str], complete: set[str]) -> pd.DataFrame:
    """Justified costs, public revenue and overcompensation of the region's services
    (sums of ``finance_compensation_types``), regions with complete accounts only."""
    rows = []
    for code in sorted(names):
        c = comp.get(code)
        if code not in complete or c is None or c.empty:
            continue
        columns = ("services", "justified", "public_revenue", "overcompensation")
        rows.append({"region": names[code], **{k: c[k].sum(min_count=1) for k in columns}})
    return pd.DataFrame(
        rows, columns=["region", "services", "justified", "public_revenue", "overcompensation"]
    )


def orp_indicator(tables: Frames, column: str) -> pd.Series:
    """One ORP indicator of all regions as a series indexed by ORP code (e.g. the share
    of people aged 65+ from ``demand_ageing_by_orp``)."""
    parts = [t.set_index("orp_code")[column] for t in tables.values() if not t.empty]
    if not parts:
        return pd.Series(dtype=float)
    out = pd.concat(parts)
    out.index = out.index.astype(str)
    return out[~out.index.duplicated()]
