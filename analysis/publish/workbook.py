"""Every published table in one spreadsheet, ``tables.xlsx``, for evaluation teams.

One sheet per ``tables/<name>.csv`` with the Czech column headers of the report, numbers
stored as numbers (with a thousands-separated display format), and a first sheet listing
the sheets with the table's caption and source as the report states them. The file is
byte-stable: fixed document dates and fixed dates of the zip entries.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from analysis.params import Methodology
from analysis.present.labels import COLUMN_LABELS, column_labels, with_value_labels

_FIXED = dt.datetime(2000, 1, 1)
_FIGURE = re.compile(
    r'<figure class="(?:table|chart)[^"]*" id="(?:tab|fig)-([^"]+)">(.*?)</figure>', re.S
)
_CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)
_SOURCE = re.compile(r'<p class="source">(.*?)</p>', re.S)
MAX_SHEET_NAME = 31  # Excel's limit


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_TH = re.compile(r"<th[^>]*>(.*?)</th>", re.S)


def captions(report_html: str) -> dict[str, tuple[str, str, list[str]]]:
    """Table or figure name → (caption, source line, column headers) as the report shows
    them (no headers for figures)."""
    out = {}
    for name, body in _FIGURE.findall(report_html):
        cap, src, head = _CAPTION.search(body), _SOURCE.search(body), _HEAD.search(body)
        out[name] = (
            _text(cap.group(1)) if cap else "",
            _text(src.group(1)) if src else "",
            [_text(h) for h in _TH.findall(head.group(1))] if head else [],
        )
    return out


def sheet_names(names: list[str]) -> dict[str, str]:
    """A unique sheet name of at most 31 characters for every table name."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        candidate = name[:MAX_SHEET_NAME]
        k = 1
        while candidate in used:
            suffix = f"~{k}"
            candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
            k += 1
        used.add(candidate)
        out[name] = candidate
    return out


def write_workbook(report_dir: Path, report_html: str, methodology: Methodology) -> Path:
    """Write ``tables.xlsx`` from the CSV tables of a report folder."""
    from openpyxl import Workbook  # imported late: only the publish step needs it

    tables = sorted((report_dir / "tables").glob("*.csv"))
    names = sheet_names([p.stem for p in tables])
    info = captions(report_html)
    labels = {**COLUMN_LABELS, **column_labels(methodology)}
    wb = Workbook()
    index = wb.active
    index.title = "přehled"
    index.append(["list", "soubor", "tabulka nebo obrázek ve zprávě", "zdroj"])
    for path in tables:
        caption, source, headers = info.get(path.stem, ("", "", []))
        try:
            df = pd.read_csv(path, dtype=object, keep_default_na=False)
        except pd.errors.EmptyDataError:  # a table the report says is not available
            df = pd.DataFrame()
        if df.empty:  # no sheet of headers only: the index says the table has no data
            index.append(["", f"tables/{path.name}", f"{caption} (bez údajů)".lstrip(), source])
            continue
        index.append([names[path.stem], f"tables/{path.name}", caption, source])
        # Codes of the data model (luzka, deti_rodiny) as their Czech labels, as the
        # report shows them; the CSV keeps the codes for scripts.
        df = with_value_labels(df)
        ws = wb.create_sheet(names[path.stem])
        # The report's own headers where it shows the table, else the labels.
        ws.append(
            headers if len(headers) == len(df.columns) else [labels.get(c, c) for c in df.columns]
        )
        for row in df.itertuples(index=False):
            ws.append([_cell(v) for v in row])
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.0##"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"
    wb.properties.created = wb.properties.modified = _FIXED
    buffer = io.BytesIO()
    wb.save(buffer)
    out = report_dir / "tables.xlsx"
    out.write_bytes(fixed_dates(buffer.getvalue()))
    return out


def _cell(value: str) -> object:
    """A CSV cell as a number where it is one (codes with leading zeros stay text)."""
    if value == "":
        return None
    if re.fullmatch(r"-?(0|[1-9]\d*)", value):
        return int(value)
    if re.fullmatch(r"-?(0|[1-9]\d*)\.\d+(e-?\d+)?", value):
        return float(value)
    return value


_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def fixed_dates(data: bytes) -> bytes:
    """The same zip with every entry dated 1 Jan 1980 and fixed document dates (openpyxl
    stamps the save time), so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _DATES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, content)
    return out.getvalue()
