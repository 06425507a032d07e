"""The national overview: regions side by side, after a batch (``reports/<year>/CZ/``).

Built only from what the regions' reports published (their ``tables/*.csv``) and from
the regions' validated datasets for the maps (ORP polygons) and for the completeness of
each input, so that every number in it equals the region's own report and a measure
that needs a complete registry of services or the services' accounts is shown only for
regions that had them. Synthetic regions (the demo) are never part of it.

The folder holds ``report.html``, ``report.pdf``, ``tables/`` (CSV), ``figures/`` (PNG)
and ``manifest.json`` (the SHA-256 of every region's manifest and table read, of every
output, the versions and the commit); it is published atomically like a region's report.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import shapely

from analysis import __version__
from analysis.catalogue import load_catalogue
from analysis.data.dataset import sha256_file
from analysis.data.loading import load_dataset
from analysis.data.source_files import shared_reads
from analysis.errors import PipelineError
from analysis.methods import demand
from analysis.methods import regional_comparison as rc
from analysis.params import Methodology, RunConfig
from analysis.present import formatting
from analysis.present.czech import count
from analysis.present.maps import choropleth
from analysis.present.notebook import Chapter
from analysis.publish.atomic import build_folder, publish_folder, remove_stale
from analysis.publish.cache import BuildCache
from analysis.publish.document import Document
from analysis.publish.manifest import package_versions

NATIONAL_CODE = "CZ"
MIN_REGIONS_MAP = 4  # fewer regions: a map of classes would only repeat the table
TABLE_REGIONS = 7  # region columns per table that fit the page
TABLES = (
    "demand_projection_region",
    "demand_need_figure",
    "demand_ageing_by_orp",
    "network_facilities_by_type",
    "network_coverage_by_type",
    "network_white_spots_orp",
    "demand_service_gaps",
    "finance_compensation_types",
)


def _cite(*source_ids: str) -> str:
    sources = load_catalogue().sources
    parts = [f"{sources[s].publisher}, {sources[s].title}" for s in source_ids]
    return "Zdroj: " + "; ".join([*parts, "výroční zprávy krajů (socplan), výpočet socplan"])


def _read_tables(report: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name in TABLES:
        path = report / "tables" / f"{name}.csv"
        if path.is_file():
            try:
                out[name] = pd.read_csv(path, dtype={"orp_code": str})
            except pd.errors.EmptyDataError:  # a table with no rows and no columns
                out[name] = pd.DataFrame()
    return out


def build_overview(
    configs: list[RunConfig],
    reports_dir: Path,
    commit: str,
    dpi: int = 150,
    cache: BuildCache | None = None,
) -> Path:
    """Compare the published reports of ``configs`` (one year, real regions) and publish
    the overview in ``<reports_dir>/<year>/CZ``; returns that folder. With a build
    ``cache``, an unchanged overview's PDF is restored instead of rendered."""
    configs = [c for c in configs if not c.synthetic]
    years = {c.year for c in configs}
    if len(configs) < 2 or len(years) != 1:
        raise PipelineError(
            "the national overview needs published reports of at least two real regions "
            f"of one year (got {len(configs)} regions, years {sorted(years)})"
        )
    year = years.pop()
    root = Path(reports_dir) / str(year)
    names, tables, polygons, inputs = {}, {}, [], {}
    complete_registry, complete_finance = set(), set()
    with shared_reads():
        for config in sorted(configs, key=lambda c: c.region.code):
            code = config.region.code
            report = root / code
            if not (report / "manifest.json").is_file():
                raise PipelineError(f"{report}: no published report of {code} for {year}")
            names[code] = config.region.name
            tables[code] = _read_tables(report)
            inputs[code] = {
                "manifest_sha256": sha256_file(report / "manifest.json"),
                "tables": {
                    n: sha256_file(report / "tables" / f"{n}.csv") for n in sorted(tables[code])
                },
            }
            ds = load_dataset(config)
            polygons.append(ds.orp_polygons.assign(region_code=code, region=config.region.name))
            if ds.is_complete("services"):
                complete_registry.add(code)
            if ds.is_complete("finance"):
                complete_finance.add(code)

    def frames(name: str) -> dict[str, pd.DataFrame]:
        return {c: t[name] for c, t in tables.items() if name in t}

    results = {
        "national_population": rc.population_overview(frames("demand_projection_region"), names),
        "national_need": rc.need_overview(frames("demand_need_figure"), names),
        "national_facilities": rc.facility_rates(frames("network_facilities_by_type"), names),
        "national_coverage": rc.coverage_overview(
            frames("network_coverage_by_type"), names, complete_registry
        ),
        "national_white_spots": rc.white_spots(
            frames("network_white_spots_orp"), names, complete_registry
        ),
        "national_shortages": rc.shortages(frames("demand_service_gaps"), names, complete_registry),
        "national_finance": rc.finance_overview(
            frames("finance_compensation_types"), names, complete_finance
        ),
    }
    orps = pd.concat(polygons, ignore_index=True)
    doc, figures = _document(
        year,
        names,
        results,
        orps,
        frames("demand_ageing_by_orp"),
        complete_registry,
        complete_finance,
        commit,
        dpi,
        configs[0].methodology,
    )
    final = root / NATIONAL_CODE
    remove_stale(root)
    build = build_folder(final)
    try:
        (build / "tables").mkdir()
        for name, df in results.items():
            (build / "tables" / f"{name}.csv").write_bytes(Chapter._csv(df))
        (build / "figures").mkdir()
        for name, png in figures.items():
            (build / "figures" / f"{name}.png").write_bytes(png)
        doc.write(build, "report", cache)
        manifest = {
            "socplan_version": __version__,
            "year": year,
            "regions": inputs,
            "outputs": {
                p.relative_to(build).as_posix(): sha256_file(p)
                for p in sorted(build.rglob("*"))
                if p.is_file()
            },
            "environment": {"packages": package_versions()},
            "git": {"commit": commit},
        }
        (build / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
        )
        publish_folder(build, final)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return final


def _region_polygons(orps: pd.DataFrame) -> pd.DataFrame:
    """One polygon per region: the union of its ORPs (keyed as ``orp_code`` for the map)."""
    rows = [
        {
            "orp_code": code,
            "orp_name": g["region"].iloc[0],
            "geometry": shapely.union_all(g["geometry"].to_numpy()),
        }
        for code, g in orps.groupby("region_code", sort=True)
    ]
    return pd.DataFrame(rows)


def _document(
    year: int,
    names: dict[str, str],
    results: dict[str, pd.DataFrame],
    orps: pd.DataFrame,
    ageing: dict[str, pd.DataFrame],
    complete_registry: set[str],
    complete_finance: set[str],
    commit: str,
    dpi: int,
    methodology: Methodology,
) -> tuple[Document, dict[str, bytes]]:
    n = len(names)
    pop = results["national_population"]
    base_year = int(pop["base_year"].min()) if pop["base_year"].notna().any() else None
    last_year = int(pop["horizon_year"].max()) if pop["horizon_year"].notna().any() else None
    target = demand.need_year(year, base_year, methodology) if base_year else None
    doc = Document(
        f"Kraje v přehledu {year}",
        "Sociální služby, obyvatelstvo a potřeby: srovnání krajů z jejich výročních zpráv",
        {
            "Výroční zprávy za rok": str(year),
            "Kraje": ", ".join(names[c] for c in sorted(names)),
            "Stav obyvatelstva": f"k 1. 1. {base_year}" if base_year else "chybí",
            "Projekce": f"do roku {last_year}; potřeba v roce {target}" if target else "chybí",
            "Vytvořeno": f"socplan {__version__}, commit {commit[:12]}",
        },
    )
    figures: dict[str, bytes] = {}
    doc.heading("Jak přehled vznikl")
    doc.paragraph(
        f"Přehled staví vedle sebe {count(n, 'kraj')}, jejichž výroční zprávy za rok {year} "
        "socplan vytvořil. Čísla přehledu jsou převzata z tabulek těchto zpráv, proto se "
        "shodují s tím, co uvádí zpráva každého kraje; přehled nic nepřepočítává jinak. "
        "Ukazatele, které vyžadují úplný registr poskytovatelů sociálních služeb nebo výkazy "
        "nákladů a výnosů služeb, uvádí jen u krajů, které tato data měly."
    )
    without_registry = [names[c] for c in sorted(names) if c not in complete_registry]
    without_finance = [names[c] for c in sorted(names) if c not in complete_finance]
    if without_registry:
        doc.paragraph(
            "Registrovanou kapacitu, pokrytí, bílá místa a mezery mezi potřebou a kapacitou "
            "přehled neuvádí u těchto krajů, protože jejich zprávy neměly úplný registr "
            f"poskytovatelů: {', '.join(without_registry)}.",
            "note",
        )
    if without_finance:
        doc.paragraph(
            "Ukazatele financování (odůvodněné náklady, veřejné zdroje, překompenzace) "
            "přehled neuvádí u těchto krajů, protože výkazy služeb nejsou otevřenými daty: "
            f"{', '.join(without_finance)}.",
            "note",
        )

    doc.heading("Obyvatelstvo a jeho stárnutí")
    if base_year is not None:
        changes = "; ".join(
            f"{r.region} {formatting.signed(r.seniors_change, 1)} %"
            for r in pop.dropna(subset=["seniors_change"]).itertuples()
        )
        doc.paragraph(
            f"Tabulka uvádí počet obyvatel a osob ve věku 65 a více let k 1. 1. {base_year} "
            f"a podle projekce v roce {last_year} (střední varianta; celkový počet obyvatel i "
            f"v nízké a vysoké variantě). Změna počtu osob 65+ do roku {last_year}: {changes}."
        )
    doc.table(
        pop,
        "Obyvatelstvo a osoby ve věku 65+ podle krajů: stav a projekce",
        _cite("national_age", "population_series"),
        labels={
            "region_code": "kód",
            "region": "kraj",
            "base_year": "rok stavu",
            "population": "počet obyvatel k 1. 1.",
            "seniors": "osoby 65+",
            "seniors_share": "podíl 65+ (%)",
            "horizon_year": "rok projekce",
            "population_horizon": "obyvatelé, střední varianta",
            "population_horizon_low": "obyvatelé, nízká varianta",
            "population_horizon_high": "obyvatelé, vysoká varianta",
            "seniors_horizon": "osoby 65+, střední varianta",
            "seniors_share_horizon": "podíl 65+ (%), střední varianta",
            "seniors_change": "změna osob 65+ (%)",
        },
        formats={
            "base_year": formatting.year,
            "horizon_year": formatting.year,
            "seniors_share": formatting.fmt(1),
            "seniors_share_horizon": formatting.fmt(1),
            "seniors_change": formatting.fmt_signed(1),
        },
    )
    shares = pop.set_index("region_code")["seniors_share"].dropna()
    if len(shares) >= MIN_REGIONS_MAP:
        fig = choropleth(
            _region_polygons(orps),
            shares,
            f"Podíl osob ve věku 65+ k 1. 1. {base_year}",
            "podíl 65+ (%)",
            label_column="orp_name",
        )
        figures["map_regions_seniors"] = doc.figure(
            fig, f"Podíl osob 65+ podle krajů k 1. 1. {base_year}", _cite("orp_census"), dpi
        )
        plt.close(fig)
    else:
        doc.paragraph(
            f"Mapa krajů se kreslí od {count(MIN_REGIONS_MAP, 'kraj')}: u menšího počtu by "
            "barevné třídy jen opakovaly hodnoty tabulky.",
            "note",
        )
    share = rc.orp_indicator(ageing, "seniors_share")
    if not share.empty:
        fig = choropleth(
            orps,
            share,
            f"Podíl osob ve věku 65+ podle ORP k 1. 1. {base_year}",
            "podíl 65+ (%), kvantilové třídy",
            label_column=None,
        )
        figures["map_orp_seniors"] = doc.figure(
            fig,
            f"Podíl osob 65+ podle ORP k 1. 1. {base_year} (třídy se stejným počtem ORP)",
            _cite("orp_census"),
            dpi,
        )
        plt.close(fig)

    need = results["national_need"]
    level = formatting.percent_adjective(methodology.demand.interval_level.value)
    doc.heading("Potřeba podle cílových skupin")
    doc.paragraph(
        f"Odhad počtu osob, které potřebují sociální službu, podle cílových skupin plánování "
        f"v roce {target} (střední varianta projekce), s {level} intervalem nejistoty ze "
        "zprávy kraje. Míry potřeby jsou parametry metodiky, stejné pro všechny kraje: "
        "rozdíly mezi kraji proto vyjadřují velikost a věkové složení skupin, ne rozdílnou "
        "potřebu na osobu. Počty jsou zaokrouhleny na 5 k ochraně důvěrnosti údajů."
    )
    doc.table(
        need.drop(columns=["region_code", "group"]),
        f"Osoby s potřebou sociální služby podle krajů a cílových skupin, rok {target}",
        _cite("national_age"),
        labels={
            "region": "kraj",
            "group_name": "cílová skupina",
            "low": "dolní mez intervalu",
            "median": "medián",
            "high": "horní mez intervalu",
            "median_per_1000": "medián na 1 000 osob referenční věkové skupiny",
        },
        formats={"median_per_1000": formatting.fmt(1)},
    )

    per = methodology.network.facility_rate_per.value
    doc.heading("Zařízení sociálních služeb (statistika ČSÚ)")
    doc.paragraph(
        f"Počet zařízení daného druhu na {formatting.number(per)} obyvatel referenční věkové "
        "skupiny, jak ho uvádějí zprávy krajů, a hodnota za Česko; sloupce jsou označeny "
        "kódy krajů (názvy v tabulce 1). Statistika ČSÚ počítá zařízení, ne jejich "
        "kapacitu; u jednotek zařízení je míra jen orientační."
    )
    facilities = results["national_facilities"]
    codes = [c for c in facilities.columns[2:] if c != NATIONAL_CODE]
    chunks = [codes[i : i + TABLE_REGIONS] for i in range(0, len(codes), TABLE_REGIONS)]
    for i, chunk in enumerate(chunks, start=1):
        part = f" ({i}. část)" if len(chunks) > 1 else ""
        doc.table(
            facilities[["facility_type", "reference_ages", *chunk, NATIONAL_CODE]],
            f"Zařízení na {formatting.number(per)} obyvatel referenční věkové skupiny podle "
            f"krajů{part}",
            _cite("facility_counts_orp", "facility_counts_regions"),
            labels={
                "facility_type": "druh zařízení",
                "reference_ages": "věková skupina",
                NATIONAL_CODE: "Česko",
                **{c: c for c in chunk},
            },
            formats={c: formatting.fmt(1) for c in [*chunk, NATIONAL_CODE]},
        )

    if complete_registry:
        doc.heading("Registrovaná kapacita, dostupnost, bílá místa a mezery")
        doc.table(
            results["national_coverage"],
            "Registrovaná kapacita na obyvatele referenční skupiny podle druhu služby",
            _cite("registry_catalogue"),
            labels={"service_type": "druh služby"},
        )
        doc.table(
            results["national_white_spots"],
            "Počet bílých míst (ORP × druh služby bez dosažitelné služby)",
            _cite("registry_catalogue"),
            labels={"region": "kraj", "white_spots": "bílá místa"},
        )
        doc.table(
            results["national_shortages"],
            f"Oblasti s nedostatkem kapacity a souhrnná mezera v roce {target} (medián a interval)",
            _cite("registry_catalogue", "national_age"),
        )
    if complete_finance:
        doc.heading("Financování služeb")
        doc.table(
            results["national_finance"],
            "Odůvodněné náklady, veřejné výnosy a překompenzace služeb podle krajů",
            "Zdroj: výkazy služeb v krajských zprávách; výpočet socplan",
        )
    return doc, figures
