"""Deinstitutionalisation: residential facilities by size, large facilities, the limits
of the draft material-technical standard, and the transformation plans.

A facility is one residential registry row (a service in its residential form with beds
at one place); its size is its registered number of beds. The registry holds only the
current capacity: the trend over years follows registrations that started or ended, not
changes of capacity within a registration.

The material-technical standard (MTS) is an MPSV draft never enacted; its limits apply to
new or investment-funded capacity, not to every registered service, so comparing the
registry with them is indicative only.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd

from analysis.methods.network import active_services


def residential(services: pd.DataFrame, types: list[int]) -> pd.DataFrame:
    """Residential facilities of the listed types: rows in the residential form with beds."""
    pob = services[(services["form"] == "pob") & (services["capacity_unit"] == "luzka")]
    return pob[pob["service_type_code"].isin(types)].copy()


def band_labels(bounds: list[int]) -> list[str]:
    """``[12, 18, 30]`` → ``≤ 12``, ``13–18``, ``19–30``, ``> 30``."""
    labels = [f"≤ {bounds[0]}"]
    labels += [f"{a + 1}–{b}" for a, b in itertools.pairwise(bounds)]
    return [*labels, f"> {bounds[-1]}"]


def size_band(capacity: pd.Series, bounds: list[int]) -> pd.Series:
    """The size band label of each facility."""
    edges = [-np.inf, *bounds, np.inf]
    return pd.cut(capacity, edges, labels=band_labels(bounds), right=True).astype(str)


def by_size(facilities: pd.DataFrame, bounds: list[int]) -> pd.DataFrame:
    """Facilities and places per service type and size band (all bands, zeros kept)."""
    df = facilities.assign(band=size_band(facilities["capacity"], bounds))
    labels = band_labels(bounds)
    places = df.pivot_table(
        index="service_type_code", columns="band", values="capacity", aggfunc="sum"
    ).reindex(columns=labels, fill_value=0)
    count = df.pivot_table(
        index="service_type_code", columns="band", values="capacity", aggfunc="count"
    ).reindex(columns=labels, fill_value=0)
    out = pd.concat({"facilities": count.fillna(0), "places": places.fillna(0)}, axis=1)
    return out.astype(int)


def large_share(facilities: pd.DataFrame, large: int) -> pd.DataFrame:
    """Per service type: places, places in facilities above ``large`` and their share."""
    g = facilities.assign(in_large=facilities["capacity"].where(facilities["capacity"] > large, 0))
    out = g.groupby("service_type_code").agg(
        facilities=("capacity", "size"),
        places=("capacity", "sum"),
        large_facilities=("in_large", lambda s: int((s > 0).sum())),
        places_in_large=("in_large", "sum"),
    )
    out[["places", "places_in_large"]] = out[["places", "places_in_large"]].astype(int)
    out["large_share"] = out["places_in_large"] / out["places"].where(out["places"] > 0)
    return out.reset_index()


def trend(services: pd.DataFrame, types: list[int], large: int, years: list[int]) -> pd.DataFrame:
    """Places and places in large facilities on 1 January of each year (registrations
    active then, at their current capacity)."""
    rows = []
    for year in years:
        fac = residential(active_services(services, dt.date(year, 1, 1)), types)
        big = fac["capacity"] > large
        rows.append(
            {
                "year": year,
                "facilities": len(fac),
                "places": int(fac["capacity"].sum()),
                "large_facilities": int(big.sum()),
                "places_in_large": int(fac.loc[big, "capacity"].sum()),
            }
        )
    out = pd.DataFrame(rows)
    out["large_share"] = out["places_in_large"] / out["places"].where(out["places"] > 0)
    return out


def mts_check(facilities: pd.DataFrame, limits: list) -> pd.DataFrame:
    """Facilities above the draft standard's limit of places per building for their type
    (an indicative comparison, not a breach of any rule: the draft was never enacted)."""
    rows = []
    for limit in limits:
        over = facilities[
            facilities["service_type_code"].isin(limit.types)
            & (facilities["capacity"] > limit.max_places)
        ]
        for r in over.itertuples():
            rows.append(
                {
                    "service_id": r.service_id,
                    "service_name": r.service_name,
                    "service_type_code": int(r.service_type_code),
                    "municipality_code": r.municipality_code,
                    "capacity": int(r.capacity),
                    "max_places": limit.max_places,
                    "standard": limit.standard,
                }
            )
    cols = [
        "service_id",
        "service_name",
        "service_type_code",
        "municipality_code",
        "capacity",
        "max_places",
        "standard",
    ]
    return pd.DataFrame(rows, columns=cols).sort_values(["service_type_code", "capacity"])


def transformation_summary(plans: pd.DataFrame) -> pd.DataFrame:
    """Transformation plans by status: services, places before and after.

    No share of a "national target": the MPSV figure of transformed services is the target
    of one national project, not a quota of a region."""
    g = plans.groupby("status").agg(
        services=("service_id", "nunique"),
        capacity_before=("capacity_before", "sum"),
        capacity_after=("capacity_after", "sum"),
    )
    order = [s for s in ("dokonceno", "probiha", "planovano") if s in g.index]
    return g.reindex(order).reset_index()
