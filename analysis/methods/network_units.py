"""The unit in which the regional network counts a service, and the checks that keep
quantities in different units apart.

Networks count field and outpatient services in FTE of direct-care staff and residential
services in beds with a minimum occupancy (DOMAIN-finance-plan.md, "Corrections after
review"). The registered capacity in clients or interventions is a legal maximum, not a
volume: it is never the unit of money. Which unit applies to which form (and type) is a
methodology table (``finance.network_units``); the region's network register may name
the unit and the number of a service itself (``network_unit``, ``network_capacity`` in
``services.csv``), which then stand.

Beds and clients, or beds and FTE, are never added: :func:`total_in_one_unit` and
:func:`require_one_unit` refuse it, and every table that sums capacity goes through them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.data.schemas import NETWORK_UNITS

# How a table names each unit (nominative plural, as a column value).
UNIT_NAMES = NETWORK_UNITS


class MixedUnitsError(ValueError):
    """Quantities in different units were to be added or compared as numbers."""


def require_one_unit(units: Iterable[object], what: str) -> str | None:
    """The one unit of ``units`` (missing values ignored; None when there is none);
    :class:`MixedUnitsError` naming ``what`` when there are several."""
    distinct = sorted({str(u) for u in units if isinstance(u, str)})
    if len(distinct) > 1:
        raise MixedUnitsError(
            f"{what}: quantities in different units ({', '.join(distinct)}) cannot be added "
            "or compared as numbers"
        )
    return distinct[0] if distinct else None


def total_in_one_unit(values: pd.Series, units: pd.Series, what: str) -> float:
    """The sum of ``values``, all in one unit; refuses a sum across units."""
    require_one_unit(units[values.notna()], what)
    return float(values.sum())


def rule_for(form: str, code: int, rules: list) -> object | None:
    """The rule of the form that names the type, else the form's rule without types."""
    specific = next((r for r in rules if r.form == form and r.types and code in r.types), None)
    if specific is not None:
        return specific
    return next((r for r in rules if r.form == form and r.types is None), None)


def network_units(services: pd.DataFrame, rules: list) -> pd.DataFrame:
    """Per service (registry rows of ``services``): the network unit, the minimum
    occupancy (beds only), the registered beds, the register's own count
    (``register_capacity``, missing unless the register gives it) and whether the
    service's forms are counted in different units (``mixed_network_units``: its costs
    cannot be put on one unit)."""
    rows = services.reset_index(drop=True)
    rule = [
        rule_for(form, int(code), rules)
        for form, code in zip(rows["form"], rows["service_type_code"], strict=True)
    ]
    rows = rows.assign(
        rule_unit=[r.unit if r is not None else None for r in rule],
        rule_occupancy=[
            r.min_occupancy if r is not None and r.min_occupancy is not None else np.nan
            for r in rule
        ],
        beds=rows["capacity"].where(rows["capacity_unit"] == "luzka"),
    )
    g = rows.groupby("service_id", sort=False)
    out = pd.DataFrame(
        {
            "rule_unit": g["rule_unit"].first(),
            "min_occupancy": g["rule_occupancy"].first(),
            "beds": g["beds"].sum(min_count=1),
            "mixed_network_units": g["rule_unit"].nunique() > 1,
        }
    )
    register_unit = g["network_unit"].first() if "network_unit" in rows else None
    register_capacity = g["network_capacity"].first() if "network_capacity" in rows else None
    out["network_unit"] = (
        out["rule_unit"] if register_unit is None else register_unit.fillna(out["rule_unit"])
    )
    out["register_capacity"] = (
        np.nan if register_capacity is None else register_capacity.astype(float)
    )
    if register_unit is not None:
        # The register's unit stands; the service is then counted in one unit.
        out.loc[register_unit.notna(), "mixed_network_units"] = False
        by_beds = out["network_unit"] == "luzka"
        # A register that counts in beds where the table does not: the type's bed rule.
        missing = by_beds & out["min_occupancy"].isna()
        if missing.any():
            codes = g["service_type_code"].first()
            out.loc[missing, "min_occupancy"] = [
                getattr(rule_for("pob", int(codes[s]), rules), "min_occupancy", np.nan)
                for s in out.index[missing]
            ]
    out.loc[out["network_unit"] != "luzka", "min_occupancy"] = np.nan
    return out.drop(columns="rule_unit").rename_axis("service_id").reset_index()


def network_capacity(rows: pd.DataFrame) -> pd.Series:
    """Per finance row (columns ``network_unit``, ``beds``, ``register_capacity``,
    ``fte_direct``): the number of network units, i.e. the register's count where it
    gives one, else the registered beds for beds and the reported direct-care FTE of
    that year for FTE. Missing where there is nothing to count (never 0)."""
    derived = np.where(rows["network_unit"] == "luzka", rows["beds"], rows["fte_direct"])
    derived = pd.Series(derived, index=rows.index, dtype=float)
    value = rows["register_capacity"].astype(float).fillna(derived)
    return value.where(value > 0)


def counted_units(capacity: pd.Series, unit: pd.Series, occupancy: pd.Series, minimum):
    """Units a subsidy pays for: beds × min(1, occupancy ÷ minimum occupancy) (a bed
    service below the network's minimum occupancy is paid for the beds it fills at that
    minimum; without a reported occupancy the beds count whole); FTE as they are."""
    ratio = (occupancy / minimum).clip(upper=1.0)
    factor = ratio.where((unit == "luzka") & ratio.notna(), 1.0)
    return capacity * factor
