"""A plain Czech document (the review pack, the methodology report) as HTML and PDF, in
the stylesheet of the annual report.

A document is a list of blocks: headings, paragraphs, tables and figures. Tables are
set by :func:`analysis.present.formatting.html_table` with Czech headers and number
formats, figures are embedded PNGs; every table and figure carries its source line.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.figure
import pandas as pd

from analysis import __version__
from analysis.present import formatting
from analysis.present.figures import png_bytes
from analysis.present.notebook import table_figure, table_size
from analysis.publish.cache import BuildCache
from analysis.publish.report import render_pdfs
from analysis.resources import templates_dir


@dataclass
class Document:
    title: str
    subtitle: str
    colophon: dict[str, str] = field(default_factory=dict)  # label -> value (title page)
    parts: list[str] = field(default_factory=list)  # HTML of the body, in order
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # level, id, text

    def heading(self, text: str, level: int = 1) -> None:
        anchor = f"s{len(self.headings) + 1}"
        self.headings.append((level, anchor, text))
        if level == 1 and self.parts:
            self.parts.append("</section>")
        if level == 1:
            self.parts.append('<section class="chapter">')
        self.parts.append(f'<h{level} id="{anchor}">{html.escape(text)}</h{level}>')

    def paragraph(self, text: str, css: str = "") -> None:
        cls = f' class="{css}"' if css else ""
        self.parts.append(f"<p{cls}>{html.escape(text)}</p>")

    def code(self, text: str) -> None:
        self.parts.append(f'<pre class="formula">{html.escape(text)}</pre>')

    def table(
        self,
        df: pd.DataFrame,
        caption: str,
        source: str,
        labels: Mapping[str, str] | None = None,
        formats: Mapping[str, formatting.Formatter] | None = None,
    ) -> None:
        if df.empty:
            self.parts.append(
                f'<figure class="table missing"><figcaption>{html.escape(caption)}</figcaption>'
                '<p class="note">Žádné řádky.</p></figure>'
            )
            return
        body = formatting.html_table(df, labels, formats)
        # Parameter tables have long cells: a "short" one kept on one page would leave
        # its heading alone on the page before; only the wide class is taken over.
        size = "wide" if "wide" in table_size(df) else ""
        self.parts.append(table_figure(caption, body, source, size))

    def figure(self, fig: matplotlib.figure.Figure, caption: str, source: str, dpi: int) -> bytes:
        """Embed a figure; returns its PNG (for a file beside the document)."""
        png = png_bytes(fig, dpi)
        b64 = base64.b64encode(png).decode("ascii")
        self.parts.append(
            f'<figure class="chart"><img src="data:image/png;base64,{b64}" '
            f'alt="{html.escape(caption)}"/><figcaption>{html.escape(caption)}</figcaption>'
            f'<p class="source">{html.escape(source)}</p></figure>'
        )
        return png

    def html(self) -> str:
        css = (templates_dir() / "report.css").read_text(encoding="utf-8")
        toc = "".join(
            f'<li class="toc-l{level}"><a href="#{anchor}">{html.escape(text)}</a></li>'
            for level, anchor, text in self.headings
        )
        colophon = "".join(
            f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in self.colophon.items()
        )
        body = "".join(self.parts) + ("</section>" if self.headings else "")
        return (
            '<!DOCTYPE html>\n<html lang="cs">\n<head>\n<meta charset="utf-8"/>\n'
            f"<title>{html.escape(self.title)}</title>\n<style>{css}\n"
            "pre.formula { font-size: 8.5pt; background: #f3f6f9; padding: 2mm 3mm; "
            "white-space: pre-wrap; }\n</style>\n</head>\n<body>\n"
            f'<section class="title-page"><p class="kicker">socplan {html.escape(__version__)}'
            f'</p><h1 class="title">{html.escape(self.title)}</h1>'
            f'<p class="subtitle">{html.escape(self.subtitle)}</p>'
            f'<dl class="colophon">{colophon}</dl></section>\n'
            f'<nav class="toc"><h2>Obsah</h2><ul>{toc}</ul></nav>\n{body}\n</body>\n</html>\n'
        )

    def write(self, folder: Path, stem: str, cache: BuildCache | None = None) -> tuple[Path, Path]:
        """Write ``<stem>.html`` and ``<stem>.pdf`` into ``folder`` (the PDF from the
        build ``cache`` when the HTML is unchanged)."""
        html_file, pdf_file = folder / f"{stem}.html", folder / f"{stem}.pdf"
        html_file.write_text(self.html(), encoding="utf-8")
        render_pdfs([(html_file, pdf_file)], cache)
        return html_file, pdf_file
