"""Files that ship inside the package: notebooks, default parameters, the source
catalogue and the report templates.

They are read through :mod:`importlib.resources`, so the same code works in a checkout
(editable install: the folders ``notebooks/`` and ``params/`` of the repository) and in
an installed wheel (the packages ``analysis.notebooks`` and ``analysis.defaults``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(package: str) -> Path:
    # Installed as regular files (wheel or editable), never zipped: a real path exists.
    return Path(str(resources.files(package)))


def notebooks_dir() -> Path:
    """Folder of the chapter notebooks (``notebooks/`` in a checkout)."""
    return _folder("analysis.notebooks")


def notebook(name: str) -> Path:
    """Path of one chapter notebook, e.g. ``notebook("01_network")``."""
    return notebooks_dir() / f"{name}.ipynb"


def defaults_dir() -> Path:
    """Folder of the default parameter files (``params/`` in a checkout)."""
    return _folder("analysis.defaults")


def catalogue_file() -> Path:
    """The open-data source catalogue (``params/sources.yaml``)."""
    return defaults_dir() / "sources.yaml"


def demo_params_file() -> Path:
    """The run file of the demo region (``params/demo.yaml``)."""
    return defaults_dir() / "demo.yaml"


def regions_dir() -> Path:
    """Run files of the 14 real regions (``params/regions/``)."""
    return defaults_dir() / "regions"


def methodology_file() -> Path:
    """The default methodology (``params/methodology.yaml``)."""
    return defaults_dir() / "methodology.yaml"


def templates_dir() -> Path:
    """Templates of the HTML/PDF report."""
    return _folder("analysis.publish") / "templates"
