"""Inventory of the network of social services: services and capacity by type and area.

Capacities are summed only within one capacity unit (beds, clients, interventions,
contacts, calls never add up), and a service counts once per area even when it is
registered in several forms.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.codelists import CAPACITY_UNITS, FORMS, SERVICE_TYPES
from analysis.methods.demography import latest_year_with_ages, orp_names, totals_by_area
from analysis.methods.network_indicators import reference_population
from analysis.params import TypeRule


def active_services(services: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Rows of services registered on date ``on`` (started, and not ended before it)."""
    ts = pd.Timestamp(on)
    active = (services["active_from"] <= ts) & (
        services["active_to"].isna() | (services["active_to"] >= ts)
    )
    return services[active]


def capacity_by_type(services: pd.DataFrame) -> pd.DataFrame:
    """Services and registered capacity per service type, form and capacity unit."""
    g = services.groupby(["service_type_code", "form", "capacity_unit"], sort=True)
    out = g.agg(
        services=("service_id", "nunique"),
        capacity=("capacity", "sum"),
        in_network=("in_regional_network", lambda s: s.sum() if s.notna().any() else pd.NA),
    ).reset_index()
    out.insert(
        1, "service_type", out["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].name)
    )
    out["form"] = out["form"].map(FORMS)
    out["capacity_unit"] = out["capacity_unit"].map(CAPACITY_UNITS)
    out["in_network"] = out["in_network"].astype("Int64")  # missing = membership not known
    return out


def orp_capacity(
    services: pd.DataFrame,
    municipalities: pd.DataFrame,
    population: pd.Series,
    seniors: pd.Series,
    per_population: int,
    senior_types: list[int],
) -> pd.DataFrame:
    """Per ORP: services placed there, residential beds, beds for seniors per population.

    ``population`` and ``seniors`` are indexed by ORP code; ``per_population`` is the
    denominator of the rates (e.g. 1,000); ``senior_types`` are the service types whose
    residential beds serve seniors (methodology ``network.senior_residential_types``).
    """
    placed = services.merge(
        municipalities[["municipality_code", "orp_code"]],
        on="municipality_code",
        how="left",
        validate="many_to_one",
    )
    beds = placed[placed["capacity_unit"].eq("luzka") & placed["form"].eq("pob")]
    senior_beds = beds[beds["service_type_code"].isin(senior_types)]
    field = placed[placed["form"].eq("ter") & placed["capacity_unit"].eq("klient")]
    orps = orp_names(municipalities).sort_index()
    out = pd.DataFrame(
        {
            "orp_name": orps,
            "population": population.reindex(orps.index).fillna(0).astype(int),
            "seniors": seniors.reindex(orps.index).fillna(0).astype(int),
            "services": placed.groupby("orp_code")["service_id"].nunique(),
            "residential_beds": beds.groupby("orp_code")["capacity"].sum(),
            "senior_beds": senior_beds.groupby("orp_code")["capacity"].sum(),
            "field_clients": field.groupby("orp_code")["capacity"].sum(),
        }
    )
    out[["services", "residential_beds", "senior_beds", "field_clients"]] = out[
        ["services", "residential_beds", "senior_beds", "field_clients"]
    ].fillna(0)
    out["services"] = out["services"].astype(int)
    out["services_per_10k"] = 10_000 * out["services"] / out["population"]
    out["senior_beds_rate"] = per_population * out["senior_beds"] / out["seniors"]
    out.index.name = "orp_code"
    return out


def with_region_total(
    table: pd.DataFrame, label: str, sums: list[str], rates: dict[str, tuple[str, str, float]]
) -> pd.DataFrame:
    """Append a total row: ``sums`` are added, ``rates`` = {col: (numerator, denominator,
    factor)} are recomputed from the totals rather than averaged."""
    total = {c: table[c].sum() for c in sums}
    for col, (num, den, factor) in rates.items():
        total[col] = factor * total[num] / total[den]
    row = pd.DataFrame([total], index=pd.Index([""], name=table.index.name))
    first = table.columns[0]
    if first not in sums and first not in rates:
        row.insert(0, first, label)
    return pd.concat([table, row[table.columns]])


def orp_overview(
    services: pd.DataFrame,
    municipalities: pd.DataFrame,
    population: pd.DataFrame,
    year: int,
    senior_rule: TypeRule,
    per_population: int,
    senior_types: list[int],
) -> tuple[pd.DataFrame, str]:
    """The ORP table of the network chapter, with a region total row, and the label of
    the seniors' reference ages.

    Beds for seniors are related to the reference population of the seniors' residential
    types (``senior_rule``: the same first available age range as in the coverage
    table, so that one indicator has one denominator). Population is taken from the
    latest year up to ``year`` with any age data; ``services`` should already be
    restricted to the services active on the reference date.
    """
    year = latest_year_with_ages(population, municipalities, year, 0) or year
    total = totals_by_area(population, municipalities, "orp", year)
    refpop, label = reference_population(population, municipalities, year, senior_rule)
    seniors = refpop.groupby(municipalities.set_index("municipality_code")["orp_code"]).sum()
    table = orp_capacity(services, municipalities, total, seniors, per_population, senior_types)
    table = with_region_total(
        table,
        "celkem",
        sums=[
            "population",
            "seniors",
            "services",
            "residential_beds",
            "senior_beds",
            "field_clients",
        ],
        rates={
            "services_per_10k": ("services", "population", 10_000),
            "senior_beds_rate": ("senior_beds", "seniors", per_population),
        },
    )
    return table.reset_index(), label


def reference_date(year: int) -> dt.date:
    """The network is described as registered on 1 January of the report year."""
    return dt.date(year, 1, 1)
