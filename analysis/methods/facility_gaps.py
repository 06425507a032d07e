"""Facility types an ORP has none of, among the types planned in every ORP.

ČSÚ counts facilities by ORP and type (not capacity). Only the types whose services the
methodology plans at the local level (``network.service_types``, ``planning_level:
local``) are expected in every ORP; a type planned for a district or the region is not a
gap of an ORP that lacks it.
"""

from __future__ import annotations

import pandas as pd


def local_facility_types(facilities: pd.DataFrame, rules: dict) -> list[str]:
    """ČSÚ facility types whose service type is planned locally (in the data's order)."""
    types = facilities.drop_duplicates("facility_type")
    local = [
        r.facility_type
        for r in types.itertuples()
        if pd.notna(r.service_type_code)
        and int(r.service_type_code) in rules
        and rules[int(r.service_type_code)].planning_level == "local"
    ]
    return sorted(local)


def missing_local_types(facilities: pd.DataFrame, rules: dict) -> pd.DataFrame:
    """Per ORP of ``facilities``: the locally planned types with no facility there
    (``orp_code``, ``missing``: list of types, ``count``); empty when counts are missing."""
    local = local_facility_types(facilities, rules)
    rows = facilities[facilities["facility_type"].isin(local)]
    if rows["facilities"].isna().any():
        return pd.DataFrame(columns=["orp_code", "missing", "count"])
    out = (
        rows[rows["facilities"] == 0]
        .groupby("orp_code")["facility_type"]
        .agg(lambda s: sorted(s))
        .reindex(sorted(rows["orp_code"].unique()))
    )
    out = out.apply(lambda v: v if isinstance(v, list) else [])
    frame = out.rename("missing").rename_axis("orp_code").reset_index()
    frame["count"] = frame["missing"].map(len)
    return frame
