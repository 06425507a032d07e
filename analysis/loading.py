"""Load the canonical input tables of one run, validated.

Every CSV is read as text (UTF-8, ``,`` separator, ``.`` decimal point, header line)
and typed by its schema (:mod:`analysis.schemas`); references between tables are
checked afterwards. Nothing is returned from a table that failed: the caller gets a
:class:`~analysis.errors.DataValidationError` naming file, row and column.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from shapely.geometry import shape

from analysis.errors import CellProblem, DataValidationError
from analysis.params import RunConfig
from analysis.schemas import validate_table

# Environment variable naming a pickle of (run configuration JSON, validated Dataset) that
# the pipeline writes once per run, so that chapter kernels do not re-read every source.
DATASET_CACHE_ENV = "SOCPLAN_DATASET_CACHE"

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
)


def sha256_file(path: Path | str) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
    except pd.errors.ParserError as exc:
        raise DataValidationError(
            [CellProblem(path.name, None, None, None, f"a comma-separated table ({exc})")]
        ) from None


def network_membership(values: pd.Series) -> pd.Series:
    """``'true'``/``'false'``/missing → nullable boolean (missing = not known)."""
    return values.map({"true": True, "false": False}).astype("boolean")


def read_table(path: Path | str, table: str) -> pd.DataFrame:
    """Read and validate one canonical CSV table."""
    path = Path(path)
    df = validate_table(read_csv_text(path), table, path.name)
    if table == "services":
        df["in_regional_network"] = network_membership(df["in_regional_network"])
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


def _missing_refs(
    child: pd.DataFrame, column: str, allowed: set[str], file: str, expected: str
) -> list[CellProblem]:
    values = child[column]
    bad = values.notna() & ~values.astype(str).isin(allowed)
    return [
        CellProblem(file, int(i) + 2, column, str(values.at[i]), expected) for i in child.index[bad]
    ]


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
    files: dict[str, Path] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    file_rows: dict[str, int] = field(default_factory=dict)
    availability: pd.DataFrame | None = None
    # False when the services come from a sample or partial registry (not the full RPSS)
    services_complete: bool = True
    quality: dict[str, pd.DataFrame] = field(default_factory=dict)

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


def hash_path(path: Path) -> str:
    """SHA-256 of a file, or of the sorted (name, file hash) list of a folder."""
    if path.is_dir():
        h = hashlib.sha256()
        for p in sorted(path.rglob("*")):
            if p.is_file():
                h.update(f"{p.relative_to(path).as_posix()}\0{sha256_file(p)}\n".encode())
        return h.hexdigest()
    return sha256_file(path)


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
    problems: list[CellProblem] = []
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
    problems += _missing_refs(
        ds.finance,
        "service_id",
        set(ds.services["service_id"]),
        f["finance"],
        "a service_id of the services table",
    )
    problems += _missing_refs(
        ds.plan_measures,
        "priority_id",
        set(ds.plan_priorities["priority_id"]),
        f["plan_measures"],
        "a priority_id of the priorities table",
    )
    measures = set(ds.plan_measures["measure_id"])
    problems += _missing_refs(
        ds.plan_indicators,
        "measure_id",
        measures,
        f["plan_indicators"],
        "a measure_id of the measures table",
    )
    problems += _missing_refs(
        ds.plan_indicator_values,
        "indicator_id",
        set(ds.plan_indicators["indicator_id"]),
        f["plan_indicator_values"],
        "an indicator_id of the indicators table",
    )
    problems += _missing_refs(
        ds.action_plan,
        "measure_id",
        measures,
        f["action_plan"],
        "a measure_id of the measures table",
    )
    problems += _missing_refs(
        ds.action_plan, "orp_code", orps, f["action_plan"], "an ORP code of the territory table"
    )
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


def load_dataset(config: RunConfig) -> Dataset:
    """Read, validate and cross-check every input table of a run (canonical CSV tables,
    or official open data through :mod:`analysis.open_data`).

    Inside a pipeline run the dataset validated before the kernels started is reused
    when it was built from the very same configuration.
    """
    cached = os.environ.get(DATASET_CACHE_ENV)
    if cached and Path(cached).is_file():
        with open(cached, "rb") as fh:
            config_json, dataset = pickle.load(fh)  # written by analysis.pipeline.run
        if config_json == config.to_json():
            return dataset
    if config.data_format == "open-data":
        from analysis.open_data import build_region_dataset

        return build_region_dataset(config)
    return load_canonical(config)


def load_canonical(config: RunConfig) -> Dataset:
    """Read, validate and cross-check every canonical input table of a run.

    All tables are read before raising, so that one error lists every broken file.
    """
    tables: dict[str, pd.DataFrame] = {}
    problems: list[CellProblem] = []
    files = {name: config.path(name) for name in (*CSV_TABLES, "orp_polygons")}
    for name, path in files.items():
        try:
            if name == "orp_polygons":
                tables[name] = read_orp_polygons(path)
            else:
                tables[name] = read_table(path, name)
        except DataValidationError as exc:
            problems += exc.problems
    if problems:
        raise DataValidationError(problems)
    ds = Dataset(
        **tables,
        files=files,
        hashes={name: sha256_file(path) for name, path in files.items()},
        file_rows={name: len(df) for name, df in tables.items()},
    )
    check_references(ds)
    ds.services = place_at_municipality(ds.services, ds.municipalities)
    return ds


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
