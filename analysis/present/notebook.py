"""What a chapter notebook calls: its configuration, its data, and publishing helpers.

A notebook does ``ch = open_chapter(config)`` in its first cell and then only calls
analysis functions and ``ch.table`` / ``ch.figure`` / ``ch.text``. Each published table is
written as CSV under ``tables/`` and each figure as PNG under ``figures/`` of the run's
build folder, and shown in the notebook as HTML with its caption and source line, which
is what the report renderer picks up.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path

import matplotlib.figure
import pandas as pd
from IPython.display import HTML, Markdown, display

from analysis.catalogue import load_catalogue
from analysis.data.dataset import Dataset
from analysis.data.loading import load_dataset
from analysis.parameter_reads import PARAMETER_LOG_ENV, MethodologyView
from analysis.params import Methodology, RunConfig, load_run_config, read_run_config_json
from analysis.present import formatting
from analysis.present.czech import count
from analysis.present.disclosure import SUPPRESSED_SIGN, ProtectedTable
from analysis.present.figures import png_bytes
from analysis.present.labels import COLUMN_LABELS, column_labels, with_value_labels


def _plain_float(value: float) -> str:
    """Six decimals at most, without trailing zeros (``65663`` rather than
    ``65663.000000``); the same value always gives the same text."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# Tables of at most this many rows are kept on one page (CSS class "short").
SHORT_TABLE_ROWS = 25
# Tables with more columns than this are set in smaller type (CSS class "wide").
WIDE_TABLE_COLUMNS = 9


def table_size(shown: pd.DataFrame) -> str:
    """CSS classes of a shown table: short (kept on one page) or long, and wide."""
    size = "short" if len(shown) <= SHORT_TABLE_ROWS else "long"
    return size + (" wide" if len(shown.columns) > WIDE_TABLE_COLUMNS else "")


def table_figure(caption: str, body: str, source: str, size: str, anchor: str = "") -> str:
    """The HTML of a published table: caption, table (or note), source line."""
    ident = f' id="{anchor}"' if anchor else ""
    return (
        f'<figure class="table {size}"{ident}><figcaption>{html.escape(caption)}'
        f'</figcaption>{body}<p class="source">{html.escape(source)}</p></figure>'
    )


def no_html(markdown: str) -> str:
    """Markdown that cannot carry markup from the data: HTML characters become entities
    (Markdown passes tags through as they are), images are not Markdown, and links may
    only point inside the report (``[text](#anchor)``, as the summary's references do)."""
    text = html.escape(markdown, quote=False)
    text = re.sub(r"^(\s*)&gt;", r"\1>", text, flags=re.M)  # a quote block stays one
    text = text.replace("![", "!&#91;")
    return re.sub(r"\]\((?!#[\w-]+\))", "]&#40;", text)


# Characters with a meaning in inline Markdown (emphasis, code, links, strike-through,
# tables, headings); a name from the data that has them is escaped character by character.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]~|#])")


def literal_markdown(name: str) -> str:
    """``name`` escaped so that Markdown shows it as the text it is."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", name)


def data_names(ds: Dataset) -> list[str]:
    """Names from the data (every text column whose name ends in ``name``) that contain
    Markdown characters, longest first (a name inside a longer one is escaped once)."""
    found: set[str] = set()
    for value in vars(ds).values():
        if not isinstance(value, pd.DataFrame):
            continue
        for col in value.columns:
            if str(col).endswith("name") and (
                value[col].dtype == object or pd.api.types.is_string_dtype(value[col])
            ):
                found.update(
                    v
                    for v in value[col].dropna().unique()
                    if isinstance(v, str) and _MARKDOWN_SPECIAL.search(v)
                )
    return sorted(found, key=lambda n: (-len(n), n))


def names_as_text(markdown: str, names: list[str]) -> str:
    """The computed text with every name from the data in it escaped: names are text,
    never Markdown (``**tučně**`` in an ORP's name stays as written)."""
    for name in names:
        if name in markdown:
            markdown = markdown.replace(name, literal_markdown(name))
    return markdown


def _log_reads(path: Path) -> Callable[[set[str]], None]:
    def write(read: set[str]) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(sorted(read)), encoding="utf-8")
        os.replace(tmp, path)

    return write


class Chapter:
    """Configuration, data and output folder of one chapter run."""

    def __init__(self, config: RunConfig, output_dir: Path | None) -> None:
        self.config = config
        self.output_dir = output_dir
        log = os.environ.get(PARAMETER_LOG_ENV)
        self.methodology: Methodology = (
            MethodologyView(config.methodology, _log_reads(Path(log)))  # type: ignore[assignment]
            if log
            else config.methodology
        )

    @cached_property
    def data(self) -> Dataset:
        """Every input table, validated (loaded on first use)."""
        return load_dataset(self.config)

    @property
    def year(self) -> int:
        return self.config.year

    def cite(self, *tables: str) -> str:
        """The ``Zdroj:`` line for data from the given inputs: canonical tables (cited as
        the run file says) or sources of the open-data catalogue (publisher and title,
        which states the data's date)."""
        catalogue = load_catalogue().sources
        seen: list[str] = []
        for t in tables:
            if t in self.config.sources:
                s = self.config.source(t)
            elif t in catalogue:
                s = f"{catalogue[t].publisher}, {catalogue[t].title}"
            else:
                continue  # an optional table this run was not given: nothing of it is shown
            if s not in seen:
                seen.append(s)
        return "Zdroj: " + "; ".join(seen) + ("; výpočet socplan" if seen else "výpočet socplan")

    def _write(self, sub: str, name: str, data: bytes) -> None:
        if self.output_dir is None:
            return
        folder = self.output_dir / sub
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)

    @staticmethod
    def _csv(df: pd.DataFrame) -> bytes:
        """CSV of a published table: UTF-8, comma, decimal point, fixed float precision."""
        return df.to_csv(index=False, lineterminator="\n", float_format=_plain_float).encode(
            "utf-8"
        )

    def table(
        self,
        df: pd.DataFrame | ProtectedTable | None,
        name: str,
        caption: str,
        sources: tuple[str, ...],
        labels: Mapping[str, str] | None = None,
        formats: Mapping[str, formatting.Formatter] | None = None,
        total_row: bool = False,
        max_rows: int | None = None,
        cite_as: str | None = None,
    ) -> None:
        """Publish a table: CSV ``tables/<name>.csv`` (all rows, raw values) and HTML.

        An empty table writes no CSV and is marked as missing; the report leaves it out
        and lists it at the front (:func:`analysis.publish.report.drop_missing`). ``cite_as``
        replaces the source line computed from ``sources`` (e.g. a parameter's source).
        ``None`` (nothing to list, as the text says) shows and writes nothing. A
        :class:`ProtectedTable` (counts of people after disclosure control) leaves its
        suppressed cells empty in the CSV, marks them in the report and states the rule.
        """
        if df is None:
            return
        protected = df if isinstance(df, ProtectedTable) else None
        if protected is not None:
            df = protected.table
        if df.empty:
            # No header-only CSV: the report lists the table as omitted for want of data.
            display(
                HTML(
                    f'<figure class="table missing" id="tab-{name}"><figcaption>'
                    f'{html.escape(caption)}</figcaption><p class="note">Údaje nejsou k '
                    f"dispozici.</p></figure>"
                )
            )
            return
        self._write("tables", f"{name}.csv", self._csv(df))
        # Cited only when shown: an absent optional input has no citation to give.
        cite = f"Zdroj: {cite_as}" if cite_as else self.cite(*sources)
        limit = max_rows or self.methodology.report.table_max_rows.value
        # Cutting a few rows off saves no paper and hides them: cut only a long tail.
        shown = df if len(df) <= limit * 5 // 4 else df.head(limit)
        note = (
            ""
            if shown is df
            else f'<p class="note">Zobrazeno prvních {limit} z {len(df)} řádků; '
            f"úplná tabulka je v souboru tables/{name}.csv.</p>"
        )
        if protected is not None:
            note += f'<p class="note">{html.escape(protected.note)}</p>'
        body = formatting.html_table(
            with_value_labels(shown),
            {**COLUMN_LABELS, **column_labels(self.methodology), **(labels or {})},
            formats,
            total_row=total_row and shown is df,
            masked=None if protected is None else protected.suppressed,
            mask_sign=SUPPRESSED_SIGN,
        )
        display(HTML(table_figure(caption, body + note, cite, table_size(shown), f"tab-{name}")))

    def attach(self, df: pd.DataFrame, name: str, caption: str) -> None:
        """Publish a long table only as ``tables/<name>.csv`` (every row, raw values) and
        say in the report where it is; for per-service detail a reviewer needs but a
        reader does not. An empty table writes and says nothing (no header-only CSV)."""
        if df.empty:
            return
        self._write("tables", f"{name}.csv", self._csv(df))
        rows = count(len(df), "řádek")
        display(
            HTML(
                f'<p class="attachment">{html.escape(caption)}: soubor '
                f"<code>tables/{html.escape(name)}.csv</code> ({rows}).</p>"
            )
        )

    def profiles(self, profiles: list, formats: Mapping[str, formatting.Formatter]) -> None:
        """Publish area profiles: each as one HTML section (``section.orp-profile``, which
        the pipeline also renders as its own PDF) with its text and tables, and every
        table kind once as ``tables/<name>.csv`` for all areas together."""
        labels = {**COLUMN_LABELS, **column_labels(self.methodology)}
        frames: dict[str, list[pd.DataFrame]] = {}
        for p in profiles:
            parts = [
                f'<section class="orp-profile" id="orp-{html.escape(p.code)}">'
                f"<h2>{html.escape(p.name)}</h2><p>{html.escape(p.text)}</p>"
            ]
            for t in p.tables:
                frames.setdefault(t.name, []).append(t.data)
                shown = t.data.drop(columns=["orp_code"])
                body = (
                    formatting.html_table(with_value_labels(shown), labels, formats)
                    if len(shown)
                    else f'<p class="note">{html.escape(t.empty_text)}</p>'
                )
                parts.append(
                    table_figure(t.caption, body, self.cite(*t.sources), table_size(shown))
                )
            parts.append("</section>")
            display(HTML("".join(parts)))
        for name, dfs in frames.items():
            self._write("tables", f"{name}.csv", self._csv(pd.concat(dfs, ignore_index=True)))

    def figure(
        self,
        fig: matplotlib.figure.Figure | None,
        name: str,
        caption: str,
        sources: tuple[str, ...],
        data: pd.DataFrame | ProtectedTable | None = None,
    ) -> None:
        """Publish a figure: PNG ``figures/<name>.png`` and the same image inline.

        ``data``, the numbers the figure shows, is written as ``tables/<name>.csv`` and
        referred to under the figure instead of being printed as a table.
        """
        if fig is None:
            display(
                HTML(
                    f'<figure class="chart missing" id="fig-{name}"><figcaption>'
                    f'{html.escape(caption)}</figcaption><p class="note">Obrázek nelze sestavit: '
                    f"potřebná data nejsou k dispozici.</p></figure>"
                )
            )
            return
        png = png_bytes(fig, self.methodology.report.figure_dpi.value)
        self._write("figures", f"{name}.png", png)
        source = self.cite(*sources)
        if isinstance(data, ProtectedTable):
            source += f". {data.rule.short_text()}"
            data = data.table
        if data is not None:
            self._write("tables", f"{name}.csv", self._csv(data))
            source += f". Data obrázku: tables/{name}.csv"
        b64 = base64.b64encode(png).decode("ascii")
        display(
            HTML(
                f'<figure class="chart" id="fig-{name}"><img src="data:image/png;base64,{b64}" '
                f'alt="{html.escape(caption)}"/><figcaption>{html.escape(caption)}</figcaption>'
                f'<p class="source">{html.escape(source)}</p></figure>'
            )
        )

    def text(self, markdown: str) -> None:
        """Show computed Czech text (numbers already formatted by the caller); an empty
        text (e.g. a note that applies only to incomplete data) shows nothing. HTML in
        it (names from the data) is shown as text, never as markup."""
        if markdown.strip():
            display(Markdown(no_html(names_as_text(markdown, self._names))))

    def note(self, markdown: str) -> None:
        """Show a warning about missing or partial data as a highlighted note."""
        if markdown.strip():
            text = names_as_text(markdown, self._names)
            display(Markdown("> **Upozornění:** " + no_html(text)))

    @cached_property
    def _names(self) -> list[str]:
        return data_names(self.data)


def open_chapter(config: str | Path) -> Chapter:
    """Open a chapter from the pipeline's ``run-config.json`` or, interactively, a YAML run
    file (then nothing is written to disk)."""
    path = Path(config)
    if path.suffix == ".json":
        return Chapter(read_run_config_json(path), output_dir=path.resolve().parent)
    return Chapter(load_run_config(path), output_dir=None)
