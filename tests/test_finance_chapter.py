"""The finance chapter on the demo (its text follows its tables, one number per
indicator), on a real region (nothing invented), and bad finance input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.chapters import demand, finance
from analysis.data.loading import load_dataset
from analysis.errors import DataValidationError, ParameterError
from analysis.methods import compensation as comp
from analysis.methods import network_scoring as ns
from analysis.methods.demand import planning_areas
from analysis.params import load_methodology, load_run_config
from analysis.present import formatting as f

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO = REPO_ROOT / "params" / "demo.yaml"


@pytest.fixture(scope="module")
def demo_finance(demo_config):
    ds = load_dataset(demo_config)
    return ds, finance.prepare(ds, demo_config.methodology, demo_config.year)


def test_demo_chapter_text_states_the_numbers_of_its_tables(demo_finance, demo_config):
    _, ch = demo_finance
    assert ch.has_finance and ch.finance_year == 2024
    comp = ch.compensation_services
    # The check covers the services of the network (the others have no amounts).
    latest = comp[(comp["year"] == ch.finance_year) & comp["justified"].notna()]
    assert f.millions(latest["public_revenue"].sum()) in ch.compensation_text
    assert f.millions(latest["to_return"].sum()) in ch.compensation_text
    total = ch.compensation_types.iloc[-1]
    assert total["service_type"] == "celkem"
    assert total["to_return"] == pytest.approx(latest["to_return"].sum())
    # The allocation is distributed to the crown up to the services' caps; the rest is
    # reported as undistributed.
    allocation = demo_config.methodology.finance.allocation("CZX00", 2025)
    real = ch.subsidy_services
    undistributed = ch.what_if["undistributed"].iloc[0]
    assert real["real"].sum() + undistributed == allocation.czk
    assert ch.subsidy_types.iloc[-1]["real"] == real["real"].sum()
    assert ch.what_if["distributed"].iloc[0] == real["real"].sum()
    if undistributed:
        assert f.crowns(undistributed) in ch.subsidy_text
    # Band counts add up to the scored services, and the text gives each count.
    counts = ch.band_counts.iloc[:-1]
    assert counts["services"].sum() == ch.scores["score"].notna().sum()
    for band, n in zip(counts["band"], counts["services"], strict=True):
        assert f"{band} {n}" in ch.scoring_text


def test_demo_money_follows_the_rules(demo_finance):
    """Issue 22's checks on the demo: no refund from a service-year whose revenues did not
    exceed its costs, none from a service outside the network, every real subsidy within
    its optimal subsidy and its request."""
    _, ch = demo_finance
    c = ch.compensation_services
    # Revenues with what was carried in from last year (an amount carried stays owed).
    revenue = c["public_revenue"] + c["own_revenue"] + c["excluded_revenue"] + c["carried_in"]
    refunds = c[c["to_return"] > 0]
    assert len(refunds) > 0  # the demo exercises the rule
    assert (revenue[refunds.index] > refunds["total_cost"]).all()
    assert (refunds["to_return"] <= revenue[refunds.index] - refunds["total_cost"] + 1).all()
    assert refunds["return_reason"].notna().all()
    outside = ~c["in_regional_network"].fillna(False).astype(bool)
    assert c.loc[outside, "to_return"].isna().all()
    assert c.loc[outside, "status"].isin([comp.STATUS["outside"], comp.STATUS["unknown"]]).all()
    # Carried amounts never exceed the threshold share of the average payment.
    carried = c[c["carry_over"] > 0]
    assert (carried["overcompensation"] <= 0.1 * carried["average_payment"] + 1e-6).all()
    s = ch.subsidy_services
    assert (s["real"] <= np.floor(s["optimal"])).all()
    assert (s["real"] <= s["requested"].fillna(np.inf)).all()
    assert (s["real"] <= s["cap"]).all()


def _unit_tables(ch) -> tuple[pd.DataFrame, ...]:
    """The finance tables shown in the report that hold amounts per unit or by unit."""
    return (
        ch.benchmark,
        ch.staffing,
        ch.outliers,
        ch.reference,
        ch.reference_revenue,
        ch.compensation_types,
        ch.compensation_returns,
        ch.subsidy_types,
    )


def test_units_are_named_in_every_finance_table(demo_finance):
    _, ch = demo_finance
    for table in (*_unit_tables(ch), ch.subsidy_services, ch.service_indicators):
        assert "network_unit" in table.columns
        named = table["network_unit"].dropna()
        assert named.isin(["lůžka", "úvazky v přímé péči", "luzka", "fte_direct"]).all()
    # One row per unit: a subsidy group never mixes beds and FTE.
    groups = ch.subsidy_types.iloc[:-1]
    assert not groups.duplicated(["service_type", "network_unit"]).any()


def test_need_criterion_is_the_demand_chapter_gap(demo_finance, demo_config):
    ds, ch = demo_finance
    needs = demand.prepare_needs(ds, demo_config.methodology, demo_config.year)
    gaps = needs.gaps[needs.gaps["variant"] == "middle"].set_index(
        ["area_code", "service_type_code", "capacity_unit"]
    )
    areas = planning_areas(ds.municipalities)
    rules = demo_config.methodology.network.service_types.value
    scored = ch.scores.dropna(subset=["need"])
    assert len(scored) > 50
    for row in scored.itertuples():
        area = areas[rules[int(row.service_type_code)].planning_level][row.orp_code]
        gap = gaps.loc[(area, row.service_type_code, row.capacity_unit)]
        assert row.need == pytest.approx(gap["gap_median"] / gap["demand_median"])


def test_every_finance_table_has_czech_labels(demo_finance):
    from analysis.present.labels import COLUMN_LABELS, column_labels

    _, ch = demo_finance
    methodology = load_methodology(REPO_ROOT / "params" / "methodology.yaml")
    labels = {**COLUMN_LABELS, **column_labels(methodology)}
    shown = [
        *_unit_tables(ch),
        ch.what_if,
        ch.criteria,
        ch.band_counts,
        ch.decisions,
        ch.sensitivity,
        ch.normative_sensitivity,
        ch.random_summary,
    ]
    missing = {c for t in shown for c in t.columns if c not in labels}
    assert missing == set()


def test_real_region_gets_no_invented_finance(real_region):
    config, ds = real_region
    ch = finance.prepare(ds, config.methodology, config.year)
    assert not ch.has_finance
    assert "nebyly dodány" in ch.missing
    assert ch.benchmark.empty and ch.subsidy_services.empty and ch.scores.empty


def _edit(path: Path, row: int, column: str, value: str) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row - 2, column] = value
    df.to_csv(path, index=False)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("cost_operating", "-5", "a number ≥ 0"),
        ("revenue_users", "-1", "a number ≥ 0"),
        ("cost_depreciation", "99999999999", "at most the total cost"),
        ("fte_direct", "0", "fte_direct + fte_other above 0"),
        ("occupancy", "1.7", "a value in [0, 1.5]"),
    ],
)
def test_bad_finance_cell_names_file_row_and_column(demo_copy, column, value, expected):
    path = demo_copy / "finance.csv"
    if column == "fte_direct":
        _edit(path, 5, "fte_other", "0")
    _edit(path, 5, column, value)
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(DEMO, data_dir=demo_copy))
    problems = [p for p in err.value.problems if p.file == "finance.csv" and p.row == 5]
    assert problems, err.value
    assert any(expected in str(p) for p in problems)
    assert any(column in (p.column or "") for p in problems)


def test_finance_or_request_of_an_unknown_service_is_rejected(demo_copy):
    _edit(demo_copy / "finance.csv", 3, "service_id", "S9999")
    _edit(demo_copy / "subsidy_requests.csv", 4, "service_id", "S9998")
    with pytest.raises(DataValidationError) as err:
        load_dataset(load_run_config(DEMO, data_dir=demo_copy))
    found = {(p.file, p.row, p.column) for p in err.value.problems}
    assert ("finance.csv", 3, "service_id") in found
    assert ("subsidy_requests.csv", 4, "service_id") in found


def test_optional_finance_tables_may_be_left_out(demo_copy, demo_config):
    (demo_copy / "finance_national.csv").unlink()
    (demo_copy / "subsidy_requests.csv").unlink()
    config = load_run_config(DEMO, data_dir=demo_copy)
    ds = load_dataset(config)
    assert ds.completeness["finance_national"] == "absent"
    assert "finance_national" not in ds.files
    ch = finance.prepare(ds, config.methodology, config.year)
    # Without national values only groups with enough providers get a reference value.
    ref = ch.reference.dropna(subset=["reference_cost"])
    assert (ref["providers"] >= config.methodology.finance.reference_min_providers.value).all()
    assert "Žádosti služeb o dotaci nejsou k dispozici" in ch.subsidy_text
    allocation = config.methodology.finance.allocation("CZX00", 2025).czk
    undistributed = ch.what_if["undistributed"].iloc[0]
    assert ch.subsidy_services["real"].sum() == allocation - undistributed


def test_optional_table_present_needs_its_citation(tmp_path, demo_dir):
    doc = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    doc["data"]["dir"] = str(demo_dir)
    del doc["data"]["sources"]["subsidy_requests"]
    (tmp_path / "methodology.yaml").write_bytes((DEMO.parent / "methodology.yaml").read_bytes())
    run = tmp_path / "run.yaml"
    run.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"data\.sources\.subsidy_requests"):
        load_run_config(run)


@pytest.mark.parametrize("czk", [0, -5])
def test_allocation_that_is_zero_or_negative_is_rejected(tmp_path, czk):
    doc = yaml.safe_load((REPO_ROOT / "params" / "methodology.yaml").read_text("utf-8"))
    doc["finance"]["allocations"]["value"][0]["czk"] = czk
    path = tmp_path / "methodology.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"finance\.allocations\.value\.0\.czk"):
        load_methodology(path)


def test_band_probabilities_sum_to_one(demo_finance):
    _, ch = demo_finance
    probs = ch.band_probabilities.drop(columns="service_id")
    assert np.allclose(probs.sum(axis=1), 1)
    assert set(ch.scores["band"].dropna()) <= set(ns.BAND_LABELS.values())


def test_summary_states_the_chapter_compensation_numbers(demo_finance, demo_config):
    ds, ch = demo_finance
    headline = finance.compensation_headline(ds, demo_config.methodology, demo_config.year)
    total = ch.compensation_types.iloc[-1]
    assert f.millions(total["to_return"]) in headline
    assert f.millions(total["public_revenue"]) in headline
    assert f.millions(total["to_return"]) in ch.compensation_text
