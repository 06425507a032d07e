"""Year-on-year changes of the registry: what was added, ended or changed between two
snapshots of the services table.

Each snapshot is read at its own date (:func:`analysis.methods.network.active_services`):
the current one on 1 January of the report year, the previous one a year earlier. A
service is *added* when it is registered in the current snapshot and was not in the
previous one, *ended* in the opposite case. A service in both may have changed its type,
its place (municipality), its forms or the capacity of a form; a form whose capacity
unit changed counts as the old unit removed and the new one added, because capacities in
different units are never compared.

Totals per type and per ORP are computed from the two snapshots' capacities, not from
the change rows; the change rows of a type add up to the same net change (tested).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.methods.network import active_services

# Kinds of change, in the order the report lists them.
CHANGE_KINDS: tuple[str, ...] = (
    "added",
    "ended",
    "form_added",
    "form_removed",
    "unit_changed",
    "capacity",
    "type",
    "place",
)
COLUMNS = [
    "service_id",
    "service_name",
    "service_type_code",
    "change",
    "form",
    "capacity_unit",
    "capacity_previous",
    "capacity_current",
    "value_previous",
    "value_current",
    "municipality_code",
    "orp_code",
]
_KEY = ["service_id", "form", "capacity_unit"]


def _rows(df: pd.DataFrame, change: str, before: bool) -> pd.DataFrame:
    """Change rows for whole rows of one snapshot (added or ended services, forms)."""
    out = df[["service_id", "service_name", "service_type_code", "form", "capacity_unit"]].copy()
    out["change"] = change
    out["capacity_previous"] = df["capacity"] if before else np.nan
    out["capacity_current"] = np.nan if before else df["capacity"]
    out["municipality_code"] = df["municipality_code"]
    return out


def registry_changes(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    previous_date: dt.date,
    current_date: dt.date,
    municipalities: pd.DataFrame,
) -> pd.DataFrame:
    """One row per change (columns :data:`COLUMNS`), sorted by service and kind."""
    a = active_services(previous, previous_date)
    b = active_services(current, current_date)
    ids_a, ids_b = set(a["service_id"]), set(b["service_id"])
    parts = [
        _rows(b[~b["service_id"].isin(ids_a)], "added", before=False),
        _rows(a[~a["service_id"].isin(ids_b)], "ended", before=True),
    ]
    both_a = a[a["service_id"].isin(ids_b)]
    both_b = b[b["service_id"].isin(ids_a)]
    merged = both_a.merge(
        both_b, on=["service_id", "form"], how="outer", suffixes=("_a", "_b"), indicator=True
    )
    for side, kind, before in (
        ("right_only", "form_added", False),
        ("left_only", "form_removed", True),
    ):
        rows = merged[merged["_merge"] == side]
        s = "_a" if before else "_b"
        parts.append(
            _rows(
                rows.rename(
                    columns={
                        f"{c}{s}": c
                        for c in (
                            "service_name",
                            "service_type_code",
                            "capacity_unit",
                            "capacity",
                            "municipality_code",
                        )
                    }
                ),
                kind,
                before,
            )
        )
    same = merged[merged["_merge"] == "both"]
    unit = same["capacity_unit_a"] != same["capacity_unit_b"]
    for s, before in (("_a", True), ("_b", False)):
        rows = same[unit].rename(
            columns={
                f"{c}{s}": c
                for c in (
                    "service_name",
                    "service_type_code",
                    "capacity_unit",
                    "capacity",
                    "municipality_code",
                )
            }
        )
        parts.append(_rows(rows, "unit_changed", before))
    cap = same[~unit & (same["capacity_a"] != same["capacity_b"])]
    parts.append(
        pd.DataFrame(
            {
                "service_id": cap["service_id"],
                "service_name": cap["service_name_b"],
                "service_type_code": cap["service_type_code_b"],
                "change": "capacity",
                "form": cap["form"],
                "capacity_unit": cap["capacity_unit_b"],
                "capacity_previous": cap["capacity_a"],
                "capacity_current": cap["capacity_b"],
                "municipality_code": cap["municipality_code_b"],
            }
        )
    )
    first_a = both_a.drop_duplicates("service_id").set_index("service_id")
    first_b = both_b.drop_duplicates("service_id").set_index("service_id")
    first_a = first_a.reindex(first_b.index)
    for column, kind in (("service_type_code", "type"), ("municipality_code", "place")):
        differs = first_a[column].astype(str) != first_b[column].astype(str)
        rows = first_b[differs]
        parts.append(
            pd.DataFrame(
                {
                    "service_id": rows.index,
                    "service_name": rows["service_name"].to_numpy(),
                    "service_type_code": rows["service_type_code"].to_numpy(),
                    "change": kind,
                    "value_previous": first_a.loc[differs, column].astype(str).to_numpy(),
                    "value_current": rows[column].astype(str).to_numpy(),
                    "municipality_code": rows["municipality_code"].to_numpy(),
                }
            )
        )
    out = pd.concat([p for p in parts if len(p)], ignore_index=True).reindex(columns=COLUMNS)
    orp = municipalities.set_index("municipality_code")["orp_code"]
    out["orp_code"] = out["municipality_code"].map(orp)
    out["service_type_code"] = out["service_type_code"].astype(int)
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    out = out.assign(_k=out["change"].map(order)).sort_values(
        ["service_id", "_k", "form", "capacity_unit"], kind="stable", na_position="first"
    )
    return out.drop(columns="_k").reset_index(drop=True)


def capacity_totals(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    previous_date: dt.date,
    current_date: dt.date,
    by: list[str],
    municipalities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Capacity per ``by`` and unit in both snapshots and the net change (absent = 0:
    a service that is not registered has no capacity)."""
    frames = []
    for df, day, col in (
        (previous, previous_date, "capacity_previous"),
        (current, current_date, "capacity_current"),
    ):
        active = active_services(df, day)
        if municipalities is not None and "orp_code" in by:
            orp = municipalities.set_index("municipality_code")["orp_code"]
            active = active.assign(orp_code=active["municipality_code"].map(orp))
        frames.append(active.groupby([*by, "capacity_unit"])["capacity"].sum().rename(col))
    out = pd.concat(frames, axis=1).fillna(0.0)
    out["net_change"] = out["capacity_current"] - out["capacity_previous"]
    return out.reset_index()


def service_counts(
    changes: pd.DataFrame,
    previous: pd.DataFrame,
    current: pd.DataFrame,
    previous_date: dt.date,
    current_date: dt.date,
    by: str,
    municipalities: pd.DataFrame,
) -> pd.DataFrame:
    """Per ``by`` (``service_type_code`` or ``orp_code``): services registered in each
    snapshot, added, ended and changed (a service counts once per kind; one that moved
    to another ORP counts as changed in its new ORP)."""
    orp = municipalities.set_index("municipality_code")["orp_code"]
    counts = []
    for df, day, col in (
        (previous, previous_date, "services_previous"),
        (current, current_date, "services_current"),
    ):
        active = active_services(df, day).assign(orp_code=lambda d: d["municipality_code"].map(orp))
        counts.append(active.groupby(by)["service_id"].nunique().rename(col))
    kind = changes["change"].where(changes["change"].isin(["added", "ended"]), "changed")
    moved = (
        changes.assign(kind=kind)
        .groupby([by, "kind"])["service_id"]
        .nunique()
        .unstack(fill_value=0)
        .reindex(columns=["added", "ended", "changed"], fill_value=0)
    )
    out = pd.concat([*counts, moved], axis=1).fillna(0).astype(int)
    out.index.name = by
    return out.reset_index()[
        [by, "services_previous", "services_current", "added", "ended", "changed"]
    ]
