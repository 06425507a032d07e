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
the change rows. For the region, the change rows of each unit add up to the net change
(tested); per type or ORP they do too, except where a service changed its type or the
place of a form: its capacity then leaves one type or ORP and reaches another, which the
counts show as moved out and moved in. A type is compared per service, a place per form,
so that the order of rows never matters.
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
_DTYPES = {
    "service_type_code": "int64",
    "capacity_previous": "float64",
    "capacity_current": "float64",
}


def _rows(df: pd.DataFrame, change: str, before: bool) -> pd.DataFrame:
    """Change rows for whole rows of one snapshot (added or ended services, forms)."""
    out = df[["service_id", "service_name", "service_type_code", "form", "capacity_unit"]].copy()
    out["change"] = change
    out["capacity_previous"] = df["capacity"] if before else np.nan
    out["capacity_current"] = np.nan if before else df["capacity"]
    out["municipality_code"] = df["municipality_code"]
    return out


_SIDED = ("service_name", "service_type_code", "capacity_unit", "capacity", "municipality_code")


def _one_side(merged: pd.DataFrame, before: bool) -> pd.DataFrame:
    """Rows of the snapshot merge with one snapshot's columns under their plain names."""
    suffix = "_a" if before else "_b"
    return merged.rename(columns={f"{c}{suffix}": c for c in _SIDED})


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
        parts.append(_rows(_one_side(merged[merged["_merge"] == side], before), kind, before))
    same = merged[merged["_merge"] == "both"]
    unit = same["capacity_unit_a"] != same["capacity_unit_b"]
    for before in (True, False):
        parts.append(_rows(_one_side(same[unit], before), "unit_changed", before))
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
    # Type: one per service (the lowest code if forms disagree, so row order never
    # matters). Place: per form, so that a form that moved is found whatever the order.
    type_a = both_a.groupby("service_id")["service_type_code"].min()
    type_b = both_b.groupby("service_id")["service_type_code"].min()
    retyped = type_b[type_a.reindex(type_b.index) != type_b].index
    first_b = both_b.sort_values(["service_id", "form"]).drop_duplicates("service_id")
    first_b = first_b.set_index("service_id").loc[retyped]
    parts.append(
        pd.DataFrame(
            {
                "service_id": retyped,
                "service_name": first_b["service_name"].to_numpy(),
                "service_type_code": type_b[retyped].to_numpy(),
                "change": "type",
                "value_previous": type_a[retyped].astype(str).to_numpy(),
                "value_current": type_b[retyped].astype(str).to_numpy(),
                "municipality_code": first_b["municipality_code"].to_numpy(),
            }
        )
    )
    moved = same[same["municipality_code_a"] != same["municipality_code_b"]]
    parts.append(
        pd.DataFrame(
            {
                "service_id": moved["service_id"],
                "service_name": moved["service_name_b"],
                "service_type_code": moved["service_type_code_b"],
                "change": "place",
                "form": moved["form"],
                "value_previous": moved["municipality_code_a"],
                "value_current": moved["municipality_code_b"],
                "municipality_code": moved["municipality_code_b"],
            }
        )
    )
    parts = [p for p in parts if len(p)]
    if not parts:  # identical snapshots: no change at all
        return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, "object")) for c in COLUMNS})
    out = pd.concat(parts, ignore_index=True).reindex(columns=COLUMNS)
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
    """Per ``by`` (``service_type_code`` or ``orp_code`` of the place): services in each
    snapshot, added, ended, moved in and out (a service in both snapshots whose type or
    place left or reached this key), and changed (services with any other change).

    Counts satisfy ``services_current = services_previous + added - ended + moved_in -
    moved_out`` for every key (a service with places in two ORPs counts in both).
    """
    orp = municipalities.set_index("municipality_code")["orp_code"]
    pairs = []
    for df, day in ((previous, previous_date), (current, current_date)):
        active = active_services(df, day).assign(orp_code=lambda d: d["municipality_code"].map(orp))
        pairs.append(set(zip(active["service_id"], active[by], strict=True)))
    before, after = pairs
    ids_before, ids_after = {s for s, _ in before}, {s for s, _ in after}
    both = ids_before & ids_after
    rows: dict[object, dict[str, set]] = {}

    def add(key: object, column: str, sid: str) -> None:
        rows.setdefault(key, {}).setdefault(column, set()).add(sid)

    for sid, key in before:
        add(key, "services_previous", sid)
        if sid not in ids_after:
            add(key, "ended", sid)
        elif (sid, key) not in after:
            add(key, "moved_out", sid)
    for sid, key in after:
        add(key, "services_current", sid)
        if sid not in ids_before:
            add(key, "added", sid)
        elif (sid, key) not in before:
            add(key, "moved_in", sid)
    other = changes[changes["service_id"].isin(both)]
    for sid, key in zip(other["service_id"], other[by], strict=True):
        if pd.notna(key):
            add(key, "changed", sid)
    columns = [
        "services_previous",
        "services_current",
        "added",
        "ended",
        "moved_in",
        "moved_out",
        "changed",
    ]
    out = pd.DataFrame(
        [{by: key, **{c: len(v.get(c, ())) for c in columns}} for key, v in rows.items()],
        columns=[by, *columns],
    )
    return out.sort_values(by, kind="stable").reset_index(drop=True)
