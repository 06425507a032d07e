"""The sources of an open-data folder, read through the catalogue, with a record of what
was read.

Every computation that needs an official file gets it through :class:`SourceFiles`, so
that the file is a catalogue source (``socplan fetch`` knows it), is read by its reader
and ends up, hashed, in the run manifest: the manifest lists exactly the files a run read.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from analysis.catalogue import Source, load_catalogue
from analysis.data.dataset import hash_path

T = TypeVar("T")

# Results of readers kept for the rest of the process while shared reading is on (a
# batch of regions reads the same national files): key -> result.
_SHARED: dict[tuple, Any] | None = None


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block a file read with the same reader and arguments is read once;
    later reads get a copy. The key includes the file's size and modification time, so
    a file changed meanwhile is read again. Worker processes forked inside the block
    inherit what was read before they started."""
    global _SHARED
    outer = _SHARED
    _SHARED = {} if outer is None else outer
    try:
        yield
    finally:
        _SHARED = outer


def hash_once(path: Path) -> str:
    """SHA-256 of a file (or folder), computed once per file while shared reading is on."""
    if _SHARED is None or not path.is_file():
        return hash_path(path)
    st = path.stat()
    key = ("sha256", str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _SHARED:
        _SHARED[key] = hash_path(path)
    return _SHARED[key]


def _read_once(path: Path, reader: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    if _SHARED is None or not path.is_file():
        return reader(path, *args, **kwargs)
    try:
        st = path.stat()
        key = (
            str(path.resolve()),
            st.st_size,
            st.st_mtime_ns,
            f"{reader.__module__}.{reader.__qualname__}",
            repr(args),
            repr(sorted(kwargs.items())),
        )
    except OSError:
        return reader(path, *args, **kwargs)  # let the reader raise its own error
    if key not in _SHARED:
        _SHARED[key] = reader(path, *args, **kwargs)
    return copy.deepcopy(_SHARED[key])  # callers may change what they get


class SourceFiles:
    """Paths of the catalogue's sources inside one data folder.

    ``overrides`` maps a source id to a path relative to the folder (the run file's
    ``data.files``). :meth:`read` calls a reader and records the source as read.
    """

    def __init__(
        self,
        root: Path | str,
        catalogue: dict[str, Source] | None = None,
        overrides: dict[str, str] | None = None,
    ) -> None:
        self.root = Path(root)
        self.catalogue = catalogue if catalogue is not None else load_catalogue().sources
        self.overrides = dict(overrides or {})
        self.read_paths: dict[str, Path] = {}
        self.read_rows: dict[str, int] = {}

    def path(self, source_id: str) -> Path:
        """Where a source lives in the folder (``KeyError`` for an unknown source)."""
        relative = self.overrides.get(source_id, self.catalogue[source_id].path)
        return self.root / relative

    def exists(self, source_id: str) -> bool:
        return self.path(source_id).exists()

    def encoding(self, source_id: str) -> str:
        return self.catalogue[source_id].encoding

    def read(self, source_id: str, reader: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``reader(path, *args, **kwargs)``, recording the source as read (with the
        number of records when the result has a length)."""
        path = self.path(source_id)
        result = _read_once(path, reader, *args, **kwargs)
        self.read_paths[source_id] = path
        size = result[0] if isinstance(result, tuple) else result
        if hasattr(size, "__len__"):
            self.read_rows[source_id] = self.read_rows.get(source_id, 0) + len(size)
        return result

    def read_if_present(
        self, source_id: str, reader: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T | None:
        """:meth:`read` when the source is in the folder, else None."""
        return self.read(source_id, reader, *args, **kwargs) if self.exists(source_id) else None
