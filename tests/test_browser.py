"""The service catalogue in a real headless browser: search as you type, filters, the
ORP list, keyboard use, and that the page loads nothing from outside."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from analysis.data.loading import load_dataset
from analysis.methods.network import active_services, reference_date
from analysis.methods.service_catalogue import available_in, catalogue_entries, normalise
from analysis.publish.service_catalogue import render_catalogue, write_catalogue
from tests.browser import chrome, console_errors, open_page, screenshot


@pytest.fixture(scope="module")
def driver():
    d = chrome()
    yield d
    d.quit()


@pytest.fixture(scope="module")
def demo(demo_config, tmp_path_factory):
    """The demo catalogue on disk and its entries as the Python side computes them."""
    ds = load_dataset(demo_config)
    page = write_catalogue(render_catalogue(ds, demo_config), tmp_path_factory.mktemp("catalogue"))
    services = active_services(ds.services, reference_date(demo_config.year))
    entries = catalogue_entries(services, ds.service_details, ds.municipalities)
    return page, entries, ds


def _visible(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('article.service'))"
        ".filter(a => !a.hidden && a.offsetParent !== null).map(a => a.id.slice(7));"
    )


def _until(driver, condition) -> None:
    """Wait (at most 10 s) until ``condition()`` holds; the assertion after it says what
    was wrong if it never does."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    with contextlib.suppress(TimeoutException):
        WebDriverWait(driver, 10).until(lambda _d: condition())


def _ready(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.documentElement.dataset.ready === '1'")
    )


def _open(driver, page: Path) -> list[str]:
    """Open the catalogue, wait for its script, return the URLs it requested."""
    urls = open_page(driver, page)
    _ready(driver)
    return urls


def _select(driver, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, element_id)).select_by_value(value)


def test_the_catalogue_loads_only_itself_and_runs_no_blocked_script(driver, demo):
    page, entries, _ = demo
    urls = _open(driver, page)
    assert urls == [page.resolve().as_uri()]
    assert console_errors(driver) == []  # no CSP violation, no script error
    assert driver.execute_script("return document.scripts.length") == 1
    assert _visible(driver) == [e.service_id for e in entries]  # Czech name order
    screenshot(driver, "catalogue-demo-start")


def test_typing_narrows_the_list_to_what_the_python_side_finds(driver, demo):
    from selenium.webdriver.common.by import By

    page, entries, _ = demo
    _open(driver, page)
    box = driver.find_element(By.ID, "q")
    box.send_keys("domov seni")  # "domovy pro seniory", typed without diacritics
    expected = [e.service_id for e in entries if all(w in e.search for w in ("domov", "seni"))]
    assert 0 < len(expected) < len(entries)
    assert _visible(driver) == expected
    count = driver.find_element(By.ID, "pocet").text
    assert count == f"Zobrazené služby: {len(expected)} z {len(entries)}"
    box.clear()
    box.send_keys("Třebíč-neexistující")
    assert _visible(driver) == []
    assert driver.find_element(By.ID, "nic").is_displayed()
    screenshot(driver, "catalogue-demo-nothing-found")


def test_filters_combine_and_the_municipality_filter_includes_field_services(driver, demo):
    from selenium.webdriver.common.by import By

    page, entries, ds = demo
    _open(driver, page)
    _select(driver, "skupina", "seniori")
    _select(driver, "forma", "ter")
    expected = [
        e.service_id
        for e in entries
        if "seniori" in e.target_groups and any(f.form == "ter" for f in e.forms)
    ]
    assert _visible(driver) == expected
    # A municipality without a place of some field service that still serves it.
    munis = ds.municipalities.set_index("municipality_code")["orp_code"]
    code, orp = next(
        (m, o)
        for m, o in munis.items()
        if any(available_in(e, m, o) and m not in e.municipalities for e in entries)
    )
    _select(driver, "forma", "")
    _select(driver, "skupina", "")
    _select(driver, "obec", code)
    expected = [e.service_id for e in entries if available_in(e, code, orp)]
    assert _visible(driver) == expected
    assert any(code not in e.municipalities for e in entries if e.service_id in expected)
    screenshot(driver, "catalogue-demo-municipality")
    driver.find_element(By.ID, "zrusit").click()
    # The form's reset event applies the cleared filters after the reset (a timeout of 0).
    _until(driver, lambda: len(_visible(driver)) == len(entries))
    assert len(_visible(driver)) == len(entries)


def test_the_orp_list_filters_by_orp_and_type_filter_matches(driver, demo):
    from selenium.webdriver.common.by import By

    page, entries, _ = demo
    _open(driver, page)
    button = driver.find_elements(By.CSS_SELECTOR, "button.orp-filter")[0]
    orp = button.get_attribute("data-orp")
    button.click()
    expected = [e.service_id for e in entries if orp in e.orps]
    assert _visible(driver) == expected
    focused = driver.execute_script("return document.activeElement.id")
    assert focused == "vysledky"  # the reader is taken to the results
    row = button.find_element(By.XPATH, "ancestor::tr")
    assert row.find_elements(By.TAG_NAME, "td")[1].text == str(len(expected))
    _select(driver, "orp", "")
    _select(driver, "druh", "13")
    assert _visible(driver) == [e.service_id for e in entries if e.type_code == 13]


def test_keyboard_alone_reaches_search_filters_and_details(driver, demo):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page, entries, _ = demo
    _open(driver, page)
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # the skip link comes first
    assert driver.execute_script("return document.activeElement.className") == "skip"
    active = driver.switch_to.active_element
    active.send_keys(Keys.TAB)
    driver.switch_to.active_element.send_keys("azyl")
    assert driver.execute_script("return document.activeElement.id") == "q"
    shown = _visible(driver)
    assert shown == [e.service_id for e in entries if "azyl" in e.search]
    # Every form control has a label, every details panel a summary.
    unlabeled = driver.execute_script(
        "return Array.from(document.querySelectorAll('input,select'))"
        ".filter(c => c.labels.length === 0).map(c => c.id);"
    )
    assert unlabeled == []
    first = driver.find_element(By.CSS_SELECTOR, f"#sluzba-{shown[0]} summary")
    first.send_keys(Keys.ENTER)
    details = driver.find_element(By.CSS_SELECTOR, f"#sluzba-{shown[0]} details")
    assert details.get_attribute("open") is not None
    assert "Formy a kapacita" in details.text
    screenshot(driver, "catalogue-demo-details")


def test_typing_with_or_without_diacritics_and_case_finds_the_same(driver, demo):
    from selenium.webdriver.common.by import By

    page, entries, _ = demo
    _open(driver, page)
    box = driver.find_element(By.ID, "q")
    found = []
    for typed in ("PEČOVATELSKÁ Služba", "pecovatelska sluzba"):
        box.clear()
        box.send_keys(typed)
        found.append(_visible(driver))
    words = normalise("pečovatelská služba").split()
    expected = [e.service_id for e in entries if all(w in e.search for w in words)]
    assert found == [expected, expected] and expected


def test_the_catalogue_is_written_atomically(tmp_path, monkeypatch):
    folder = tmp_path / "cat"
    write_catalogue("<p>old</p>", folder)

    def broken(self, target):
        raise OSError("disk full")  # the new page is written, but never put in place

    monkeypatch.setattr(Path, "replace", broken)
    with pytest.raises(OSError):
        write_catalogue("<p>new</p>", folder)
    monkeypatch.undo()
    assert (folder / "index.html").read_text(encoding="utf-8") == "<p>old</p>"
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]


def test_typing_a_municipality_offers_the_services_that_come_there(driver, demo):
    from selenium.webdriver.common.by import By

    page, entries, ds = demo
    _open(driver, page)
    munis = ds.municipalities
    names = munis["municipality_name"].value_counts()
    # A municipality with a unique name that some field service serves without a place.
    row = next(
        r
        for r in munis.itertuples()
        if names[r.municipality_name] == 1
        and any(
            available_in(e, r.municipality_code, r.orp_code)
            and r.municipality_code not in e.municipalities
            for e in entries
        )
    )
    driver.find_element(By.ID, "q").send_keys(row.municipality_name)
    offer = driver.find_element(By.ID, "obec-navrh")
    assert offer.is_displayed()
    assert row.municipality_name in offer.text
    driver.find_element(By.ID, "obec-navrh-tlacitko").click()
    expected = [
        e.service_id for e in entries if available_in(e, row.municipality_code, row.orp_code)
    ]
    assert _visible(driver) == expected
    assert driver.find_element(By.ID, "q").get_attribute("value") == ""
    assert not offer.is_displayed()
    screenshot(driver, "catalogue-demo-municipality-offer")
