"""A content-addressed cache of what a report build produces: executed chapters and PDFs.

An entry is the set of files one step wrote, stored under the SHA-256 of everything the
step depends on, so a changed input, parameter, notebook or line of code gives a new
key and the old entry is simply never asked for again. For a chapter the key covers:
the chapter's notebook, the package version and source code, the hashes of the run's
input files, the run file's other settings, and the values of exactly the methodology
parameters the chapter read when it ran (recorded by the kernel through
:class:`analysis.parameter_reads.MethodologyView`; ``reads/`` keeps the sets of
parameters read per chapter, to find the entry before running it). For a PDF it covers
the self-contained HTML and the versions of the renderer.

Layout: ``<root>/<kind>/<key[:2]>/<key>/`` holds ``entry.json`` (the key, the kind and
the SHA-256 of every file) and ``files/``. An entry whose ``entry.json`` is missing,
names another key (a foreign entry copied in) or whose files do not match their hashes
(a corrupted entry) is removed and recomputed, never used. Entries are written to a
temporary folder and renamed into place, so a reader never sees half an entry and two
writers of the same key do not collide. The whole folder can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path

from analysis import __version__
from analysis.data.dataset import Dataset, sha256_file
from analysis.params import Methodology, RunConfig
from analysis.resources import catalogue_file

CACHE_ENV = "SOCPLAN_CACHE_DIR"
FORMAT = "socplan-cache-1"  # bump when the layout or the key's content changes
ENTRY = "entry.json"


def cache_root() -> Path:
    """socplan's cache folder: ``$SOCPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/socplan``,
    else ``~/.cache/socplan``. Report builds keep their entries in ``build/``, review
    packs in ``review/``; deleting any of it only costs time."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "socplan"


@cache
def code_fingerprint() -> str:
    """Hash of the package's Python source: an entry is valid only for the same code."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _digest(parts: Mapping[str, object]) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Methodology parameters that change the dataset itself (analysis/data reads them).
DATA_PARAMETERS = (
    "projection.migration_profile_period",
    "demand.plan_horizon",
    "plausibility.max_capacity",
    "plausibility.territory_margin_km",
)


def chapter_base_key(config: RunConfig, dataset: Dataset, name: str, notebook: Path) -> str:
    """What one chapter depends on besides the methodology: its notebook, the package
    version and code, the input files and the run file's other settings."""
    doc = json.loads(config.to_portable_json())
    methodology = doc.pop("methodology")
    return _digest(
        {
            "format": FORMAT,
            "kind": "chapter",
            "chapter": name,
            "notebook": sha256_file(notebook),
            "socplan": __version__,
            "code": code_fingerprint(),
            "catalogue": sha256_file(catalogue_file()),  # titles and publishers cited
            "inputs": dict(sorted(dataset.hashes.items())),
            # Parameters the data layer reads while building the dataset, outside any
            # chapter's recorded reads.
            "data_parameters": {
                p: methodology[p.split(".")[0]][p.split(".")[1]] for p in DATA_PARAMETERS
            },
            "config": doc,
        }
    )


def chapter_key(base: str, methodology: Methodology, reads: Iterable[str]) -> str:
    """The key of a chapter's outputs: its base key and the value, unit and source of
    each parameter it read (``section.key``). A run whose read parameters have the same
    values takes the same path through the code, so it reads the same parameters."""
    values = {}
    for name in sorted(reads):
        section, key = name.split(".", 1)
        values[name] = getattr(getattr(methodology, section), key).model_dump(mode="json")
    return _digest({"format": FORMAT, "base": base, "parameters": values})


def _versions(*packages: str) -> dict[str, str]:
    """The installed version of each package ("not installed" where it is missing)."""
    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def pdf_key(html_file: Path) -> str:
    """The key of the PDF rendered from one self-contained HTML file."""
    versions = _versions("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2")
    return _digest(
        {
            "format": FORMAT,
            "kind": "pdf",
            "html": sha256_file(html_file),
            "versions": versions,
            "code": code_fingerprint(),
        }
    )


def workbook_key(tables: Path, report_html: str, methodology: Methodology) -> str:
    """The key of ``tables.xlsx``: the CSV tables it holds, the report's captions and
    headers (its HTML), the column labels (the methodology) and the writer's version."""
    return _digest(
        {
            "format": FORMAT,
            "kind": "workbook",
            "html": hashlib.sha256(report_html.encode("utf-8")).hexdigest(),
            "tables": {p.name: sha256_file(p) for p in sorted(tables.glob("*.csv"))},
            "methodology": methodology.model_dump_json(),
            "versions": _versions("openpyxl"),
            "code": code_fingerprint(),
        }
    )


class BuildCache:
    """The cache folder."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def _reads_file(self, base: str) -> Path:
        return self.root / "reads" / base[:2] / f"{base}.json"

    def read_sets(self, base: str) -> list[list[str]]:
        """The sets of parameters that earlier runs of a chapter with this base key read
        (usually one; another appears when a parameter value changes which are read)."""
        try:
            sets = json.loads(self._reads_file(base).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        valid = isinstance(sets, list) and all(
            isinstance(r, list) and all(isinstance(p, str) and "." in p for p in r) for r in sets
        )
        return sets if valid else []

    def add_read_set(self, base: str, reads: Iterable[str]) -> None:
        sets = self.read_sets(base)
        new = sorted(reads)
        if new in sets:
            return
        path = self._reads_file(base)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".reads-", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump([*sets, new], fh)
            os.replace(tmp, path)
        except OSError:
            pass

    def _entry(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def _lookup(self, kind: str, key: str) -> tuple[Path, dict[str, str]] | None:
        """A valid entry's folder and files; a damaged or foreign one is removed."""
        entry = self._entry(kind, key)
        files = self._valid_files(entry, kind, key)
        if files is None and entry.exists():
            shutil.rmtree(entry, ignore_errors=True)
        return None if files is None else (entry, files)

    def restore(self, kind: str, key: str, dest: Path) -> list[str] | None:
        """Copy a valid entry's files into ``dest`` and return their relative paths;
        None (and the entry removed when it is damaged) when there is no valid entry."""
        found = self._lookup(kind, key)
        if found is None:
            return None
        entry, files = found
        for rel in files:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry / "files" / rel, target)
        return sorted(files)

    def restore_file(self, kind: str, key: str, target: Path) -> bool:
        """Copy the single file of a valid entry to ``target``; False when there is none."""
        found = self._lookup(kind, key)
        if found is None or len(found[1]) != 1:
            return False
        entry, files = found
        shutil.copyfile(entry / "files" / next(iter(files)), target)
        return True

    @staticmethod
    def _valid_files(entry: Path, kind: str, key: str) -> dict[str, str] | None:
        try:
            meta = json.loads((entry / ENTRY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("key") != key or meta.get("kind") != kind:
            return None  # a foreign entry: never trust what another key stored
        files = meta.get("files")
        if not isinstance(files, dict):
            return None
        for rel, digest in files.items():
            path = entry / "files" / rel
            if not path.is_file() or sha256_file(path) != digest:
                return None
        return files

    def store(self, kind: str, key: str, source: Path, files: Iterable[str]) -> None:
        """Keep ``files`` (paths relative to ``source``) as the entry of ``key``."""
        entry = self._entry(kind, key)
        entry.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=entry.parent))
        try:
            digests = {}
            for rel in sorted(files):
                target = work / "files" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / rel, target)
                digests[rel] = sha256_file(target)
            meta = {"format": FORMAT, "kind": kind, "key": key, "files": digests}
            (work / ENTRY).write_text(json.dumps(meta, indent=1, sort_keys=True), "utf-8")
            if entry.exists():
                shutil.rmtree(entry, ignore_errors=True)  # a damaged entry being replaced
            os.replace(work, entry)
        except OSError:
            pass  # a cache that cannot be written only costs time next run
        finally:
            shutil.rmtree(work, ignore_errors=True)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file below ``folder``, by relative path."""
    out = {}
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(folder).as_posix()] = (st.st_size, st.st_mtime_ns)
    return out


def written_since(folder: Path, before: dict[str, tuple[int, int]]) -> list[str]:
    """Files below ``folder`` that are new or changed since ``before``."""
    after = snapshot(folder)
    return sorted(rel for rel, stat in after.items() if before.get(rel) != stat)
