"""Benchmarking of service finance: unit costs, staffing, occupancy, revenue structure.

A service's finance row (``finance.csv``) is tied to the registry through its *main*
form: the first registry row of the service, whose capacity unit is the unit of
``units_delivered``. Money is put on the unit in which the network counts the service
(:mod:`analysis.methods.network_units`): beds for residential services (the registered
beds; the registry holds only the current capacity, so earlier years use it too), FTE of
direct-care staff for field and outpatient services (the year's report). A service whose
forms are counted in different units (beds and FTE) has costs that no single unit
explains: it is not compared (``mixed_units``). The registered capacity (clients,
interventions) is kept for reference only: it is a legal maximum, not a volume.
"""

from __future__ import annotations

from typing import get_args

import numpy as np
import pandas as pd

from analysis.data.schemas import COST_PARTS
from analysis.methods import network_units as nu
from analysis.params import RevenueColumn

# Revenue columns of finance.csv, in the data model's order.
REVENUES: tuple[str, ...] = get_args(RevenueColumn)
# Services are compared, priced and scored within a type, a form and a network unit.
GROUP = ["service_type_code", "form", "network_unit"]
OUTLIER_LABELS = {"low": "nízký", "high": "vysoký", "normal": "obvyklý"}


def service_units(services: pd.DataFrame, unit_rules: list) -> pd.DataFrame:
    """One row per service: type, main form and registered unit, registered capacity in
    that unit, the network unit and its count (:func:`network_units.network_units`),
    provider, place and membership of the regional network."""
    main = services.drop_duplicates("service_id", keep="first").set_index("service_id")
    same_unit = (
        services["capacity_unit"].to_numpy()
        == services["service_id"].map(main["capacity_unit"]).to_numpy()
    )
    capacity = services[same_unit].groupby("service_id")["capacity"].sum()
    out = main[
        ["service_type_code", "form", "capacity_unit", "provider_ico", "municipality_code"]
    ].copy()
    out["capacity"] = capacity.reindex(out.index).astype(float)
    net = nu.network_units(services, unit_rules).set_index("service_id")
    out = out.join(net)
    out["mixed_units"] = out.pop("mixed_network_units").fillna(False).astype(bool)
    network = services.groupby("service_id")["in_regional_network"].agg(
        lambda s: bool(s.fillna(False).any()) if s.notna().any() else pd.NA
    )
    out["in_regional_network"] = network.reindex(out.index)
    for col in ("entrusted_from", "entrusted_to"):
        out[col] = (
            services.groupby("service_id")[col].first().reindex(out.index).astype("Int64")
            if col in services
            else pd.array([pd.NA] * len(out), dtype="Int64")
        )
    return out.reset_index()


def indicators(
    finance: pd.DataFrame,
    units: pd.DataFrame,
    fte_per: float,
    public: list[str],
    max_revenue_to_cost: float,
) -> pd.DataFrame:
    """Per service and year: costs and revenues, unit costs, staffing, occupancy and the
    revenue structure.

    ``comparable`` is false for rows the benchmark leaves out: revenues above
    ``max_revenue_to_cost`` times the costs, no capacity, or capacity in several units.
    Bed services with an occupancy above 1 are flagged ``occupancy_over_capacity`` and
    left out too (a bed cannot be used more than every day); other services may serve
    more clients than their simultaneous capacity.
    """
    df = finance.merge(units, on="service_id", how="left", validate="many_to_one")
    for c in (*REVENUES, *COST_PARTS, "capital_employed"):
        if c not in df.columns:  # optional columns an older file does not have
            df[c] = np.nan
    df["total_cost"] = df["cost_personnel"] + df["cost_operating"]
    df["total_revenue"] = df[list(REVENUES)].sum(axis=1)
    own = [c for c in REVENUES if c not in public]
    df["public_revenue"] = df[public].sum(axis=1)
    df["own_revenue"] = df[own].sum(axis=1)
    df["network_capacity"] = nu.network_capacity(df)
    cap = df["network_capacity"]
    df["cost_per_unit"] = df["total_cost"] / cap
    df["own_revenue_per_unit"] = df["own_revenue"] / cap
    df["cost_per_delivered"] = df["total_cost"] / df["units_delivered"].where(
        df["units_delivered"] > 0
    )
    df["fte"] = df["fte_direct"] + df["fte_other"]
    # Staff per 10 beds; for a service counted in direct-care FTE the ratio is not a
    # measure (the direct-care share is).
    df["fte_per_capacity"] = (df["fte"] / cap * fte_per).where(df["network_unit"] == "luzka")
    df["direct_share"] = df["fte_direct"] / df["fte"].where(df["fte"] > 0)
    revenue = df["total_revenue"].where(df["total_revenue"] > 0)
    for c in REVENUES:
        df[f"share_{c}"] = df[c] / revenue
    df["revenue_to_cost"] = df["total_revenue"] / df["total_cost"].where(df["total_cost"] > 0)
    df["occupancy_over_capacity"] = df["occupancy"].gt(1) & df["capacity_unit"].eq("luzka")
    if "mixed_units" not in df:
        df["mixed_units"] = False
    df["mixed_units"] = df["mixed_units"].fillna(False).astype(bool)
    df["comparable"] = (
        cap.notna()
        & ~df["mixed_units"]
        & df["revenue_to_cost"].le(max_revenue_to_cost)
        & ~df["occupancy_over_capacity"]
    )
    df = df.sort_values(["service_id", "year"]).reset_index(drop=True)
    # Year-on-year change of the unit cost: only between consecutive years.
    prev_year = df.groupby("service_id")["year"].shift()
    prev_cost = df.groupby("service_id")["cost_per_unit"].shift()
    df["cost_change"] = (df["cost_per_unit"] / prev_cost - 1).where(prev_year == df["year"] - 1)
    return df


def outlier_flags(values: pd.Series, groups: pd.DataFrame, method: str, k: float, min_n: int):
    """``low`` / ``high`` / ``normal`` per value within its group; missing where the
    group has fewer than ``min_n`` values.

    ``iqr``: outside [Q1 − k·IQR, Q3 + k·IQR] (Tukey's fences); ``band``: outside
    [median·(1 − k), median·(1 + k)].
    """
    keys = [groups[c] for c in groups.columns]
    g = values.groupby(keys)
    n = g.transform("count")
    if method == "iqr":
        q1, q3 = g.transform(lambda s: s.quantile(0.25)), g.transform(lambda s: s.quantile(0.75))
        low, high = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
    else:
        med = g.transform("median")
        low, high = med * (1 - k), med * (1 + k)
    flag = np.select([values < low, values > high], ["low", "high"], "normal")
    return pd.Series(flag, index=values.index, dtype=object).where((n >= min_n) & values.notna())


def type_benchmark(ind: pd.DataFrame, year: int, rule) -> pd.DataFrame:
    """Per service type, form and unit in one year: distribution of the unit cost,
    staffing and occupancy medians, outliers, and change against the previous year."""
    cur = ind[(ind["year"] == year) & ind["comparable"]]
    prev = ind[(ind["year"] == year - 1) & ind["comparable"]]
    g = cur.groupby(GROUP)
    one_unit = g["capacity_unit"].nunique() == 1
    out = pd.DataFrame(
        {
            "services": g["service_id"].nunique(),
            "providers": g["provider_ico"].nunique(),
            "cost_q1": g["cost_per_unit"].quantile(0.25),
            "cost_median": g["cost_per_unit"].median(),
            "cost_q3": g["cost_per_unit"].quantile(0.75),
            # Output is measured in the registered unit (bed-days, clients, contacts):
            # a median only where the group has one such unit.
            "delivered_capacity_unit": g["capacity_unit"].first().where(one_unit),
            "cost_per_delivered": g["cost_per_delivered"].median().where(one_unit),
            "fte_per_capacity": g["fte_per_capacity"].median(),
            "direct_share": g["direct_share"].median(),
            "occupancy": g["occupancy"].median(),
        }
    )
    flags = outlier_flags(cur["cost_per_unit"], cur[GROUP], rule.method, rule.k, rule.min_services)
    out["outliers"] = flags.isin(["low", "high"]).groupby([cur[c] for c in GROUP]).sum()
    out.loc[flags.groupby([cur[c] for c in GROUP]).count() == 0, "outliers"] = np.nan
    prev_median = prev.groupby(GROUP)["cost_per_unit"].median()
    out["cost_change"] = out["cost_median"] / prev_median.reindex(out.index) - 1
    return out.reset_index()


def with_national(bench: pd.DataFrame, national: pd.DataFrame, year: int) -> pd.DataFrame:
    """Adds the national median unit cost and the region's ratio to it, where both exist."""
    nat = national[national["year"] == year].set_index(GROUP)["cost_per_unit_median"]
    out = bench.copy()
    out["national_median"] = nat.reindex(pd.MultiIndex.from_frame(out[GROUP])).to_numpy()
    out["ratio_to_national"] = out["cost_median"] / out["national_median"]
    return out


def revenue_structure(ind: pd.DataFrame, year: int, by: str = "service_type_code"):
    """Share of each revenue source in all revenues, per service type (sums of money,
    not means of shares), for one year."""
    cur = ind[(ind["year"] == year) & ind["comparable"]]
    reported = [c for c in REVENUES if cur[c].notna().any()]
    sums = cur.groupby(by)[reported].sum()
    total = sums.sum(axis=1)
    return sums.div(total.where(total > 0), axis=0)


def with_total(table: pd.DataFrame, label_column: str, sums: list[str], label: str = "celkem"):
    """The table with a last row: ``label`` in ``label_column``, the sums of ``sums``,
    the other cells empty (text columns) or missing."""
    total = {c: table[c].sum() for c in sums}
    total[label_column] = label
    out = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    for c in out.columns:
        if c not in sums and c != label_column and out[c].dtype.kind in "iu":
            out[c] = out[c].astype("Int64")
    return out
