"""The electronic catalogue of social services: one self-contained HTML page.

Built from the validated registry (:mod:`analysis.methods.service_catalogue`). The page
loads nothing: its style and script are inline, and a Content-Security-Policy allows
exactly those two blocks (by hash), no other script, no image, no font, no connection.
Every text from the data goes through Jinja's autoescaping; the script only shows and
hides entries already in the page. The catalogue is written atomically (the previous
one stays until the new one is complete).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import czech_sort
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from analysis import __version__
from analysis.codelists import FORMS, TARGET_GROUPS
from analysis.data.dataset import Dataset
from analysis.errors import SocplanError
from analysis.methods.network import active_services, reference_date
from analysis.methods.service_catalogue import CatalogueEntry, catalogue_entries, orp_summary
from analysis.params import RunConfig
from analysis.present.czech import CAPACITY_NOUNS, count, plural
from analysis.present.formatting import number
from analysis.resources import templates_dir

CATALOGUE_FILE = "index.html"


class CatalogueError(SocplanError):
    """The data cannot make a truthful catalogue (e.g. the registry is only a sample)."""


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _raw_block(text: str, tag: str) -> Markup:
    """CSS or script from the package, inserted verbatim (it must not close its tag)."""
    if f"</{tag}" in text.lower():
        raise ValueError(f"the catalogue's {tag} must not contain '</{tag}'")
    return Markup(text)


def web_href(address: str) -> str:
    """A validated web address as a link target (https unless the data give a scheme)."""
    return address if address.startswith(("http://", "https://")) else f"https://{address}"


def _options(entries: list[CatalogueEntry], ds: Dataset) -> dict:
    """The filters' options in Czech order: only values some entry has."""
    types = sorted(
        {(str(e.type_code), e.type_name) for e in entries},
        key=lambda o: czech_sort.key(o[1]),
    )
    groups = [
        (g, label)
        for g, label in TARGET_GROUPS.items()
        if any(g in e.target_groups for e in entries)
    ]
    forms = [
        (f, label)
        for f, label in FORMS.items()
        if any(f == x.form for e in entries for x in e.forms)
    ]
    munis = ds.municipalities
    orps = sorted(
        munis.drop_duplicates("orp_code")[["orp_code", "orp_name"]].itertuples(index=False),
        key=lambda o: czech_sort.key(o[1]),
    )
    municipalities = sorted(
        munis[["municipality_code", "municipality_name", "orp_code", "orp_name"]].itertuples(
            index=False
        ),
        key=lambda m: (czech_sort.key(m[1]), czech_sort.key(m[3])),
    )
    names = [m[1] for m in municipalities]
    # Two municipalities of one name are told apart by their ORP.
    return {
        "types": [(c, label[0].upper() + label[1:]) for c, label in types],
        "groups": [(g, label[0].upper() + label[1:]) for g, label in groups],
        "forms": [(f, label[0].upper() + label[1:]) for f, label in forms],
        "orps": [(c, n) for c, n in orps],
        "municipalities": [
            (m[0], m[1] if names.count(m[1]) == 1 else f"{m[1]} (ORP {m[3]})", m[2])
            for m in municipalities
        ],
    }


def render_catalogue(ds: Dataset, config: RunConfig, commit: str = "") -> str:
    """The catalogue page of the region's services registered on 1 January of the year."""
    if not ds.is_complete("services"):
        raise CatalogueError(
            "the registry of this run is not complete (a sample or absent): a catalogue "
            "would leave out services people look for; give the complete registry (RPSS)"
        )
    day = reference_date(config.year)
    services = active_services(ds.services, day)
    entries = catalogue_entries(services, ds.service_details, ds.municipalities)
    root = templates_dir()
    css = (root / "catalogue.css").read_text(encoding="utf-8")
    script = (root / "catalogue.js").read_text(encoding="utf-8")
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["number"] = number
    env.filters["capacity"] = lambda f: count(f.capacity, CAPACITY_NOUNS[f.unit])
    env.filters["web_href"] = web_href
    template = env.from_string((root / "catalogue.html.j2").read_text(encoding="utf-8"))
    sources = [config.sources.get("services", "registr poskytovatelů sociálních služeb")]
    if ds.is_complete("service_details") and "service_details" in config.sources:
        sources.append(config.sources["service_details"])
    return template.render(
        region=config.region.name,
        date=f"{day.day}.\u00a0{day.month}.\u00a0{day.year}",
        count_text=plural(
            len(entries),
            (
                "{n} sociální službu registrovanou",
                "{n} sociální služby registrované",
                "{n} sociální služby registrované",
                "{n} sociálních služeb registrovaných",
            ),
        ),
        synthetic=config.synthetic,
        entries=entries,
        orp_rows=orp_summary(entries, ds.municipalities).to_dict("records"),
        css=_raw_block(css, "style"),
        script=_raw_block(script, "script"),
        style_hash=_csp_hash(css),
        script_hash=_csp_hash(script),
        sources="; ".join(sources),
        version=__version__,
        commit=commit,
        **_options(entries, ds),
    )


def write_catalogue(html_text: str, folder: Path) -> Path:
    """Write ``folder/index.html`` atomically; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / CATALOGUE_FILE
    tmp = folder / f".{CATALOGUE_FILE}.tmp"
    try:
        tmp.write_text(html_text, encoding="utf-8", newline="\n")
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
