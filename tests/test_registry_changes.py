"""Year-on-year registry changes on a constructed pair of snapshots with a known answer,
on the demo, and the rules for bad snapshots."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.chapters._network_changes import change_section
from analysis.data.loading import load_dataset
from analysis.errors import DataValidationError
from analysis.methods.registry_changes import capacity_totals, registry_changes, service_counts
from analysis.params import load_run_config
from tests.conftest import REPO_ROOT
from tests.test_validation import _edit_cell

DEMO = REPO_ROOT / "params" / "demo.yaml"
BEFORE, AFTER = dt.date(2024, 1, 1), dt.date(2025, 1, 1)
MUNIS = pd.DataFrame(
    {
        "municipality_code": ["500001", "500002", "500003"],
        "municipality_name": ["Alfa", "Beta", "Gama"],
        "orp_code": ["1001", "1001", "1002"],
    }
)


def _service(sid, form="pob", unit="luzka", cap=10.0, code=13, muni="500001", **kw) -> dict:
    return {
        "service_id": sid,
        "service_name": f"Služba {sid}",
        "service_type_code": code,
        "form": form,
        "capacity_unit": unit,
        "capacity": cap,
        "municipality_code": muni,
        "active_from": pd.Timestamp(kw.get("start", "2010-01-01")),
        "active_to": pd.Timestamp(kw["end"]) if kw.get("end") else pd.NaT,
    }


PREVIOUS = pd.DataFrame(
    [
        _service("A", cap=40),  # unchanged
        _service("B", cap=20),  # ended: not in the current snapshot
        _service("C", cap=30),  # capacity 30 → 36
        _service("D", form="amb", unit="klient", cap=5, code=10),  # gives up its field form
        _service("D", form="ter", unit="klient", cap=8, code=10),
        _service("E", form="ter", unit="klient", cap=6, code=4),  # adds an outpatient form
        _service("F", cap=12, muni="500001"),  # moves from ORP 1001 to 1002
        _service("G", cap=15, code=13),  # becomes a home with special regime (14)
        _service("H", cap=9, end="2023-06-30"),  # had already ended: in neither
        _service("I", form="amb", unit="klient", cap=4, code=9),  # unit klient → interv
    ]
)
CURRENT = pd.DataFrame(
    [
        _service("A", cap=40),
        _service("C", cap=36),
        _service("D", form="amb", unit="klient", cap=5, code=10),
        _service("E", form="ter", unit="klient", cap=6, code=4),
        _service("E", form="amb", unit="klient", cap=3, code=4),
        _service("F", cap=12, muni="500003"),
        _service("G", cap=15, code=14),
        _service("H", cap=9, end="2023-06-30"),
        _service("I", form="amb", unit="interv", cap=50, code=9),
        _service("J", cap=25, start="2024-05-01"),  # registered during 2024: added
        _service("K", cap=7, start="2025-03-01"),  # registered after the date: not yet
        _service("L", cap=11, end="2024-09-30"),  # ended during 2024: not in the current state
    ]
)
PREVIOUS = pd.concat([PREVIOUS, pd.DataFrame([_service("L", cap=11)])], ignore_index=True)


def test_a_constructed_pair_gives_the_known_changes():
    out = registry_changes(PREVIOUS, CURRENT, BEFORE, AFTER, MUNIS)
    got = {
        (r.service_id, r.change, r.form if isinstance(r.form, str) else None)
        for r in out.itertuples()
    }
    assert got == {
        ("B", "ended", "pob"),
        ("C", "capacity", "pob"),
        ("D", "form_removed", "ter"),
        ("E", "form_added", "amb"),
        ("F", "place", "pob"),
        ("G", "type", None),
        ("I", "unit_changed", "amb"),
        ("J", "added", "pob"),
        ("L", "ended", "pob"),
    }
    assert len(out) == 10  # I: the old unit removed and the new one added
    c = out.set_index(["service_id", "change"]).loc[("C", "capacity")]
    assert (c["capacity_previous"], c["capacity_current"]) == (30, 36)
    f = out.set_index(["service_id", "change"]).loc[("F", "place")]
    assert (f["value_previous"], f["value_current"], f["orp_code"]) == ("500001", "500003", "1002")
    g = out.set_index(["service_id", "change"]).loc[("G", "type")]
    assert (g["value_previous"], g["value_current"]) == ("13", "14")


def test_totals_come_from_the_snapshots_and_agree_with_the_change_rows():
    out = registry_changes(PREVIOUS, CURRENT, BEFORE, AFTER, MUNIS)
    totals = capacity_totals(PREVIOUS, CURRENT, BEFORE, AFTER, []).set_index("capacity_unit")
    # Beds: −20 (B) +6 (C) +25 (J) −11 (L) = 0; G and F keep their beds.
    assert totals.loc["luzka", "net_change"] == 0
    assert totals.loc["luzka", ["capacity_previous", "capacity_current"]].tolist() == [128, 128]
    # Clients: −8 (D's field form) +3 (E) −4 (I's old unit); interventions: +50.
    assert totals.loc["klient", "net_change"] == -9
    assert totals.loc["interv", "net_change"] == 50
    rows = out.dropna(subset=["capacity_unit"])
    net_rows = (
        (rows["capacity_current"].fillna(0) - rows["capacity_previous"].fillna(0))
        .groupby(rows["capacity_unit"])
        .sum()
    )
    assert net_rows.to_dict() == totals["net_change"].to_dict()
    by_orp = capacity_totals(PREVIOUS, CURRENT, BEFORE, AFTER, ["orp_code"], MUNIS)
    beds = by_orp[by_orp["capacity_unit"] == "luzka"].set_index("orp_code")["net_change"]
    assert beds.to_dict() == {"1001": -12.0, "1002": 12.0}  # F moved 12 beds
    counts = service_counts(out, PREVIOUS, CURRENT, BEFORE, AFTER, "orp_code", MUNIS)
    by_orp = counts.set_index("orp_code")
    assert by_orp.loc["1002"].to_dict() == {
        "services_previous": 0,
        "services_current": 1,
        "added": 0,
        "ended": 0,
        "moved_in": 1,
        "moved_out": 0,
        "changed": 1,
    }
    assert by_orp.loc["1001", "moved_out"] == 1
    types = service_counts(out, PREVIOUS, CURRENT, BEFORE, AFTER, "service_type_code", MUNIS)
    t = types.set_index("service_type_code")
    assert (t.loc[13, "moved_out"], t.loc[14, "moved_in"]) == (1, 1)  # G: 13 → 14
    # Every row adds up: now = before + added − ended + moved in − moved out.
    for table in (counts, types):
        flow = (
            table["services_previous"]
            + table["added"]
            - table["ended"]
            + table["moved_in"]
            - table["moved_out"]
        )
        assert flow.tolist() == table["services_current"].tolist()


def test_row_order_never_makes_a_change():
    shuffled = CURRENT.sample(frac=1, random_state=3)
    a = registry_changes(PREVIOUS, CURRENT, BEFORE, AFTER, MUNIS)
    b = registry_changes(PREVIOUS.iloc[::-1], shuffled, BEFORE, AFTER, MUNIS)
    pd.testing.assert_frame_equal(a, b)


def test_identical_or_empty_snapshots_give_no_change():
    out = registry_changes(CURRENT, CURRENT, AFTER, AFTER, MUNIS)
    assert out.empty and list(out.columns) == list(
        registry_changes(PREVIOUS, CURRENT, BEFORE, AFTER, MUNIS).columns
    )
    counts = service_counts(out, CURRENT, CURRENT, AFTER, AFTER, "orp_code", MUNIS)
    assert (counts["services_previous"] == counts["services_current"]).all()
    assert counts[["added", "ended", "moved_in", "moved_out", "changed"]].eq(0).all().all()
    empty = registry_changes(CURRENT.iloc[0:0], CURRENT.iloc[0:0], BEFORE, AFTER, MUNIS)
    assert empty.empty


def test_a_second_form_that_moves_is_a_place_change_of_that_form():
    previous = pd.DataFrame(
        [
            _service("M", form="amb", unit="klient", cap=5, code=10),
            _service("M", form="ter", unit="klient", cap=8, code=10),
        ]
    )
    current = previous.copy()
    current.loc[1, "municipality_code"] = "500003"
    out = registry_changes(previous, current, BEFORE, AFTER, MUNIS)
    assert out[["change", "form", "value_previous", "value_current"]].values.tolist() == [
        ["place", "ter", "500001", "500003"]
    ]


def test_the_demo_shows_added_ended_and_changed_services(demo_config):
    ds = load_dataset(demo_config)
    section = change_section(ds, demo_config.year, complete=True)
    kinds = set(section.changes["change"]) | set(section.moves["change"])
    assert {"added", "ended", "capacity", "form_added", "form_removed", "place"} <= kinds
    # Places are shown by name, never by code.
    assert not section.moves["value_current"].str.fullmatch(r"[0-9]+").any()
    region = section.by_type.iloc[-1]
    assert region["service_type"] == "kraj celkem"
    counts = region[["added", "ended", "changed"]]
    assert counts["added"] == 7 and counts["ended"] > 0 and counts["changed"] > 0
    assert (region["moved_in"], region["moved_out"]) == (0, 0)
    assert (
        region["services_current"]
        == ds.services.pipe(
            lambda s: s[s["active_to"].isna() | (s["active_to"] >= pd.Timestamp(AFTER))]
        )["service_id"].nunique()
    )
    assert f"přibylo {counts['added']} služeb" in section.text
    assert section.net_map is not None
    assert section.sources == ("services", "services_previous")
    # The ORP rows add up to the region's row for added and ended services.
    orps = section.by_orp.iloc[:-1]
    assert orps["added"].sum() == counts["added"] and orps["ended"].sum() == counts["ended"]
    # The demo's move crosses ORPs: one ORP loses the service, another gains it.
    assert orps["moved_in"].sum() == orps["moved_out"].sum() == 1


def test_without_the_earlier_snapshot_capacity_changes_are_unknown_not_zero(demo_copy):
    (demo_copy / "services_previous.csv").unlink()
    config = load_run_config(DEMO, data_dir=demo_copy)
    ds = load_dataset(config)
    section = change_section(ds, config.year, complete=True)
    assert list(section.by_type.columns) == ["service_type_code", "service_type", "added", "ended"]
    assert section.capacity_by_type.empty and section.net_map is None
    assert "nelze zjistit změny kapacity" in section.text and "dolní odhad" in section.text
    assert section.sources == ("services",)
    # Added and ended come from the registration dates of the current registry.
    first = ds.services.drop_duplicates("service_id")
    started = first["active_from"].between(pd.Timestamp(BEFORE), pd.Timestamp(AFTER), "right")
    stopped = first["active_to"].between(pd.Timestamp(BEFORE), pd.Timestamp(AFTER), "left")
    assert section.by_type[["added", "ended"]].sum().tolist() == [started.sum(), stopped.sum()]
    assert started.sum() == 7 and stopped.sum() > 0


def test_snapshots_of_different_regions_are_rejected_with_file_row_column(demo_copy):
    line = _edit_cell(demo_copy / "services_previous.csv", 5, "municipality_code", "582786")
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(DEMO, data_dir=demo_copy))
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == (
        "services_previous.csv",
        line,
        "municipality_code",
    )
    assert "same region" in problem.expected


def test_a_service_ending_before_it_started_is_rejected(demo_copy):
    line = _edit_cell(demo_copy / "services_previous.csv", 2, "active_to", "1990-01-01")
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(DEMO, data_dir=demo_copy))
    assert any(
        p.file == "services_previous.csv" and p.row == line and "active_to" in str(p)
        for p in err.value.problems
    )


def test_a_service_without_target_groups_is_rejected_with_file_row_column(demo_copy):
    line = _edit_cell(demo_copy / "services.csv", 3, "target_groups", "")
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(DEMO, data_dir=demo_copy))
    assert ("services.csv", line, "target_groups") in {
        (p.file, p.row, p.column) for p in err.value.problems
    }
