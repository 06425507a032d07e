"""Build the canonical tables of one real region from official open data.

The national sources (ČSÚ municipality table, MOS territory list, coordinates, municipal
population series, ORP polygons with census 2021, the registry) are read with the
readers of :mod:`analysis.readers`, cross-checked against each other, cut to the region
and validated with the same schemas as any canonical input. Tables that the open data
do not hold (service finance, the region's plan) stay empty, and ``availability`` says
so, so that the report can state which chapters are partial.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.codelists import FACILITY_TYPES
from analysis.data import provenance
from analysis.data.canonical import read_table
from analysis.data.dataset import (
    ABSENT,
    COMPLETE,
    CSV_TABLES,
    SAMPLE,
    STATE_LABELS,
    Dataset,
    NationalInputs,
    check_references,
    place_at_municipality,
)
from analysis.data.latest_population import read_latest
from analysis.data.network_register import apply_network
from analysis.data.plausibility import (
    OUTSIDE_RULES,
    apply_territory_rule,
    capacity_problems,
    drop_outside_country,
    plausibility_counts,
)
from analysis.data.region_tables import (
    SUPPLIED,
    read_region_tables,
    supplied_completeness,
    supplied_notes,
)
from analysis.data.schemas import SCHEMAS, empty_table, validate_table
from analysis.data.source_checks import CR_YEAR, quality_checks
from analysis.data.source_files import SourceFiles, hash_once
from analysis.errors import CellProblem, DataValidationError
from analysis.params import RunConfig
from analysis.readers.common import raise_if
from analysis.readers.datastat import read_orp_facility_counts, read_region_facility_counts
from analysis.readers.datastat_population import read_national_single_age, read_region_age_bands
from analysis.readers.demography_sources import (
    read_care_allowance_regions,
    read_national_age,
    read_population_movement,
    read_uzis_age_structure,
)
from analysis.readers.geo import read_orp_census
from analysis.readers.registry import (
    CATALOGUE_FIELDS,
    RPSS_FIELDS,
    read_catalogue,
    read_rpss,
)
from analysis.readers.territory import (
    PRAGUE_ORP,
    current_municipalities,
    read_coordinates,
    read_cr_municipalities,
    read_mos_territory,
    read_population_series,
)
from analysis.readers.wpp import read_asfr, read_life_table, read_migration_profile


def municipalities_table(
    cr: pd.DataFrame, mos: pd.DataFrame, coords: pd.DataFrame, region_code: str, region_name: str
) -> pd.DataFrame:
    """The region's municipalities with proper-case names, districts and points."""
    names = current_municipalities(mos).set_index("municipality_code")
    points = coords.drop_duplicates("municipality_code").set_index("municipality_code")
    m = cr[cr["region_code"] == region_code].copy()
    m["municipality_name"] = (
        m["municipality_code"].map(names["municipality_name"]).fillna(m["municipality_name"])
    )
    m["district_name"] = m["municipality_code"].map(names["district_name"])
    m["region_name"] = region_name
    m["lat"] = m["municipality_code"].map(points["lat"])
    m["lon"] = m["municipality_code"].map(points["lon"])
    # The point's own place: a dropped point names the coordinates file and its line.
    m["_point_file"] = m["municipality_code"].map(points["_file"])
    m["_point_row"] = m["municipality_code"].map(points["_row"])
    # Points outside the region are dropped by the plausibility rule (stated in the report).
    m["district_name"] = m["district_name"].fillna(m["district_code"])
    cols = list(SCHEMAS["municipalities"].columns)
    # Each row keeps the line of the ČSÚ table it came from (analysis.data.provenance).
    return m[[*cols, "_file", "_row", "_point_file", "_point_row"]].reset_index(drop=True)


def population_table(
    cr: pd.DataFrame,
    series: pd.DataFrame,
    munis: set[str],
    uzis: pd.DataFrame | None,
    region_code: str,
) -> pd.DataFrame:
    """Population rows: 2023 bands 0–14/15–64/65+ (both sexes), 2010–2018 totals by sex,
    and the region's 5-year bands by sex where the ÚZIS table has them. Rows from the
    ČSÚ table and the yearly series keep their file, line and raw column
    (:mod:`analysis.data.provenance`)."""
    c = cr[cr["municipality_code"].isin(munis)]
    bands = []
    for (lo, hi), (values, raw) in {
        (0, 14): (c["pop_0_14"], "pop_0_14"),
        (15, 64): (
            c["population"] - c["pop_0_14"] - c["pop_65_plus"],
            "population − pop_0_14 − pop_65_plus",
        ),
        (65, None): (c["pop_65_plus"], "pop_65_plus"),
    }.items():
        bands.append(
            pd.DataFrame(
                {
                    "area_code": c["municipality_code"],
                    "area_level": "obec",
                    "year": CR_YEAR,
                    "sex": "T",
                    "age_from": lo,
                    "age_to": hi,
                    "population": values,
                    "_file": c["_file"],
                    "_row": c["_row"],
                    "_raw_area_code": "municipality_code",
                    "_raw_population": raw,
                }
            )
        )
    s = series[series["municipality_code"].isin(munis)]
    for sex, col in (("M", "men"), ("F", "women")):
        bands.append(
            pd.DataFrame(
                {
                    "area_code": s["municipality_code"],
                    "area_level": "obec",
                    "year": s["year"],
                    "sex": sex,
                    "age_from": 0,
                    "age_to": None,
                    "population": s[col],
                    "_file": s["_file"],
                    "_row": s["_row"],
                    "_raw_area_code": "municipality",
                    "_raw_year": "(file name)",
                    "_raw_population": col,
                }
            )
        )
    if uzis is not None:
        u = uzis[uzis["area_code"] == region_code]
        for sex, col in (("M", "male"), ("F", "female")):
            bands.append(
                pd.DataFrame(
                    {
                        "area_code": u["area_code"],
                        "area_level": "kraj",
                        "year": u["date"].str[:4].astype(int),
                        "sex": sex,
                        "age_from": u["age_from"],
                        "age_to": u["age_to"],
                        "population": u[col],
                        "_file": u["_file"],
                        "_row": u["_row"],
                        "_raw_area_code": "nuts",
                        "_raw_year": "date",
                        "_raw_age_from": "age_group",
                        "_raw_age_to": "age_group",
                        "_raw_population": col,
                    }
                )
            )
    out = pd.concat(bands, ignore_index=True)
    out["age_to"] = out["age_to"].astype("Int64")
    return out


def _registry_services(
    files: SourceFiles,
    source: str,
    national_codes: set[str],
    munis: set[str],
    max_capacity: dict[str, float],
) -> tuple[pd.DataFrame, dict, str, pd.DataFrame]:
    """Services of the region from the configured registry source.

    A point outside Czechia's bounding box is dropped here (returned as records of
    dropped points) so that the plausibility rule places the service at its
    municipality; a capacity above the plausible maximum is rejected. Errors name the
    line where the registry item starts and its raw field; the rows keep that place
    (``_file``, ``_row``) for the territory rule.
    """
    path = files.path(source)
    if source == "rpss":
        raw, counts = files.read(source, read_rpss), {}
        fields = RPSS_FIELDS
    else:
        fields = CATALOGUE_FIELDS
        schema = "registry_catalogue_schema"
        raw, counts = files.read(source, read_catalogue, files.path(schema))
        files.read_paths[schema] = files.path(schema)  # read by the catalogue reader
    counts = dict(counts)  # the reader's result is shared between regions: never mutate it
    unknown = raw[~raw["municipality_code"].isin(national_codes)]
    if len(unknown):
        raise DataValidationError(
            [
                CellProblem(
                    path.name,
                    int(r._item),
                    fields["municipality_code"],
                    r.municipality_code,
                    "a municipality code of the ČSÚ crosswalk",
                )
                for r in unknown.itertuples()
            ]
        )
    region = raw[raw["municipality_code"].isin(munis)].copy()
    # Each row keeps the line where its registry item starts (analysis.data.provenance).
    region = region.drop(columns="_form").reset_index(drop=True)
    region = region.rename(columns={"_item": "_row"}).assign(_file=path.name)
    outside = drop_outside_country(region, "services")
    typed = validate_table(
        region.astype({"capacity": "float", "service_type_code": "str"}),
        "services",
        path.name,
        row_offset=1,
        raw_columns=fields,
    )
    typed["in_regional_network"] = (
        typed["in_regional_network"].map({"true": True, "false": False}).astype("boolean")
    )
    origin = provenance.split(region)[1]
    raise_if(
        provenance.relocate(
            capacity_problems(typed, max_capacity, path.name, row_offset=1), origin, 1, fields
        )
    )
    counts["region_rows"] = len(typed)
    counts["region_services"] = typed["service_id"].nunique()
    typed = pd.concat([typed, origin], axis=1)  # for the territory rule's records
    return typed, counts, path.name, outside


NATIONAL_SOURCES = (
    "national_age",
    "life_table_male",
    "life_table_female",
    "fertility_pattern",
    "migration_profile",
)


# ORP names that the ČSÚ municipality table abbreviates, with the full names other ČSÚ
# tables use (the join of facility counts to ORP codes is by name and region).
ORP_FULL_NAMES = {"Brandýs n. Lab.-St.Boleslav": "Brandýs nad Labem-Stará Boleslav"}


def facility_counts(
    orp_counts: pd.DataFrame, region_counts: pd.DataFrame, cr: pd.DataFrame, file: str
) -> pd.DataFrame:
    """Facilities per ORP code and type for the whole country.

    ORP labels join the ČSÚ municipality table by (name, region) exactly: a label that
    matches no ORP, or an ORP that no label matches, is an error naming the row. Prague
    is one ORP (1000) whose ORP values the selection leaves empty: its values are the
    region's (the ORP and the region are the same territory).
    """
    keys = cr.drop_duplicates("orp_code")[["orp_code", "orp_name", "region_code"]].copy()
    keys["orp_name"] = keys["orp_name"].replace(ORP_FULL_NAMES)
    merged = orp_counts.merge(keys, on=["orp_name", "region_code"], how="left")
    unmatched = merged[merged["orp_code"].isna()].drop_duplicates(["orp_name", "region_code"])
    problems = [
        CellProblem(
            file,
            int(r._row),
            "ORP",
            f"{r.orp_name} ({r.region_code})",
            "an ORP name of the ČSÚ municipality table in that region",
        )
        for r in unmatched.itertuples()
    ]
    missing = sorted(set(keys["orp_code"]) - set(merged["orp_code"].dropna()))
    problems += [
        CellProblem(file, None, "ORP", code, "a row for every ORP of the municipality table")
        for code in missing
    ]
    if problems:
        raise DataValidationError(problems)
    merged = merged.drop(columns="_row")
    prague = region_counts[region_counts["region_code"] == "CZ010"].set_index(
        ["facility_type", "year"]
    )["facilities"]
    is_prague = merged["orp_code"] == PRAGUE_ORP
    fill = pd.MultiIndex.from_frame(merged.loc[is_prague, ["facility_type", "year"]])
    merged.loc[is_prague, "facilities"] = prague.reindex(fill).to_numpy()
    merged["service_type_code"] = merged["facility_type"].map(FACILITY_TYPES).astype("Int64")
    cols = ["orp_code", "region_code", "facility_type", "service_type_code", "year", "facilities"]
    return merged[cols].sort_values(["orp_code", "facility_type"]).reset_index(drop=True)


def national_age_source(files: SourceFiles) -> str:
    """The newest national single-age table in the folder (31 Dec 2024 before 1 Jan 2023)."""
    return "national_age_latest" if files.exists("national_age_latest") else "national_age"


def read_national_age_table(files: SourceFiles) -> pd.DataFrame | None:
    """Czechia's single-age population of the newest national table, None if absent."""
    source = national_age_source(files)
    reader = read_national_single_age if source == "national_age_latest" else read_national_age
    return files.read_if_present(source, reader)


def mortality_scale(population: pd.DataFrame, life_tables: dict, deaths: pd.DataFrame) -> float:
    """Observed deaths of Czechia in the year before the base over the deaths the life
    tables give for the base population (by sex and single age); approximate, as the
    population is the end-of-year state, not the mid-year one."""
    expected = float(
        (life_tables["M"]["qx"].to_numpy() * population["male"].to_numpy()).sum()
        + (life_tables["F"]["qx"].to_numpy() * population["female"].to_numpy()).sum()
    )
    observed = float(deaths.loc[deaths["region_code"] == "CZ", "value"].sum())
    return observed / expected if expected > 0 and observed > 0 else 1.0


def read_national_inputs(
    files: SourceFiles, migration_period: str, national_age: pd.DataFrame | None = None
) -> NationalInputs | None:
    """Inputs of the national projection, or None when one of them is not in the folder.

    The base year is the year of the newest single-age population table (``national_age``,
    read here unless given); the fertility pattern is taken for that year. When ČSÚ's
    deaths of the year before the base are in the folder, the life tables' death
    probabilities are scaled to give them (:func:`mortality_scale`).
    """
    age_source = national_age_source(files)
    needed = (age_source, *NATIONAL_SOURCES[1:])
    if not all(files.exists(s) for s in needed):
        return None
    if national_age is None:
        national_age = read_national_age_table(files)
    population = national_age.sort_values("age_start").reset_index(drop=True)
    base_year = int(population["year"].iloc[0])
    life_tables = {
        "M": files.read("life_table_male", read_life_table),
        "F": files.read("life_table_female", read_life_table),
    }
    scale, sources = 1.0, needed
    deaths = files.read_if_present("region_deaths", read_region_age_bands)
    if deaths is not None and int(deaths["year"].max()) == base_year - 1:
        scale = mortality_scale(population, life_tables, deaths)
        sources = (*needed, "region_deaths")
    return NationalInputs(
        base_year=base_year,
        population=population,
        life_tables=life_tables,
        fertility=files.read("fertility_pattern", read_asfr, base_year),
        migration=files.read("migration_profile", read_migration_profile, migration_period),
        sources=sources,
        mortality_scale=scale,
    )


def build_region_dataset(config: RunConfig) -> Dataset:
    """Canonical tables of ``config.region`` from the open-data sources of the run, plus
    the auxiliary tables the chapters use; records every file read."""
    region = config.region.code
    files = SourceFiles(config.data_dir, load_catalogue().sources, config.files)
    mos = files.read("mos_territory", read_mos_territory, files.encoding("mos_territory"))
    known = set(current_municipalities(mos)["municipality_code"])
    cr = files.read(
        "cr_municipalities",
        read_cr_municipalities,
        files.encoding("cr_municipalities"),
        known_codes=known,
    )
    if region not in set(cr["region_code"]):
        raise DataValidationError(
            [
                CellProblem(
                    files.path("cr_municipalities").name,
                    None,
                    "region_code",
                    region,
                    "a region present in the municipality table",
                )
            ]
        )
    coords = files.read("coordinates", read_coordinates)
    series = files.read("population_series", read_population_series)
    seat_to_orp = dict(zip(cr["municipality_code"], cr["orp_code"], strict=True))
    orp_census = files.read("orp_census", read_orp_census, seat_to_orp)
    uzis = files.read_if_present("regional_age_2017", read_uzis_age_structure)

    munis = municipalities_table(cr, mos, coords, region, config.region.name)
    codes = set(munis["municipality_code"])
    orps = orp_census[orp_census["orp_code"].isin(set(munis["orp_code"]))]
    polygons = orps[["orp_code", "orp_name", "geometry"]].reset_index(drop=True)
    pop = population_table(cr, series, codes, uzis, region)
    population = validate_table(pop, "population", "population (open data)")

    outside = [drop_outside_country(munis, "municipalities")]
    registry_note = "registr není zadán (data.registry)"
    services_state = ABSENT
    supplied, supplied_paths = (
        read_region_tables(config.region_dir) if config.region_dir else ({}, {})
    )
    if "services" in supplied:  # the region's own register replaces the registry
        services = supplied["services"].assign(_file="services.csv")
        services["_row"] = services.index + 2
        services_state = COMPLETE
        registry_note = (
            f"sešit kraje (services.csv): služby kraje {services['service_id'].nunique()}, "
            f"řádky služba × forma {len(services)}"
        )
    elif config.registry and files.exists(config.registry):
        services, counts, file, outside_services = _registry_services(
            files, config.registry, known, codes, config.methodology.plausibility.max_capacity.value
        )
        files.read_rows[config.registry] = counts.get("places", counts.get("region_rows", 0))
        registry_note = (
            f"{file}: služby kraje {counts['region_services']}, "
            f"řádky služba × forma {counts['region_rows']}"
        )
        # The official RPSS is the whole registry; the derived catalogue is a sample.
        services_state = SAMPLE if "places" in counts else COMPLETE
        outside.append(outside_services)
        if "places" in counts:
            registry_note += (
                f"; v celém souboru míst {counts['places']}, služeb {counts['services']} "
                "(vzorek, ne úplný registr)"
            )
    else:
        services = empty_table("services")
    margin = config.methodology.plausibility.territory_margin_km.value
    munis, services, moved, far = apply_territory_rule(munis, services, polygons, margin)
    points = pd.concat([*outside, far], ignore_index=True)
    for table in ("municipalities", "services"):
        moved[table] += int(points["rule"].isin([OUTSIDE_RULES[table]]).sum())
    munis, services = provenance.strip(munis), provenance.strip(services)
    services = place_at_municipality(services, munis)
    services, register_issues = apply_network(
        services, supplied.get("network", empty_table("network")), "network.csv"
    )
    road = None
    if config.road_distances:
        road = read_table(config.road_distances, "road_distances")

    facilities = None
    if files.exists("facility_counts_orp") and files.exists("facility_counts_regions"):
        facilities = facility_counts(
            files.read("facility_counts_orp", read_orp_facility_counts),
            files.read("facility_counts_regions", read_region_facility_counts),
            cr,
            files.path("facility_counts_orp").name,
        )
    national_age = read_national_age_table(files)
    # Read once: the cross-checks and the level shifts of the ORP trend both use it.
    movement = files.read_if_present("population_movement", read_population_movement)
    quality = quality_checks(files, cr, mos, coords, series, orp_census, national_age, movement)
    national = read_national_inputs(
        files, config.methodology.projection.migration_profile_period.value, national_age
    )
    ds = Dataset(
        municipalities=validate_table(munis, "municipalities", "municipalities (open data)"),
        orp_polygons=polygons,
        population=population,
        services=services,
        **{
            t: supplied.get(t, empty_table(t))
            for t in SUPPLIED
            if t != "services"  # the region's services are placed like the registry's
        },
        completeness={
            "territory": COMPLETE,
            "population": COMPLETE,
            "services": services_state,
            **supplied_completeness(supplied, services),
        },
        region_code=region,
        region_name=config.region.name,
        synthetic=config.synthetic,
        road_distances=road,
        care_allowance=files.read_if_present("care_allowance_regions", read_care_allowance_regions),
        national=national,
        facility_counts=facilities,
        latest=read_latest(files, region, quality.get("rebasing"), movement),
        national_orps=cr.groupby(["orp_code", "region_code"])[
            ["population", "pop_0_14", "pop_65_plus"]
        ]
        .sum()
        .reset_index()
        .assign(year=CR_YEAR),
    )
    ds.files = dict(files.read_paths) | supplied_paths
    files.read_rows.update({t: len(supplied[t]) for t in supplied_paths})
    if road is not None:
        ds.files["road_distances"] = Path(config.road_distances)
        files.read_rows["road_distances"] = len(road)
    ds.hashes = {k: hash_once(p) for k, p in ds.files.items()}
    ds.file_rows = dict(files.read_rows)
    check_references(
        ds,
        {t: f"{t} (open data)" for t in (*CSV_TABLES, "orp_polygons")}
        | {t: p.name for t, p in supplied_paths.items()},
    )
    ds.availability = availability(
        ds, uzis is not None, registry_note, supplied_notes(supplied, services)
    )
    ds.quality = quality | {
        # A registry without a service of the region checks nothing: its rules count "–".
        "plausibility": plausibility_counts(
            moved, services_checked=services_state != ABSENT and len(services) > 0
        ),
        "plausibility_points": points,
        "network_register": register_issues,
    }
    return ds


def availability(
    ds: Dataset, regional_ages: bool, registry_note: str, supplied: dict[str, str] | None = None
) -> pd.DataFrame:
    """Which kinds of content the open data filled, and how completely."""
    years = sorted(ds.population["year"].unique())
    state = {k: STATE_LABELS[v] for k, v in ds.completeness.items()}
    facilities = ds.facility_counts
    rows = [
        (
            "územní členění",
            state["territory"],
            f"{len(ds.municipalities)} obcí, "
            f"{ds.municipalities['orp_code'].nunique()} ORP, ČSÚ k 1. 1. {CR_YEAR}",
        ),
        ("hranice ORP", state["territory"], f"{len(ds.orp_polygons)} polygonů (RÚIAN, SLDB 2021)"),
        (
            "obyvatelstvo",
            "úplná, jen hrubé věkové skupiny",
            f"roky {', '.join(map(str, years))}; obce: {CR_YEAR} ve skupinách 0–14, 15–64, 65+; "
            "2010–2018 jen úhrny podle pohlaví; "
            + (
                f"kraj: pětileté skupiny k 31. 12. {ds.latest.reference_year} (ČSÚ)"
                + ("; pětileté skupiny podle pohlaví k 1. 7. 2017 (ÚZIS)" if regional_ages else "")
                if ds.latest is not None
                else "kraj: pětileté skupiny k 1. 7. 2017"
                if regional_ages
                else "jednoleté ani pětileté věkové skupiny kraje nejsou k dispozici"
            ),
        ),
        ("registr sociálních služeb", state["services"], registry_note),
        (
            "zařízení sociálních služeb (ČSÚ)",
            STATE_LABELS[COMPLETE] if facilities is not None else STATE_LABELS[ABSENT],
            f"počty podle druhu ve {facilities['orp_code'].nunique()} ORP k 31. 12. "
            f"{int(facilities['year'].max())}, bez kapacity"
            if facilities is not None
            else "výběry ČSÚ SZB07C a SZB07A1 nejsou ve složce dat",
        ),
        (
            "financování služeb",
            state["finance"],
            (supplied or {}).get("finance", "výkazy služeb nejsou v otevřených datech"),
        ),
        ("střednědobý plán", state["plan"], (supplied or {}).get("plan", "plán kraje nebyl dodán")),
        (
            "akční plán",
            state["action_plan"],
            (supplied or {}).get("action_plan", "akční plán kraje nebyl dodán"),
        ),
    ]
    return pd.DataFrame(rows, columns=["content", "state", "note"])
