"""Chapter results computed once per process and reused by the chapters that show them.

The summary chapter states findings of the network, demand, plan and finance chapters;
the ORP profiles repeat parts of them. Within one warm kernel (one report build) each such
result is computed once: :func:`once_per_dataset` remembers the result of a
``prepare``-like function ``f(dataset, methodology, year)`` for the dataset object it got
and the methodology's values, and gives the same object to every later caller.

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
from collections.abc import Callable
from typing import Any, TypeVar

import matplotlib

from analysis.parameter_reads import MethodologyView

R = TypeVar("R")

# (function, methodology JSON, year) → (result, parameters read, plot settings after
# it); only for _DATASET.
_RESULTS: dict[tuple[str, str, int], tuple[Any, frozenset[str], dict[str, Any]]] = {}
_DATASET: list[Any] = []  # the dataset the results belong to (held, so its id stays its own)


def _base_and_view(methodology: Any) -> tuple[Any, MethodologyView | None]:
    if isinstance(methodology, MethodologyView):
        return methodology._methodology, methodology
    return methodology, None


def once_per_dataset(fn: Callable[[Any, Any, int], R]) -> Callable[[Any, Any, int], R]:
    """Remember ``fn(dataset, methodology, year)`` for the current dataset object."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(ds: Any, methodology: Any, year: int) -> R:
        if not _DATASET or _DATASET[0] is not ds:
            _RESULTS.clear()  # another dataset: nothing computed so far applies
            _DATASET[:] = [ds]
        base, view = _base_and_view(methodology)
        key = (name, base.model_dump_json(), int(year))
        if key not in _RESULTS:
            recorder = MethodologyView(base)
            result = fn(ds, recorder, year)
            _RESULTS[key] = (result, frozenset(recorder.read), dict(matplotlib.rcParams))
        else:
            # A figure of the result is drawn later, by the chapter that shows it; some
            # plot settings are read only then (ticks are made at drawing time).
            dict.update(matplotlib.rcParams, _RESULTS[key][2])
        result, read, _ = _RESULTS[key]
        if view is not None:
            for parameter in sorted(read):
                view._record(parameter)
        return result

    return wrapper


def forget() -> None:
    """Drop every remembered result (tests; a kernel that is reused for other data)."""
    _RESULTS.clear()
    _DATASET.clear()
