"""Nothing from the data runs in a report: names carrying markup or TeX are shown as text."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from analysis.present.notebook import no_html
from analysis.publish.pipeline import run
from tests.conftest import REPO_ROOT

SCRIPT = "<script>alert('orp')</script>Vzorov"
IMG = "Podpora <img src=x onerror=alert('plan')> seniorů"
TEX = r"$\input{/etc/passwd}$ Lhota"
SERVICE = "<svg onload=alert('service')>Poradna"
TITLE = "Analýza <b onmouseover=alert('title')>kraje</b>"


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


def test_markdown_from_data_cannot_link_out_or_embed_images():
    text = no_html("[x](javascript:alert(1)) ![i](http://e/t.png) [tabulka](#tab-a_b)")
    assert "](javascript" not in text and "![" not in text and "](http" not in text
    assert "[tabulka](#tab-a_b)" in text  # references inside the report still work


def _hostile_copy(data, tmp_path):
    """The demo data with markup and TeX in ORP, plan, service names and in the title."""
    munis = pd.read_csv(data / "territory_municipalities.csv", dtype=str)
    orps = sorted(munis["orp_code"].unique())
    renamed = {orps[0]: SCRIPT, orps[1]: TEX}
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
    services = pd.read_csv(data / "services.csv", dtype=str, keep_default_na=False)
    services.loc[0, "service_name"] = SERVICE
    services.to_csv(data / "services.csv", index=False)
    doc = yaml.safe_load((REPO_ROOT / "params" / "demo.yaml").read_text(encoding="utf-8"))
    doc["title"] = TITLE
    doc["data"]["dir"] = str(data)
    doc["methodology"] = str(REPO_ROOT / "params" / "methodology.yaml")
    run_file = tmp_path / "hostile.yaml"
    run_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return run_file


@pytest.mark.slow
def test_names_with_markup_and_tex_stay_text_in_every_part_of_the_report(demo_copy, tmp_path):
    run_file = _hostile_copy(demo_copy, tmp_path)
    report = run(run_file, demo_copy, tmp_path / "reports", progress=False)
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
    text = " ".join(" ".join(_parsed(report / "report.html").text).split())
    for name in (SCRIPT, IMG, TITLE, TEX):  # (service names are not listed in the report)
        assert name in text, name  # shown to the reader as written
    assert (report / "report.pdf").stat().st_size > 0


def _parsed(path):
    p = _Elements()
    p.feed(path.read_text(encoding="utf-8"))
    return p
