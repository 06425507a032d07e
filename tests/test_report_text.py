"""What a reviewer circles in any rendered report (issue 24, item 5): another region's
parameters, "NaN" or "None" for a missing value, TeX markup from a figure, captions
without text, one total printed as two numbers, one-letter words ending a line."""

from __future__ import annotations

import html
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.present.czech import bind_single_letters
from analysis.present.figures import observed_expected

MISSING_WORDS = re.compile(r"\b(NaN|nan|None|<NA>|NaT)\b")
TEX = re.compile(r"\$\\|\\mathdefault|\\mathrm")
EMPTY_CAPTION = re.compile(r"(Tabulka|Obrázek) \d+:\s*(?:<|$)", re.M)


def _text(path: Path) -> str:
    """The visible text of an HTML document."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _documents(report: Path) -> list[Path]:
    return [report / "report.html", *sorted((report / "orp").glob("*.html"))]


@pytest.fixture(params=["demo", "real"])
def report(request) -> Path:
    if request.param == "real":
        return request.getfixturevalue("real_report")
    return request.getfixturevalue("demo_report")


def test_no_missing_value_is_printed_as_a_word_and_no_tex_is_shown(report):
    for path in _documents(report):
        text = _text(path)
        found = MISSING_WORDS.findall(text) + TEX.findall(text)
        assert not found, f"{path.name}: {found[:5]}"


def test_every_caption_has_its_text(report):
    page = (report / "report.html").read_text(encoding="utf-8")
    text = _text(report / "report.html")
    assert not EMPTY_CAPTION.findall(page) and not EMPTY_CAPTION.findall(text)


def test_one_letter_words_never_end_a_line(report):
    text = _text(report / "report.html")
    loose = re.findall(r"(?<![\w\u00a0])[AIKOSUVZaikosuvz] (?=\w)", text)
    assert not loose, loose[:5]


@pytest.mark.realdata
def test_a_real_region_report_holds_no_other_region_s_parameters(real_report):
    """The appendix prints the run region's allocation and budget, else "nezadáno"."""
    text = _text(real_report / "report.html")
    assert "CZX00" not in text and "Vzorov" not in text
    assert "nezadáno" in text


def test_the_region_s_projected_total_is_one_number_everywhere(report):
    """The demand chapter's total and the ORP profiles' region column are the same sum
    of rounded bands, and the bands add up to the total."""
    region = pd.read_csv(report / "tables" / "demand_projection_region.csv")
    bands = [c for c in region.columns if c not in ("year", "total", "total_low", "total_high")]
    assert (region[bands].sum(axis=1) == region["total"]).all()
    profiles = pd.read_csv(report / "tables" / "orp_population.csv")
    middle = profiles[profiles["measure"].str.contains("střední varianta")]
    target = int(re.search(r"(\d{4})", middle["measure"].iloc[0]).group(1))
    assert set(middle["region"]) == {region.set_index("year").at[target, "total"]}


def test_a_log_axis_shows_czech_numbers_not_tex():
    """One large area makes the model figure's axes logarithmic; its tick labels are
    Czech numbers (the style draws TeX as written)."""
    expected = np.r_[np.linspace(1, 20, 30), 900.0]
    pred = pd.DataFrame(
        {
            "expected": expected,
            "observed": expected * 1.1,
            "prediction_low": expected * 0.8,
            "prediction_high": expected * 1.3,
        }
    )
    fig = observed_expected(pred, "lůžka")
    fig.canvas.draw()
    labels = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
    plt.close(fig)
    assert labels and not any("$" in t or "mathdefault" in t for t in labels)
    assert any(t == "1\u00a0000" or t == "100" for t in labels)


def test_one_letter_words_bind_to_the_next_word_outside_code_and_scripts():
    page = "<p>Služby v kraji a obce s ORP</p><code>a b</code><script>var a = 1</script>"
    assert bind_single_letters(page) == (
        "<p>Služby v\u00a0kraji a\u00a0obce s\u00a0ORP</p><code>a b</code>"
        "<script>var a = 1</script>"
    )


def test_an_age_band_is_not_repeated_in_brackets(report):
    text = _text(report / "report.html")
    assert not re.search(r"(\d+\+) \(\1\)", text)


def test_a_model_that_explains_nothing_is_one_sentence():
    from analysis.chapters.demand import explains_nothing

    coefficients = pd.DataFrame({"term": ["Intercept", "share65"], "p_value": [0.0001, 0.39]})
    assert explains_nothing(coefficients, 0.95)
    assert not explains_nothing(coefficients.assign(p_value=[0.0001, 0.01]), 0.95)


@pytest.mark.realdata
def test_the_national_count_model_of_a_real_region_is_one_sentence(real_report, demo_report):
    """Its covariate is not significant: no coefficient table, diagnostics or figure,
    one sentence saying why. The demo's regional model keeps its tables."""
    text = _text(real_report / "report.html").replace("\xa0", " ")
    assert "Národní model: počet zařízení" in text
    assert "a proto se jeho koeficienty, diagnostika ani obrázek neuvádějí" in text
    assert not (real_report / "tables" / "demand_model_coefficients.csv").exists()
    assert (demo_report / "tables" / "demand_model_coefficients.csv").exists()


def test_homes_for_seniors_missing_by_orp_are_named():
    from analysis.chapters.summary import homes_missing

    by_orp = pd.DataFrame(
        {
            "orp_name": ["Aš", "Cheb", "Sokolov", "Cheb"],
            "facility_type": ["Domovy pro seniory"] * 3 + ["Chráněné bydlení"],
            "facilities": [0, 2, 0, 0],
        }
    )
    assert homes_missing(by_orp) == ["Aš", "Sokolov"]
    assert homes_missing(by_orp.iloc[1:2]) == []
    assert homes_missing(by_orp.assign(facilities=[None, 2, 0, 0])) is None
    assert homes_missing(None) is None


@pytest.mark.realdata
def test_the_summary_names_the_orps_without_a_care_home(real_report):
    by_orp = pd.read_csv(real_report / "tables" / "network_facilities_by_orp.csv")
    homes = by_orp[by_orp["facility_type"] == "Domovy pro seniory"]
    missing = homes.loc[homes["facilities"] == 0, "orp_name"].tolist()
    assert missing  # South Moravia has ORPs without one (ČSÚ 2023)
    text = _text(real_report / "report.html").replace("\xa0", " ")
    assert (
        f"Podle ČSÚ není žádný domov pro seniory v těchto ORP ({len(missing)}): "
        + ", ".join(missing)
        in text
    )
    # The ORPs lacking most facility types of the region, from every type's counts.
    every = pd.read_csv(real_report / "tables" / "network_facilities_by_type.csv")
    assert "Z druhů zařízení, které metodika plánuje v každé ORP (" in text
    assert len(every) == 20
