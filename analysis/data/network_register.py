"""The region's network register (``network.csv``) applied to the registered services.

The registry says which services exist and at what capacity; the region decides which of
them belong to its network, in which unit and number the network counts them, and the
entrustment act with its period. Each row of the register is joined to the services on
``service_id`` (and ``form`` where it gives one; empty = every form) and its values
replace the services' own ``in_regional_network``, ``network_unit``,
``network_capacity``, ``entrusted_from`` and ``entrusted_to``. What does not fit is a
reported inconsistency, not an error: a network row whose service is not in the
registry, and more network units than registered capacity of the same unit.
"""

from __future__ import annotations

import pandas as pd

from analysis.codelists import CAPACITY_UNITS

COLUMNS = ["file", "row", "record", "issue"]
# Register columns that replace the services' own (register column → services column).
APPLIED = {
    "network_unit": "network_unit",
    "network_capacity": "network_capacity",
    "entrusted_from": "entrusted_from",
    "entrusted_to": "entrusted_to",
}
NOT_IN_REGISTRY = "služba sítě kraje chybí v registru (rozhodnutí se nepoužije)"
ABOVE_CAPACITY = (
    "v síti {network:g} {unit}, registrováno jen {registered:g}: síť počítá nejvýš "
    "registrovanou kapacitu"
)


def apply_network(
    services: pd.DataFrame, network: pd.DataFrame, file: str, row_offset: int = 2
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Services with the register's decisions, and the inconsistencies (``file``,
    ``row`` = register index + ``row_offset``, ``record``, ``issue``)."""
    out = services.copy()
    issues = []
    if network.empty:
        return out, pd.DataFrame(columns=COLUMNS)
    for column in APPLIED.values():
        if column not in out:
            out[column] = network[column].iloc[:0].reindex(out.index)  # typed, all missing
    for i, rec in network.iterrows():
        match = out["service_id"] == rec["service_id"]
        if pd.notna(rec["form"]):
            match &= out["form"] == rec["form"]
        record = rec["service_id"] + ("" if pd.isna(rec["form"]) else f" {rec['form']}")
        row = int(i) + row_offset
        if not match.any():
            issues.append((file, row, record, NOT_IN_REGISTRY))
            continue
        if pd.notna(rec["in_network"]):
            out.loc[match, "in_regional_network"] = rec["in_network"] == "true"
        for source, target in APPLIED.items():
            if pd.notna(rec[source]):
                out.loc[match, target] = rec[source]
        unit, number = rec["network_unit"], rec["network_capacity"]
        if pd.notna(unit) and pd.notna(number) and unit in CAPACITY_UNITS:
            registered = out.loc[match & (out["capacity_unit"] == unit), "capacity"].sum()
            if number > registered:
                issues.append(
                    (
                        file,
                        row,
                        record,
                        ABOVE_CAPACITY.format(
                            network=number, unit=CAPACITY_UNITS[unit], registered=registered
                        ),
                    )
                )
    out["in_regional_network"] = out["in_regional_network"].astype("boolean")
    return out, pd.DataFrame(issues, columns=COLUMNS).astype({"row": "Int64"})
