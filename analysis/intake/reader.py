"""``socplan intake``: read the region's workbooks into canonical tables.

One workbook for the region, or many (one per provider). Cells are read as a person
typed them: numbers with a decimal comma, spaces between thousands and "Kč"; dates as
date cells or Excel serial numbers; formulas by their computed values; columns found by
their canonical name in row 2 (or by the Czech header in row 1 where row 2 was merged
away); empty rows skipped. Every problem names the file, the sheet, the row as Excel
shows it and the column letter with its header. Plausibility warnings do not block.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import CellProblem
from analysis.intake import sheets

# Sheets of the workbook that hold no table.
OWN_SHEETS = {sheets.INSTRUCTIONS, sheets.CODE_LISTS}
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_CURRENCY = re.compile(r"\s*(Kč|CZK|,-)\s*$", re.IGNORECASE)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


@dataclass
class Intake:
    """What the workbooks held: the canonical tables (typed), the problems that block
    writing, and the warnings, each naming its place. ``providers`` maps each workbook
    to the provider IČO it was for (None for the region's workbook)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    warnings: list[CellProblem] = field(default_factory=list)
    workbooks: list[str] = field(default_factory=list)


def place(file: str, sheet: str) -> str:
    """How an error names a sheet of a workbook."""
    return f"{file}, list „{sheet}“"


def _column_name(letter: str, column: str) -> str:
    return f"{letter} ({sheets.header(column)})"


def parse_number(value: object) -> float | None:
    """A number cell or a number typed as Czech text (``'1 234,5 Kč'``); raises
    ValueError for anything else. Empty → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = _CURRENCY.sub("", str(value)).strip()
    if not text:
        return None
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError(value)
    return float(cleaned)


def parse_date(value: object) -> str | None:
    """A date cell or an Excel serial number → ISO date; text raises ValueError (a date
    typed as text is ambiguous: 1/2/2025 is January or February)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 2958466:
        return (EXCEL_EPOCH + dt.timedelta(days=float(value))).date().isoformat()
    if isinstance(value, str) and not value.strip():
        return None
    raise ValueError(value)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):  # an Excel TRUE/FALSE cell: the data model's codes
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number: 1.0 is "1"
    text = str(value).strip()
    return text or None


def _cell(value: object, kind: str) -> str | None:
    """The canonical text of one cell (the schema types it); raises ValueError."""
    if kind == "date":
        return parse_date(value)
    if kind in ("int", "number"):
        number = parse_number(value)
        if number is None:
            return None
        if kind == "int":
            if not number.is_integer():
                raise ValueError(value)
            return str(int(number))
        return repr(number)
    return _text(value)


EXPECTED = {
    "int": "a whole number",
    "number": "a number (a decimal comma, spaces and 'Kč' are fine)",
    "date": "a date cell (e.g. 1. 1. 2025 entered as a date), not text",
}


def _columns(ws, spec: sheets.SheetSpec, where: str) -> tuple[dict[str, int], list[CellProblem]]:
    """Canonical column → column index from row 2 (row 1's Czech header where row 2 is
    empty, e.g. merged away), with problems for unknown and missing columns."""
    by_header = {sheets.header(c): c for c in sheets.columns(spec.table)}
    known = set(sheets.columns(spec.table))
    found: dict[str, int] = {}
    problems = []
    for j in range(1, ws.max_column + 1):
        name = _text(ws.cell(2, j).value)
        head = _text(ws.cell(1, j).value)
        column = name or by_header.get(head or "")
        letter = ws.cell(1, j).column_letter
        if column is None:
            if head or name:
                problems.append(
                    CellProblem(
                        where,
                        2,
                        letter,
                        name or head,
                        "a column name of the data model in row 2 (docs/data-model.md)",
                    )
                )
            continue
        if column not in known:
            problems.append(
                CellProblem(
                    where, 2, letter, column, f"a column of the table {spec.table} in row 2"
                )
            )
        elif column in found:
            problems.append(CellProblem(where, 2, letter, column, "each column once"))
        else:
            found[column] = j
    for column in sheets.columns(spec.table):
        if sheets.required(spec.table, column) and column not in found:
            problems.append(
                CellProblem(
                    where, 2, sheets.header(column), None, f"the column '{column}' in row 2"
                )
            )
    return found, problems


def read_sheet(
    ws, spec: sheets.SheetSpec, file: str, formulas: set[str] | None = None
) -> tuple[pd.DataFrame, list[CellProblem]]:
    """One data sheet → canonical text frame with provenance columns
    (:mod:`analysis.data.provenance`), and the problems of its cells. ``formulas`` holds
    the coordinates of formula cells: one without a saved value cannot be read."""
    where = place(file, spec.title)
    found, problems = _columns(ws, spec, where)
    formulas = formulas or set()
    records = []
    for row in ws.iter_rows(min_row=sheets.FIRST_DATA_ROW):
        cells = {c: row[j - 1] if j - 1 < len(row) else None for c, j in found.items()}
        unsaved = [
            (c, cell)
            for c, cell in cells.items()
            if cell is not None and cell.value is None and cell.coordinate in formulas
        ]
        for column, cell in unsaved:
            problems.append(
                CellProblem(
                    where,
                    cell.row,
                    _column_name(cell.column_letter, column),
                    None,
                    "a value: the cell holds a formula whose result was never saved (open "
                    "the workbook in Excel or LibreOffice and save it, or type the value)",
                )
            )
        if all(cell is None or _text(cell.value) is None for cell in cells.values()):
            continue  # an empty row (trailing rows, a blank line between records)
        record: dict[str, object] = {"_file": where, "_row": row[0].row}
        for column, cell in cells.items():
            letter = ws.cell(1, found[column]).column_letter
            record[f"_raw_{column}"] = _column_name(letter, column)
            value = None if cell is None else cell.value
            if (cell is not None and cell.data_type == "e") or value in ERROR_CODES:
                problems.append(
                    CellProblem(
                        where,
                        row[0].row,
                        _column_name(letter, column),
                        str(value),
                        "a value, not a formula error (fix the formula or type the value)",
                    )
                )
                continue
            kind = sheets.kind(spec.table, column)
            try:
                record[column] = _cell(value, kind)
            except ValueError:
                problems.append(
                    CellProblem(
                        where,
                        row[0].row,
                        _column_name(letter, column),
                        str(value)[:60],
                        EXPECTED.get(kind, "text"),
                    )
                )
        records.append(record)
    cols = list(found)
    frame = pd.DataFrame(records, columns=[*cols, "_file", "_row", *[f"_raw_{c}" for c in cols]])
    return frame.astype({c: "object" for c in cols}), problems


def _hidden_with_data(wb, file: str) -> list[CellProblem]:
    problems = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" and any(
            v is not None for row in ws.iter_rows(values_only=True) for v in row
        ):
            problems.append(
                CellProblem(
                    place(file, ws.title),
                    None,
                    None,
                    ws.sheet_state,
                    "a visible sheet: hidden sheets are not read (show it, or delete it)",
                )
            )
    return problems


def read_workbook(path: Path) -> tuple[dict[str, pd.DataFrame], list[CellProblem], bool]:
    """The sheets of one workbook as frames, its problems, and whether it is the
    region's workbook (it holds the plan's sheets) rather than a provider's."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    file = path.name
    try:
        wb = load_workbook(path, data_only=True)  # formulas give their computed values
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        problem = CellProblem(file, None, None, None, f"an Excel workbook (.xlsx) ({exc})")
        return {}, [problem], False
    # Formula cells, from the workbook as written: their saved results are read above.
    raw = load_workbook(path, data_only=False)
    formulas = {
        ws.title: {c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"}
        for ws in raw.worksheets
    }
    problems = _hidden_with_data(wb, file)
    titles = {ws.title for ws in wb.worksheets if ws.sheet_state == "visible"}
    region = any(s.title in titles for s in sheets.SHEETS if not s.provider)
    frames = {}
    for spec in sheets.SHEETS:
        if spec.title not in titles:
            if spec.provider or region:
                problems.append(
                    CellProblem(
                        place(file, spec.title),
                        None,
                        None,
                        None,
                        f"this sheet ({spec.description}); the template "
                        "(socplan template) has every sheet",
                    )
                )
            continue
        frame, sheet_problems = read_sheet(wb[spec.title], spec, file, formulas[spec.title])
        frames[spec.table] = frame
        problems += sheet_problems
    return frames, problems, region


def duplicates(frame: pd.DataFrame, spec: sheets.SheetSpec) -> list[CellProblem]:
    """Rows with the key of an earlier row (in any workbook): named at the later place,
    with the earlier one in the message."""
    key = list(spec.key)
    if frame.empty or not set(key) <= set(frame.columns):
        return []
    keys = frame[key].apply(lambda r: " / ".join("" if pd.isna(v) else str(v) for v in r), axis=1)
    first = {}
    problems = []
    for i, value in keys.items():
        if value not in first:
            first[value] = i
            continue
        j = first[value]
        problems.append(
            CellProblem(
                str(frame.at[i, "_file"]),
                int(frame.at[i, "_row"]),
                str(frame.at[i, f"_raw_{key[0]}"]),
                value,
                f"a row given once: the same {' + '.join(key)} is in {frame.at[j, '_file']}, "
                f"row {int(frame.at[j, '_row'])}",
            )
        )
    return problems
