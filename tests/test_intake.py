"""The region's own data in (issue 23): the workbook from ``socplan template``, read back
by ``socplan intake``; hostile workbooks are clear errors and leave the data untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
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
    # The demo has no network register (its services say which are in the network): an
    # optional sheet left empty writes no file.
    assert written == sorted(
        DEFAULT_FILES[t] for t in TABLES if (demo_dir / DEFAULT_FILES[t]).exists()
    )
    assert "network.csv" not in written
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


NETWORK_HEADER = (
    "service_id,form,in_network,decision,network_unit,network_capacity,entrustment_act,"
    "entrusted_from,entrusted_to\n"
)


def _residential(demo_dir: Path) -> tuple[str, float]:
    services = read_table(demo_dir / "services.csv", "services")
    row = services[services["capacity_unit"] == "luzka"].iloc[0]
    return row["service_id"], float(row["capacity"])


def test_the_network_register_decides_membership_units_and_entrustment(demo_copy, demo_dir):
    """network.csv is joined to the services on service_id (and form): its decisions
    replace the services' own; a service missing from the registry and more network
    beds than registered are listed, not errors."""
    from analysis.data.loading import load_dataset
    from analysis.params import load_run_config

    home, beds = _residential(demo_dir)
    (demo_copy / "network.csv").write_text(
        NETWORK_HEADER
        + "S0001,,false,usnesení RK 1/2025,,,,,\n"
        + "S9999,amb,true,usnesení RK 2/2025,,,,,\n"
        + f"{home},pob,true,usnesení RK 3/2025,luzka,{beds + 5:g},pověření 7/2025,2025,2030\n",
        encoding="utf-8",
    )
    doc = yaml.safe_load(DEMO_RUN.read_text(encoding="utf-8"))
    doc["data"]["sources"]["network"] = "socplan, zkušební síť Vzorového kraje (test)"
    doc["methodology"] = str(DEMO_RUN.parent / doc["methodology"])
    run = demo_copy / "run.yaml"
    run.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    ds = load_dataset(load_run_config(run, demo_copy))
    services = ds.services.set_index(["service_id", "form"])
    assert not services.loc["S0001", "in_regional_network"].any()
    assert services.loc[(home, "pob"), "entrusted_to"] == 2030
    assert services.loc[(home, "pob"), "network_capacity"] == beds + 5
    issues = ds.quality["network_register"]
    assert issues[["file", "row", "record"]].values.tolist() == [
        ["network.csv", 3, "S9999 amb"],
        ["network.csv", 4, f"{home} pob"],
    ]
    assert "chybí v registru" in issues["issue"].iloc[0]
    assert "registrováno jen" in issues["issue"].iloc[1]
    result = _cli("validate", "--params", run, "--data-dir", demo_copy)
    assert result.exit_code == 0, result.output
    assert "warning: network.csv, row 3: S9999 amb: služba sítě kraje chybí" in result.output


def test_a_real_region_workbook_lists_registry_services_for_the_network_decision(raw_dir, tmp_path):
    """A registry says nothing about the network: the template lists every registered
    service and form, undecided, for the region to decide."""
    out = tmp_path / "plzen.xlsx"
    run = Path(__file__).resolve().parent.parent / "params" / "regions" / "CZ032.yaml"
    result = _cli("template", "--params", run, "--data-dir", raw_dir, "--out", out)
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Síť kraje"]
    ids = [ws.cell(r, _column(ws, "service_id")).value for r in range(3, ws.max_row + 1)]
    ids = [i for i in ids if i]
    assert ids and all(i.startswith("mpsv-") for i in ids)
    decided = [ws.cell(r, _column(ws, "in_network")).value for r in range(3, 3 + len(ids))]
    assert decided == [None] * len(ids)


def _keep_rows(ws, keep) -> None:
    """Delete the data rows of a sheet for which ``keep(row)`` is false."""
    for r in range(ws.max_row, sheets.FIRST_DATA_ROW - 1, -1):
        if not keep(r):
            ws.delete_rows(r)


def test_a_small_region_workbook_lifts_south_moravia_s_finance_and_plan(
    workbook, raw_dir, tmp_path, real_region
):
    """Three services, their reports and a plan, filled in a workbook and taken in,
    turn the finance and plan content of CZ064 from absent to computed, with the
    completeness of what was supplied stated."""
    from analysis.chapters import finance, plan
    from analysis.data.loading import load_dataset
    from analysis.params import load_run_config

    config, before = real_region
    assert not finance.finance_years(before, config.year)
    assert before.completeness["plan"] == "absent"
    munis = before.municipalities
    brno = munis[munis["municipality_name"] == "Brno"].iloc[0]
    chosen = {"S0001", "S0082", "S0100"}

    def fill(wb):
        ws = wb["Služby a síť"]
        sid, muni = _column(ws, "service_id"), _column(ws, "municipality_code")
        _keep_rows(ws, lambda r: ws.cell(r, sid).value in chosen)
        for r in range(sheets.FIRST_DATA_ROW, sheets.FIRST_DATA_ROW + len(chosen)):
            ws.cell(r, muni, brno["municipality_code"])
            for column in ("lat", "lon", "area_of_operation"):
                ws.cell(r, _column(ws, column), None)
        for title in ("Výkaz služby", "Žádosti o dotaci", "Plány transformace"):
            ws = wb[title]
            sid = _column(ws, "service_id")
            _keep_rows(ws, lambda r, ws=ws, sid=sid: ws.cell(r, sid).value in chosen)
        ws = wb["Akční plán"]
        for r in range(sheets.FIRST_DATA_ROW, ws.max_row + 1):
            if ws.cell(r, _column(ws, "intention_id")).value:
                ws.cell(r, _column(ws, "orp_code"), brno["orp_code"])
        # The demo's pledges are of the demo's municipalities: this region gives none.
        ws = wb["Přísliby obcí"]
        _keep_rows(ws, lambda r: False)

    filled = _damaged(workbook, tmp_path, fill, "jmk.xlsx")
    region_dir = tmp_path / "jmk"
    result = _cli("intake", filled, "--data-dir", region_dir)
    assert result.exit_code == 0, result.output
    run = Path(config.params_file)
    doc = yaml.safe_load(run.read_text(encoding="utf-8"))
    doc["data"]["region_dir"] = "jmk"
    for table in ("services", "finance", "subsidy_requests", *[t for t in TABLES if "plan" in t]):
        doc["data"]["sources"][table] = "Jihomoravský kraj, sešit kraje (zkušební data testu)"
    doc["methodology"] = str(run.parent.parent / "methodology.yaml")
    run_file = tmp_path / "CZ064.yaml"
    run_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    after_config = load_run_config(run_file, raw_dir)
    after = load_dataset(after_config)
    assert after.completeness["services"] == "complete"
    assert after.completeness["finance"] == "complete"
    assert after.completeness["plan"] == "complete"
    assert finance.finance_years(after, config.year) == [2022, 2023, 2024]
    assert not plan.prepare(after, after_config.methodology, config.year).indicators.empty
    notes = after.availability.set_index("content")["note"]
    # Every service of the network reported for 2024 (one of the three is outside it).
    network = int(after.services.drop_duplicates("service_id")["in_regional_network"].sum())
    assert 0 < network < len(chosen)
    assert notes["financování služeb"].startswith(
        f"sešit kraje: služby sítě s výkazem za rok 2024: {network} z {network}"
    )
    assert after.files["finance"].name == "finance.csv"


def test_a_real_region_workbook_is_pre_filled_from_the_official_registry(raw_dir, tmp_path):
    """South Moravia with the registry in MPSV's format (the hand-made sample): the
    services sheet lists its services and forms, the network sheet lists them to decide,
    and the intake writes them back as the region's services."""
    root = tmp_path / "raw"
    root.mkdir()
    for entry in raw_dir.iterdir():
        (root / entry.name).symlink_to(entry)
    (root / "rpss").mkdir()
    shutil.copy(Path(__file__).parent / "data" / "rpss_sample.json", root / "rpss" / "rpss.json")
    run = Path(__file__).resolve().parent.parent / "params" / "regions" / "CZ064.yaml"
    doc = yaml.safe_load(run.read_text(encoding="utf-8"))
    doc["data"]["registry"] = "rpss"
    doc["methodology"] = str(run.parent.parent / "methodology.yaml")
    run_file = tmp_path / "CZ064.yaml"
    run_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "jmk.xlsx"
    result = _cli("template", "--params", run_file, "--data-dir", root, "--out", out)
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    ws = wb["Služby a síť"]
    rows = {
        (ws.cell(r, _column(ws, "service_id")).value, ws.cell(r, _column(ws, "form")).value)
        for r in range(sheets.FIRST_DATA_ROW, ws.max_row + 1)
        if ws.cell(r, _column(ws, "service_id")).value
    }
    assert rows == {
        ("7100001", "pob"),
        ("7100002", "ter"),
        ("7100003", "pob"),
        ("7100003", "ter"),
        ("7100004", "amb"),
        ("7100005", "amb"),
    }
    network = wb["Síť kraje"]
    assert network.cell(3, _column(network, "service_id")).value == "7100001"
    result = _cli("intake", out, "--data-dir", tmp_path / "jmk")
    assert result.exit_code == 0, result.output
    services = read_table(tmp_path / "jmk" / "services.csv", "services")
    assert set(services["service_id"]) == {r[0] for r in rows}
    assert not (tmp_path / "jmk" / "network.csv").exists()  # nothing decided yet


def test_what_people_type_is_read_as_they_meant_it(workbook, demo_dir, tmp_path):
    """A merged header, an amount typed as Czech text with "Kč", a date as an Excel
    serial number and trailing empty rows read back to the same canonical files."""
    finance = read_table(demo_dir / "finance.csv", "finance")
    services = read_table(demo_dir / "services.csv", "services")

    def typed(wb):
        ws = wb["Služby a síť"]
        ws.merge_cells("A1:A2")  # row 2's canonical name is gone: row 1's header is used
        start = services["active_from"].iloc[0]
        serial = (start - pd.Timestamp("1899-12-30")).days
        ws.cell(3, _column(ws, "active_from"), serial)
        ws = wb["Výkaz služby"]
        amount = int(finance["cost_personnel"].iloc[0])
        ws.cell(3, _column(ws, "cost_personnel"), f"{amount:,} Kč".replace(",", "\u00a0"))
        ws.cell(4, _column(ws, "fte_direct"), str(finance["fte_direct"].iloc[1]).replace(".", ","))

    damaged = _damaged(workbook, tmp_path, typed)
    out = tmp_path / "data"
    result = _cli("intake", damaged, "--data-dir", out)
    assert result.exit_code == 0, result.output
    for name in ("services.csv", "finance.csv"):
        assert (out / name).read_bytes() == (demo_dir / name).read_bytes(), name


def test_a_formula_whose_result_was_never_saved_is_named(workbook, tmp_path):
    def formula(wb):
        ws = wb["Výkaz služby"]
        ws.cell(8, _column(ws, "revenue_region"), "=1000+2000")

    intake = read_workbooks([_damaged(workbook, tmp_path, formula)])
    problems = [p for p in intake.problems if "formula" in p.expected]
    assert [(p.file, p.row) for p in problems] == [("kraj.xlsx, list „Výkaz služby“", 8)]
    assert "kraj (Kč)" in problems[0].column


def test_plausibility_warnings_name_their_cells_and_do_not_block(workbook, demo_dir, tmp_path):
    """Hand-made cases: a cost per unit ten times its group's median, revenues a third
    above costs, and a service whose latest report is missing."""
    finance = read_table(demo_dir / "finance.csv", "finance")
    latest = int(finance["year"].max())

    def odd(wb):
        ws = wb["Výkaz služby"]
        cost, year, sid = (_column(ws, c) for c in ("cost_personnel", "year", "service_id"))
        rows = [r for r in range(3, ws.max_row + 1) if ws.cell(r, year).value == latest]
        ws.cell(rows[0], cost, ws.cell(rows[0], cost).value * 10)
        revenue = _column(ws, "revenue_other")
        costs = ws.cell(rows[1], cost).value + ws.cell(rows[1], _column(ws, "cost_operating")).value
        ws.cell(rows[1], revenue, ws.cell(rows[1], revenue).value + costs * 0.4)
        gone = ws.cell(rows[2], sid).value
        ws.delete_rows(rows[2])
        wb.gone = gone

    damaged = _damaged(workbook, tmp_path, odd)
    intake = read_workbooks([damaged])
    assert not intake.problems
    kinds = {(w.column.split(" (")[0], w.expected.split(" ")[0]) for w in intake.warnings}
    texts = " | ".join(str(w) for w in intake.warnings)
    assert "median of its service type" in texts
    assert "revenues at most 10 % above costs" in texts
    assert f"a report for {latest} too" in texts
    assert all(w.file == "kraj.xlsx, list „Výkaz služby“" and w.row for w in intake.warnings)
    assert kinds  # each warning names a column letter
    result = _cli("intake", damaged, "--data-dir", tmp_path / "data")
    assert result.exit_code == 0 and "warning: kraj.xlsx" in result.output


def test_staff_categories_must_add_up_to_direct_care(workbook, demo_dir, tmp_path):
    """The four direct-care categories of a report, when all are given, are the FTE in
    direct care; a row where they are not is named (hand-computed: 1 + 2 + 0.5 + 0 = 3.5)."""
    finance = read_table(demo_dir / "finance.csv", "finance")
    direct = float(finance["fte_direct"].iloc[0])

    def staff(wb):
        ws = wb["Výkaz služby"]
        for column, value in (
            ("fte_social_workers", 1),
            ("fte_care_workers", 2),
            ("fte_health_staff", 0.5),
            ("fte_educators", 0),
        ):
            ws.cell(3, _column(ws, column), value)
            ws.cell(4, _column(ws, column), value)
        ws.cell(4, _column(ws, "fte_direct"), 3.5)

    assert direct != 3.5
    intake = read_workbooks([_damaged(workbook, tmp_path, staff)])
    assert [(p.row, p.column.split(",")[0]) for p in intake.problems] == [(3, "fte_direct")]


def test_a_run_on_the_taken_in_tables_gives_the_same_report_tables(
    workbook, demo_dir, demo_report, tmp_path
):
    """The demo folder with its region's tables replaced by the intake's: `socplan run`
    (no build cache) publishes the same tables, byte for byte."""
    from analysis.publish import pipeline

    data = Path(shutil.copytree(demo_dir, tmp_path / "data"))
    for table in TABLES:
        (data / DEFAULT_FILES[table]).unlink(missing_ok=True)
    result = _cli("intake", workbook, "--data-dir", data)
    assert result.exit_code == 0, result.output
    report = pipeline.run(DEMO_RUN, data, tmp_path / "reports", progress=False, cache_dir=None)
    ours = sorted(p.name for p in (report / "tables").glob("*.csv"))
    theirs = sorted(p.name for p in (demo_report / "tables").glob("*.csv"))
    assert ours == theirs and len(ours) > 50
    for name in ours:
        assert (report / "tables" / name).read_bytes() == (
            demo_report / "tables" / name
        ).read_bytes(), name
