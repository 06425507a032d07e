"""State of a chapter kernel that is reused for the next chapter of the same report.

The pipeline starts one kernel per report build, imports the chapter modules once
(:func:`warm`) and, before each chapter, returns the process to the state a new kernel
would be in (:func:`reset`; the pipeline also clears the user namespace with IPython's
``%reset -f`` and restarts the execution count). What stays is only what importing
leaves: loaded modules and their caches of pure functions.
"""

from __future__ import annotations

import importlib
import os
import warnings

import matplotlib
import matplotlib.pyplot as plt

_FILTERS: list = []


def warm(modules: list[str]) -> None:
    """Import ``modules`` and remember the warning filters as they stand afterwards: the
    filters libraries install when imported (e.g. statsmodels shows every convergence
    warning) are what a chapter importing them in a new kernel would have too."""
    for name in modules:
        importlib.import_module(name)
    _FILTERS[:] = list(warnings.filters)


def reset(environment: dict[str, str], cwd: str) -> None:
    """Back to a new kernel's state: no figures, default plot settings, the kernel's
    warning filters with their "shown once" memory cleared, ``environment`` set and
    ``cwd`` the working folder (a chapter reads its run configuration from there)."""
    plt.close("all")
    matplotlib.rc_file_defaults()
    warnings.resetwarnings()  # also forgets which warnings were already shown
    warnings.filters[:] = _FILTERS
    os.environ.update(environment)
    os.chdir(cwd)
    # No gc.collect() here: IPython's ``%reset -f``, which follows, collects already.
