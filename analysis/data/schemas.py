"""Schemas of the canonical tables every analysis reads (see ``docs/data-model.md``).

Each table is a pandera ``DataFrameSchema``. Validation runs in two phases so that a
single bad cell gives a single message: first every column is coerced to its type, then
the value checks run on the typed table. Failures become
:class:`analysis.errors.CellProblem` with the file, the 1-based file row and the column.

Long module (over 600 lines) on purpose: one schema per canonical table, in the order of
``docs/data-model.md``, which it mirrors column for column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analysis.codelists import ALLOWED_UNITS, CAPACITY_UNITS, FORMS, SERVICE_TYPES, TARGET_GROUPS
from analysis.data import provenance
from analysis.errors import CellProblem, DataValidationError

# Bounding box of Czechia (WGS84), slightly padded.
LAT_RANGE = (48.5, 51.1)
LON_RANGE = (12.0, 18.9)

MUNICIPALITY_CODE = r"^[0-9]{6}$"  # ASCII digits: \d also matches other scripts
ORP_CODE = r"^[0-9]{4}$"
REGION_CODE = r"^CZ[0-9A-Z]{3}$"
DISTRICT_CODE = r"^CZ[0-9A-Z]{4}$"
AREA_LEVELS = ("obec", "orp", "okres", "kraj", "stat")
SEXES = ("M", "F", "T")  # men, women, both sexes (where only totals exist)
# What a plan indicator linked to the registry counts there.
REGISTRY_MEASURES = {
    "capacity": "registrovaná kapacita druhu (v jednotce a formě indikátoru)",
    "orps_with_service": "počet ORP s alespoň jednou službou druhu",
}
INTENTION_STATUSES = ("splneno", "castecne", "probiha", "nesplneno", "planovano")


def _code_list(allowed: set[str] | dict[str, str], error: str) -> pa.Check:
    """Check that a ';'-separated list holds only allowed codes (an empty cell passes)."""
    allowed_set = set(allowed)

    def ok(s: pd.Series) -> pd.Series:
        return s.isna() | s.map(
            lambda v: isinstance(v, str) and bool(v) and set(v.split(";")) <= allowed_set
        ).astype(bool)

    return pa.Check(ok, element_wise=False, error=error)


def _finite() -> pa.Check:
    """A number that is not infinite (``inf`` parses as a float)."""
    return pa.Check(lambda s: s.isna() | np.isfinite(s), error="a finite number")


def _codes_pattern(pattern: str, error: str) -> pa.Check:
    rx = re.compile(pattern)

    def ok(s: pd.Series) -> pd.Series:
        return s.isna() | s.map(
            lambda v: isinstance(v, str) and all(rx.match(c) for c in v.split(";"))
        ).astype(bool)

    return pa.Check(ok, element_wise=False, error=error)


UNIT_ERROR = "a capacity unit that the registry allows for this service type and form"
DATES_ERROR = "active_to on or after active_from"
ENTRUSTMENT_ERROR = "entrusted_to on or after entrusted_from"
AGE_ERROR = "age_to ≥ age_from"
TARGET_YEAR_ERROR = "target_year after baseline_year"
COST_PARTS_ERROR = (
    "cost_depreciation + cost_health_care + cost_outside_basic at most the total cost "
    "(cost_personnel + cost_operating)"
)
STAFF_ERROR = "fte_direct + fte_other above 0 where cost_personnel is above 0"
DIRECTION_ERROR = (
    "direction 'higher' or 'lower' where target_value equals baseline_value, and agreeing "
    "with the sign of target_value − baseline_value otherwise"
)
TRANSFORMATION_YEARS_ERROR = "target_year on or after start_year"
TRANSFORMATION_STATUSES = ("planovano", "probiha", "dokonceno")
WIDE_CHECK_COLUMNS = {
    COST_PARTS_ERROR: "cost_depreciation, cost_health_care, cost_outside_basic",
    STAFF_ERROR: "fte_direct, fte_other",
    DIRECTION_ERROR: "direction, baseline_value, target_value",
    TRANSFORMATION_YEARS_ERROR: "start_year, target_year",
    UNIT_ERROR: "service_type_code, form, capacity_unit",
    DATES_ERROR: "active_from, active_to",
    ENTRUSTMENT_ERROR: "entrusted_from, entrusted_to",
    AGE_ERROR: "age_from, age_to",
    TARGET_YEAR_ERROR: "baseline_year, target_year",
}


def _text(nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.str_length(min_value=1), nullable=nullable, coerce=True)


def _money() -> pa.Column:
    return pa.Column(float, pa.Check.ge(0), coerce=True)


def _unit_allowed(df: pd.DataFrame) -> pd.Series:
    keys = zip(df["service_type_code"], df["form"], df["capacity_unit"], strict=True)
    return pd.Series(
        [unit in ALLOWED_UNITS.get((int(t), f), ()) for t, f, unit in keys], index=df.index
    )


# Parts of the total cost ("of which") that a methodology may treat as ineligible.
COST_PARTS = ("cost_depreciation", "cost_health_care", "cost_outside_basic")
# Revenue sources a finance report may break out (absent in older files: reported within
# revenue_other, or not at all).
OPTIONAL_REVENUES = (
    "revenue_outside_basic",
    "revenue_eu",
    "revenue_labour_office",
    "revenue_other_public",
)
# Staff by category as a provider reports it (optional): the direct-care categories add
# up to fte_direct, management and administration is part of fte_other.
DIRECT_STAFF = ("fte_social_workers", "fte_care_workers", "fte_health_staff", "fte_educators")
STAFF_DETAIL = (*DIRECT_STAFF, "fte_management")
# What a service delivered besides its units (optional): people served in the year and
# applicants it could not take.
DELIVERY_DETAIL = ("clients_served", "unmet_applicants")
DIRECT_STAFF_ERROR = (
    "fte_social_workers + fte_care_workers + fte_health_staff + fte_educators equal to "
    "fte_direct where all four are given, and fte_management at most fte_other"
)
WIDE_CHECK_COLUMNS[DIRECT_STAFF_ERROR] = "fte_direct, fte_other, " + ", ".join(STAFF_DETAIL)
# Units in which a regional network counts a service (docs/data-model.md).
NETWORK_UNITS = {"luzka": "lůžka", "fte_direct": "úvazky v přímé péči"}


def _cost_parts_within_total(df: pd.DataFrame) -> pd.Series:
    parts = df[[c for c in COST_PARTS if c in df.columns]].fillna(0).sum(axis=1)
    return parts <= df["cost_personnel"] + df["cost_operating"] + 0.5


def _staff_categories_add_up(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    if all(c in df for c in DIRECT_STAFF):
        parts = df[list(DIRECT_STAFF)]
        given = parts.notna().all(axis=1)
        ok &= ~given | ((parts.sum(axis=1) - df["fte_direct"]).abs() <= 0.01)
    if "fte_management" in df:
        ok &= df["fte_management"].isna() | (df["fte_management"] <= df["fte_other"] + 0.01)
    return ok.astype(bool)


def _entrustment_ordered(df: pd.DataFrame) -> pd.Series:
    if "entrusted_from" not in df or "entrusted_to" not in df:
        return pd.Series(True, index=df.index)
    a, b = df["entrusted_from"], df["entrusted_to"]
    return (a.isna() | b.isna() | (b >= a)).astype(bool)


def _staff_for_personnel_cost(df: pd.DataFrame) -> pd.Series:
    return (df["cost_personnel"] <= 0) | (df["fte_direct"] + df["fte_other"] > 0)


def _direction_consistent(df: pd.DataFrame) -> pd.Series:
    if "direction" not in df:
        return df["target_value"] != df["baseline_value"]
    change = df["target_value"] - df["baseline_value"]
    d = df["direction"]
    return (
        (d.isna() & (change != 0))
        | ((d == "higher") & (change >= 0))
        | ((d == "lower") & (change <= 0))
    )


def _active_dates_ordered(df: pd.DataFrame) -> pd.Series:
    return df["active_to"].isna() | (df["active_to"] >= df["active_from"])


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "municipalities": pa.DataFrameSchema(
        {
            "municipality_code": pa.Column(
                str, pa.Check.str_matches(MUNICIPALITY_CODE), unique=True, coerce=True
            ),
            "municipality_name": _text(),
            "orp_code": pa.Column(str, pa.Check.str_matches(ORP_CODE), coerce=True),
            "orp_name": _text(),
            "district_code": pa.Column(str, pa.Check.str_matches(DISTRICT_CODE), coerce=True),
            "district_name": _text(),
            "region_code": pa.Column(str, pa.Check.str_matches(REGION_CODE), coerce=True),
            "region_name": _text(),
            "lat": pa.Column(float, pa.Check.in_range(*LAT_RANGE), nullable=True, coerce=True),
            "lon": pa.Column(float, pa.Check.in_range(*LON_RANGE), nullable=True, coerce=True),
        },
        strict=True,
        ordered=False,
    ),
    "population": pa.DataFrameSchema(
        {
            "area_code": _text(),
            "area_level": pa.Column(str, pa.Check.isin(AREA_LEVELS), coerce=True),
            "year": pa.Column(int, pa.Check.in_range(1950, 2100), coerce=True),
            "sex": pa.Column(str, pa.Check.isin(SEXES), coerce=True),
            "age_from": pa.Column(int, pa.Check.in_range(0, 120), coerce=True),
            # Empty = open-ended band (e.g. 100+); equal to age_from for single years.
            "age_to": pa.Column("Int64", pa.Check.in_range(0, 120), nullable=True, coerce=True),
            "population": pa.Column(int, pa.Check.ge(0), coerce=True),
        },
        checks=[
            pa.Check(
                lambda df: df["age_to"].isna() | (df["age_to"] >= df["age_from"]),
                error=AGE_ERROR,
            )
        ],
        unique=["area_code", "year", "sex", "age_from"],
        strict=True,
        ordered=False,
    ),
    "services": pa.DataFrameSchema(
        {
            "service_id": _text(),
            "provider_ico": pa.Column(str, pa.Check.str_matches(r"^[0-9]{8}$"), coerce=True),
            "provider_name": _text(),
            "service_name": _text(),
            "service_type_code": pa.Column(int, pa.Check.isin(sorted(SERVICE_TYPES)), coerce=True),
            "form": pa.Column(str, pa.Check.isin(sorted(FORMS)), coerce=True),
            "capacity": pa.Column(float, [pa.Check.gt(0), _finite()], coerce=True),
            "capacity_unit": pa.Column(str, pa.Check.isin(sorted(CAPACITY_UNITS)), coerce=True),
            "target_groups": pa.Column(
                str,
                _code_list(
                    TARGET_GROUPS, f"';'-separated target groups from {sorted(TARGET_GROUPS)}"
                ),
                coerce=True,
            ),
            "municipality_code": pa.Column(
                str, pa.Check.str_matches(MUNICIPALITY_CODE), coerce=True
            ),
            "lat": pa.Column(float, pa.Check.in_range(*LAT_RANGE), nullable=True, coerce=True),
            "lon": pa.Column(float, pa.Check.in_range(*LON_RANGE), nullable=True, coerce=True),
            "area_of_operation": pa.Column(
                str,
                _codes_pattern(
                    r"^([0-9]{4}|[0-9]{6})$",
                    "';'-separated ORP (4-digit) or municipality (6-digit) codes",
                ),
                nullable=True,
                coerce=True,
            ),
            "active_from": pa.Column("datetime64[ns]", coerce=True),
            "active_to": pa.Column("datetime64[ns]", nullable=True, coerce=True),
            # Empty where the data does not say (the registry itself does not).
            "in_regional_network": pa.Column(
                str, pa.Check.isin(["true", "false"]), nullable=True, coerce=True
            ),
            # Optional, from the region's network register: the unit and number in which
            # the network counts the service (overriding the methodology's table), and the
            # years of its entrustment act (pověření).
            "network_unit": pa.Column(
                str,
                pa.Check.isin(list(NETWORK_UNITS)),
                nullable=True,
                required=False,
                coerce=True,
            ),
            "network_capacity": pa.Column(
                float, [pa.Check.gt(0), _finite()], nullable=True, required=False, coerce=True
            ),
            "entrusted_from": pa.Column(
                "Int64", pa.Check.in_range(2000, 2100), nullable=True, required=False, coerce=True
            ),
            "entrusted_to": pa.Column(
                "Int64", pa.Check.in_range(2000, 2100), nullable=True, required=False, coerce=True
            ),
        },
        checks=[
            pa.Check(_unit_allowed, error=UNIT_ERROR),
            pa.Check(_active_dates_ordered, error=DATES_ERROR),
            pa.Check(_entrustment_ordered, error=ENTRUSTMENT_ERROR),
        ],
        unique=["service_id", "form"],
        strict=True,
        ordered=False,
    ),
    "finance": pa.DataFrameSchema(
        {
            "service_id": _text(),
            "year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "cost_personnel": _money(),
            "cost_operating": _money(),
            "revenue_users": _money(),
            "revenue_health_insurance": _money(),
            "revenue_state_subsidy": _money(),
            "revenue_region": _money(),
            "revenue_municipalities": _money(),
            "revenue_other": _money(),
            "fte_direct": pa.Column(float, pa.Check.ge(0), coerce=True),
            "fte_other": pa.Column(float, pa.Check.ge(0), coerce=True),
            "units_delivered": pa.Column(float, pa.Check.ge(0), coerce=True),
            "occupancy": pa.Column(float, pa.Check.in_range(0, 1.5), nullable=True, coerce=True),
            # Optional parts of the total cost, optional revenue sources and the capital
            # employed (empty or absent: not reported).
            **{
                c: pa.Column(float, pa.Check.ge(0), nullable=True, required=False, coerce=True)
                for c in (
                    *COST_PARTS,
                    *OPTIONAL_REVENUES,
                    "capital_employed",
                    *STAFF_DETAIL,
                    *DELIVERY_DETAIL,
                )
            },
        },
        checks=[
            pa.Check(_cost_parts_within_total, error=COST_PARTS_ERROR),
            pa.Check(_staff_for_personnel_cost, error=STAFF_ERROR),
            pa.Check(_staff_categories_add_up, error=DIRECT_STAFF_ERROR),
        ],
        unique=["service_id", "year"],
        strict=True,
        ordered=False,
    ),
    "finance_national": pa.DataFrameSchema(
        {
            "year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "service_type_code": pa.Column(int, pa.Check.isin(sorted(SERVICE_TYPES)), coerce=True),
            "form": pa.Column(str, pa.Check.isin(sorted(FORMS)), coerce=True),
            "network_unit": pa.Column(str, pa.Check.isin(list(NETWORK_UNITS)), coerce=True),
            "services": pa.Column(int, pa.Check.ge(1), coerce=True),
            "providers": pa.Column(int, pa.Check.ge(1), coerce=True),
            "cost_per_unit": _money(),
            "own_revenue_per_unit": _money(),
            "cost_per_unit_q1": _money(),
            "cost_per_unit_median": _money(),
            "cost_per_unit_q3": _money(),
        },
        unique=["year", "service_type_code", "form", "network_unit"],
        strict=True,
        ordered=False,
    ),
    "subsidy_requests": pa.DataFrameSchema(
        {
            "service_id": _text(),
            "year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "requested_czk": _money(),
        },
        unique=["service_id", "year"],
        strict=True,
        ordered=False,
    ),
    "road_distances": pa.DataFrameSchema(
        {
            "origin": pa.Column(str, pa.Check.str_matches(MUNICIPALITY_CODE), coerce=True),
            "destination": _text(),
            "km": pa.Column(float, pa.Check.ge(0), coerce=True),
        },
        unique=["origin", "destination"],
        strict=True,
        ordered=False,
    ),
    "plan_priorities": pa.DataFrameSchema(
        {
            "priority_id": pa.Column(str, unique=True, coerce=True),
            "name": _text(),
            "target_group": pa.Column(str, pa.Check.isin([*TARGET_GROUPS, "vsechny"]), coerce=True),
        },
        strict=True,
        ordered=False,
    ),
    "plan_measures": pa.DataFrameSchema(
        {
            "measure_id": pa.Column(str, unique=True, coerce=True),
            "priority_id": _text(),
            "name": _text(),
        },
        strict=True,
        ordered=False,
    ),
    "plan_indicators": pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(str, unique=True, coerce=True),
            "measure_id": _text(),
            "name": _text(),
            "unit": _text(),
            "baseline_year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "baseline_value": pa.Column(float, coerce=True),
            "target_value": pa.Column(float, coerce=True),
            "target_year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "source": _text(),
            # Optional link to the registry: what the indicator counts there, so that the
            # report can set the registry's own figure beside the plan's.
            "registry_measure": pa.Column(
                str,
                pa.Check.isin(list(REGISTRY_MEASURES)),
                nullable=True,
                required=False,
                coerce=True,
            ),
            "registry_service_type": pa.Column(
                "Int64",
                pa.Check.isin(sorted(SERVICE_TYPES)),
                nullable=True,
                required=False,
                coerce=True,
            ),
            "registry_form": pa.Column(
                str, pa.Check.isin(sorted(FORMS)), nullable=True, required=False, coerce=True
            ),
            "registry_unit": pa.Column(
                str,
                pa.Check.isin(sorted(CAPACITY_UNITS)),
                nullable=True,
                required=False,
                coerce=True,
            ),
            # Which way is better; needed only when the target keeps the baseline.
            "direction": pa.Column(
                str,
                pa.Check.isin(["higher", "lower"]),
                nullable=True,
                required=False,
                coerce=True,
            ),
        },
        checks=[
            pa.Check(
                lambda df: df["target_year"] > df["baseline_year"],
                error=TARGET_YEAR_ERROR,
            ),
            pa.Check(_direction_consistent, error=DIRECTION_ERROR),
        ],
        strict=True,
        ordered=False,
    ),
    "plan_indicator_values": pa.DataFrameSchema(
        {
            "indicator_id": _text(),
            "year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "value": pa.Column(float, coerce=True),
        },
        unique=["indicator_id", "year"],
        strict=True,
        ordered=False,
    ),
    "action_plan": pa.DataFrameSchema(
        {
            "intention_id": pa.Column(str, unique=True, coerce=True),
            "measure_id": _text(),
            "year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "name": _text(),
            "service_type_code": pa.Column(
                "Int64", pa.Check.isin(sorted(SERVICE_TYPES)), nullable=True, coerce=True
            ),
            "form": pa.Column(str, pa.Check.isin(sorted(FORMS)), nullable=True, coerce=True),
            "orp_code": pa.Column(str, pa.Check.str_matches(ORP_CODE), nullable=True, coerce=True),
            "capacity_change": pa.Column(float, nullable=True, coerce=True),
            "capacity_unit": pa.Column(
                str, pa.Check.isin(sorted(CAPACITY_UNITS)), nullable=True, coerce=True
            ),
            "cost_czk": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
            "status": pa.Column(str, pa.Check.isin(INTENTION_STATUSES), coerce=True),
            # Optional: what the intention asks of the development budget, the municipal
            # co-financing share of its costs and whether the ORP declared the need.
            "requested_subsidy_czk": pa.Column(
                float, pa.Check.ge(0), nullable=True, required=False, coerce=True
            ),
            "municipal_share": pa.Column(
                float, pa.Check.in_range(0, 1), nullable=True, required=False, coerce=True
            ),
            "need_declared": pa.Column(
                str, pa.Check.isin(["true", "false"]), nullable=True, required=False, coerce=True
            ),
        },
        strict=True,
        ordered=False,
    ),
    "transformation_plans": pa.DataFrameSchema(
        {
            "plan_id": pa.Column(str, unique=True, coerce=True),
            "service_id": _text(),
            "name": _text(),
            "start_year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "target_year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
            "capacity_before": pa.Column(int, pa.Check.ge(0), coerce=True),
            "capacity_after": pa.Column(int, pa.Check.ge(0), coerce=True),
            "status": pa.Column(str, pa.Check.isin(TRANSFORMATION_STATUSES), coerce=True),
        },
        checks=[
            pa.Check(
                lambda df: df["target_year"] >= df["start_year"],
                error=TRANSFORMATION_YEARS_ERROR,
            )
        ],
        strict=True,
        ordered=False,
    ),
    "service_details": pa.DataFrameSchema(
        {
            "service_id": pa.Column(
                str, pa.Check.str_length(min_value=1), unique=True, coerce=True
            ),
            # The ages of the people the service is registered for; empty = not given.
            "age_from": pa.Column("Int64", pa.Check.in_range(0, 110), nullable=True, coerce=True),
            "age_to": pa.Column("Int64", pa.Check.in_range(0, 120), nullable=True, coerce=True),
            # Contacts of the service (never of a person): web addresses and phone numbers.
            "web": pa.Column(
                str,
                _codes_pattern(
                    r"^(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s<>\"']*)?$",
                    "';'-separated web addresses (www.example.cz or https://…)",
                ),
                nullable=True,
                coerce=True,
            ),
            "phone": pa.Column(
                str,
                _codes_pattern(r"^\+?[0-9][0-9 ]{5,18}[0-9]$", "';'-separated phone numbers"),
                nullable=True,
                coerce=True,
            ),
        },
        checks=[
            pa.Check(
                lambda df: (
                    df["age_to"].isna() | df["age_from"].isna() | (df["age_to"] >= df["age_from"])
                ),
                error=AGE_ERROR,
            )
        ],
        strict=True,
        ordered=False,
    ),
    # The region's network register (síť sociálních služeb kraje): its decisions about
    # the services of the registry, joined on service_id (and form, where given).
    "network": pa.DataFrameSchema(
        {
            "service_id": _text(),
            # Empty: the decision covers every form of the service.
            "form": pa.Column(str, pa.Check.isin(list(FORMS)), nullable=True, coerce=True),
            # Empty: not decided (the service's membership stays as the registry has it).
            "in_network": pa.Column(
                str, pa.Check.isin(["true", "false"]), nullable=True, coerce=True
            ),
            "decision": _text(nullable=True),  # e.g. the council's resolution
            "network_unit": pa.Column(
                str, pa.Check.isin(list(NETWORK_UNITS)), nullable=True, coerce=True
            ),
            "network_capacity": pa.Column(
                float, [pa.Check.gt(0), _finite()], nullable=True, coerce=True
            ),
            "entrustment_act": _text(nullable=True),
            "entrusted_from": pa.Column(
                "Int64", pa.Check.in_range(2000, 2100), nullable=True, coerce=True
            ),
            "entrusted_to": pa.Column(
                "Int64", pa.Check.in_range(2000, 2100), nullable=True, coerce=True
            ),
            # For the person filling the workbook; not used.
            "service_name": pa.Column(str, nullable=True, required=False, coerce=True),
        },
        checks=[pa.Check(_entrustment_ordered, error=ENTRUSTMENT_ERROR)],
        unique=["service_id", "form"],
        strict=True,
        ordered=False,
    ),
}
SCHEMAS["municipal_pledges"] = pa.DataFrameSchema(
    {
        # A municipality's pledge to co-finance development intentions in a year: the
        # council's resolution or the amount it put in its budget for them.
        "municipality_code": pa.Column(str, pa.Check.str_matches(MUNICIPALITY_CODE), coerce=True),
        "year": pa.Column(int, pa.Check.in_range(2000, 2100), coerce=True),
        "pledged_czk": pa.Column(float, [pa.Check.ge(0), _finite()], coerce=True),
        # Empty: a pledge to the year's intentions in the municipality's ORP as a whole.
        "intention_id": pa.Column(str, nullable=True, required=False, coerce=True),
        "resolution": pa.Column(str, nullable=True, required=False, coerce=True),
    },
    unique=["municipality_code", "year", "intention_id"],
    strict=True,
    ordered=False,
)
# The registry a year before the report (same columns as ``services``) for the change report.
SCHEMAS["services_previous"] = SCHEMAS["services"]

_BUILTIN_EXPECTED = [
    (re.compile(r"^coerce_dtype\('?(\w+)"), lambda m: _TYPE_NAMES.get(m.group(1), m.group(1))),
    (re.compile(r"^isin\((.*)\)$"), lambda m: f"one of {m.group(1)}"),
    (re.compile(r"^str_matches\('?(.*?)'?\)$"), lambda m: f"text matching {m.group(1)}"),
    (re.compile(r"^greater_than_or_equal_to\((.*)\)$"), lambda m: f"a number ≥ {m.group(1)}"),
    (re.compile(r"^greater_than\((.*)\)$"), lambda m: f"a number > {m.group(1)}"),
    (re.compile(r"^in_range\((.*), (.*)\)$"), lambda m: f"a value in [{m.group(1)}, {m.group(2)}]"),
    (re.compile(r"^str_length\(1, None\)$"), lambda m: "non-empty text"),
    (re.compile(r"^not_nullable$"), lambda m: "a value (the cell is empty)"),
    (re.compile(r"^field_uniqueness$"), lambda m: "a unique value (duplicate)"),
    (re.compile(r"^column_in_dataframe$"), lambda m: "this column to be present"),
    (re.compile(r"^column_in_schema$"), lambda m: "no such column (unknown column)"),
]
_TYPE_NAMES = {
    "int64": "an integer",
    "Int64": "an integer or an empty cell",
    "float64": "a number (decimal point '.')",
    "datetime64": "a date YYYY-MM-DD",
    "str": "text",
}


def _expected(check: str, schema: pa.DataFrameSchema) -> str:
    if check == "multiple_fields_uniqueness":
        return f"a unique combination of ({', '.join(schema.unique or [])}) (duplicate)"
    for rx, text in _BUILTIN_EXPECTED:
        m = rx.match(check)
        if m:
            return text(m)
    return check


def _problems(
    exc: SchemaErrors, schema: pa.DataFrameSchema, file: str, row_offset: int
) -> list[CellProblem]:
    fc = exc.failure_cases
    problems: list[CellProblem] = []
    seen: set[tuple] = set()
    for rec in fc.itertuples(index=False):
        check = str(rec.check)
        col = rec.column if isinstance(rec.column, str) else None
        idx = rec.index
        row = None if idx is None or pd.isna(idx) else int(idx) + row_offset
        value = None if rec.failure_case is None or pd.isna(rec.failure_case) else rec.failure_case
        if check in ("column_in_dataframe", "column_in_schema"):
            col, value, row = str(rec.failure_case), None, None
        elif check in WIDE_CHECK_COLUMNS:
            # Row-wise checks report every cell of the row; report the row once.
            col, value = WIDE_CHECK_COLUMNS[check], None
        elif check.startswith("dtype("):
            continue  # reported by the coercion phase
        key = (row, col, check)
        if key in seen:
            continue
        seen.add(key)
        problems.append(
            CellProblem(
                file, row, col, None if value is None else str(value), _expected(check, schema)
            )
        )
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column or ""))
    return problems


def _types_only(schema: pa.DataFrameSchema) -> pa.DataFrameSchema:
    cols = {
        name: pa.Column(col.dtype, nullable=True, coerce=True, required=col.required)
        for name, col in schema.columns.items()
    }
    return pa.DataFrameSchema(cols, strict=schema.strict, ordered=False)


# Control and direction-changing characters: invisible, they make two ids that look the
# same differ, or reverse how a name reads (a right-to-left override).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def invisible_characters(df: pd.DataFrame, file: str, row_offset: int = 2) -> list[CellProblem]:
    """Cells of text columns holding control or direction-override characters."""
    problems = []
    for col in df.columns:
        if not (pd.api.types.is_object_dtype(df[col]) or pd.api.types.is_string_dtype(df[col])):
            continue
        # One search over the whole column first (a line feed joins the cells: it is not
        # one of the characters): clean columns, nearly all, cost no loop over cells.
        if not _INVISIBLE.search("\n".join(df[col].dropna().astype(str))):
            continue
        for pos, value in enumerate(df[col]):
            if isinstance(value, str) and _INVISIBLE.search(value):
                problems.append(
                    CellProblem(
                        file,
                        pos + row_offset,
                        str(col),
                        value.encode("unicode_escape").decode("ascii")[:60],
                        "text without control or text-direction characters",
                    )
                )
    return problems


def population_structure(df: pd.DataFrame, file: str, row_offset: int = 2) -> list[CellProblem]:
    """Rules of a population table beyond single cells: one area and year is given either
    by sex (M, F) or for both sexes (T), never both (it would be counted twice); and the
    age bands of one area, year and sex follow each other without a gap, from age 0."""
    problems = []
    sexes = df.groupby(["area_code", "year"], sort=False)["sex"].agg(set)
    both = sexes[sexes.map(lambda s: "T" in s and bool(s & {"M", "F"}))]
    for area, year in both.index:
        rows = df.index[(df["area_code"] == area) & (df["year"] == year) & (df["sex"] == "T")]
        problems.append(
            CellProblem(
                file,
                int(rows[0]) + row_offset,
                "sex",
                "T",
                f"rows by sex (M, F) or for both sexes (T) for area {area} in {year}, not both",
            )
        )
    ordered = df.sort_values(["area_code", "year", "sex", "age_from"], kind="stable")
    for (area, year, sex), g in ordered.groupby(["area_code", "year", "sex"], sort=False):
        expected = 0
        for idx, age_from, age_to in zip(g.index, g["age_from"], g["age_to"], strict=True):
            if age_from != expected:
                problems.append(
                    CellProblem(
                        file,
                        int(idx) + row_offset,
                        "age_from",
                        str(age_from),
                        f"age bands of {area}, {year}, {sex} without a gap: the band should "
                        f"start at age {expected}",
                    )
                )
                break
            if pd.isna(age_to):
                break
            expected = int(age_to) + 1
    return problems


def validate_table(
    df: pd.DataFrame,
    table: str,
    file: str,
    row_offset: int = 2,
    raw_columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Validate one table and return it with typed columns.

    ``row_offset`` turns the 0-based frame index into the row a user sees: 2 for a CSV
    with a header line, 1 for records of a JSON or GeoJSON file. A table derived from
    raw files carries provenance columns (:mod:`analysis.data.provenance`; its index is
    then 0…n−1): errors name the raw file, row and column they give, and ``raw_columns``
    the raw names of columns taken whole from one raw column.
    Raises :class:`DataValidationError` listing every failing cell.
    """
    schema = SCHEMAS[table]
    df, origin = provenance.split(df)

    def fail(problems: list[CellProblem]) -> DataValidationError:
        return DataValidationError(provenance.relocate(problems, origin, row_offset, raw_columns))

    invisible = invisible_characters(df, file, row_offset)
    if invisible:
        raise fail(invisible)
    try:
        typed = _types_only(schema).validate(df, lazy=True)
    except SchemaErrors as exc:
        raise fail(_problems(exc, schema, file, row_offset)) from None
    try:
        return schema.validate(typed, lazy=True)
    except SchemaErrors as exc:
        raise fail(_problems(exc, schema, file, row_offset)) from None


def empty_table(table: str) -> pd.DataFrame:
    """An empty table with the schema's columns, typed by validation (content absent)."""
    cols = list(SCHEMAS[table].columns)
    return validate_table(pd.DataFrame({c: pd.Series(dtype="str") for c in cols}), table, table)
