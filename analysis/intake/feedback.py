"""Protocols sent back to whoever filled a workbook (the correction loop of provider
reporting): one short Czech protocol per workbook, as HTML and as XLSX, listing its
errors (which block the intake) and its warnings (to check), each with sheet, row and
column.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pandas as pd

from analysis.errors import CellProblem
from analysis.intake.reader import Intake
from analysis.present.czech import count
from analysis.publish.workbook import fixed_dates

COLUMNS = ["druh", "list", "řádek", "sloupec", "nalezeno", "očekáváno"]
_SHEET = re.compile(r"^(?P<file>.*?), list „(?P<sheet>.*)“$")


def _split(problem: CellProblem) -> tuple[str, str]:
    """(workbook, sheet) of a problem's place."""
    match = _SHEET.match(problem.file)
    return (match["file"], match["sheet"]) if match else (problem.file, "")


def protocol_rows(intake: Intake, workbook: str) -> pd.DataFrame:
    """The errors and warnings of one workbook as the protocol's rows."""
    rows = []
    for kind, items in (("chyba", intake.problems), ("varování", intake.warnings)):
        for p in items:
            file, sheet = _split(p)
            if file != workbook:
                continue
            rows.append(
                {
                    "druh": kind,
                    "list": sheet,
                    "řádek": p.row,
                    "sloupec": p.column or "",
                    "nalezeno": p.value or "",
                    "očekáváno": p.expected,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS).astype({"řádek": "Int64"})


def _summary(rows: pd.DataFrame) -> str:
    errors = int((rows["druh"] == "chyba").sum())
    warnings = int((rows["druh"] == "varování").sum())
    if not errors and not warnings:
        return "Sešit je v pořádku: bez chyb a bez varování."
    verdict = (
        "Sešit nelze načíst, dokud chyby nebudou opraveny."
        if errors
        else "Sešit byl přijat; varování prosím prověřte."
    )
    return f"{count(errors, 'chyba')}, {count(warnings, 'varování')}. {verdict}"


def _html(workbook: str, rows: pd.DataFrame) -> str:
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in rec)
        + "</tr>"
        for rec in rows.itertuples(index=False)
    )
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    return (
        '<!DOCTYPE html>\n<html lang="cs"><head><meta charset="utf-8">'
        f"<title>Protokol kontroly: {html.escape(workbook)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}"
        "</style></head><body>"
        f"<h1>Protokol kontroly sešitu {html.escape(workbook)}</h1>"
        f"<p>{html.escape(_summary(rows))}</p>"
        "<p>Chyby je třeba opravit a sešit poslat znovu; varování označují hodnoty, které "
        "se od obvyklých liší natolik, že je dobré je ověřit. Řádek a sloupec jsou takové, "
        "jak je ukazuje Excel.</p>"
        + (
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            if len(rows)
            else ""
        )
        + "</body></html>\n"
    )


def _xlsx(rows: pd.DataFrame, summary: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Protokol"
    ws.append([summary])
    ws.append(COLUMNS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for rec in rows.itertuples(index=False):
        ws.append([None if pd.isna(v) else v for v in rec])
    for letter, width in zip("ABCDEF", (10, 22, 8, 36, 24, 70), strict=True):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_dates(buffer.getvalue())


def write_feedback(intake: Intake, folder: Path) -> list[Path]:
    """One protocol per workbook (``<workbook>-protokol.html`` and ``.xlsx``)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for workbook in intake.workbooks:
        rows = protocol_rows(intake, workbook)
        stem = Path(workbook).stem
        page = folder / f"{stem}-protokol.html"
        page.write_text(_html(workbook, rows), encoding="utf-8")
        sheet = folder / f"{stem}-protokol.xlsx"
        sheet.write_bytes(_xlsx(rows, _summary(rows)))
        written += [page, sheet]
    return written
