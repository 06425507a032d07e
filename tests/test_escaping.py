"""Nothing from the data runs in a report: names carrying markup or TeX are shown as text."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.present.notebook import names_as_text, no_html
from analysis.publish.pipeline import run
from analysis.resources import templates_dir
from tests.conftest import REPO_ROOT

# Each payload, if it ever ran in a browser, would set window.__pwned (tests/test_browser).
SCRIPT = "<script>window.__pwned='orp'</script>Vzorov"
IMG = "Podpora <img src=x onerror=\"window.__pwned='plan'\"> seniorů"
TEX = r"$\input{/etc/passwd}$ Lhota"
SERVICE = "<svg onload=\"window.__pwned='service'\">Poradna"
TITLE = "Analýza <b onmouseover=\"window.__pwned='title'\">kraje</b>"
PROVIDER = "</script><script>window.__pwned='provider'</script>"
MARKDOWN = "**Tučné** _Lhotsko_ [odkaz] `kód`"


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of a parsed document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_markdown_text_shows_tags_as_text():
    assert no_html("**Vzorov** <script>x</script> & spol.") == (
        "**Vzorov** &lt;script&gt;x&lt;/script&gt; &amp; spol."
    )
    assert no_html("> **Upozornění:** a > b") == "> **Upozornění:** a &gt; b"  # quote kept


def test_names_with_markdown_are_text_in_computed_text():
    from nbconvert.filters.markdown import markdown2html

    text = names_as_text(f"V ORP {MARKDOWN} chybí *jedna* služba.", [MARKDOWN])
    rendered = markdown2html(no_html(text))
    assert "<strong>" not in rendered and "<code>" not in rendered
    assert "<em>jedna</em>" in rendered  # the report's own emphasis stays
    plain = _Elements()
    plain.feed(rendered)
    assert MARKDOWN in "".join(plain.text)


def test_markdown_from_data_cannot_link_out_or_embed_images():
    text = no_html("[x](javascript:alert(1)) ![i](http://e/t.png) [tabulka](#tab-a_b)")
    assert "](javascript" not in text and "![" not in text and "](http" not in text
    assert "[tabulka](#tab-a_b)" in text  # references inside the report still work


def _hostile_copy(data, tmp_path):
    """The demo data with markup and TeX in ORP, plan, service names and in the title."""
    munis = pd.read_csv(data / "territory_municipalities.csv", dtype=str)
    orps = sorted(munis["orp_code"].unique())
    renamed = {orps[0]: SCRIPT, orps[1]: TEX, orps[2]: MARKDOWN}
    munis["orp_name"] = munis["orp_code"].map(renamed).fillna(munis["orp_name"])
    munis.to_csv(data / "territory_municipalities.csv", index=False)
    geo = json.loads((data / "territory_orp.geojson").read_text(encoding="utf-8"))
    for feature in geo["features"]:
        code = feature["properties"]["orp_code"]
        feature["properties"]["orp_name"] = renamed.get(code, feature["properties"]["orp_name"])
    (data / "territory_orp.geojson").write_text(json.dumps(geo, ensure_ascii=False), "utf-8")
    priorities = pd.read_csv(data / "plan_priorities.csv", dtype=str)
    priorities.loc[0, "name"] = IMG
    priorities.to_csv(data / "plan_priorities.csv", index=False)
    # Intentions' names are quoted in the computed text of the plan chapter.
    intentions = pd.read_csv(data / "action_plan.csv", dtype=str, keep_default_na=False)
    intentions["name"] = MARKDOWN + " " + intentions["intention_id"]
    intentions.to_csv(data / "action_plan.csv", index=False)
    services = pd.read_csv(data / "services.csv", dtype=str, keep_default_na=False)
    services.loc[0, "service_name"] = SERVICE
    services.loc[services["service_id"] == services.loc[0, "service_id"], "service_name"] = SERVICE
    running = services.loc[services["active_to"].eq("") & services.index.to_series().gt(0)]
    active = services["service_id"] == running["service_id"].iloc[0]
    services.loc[active, "provider_name"] = PROVIDER
    services.to_csv(data / "services.csv", index=False)
    doc = yaml.safe_load((REPO_ROOT / "params" / "demo.yaml").read_text(encoding="utf-8"))
    doc["title"] = TITLE
    doc["data"]["dir"] = str(data)
    doc["methodology"] = str(REPO_ROOT / "params" / "methodology.yaml")
    run_file = tmp_path / "hostile.yaml"
    run_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return run_file


@pytest.fixture(scope="module")
def hostile_report(demo_dir, tmp_path_factory):
    """The demo report built from data whose names carry markup, TeX and script."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    data = Path(shutil.copytree(demo_dir, tmp_path / "data"))
    run_file = _hostile_copy(data, tmp_path)
    return run(run_file, data, tmp_path / "reports", progress=False)


@pytest.mark.slow
def test_names_with_markup_and_tex_stay_text_in_every_part_of_the_report(hostile_report):
    report = hostile_report
    documents = [report / "report.html", *sorted((report / "orp").glob("*.html"))]
    for doc in documents:
        parsed = _Elements()
        parsed.feed(doc.read_text(encoding="utf-8"))
        tags = {tag for tag, _ in parsed.tags}
        assert not tags & {"script", "svg", "b", "iframe", "object"}, doc.name
        handlers = [(t, k) for t, attrs in parsed.tags for k in attrs if k.startswith("on")]
        assert handlers == [], doc.name
        images = [a.get("src", "") for t, a in parsed.tags if t == "img"]
        assert all(src.startswith("data:image/png;base64,") for src in images), doc.name
    page = (report / "report.html").read_text(encoding="utf-8")
    assert "<strong>Tučné</strong>" not in page and "<code>kód</code>" not in page
    assert "<em>Lhotsko</em>" not in page
    text = " ".join(" ".join(_parsed(report / "report.html").text).split())
    for name in (SCRIPT, IMG, TITLE, TEX, MARKDOWN):  # (service names are not listed)
        assert name in text, name  # shown to the reader as written
    assert (report / "report.pdf").stat().st_size > 0


@pytest.mark.slow
def test_the_catalogue_holds_only_its_own_script_and_shows_names_as_text(hostile_report):
    page = hostile_report / "catalogue" / "index.html"
    parsed = _parsed(page)
    tags = [tag for tag, _ in parsed.tags]
    assert tags.count("script") == 1 and not {"svg", "b", "img", "iframe"} & set(tags)
    handlers = [(t, k) for t, attrs in parsed.tags for k in attrs if k.startswith("on")]
    assert handlers == []
    own = (templates_dir() / "catalogue.js").read_text(encoding="utf-8")
    script_at = tags.index("script")
    assert parsed.text.count(own) == 1 and script_at == len(tags) - 1
    text = " ".join(parsed.text)
    for name in (SERVICE, PROVIDER, SCRIPT):  # service, provider and ORP names
        assert name in text, name


def _parsed(path):
    p = _Elements()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.mark.slow
def test_in_a_browser_no_payload_runs_and_no_page_loads_anything(hostile_report):
    from selenium.webdriver.common.by import By

    from tests.browser import chrome, console_errors, open_page, screenshot

    driver = chrome()
    try:
        pages = [
            (hostile_report / "report.html", 0),
            (hostile_report / "catalogue" / "index.html", 1),
            (next((hostile_report / "orp").glob("*.html")), 0),
        ]
        for page, scripts in pages:
            urls = open_page(driver, page)
            outside = [
                u for u in urls if u != page.resolve().as_uri() and not u.startswith("data:")
            ]
            assert outside == [], page.name
            assert driver.execute_script("return window.__pwned === undefined"), page.name
            assert driver.execute_script("return document.scripts.length") == scripts
            assert console_errors(driver) == [], page.name
        # The catalogue finds the hostile name as text and shows it as written.
        open_page(driver, hostile_report / "catalogue" / "index.html")
        driver.find_element(By.ID, "q").send_keys("svg onload")
        shown = driver.execute_script(
            "return Array.from(document.querySelectorAll('article.service'))"
            ".filter(a => !a.hidden).map(a => a.querySelector('h3').textContent);"
        )
        assert shown == [SERVICE]
        assert driver.execute_script("return window.__pwned === undefined")
        screenshot(driver, "catalogue-hostile-names")
    finally:
        driver.quit()
