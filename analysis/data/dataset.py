"""The validated input of one run: :class:`Dataset`, and the checks between its tables.

A dataset holds the canonical tables of docs/data-model.md (empty where the input has
none), the auxiliary open-data tables some chapters use (``None`` when absent), and a
record of every file read to build it, with hashes, for the manifest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.data.schemas import empty_table
from analysis.errors import CellProblem, DataValidationError

# Completeness states of a kind of content. Nothing is computed from content that is not
# complete when the result would be wrong on partial data (counts, coverage, gaps, models).
COMPLETE, SAMPLE, ABSENT = "complete", "sample", "absent"
STATE_LABELS = {COMPLETE: "úplná", SAMPLE: "jen vzorek", ABSENT: "chybí"}
# Kinds of content and the canonical tables that hold them.
CONTENTS: dict[str, tuple[str, ...]] = {
    "territory": ("municipalities", "orp_polygons"),
    "population": ("population",),
    "services": ("services",),
    "finance": ("finance",),
    "plan": ("plan_priorities", "plan_measures", "plan_indicators", "plan_indicator_values"),
    "action_plan": ("action_plan",),
    "finance_national": ("finance_national",),
    "subsidy_requests": ("subsidy_requests",),
    "transformation": ("transformation_plans",),
    "registry_previous": ("services_previous",),
    "service_details": ("service_details",),
    "network": ("network",),
    "municipal_pledges": ("municipal_pledges",),
}

# Czech titles of the canonical tables (inputs of a run, as listed in reports).
TABLE_LABELS = {
    "municipalities": "územní členění (obce, ORP, okresy)",
    "orp_polygons": "hranice ORP",
    "population": "obyvatelstvo podle pohlaví a věku",
    "services": "registrované sociální služby",
    "finance": "náklady, výnosy a personál služeb",
    "plan_priorities": "priority střednědobého plánu",
    "plan_measures": "opatření střednědobého plánu",
    "plan_indicators": "indikátory střednědobého plánu",
    "plan_indicator_values": "hodnoty indikátorů",
    "action_plan": "záměry akčního plánu",
    "finance_national": "celostátní obvyklé náklady a výnosy služeb",
    "subsidy_requests": "žádosti služeb o dotaci",
    "transformation_plans": "plány transformace pobytových služeb",
    "services_previous": "registrované sociální služby o rok dříve",
    "service_details": "věk klientů a kontakty služeb",
    "network": "síť sociálních služeb kraje (rozhodnutí, jednotky, pověření)",
    "municipal_pledges": "přísliby obcí na spolufinancování rozvojových záměrů",
}
INPUT_LABELS = TABLE_LABELS | {"road_distances": "silniční vzdálenosti obec – místo služby"}


CSV_TABLES = (
    "municipalities",
    "population",
    "services",
    "finance",
    "plan_priorities",
    "plan_measures",
    "plan_indicators",
    "plan_indicator_values",
    "action_plan",
    "finance_national",
    "subsidy_requests",
    "transformation_plans",
    "services_previous",
    "service_details",
    "network",
    "municipal_pledges",
)


def sha256_file(path: Path | str) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def hash_path(path: Path) -> str:
    """SHA-256 of a file, or of the sorted (name, file hash) list of a folder."""
    if path.is_dir():
        h = hashlib.sha256()
        for p in sorted(path.rglob("*")):
            if p.is_file():
                h.update(f"{p.relative_to(path).as_posix()}\0{sha256_file(p)}\n".encode())
        return h.hexdigest()
    return sha256_file(path)


def _missing_refs(
    child: pd.DataFrame, column: str, allowed: set[str], file: str, expected: str
) -> list[CellProblem]:
    values = child[column]
    bad = values.notna() & ~values.astype(str).isin(allowed)
    return [
        CellProblem(file, int(i) + 2, column, str(values.at[i]), expected) for i in child.index[bad]
    ]


@dataclass
class NationalInputs:
    """Inputs of the national cohort-component projection (all read from open data).

    ``population``: ČSÚ single ages by sex on 1 Jan of ``base_year`` (``age_start``,
    ``male``, ``female``); ``life_tables``: WPP single-age life tables by sex (``M``,
    ``F``) of the base year; ``fertility``: percentage of the total fertility by 5-year
    age band in the base year; ``migration``: net migration by sex and 5-year band of the
    projection period of the methodology.
    """

    base_year: int
    population: pd.DataFrame
    life_tables: dict[str, pd.DataFrame]
    fertility: dict[tuple[int, int | None], float]
    migration: dict[str, dict[tuple[int, int | None], float]]
    # The catalogue sources the inputs came from (cited by the chapters).
    sources: tuple[str, ...] = ()
    # Factor on the life tables' death probabilities so that they give the deaths ČSÚ
    # counted in the base population's year (1.0 when the deaths are not in the folder).
    mortality_scale: float = 1.0


@dataclass
class LatestPopulation:
    """The newest public population and care-allowance data of a real region.

    ``ages``: persons by 5-year band on 31 Dec of ``reference_year`` for the region and
    Czechia (``region_code`` ∈ {region, ``CZ``}, ``age_from``, ``age_to``, ``value``);
    ``care_ages``: national recipients of the care allowance by age band and degree
    (December), or None; ``census_factor``: the region's population on the census basis
    over the published one at the 2021 re-basing, and ``census_year`` the last 1 Jan on
    the old basis (None without the movement statistics); ``movement``: the region's
    rows of the movement statistics (year, population_end, net_migration).
    """

    reference_year: int
    ages: pd.DataFrame
    care_ages: pd.DataFrame | None
    census_factor: float | None
    census_year: int | None
    movement: pd.DataFrame | None = None

    @property
    def year(self) -> int:
        """The population's year in socplan's convention (the 1 Jan after 31 Dec)."""
        return self.reference_year + 1


@dataclass
class Dataset:
    """All validated input tables of one run, plus what was read to build them.

    ``files`` maps each input (a canonical table, or a source of the open-data catalogue)
    to its path; ``file_rows`` counts the records read from it. ``availability`` says, for
    open data, which tables were present and how complete; ``quality`` holds the
    cross-checks between sources.
    """

    municipalities: pd.DataFrame
    orp_polygons: pd.DataFrame
    population: pd.DataFrame
    services: pd.DataFrame
    finance: pd.DataFrame
    plan_priorities: pd.DataFrame
    plan_measures: pd.DataFrame
    plan_indicators: pd.DataFrame
    plan_indicator_values: pd.DataFrame
    action_plan: pd.DataFrame
    finance_national: pd.DataFrame
    subsidy_requests: pd.DataFrame
    transformation_plans: pd.DataFrame
    services_previous: pd.DataFrame
    service_details: pd.DataFrame
    # The region's network register (optional; its decisions are already applied to
    # ``services``, see analysis.data.network_register).
    network: pd.DataFrame = field(default_factory=lambda: empty_table("network"))
    # The municipalities' co-financing pledges (optional).
    municipal_pledges: pd.DataFrame = field(
        default_factory=lambda: empty_table("municipal_pledges")
    )
    files: dict[str, Path] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    file_rows: dict[str, int] = field(default_factory=dict)
    availability: pd.DataFrame | None = None
    # Completeness of each kind of content (see COMPLETENESS): what may be computed from it.
    completeness: dict[str, str] = field(default_factory=dict)
    quality: dict[str, pd.DataFrame] = field(default_factory=dict)
    region_code: str = ""
    region_name: str = ""
    synthetic: bool = False
    # Optional road distances: origin municipality, destination service id, km.
    road_distances: pd.DataFrame | None = None
    # Auxiliary open-data tables; None when the data folder does not hold them.
    care_allowance: pd.DataFrame | None = None  # recipients by region, age band, degree
    national: NationalInputs | None = None  # inputs of the national projection
    # ČSÚ facility counts per ORP and type, whole country (orp_code, region_code,
    # facility_type, service_type_code, year, facilities).
    facility_counts: pd.DataFrame | None = None
    # Every ORP of the country: orp_code, region_code, population, pop_0_14, pop_65_plus,
    # year (ČSÚ municipality table).
    national_orps: pd.DataFrame | None = None
    # The newest regional population data (analysis.data.latest_population): the region's
    # and Czechia's 5-year bands on 31 Dec (region_code, year = following 1 Jan, age_from,
    # age_to, value), national care-allowance recipients by age and degree, and the
    # region's census 2021 re-basing factor and movement statistics.
    latest: LatestPopulation | None = None
    # The region's planning-quality checklist from the run file (area, criterion,
    # assessment, evidence); empty when the run file has none.
    planning_quality: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["area", "criterion", "assessment", "evidence"]
        )
    )

    def is_complete(self, content: str) -> bool:
        """Whether a kind of content (``services``, ``plan``, …) may be used as complete."""
        return self.completeness.get(content) == COMPLETE

    def summary(self) -> pd.DataFrame:
        """One row per input file: name, records read and SHA-256 prefix."""
        rows = []
        for name, path in self.files.items():
            rows.append(
                {
                    "table": name,
                    "file": path.name,
                    "rows": self.file_rows.get(name),  # None: present, not needed
                    "sha256": self.hashes[name][:16],
                }
            )
        return pd.DataFrame(rows)


def completeness_of_tables(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Completeness of canonical tables supplied by the user: a kind of content is
    complete when its tables have rows, absent when they are empty."""
    return {
        content: COMPLETE if all(len(tables[t]) for t in names) else ABSENT
        for content, names in CONTENTS.items()
    }


# Tables whose rows refer to another table's keys (child → parent).
TABLE_REFERENCES = {
    "finance": "services",
    "subsidy_requests": "services",
    "transformation_plans": "services",
    "service_details": "services",
    "plan_measures": "plan_priorities",
    "plan_indicators": "plan_measures",
    "plan_indicator_values": "plan_indicators",
    "action_plan": "plan_measures",
}


def _empty_targets(ds: Dataset, f: dict[str, str]) -> tuple[list[CellProblem], set[str]]:
    """One problem per table that has no rows while tables with rows refer to it, and
    the referring tables (whose reference checks are then left out)."""
    referring: dict[str, list[str]] = {}
    for child, parent in TABLE_REFERENCES.items():
        if len(getattr(ds, child)) and not len(getattr(ds, parent)):
            referring.setdefault(parent, []).append(child)
    problems = [
        CellProblem(
            f.get(parent, f"{parent}.csv"),
            None,
            None,
            None,
            f"rows of {TABLE_LABELS.get(parent, parent)}: the file has a header and no rows, "
            "but "
            + ", ".join(f"{f.get(c, c + '.csv')} ({len(getattr(ds, c))} rows)" for c in children)
            + " refer to it",
        )
        for parent, children in referring.items()
    ]
    return problems, {c for children in referring.values() for c in children}


def _pledge_problems(ds: Dataset, munis: set[str], file: str) -> list[CellProblem]:
    """Pledges refer to a municipality of the territory and, where they name one, to an
    intention of the action plan that has started by the pledge's year."""
    pledges = ds.municipal_pledges
    problems = _missing_refs(
        pledges, "municipality_code", munis, file, "a municipality of the territory table"
    )
    if "intention_id" not in pledges:
        return problems
    start = ds.action_plan.set_index("intention_id")["year"]
    for i, r in pledges[pledges["intention_id"].notna()].iterrows():
        if r["intention_id"] not in start.index:
            problems.append(
                CellProblem(
                    file,
                    int(i) + 2,
                    "intention_id",
                    str(r["intention_id"]),
                    "an intention_id of the action plan (or empty: the ORP's intentions)",
                )
            )
        elif int(r["year"]) < int(start[r["intention_id"]]):
            problems.append(
                CellProblem(
                    file,
                    int(i) + 2,
                    "year",
                    str(r["year"]),
                    f"a year from the intention's start ({int(start[r['intention_id']])}) on",
                )
            )
    return problems


def check_references(ds: Dataset, file_names: dict[str, str] | None = None) -> None:
    """Check keys between tables; raise one error listing every broken reference.

    ``file_names`` names each table in messages (default: the name of its file).
    """
    munis = set(ds.municipalities["municipality_code"])
    orps = set(ds.municipalities["orp_code"])
    areas = (
        munis
        | orps
        | set(ds.municipalities["district_code"])
        | set(ds.municipalities["region_code"])
        | {"CZ"}
    )
    f = file_names or {name: path.name for name, path in ds.files.items()}
    # A table with a header and no rows that other tables refer to is one error naming
    # its file; the checks of the tables that refer to it would only repeat it per row.
    problems, skipped = _empty_targets(ds, f)

    def refs(child: str, column: str, allowed: set[str], expected: str) -> list[CellProblem]:
        if child in skipped:
            return []
        return _missing_refs(
            getattr(ds, child), column, allowed, f.get(child, f"{child}.csv"), expected
        )

    problems += _missing_refs(
        ds.population,
        "area_code",
        areas,
        f["population"],
        "a code of a municipality, ORP, district or region of the territory table",
    )
    problems += _missing_refs(
        ds.services,
        "municipality_code",
        munis,
        f["services"],
        "a municipality code of the territory table",
    )
    aoo = ds.services["area_of_operation"].dropna()
    for i, value in aoo.items():
        unknown = [c for c in value.split(";") if c not in munis | orps]
        if unknown:
            problems.append(
                CellProblem(
                    f["services"],
                    int(i) + 2,
                    "area_of_operation",
                    ";".join(unknown),
                    "ORP or municipality codes of the territory table",
                )
            )
    problems += refs(
        "finance",
        "service_id",
        set(ds.services["service_id"]),
        "a service_id of the services table",
    )
    problems += refs(
        "subsidy_requests",
        "service_id",
        set(ds.services["service_id"]),
        "a service_id of the services table",
    )
    problems += refs(
        "transformation_plans",
        "service_id",
        set(ds.services["service_id"]),
        "a service_id of the services table",
    )
    previous = f.get("services_previous", "services_previous.csv")
    problems += _missing_refs(
        ds.services_previous,
        "municipality_code",
        munis,
        previous,
        "a municipality of the region's territory table (both registry snapshots must "
        "describe the same region)",
    )
    problems += refs(
        "service_details",
        "service_id",
        set(ds.services["service_id"]),
        "a service_id of the services table",
    )
    problems += refs(
        "plan_measures",
        "priority_id",
        set(ds.plan_priorities["priority_id"]),
        "a priority_id of the priorities table",
    )
    measures = set(ds.plan_measures["measure_id"])
    problems += refs(
        "plan_indicators",
        "measure_id",
        measures,
        "a measure_id of the measures table",
    )
    problems += refs(
        "plan_indicator_values",
        "indicator_id",
        set(ds.plan_indicators["indicator_id"]),
        "an indicator_id of the indicators table",
    )
    problems += refs(
        "action_plan",
        "measure_id",
        measures,
        "a measure_id of the measures table",
    )
    problems += _missing_refs(
        ds.action_plan, "orp_code", orps, f["action_plan"], "an ORP code of the territory table"
    )
    problems += _pledge_problems(ds, munis, f.get("municipal_pledges", "municipal_pledges.csv"))
    missing_poly = sorted(orps - set(ds.orp_polygons["orp_code"]))
    if missing_poly:
        problems.append(
            CellProblem(
                f["orp_polygons"],
                None,
                "orp_code",
                ";".join(missing_poly),
                "a polygon for every ORP of the territory table",
            )
        )
    if problems:
        raise DataValidationError(problems)


def place_at_municipality(services: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    """Fill missing service coordinates with the municipality's point (documented rule).

    The column ``coords_imputed`` marks the rows so that reports can say how many.
    """
    where = municipalities.set_index("municipality_code")[["lat", "lon"]]
    missing = services["lat"].isna() | services["lon"].isna()
    out = services.copy()
    out["coords_imputed"] = missing
    for col in ("lat", "lon"):
        out[col] = out[col].where(~missing, out["municipality_code"].map(where[col]))
    return out
