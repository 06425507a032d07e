"""Render executed chapter notebooks into one annual report, as HTML and as PDF.

The report is composed from the notebooks' markdown cells and rich outputs only: code
cells' sources, stream output and plain-text results never reach it. Markdown goes
through nbconvert's mistune filter; tables and figures are the HTML that
:mod:`analysis.present.notebook` displayed. The same self-contained HTML (CSS inline, images as
data URIs, no scripts) is turned into a paginated PDF by WeasyPrint.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from analysis import __version__
from analysis.params import RunConfig
from analysis.present.czech import bind_single_letters, count
from analysis.publish.cache import BuildCache, pdf_key
from analysis.publish.pdf_workers import DEFAULT_WORKERS, PdfWorkers
from analysis.publish.timing import StageClock
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


_MISSING = re.compile(
    r'<figure class="(table|chart) missing"[^>]*><figcaption>(.*?)</figcaption>.*?</figure>',
    re.S,
)
_SECTION_START = re.compile(r"<h2[ >]")
_CONTENT = re.compile(r'<figure class="(?:table|chart)"|<section class="orp-profile"|attachment')
_NOTE = re.compile(r"<blockquote>.*?</blockquote>", re.S)


@dataclass
class Omitted:
    """A table or figure left out of the report for want of data (listed at the front)."""

    chapter: str
    section: str
    kind: str  # "table", "chart" or "text" (a chapter of method text only)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _heading_text(fragment: str, level: int) -> str:
    """The text of the first ``h<level>`` heading of a fragment (without the anchor
    link's pilcrow), or an empty string."""
    m = re.search(rf"<h{level}[^>]*>(.*?)</h{level}>", fragment, re.S)
    return _plain(m.group(1)).replace("¶", "").strip() if m else ""


def drop_missing(body: str, chapter: str, omitted: list[Omitted]) -> str:
    """The chapter without tables and figures that have no data, and without a section
    (from one ``h2`` to the next) that is left with no table or figure at all: the front
    of the report lists them once (:class:`Omitted`), so that the contents name only
    sections with content and no numbered table stands empty."""
    starts = [m.start() for m in _SECTION_START.finditer(body)]
    bounds = list(zip([0, *starts], [*starts, len(body)], strict=True))
    kept = []
    for i, (a, b) in enumerate(bounds):
        part = body[a:b]
        section = _heading_text(part, 2)
        missing = [m.group(1) for m in _MISSING.finditer(part)]
        part = _MISSING.sub("", part)
        omitted += [Omitted(chapter, section or chapter, kind) for kind in missing]
        if missing and i > 0 and not _CONTENT.search(part):
            continue  # nothing of the section has data: its heading would be empty
        kept.append(part)
    return "".join(kept)


def drop_repeated_notes(chapters: list[str]) -> list[str]:
    """Each warning (blockquote) once in the whole report: a later identical one goes."""
    seen: set[str] = set()

    def once(m: re.Match[str]) -> str:
        key = _plain(m.group(0))
        if key in seen:
            return ""
        seen.add(key)
        return m.group(0)

    return [_NOTE.sub(once, c) for c in chapters]


def chapter_html(
    nb: nbformat.NotebookNode,
    number: int,
    headings: list[Heading],
    omitted: list[Omitted] | None = None,
) -> str:
    """Body of one chapter with numbered anchors; appends its headings to ``headings``
    and the tables and figures without data to ``omitted`` (see :func:`drop_missing`).
    A chapter none of whose tables and figures has data is empty (left out)."""
    body = "\n".join(cell_html(c) for c in nb.cells)
    omitted = omitted if omitted is not None else []
    before = len(omitted)
    chapter = _heading_text(body, 1)
    body = drop_missing(body, chapter, omitted)
    if not _CONTENT.search(body):
        if len(omitted) > before:
            return ""  # no table or figure of the chapter has data: listed at the front only
        if _SECTION_START.search(body) and _NOTE.search(body):
            # Sections of method text only, with a warning that the data are missing.
            omitted.append(Omitted(chapter, "celá kapitola (chybí data)", "text"))
            return ""
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
    omitted: list[Omitted] = []
    bodies: list[str] = []
    for nb in notebooks:
        body = chapter_html(nb, len(bodies) + 1, headings, omitted)
        if body:
            bodies.append(body)
    chapters = drop_repeated_notes(bodies)
    template, css = _template()
    env = Environment(autoescape=True, undefined=StrictUndefined)
    env.filters["code"] = inline_code
    # One-letter prepositions never end a line, in the HTML and so in the PDF.
    return bind_single_letters(
        env.from_string(template).render(
            config=config,
            css=css,
            chapters=chapters,
            headings=headings,
            version=__version__,
            commit=commit,
            omitted=omitted_by_chapter(omitted),
            front=front
            or {
                "notes": [],
                "inputs": [],
                "network_date": "",
                "population_date": "",
                "vintages": [],
                "catalogue": "",
            },
        )
    )


def omitted_by_chapter(omitted: list[Omitted]) -> list[tuple[str, list[str]]]:
    """One line per section with omitted items: "section: 3 tabulky, 1 obrázek"."""
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for o in omitted:
        kinds = counts.setdefault(o.chapter, {}).setdefault(
            o.section, {"table": 0, "chart": 0, "text": 0}
        )
        kinds[o.kind] += 1
    out = []
    for chapter, sections in counts.items():
        lines = []
        for section, kinds in sections.items():
            parts = [
                count(n, noun)
                for n, noun in ((kinds["table"], "tabulka"), (kinds["chart"], "obrázek"))
                if n
            ]
            lines.append(f"{section}: {', '.join(parts)}" if parts else section)
        out.append((chapter, lines))
    return out


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


def render_pdf(html_file: Path, out: Path) -> None:
    """Paginate the HTML report into a PDF with WeasyPrint (no browser, no LaTeX), in a
    child process (:mod:`analysis.publish.pdf_workers`), byte-identical between runs."""
    render_pdfs([(html_file, out)])


class PendingPdfs:
    """PDFs being rendered by :func:`submit_pdfs`; :meth:`wait` finishes them."""

    def __init__(
        self,
        todo: list[tuple[Path, Path, str]],
        cache: BuildCache | None,
        workers: PdfWorkers | None,
        own: bool,
    ) -> None:
        self.todo, self.cache, self.workers, self._own = todo, cache, workers, own

    def wait(
        self,
        clock: StageClock | None = None,
        stage: Callable[[Path], str] = lambda out: f"PDF {out.name}",
    ) -> int:
        """Wait for the PDFs and store them in the cache; the number rendered. The
        seconds per PDF go to ``clock`` under ``stage(pdf)``."""
        if not self.todo or self.workers is None:
            return 0
        try:
            seconds = self.workers.collect()
        finally:
            if self._own:
                self.workers.close()
        if clock is not None:
            for out, sec in seconds.items():
                clock.add(stage(out), sec)
        if self.cache:
            for _, out, key in self.todo:
                self.cache.store("pdf", key, out.parent, [out.name])
        return len(self.todo)

    def close(self) -> None:
        """Stop rendering (after a failure elsewhere): end the workers started here."""
        if self._own and self.workers is not None:
            self.workers.close()


def submit_pdfs(
    pairs: list[tuple[Path, Path]],
    cache: BuildCache | None = None,
    workers: PdfWorkers | None = None,
) -> PendingPdfs:
    """Start rendering HTML files to PDF on ``workers`` (else on child processes started
    here, one per PDF up to two); with a ``cache``, a PDF of an unchanged HTML file is
    restored instead, at once."""
    todo = []
    for html_file, out in pairs:
        key = pdf_key(html_file) if cache else ""
        if not (cache and cache.restore_file("pdf", key, out)):
            todo.append((html_file, out, key))
    own = workers is None and bool(todo)
    if own:
        workers = PdfWorkers(min(len(todo), DEFAULT_WORKERS))
    if todo and workers is not None:
        try:
            workers.submit([(html_file, out) for html_file, out, _ in todo])
        except BaseException:
            if own:
                workers.close()
            raise
    return PendingPdfs(todo, cache, workers, own)


def render_pdfs(pairs: list[tuple[Path, Path]], cache: BuildCache | None = None) -> int:
    """Render several HTML files to PDF (see :func:`submit_pdfs`) and wait for them;
    returns the number of PDFs rendered."""
    return submit_pdfs(pairs, cache).wait()
