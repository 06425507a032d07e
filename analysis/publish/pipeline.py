"""Build one annual report: validate, execute the chapters, render, publish atomically.

The order matters: parameters and all input data are validated before any kernel starts;
the chapters run through papermill in a temporary folder next to the destination; only a
complete build (notebooks, tables, figures, HTML, PDF, manifest) replaces the previous
report, by renaming folders. A failure removes the temporary folder and leaves the last
good report untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill as pm
from tqdm import tqdm
from traitlets.config import Config

from analysis.data.dataset import Dataset
from analysis.data.loading import DATASET_CACHE_ENV, load_dataset
from analysis.errors import PipelineError
from analysis.params import RunConfig, load_run_config
from analysis.present import formatting
from analysis.present.completeness import data_notes, input_list
from analysis.publish.manifest import build_manifest, git_commit, write_manifest
from analysis.publish.report import profile_documents, render_html, render_pdfs
from analysis.publish.workbook import write_workbook
from analysis.resources import notebook

KERNEL_NAME = "python3"  # the ipykernel of the interpreter socplan is installed in
# The checkout the package runs from, if any (for the git commit in the manifest).
SOURCE_ROOT = Path(__file__).resolve().parents[2]
RUN_CONFIG = "run-config.json"


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop volatile metadata (timestamps, durations, paths, random ids) from a notebook."""
    nb.metadata.pop("papermill", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not cell.get("id"):
            cell.id = f"cell-{i}"
    return nb


def execute_chapter(name: str, build: Path) -> Path:
    """Run one chapter notebook in ``build``; raise PipelineError naming the failing cell."""
    src = notebook(name)
    out = build / "notebooks" / f"{name}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    # The kernel talks over local IPC sockets in a private folder rather than TCP ports.
    sockets = Path(tempfile.mkdtemp(prefix="socplan-kernel-"))
    kernel_config = Config({"KernelManager": {"transport": "ipc", "ip": str(sockets / "k")}})
    try:
        pm.execute_notebook(
            str(src),
            str(out),
            parameters={"config": RUN_CONFIG},
            kernel_name=KERNEL_NAME,
            cwd=str(build),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            config=kernel_config,
            shutdown_kernel="immediate",
        )
    except pm.PapermillExecutionError as exc:
        first_line = (exc.source or "").strip().splitlines()[:1]
        raise PipelineError(
            f"chapter notebook notebooks/{src.name} failed in code cell [{exc.exec_count}]"
            f"{' (' + first_line[0][:80] + ' …)' if first_line else ''}:\n"
            f"  {exc.ename}: {exc.evalue}"
        ) from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    nb = normalise_notebook(nbformat.read(out, as_version=4))
    nbformat.write(nb, out)
    return out


def _publish(build: Path, final: Path) -> None:
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


def front_matter(config: RunConfig, dataset: Dataset) -> dict:
    """What the title page states about the data: gaps, inputs and their dates."""
    years = sorted(int(y) for y in dataset.population["year"].unique())
    return {
        "notes": data_notes(dataset),
        "inputs": input_list(dataset, config.sources),
        # The network is described as registered on 1 January of the report year.
        "network_date": formatting.date(dt.date(config.year, 1, 1))
        if dataset.is_complete("services")
        else "úplný registr nebyl dodán (viz výše)",
        "population_date": f"poslední údaje k 1. 1. {years[-1]}" if years else "chybí",
    }


def build_report(
    config: RunConfig, dataset: Dataset, reports_dir: Path, progress: bool = True
) -> Path:
    """Execute the chapters of a validated configuration and publish the report folder;
    ``dataset`` is the validated input the manifest describes."""
    final = reports_dir / str(config.year) / config.region.code
    final.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{config.region.code}-build-", dir=final.parent))
    os.chmod(build, 0o755)
    # Kernels inherit the environment: fix hashing and the plotting backend.
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        (build / RUN_CONFIG).write_text(config.to_json(), encoding="utf-8")
        steps = [*config.chapters, "report"]
        bar = tqdm(steps, desc="socplan", unit="krok", disable=not progress, file=sys.stderr)
        notebooks = []
        for step in bar:
            bar.set_postfix_str(step)
            if step != "report":
                notebooks.append(nbformat.read(execute_chapter(step, build), as_version=4))
        # An installed wheel has no checkout: its version stands in for the commit.
        git = (
            git_commit(SOURCE_ROOT)
            if (SOURCE_ROOT / ".git").exists()
            else {"commit": "unknown", "dirty": None}
        )
        # The kernels are done: the folder keeps the configuration without local paths.
        (build / RUN_CONFIG).write_text(config.to_portable_json(), encoding="utf-8")
        html_text = render_html(
            config, notebooks, git["commit"][:12], front_matter(config, dataset)
        )
        (build / "report.html").write_text(html_text, encoding="utf-8")
        pdfs = [(build / "report.html", build / "report.pdf")]
        profiles = profile_documents(html_text, config)
        if profiles:
            (build / "orp").mkdir()
        for code, doc in profiles.items():
            (build / "orp" / f"{code}.html").write_text(doc, encoding="utf-8")
            pdfs.append((build / "orp" / f"{code}.html", build / "orp" / f"{code}.pdf"))
        render_pdfs(pdfs)
        write_workbook(build, html_text, config.methodology)
        manifest = build_manifest(
            config, dataset, build, {c: notebook(c) for c in config.chapters}, git
        )
        write_manifest(manifest, build / "manifest.json")
        _publish(build, final)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return final


def run(
    params_file: Path | str,
    data_dir: Path | str | None = None,
    reports_dir: Path | str = "reports",
    progress: bool = True,
) -> Path:
    """Validate parameters and data, then build the report. Returns the report folder."""
    config = load_run_config(params_file, data_dir)
    dataset = load_dataset(config)  # every input validated before any kernel starts
    # The chapters reuse this validated dataset instead of reading every source again.
    fd, cache = tempfile.mkstemp(prefix="socplan-dataset-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((config.to_json(), dataset), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.environ[DATASET_CACHE_ENV] = cache
        return build_report(config, dataset, Path(reports_dir), progress=progress)
    finally:
        os.environ.pop(DATASET_CACHE_ENV, None)
        Path(cache).unlink(missing_ok=True)
