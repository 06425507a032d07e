"""The region's own data in (issue 23): the workbook from ``socplan template``, read back
by ``socplan intake``; hostile workbooks are clear errors and leave the data untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from analysis.cli import main
from analysis.data.canonical import read_table
from analysis.intake import sheets
from analysis.intake.load import read_workbooks
from analysis.intake.reader import parse_date, parse_number
from analysis.params import DEFAULT_FILES
from tests.conftest import DEMO_RUN

TABLES = [s.table for s in sheets.SHEETS]
PROVIDER = "70000191"


def _cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def workbook(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo region's workbook, pre-filled from its data folder (read-only)."""
    out = tmp_path_factory.mktemp("template") / "kraj.xlsx"
    result = _cli("template", "--params", DEMO_RUN, "--data-dir", demo_dir, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def test_demo_round_trip_gives_the_same_canonical_files(workbook, demo_dir, tmp_path):
    """Template → intake into an empty folder: every table of the workbook comes back
    byte for byte, so a run on a demo copy with these files gives the same report."""
    out = tmp_path / "data"
    result = _cli("intake", workbook, "--data-dir", out)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(DEFAULT_FILES[t] for t in TABLES)
    for name in written:
        assert (out / name).read_bytes() == (demo_dir / name).read_bytes(), name


def test_the_template_has_czech_headers_canonical_names_drop_downs_and_locked_headers(
    workbook, demo_dir
):
    wb = load_workbook(workbook)
    assert wb.sheetnames == [
        sheets.INSTRUCTIONS,
        sheets.CODE_LISTS,
        *[s.title for s in sheets.SHEETS],
    ]
    ws = wb["Služby a síť"]
    assert ws["A1"].value == "identifikátor služby" and ws["A2"].value == "service_id"
    assert ws.freeze_panes == "A3"
    assert ws.protection.sheet and ws["A1"].protection.locked
    assert not ws["A3"].protection.locked  # data cells are editable
    form = _column(ws, "form")
    letter = ws.cell(1, form).column_letter
    checks = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert checks[f"{letter}3"].type == "list"
    assert "Číselníky" in checks[f"{letter}3"].formula1
    # pre-filled: every demo service row is there
    services = read_table(demo_dir / "services.csv", "services")
    assert ws.max_row >= len(services) + 2
    assert "Pokyny" in wb.sheetnames and "socplan intake" in " ".join(
        str(c.value) for c in wb["Pokyny"]["A"]
    )


def test_a_provider_workbook_holds_only_its_services_and_reads_back(demo_dir, tmp_path):
    out = tmp_path / "p.xlsx"
    result = _cli(
        "template", "--params", DEMO_RUN, "--data-dir", demo_dir, "--out", out,
        "--provider", PROVIDER,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert "Priority plánu" not in wb.sheetnames
    result = _cli("intake", out, "--data-dir", tmp_path / "data")
    assert result.exit_code == 0, result.output
    services = read_table(tmp_path / "data" / "services.csv", "services")
    assert set(services["provider_ico"]) == {PROVIDER}
    demo = read_table(demo_dir / "services.csv", "services")
    assert len(services) == (demo["provider_ico"] == PROVIDER).sum()


def test_czech_numbers_and_excel_dates_are_read():
    assert parse_number("1 234,50 Kč") == 1234.5
    assert parse_number("2\u00a0805\u00a0000") == 2805000.0
    assert parse_number(12) == 12.0
    assert parse_number(" ") is None
    assert parse_date(45658) == "2025-01-01"  # an Excel serial number
    assert parse_date(dt.datetime(2025, 1, 1, 0, 0)) == "2025-01-01"
    with pytest.raises(ValueError):
        parse_number("dvanáct")
    with pytest.raises(ValueError):
        parse_date("1. 1. 2025")


def _column(ws, name: str) -> int:
    return next(c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value == name)


def _damaged(workbook: Path, tmp_path: Path, edit, name: str = "kraj.xlsx") -> Path:
    wb = load_workbook(workbook)
    edit(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def _text_in_number(wb):
    ws = wb["Výkaz služby"]
    ws.cell(5, _column(ws, "cost_personnel"), "hodně")


def _date_as_text(wb):
    ws = wb["Služby a síť"]
    ws.cell(4, _column(ws, "active_from"), "1.4.2005")


def _unknown_service(wb):
    ws = wb["Výkaz služby"]
    ws.cell(6, _column(ws, "service_id"), "S9999")


def _formula_error(wb):
    ws = wb["Žádosti o dotaci"]
    ws.cell(7, _column(ws, "requested_czk"), "#REF!")


def _hidden_sheet(wb):
    ws = wb.create_sheet("stará data")
    ws["A1"] = "S0001"
    ws.sheet_state = "hidden"


def _missing_sheet(wb):
    del wb["Výkaz služby"]


@pytest.mark.parametrize(
    ("edit", "where", "row", "column", "expected"),
    [
        (_text_in_number, "Výkaz služby", 5, "osobní náklady", "a number"),
        (_date_as_text, "Služby a síť", 4, "poskytována od", "a date cell"),
        (_unknown_service, "Výkaz služby", 6, "identifikátor služby", "a service_id"),
        (_formula_error, "Žádosti o dotaci", 7, "požadovaná dotace", "formula error"),
        (_hidden_sheet, "stará data", None, None, "hidden sheets are not read"),
        (_missing_sheet, "Výkaz služby", None, None, "this sheet"),
    ],
)
def test_a_hostile_workbook_is_one_clear_error_and_the_data_stay_untouched(
    workbook, demo_dir, tmp_path, edit, where, row, column, expected
):
    data = Path(shutil.copytree(demo_dir, tmp_path / "data"))
    before = _snapshot(data)
    damaged = _damaged(workbook, tmp_path, edit)
    result = _cli("intake", damaged, "--data-dir", data)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    intake = read_workbooks([damaged], data)
    [problem] = intake.problems
    assert problem.file == f"kraj.xlsx, list „{where}“"
    assert problem.row == row
    if column is None:
        assert problem.column is None
    else:  # the column letter with its Czech header
        assert problem.column.split(" (")[0].isalpha() and column in problem.column
    assert expected in problem.expected
    assert _snapshot(data) == before


def test_a_row_pasted_into_two_provider_workbooks_names_both_places(workbook, tmp_path):
    """The same service and year reported in two workbooks: an error at the second,
    naming the first."""

    def provider_a(wb):
        for title in [s.title for s in sheets.SHEETS if not s.provider]:
            del wb[title]

    first = _damaged(workbook, tmp_path, provider_a, "a.xlsx")
    wb = load_workbook(first)
    second = tmp_path / "b.xlsx"
    wb.save(second)  # every row of a.xlsx again
    intake = read_workbooks([first, second])
    finance = [p for p in intake.problems if "Výkaz služby" in p.file]
    assert finance, intake.problems[:3]
    p = finance[0]
    assert p.file == "b.xlsx, list „Výkaz služby“" and p.row == 3
    assert "a.xlsx, list „Výkaz služby“, row 3" in p.expected
    assert not (tmp_path / "out").exists()
    result = _cli("intake", first, second, "--data-dir", tmp_path / "out")
    assert result.exit_code != 0 and not (tmp_path / "out" / "finance.csv").exists()


def test_feedback_protocols_list_each_workbook_s_errors_in_czech(workbook, tmp_path):
    damaged = _damaged(workbook, tmp_path, _text_in_number)
    result = _cli("intake", damaged, "--data-dir", tmp_path / "data", "--feedback", tmp_path / "fb")
    assert result.exit_code != 0
    page = (tmp_path / "fb" / "kraj-protokol.html").read_text(encoding="utf-8")
    assert "1\u00a0chyba" in page and "Sešit nelze načíst" in page
    assert "Výkaz služby" in page and "hodně" in page
    rows = load_workbook(tmp_path / "fb" / "kraj-protokol.xlsx")["Protokol"]
    assert rows["A3"].value == "chyba" and rows["C3"].value == 5
