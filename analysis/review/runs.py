"""Chapter reruns for the review pack: which published tables a parameter changes, and
how the headline results move.

A chapter's ``prepare`` returns an object holding the frames its notebook publishes. Its
baseline run is matched to the report's ``tables/*.csv`` by content (the same CSV
bytes), which names every frame; a rerun with one parameter changed then tells which
published tables change and gives the headline values. Runs go to a process pool and
are cached on disk under a key of the inputs' hashes, the code, the chapter and the
whole changed methodology, so a second review of the same report reruns nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.chapter_registry import chapter
from analysis.data.dataset import Dataset, sha256_file
from analysis.data.loading import load_dataset
from analysis.parameter_reads import MethodologyView
from analysis.params import Methodology, RunConfig
from analysis.present.disclosure import ProtectedTable
from analysis.present.notebook import Chapter
from analysis.publish.cache import code_fingerprint
from analysis.review.headlines import HEADLINES

# Chapters whose tables depend on the methodology through computation. The data chapter
# and the appendix only list the parameters; the summary restates the other chapters.
RERUN_CHAPTERS = ("01_network", "02_demand", "03_plan", "04_finance", "91_orp_profiles")


def frames(obj: Any, path: str = "") -> dict[str, pd.DataFrame]:
    """Every frame a prepared chapter holds, by attribute path. Area profiles' tables
    (objects with ``name`` and ``data``) are joined by name, as the notebook publishes
    them."""
    out: dict[str, pd.DataFrame] = {}
    named: dict[str, list[pd.DataFrame]] = {}

    def walk(o: Any, p: str) -> None:
        if isinstance(o, pd.DataFrame):
            out[p] = o
        elif isinstance(o, ProtectedTable):
            out[p] = o.table
        elif isinstance(getattr(o, "data", None), pd.DataFrame) and isinstance(
            getattr(o, "name", None), str
        ):
            named.setdefault(o.name, []).append(o.data)
        elif dataclasses.is_dataclass(o) and not isinstance(o, type):
            for f in dataclasses.fields(o):
                walk(getattr(o, f.name), f"{p}.{f.name}" if p else f.name)
        elif isinstance(o, list | tuple):
            for i, item in enumerate(o):
                walk(item, f"{p}[{i}]")
        elif isinstance(o, dict):
            for k, item in o.items():
                walk(item, f"{p}[{k!r}]")

    walk(obj, path)
    for name, dfs in named.items():
        out[f"profiles:{name}"] = pd.concat(dfs, ignore_index=True)
    return out


def csv_hash(df: pd.DataFrame) -> str:
    return hashlib.sha256(Chapter._csv(df)).hexdigest()


def prepare(name: str, ds: Dataset, methodology: Any, year: int) -> Any:
    """The prepared object of one chapter (figures closed: only tables matter here)."""
    import matplotlib.pyplot as plt

    obj = importlib.import_module(chapter(name).module).prepare(ds, methodology, year)
    plt.close("all")
    return obj


@dataclass
class Baseline:
    """One chapter's baseline run: parameters read and frames named by published table."""

    chapter: str
    read: set[str]
    names: dict[str, str]  # attribute path -> published table name
    hashes: dict[str, str]  # published table name -> CSV hash of the baseline run


def baseline(name: str, ds: Dataset, m: Methodology, year: int, published: dict[str, str]):
    """Run a chapter once through a recording view of the methodology and name its
    frames by the published tables with the same bytes (``published``: name -> hash)."""
    view = MethodologyView(m)
    found = {p: csv_hash(df) for p, df in frames(prepare(name, ds, view, year)).items()}
    by_hash: dict[str, list[str]] = {}
    for table, h in published.items():
        by_hash.setdefault(h, []).append(table)
    names: dict[str, str] = {}
    for p in sorted(found):
        for table in by_hash.get(found[p], []):
            if table not in names.values():
                names[p] = table
                break
    hashes = {table: found[p] for p, table in names.items()}
    return Baseline(name, set(view.read), names, hashes)


# Set in the parent before the pool forks, or by the initializer under spawn.
_STATE: dict[str, Any] = {}


def _init(config_json: str) -> None:
    if "ds" not in _STATE:
        config = RunConfig.model_validate_json(config_json)
        _STATE.update(ds=load_dataset(config), year=config.year)


def run_variation_anywhere(
    config_json: str, chapter_name: str, names: dict[str, str], methodology_json: str
) -> dict:
    """:func:`run_variation` on a worker that did not inherit the dataset (e.g. a Dask
    worker): the worker loads it once and keeps it for the next variant."""
    if _STATE.get("config") != config_json:
        _STATE.clear()
        _init(config_json)
        _STATE["config"] = config_json
    return run_variation(chapter_name, names, methodology_json)


def run_variation(chapter_name: str, names: dict[str, str], methodology_json: str) -> dict:
    """One chapter with one changed methodology: table hashes and headline values, or
    the error the chapter raised with that value (a parameter moved outside what the
    method can take is a finding, not a crash of the review)."""
    m = Methodology.model_validate_json(methodology_json)
    try:
        got = frames(prepare(chapter_name, _STATE["ds"], m, _STATE["year"]))
    except Exception as exc:  # reported per parameter in the pack, not a crash
        return {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    tables = {table: got[p] for p, table in names.items() if p in got}
    values = {}
    for h in HEADLINES:
        if h.chapter == chapter_name and all(t in tables for t in h.tables):
            values[h.key] = h.compute(tables, m)
    return {"hashes": {t: csv_hash(df) for t, df in tables.items()}, "headlines": values}


@dataclass(frozen=True)
class Task:
    chapter: str
    parameter: str
    side: str
    methodology_json: str


def run_tasks(
    tasks: list[Task],
    baselines: dict[str, Baseline],
    config: RunConfig,
    ds: Dataset,
    cache_dir: Path,
    input_hashes: dict[str, str],
    jobs: int | None = None,
    executor: Executor | None = None,
) -> tuple[dict[Task, dict], int]:
    """Results of every task (from the cache, a local process pool or ``executor``, e.g.
    a Dask ``distributed`` client's executor) and how many ran."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    code = code_fingerprint()

    def key(t: Task) -> str:
        doc = {
            "code": code,
            "inputs": input_hashes,
            "region": config.region.code,
            "year": config.year,
            "chapter": t.chapter,
            "names": baselines[t.chapter].names,
            "methodology": json.loads(t.methodology_json),
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()

    results: dict[Task, dict] = {}
    todo: list[tuple[Task, Path]] = []
    for t in tasks:
        path = cache_dir / f"{key(t)}.json"
        if path.is_file():
            results[t] = json.loads(path.read_text(encoding="utf-8"))
        else:
            todo.append((t, path))
    if not todo:
        return results, 0
    with ExitStack() as stack:
        if executor is None:
            _STATE.update(ds=ds, year=config.year)
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            pool: Executor = stack.enter_context(
                ProcessPoolExecutor(
                    max_workers=jobs or os.cpu_count() or 1,
                    mp_context=context,
                    initializer=_init,
                    initargs=(config.to_json(),),
                )
            )
            futures = [
                pool.submit(
                    run_variation, t.chapter, baselines[t.chapter].names, t.methodology_json
                )
                for t, _ in todo
            ]
        else:
            config_json = config.to_json()
            futures = [
                executor.submit(
                    run_variation_anywhere,
                    config_json,
                    t.chapter,
                    baselines[t.chapter].names,
                    t.methodology_json,
                )
                for t, _ in todo
            ]
        for (t, path), fut in zip(todo, futures, strict=True):
            res = fut.result()
            tmp = path.with_suffix(".part")
            tmp.write_text(json.dumps(res, sort_keys=True), encoding="utf-8")
            tmp.replace(path)
            results[t] = res
    return results, len(todo)


def published_hashes(tables_dir: Path) -> dict[str, str]:
    """CSV hash of every published table, by name (file stem)."""
    return {p.stem: sha256_file(p) for p in sorted(tables_dir.glob("*.csv"))}


def read_tables(tables_dir: Path, names: Iterable[str]) -> dict[str, pd.DataFrame]:
    return {
        n: pd.read_csv(tables_dir / f"{n}.csv")
        for n in names
        if (tables_dir / f"{n}.csv").is_file()
    }
