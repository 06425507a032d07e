"""Read the canonical CSV tables and ORP polygons of a run folder (docs/data-model.md).

Every CSV is read as text (UTF-8, ``,`` separator, ``.`` decimal point, header line)
and typed by its schema (:mod:`analysis.data.schemas`); references between tables are
checked afterwards. Nothing is returned from a table that failed: the caller gets a
:class:`~analysis.errors.DataValidationError` naming file, row and column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from shapely.geometry import shape

from analysis.data.dataset import (
    CSV_TABLES,
    Dataset,
    check_references,
    completeness_of_tables,
    place_at_municipality,
    sha256_file,
)
from analysis.data.network_register import apply_network
from analysis.data.plausibility import (
    apply_territory_rule,
    capacity_problems,
    plausibility_counts,
)
from analysis.data.schemas import empty_table, population_structure, validate_table
from analysis.errors import CellProblem, DataValidationError
from analysis.params import OPTIONAL_TABLES, RunConfig
from analysis.readers.common import malformed, raise_if


def read_csv_text(path: Path | str) -> pd.DataFrame:
    """Read a canonical CSV with every cell as text; empty cells become missing."""
    path = Path(path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            [
                CellProblem(
                    path.name, None, None, None, f"UTF-8 text (byte {exc.start} is not valid UTF-8)"
                )
            ]
        ) from None
    except pd.errors.EmptyDataError:
        raise DataValidationError(
            [CellProblem(path.name, None, None, None, "a header line and rows (the file is empty)")]
        ) from None
    except pd.errors.ParserError as exc:
        raise DataValidationError([malformed(path, exc).problems[0]]) from None


def network_membership(values: pd.Series) -> pd.Series:
    """``'true'``/``'false'``/missing → nullable boolean (missing = not known)."""
    return values.map({"true": True, "false": False}).astype("boolean")


def read_table(path: Path | str, table: str) -> pd.DataFrame:
    """Read and validate one canonical CSV table."""
    path = Path(path)
    df = validate_table(read_csv_text(path), table, path.name)
    if table == "population":
        problems = population_structure(df, path.name)
        if problems:
            raise DataValidationError(problems)
    if table in ("services", "services_previous"):
        df["in_regional_network"] = network_membership(df["in_regional_network"])
    if table == "action_plan" and "need_declared" in df:
        df["need_declared"] = network_membership(df["need_declared"])
    return df


def read_orp_polygons(path: Path | str) -> pd.DataFrame:
    """Read ORP polygons (GeoJSON, WGS84) into a frame of ``orp_code, orp_name, geometry``.

    Each feature needs the properties ``orp_code`` (4 digits) and ``orp_name`` and a valid
    Polygon or MultiPolygon geometry.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataValidationError(
            [CellProblem(path.name, None, None, None, f"a UTF-8 GeoJSON file ({exc})")]
        ) from None
    problems: list[CellProblem] = []
    rows = []
    for i, feat in enumerate(doc.get("features", []), start=1):
        props = feat.get("properties") or {}
        code = str(props.get("orp_code", ""))
        if not code.isdigit() or len(code) != 4:
            problems.append(CellProblem(path.name, i, "orp_code", code, "a 4-digit ORP code"))
            continue
        try:
            geom = shape(feat["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(CellProblem(path.name, i, "geometry", None, f"a geometry ({exc})"))
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon") or not geom.is_valid:
            problems.append(
                CellProblem(
                    path.name, i, "geometry", geom.geom_type, "a valid Polygon or MultiPolygon"
                )
            )
            continue
        rows.append(
            {"orp_code": code, "orp_name": str(props.get("orp_name", "")), "geometry": geom}
        )
    if not rows and not problems:
        problems.append(CellProblem(path.name, None, "features", None, "at least one feature"))
    if problems:
        raise DataValidationError(problems)
    df = pd.DataFrame(rows)
    dup = df["orp_code"].duplicated(keep=False)
    if dup.any():
        raise DataValidationError(
            [
                CellProblem(
                    path.name,
                    int(i) + 1,
                    "orp_code",
                    df.at[i, "orp_code"],
                    "a unique ORP code (duplicate)",
                )
                for i in df.index[dup]
            ]
        )
    return df


# Tables without which nothing can be computed: a header without rows is an error. Other
# tables may be empty (their content is then absent, and the chapters say so).
CORE_TABLES = {
    "municipalities": "the region's municipalities",
    "orp_polygons": "the ORP boundaries",
    "population": "the population",
}


def load_canonical(config: RunConfig) -> Dataset:
    """Read, validate and cross-check every canonical input table of a run.

    All tables are read before raising, so that one error lists every broken file.
    """
    tables: dict[str, pd.DataFrame] = {}
    problems: list[CellProblem] = []
    files = {name: config.path(name) for name in (*CSV_TABLES, "orp_polygons")}
    for name in OPTIONAL_TABLES:
        if not files[name].exists():  # left out: an empty table, the content is absent
            del files[name]
            tables[name] = empty_table(name)
    for name, path in files.items():
        try:
            if name == "orp_polygons":
                tables[name] = read_orp_polygons(path)
            else:
                tables[name] = read_table(path, name)
        except DataValidationError as exc:
            problems += exc.problems
            continue
        if name in CORE_TABLES and tables[name].empty:
            problems.append(
                CellProblem(
                    path.name,
                    None,
                    None,
                    None,
                    f"rows of {CORE_TABLES[name]}: the file has none, and no part of a "
                    "report can be computed without them",
                )
            )
    # Raised before any check across tables: a broken or empty table would otherwise
    # make every row that refers to it an error too.
    if problems:
        raise DataValidationError(problems)
    road = None
    if config.road_distances:
        road = read_table(config.road_distances, "road_distances")
        files["road_distances"] = Path(config.road_distances)
        tables_read = {**tables, "road_distances": road}
    else:
        tables_read = tables
    ds = Dataset(
        **tables,
        files=files,
        hashes={name: sha256_file(path) for name, path in files.items()},
        file_rows={name: len(df) for name, df in tables_read.items()},
        region_code=config.region.code,
        region_name=config.region.name,
        synthetic=config.synthetic,
        road_distances=road,
        completeness=completeness_of_tables(tables),
    )
    check_references(ds)
    limits = config.methodology.plausibility.max_capacity.value
    previous = files.get("services_previous", Path("services_previous.csv")).name
    raise_if(
        capacity_problems(ds.services, limits, files["services"].name)
        + capacity_problems(ds.services_previous, limits, previous)
    )
    margin = config.methodology.plausibility.territory_margin_km.value
    ds.municipalities, services, moved, points = apply_territory_rule(
        ds.municipalities,
        ds.services,
        ds.orp_polygons,
        margin,
        files={t: files[t].name for t in ("municipalities", "services")},
        row_offset=2,  # the tables keep the order of the files' rows (header = row 1)
    )
    ds.services = place_at_municipality(services, ds.municipalities)
    network_file = files.get("network", Path("network.csv")).name
    ds.services, ds.quality["network_register"] = apply_network(
        ds.services, ds.network, network_file
    )
    ds.quality["plausibility"] = plausibility_counts(moved, services_checked=True)
    ds.quality["plausibility_points"] = points
    return ds
