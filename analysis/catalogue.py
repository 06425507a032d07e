"""The catalogue of open-data sources (``params/sources.yaml``).

Every file any computation reads from an open-data folder is a source here: where it
lives in the folder, who publishes it, how to download it (``socplan fetch``), how it is
encoded and which reader turns it into a data frame.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.errors import ParameterError
from analysis.resources import catalogue_file


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    publisher: str
    publisher_url: str
    licence: str = Field(min_length=1)  # terms of re-use, as the publisher states them
    url: str | None
    path: str
    format: str
    encoding: str
    reader: str
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    required: bool
    # The date the data describe, where the file holds one (e.g. population on 1 Jan).
    reference_date: dt.date | None = None


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: dict[str, Source]


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and validate the source catalogue (default: the packaged one, read once per
    process: chapters cite sources table by table)."""
    if path is None:
        return _packaged_catalogue()
    return _read_catalogue(Path(path))


@functools.cache
def _packaged_catalogue() -> Catalogue:
    return _read_catalogue(catalogue_file())


def _read_catalogue(path: Path) -> Catalogue:
    try:
        return Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise ParameterError(
            path, [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        ) from None
