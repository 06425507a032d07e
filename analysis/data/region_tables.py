"""The region's own tables beside the open data of a real region (``data.region_dir``).

Open data hold no per-service finance, no plan and no network decisions. A region brings
them in with ``socplan intake`` into a folder of canonical tables; each table present
there is read and validated like any canonical input and used in place of the empty
open-data one. The region's ``services.csv`` (its network register with the registry's
services) replaces the registry, and is complete by the region's own declaration.
Completeness is stated from what was supplied: the finance reports are complete only
when every network service reported for the latest year, a sample otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.canonical import read_table
from analysis.data.dataset import ABSENT, COMPLETE, CONTENTS, SAMPLE
from analysis.errors import DataValidationError
from analysis.params import DEFAULT_FILES

# Tables a region may supply (territory and population always come from ČSÚ).
SUPPLIED = tuple(
    t for t in DEFAULT_FILES if t not in ("municipalities", "orp_polygons", "population")
)


def read_region_tables(folder: Path | str) -> tuple[dict[str, pd.DataFrame], dict[str, Path]]:
    """Every supplied table present in ``folder`` (validated), with its path; one error
    lists the problems of every broken file."""
    folder = Path(folder)
    tables, paths, problems = {}, {}, []
    for table in SUPPLIED:
        path = folder / DEFAULT_FILES[table]
        if not path.exists():
            continue
        try:
            tables[table] = read_table(path, table)
        except DataValidationError as exc:
            problems += exc.problems
            continue
        paths[table] = path
    if problems:
        raise DataValidationError(problems)
    return tables, paths


def finance_coverage(finance: pd.DataFrame, services: pd.DataFrame) -> tuple[int, int, int]:
    """(services of the network with a report for the latest year, services of the
    network, that year); services with unknown membership count as network services."""
    if finance.empty:
        return 0, 0, 0
    year = int(finance["year"].max())
    network = services.loc[services["in_regional_network"].fillna(True), "service_id"]
    expected = set(network)
    reported = set(finance.loc[finance["year"] == year, "service_id"]) & expected
    return len(reported), len(expected), year


def supplied_completeness(
    tables: dict[str, pd.DataFrame], services: pd.DataFrame
) -> dict[str, str]:
    """Completeness of each kind of content the region supplied (others are absent)."""
    out = {}
    for content, names in CONTENTS.items():
        if content in ("territory", "population", "services"):
            continue
        present = all(n in tables and len(tables[n]) for n in names)
        out[content] = COMPLETE if present else ABSENT
    if out.get("finance") == COMPLETE:
        reported, expected, _ = finance_coverage(tables["finance"], services)
        out["finance"] = COMPLETE if reported == expected else SAMPLE
    return out


def supplied_notes(tables: dict[str, pd.DataFrame], services: pd.DataFrame) -> dict[str, str]:
    """What the region supplied, in the data chapter's words (content → note)."""
    notes = {}
    finance = tables.get("finance")
    if finance is not None and len(finance):
        reported, expected, year = finance_coverage(finance, services)
        years = sorted(finance["year"].unique())
        notes["finance"] = (
            f"sešit kraje: služby sítě s výkazem za rok {year}: {reported} z {expected} "
            f"(roky výkazů {', '.join(map(str, years))})"
        )
    if all(n in tables and len(tables[n]) for n in CONTENTS["plan"]):
        notes["plan"] = (
            f"sešit kraje: priority {len(tables['plan_priorities'])}, "
            f"opatření {len(tables['plan_measures'])}, "
            f"indikátory {len(tables['plan_indicators'])}"
        )
    action = tables.get("action_plan")
    if action is not None and len(action):
        notes["action_plan"] = f"sešit kraje: záměry {len(action)}"
    return notes
