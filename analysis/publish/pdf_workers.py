"""Child processes that turn HTML files into PDF with WeasyPrint.

Each worker is ``python -m analysis.publish.pdf_workers`` (this module imports little, so
that a worker starts fast): it imports WeasyPrint and lays out a small page once (pango
and the fonts load), then renders the jobs it reads
from its standard input, one ``source<TAB>target`` line each, and answers each with the
seconds it took. The pipeline starts the workers when it knows it will render (they warm
up while the chapters run) and gives the report to one and the ORP profiles to the other,
so the two run side by side on two cores.

Workers run with a fixed hash seed and ``SOURCE_DATE_EPOCH`` (fontTools stamps subset
fonts with the current time otherwise), so each PDF is byte-identical between runs,
whichever worker renders it and in whatever order.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.errors import PipelineError
from analysis.resources import templates_dir

PDF_ENVIRONMENT = {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1735689600"}
DEFAULT_WORKERS = 2


class PdfWorkers:
    """``count`` warm rendering processes; use as a context manager (or :meth:`close`)."""

    def __init__(self, count: int = DEFAULT_WORKERS) -> None:
        env = {**os.environ, **PDF_ENVIRONMENT}
        self._procs: list[subprocess.Popen[str]] = []
        self._errors: list[tempfile._TemporaryFileWrapper[bytes]] = []
        self._queues: list[list[tuple[Path, Path]]] = []
        try:
            for _ in range(max(1, count)):
                # Closed (and removed) in close(): the worker writes to it until then.
                errors = tempfile.NamedTemporaryFile(prefix="socplan-pdf-", suffix=".log")  # noqa: SIM115
                self._errors.append(errors)
                self._procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "analysis.publish.pdf_workers"],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=errors,
                        env=env,
                        text=True,
                    )
                )
        except BaseException:
            self.close()
            raise

    def submit(self, jobs: list[tuple[Path, Path]]) -> None:
        """Start rendering ``jobs`` and return at once (:meth:`collect` waits). The
        largest files go first, each to the worker with the least work so far."""
        loads = [0] * len(self._procs)
        self._queues = [[] for _ in self._procs]
        for job in sorted(jobs, key=lambda j: (-j[0].stat().st_size, str(j[0]))):
            i = loads.index(min(loads))
            self._queues[i].append(job)
            loads[i] += job[0].stat().st_size
        for proc, queue in zip(self._procs, self._queues, strict=True):
            for source, target in queue:
                self._send(proc, f"{source}\t{target}\n")

    def collect(self) -> dict[Path, float]:
        """Wait for the submitted jobs; the seconds per PDF. A worker that failed makes a
        PipelineError naming the file and quoting the worker's error output."""
        seconds = {}
        queues, self._queues = self._queues, []
        for i, (proc, queue) in enumerate(zip(self._procs, queues, strict=True)):
            for source, target in queue:
                line = proc.stdout.readline() if proc.stdout else ""
                if not line:
                    raise PipelineError(
                        f"PDF rendering of {source.name} failed:\n{self._stderr(i)[-2000:]}"
                    )
                seconds[target] = float(line)
        return seconds

    def _send(self, proc: subprocess.Popen[str], line: str) -> None:
        try:
            assert proc.stdin is not None
            proc.stdin.write(line)
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # a worker that died is reported when its answer does not come

    def _stderr(self, i: int) -> str:
        self._procs[i].wait(timeout=60)
        return Path(self._errors[i].name).read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        """End the workers (an idle one ends with its input; one still rendering, after a
        failure elsewhere, is killed) and remove their logs."""
        for proc in self._procs:
            if proc.stdin and not proc.stdin.closed:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
        for proc in self._procs:
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        for errors in self._errors:
            errors.close()
        self._procs, self._errors = [], []

    def __enter__(self) -> PdfWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_pdf(html_file: Path, out: Path) -> None:
    """Paginate one HTML file into a tagged PDF with WeasyPrint (no browser, no LaTeX)."""
    from weasyprint import HTML  # imported late: loading pango takes a moment

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # A tagged PDF: headings, paragraphs, tables and figures are structure elements that
    # screen readers and text extraction follow.
    HTML(filename=str(html_file), base_url=str(html_file.parent)).write_pdf(out, pdf_tags=True)


def _warm_up() -> None:
    """Load WeasyPrint, pango and the report's fonts by laying out one small page."""
    from weasyprint import HTML

    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    HTML(string=f"<style>{css}</style><h1>Žluťoučký kůň</h1><p>1 234,5</p>").render()


def serve() -> None:
    """A PDF worker: render each ``source<TAB>target`` line of standard input, answer
    with the seconds it took; end with the input."""
    _warm_up()
    for line in sys.stdin:
        source, target = line.rstrip("\n").split("\t")
        start = time.perf_counter()
        write_pdf(Path(source), Path(target))
        print(f"{time.perf_counter() - start:.3f}", flush=True)


if __name__ == "__main__":
    serve()
