"""Render executed chapter notebooks into one annual report, as HTML and as PDF.

The report is composed from the notebooks' markdown cells and rich outputs only: code
cells' sources, stream output and plain-text results never reach it. Markdown goes
through nbconvert's mistune filter; tables and figures are the HTML that
:mod:`analysis.present.notebook` displayed. The same self-contained HTML (CSS inline, images as
data URIs, no scripts) is turned into a paginated PDF by WeasyPrint.
"""

from __future__ import annotations

import html
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from analysis import __version__
from analysis.errors import PipelineError
from analysis.params import RunConfig
from analysis.publish.cache import BuildCache, pdf_key
from analysis.resources import templates_dir

_HEADING = re.compile(
    r'<h([1-3])(?: id="[^"]*")?>(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h\1>', re.S
)


@dataclass
class Heading:
    level: int
    anchor: str
    text: str


def _markdown(source: str) -> str:
    return markdown2html_mistune(source)


def cell_html(cell: nbformat.NotebookNode) -> str:
    """HTML of one cell as it appears in the report (markdown text or rich outputs)."""
    if cell.cell_type == "markdown":
        return _markdown(cell.source)
    if cell.cell_type != "code":
        return ""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type not in ("display_data", "execute_result"):
            continue  # streams and errors are for the notebook, not the reader
        data = out.get("data", {})
        if "text/html" in data:
            parts.append(data["text/html"])
        elif "text/markdown" in data:
            parts.append(_markdown(data["text/markdown"]))
        elif "image/png" in data:
            parts.append(f'<img src="data:image/png;base64,{data["image/png"]}" alt=""/>')
    return "\n".join(parts)


def chapter_html(nb: nbformat.NotebookNode, number: int, headings: list[Heading]) -> str:
    """Body of one chapter with numbered anchors; appends its headings to ``headings``."""
    body = "\n".join(cell_html(c) for c in nb.cells)
    counter = {"sub": 0}

    def repl(m: re.Match[str]) -> str:
        level = int(m.group(1))
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip()
        if level == 1:
            anchor, text = f"kap-{number}", f"{number} {text}"
        elif level == 2:
            counter["sub"] += 1
            anchor = f"kap-{number}-{counter['sub']}"
            text = f"{number}.{counter['sub']} {text}"
        else:
            anchor = f"kap-{number}-{counter['sub']}-{len(headings)}"
        if level <= 2:
            headings.append(Heading(level, anchor, text))
        return f'<h{level} id="{anchor}">{html.escape(text, quote=False)}</h{level}>'

    return f'<section class="chapter">{_HEADING.sub(repl, body)}</section>'


def _template() -> tuple[str, str]:
    root = templates_dir()
    return (
        (root / "report.html.j2").read_text(encoding="utf-8"),
        (root / "report.css").read_text(encoding="utf-8"),
    )


def inline_code(text: str) -> Markup:
    """Escape a sentence and set its `backticked` parts as code."""
    escaped = str(escape(text))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def render_html(
    config: RunConfig,
    notebooks: list[nbformat.NotebookNode],
    commit: str,
    front: dict | None = None,
) -> str:
    """The whole report as one self-contained HTML document; ``front`` holds the title
    page's statements about the data (``notes`` on incomplete inputs, ``inputs`` read
    with their dates, ``network_date``, ``population_date``)."""
    headings: list[Heading] = []
    chapters = [chapter_html(nb, i, headings) for i, nb in enumerate(notebooks, start=1)]
    template, css = _template()
    env = Environment(autoescape=True, undefined=StrictUndefined)
    env.filters["code"] = inline_code
    return env.from_string(template).render(
        config=config,
        css=css,
        chapters=chapters,
        headings=headings,
        version=__version__,
        commit=commit,
        front=front
        or {
            "notes": [],
            "inputs": [],
            "network_date": "",
            "population_date": "",
            "catalogue": "",
        },
    )


_PROFILE = re.compile(r'<section class="orp-profile" id="orp-(\d{4})">(.*?)</section>', re.S)


def profile_documents(report_html: str, config: RunConfig) -> dict[str, str]:
    """Each ORP profile of the report as a standalone HTML document (same CSS), keyed by
    ORP code, for the municipality–region information flow."""
    _, css = _template()
    docs = {}
    for code, body in _PROFILE.findall(report_html):
        name = re.sub(r"<[^>]+>", "", re.search(r"<h2[^>]*>(.*?)</h2>", body, re.S).group(1))
        name = re.sub(r"^[\d.]+\s+", "", html.unescape(name)).strip()
        # A standalone profile is not a numbered section of the report.
        heading = f"<h1>ORP {html.escape(name)}</h1>"
        # A function, not a template: a backslash in the name is text, not an escape.
        body = re.sub(r"<h2[^>]*>.*?</h2>", lambda _m, h=heading: h, body, count=1)
        docs[code] = (
            '<!DOCTYPE html>\n<html lang="cs">\n<head>\n<meta charset="utf-8"/>\n'
            f'<meta name="generator" content="socplan {__version__}"/>\n'
            f"<title>Profil ORP {html.escape(name)} – {html.escape(config.region.name)} "
            f"{config.year}</title>\n<style>\n{css}\n</style>\n</head>\n<body>\n"
            f'<p class="kicker">{html.escape(config.region.name)} · výroční zpráva za rok '
            f"{config.year} · profil ORP</p>\n"
            f'<section class="orp-profile standalone" id="orp-{code}">{body}</section>\n'
            "</body>\n</html>\n"
        )
    return docs


def _write_pdf(html_file: Path, out: Path) -> None:
    from weasyprint import HTML  # imported late: loading pango takes a moment

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # A tagged PDF: headings, paragraphs, tables and figures are structure elements that
    # screen readers and text extraction follow.
    HTML(filename=str(html_file), base_url=str(html_file.parent)).write_pdf(out, pdf_tags=True)


def render_pdf(html_file: Path, out: Path) -> None:
    """Paginate the HTML report into a PDF with WeasyPrint (no browser, no LaTeX).

    Runs in a child process with a fixed hash seed and SOURCE_DATE_EPOCH (fontTools
    stamps subset fonts with the current time otherwise), so that the PDF is
    byte-identical between runs.
    """
    render_pdfs([(html_file, out)])


def render_pdfs(pairs: list[tuple[Path, Path]], cache: BuildCache | None = None) -> int:
    """Render several HTML files to PDF in one child process (see :func:`render_pdf`);
    with a ``cache``, a PDF of an unchanged HTML file is restored instead. Returns the
    number of PDFs rendered."""
    todo = []
    for html_file, out in pairs:
        key = pdf_key(html_file) if cache else ""
        if not (cache and cache.restore_file("pdf", key, out)):
            todo.append((html_file, out, key))
    if not todo:
        return 0
    env = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1735689600"}
    args = [str(p) for html_file, out, _ in todo for p in (html_file, out)]
    res = subprocess.run(
        [sys.executable, "-m", "analysis.publish.report", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        raise PipelineError(f"PDF rendering of {todo[0][0].name} failed:\n{res.stderr[-2000:]}")
    if cache:
        for _, out, key in todo:
            cache.store("pdf", key, out.parent, [out.name])
    return len(todo)


if __name__ == "__main__":
    for source, target in zip(sys.argv[1::2], sys.argv[2::2], strict=True):
        _write_pdf(Path(source), Path(target))
