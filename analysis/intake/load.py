"""Check what the workbooks hold and write it as canonical CSV tables.

Checks, in order: the cells of each sheet (:mod:`analysis.intake.reader`), rows given
twice in any workbook, the table's schema, and references between tables (a service of a
report must be in the services sheet or in the data folder's ``services.csv``). Nothing
is written while any problem remains; then every table is written to a temporary file
beside its final name and moved into place.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from analysis.data import provenance
from analysis.data.canonical import read_table
from analysis.data.schemas import SCHEMAS, validate_table
from analysis.errors import CellProblem, DataValidationError
from analysis.intake import sheets
from analysis.intake.reader import Intake, duplicates, place, read_workbook
from analysis.params import DEFAULT_FILES, OPTIONAL_TABLES

# Child table → (column, parent table, parent column): references checked at intake.
REFERENCES = {
    "finance": ("service_id", "services", "service_id"),
    "subsidy_requests": ("service_id", "services", "service_id"),
    "transformation_plans": ("service_id", "services", "service_id"),
    "plan_measures": ("priority_id", "plan_priorities", "priority_id"),
    "plan_indicators": ("measure_id", "plan_measures", "measure_id"),
    "plan_indicator_values": ("indicator_id", "plan_indicators", "indicator_id"),
    "action_plan": ("measure_id", "plan_measures", "measure_id"),
}


def _known(table: str, intake: Intake, data_dir: Path | None) -> set[str] | None:
    """Keys of a parent table: from the workbooks, else from the data folder's file."""
    column = REFERENCES_PARENT_KEYS[table]
    if table in intake.tables:
        return set(intake.tables[table][column].astype(str))
    path = None if data_dir is None else data_dir / DEFAULT_FILES[table]
    if path is not None and path.is_file():
        return set(read_table(path, table)[column].astype(str))
    return None


REFERENCES_PARENT_KEYS = {parent: key for _, parent, key in REFERENCES.values()}


def read_workbooks(
    paths: list[Path],
    data_dir: Path | None = None,
    unit_cost_ratio: float = 3.0,
    staff_per_capacity: float = 2.0,
    revenue_surplus: float = 0.1,
) -> Intake:
    """Read and check every workbook; the result lists all problems and warnings (the
    limits of the warnings are ``plausibility`` parameters of the methodology)."""
    intake = Intake(workbooks=[p.name for p in paths])
    frames: dict[str, list[pd.DataFrame]] = {}
    for path in paths:
        found, problems, _ = read_workbook(path)
        intake.problems += problems
        for table, frame in found.items():
            frames.setdefault(table, []).append(frame)
    origins = {}
    for spec in sheets.SHEETS:
        if spec.table not in frames:
            continue
        frame = pd.concat(frames[spec.table], ignore_index=True)
        sheet_places = {place(path.name, spec.title) for path in paths}
        broken = any(p.file in sheet_places for p in intake.problems)
        dup = duplicates(frame, spec)
        intake.problems += dup
        if dup or broken:
            continue  # the schema would only repeat these per row
        try:
            typed = validate_table(frame, spec.table, spec.title)
        except DataValidationError as exc:
            intake.problems += exc.problems
            continue
        origin = provenance.split(frame)[1]
        if spec.table == "network":  # rows listed for a decision nobody took say nothing
            decided = typed.drop(columns=["service_id", "form", "service_name"], errors="ignore")
            keep = decided.notna().any(axis=1).to_numpy()
            typed, origin = typed[keep].reset_index(drop=True), origin[keep].reset_index(drop=True)
        intake.tables[spec.table] = typed
        origins[spec.table] = origin
    for child, (column, parent, _) in REFERENCES.items():
        if child not in intake.tables:
            continue
        known = _known(parent, intake, data_dir)
        table = intake.tables[child]
        for pos in range(len(table)):
            value = str(table[column].iloc[pos])
            if known is None or value not in known:
                origin = origins[child].iloc[pos]
                intake.problems.append(
                    CellProblem(
                        str(origin["_file"]),
                        int(origin["_row"]),
                        str(origin[f"_raw_{column}"]),
                        value,
                        f"a {column} of the sheet „{_title(parent)}“ or of the data folder's "
                        f"{DEFAULT_FILES[parent]}",
                    )
                )
    if not intake.problems:
        intake.warnings = plausibility_warnings(
            intake, origins, unit_cost_ratio, staff_per_capacity, revenue_surplus
        )
    return intake


def _title(table: str) -> str:
    return next(s.title for s in sheets.SHEETS if s.table == table)


def plausibility_warnings(
    intake: Intake,
    origins: dict[str, pd.DataFrame],
    unit_cost_ratio: float,
    staff_per_capacity: float,
    revenue_surplus: float,
) -> list[CellProblem]:
    """Warnings that do not block: revenue above cost, cost per unit of capacity far from
    the median of its service type and year, staff against capacity, a service whose
    report for the latest year is missing."""
    finance = intake.tables.get("finance")
    if finance is None or finance.empty:
        return []
    origin = origins["finance"]
    warnings = []

    def warn(pos: int, column: str, value: str, expected: str) -> None:
        o = origin.iloc[pos]
        warnings.append(
            CellProblem(str(o["_file"]), int(o["_row"]), str(o[f"_raw_{column}"]), value, expected)
        )

    revenue = finance[[c for c in finance if c.startswith("revenue_")]].sum(axis=1, min_count=1)
    cost = finance["cost_personnel"] + finance["cost_operating"]
    for pos in (revenue > cost * (1 + revenue_surplus)).to_numpy().nonzero()[0]:
        warn(
            int(pos),
            "revenue_other",
            f"{revenue.iloc[pos]:,.0f} > {cost.iloc[pos]:,.0f}".replace(",", " "),
            f"revenues at most {100 * revenue_surplus:g} % above costs (check the amounts)",
        )
    services = intake.tables.get("services")
    if services is not None and not services.empty:
        capacity = services.groupby("service_id")["capacity"].sum()
        # Staff against places or clients only (not against interventions or calls).
        people = services[services["capacity_unit"].isin(["luzka", "klient"])]
        places = people.groupby("service_id")["capacity"].sum()
        kind = services.groupby("service_id")["service_type_code"].first()
        per_unit = cost / finance["service_id"].map(capacity)
        groups = pd.DataFrame(
            {"type": finance["service_id"].map(kind), "year": finance["year"], "v": per_unit}
        )
        median = groups.groupby(["type", "year"])["v"].transform("median")
        ratio = per_unit / median
        far = (ratio > unit_cost_ratio) | (ratio < 1 / unit_cost_ratio)
        for pos in far.fillna(False).to_numpy().nonzero()[0]:
            warn(
                int(pos),
                "cost_personnel",
                f"{per_unit.iloc[pos]:,.0f} Kč na jednotku kapacity".replace(",", " "),
                f"a cost per unit of capacity within {unit_cost_ratio:g}× of the median of "
                f"its service type in {int(finance['year'].iloc[pos])} "
                f"({median.iloc[pos]:,.0f} Kč)".replace(",", " "),
            )
        staff = finance["fte_direct"] + finance["fte_other"]
        limit = finance["service_id"].map(places) * staff_per_capacity
        for pos in (staff > limit).fillna(False).to_numpy().nonzero()[0]:
            warn(
                int(pos),
                "fte_direct",
                f"{staff.iloc[pos]:g}",
                f"at most {staff_per_capacity:g} FTE per registered bed or client "
                f"({limit.iloc[pos]:g})",
            )
    latest = int(finance["year"].max())
    has_latest = set(finance.loc[finance["year"] == latest, "service_id"])
    for service_id, rows in finance.groupby("service_id").groups.items():
        if service_id not in has_latest:
            pos = int(finance.index.get_indexer([rows[-1]])[0])
            warn(pos, "year", str(int(finance["year"].iloc[pos])), f"a report for {latest} too")
    return warnings


def canonical_csv(frame: pd.DataFrame, table: str) -> str:
    """A typed table as canonical CSV text (docs/data-model.md): the schema's column
    order, optional columns only where they hold a value, integral numbers without a
    decimal point, ISO dates, missing as an empty cell."""
    schema = SCHEMAS[table]
    cols = [
        c
        for c, col in schema.columns.items()
        if c in frame and (col.required or frame[c].notna().any())
    ]
    out = pd.DataFrame(index=frame.index)
    for c in cols:
        values = frame[c]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[c] = values.dt.strftime("%Y-%m-%d").where(values.notna(), "")
        elif pd.api.types.is_float_dtype(values):
            out[c] = [
                "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else repr(float(v)))
                for v in values
            ]
        else:
            out[c] = ["" if v is None or v is pd.NA or v != v else str(v) for v in values]
    return out.to_csv(index=False, lineterminator="\n")


def write_tables(intake: Intake, data_dir: Path) -> list[Path]:
    """Write every table of an intake without problems into ``data_dir`` (each file to
    a temporary name first, then moved into place)."""
    if intake.problems:
        raise DataValidationError(intake.problems)
    data_dir.mkdir(parents=True, exist_ok=True)
    parts = []
    for table, frame in intake.tables.items():
        if frame.empty and table in OPTIONAL_TABLES:
            continue  # an optional table left empty is not supplied: no file
        final = data_dir / DEFAULT_FILES[table]
        part = final.with_name(f".{final.name}.part")
        part.write_text(canonical_csv(frame, table), encoding="utf-8")
        parts.append((part, final))
    for part, final in parts:
        os.replace(part, final)
    return [final for _, final in parts]
