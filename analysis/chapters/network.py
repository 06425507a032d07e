"""Chapter 01_network: inventory, coverage, accessibility, white spots, interconnection."""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.figure
import pandas as pd

from analysis.chapters._network_changes import ChangeSection, change_section
from analysis.codelists import CAPACITY_UNITS, SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods import network_indicators as na
from analysis.methods.demography import latest_year_with_ages, orp_names
from analysis.methods.network import (
    active_services,
    capacity_by_type,
    orp_overview,
    reference_date,
)
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.completeness import services_note
from analysis.present.czech import count
from analysis.present.figures import percent_heatmap
from analysis.present.maps import choropleth, point_map
from analysis.shared_results import once_per_dataset


@dataclass
class TypeMaps:
    code: int
    name: str
    coverage: matplotlib.figure.Figure | None
    access: matplotlib.figure.Figure | None
    distance: matplotlib.figure.Figure | None


@dataclass
class NetworkChapter:
    services: pd.DataFrame
    population_year: int
    intro: str
    capacity_by_type: pd.DataFrame
    capacity_by_orp: pd.DataFrame
    senior_beds_map: matplotlib.figure.Figure | None
    orp_text: str
    orp_labels: dict[str, str]
    coverage_text: str
    access_text: str
    white_spot_text: str
    municipality_rows: int
    inventory_districts: pd.DataFrame
    inventory_municipalities: pd.DataFrame
    registry: ChangeSection
    coverage_summary: pd.DataFrame
    coverage_orp: pd.DataFrame
    access_summary: pd.DataFrame
    access_orp: pd.DataFrame
    white_spot_orps: pd.DataFrame
    white_spot_municipalities: pd.DataFrame
    heatmap: matplotlib.figure.Figure | None
    white_spot_map: matplotlib.figure.Figure | None
    interconnection: pd.DataFrame
    maps: list[TypeMaps] = field(default_factory=list)
    rules_text: str = ""
    # Facility counts of ČSÚ (real regions): what can be said without a full registry.
    facilities_text: str = ""
    facilities_by_type: pd.DataFrame = field(default_factory=pd.DataFrame)
    facilities_by_orp: pd.DataFrame = field(default_factory=pd.DataFrame)
    facilities_map: matplotlib.figure.Figure | None = None
    facilities_map_caption: str = "Zařízení sociálních služeb na obyvatele podle ORP (ČSÚ)"
    facilities_caption: str = "Zařízení sociálních služeb podle druhu (ČSÚ)"
    facilities_by_orp_caption: str = "Zařízení vybraných druhů podle ORP"
    facilities_year: int | None = None
    facility_labels: dict[str, str] = field(default_factory=dict)
    facility_orp_labels: dict[str, str] = field(default_factory=dict)
    missing: str = ""
    missing_short: str = ""  # the same, once more at each section, without the how-to


@once_per_dataset
def prepare(ds: Dataset, methodology: Methodology, year: int) -> NetworkChapter:
    """Inventory, coverage, accessibility, white spots and interconnection of the year.

    Distances are road distances where the dataset has a road-distance table, else
    great-circle distances times the detour factor.
    """
    road = ds.road_distances
    net = methodology.network
    rules = net.service_types.value
    per = net.per_population.value
    complete = ds.is_complete("services")
    # Nothing is computed from a sample or an absent registry: the tables stay empty and
    # the chapter says what is missing (facility counts of ČSÚ stand in where present).
    services = active_services(ds.services, reference_date(year))
    if not complete:
        services = services.iloc[0:0]
    pop_year = latest_year_with_ages(ds.population, ds.municipalities, year, 0) or year
    names = orp_names(ds.municipalities)
    munis = ds.municipalities

    inv_d = na.inventory_by_area(services, munis, "district_code")
    inv_d.insert(
        1,
        "district_name",
        inv_d["district_code"].map(
            munis.drop_duplicates("district_code").set_index("district_code")["district_name"]
        ),
    )
    inv_m = na.inventory_by_area(services, munis, "municipality_code")
    inv_m.insert(
        1,
        "municipality_name",
        inv_m["municipality_code"].map(munis.set_index("municipality_code")["municipality_name"]),
    )

    empty = services.empty
    acc = (
        pd.DataFrame()
        if empty
        else na.accessibility(
            services,
            munis,
            ds.population,
            pop_year,
            rules,
            net.detour_factor.value,
            net.e2sfca_zones.value,
            per,
            road,
        )
    )
    cov = (
        pd.DataFrame()
        if empty
        else na.coverage(services, munis, ds.population, pop_year, rules, per)
    )
    if empty:
        access_summary = access_orp = ws = ws_munis = pd.DataFrame()
        heat = ws_map = None
    else:
        access_summary = na.accessibility_summary(acc, services, rules)
        access_orp = na.orp_accessibility(acc, munis)
        ws_all = na.white_spots(access_orp, net.partial_coverage_share.value, rules)
        spots = ws_all[ws_all["status"] == "bílé místo"].groupby("orp_code").size()
        ws_map = choropleth(
            ds.orp_polygons,
            spots.reindex(sorted(munis["orp_code"].unique()), fill_value=0),
            "",
            "počet druhů služeb bez dosahu",
            decimals=0,
            cmap="Reds",
        )
        ws = ws_all[ws_all["status"] != "pokryto"].copy()
        ws.insert(1, "orp_name", ws["orp_code"].map(names))
        ws.insert(
            3, "service_type", ws["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short)
        )
        ws = ws.sort_values(["service_type_code", "covered_share", "orp_code"])
        ws_munis = na.municipality_white_spots(acc, rules)
        ws_munis.insert(
            1,
            "service_type",
            ws_munis["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short),
        )
        # Reach within the ORP matters only for the types planned locally.
        local = access_orp[access_orp["service_type_code"].isin(na.local_types(rules))]
        matrix = local.pivot(index="orp_code", columns="service_type_code", values="covered_share")
        matrix.index = [names[o] for o in matrix.index]
        matrix.columns = [SERVICE_TYPES[int(c)].short for c in matrix.columns]
        heat = percent_heatmap(matrix, "podíl referenční populace v dosahu (%)")

    maps = []
    for code in net.map_types.value:
        if empty or code not in set(services["service_type_code"]):
            maps.append(TypeMaps(code, SERVICE_TYPES[code].name, None, None, None))
            continue
        unit = acc.loc[acc["service_type_code"] == code, "capacity_unit"].iloc[0]
        c = cov[(cov["service_type_code"] == code) & (cov["capacity_unit"] == unit)]
        a = access_orp[access_orp["service_type_code"] == code].set_index("orp_code")
        ages = c["reference_ages"].iloc[0]
        unit_name = CAPACITY_UNITS[unit]
        cov_map = choropleth(
            ds.orp_polygons,
            c.set_index("orp_code")["rate"],
            "",
            f"{unit_name} na {per:,} obyv. {ages}".replace(",", " "),
            decimals=1,
        )
        acc_map = choropleth(
            ds.orp_polygons,
            a["ae2sfca"],
            "",
            f"E2SFCA: {unit_name} na {per:,} obyv. {ages}".replace(",", " "),
            decimals=1,
            cmap="PuBu",
        )
        dist = acc[acc["service_type_code"] == code].merge(
            munis[["municipality_code", "lat", "lon"]], on="municipality_code"
        )
        sites = services[services["service_type_code"] == code]
        dist_map = point_map(
            ds.orp_polygons,
            dist,
            "nearest_km",
            "",
            "vzdálenost k nejbližšímu místu (km)",
            decimals=0,
            sites=sites,
            sites_label="místo služby",
        )
        maps.append(TypeMaps(code, SERVICE_TYPES[code].name, cov_map, acc_map, dist_map))

    cov_orp = pd.DataFrame()
    if not cov.empty:
        cov_orp = cov[cov["service_type_code"].isin(net.map_types.value)].copy()
        cov_orp.insert(1, "orp_name", cov_orp["orp_code"].map(names))
        cov_orp.insert(
            3,
            "service_type",
            cov_orp["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short),
        )
        cov_orp["capacity_unit"] = cov_orp["capacity_unit"].map(CAPACITY_UNITS)
    cov_sum = na.coverage_summary(cov, rules)
    if not cov_sum.empty:
        cov_sum["capacity_unit"] = cov_sum["capacity_unit"].map(CAPACITY_UNITS)
    if not access_summary.empty:
        access_summary["capacity_unit"] = access_summary["capacity_unit"].map(CAPACITY_UNITS)
    access_orp_named = access_orp
    if not access_orp.empty:
        access_orp_named = access_orp[
            access_orp["service_type_code"].isin(net.map_types.value)
        ].copy()
        access_orp_named.insert(1, "orp_name", access_orp_named["orp_code"].map(names))
        access_orp_named.insert(
            3,
            "service_type",
            access_orp_named["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short),
        )

    senior_types = net.senior_residential_types.value
    by_orp, senior_ages = pd.DataFrame(), ""
    if complete:
        by_orp, senior_ages = orp_overview(
            services, munis, ds.population, year, rules[senior_types[0]], per, senior_types
        )
    missing = services_note(ds)
    return NetworkChapter(
        services=services,
        population_year=pop_year,
        intro=intro_text(services, year) if complete else "",
        missing=missing,
        missing_short=""
        if complete
        else "Chybí úplný registr poskytovatelů: tato část se nepočítá (jak registr doplnit, "
        "uvádí upozornění na začátku kapitoly a titulní strana).",
        **facility_sections(ds, methodology),
        capacity_by_type=capacity_by_type(services),
        capacity_by_orp=by_orp,
        senior_beds_map=senior_beds_map(
            by_orp, ds.orp_polygons, services, methodology, senior_ages
        ),
        orp_text=(
            "Lůžka domovů pro seniory a domovů se zvláštním režimem jsou vztažena "
            f"k {f.number(per)} obyvatel referenčního věku {senior_ages} (stejný jmenovatel "
            "jako v tabulce pokrytí). Služba se počítá v ORP, kde má místo poskytování."
        ),
        orp_labels={
            "seniors": f"obyvatel {senior_ages}",
            "senior_beds_rate": f"lůžka DS a DZR na {f.number(per)} obyv. {senior_ages}",
        },
        coverage_text=(
            f"Pokrytí je kapacita na {f.number(per)} obyvatel referenční věkové skupiny druhu "
            "služby (parametr metodiky; použije se první skupina, kterou data obyvatel "
            "umožňují). Tabulka uvádí hodnotu kraje a nejnižší a nejvyšší hodnotu mezi ORP; "
            "u vybraných druhů pak hodnoty všech ORP s pořadím a odchylkou od kraje."
        ),
        access_text=access_text(methodology),
        white_spot_text=(
            "Bílé místo je ORP, kde nikdo z referenční populace nemá službu daného druhu "
            "v dosahu; částečně pokrytá je ORP, kde je v dosahu méně než "
            f"{f.percent(100 * net.partial_coverage_share.value, 0)} referenční populace "
            "(parametr). Obrázek ukazuje podíl referenční populace v dosahu pro každou ORP "
            "a druh služby."
        ),
        municipality_rows=methodology.report.municipality_table_rows.value,
        inventory_districts=inv_d,
        inventory_municipalities=inv_m,
        registry=change_section(ds, year, complete),
        coverage_summary=cov_sum,
        coverage_orp=cov_orp,
        access_summary=access_summary,
        access_orp=access_orp_named,
        white_spot_orps=ws,
        white_spot_municipalities=ws_munis,
        heatmap=heat,
        white_spot_map=ws_map,
        interconnection=na.interconnection(services, munis, net.complementary_rules.value),
        maps=maps,
        rules_text=rules_text(road is not None, methodology, int(services["coords_imputed"].sum()))
        if complete and not empty
        else "",
    )


def rules_text(road: bool, methodology: Methodology, imputed: int) -> str:
    """The chapter's statement of its data rules and distance assumptions."""
    net = methodology.network
    distance = (
        "Vzdálenosti jsou silniční podle dodané tabulky vzdáleností (obec – služba); dvojice, "
        "které tabulka neobsahuje, se považují za mimo dosah."
        if road
        else "Vzdálenost je vzdušná (po povrchu Země) vynásobená koeficientem zakřivení "
        f"silniční sítě {str(net.detour_factor.value).replace('.', ',')}."
    )
    return (
        f"{distance} Poptávka je v bodě obce "
        f"(počet obyvatel referenční věkové skupiny), nabídka v místě poskytování služby. "
        f"Terénní služby s uvedenou oblastí působnosti pokrývají právě tuto oblast; ostatní se "
        f"posuzují podle vzdálenosti. Služby bez souřadnic jsou umístěny do bodu své obce "
        f"(v datech {imputed}). Služby s nulovou, zápornou nebo nepřípustnou kapacitou, "
        f"duplicitní služby a služby v obcích mimo územní číselník data neprojdou kontrolou "
        f"a analýza se nespustí (chyba uvádí soubor, řádek a sloupec)."
    )


def intro_text(services: pd.DataFrame, year: int) -> str:
    """Opening paragraph of the network chapter."""
    n = services["service_id"].nunique()
    providers = services["provider_ico"].nunique()
    known = services["in_regional_network"].notna()
    in_net = services.loc[services["in_regional_network"].eq(True), "service_id"].nunique()
    beds = services.loc[
        services["capacity_unit"].eq("luzka") & services["form"].eq("pob"), "capacity"
    ].sum()
    if n == 0:
        return (
            f"Dodaný registr neobsahuje žádnou službu registrovanou v kraji k 1. 1. {year}. "
            "Tabulky a mapy kapitoly jsou proto prázdné; doplňte úplný registr (RPSS)."
        )
    network = (
        f"{f.number(in_net)} z nich ({f.percent(100 * in_net / n)}) je zařazeno do krajské sítě"
        if known.all()
        else "příslušnost ke krajské síti data neuvádějí"
    )
    return (
        f"K 1. 1. {year} bylo v kraji registrováno **{count(n, 'sociální služba')}** od "
        f"{count(providers, 'poskytovatel')}; {network}. Pobytové služby mají celkem "
        f"{count(beds, 'lůžko')}."
    )


def access_text(methodology: Methodology) -> str:
    """How distances and the 2SFCA/E2SFCA indices are computed, with the zone weights."""
    net = methodology.network
    weights = " / ".join(f.number(w, 2) for _, w in net.e2sfca_zones.value)
    return (
        "Pro každou obec a druh služby se počítá vzdálenost k nejbližšímu místu služby a zda "
        "je obec v dosahu (prahová vzdálenost druhu). Index dostupnosti 2SFCA (two-step "
        "floating catchment) dělí kapacitu každého místa počtem obyvatel v jeho spádové "
        "vzdálenosti a pro každou obec sečte tyto podíly ze všech míst v dosahu; varianta "
        "E2SFCA navíc váží vzdálenější obce nižší vahou (pásma "
        f"{weights}). Index se udává v jednotkách kapacity na "
        f"{f.number(net.per_population.value)} obyvatel referenční skupiny; na ORP a kraj "
        "se agreguje váženým průměrem."
    )


def senior_beds_map(
    by_orp: pd.DataFrame,
    polygons: pd.DataFrame,
    services: pd.DataFrame,
    methodology: Methodology,
    ages: str,
) -> matplotlib.figure.Figure | None:
    """ORP choropleth of senior beds per population with the homes' places as points
    (None when the data hold no such services: an all-zero map would mislead)."""
    types = methodology.network.senior_residential_types.value
    if services.empty or not services["service_type_code"].isin(types).any():
        return None
    rates = by_orp[by_orp["orp_code"] != ""].set_index("orp_code")["senior_beds_rate"]
    homes = services[services["service_type_code"].isin(types) & services["form"].eq("pob")]
    # Marker area grows with the beds of the home (a quarter of a point per bed).
    points = pd.DataFrame(
        {"lat": homes["lat"], "lon": homes["lon"], "size": 4 + homes["capacity"] / 4}
    )
    per = methodology.network.per_population.value
    return choropleth(
        polygons,
        rates,
        "",
        f"lůžka na {f.number(per)} obyv. {ages}",
        decimals=1,
        points=points,
        points_label="domov (velikost podle počtu lůžek)",
    )


def facility_sections(ds: Dataset, methodology: Methodology) -> dict:
    """The ČSÚ facility counts of the region beside Czechia's, per type and per ORP, and a
    map, with their limits stated; empty when the dataset has no facility counts."""
    counts = ds.facility_counts
    if counts is None or ds.national_orps is None:
        return {
            "facilities_text": "Smyšlený kraj nemá statistiku zařízení ČSÚ; u skutečných krajů "
            "tato část uvádí počty zařízení podle druhu za každou ORP."
            if ds.synthetic
            else "Výběry ČSÚ o zařízeních sociálních služeb (SZB07C a SZB07A1) nejsou ve "
            "složce dat; stáhne je příkaz `socplan fetch facility_counts_orp "
            "facility_counts_regions --to DIR`."
        }
    net = methodology.network
    rules = net.service_types.value
    per = net.facility_rate_per.value
    rates = na.facility_rates(counts, ds.national_orps, rules, per)
    summary = na.facility_summary(rates, ds.region_code, per, rules)
    year = int(counts["year"].max())
    names = orp_names(ds.municipalities)
    shown_types = {*net.map_types.value, *net.senior_residential_types.value}
    by_orp = rates[
        (rates["region_code"] == ds.region_code) & rates["service_type_code"].isin(shown_types)
    ].copy()
    by_orp.insert(1, "orp_name", by_orp["orp_code"].map(names))
    by_orp = by_orp.drop(columns=["region_code", "service_type_code"])
    mapped_type = net.map_types.value[0]
    mapped = rates[
        (rates["region_code"] == ds.region_code) & (rates["service_type_code"] == mapped_type)
    ]
    fig = None
    if len(mapped) and mapped["facilities"].notna().any():
        ages = mapped["reference_ages"].iloc[0]
        fig = choropleth(
            ds.orp_polygons,
            mapped.set_index("orp_code")["rate"].astype(float),
            "",
            f"zařízení na {f.number(per)} obyv. {ages}",
            decimals=1,
        )
    ftype = mapped["facility_type"].iloc[0] if len(mapped) else ""
    return {
        "facilities_text": (
            f"Počty zařízení sociálních služeb podle ČSÚ k 31. 12. {year} (statistika "
            "sociálních služeb, výběr DataStat SZB07C a SZB07A1) jsou úplné za všechny ORP "
            "Česka. Jde o zařízení, ne o registrované služby: zařízení nemá uvedenou "
            "kapacitu a může poskytovat více služeb, proto se počty nedají přepočíst na "
            f"lůžka ani klienty. Míra je počet zařízení na {f.number(per)} obyvatel "
            "referenční věkové skupiny druhu (obyvatelé k 1. 1. "
            f"{int(ds.national_orps['year'].iloc[0])}); vedle hodnoty kraje je hodnota Česka."
        ),
        "facilities_by_type": summary,
        "facilities_by_orp": by_orp,
        "facilities_map": fig,
        "facilities_map_caption": f"{ftype}: zařízení na {f.number(per)} obyvatel podle ORP"
        f" ({year})",
        "facilities_caption": f"Zařízení sociálních služeb podle druhu k 31. 12. {year}",
        "facilities_year": year,
        "facility_labels": {
            "facility_type": "druh zařízení",
            "facilities": "zařízení v kraji",
            "rate": f"na {f.number(per)} obyv. (kraj)",
            "country_facilities": "zařízení v Česku",
            "country_rate": f"na {f.number(per)} obyv. (Česko)",
            "orps_without": "ORP kraje bez zařízení (jen druhy plánované v ORP)",
        },
        "facility_orp_labels": {
            "facility_type": "druh zařízení",
            "facilities": "zařízení",
            "rate": f"na {f.number(per)} obyv.",
        },
    }
