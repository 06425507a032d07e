"""Parts of the reviewer tools that need no report: parameter variations, the recording
of parameter reads, the opponent template and the methodology report."""

from __future__ import annotations

import json
from html import escape

import pytest
from docx import Document

from analysis.parameter_reads import MethodologyView
from analysis.params import Methodology, load_methodology
from analysis.resources import methodology_file
from analysis.review.template import Section, markdown, write_docx
from analysis.review.variations import variations, varied_value


@pytest.fixture(scope="module")
def m() -> Methodology:
    return load_methodology(methodology_file())


def _value(v) -> object:
    return json.loads(v.methodology_json)


def test_numbers_move_by_the_default_change_and_whole_numbers_stay_whole(m):
    change = m.review.sensitivity_change.value
    by = {(v.parameter, v.side): v for v in variations(m)}
    detour = m.network.detour_factor.value
    assert by["network.detour_factor", "low"].value == pytest.approx(detour * (1 - change))
    assert by["network.detour_factor", "high"].value == pytest.approx(detour * (1 + change))
    # plan_horizon 3 ± 20 % rounds back to 3: a whole number then moves by one.
    assert by["demand.plan_horizon", "low"].value == m.demand.plan_horizon.value - 1
    assert by["demand.plan_horizon", "high"].value == m.demand.plan_horizon.value + 1
    # The changed methodology differs from the original in that parameter only.
    changed = Methodology.model_validate(_value(by["network.detour_factor", "high"]))
    diff = {k for k, v in changed.values().items() if v != m.values()[k]}
    assert diff == {"network.detour_factor"}


def test_declared_ranges_tables_and_fixed_parameters(m):
    by = {(v.parameter, v.side): v for v in variations(m)}
    # Explicit range in the methodology file.
    assert by["demand.interval_level", "low"].value == m.demand.interval_level.sensitivity.low
    # A table with named fields: only those numbers scale.
    rates = by["demand.need_rates", "high"].value
    change = m.review.sensitivity_change.value
    original = m.demand.need_rates.value["seniori"]
    assert rates["seniori"]["rate"] == pytest.approx(original.rate * (1 + change))
    assert rates["seniori"]["uncertainty"] == original.uncertainty
    assert by["demand.need_rates", "high"].shown.startswith("rate ×")
    # Seeds, codes, years, counts of simulations and undeclared tables stay fixed.
    fixed = {p for p, _ in by}
    for p in (
        "demand.seed",
        "demand.draws",
        "network.map_types",
        "demand.long_horizon_to",
        "finance.criteria",
        "ages.seniors_min_age",  # a definition of the statistics, not an assumption
    ):
        assert p not in fixed, p


def test_a_value_outside_the_schema_is_reported_not_run(m):
    doc = json.loads(m.model_dump_json())
    # Scores of at most 1 scaled by 1 + 20 %: "met" = 1.2 breaks the schema (le=1).
    doc["plan"]["quality_scores"]["sensitivity"] = {"fields": ["*"]}
    odd = Methodology.model_validate(doc)
    high = [v for v in variations(odd, ["plan.quality_scores"]) if v.side == "high"]
    assert high and high[0].methodology_json is None and "mimo povolený rozsah" in high[0].problem
    assert varied_value(odd.demand.seed, "high", 0.2) is None


def test_the_view_records_reads_also_inside_model_methods(m):
    view = MethodologyView(m)
    assert view.network.detour_factor.value == m.network.detour_factor.value
    view.finance.allocation("CZX00", 2025)  # a method reading finance.allocations
    d = view.demand
    _ = d.need_rates.value
    assert view.read == {"network.detour_factor", "finance.allocations", "demand.need_rates"}
    assert len(view.values()) == len(m.values())  # whole-methodology methods work too


def test_template_markdown_and_docx_hold_the_same_sections(tmp_path):
    sections = [
        Section("Vstupní data", ["Zpráva čte 3 vstupy."], ["a: ČSÚ"], ["jsou data úplná?"]),
        Section("Reprodukovatelnost", ["socplan verify: ověřeno."]),
    ]
    md = markdown("Posudek", ["Oponent: [jméno]"], sections)
    assert md.startswith("# Posudek") and "## 1. Vstupní data" in md and "- a: ČSÚ" in md
    assert "> [Doplní oponent: jsou data úplná?]" in md
    write_docx(tmp_path / "p.docx", "Posudek", ["Oponent: [jméno]"], sections)
    doc = Document(str(tmp_path / "p.docx"))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads == ["1. Vstupní data", "2. Reprodukovatelnost"]
    assert doc.core_properties.language == "cs-CZ"


def test_methodology_report_lists_every_parameter_source_and_method(tmp_path, m):
    from analysis.catalogue import load_catalogue
    from analysis.review.methodology_report import (
        build_methodology_report,
        method_modules,
        parameter_uses,
    )

    html_file, pdf_file = build_methodology_report(methodology_file(), tmp_path / "m")
    html = html_file.read_text(encoding="utf-8")
    for p in m.values():
        assert f">{p}<" in html, p
    for s in load_catalogue().sources.values():
        assert s.licence and escape(s.title) in html
    for name, doc, _ in method_modules():
        assert f">{name}<" in html and doc, name
    assert pdf_file.stat().st_size > 50_000
    # Nested parameter tables in Czech number format, every decimal kept.
    assert "0,000032" in html and "3.2e-05" not in html and "0.3333" not in html
    assert not list((tmp_path / "m").glob(".methodology-*"))  # no half-written files
    # Uses are found in the source: a chapter parameter, a method parameter, an alias.
    uses = parameter_uses()
    assert "analysis.chapters.network" in uses["network.map_types"]
    assert "analysis.methods.need_rates" in uses["demand.need_rates"]
    assert any(u.startswith("analysis.") for u in uses["finance.criteria"])
    unused = sorted(set(m.values()) - set(uses))
    assert unused == [], unused


def test_tornado_ticks_are_whole_and_crowns_are_in_millions():
    import matplotlib.pyplot as plt
    import pandas as pd

    from analysis.present.figures import tornado

    counts = pd.DataFrame({"low": [-9.0, 2.0], "high": [10.0, -1.0]}, index=["a", "b"])
    fig = tornado(counts, "služeb")
    fig.canvas.draw()
    ticks = fig.axes[0].get_xticks()
    assert len(ticks) >= 3 and all(float(v).is_integer() for v in ticks)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["a", "b"]  # the most important parameter on top
    plt.close(fig)
    money = pd.DataFrame({"low": [3_068_737.0], "high": [-2_780_402.0]}, index=["p"])
    fig = tornado(money, "Kč")
    assert fig.axes[0].get_xlabel() == "změna výsledku (mil. Kč)"
    assert fig.axes[0].patches[0].get_width() == pytest.approx(3.068737)
    plt.close(fig)


def test_a_variant_gives_the_same_tables_on_a_worker_that_loads_the_data_itself(demo_config):
    """The review pack's variants can go to any executor (e.g. Dask): a worker without
    the parent's dataset loads it from the configuration and gets the same tables."""
    from concurrent.futures import ThreadPoolExecutor

    from analysis.data.loading import load_dataset
    from analysis.review import runs

    ds = load_dataset(demo_config)
    names = {
        p: p for p in runs.frames(runs.prepare("01_network", ds, demo_config.methodology, 2025))
    }
    changed = demo_config.methodology.model_copy(deep=True)
    detour = changed.network.detour_factor
    object.__setattr__(detour, "value", detour.value * 1.2)
    m_json = changed.model_dump_json()
    runs._STATE.clear()
    runs._STATE.update(ds=ds, year=demo_config.year)
    local = runs.run_variation("01_network", names, m_json)
    runs._STATE.clear()
    with ThreadPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(
            runs.run_variation_anywhere, demo_config.to_json(), "01_network", names, m_json
        ).result()
    runs._STATE.clear()
    assert "error" not in local and len(local["hashes"]) > 5
    assert remote == local
