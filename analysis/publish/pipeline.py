"""Build one annual report: validate, execute the chapters, render, publish atomically.

The order matters: parameters and all input data are validated before any kernel starts;
the chapters run through papermill in a temporary folder next to the destination; only a
complete build (notebooks, tables, figures, HTML, PDF, manifest) replaces the previous
report, by renaming folders. A failure removes the temporary folder and leaves the last
good report untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import nbformat
from tqdm import tqdm

from analysis.chapter_registry import chapter
from analysis.data.dataset import Dataset
from analysis.data.loading import DATASET_CACHE_ENV, load_dataset
from analysis.errors import PipelineError
from analysis.parameter_reads import PARAMETER_LOG_ENV
from analysis.params import RunConfig, load_run_config
from analysis.present import formatting
from analysis.present.completeness import data_notes, input_list
from analysis.publish.atomic import (
    build_folder,
    check_output_folder,
    publish_folder,
    remove_stale,
)
from analysis.publish.cache import (
    BuildCache,
    chapter_base_key,
    chapter_key,
    snapshot,
    workbook_key,
    written_since,
)
from analysis.publish.kernels import ChapterKernel
from analysis.publish.manifest import build_manifest, git_commit, write_manifest
from analysis.publish.pdf_workers import DEFAULT_WORKERS, PdfWorkers
from analysis.publish.report import PendingPdfs, profile_documents, render_html, submit_pdfs
from analysis.publish.service_catalogue import render_catalogue, write_catalogue
from analysis.publish.timing import StageClock, maybe
from analysis.publish.workbook import write_workbook
from analysis.resources import notebook

NOTEBOOK_MODULE = "analysis.present.notebook"  # what every chapter notebook imports
# The checkout the package runs from, if any (for the git commit in the manifest).
SOURCE_ROOT = Path(__file__).resolve().parents[2]
RUN_CONFIG = "run-config.json"


CATALOGUE_FOLDER = "catalogue"  # the service catalogue inside a report folder


def _pdf_stage(pdf: Path) -> str:
    """The clock's name for rendering ``pdf`` (in a worker, beside the other stages)."""
    return "  PDF report (worker)" if pdf.name == "report.pdf" else "  PDF ORP profiles (worker)"


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


def execute_chapter(name: str, build: Path, kernel: ChapterKernel) -> Path:
    """Run one chapter notebook in ``build`` on the build's warm ``kernel``; raise
    PipelineError naming the failing cell."""
    import papermill as pm  # imported here: a build whose chapters are cached needs none

    src = notebook(name)
    out = build / "notebooks" / f"{name}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(
            str(src),
            str(out),
            parameters={"config": RUN_CONFIG},
            cwd=str(build),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            km=kernel.km,
        )
    except pm.PapermillExecutionError as exc:
        first_line = (exc.source or "").strip().splitlines()[:1]
        raise PipelineError(
            f"chapter notebook notebooks/{src.name} failed in code cell [{exc.exec_count}]"
            f"{' (' + first_line[0][:80] + ' …)' if first_line else ''}:\n"
            f"  {exc.ename}: {exc.evalue}"
        ) from None
    nb = normalise_notebook(nbformat.read(out, as_version=4))
    nbformat.write(nb, out)
    return out


def population_vintage(dataset: Dataset, years: list[int]) -> str:
    """The dates of the population data: the region's newest bands and the municipal ones."""
    if not years:
        return "chybí"
    municipal = f"k 1. 1. {years[-1]}"
    latest = dataset.latest
    if latest is None:
        return f"poslední údaje {municipal}"
    return (
        f"kraj k 31. 12. {latest.reference_year} (ČSÚ, pětileté věkové skupiny); "
        f"obce a ORP {municipal} (ČSÚ, skupiny 0–14, 15–64, 65+)"
    )


def data_vintages(dataset: Dataset) -> list[tuple[str, str]]:
    """Further main inputs of a real region and the dates their data describe."""
    out = []
    latest = dataset.latest
    if latest is not None and latest.care_ages is not None:
        year = int(latest.care_ages["year"].max())
        out.append(
            (
                "Příjemci příspěvku na péči",
                f"Česko prosinec {year} (ČSÚ); kraje 2018 (MPSV)",
            )
        )
    elif dataset.care_allowance is not None:
        out.append(("Příjemci příspěvku na péči", "kraje 2018 (MPSV)"))
    if dataset.facility_counts is not None:
        year = int(dataset.facility_counts["year"].max())
        out.append(("Zařízení sociálních služeb", f"ČSÚ k 31. 12. {year} (počty podle druhu)"))
    return out


def front_matter(config: RunConfig, dataset: Dataset) -> dict:
    """What the title page states about the data: gaps, inputs and their dates."""
    years = sorted(int(y) for y in dataset.population["year"].unique())
    return {
        "notes": data_notes(dataset),
        "inputs": input_list(dataset, config.sources),
        # The network is described as registered on 1 January of the report year.
        "network_date": formatting.date(dt.date(config.year, 1, 1))
        if dataset.is_complete("services")
        else "úplný registr nebyl dodán (viz přehled připravenosti dat)",
        "population_date": population_vintage(dataset, years),
        "vintages": data_vintages(dataset),
        "catalogue": f"{CATALOGUE_FOLDER}/index.html ve složce zprávy (vyhledávání služeb)"
        if dataset.is_complete("services")
        else "nevytváří se: úplný registr nebyl dodán",
    }


def _workbook(build: Path, html_text: str, config: RunConfig, cache: BuildCache | None) -> None:
    """``tables.xlsx`` of the build, restored from the cache when its tables, captions
    and labels are unchanged."""
    key = workbook_key(build / "tables", html_text, config.methodology) if cache else ""
    if cache and cache.restore_file("workbook", key, build / "tables.xlsx"):
        return
    write_workbook(build, html_text, config.methodology)
    if cache:
        cache.store("workbook", key, build, ["tables.xlsx"])


def kernel_environment(**extra: str) -> dict[str, str]:
    """The environment of a chapter kernel: this process's, with a fixed hash seed and
    the non-interactive plotting backend (and ``extra``)."""
    return {"PYTHONHASHSEED": "0", **os.environ, "MPLBACKEND": "Agg", **extra}


def start_kernel(config: RunConfig, **environment: str) -> ChapterKernel:
    """A kernel for the chapters of ``config``, importing their modules in the background."""
    modules = [chapter(c).module for c in config.chapters]
    return ChapterKernel([NOTEBOOK_MODULE, *modules], kernel_environment(**environment))


class Chapters:
    """Runs the chapters of one build: restores them from the cache where it can and
    otherwise executes them on one warm kernel (``kernel``, or one started when first
    needed)."""

    def __init__(
        self,
        config: RunConfig,
        dataset: Dataset,
        build: Path,
        cache: BuildCache | None,
        clock: StageClock | None = None,
        kernel: ChapterKernel | None = None,
        pdf_workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.config, self.dataset, self.build, self.cache = config, dataset, build, cache
        self.clock = clock
        self._kernel = kernel
        self._pdf_count = pdf_workers
        # Started with the first chapter that is computed: the PDF workers warm up while
        # the chapters run (a build whose chapters all come from the cache may need none).
        self.pdf_workers: PdfWorkers | None = None

    def _execute(self, name: str, log: str) -> None:
        if self.pdf_workers is None:
            self.pdf_workers = PdfWorkers(self._pdf_count)
        if self._kernel is None:
            self._kernel = start_kernel(self.config)
        with maybe(self.clock, "kernel start (wait)"):
            self._kernel.ready()
        with maybe(self.clock, f"chapter {name}"):
            self._kernel.fresh({PARAMETER_LOG_ENV: log}, self.build)
            execute_chapter(name, self.build, self._kernel)

    def run(self, name: str) -> bool:
        """Execute or restore one chapter; True when it came from the cache."""
        cache = self.cache
        if cache is None:
            self._execute(name, "")
            return False
        base = chapter_base_key(self.config, self.dataset, name, notebook(name))
        for reads in cache.read_sets(base):
            key = chapter_key(base, self.config.methodology, reads)
            if cache.restore("chapters", key, self.build) is not None:
                return True
        before = snapshot(self.build)
        # The kernel lists the parameters the chapter reads in this file (outside the build).
        fd, log = tempfile.mkstemp(prefix=f"socplan-reads-{name}-", suffix=".json")
        os.close(fd)
        try:
            self._execute(name, log)
            reads = json.loads(Path(log).read_text(encoding="utf-8") or "[]")
        finally:
            Path(log).unlink(missing_ok=True)
        written = [f for f in written_since(self.build, before) if f != RUN_CONFIG]
        cache.store(
            "chapters", chapter_key(base, self.config.methodology, reads), self.build, written
        )
        cache.add_read_set(base, reads)
        return False

    def close_kernel(self) -> None:
        if self._kernel is not None:
            self._kernel.close()
            self._kernel = None

    def close(self) -> None:
        """End the kernel and the PDF workers."""
        self.close_kernel()
        if self.pdf_workers is not None:
            self.pdf_workers.close()
            self.pdf_workers = None


def build_report(
    config: RunConfig,
    dataset: Dataset,
    reports_dir: Path,
    progress: bool = True,
    cache: BuildCache | None = None,
    on_step: Callable[[str, bool], None] | None = None,
    clock: StageClock | None = None,
    kernel: ChapterKernel | None = None,
    pdf_workers: int = DEFAULT_WORKERS,
) -> Path:
    """Execute the chapters of a validated configuration and publish the report folder;
    ``dataset`` is the validated input the manifest describes. With a ``cache``, unchanged
    chapters and PDFs are restored instead of computed; ``on_step(step, cached)`` is
    called after each chapter and after the rendering; ``clock`` times each stage. The
    chapters run on ``kernel`` (closed here), else on one started when first needed; the
    PDFs on ``pdf_workers`` processes."""
    final = reports_dir / str(config.year) / config.region.code
    remove_stale(final.parent)  # debris of a killed earlier run
    build = build_folder(final)
    chapters = Chapters(config, dataset, build, cache, clock, kernel, pdf_workers)
    pending: PendingPdfs | None = None
    try:
        (build / RUN_CONFIG).write_text(config.to_json(), encoding="utf-8")
        steps = [*config.chapters, "report"]
        bar = tqdm(steps, desc="socplan", unit="krok", disable=not progress, file=sys.stderr)
        notebooks = []
        for step in bar:
            bar.set_postfix_str(step)
            if step != "report":
                cached = chapters.run(step)
                out = build / "notebooks" / f"{step}.ipynb"
                notebooks.append(nbformat.read(out, as_version=4))
                if on_step is not None:
                    on_step(step, cached)
        chapters.close_kernel()
        # An installed wheel has no checkout: its version stands in for the commit.
        git = (
            git_commit(SOURCE_ROOT)
            if (SOURCE_ROOT / ".git").exists()
            else {"commit": "unknown", "dirty": None}
        )
        # The kernels are done: the folder keeps the configuration without local paths.
        (build / RUN_CONFIG).write_text(config.to_portable_json(), encoding="utf-8")
        with maybe(clock, "HTML"):
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
        # The PDFs render in the workers while this process writes the workbook.
        pending = submit_pdfs(pdfs, cache, chapters.pdf_workers)
        with maybe(clock, "workbook"):
            _workbook(build, html_text, config, cache)
        if dataset.is_complete("services"):  # a sample registry makes no catalogue
            with maybe(clock, "catalogue"):
                catalogue = render_catalogue(dataset, config, git["commit"][:12])
                write_catalogue(catalogue, build / CATALOGUE_FOLDER)
        with maybe(clock, "PDF (waiting for the workers)"):
            rendered = pending.wait(clock, _pdf_stage)
        with maybe(clock, "manifest"):
            manifest = build_manifest(
                config, dataset, build, {c: notebook(c) for c in config.chapters}, git
            )
            write_manifest(manifest, build / "manifest.json")
        publish_folder(build, final)
        if on_step is not None:
            on_step("report", rendered == 0)
    except BaseException:
        chapters.close()
        if pending is not None:
            pending.close()
        shutil.rmtree(build, ignore_errors=True)
        with contextlib.suppress(OSError):
            final.parent.rmdir()  # a year folder this failed run created stays no longer
        raise
    chapters.close()
    return final


def run(
    params_file: Path | str,
    data_dir: Path | str | None = None,
    reports_dir: Path | str = "reports",
    progress: bool = True,
    cache_dir: Path | str | None = None,
    on_step: Callable[[str, bool], None] | None = None,
    clock: StageClock | None = None,
    pdf_workers: int = DEFAULT_WORKERS,
) -> Path:
    """Validate parameters and data, then build the report. Returns the report folder.

    ``cache_dir`` enables the build cache (:mod:`analysis.publish.cache`); without it
    every chapter and PDF is computed afresh. ``clock`` times each stage. The PDFs render
    on ``pdf_workers`` processes (two: the report beside the ORP profiles; one where
    other builds run beside this one, as in socplan batch)."""
    config = load_run_config(params_file, data_dir)  # parameters valid before any kernel
    check_output_folder(reports_dir, "--reports-dir")
    # The chapters reuse the validated dataset instead of reading every source again.
    fd, pickled = tempfile.mkstemp(prefix=f"socplan-dataset-{os.getpid()}-", suffix=".pickle")
    os.close(fd)
    # The kernel imports the chapter modules while the data are validated (it runs no
    # chapter before they are) when chapters will be computed: without a build cache, or
    # for a report not built before. A rebuild whose chapters may all come from the cache
    # starts it only when a chapter needs it.
    previous = Path(reports_dir) / str(config.year) / config.region.code / "manifest.json"
    kernel = (
        start_kernel(config, **{DATASET_CACHE_ENV: pickled})
        if cache_dir is None or not previous.is_file()
        else None
    )
    try:
        with maybe(clock, "validate and load"):
            dataset = load_dataset(config)  # every input validated before any chapter runs
        with open(pickled, "wb") as fh:
            pickle.dump((config.to_json(), dataset), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.environ[DATASET_CACHE_ENV] = pickled  # for any kernel started later
        cache = BuildCache(cache_dir) if cache_dir is not None else None
        return build_report(
            config, dataset, Path(reports_dir), progress, cache, on_step, clock, kernel, pdf_workers
        )
    finally:
        if kernel is not None:
            kernel.close()
        os.environ.pop(DATASET_CACHE_ENV, None)
        Path(pickled).unlink(missing_ok=True)
