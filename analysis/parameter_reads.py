"""Which methodology parameters a computation reads, recorded while it runs.

:class:`MethodologyView` stands in for a :class:`~analysis.params.Methodology` and notes
every ``section.key`` that is read through it (also inside the models' own methods, such
as ``finance.allocation``). The review pack reruns a chapter only for the parameters
its baseline run read, and the build cache keys a chapter by the values of the
parameters it read: a parameter never read cannot change the chapter.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from analysis.params import Methodology

# The pipeline names a file here in which a chapter's kernel lists the methodology
# parameters it read (``section.key``): the build cache keys the chapter by their values.
PARAMETER_LOG_ENV = "SOCPLAN_PARAMETER_LOG"


class _SectionView:
    """One section of the methodology; reading a parameter records its name."""

    def __init__(self, name: str, model: BaseModel, owner: MethodologyView) -> None:
        self._name, self._model, self._owner = name, model, owner

    def __getattr__(self, key: str) -> Any:
        cls = type(self._model)
        if key in cls.model_fields:
            self._owner._record(f"{self._name}.{key}")
            return getattr(self._model, key)
        attr = getattr(cls, key, None)
        if inspect.isfunction(attr):  # a method: let it read through the view too
            return functools.partial(attr, self)
        return getattr(self._model, key)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for key in type(self._model).model_fields:
            yield key, self.__getattr__(key)


class MethodologyView:
    """A methodology that records the parameters read from it in ``read``;
    ``on_new_read(read)`` is called whenever a parameter is read for the first time."""

    def __init__(
        self, methodology: Methodology, on_new_read: Callable[[set[str]], None] | None = None
    ) -> None:
        self._methodology = methodology
        self._on_new_read = on_new_read
        self.read: set[str] = set()

    def _record(self, name: str) -> None:
        if name not in self.read:
            self.read.add(name)
            if self._on_new_read is not None:
                self._on_new_read(self.read)

    def __getattr__(self, name: str) -> Any:
        if name in Methodology.model_fields:
            return _SectionView(name, getattr(self._methodology, name), self)
        attr = getattr(Methodology, name, None)
        if inspect.isfunction(attr):
            return functools.partial(attr, self)
        return getattr(self._methodology, name)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for name in Methodology.model_fields:
            yield name, self.__getattr__(name)
