"""Czech grammar and number formats of the reports."""

from __future__ import annotations

import pytest

from analysis.present import formatting as f
from analysis.present.czech import count, plural, plural_category

# Counted nouns in Czech: 1 is singular, 2–4 nominative plural, 0 and 5+ (including 21,
# 22, 25) genitive plural.
EXPECTED = {
    "okres": {
        1: "1 okres",
        2: "2 okresy",
        5: "5 okresů",
        21: "21 okresů",
        22: "22 okresů",
        25: "25 okresů",
    },
    "obec": {1: "1 obec", 2: "2 obce", 5: "5 obcí", 21: "21 obcí", 22: "22 obcí", 25: "25 obcí"},
    "služba": {
        1: "1 služba",
        2: "2 služby",
        5: "5 služeb",
        21: "21 služeb",
        22: "22 služeb",
        25: "25 služeb",
    },
}


@pytest.mark.parametrize("noun", sorted(EXPECTED))
def test_counted_nouns_take_the_right_form(noun):
    for n, expected in EXPECTED[noun].items():
        assert count(n, noun).replace(f.NBSP, " ") == expected


def test_plural_categories_come_from_cldr():
    assert [plural_category(n) for n in (0, 1, 2, 4, 5, 21, 1.5)] == [
        "other",
        "one",
        "few",
        "few",
        "other",
        "other",
        "many",
    ]


def test_phrases_agree_with_the_number():
    forms = ("{n} je splněn", "{n} jsou splněny", "{n} je splněno", "{n} je splněno")
    assert [plural(n, forms) for n in (1, 2, 5, 0)] == [
        "1 je splněn",
        "2 jsou splněny",
        "5 je splněno",
        "0 je splněno",
    ]


def test_numbers_years_and_intervals():
    assert f.number(1234.5, 1) == "1\u00a0234,5"
    assert f.number(-3) == "\u22123"  # a true minus, never a hyphen
    assert f.significant(0.04321) == "0,0432"
    assert f.significant(-0.000123) == "\u22120,000123"
    assert f.significant(1234.6) == "1\u00a0235"  # integer digits are kept
    assert f.p_value(0.0004) == "<\u00a00,001" and f.p_value(0.0412) == "0,041"
    assert f.percent_adjective(0.9) == "90%"
