"""``socplan fetch``: download open-data sources of the catalogue, verified, atomically.

A download is written to a temporary file beside its destination, checked (HTTP status,
announced length, SHA-256 where the catalogue has one) and only then renamed into place:
a failed or truncated download never leaves a partial file.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib
import inspect
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from analysis.catalogue import Source
from analysis.errors import SocplanError


class FetchError(SocplanError):
    """A download failed; nothing was written."""


def check_with_reader(source_id: str, source: Source, path: Path, name: str) -> None:
    """A file published without a fixed checksum (the registry changes every day) is
    read with its reader before it replaces the last good one: an error page, a
    truncated or a changed format is refused with the reader's message (naming the
    destination's ``name``, not the temporary file)."""
    if not source.reader:
        return
    module, _, function = source.reader.rpartition(".")
    read = getattr(importlib.import_module(module), function)
    kwargs = {}
    if "encoding" in inspect.signature(read).parameters and source.encoding:
        kwargs["encoding"] = source.encoding
    try:
        read(path, **kwargs)
    except SocplanError as exc:
        first = str(exc).replace(path.name, name).splitlines()[:2]  # what, and the first place
        raise FetchError(
            f"{source_id}: the download from {source.url} is not a readable "
            f"{source.title} ({' '.join(line.strip() for line in first)}); the previous "
            "file is kept"
        ) from None


def fetch_source(source_id: str, source: Source, to: Path, timeout: float = 60.0) -> Path:
    """Download one source into ``to/<source.path>``, verified, atomically."""
    if source.url is None:
        raise FetchError(
            f"{source_id}: no download address (transcribed or multi-file "
            f"source); obtain it from {source.publisher_url}"
        )
    dest = to / source.path
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    received = 0
    try:
        req = urllib.request.Request(source.url, headers={"User-Agent": "socplan-fetch"})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(req, timeout=timeout) as resp:
            expected = resp.headers.get("Content-Length")
            while chunk := resp.read(1 << 16):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
        if expected is not None and received != int(expected):
            raise FetchError(
                f"{source_id}: download truncated ({received} of {expected} "
                f"bytes) from {source.url}"
            )
        if source.sha256 and digest.hexdigest() != source.sha256:
            raise FetchError(
                f"{source_id}: checksum mismatch for {source.url}: expected "
                f"{source.sha256}, got {digest.hexdigest()}"
            )
        if not source.sha256:
            check_with_reader(source_id, source, tmp, dest.name)
        os.replace(tmp, dest)
    except urllib.error.HTTPError as exc:
        tmp.unlink(missing_ok=True)
        raise FetchError(
            f"{source_id}: server answered {exc.code} {exc.reason} for {source.url}"
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, FetchError):
            raise
        raise FetchError(
            f"{source_id}: download of {source.url} failed after {received} bytes ({exc})"
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest
