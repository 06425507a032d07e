"""Load the validated dataset of a run: canonical CSV tables or official open data.

Inside a pipeline run the dataset validated before the kernels started is reused by the
chapter kernels when it was built from the very same configuration.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd

from analysis.data.canonical import load_canonical
from analysis.data.dataset import Dataset
from analysis.data.open_data import build_region_dataset
from analysis.errors import CellProblem, DataValidationError
from analysis.params import RunConfig

# Environment variable naming a pickle of (run configuration JSON, validated Dataset) that
# the pipeline writes once per run, so that chapter kernels do not re-read every source.
DATASET_CACHE_ENV = "SOCPLAN_DATASET_CACHE"


def load_dataset(config: RunConfig) -> Dataset:
    """Read, validate and cross-check every input table of a run (canonical CSV tables,
    or official open data through :mod:`analysis.data.open_data`).

    Inside a pipeline run the dataset validated before the kernels started is reused
    when it was built from the very same configuration.
    """
    cached = os.environ.get(DATASET_CACHE_ENV)
    if cached and Path(cached).is_file():
        dataset = _pipeline_dataset(Path(cached), config.to_json())
        if dataset is not None:
            return dataset
    ds = (
        build_region_dataset(config)
        if config.data_format == "open-data"
        else load_canonical(config)
    )
    check_run_matches_data(config, ds)
    if config.planning_quality:
        ds.planning_quality = pd.DataFrame([c.model_dump() for c in config.planning_quality])
    return ds


# The dataset the pipeline pickled, as unpickled last in this process: every chapter of a
# build gets the same object (and so the chapters' shared results,
# :mod:`analysis.shared_results`), and it is unpickled once per kernel, not per chapter.
_UNPICKLED: dict[tuple[str, int, int, str], Dataset] = {}


def _pipeline_dataset(path: Path, config_json: str) -> Dataset | None:
    """The dataset of the pipeline's pickle at ``path`` if it was built from the
    configuration ``config_json``, else None."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, config_json)
    if key not in _UNPICKLED:
        with open(path, "rb") as fh:
            stored_json, dataset = pickle.load(fh)  # written by the pipeline
        if stored_json != config_json:
            return None
        _UNPICKLED.clear()
        _UNPICKLED[key] = dataset
    return _UNPICKLED[key]


def check_run_matches_data(config: RunConfig, ds: Dataset) -> None:
    """The run file's region must be the data's, and its year neither before the first
    population data nor later than the plan horizon after the latest (a report cannot
    describe a year the inputs know nothing about); the error names the years the data
    can serve."""
    problems = []
    munis = ds.municipalities
    file = Path(ds.files.get("municipalities", "municipalities")).name
    if "region_code" in munis and len(munis):
        codes = sorted(set(munis["region_code"].dropna()))
        if config.region.code not in codes:
            problems.append(
                CellProblem(
                    file,
                    None,
                    "region_code",
                    ", ".join(codes)[:80],
                    f"the region of the run file ({config.region.code})",
                )
            )
    years = ds.population["year"].dropna() if "year" in ds.population else pd.Series()
    horizon = config.methodology.demand.plan_horizon.value
    if len(years):
        first, last = int(years.min()), int(years.max())
        if not first <= config.year <= last + horizon:
            problems.append(
                CellProblem(
                    Path(ds.files.get("population", "population")).name,
                    None,
                    "year",
                    f"{first}–{last}",
                    f"population data of the report year {config.year} of the run file, or "
                    f"of at most {horizon} years (demand.plan_horizon) before it: these data "
                    f"can serve the report years {first}–{last + horizon}",
                )
            )
    if problems:
        raise DataValidationError(problems)
