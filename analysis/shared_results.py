"""Chapter results computed once per process and reused by the chapters that show them.

The summary chapter states findings of the network, demand, plan and finance chapters;
the ORP profiles repeat parts of them. Within one warm kernel (one report build) each such
result is computed once: :func:`once_per_dataset` remembers the result of a
``prepare``-like function ``f(dataset, methodology, year)`` for the dataset object it got
and the methodology's values, and gives the same object to every later caller;
:func:`computed_once` does the same for a method that several chapters call (the ORP
projection, the gap table), giving each caller a copy of its tables.

Two rules keep this invisible in the output:

* a result is reused only for the *same* dataset object and *equal* methodology values
  and year (the pipeline's kernels load the dataset once per build,
  :func:`analysis.data.loading.load_dataset`);
* the plot settings (``matplotlib.rcParams``) are, after a reused result, what they were
  after it was computed, since some are read only when its figures are drawn;
* the parameters a result read are read again by every caller that reuses it: a
  :class:`~analysis.parameter_reads.MethodologyView` records them as if the chapter had
  computed the result itself, so the build cache and the review pack still key each
  chapter by everything it depends on.

Results are shared, not copied: callers treat them as read-only (chapters never change
their inputs; ``tests/test_shared_results.py`` checks that the dataset and the reused
results stay unchanged by every chapter).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import matplotlib
import pandas as pd

from analysis.parameter_reads import MethodologyView

R = TypeVar("R")

# (function, methodology JSON, year, other arguments) → (result, parameters read, plot
# settings after it); only for _DATASET.
_RESULTS: dict[tuple[Any, ...], tuple[Any, frozenset[str], dict[str, Any]]] = {}
_DATASET: list[Any] = []  # the dataset the results belong to (held, so its id stays its own)


def _base_and_view(methodology: Any) -> tuple[Any, MethodologyView | None]:
    if isinstance(methodology, MethodologyView):
        return methodology._methodology, methodology
    return methodology, None


def _argument_key(value: Any) -> Any:
    """A table by its content (callers pass equal tables that are other objects)."""
    if isinstance(value, pd.DataFrame):
        digest = hashlib.sha256(pd.util.hash_pandas_object(value, index=True).to_numpy())
        digest.update(repr((list(value.columns), [str(t) for t in value.dtypes])).encode())
        return digest.hexdigest()
    return repr(value)


def _remembered(
    name: str, fn: Callable[..., Any], ds: Any, methodology: Any, year: int, rest: tuple
) -> tuple[Any, dict[str, Any], bool]:
    """``fn``'s result (computed now or remembered), the plot settings it left and whether
    it was remembered; the parameters it read are recorded in ``methodology``'s view."""
    if not _DATASET or _DATASET[0] is not ds:
        _RESULTS.clear()  # another dataset: nothing computed so far applies
        _DATASET[:] = [ds]
    base, view = _base_and_view(methodology)
    key = (name, base.model_dump_json(), int(year), *(_argument_key(a) for a in rest))
    hit = key in _RESULTS
    if not hit:
        recorder = MethodologyView(base)
        result = fn(ds, recorder, year, *rest)
        _RESULTS[key] = (result, frozenset(recorder.read), dict(matplotlib.rcParams))
    result, read, plot_settings = _RESULTS[key]
    if view is not None:
        for parameter in sorted(read):
            view._record(parameter)
    return result, plot_settings, hit


def once_per_dataset(fn: Callable[[Any, Any, int], R]) -> Callable[[Any, Any, int], R]:
    """Remember a chapter's ``prepare(dataset, methodology, year)`` for the current
    dataset object; its figures are drawn with the plot settings it left."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(ds: Any, methodology: Any, year: int) -> R:
        result, plot_settings, hit = _remembered(name, fn, ds, methodology, year, ())
        if hit:
            # A figure of the result is drawn later, by the chapter that shows it; some
            # plot settings are read only then (ticks are made at drawing time).
            dict.update(matplotlib.rcParams, plot_settings)
        return result

    return wrapper


def computed_once(fn: Callable[..., R]) -> Callable[..., R]:
    """Remember a method ``fn(dataset, methodology, year, *tables)`` (tables compared by
    content) for the current dataset object. It draws nothing; every caller gets its own
    copy of the tables in the result, so a caller that changes one changes only its own."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(ds: Any, methodology: Any, year: int, *tables: Any) -> R:
        result = _remembered(name, fn, ds, methodology, year, tables)[0]
        return _copied(result)

    return wrapper


def _copied(value: Any) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copied(v) for v in value)
    return value


def forget() -> None:
    """Drop every remembered result (tests; a kernel that is reused for other data)."""
    _RESULTS.clear()
    _DATASET.clear()
