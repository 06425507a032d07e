"""Publishing a finished build folder in one step: readers see the old or the new folder,
never half of one, and a failure leaves the previous folder in place."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


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
