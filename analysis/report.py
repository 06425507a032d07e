"""Render executed chapter notebooks into one annual report, as HTML and as PDF.

The report is composed from the notebooks' markdown cells and rich outputs only: code
cells' sources, stream output and plain-text results never reach it. Markdown goes
through nbconvert's mistune filter; tables and figures are the HTML that
:mod:`analysis.chapter` displayed. The same self-contained HTML (CSS inline, images as
data URIs, no scripts) is turned into a paginated PDF by WeasyPrint.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat
from jinja2 import Environment, StrictUndefined
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from analysis import __version__, formatting
from analysis.params import RunConfig

_HEADING = re.compile(r'<h([1-3])(?: id="[^"]*")?>(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h\1>',
                      re.S)


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


def chapter_html(nb: nbformat.NotebookNode, number: int,
                 headings: list[Heading]) -> str:
    """Body of one chapter with numbered anchors; appends its headings to ``headings``."""
    body = "\n".join(cell_html(c) for c in nb.cells)
    counter = {"sub": 0}

    def repl(m: re.Match[str]) -> str:
        level = int(m.group(1))
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip()
        if level == 1:
            anchor = f"kap-{number}"
        else:
            counter["sub"] += 1
            anchor = f"kap-{number}-{counter['sub']}"
        if level <= 2:
            headings.append(Heading(level, anchor, text))
        return f'<h{level} id="{anchor}">{html.escape(text, quote=False)}</h{level}>'

    return f'<section class="chapter">{_HEADING.sub(repl, body)}</section>'


def _template() -> tuple[str, str]:
    root = resources.files("analysis") / "templates"
    return ((root / "report.html.j2").read_text(encoding="utf-8"),
            (root / "report.css").read_text(encoding="utf-8"))


def render_html(config: RunConfig, notebooks: list[nbformat.NotebookNode],
                commit: str) -> str:
    """The whole report as one self-contained HTML document."""
    headings: list[Heading] = []
    chapters = [chapter_html(nb, i, headings) for i, nb in enumerate(notebooks, start=1)]
    template, css = _template()
    env = Environment(autoescape=True, undefined=StrictUndefined)
    return env.from_string(template).render(
        config=config,
        css=css,
        chapters=chapters,
        headings=headings,
        version=__version__,
        commit=commit,
        reference_date=formatting.date(__import__("datetime").date(config.year, 1, 1)),
    )


def render_pdf(html_text: str, out: Path, base_dir: Path) -> None:
    """Paginate the HTML report into a PDF with WeasyPrint (no browser, no LaTeX)."""
    from weasyprint import HTML  # imported late: loading pango takes a moment

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html_text, base_url=str(base_dir)).write_pdf(out)
