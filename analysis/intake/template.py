"""``socplan template``: the region's data workbook, pre-filled with what is known.

One workbook for the region and year (every sheet of :data:`~analysis.intake.sheets.SHEETS`)
or one per provider (its services, reports, requests and transformation plans). Each data
sheet has a Czech header row and the canonical names beneath it, frozen and locked; code
lists are drop-downs fed from the sheet "Číselníky", numbers must be ≥ 0 where the schema
says so, dates are date cells. Rows are pre-filled from the run's data folder (the
demo's tables, or the registry of a real region); last year's reports stay as rows a
provider copies and updates.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.codelists import CAPACITY_UNITS, FORMS, SERVICE_TYPES, TARGET_GROUPS
from analysis.data.dataset import Dataset
from analysis.intake import sheets
from analysis.publish.workbook import fixed_dates

# Rows below the data that keep the drop-downs and checks, for rows a person adds.
SPARE_ROWS = 300
# Columns that may be negative (a change of capacity) or are not amounts.
SIGNED = {"capacity_change", "lat", "lon"}
DATE_FORMAT = "d. m. yyyy"
# Columns whose drop-down is a code column of the sheet "Číselníky".
CODE_SOURCES = {
    "service_type_code": "service_type_code",
    "registry_service_type": "service_type_code",
    "form": "form",
    "registry_form": "form",
    "capacity_unit": "capacity_unit",
    "registry_unit": "capacity_unit",
    "orp_code": "orp_code",
    "municipality_code": "municipality_code",
}


def template_tables(ds: Dataset, provider: str | None = None) -> dict[str, pd.DataFrame]:
    """The rows each sheet is pre-filled with: the data folder's tables, cut to one
    provider's services when ``provider`` (IČO) is given (then without the plan)."""
    out = {}
    services = ds.services
    ids = None
    if provider is not None:
        services = services[services["provider_ico"] == provider]
        ids = set(services["service_id"])
    for spec in sheets.SHEETS:
        if provider is not None and not spec.provider:
            continue
        frame = getattr(ds, spec.table)
        if spec.table == "network" and frame.empty:
            frame = _undecided_network(ds.services)
        if ids is not None and "service_id" in frame:
            frame = frame[frame["service_id"].isin(ids)]
        cols = [c for c in sheets.columns(spec.table) if c in frame]
        out[spec.table] = frame[cols].reset_index(drop=True)
    return out


def _undecided_network(services: pd.DataFrame) -> pd.DataFrame:
    """Rows for the region to decide, where the registry does not say which services are
    in the network (a real registry never does): each service and form, undecided."""
    if services.empty or services["in_regional_network"].notna().any():
        return services.iloc[:0][["service_id", "form"]]
    return services[["service_id", "form", "service_name"]].drop_duplicates(["service_id", "form"])


def _value(value: object, kind: str) -> object:
    """A canonical value as the cell it becomes (missing → empty cell, never 0)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):  # network membership: the data model's codes
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if kind == "int":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "date":
        return pd.Timestamp(value).date()
    return str(value)


def _code_lists(ws, ds: Dataset) -> dict[str, str]:
    """Fill the code-list sheet; returns each code column's range for drop-downs."""
    lists: dict[str, tuple[str, list[tuple[object, str]]]] = {
        "service_type_code": (
            "druh služby",
            [(code, t.name) for code, t in sorted(SERVICE_TYPES.items())],
        ),
        "form": ("forma", sorted(FORMS.items())),
        "capacity_unit": ("jednotka kapacity", sorted(CAPACITY_UNITS.items())),
        "target_group": ("cílová skupina", sorted(TARGET_GROUPS.items())),
        "orp_code": (
            "ORP",
            sorted(
                ds.municipalities.drop_duplicates("orp_code")[["orp_code", "orp_name"]].itertuples(
                    index=False, name=None
                )
            ),
        ),
        "municipality_code": (
            "obec",
            sorted(
                ds.municipalities[["municipality_code", "municipality_name"]].itertuples(
                    index=False, name=None
                )
            ),
        ),
    }
    ranges = {}
    col = 1
    for key, (title, items) in lists.items():
        ws.cell(1, col, f"{title}: kód")
        ws.cell(1, col + 1, f"{title}: název")
        for r, (code, name) in enumerate(items, start=2):
            ws.cell(r, col, code if isinstance(code, int) else str(code))
            ws.cell(r, col + 1, name)
        letter = ws.cell(1, col).column_letter
        ranges[key] = f"'{sheets.CODE_LISTS}'!${letter}$2:${letter}${len(items) + 1}"
        ws.column_dimensions[letter].width = 12
        ws.column_dimensions[ws.cell(1, col + 1).column_letter].width = 40
        col += 3
    ws.freeze_panes = "A2"
    return ranges


def _instructions(ws, region: str, year: int, provider: str | None, titles: list[str]) -> None:
    who = f"poskytovatele s IČO {provider}" if provider else "kraje"
    lines = [
        f"Sešit dat {who}: {region}, rok {year}",
        "",
        "Jak sešit vyplnit",
        "1. Každý list je jedna tabulka. Řádek 1 je český název sloupce, řádek 2 jeho "
        "název v datovém modelu socplan: řádek 2 neměňte, podle něj se sloupce načítají.",
        "2. Data začínají na řádku 3. Jeden řádek je jeden záznam; řádky lze přidávat i mazat.",
        "3. Čísla pište jako čísla (desetinná čárka i mezery mezi tisíci jsou v pořádku, "
        "„Kč“ se ignoruje), data jako datum, kódy vybírejte z nabídky (list „Číselníky“).",
        "4. Neznámou hodnotu nechte prázdnou: prázdná buňka znamená „nevíme“, 0 znamená nulu.",
        "5. Předvyplněné řádky pocházejí z registru a z dat předchozích let: opravte je, "
        "doplňte nový rok a nepotřebné smažte.",
        "6. Skryté listy ani vzorce s chybou (#REF!, #DIV/0!) sešit obsahovat nesmí.",
        "",
        "Listy",
        *[f"• {t}: {sheets.SHEET_BY_TITLE[t].description}" for t in titles],
        "",
        "Načtení do složky dat",
        "socplan intake SEŠIT.xlsx [další sešity…] --data-dir SLOŽKA [--feedback PROTOKOLY]",
        "Chyby uvádějí soubor, list, řádek a sloupec (písmeno a záhlaví); dokud nějaká "
        "zůstává, nezapíše se nic.",
    ]
    for r, text in enumerate(lines, start=1):
        ws.cell(r, 1, text)
    ws["A1"].font = ws["A1"].font.copy(bold=True, size=14)
    ws.column_dimensions["A"].width = 120


def _data_sheet(wb, spec: sheets.SheetSpec, frame: pd.DataFrame, ranges: dict[str, str]) -> None:
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(spec.title)
    # Every column of the table, the optional ones too (an empty column writes nothing).
    cols = sheets.columns(spec.table)
    last = sheets.FIRST_DATA_ROW + len(frame) + SPARE_ROWS - 1
    grey = PatternFill("solid", fgColor="DDDDDD")
    unlocked = Protection(locked=False)
    for j, column in enumerate(cols, start=1):
        kind = sheets.kind(spec.table, column)
        head = ws.cell(1, j, sheets.header(column))
        head.font, head.fill = Font(bold=True), grey
        name = ws.cell(2, j, column)
        name.font, name.fill = Font(italic=True, color="555555", size=8), grey
        letter = head.column_letter
        ws.column_dimensions[letter].width = max(12, min(40, len(sheets.header(column)) + 2))
        values = frame[column] if column in frame else pd.Series([None] * len(frame))
        for i, value in enumerate(values, start=sheets.FIRST_DATA_ROW):
            ws.cell(i, j, _value(value, kind))
        for i in range(sheets.FIRST_DATA_ROW, last + 1):
            cell = ws.cell(i, j)
            cell.protection = unlocked
            if kind == "text":
                cell.number_format = "@"
            elif kind == "date":
                cell.number_format = DATE_FORMAT
        area = f"{letter}{sheets.FIRST_DATA_ROW}:{letter}{last}"
        codes = sheets.code_list(spec.table, column)
        if column in CODE_SOURCES:
            check = DataValidation(
                type="list", formula1=ranges[CODE_SOURCES[column]], allow_blank=True
            )
            check.error = "Vyberte kód z nabídky (list Číselníky)."
        elif codes is not None:
            check = DataValidation(
                type="list", formula1='"' + ",".join(codes) + '"', allow_blank=True
            )
            check.error = "Vyberte hodnotu z nabídky: " + ", ".join(codes) + "."
        elif kind in ("int", "number"):
            check = DataValidation(
                type="whole" if kind == "int" else "decimal",
                operator="between" if column in SIGNED else "greaterThanOrEqual",
                formula1="-1000000000" if column in SIGNED else "0",
                formula2="1000000000000" if column in SIGNED else None,
                allow_blank=True,
            )
            check.error = "Zadejte celé číslo." if kind == "int" else "Zadejte číslo (nezáporné)."
        elif kind == "date":
            check = DataValidation(
                type="date", operator="greaterThan", formula1="1", allow_blank=True
            )
            check.error = "Zadejte datum (např. 1. 1. 2025)."
        else:
            continue
        check.showErrorMessage = True
        check.errorTitle = sheets.header(column)
        ws.add_data_validation(check)
        check.add(area)
    ws.freeze_panes = ws.cell(sheets.FIRST_DATA_ROW, 1)
    ws.protection.sheet = True  # header rows locked; data cells are unlocked above
    for allowed in ("insertRows", "deleteRows", "formatColumns", "sort", "autoFilter"):
        setattr(ws.protection, allowed, False)


def build_template(ds: Dataset, region: str, year: int, provider: str | None = None) -> bytes:
    """The workbook's bytes (equal content gives equal bytes)."""
    from openpyxl import Workbook

    tables = template_tables(ds, provider)
    wb = Workbook()
    info = wb.active
    info.title = sheets.INSTRUCTIONS
    titles = [s.title for s in sheets.SHEETS if s.table in tables]
    _instructions(info, region, year, provider, titles)
    codes = wb.create_sheet(sheets.CODE_LISTS)
    ranges = _code_lists(codes, ds)
    for spec in sheets.SHEETS:
        if spec.table in tables:
            _data_sheet(wb, spec, tables[spec.table], ranges)
    codes.protection.sheet = True
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_dates(buffer.getvalue())


def write_template(data: bytes, out: Path) -> Path:
    """Write the workbook atomically (a failed write leaves no partial file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return out
