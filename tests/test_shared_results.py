"""Chapter results computed once per kernel (analysis.shared_results) and population
totals computed once per table (analysis.methods.demography): a reused result is what the
chapter computes alone (tables, figure bytes, parameters read), and no chapter changes
the dataset the next chapter reads."""

from __future__ import annotations

import copy
import dataclasses
import importlib

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.chapter_registry import CHAPTERS
from analysis.chapters import demand, network, plan, summary
from analysis.data.loading import load_dataset
from analysis.parameter_reads import MethodologyView
from analysis.present.figures import png_bytes
from analysis.shared_results import forget


def _parts(result: object, prefix: str = "") -> dict[str, object]:
    """Every table and figure of a chapter result, by field path (nested dataclasses too)."""
    out: dict[str, object] = {}
    for f in dataclasses.fields(result):  # type: ignore[arg-type]
        value = getattr(result, f.name)
        name = prefix + f.name
        if isinstance(value, pd.DataFrame | pd.Series | matplotlib.figure.Figure):
            out[name] = value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.update(_parts(value, name + "."))
    return out


def _rendered(result: object) -> dict[str, object]:
    """Tables as they are and figures as the PNG bytes a chapter publishes."""
    return {
        name: png_bytes(v, 100) if isinstance(v, matplotlib.figure.Figure) else v
        for name, v in _parts(result).items()
    }


def _as_a_new_chapter() -> None:
    """What the kernel does between chapters (analysis.present.kernel_state.reset)."""
    plt.close("all")
    matplotlib.rc_file_defaults()


def _assert_same(a: dict[str, object], b: dict[str, object]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        x, y = a[name], b[name]
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, obj=name)
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, obj=name)
        else:
            assert x == y, f"{name}: the figure is drawn differently"


@pytest.fixture(params=["demo", "CZ064"])
def region(request, demo_config):
    """The demo region, and South Moravia from the open data (where a figure of the
    demand chapter was once drawn with the summary's plot settings)."""
    if request.param == "demo":
        return demo_config, load_dataset(demo_config)
    return request.getfixturevalue("real_region")


def test_a_result_the_summary_computed_is_what_its_chapter_computes_alone(region):
    config, ds = region
    m, year = config.methodology, config.year
    forget()
    _as_a_new_chapter()
    summary.prepare(ds, MethodologyView(m), year)  # computes network, demand and plan
    try:
        for chapter in (network, demand, plan):
            _as_a_new_chapter()
            shared_reads = MethodologyView(m)
            shared = chapter.prepare(ds, shared_reads, year)
            assert chapter.prepare(ds, m, year) is shared  # reused, not recomputed
            reused = _rendered(shared)
            _as_a_new_chapter()
            own_reads = MethodologyView(m)
            alone = _rendered(chapter.prepare.__wrapped__(ds, own_reads, year))
            _assert_same(reused, alone)
            # The reused result counts as reading every parameter it was computed from.
            assert shared_reads.read == own_reads.read and own_reads.read
    finally:
        forget()
        _as_a_new_chapter()


def test_no_chapter_changes_the_dataset_it_reads(region):
    config, ds = region
    before = copy.deepcopy(ds)
    forget()
    try:
        for spec in CHAPTERS:
            importlib.import_module(spec.module).prepare(ds, config.methodology, config.year)
            plt.close("all")
    finally:
        forget()
    for f in dataclasses.fields(ds):
        value, old = getattr(ds, f.name), getattr(before, f.name)
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, old, obj=f.name)
        elif isinstance(value, dict):
            assert value.keys() == old.keys(), f.name


def test_population_totals_follow_the_table_object_not_its_address(demo_config):
    """The per-table cache of population totals never answers for another table."""
    from analysis.methods.demography import totals_by_area

    ds = load_dataset(demo_config)
    year = int(ds.population["year"].max())
    first = totals_by_area(ds.population, ds.municipalities, "kraj", year, 65)
    doubled = ds.population.assign(population=ds.population["population"] * 2)
    assert (totals_by_area(doubled, ds.municipalities, "kraj", year, 65) == 2 * first).all()
    assert (totals_by_area(ds.population, ds.municipalities, "kraj", year, 65) == first).all()


def test_a_method_computed_once_gives_each_caller_its_own_tables(demo_config):
    from analysis.methods.demand import project_orps

    ds = load_dataset(demo_config)
    m, year = demo_config.methodology, demo_config.year
    forget()
    try:
        first, _, _ = project_orps(ds, m, year)
        expected = first.copy()
        first["population"] = -1  # a caller that changes its table
        second, _, _ = project_orps(ds, m, year)
        pd.testing.assert_frame_equal(second, expected)
        pd.testing.assert_frame_equal(second, project_orps.__wrapped__(ds, m, year)[0])
        reads = MethodologyView(m)
        project_orps(ds, reads, year)  # from memory, and still counted as read
        assert "demand.long_horizon_to" in reads.read
    finally:
        forget()
