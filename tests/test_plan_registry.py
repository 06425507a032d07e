"""One number for one thing: plan indicators that the registry can count agree with it."""

from __future__ import annotations

import datetime as dt

from analysis.chapters import plan
from analysis.data.loading import load_dataset
from analysis.methods.plan_evaluation import registry_check


def test_demo_plan_agrees_with_its_registry(demo_config):
    ds = load_dataset(demo_config)
    check = registry_check(
        ds.plan_indicators,
        ds.plan_indicator_values,
        ds.services,
        ds.municipalities,
        dt.date(demo_config.year, 1, 1),
        demo_config.methodology.plan.registry_tolerance.value,
    )
    assert len(check) == 8
    assert set(check["agreement"]) == {"shoda"}
    chapter = plan.prepare(ds, demo_config.methodology, demo_config.year)
    assert "se shodují s registrem" in chapter.registry_text


def test_a_plan_value_that_differs_from_the_registry_is_flagged(demo_config):
    ds = load_dataset(demo_config)
    values = ds.plan_indicator_values.copy()
    latest = (values["indicator_id"] == "I2.1") & (values["year"] == values["year"].max())
    values.loc[latest, "value"] += 101  # the plan reports 101 more special-regime beds
    check = registry_check(
        ds.plan_indicators,
        values,
        ds.services,
        ds.municipalities,
        dt.date(demo_config.year, 1, 1),
        demo_config.methodology.plan.registry_tolerance.value,
    ).set_index("indicator_id")
    assert check.loc["I2.1", "agreement"] == "nesoulad"
    assert check.loc["I2.1", "difference"] == 101
    assert (check.drop(index="I2.1")["agreement"] == "shoda").all()
