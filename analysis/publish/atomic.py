"""Publishing a finished build folder in one step: readers see the old or the new folder,
never half of one, and a failure leaves the previous folder in place.

Build folders and the swapped-out previous folder carry the id of the process that made
them (``.<name>-build-<pid>-…``, ``.<name>-previous-<pid>``), so that a later run can
remove what a killed process left behind (:func:`remove_stale`) without touching the
folders of a run still going on.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from analysis.errors import OutputFolderError

_OWNED = re.compile(r"^\.(?P<name>.+)-(?:build|previous)-(?P<pid>\d+)(?:-.*)?$")


def check_output_folder(folder: Path | str, option: str) -> None:
    """Refuse, before any work, an output folder that is a file, lies under a file or
    cannot be written (:class:`OutputFolderError` naming ``option`` and the path)."""
    path = Path(folder)
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        where = "is a file" if existing == path else f"lies under the file {existing}"
        raise OutputFolderError(f"{option}: {path} {where}; expected a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputFolderError(f"{option}: {existing} cannot be written (no permission)")


def publish_folder(build: Path, final: Path) -> None:
    """Swap the finished build into place; the previous report is kept until then."""
    previous = None
    if final.exists():
        previous = final.with_name(f".{final.name}-previous-{os.getpid()}")
        os.replace(final, previous)
    try:
        os.replace(build, final)
    except OSError:
        if previous is not None:
            os.replace(previous, final)
        raise
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def build_folder(final: Path) -> Path:
    """A new hidden build folder beside ``final``, named with this process's id."""
    final.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{final.name}-build-{os.getpid()}-", dir=final.parent))
    os.chmod(build, 0o755)
    return build


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale(folder: Path) -> list[Path]:
    """Remove build and previous folders in ``folder`` whose process no longer runs;
    returns what was removed."""
    removed = []
    if not folder.is_dir():
        return removed
    for p in folder.iterdir():
        m = _OWNED.match(p.name)
        if m and p.is_dir() and not _alive(int(m.group("pid"))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed
