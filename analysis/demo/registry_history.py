"""The demo registry's history and details: services newly registered in the year before
the report, the registry as it stood a year earlier (for the change report), and the
ages and contacts of each service (for the catalogue).

Generated from their own random stream after every other table, so that the plan and
finance tables do not move. New registrations are outside the regional network (a
service enters it after registration) and of types that no registry-linked plan
indicator counts, so that the plan still agrees with its registry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.codelists import DEFAULT_TARGET_GROUPS, SERVICE_TYPES
from analysis.demo.services import SPECS, ico_with_checksum

# Ages of the people a service is registered for, by its first target group (demo only).
_AGES = {
    "deti_rodiny": [(0, 26), (6, 26), (0, 18)],
    "seniori": [(65, None), (60, None), (50, None)],
    "ozp": [(18, 64), (3, 80), (16, None)],
    "ohrozeni": [(15, 64), (18, None), (18, 80)],
}


def new_registrations(
    services: pd.DataFrame,
    munis: pd.DataFrame,
    year: int,
    excluded_types: set[int],
    rng: np.random.Generator,
    count: int = 7,
) -> pd.DataFrame:
    """Services registered during ``year - 1`` (rows of the canonical services table)."""
    types = sorted(
        t for t, spec in SPECS.items() if t not in excluded_types and spec.where == "towns"
    )
    towns = munis[munis["kind"].ne("obec")].reset_index(drop=True)
    last = int(services["service_id"].str[1:].astype(int).max())
    rows = []
    for k in range(count):
        code = int(rng.choice(types))
        spec = SPECS[code]
        place = towns.iloc[int(rng.integers(len(towns)))]
        name = SERVICE_TYPES[code].name
        form, unit, _ = spec.forms[0]
        low, high = spec.capacity[form]
        start = pd.Timestamp(year - 1, int(rng.integers(2, 12)), 1)
        rows.append(
            {
                "service_id": f"S{last + k + 1:04d}",
                "provider_ico": ico_with_checksum(7_900_000 + 37 * k + int(rng.integers(30))),
                "provider_name": f"Nová cesta {place['municipality_name']}, z. ú.",
                "service_name": f"{name[0].upper()}{name[1:]} – {place['municipality_name']}",
                "service_type_code": code,
                "form": form,
                "capacity": float(np.round(rng.uniform(low, high))),
                "capacity_unit": unit,
                "target_groups": DEFAULT_TARGET_GROUPS[code][0],
                "municipality_code": place["municipality_code"],
                "lat": round(float(place["lat"] + rng.normal(0, 0.004)), 5),
                "lon": round(float(place["lon"] + rng.normal(0, 0.006)), 5),
                "area_of_operation": place["orp_code"] if form == "ter" else None,
                "active_from": start.date().isoformat(),
                "active_to": None,
                "in_regional_network": "false",
            }
        )
    return pd.DataFrame(rows, columns=services.columns)


def previous_snapshot(
    services: pd.DataFrame, munis: pd.DataFrame, year: int, rng: np.random.Generator
) -> pd.DataFrame:
    """The registry as published on 1 January of ``year - 1``.

    Services registered since are not in it; services that ended since were still
    running (their end was not yet known); about one service in ten had another
    capacity; two had a form they no longer have, two lacked a form they have now, and
    one was in a town of another ORP.
    """
    start = pd.Timestamp(year - 1, 1, 1)
    prev = services[pd.to_datetime(services["active_from"]) <= start].copy()
    ended = pd.to_datetime(prev["active_to"]) >= start
    prev.loc[ended, "active_to"] = None
    ids = prev["service_id"].drop_duplicates().to_numpy()
    ids = ids[~np.isin(ids, prev.loc[ended, "service_id"])]
    changed = rng.choice(ids, size=max(len(ids) // 10, 1), replace=False)
    rows = prev["service_id"].isin(changed)
    factor = rng.choice([0.6, 0.75, 0.85, 1.15, 1.25], size=int(rows.sum()))
    prev.loc[rows, "capacity"] = np.maximum(np.round(prev.loc[rows, "capacity"] * factor), 1)
    rest = ids[~np.isin(ids, changed)]
    forms_of = prev.groupby("service_id")["form"].agg(set)
    type_of = prev.groupby("service_id")["service_type_code"].first()
    single = [s for s in rest if len(forms_of[s]) == 1]
    multi = [s for s in rest if len(forms_of[s]) > 1]
    # Single-form services whose type is also registered in another form.
    can_grow = [
        s for s in single if any(f not in forms_of[s] for f, _, _ in SPECS[int(type_of[s])].forms)
    ]
    given_up = rng.choice(can_grow, size=min(2, len(can_grow)), replace=False)
    # Forms since given up: another form of the type beside the only one they have now.
    extra = []
    for sid in given_up:
        row = prev[prev["service_id"] == sid].iloc[0].copy()
        form, unit, _ = next(f for f in SPECS[int(type_of[sid])].forms if f[0] != row["form"])
        row["form"], row["capacity_unit"] = form, unit
        row["capacity"] = float(SPECS[int(type_of[sid])].capacity[form][0])
        row["area_of_operation"] = (
            munis.set_index("municipality_code").at[row["municipality_code"], "orp_code"]
            if form == "ter"
            else None
        )
        extra.append(row)
    # Forms added since: the service had only its first form a year ago.
    for sid in rng.choice(multi, size=min(2, len(multi)), replace=False):
        forms = prev.loc[prev["service_id"] == sid, "form"]
        prev = prev.drop(index=forms.index[1:])
    # A move from a town of another ORP (the service's place and point a year ago).
    movable = [s for s in single if s not in set(given_up)]
    moved = movable[int(rng.integers(len(movable)))]
    here = prev.loc[prev["service_id"] == moved, "municipality_code"].iloc[0]
    orp = munis.set_index("municipality_code").at[here, "orp_code"]
    towns = munis[munis["kind"].ne("obec") & munis["orp_code"].ne(orp)]
    there = towns.iloc[int(rng.integers(len(towns)))]
    rows = prev["service_id"] == moved
    prev.loc[rows, "municipality_code"] = there["municipality_code"]
    prev.loc[rows, "lat"] = round(float(there["lat"]), 5)
    prev.loc[rows, "lon"] = round(float(there["lon"]), 5)
    out = pd.concat([prev, pd.DataFrame(extra, columns=prev.columns)], ignore_index=True)
    # Forms of the registry's fixed order, like the current table.
    return out.sort_values(["service_id", "form"], kind="stable").reset_index(drop=True)


def service_details(services: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Ages and contacts per service: fictional web addresses under ``.example`` and
    phone numbers of the unassigned Czech range +420 000 (never real ones); about one
    service in eight gives no ages, one in five no contact."""
    first = services.drop_duplicates("service_id")
    rows = []
    for r in first.itertuples(index=False):
        options = _AGES[r.target_groups.split(";")[0]]
        age_from, age_to = options[int(rng.integers(len(options)))]
        if rng.random() < 0.12:
            age_from = age_to = None
        web = phone = None
        if rng.random() >= 0.2:
            web = f"www.sluzba-{r.service_id.lower()}.example"
            phone = f"+420 000 {int(rng.integers(100, 999))} {int(rng.integers(100, 999))}"
        rows.append(
            {
                "service_id": r.service_id,
                "age_from": age_from,
                "age_to": age_to,
                "web": web,
                "phone": phone,
            }
        )
    return pd.DataFrame(rows).astype({"age_from": "Int64", "age_to": "Int64"})
