"""Everything the network chapter shows, computed in one place from the dataset."""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.figure
import pandas as pd

from analysis import network_analysis as na
from analysis.codelists import CAPACITY_UNITS, SERVICE_TYPES
from analysis.demography import latest_year_with_ages, orp_names
from analysis.figures import percent_heatmap
from analysis.loading import Dataset
from analysis.maps import choropleth, point_map
from analysis.network import active_services, reference_date
from analysis.params import Methodology


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
    inventory_districts: pd.DataFrame
    inventory_municipalities: pd.DataFrame
    changes: pd.DataFrame
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


def prepare(
    ds: Dataset, methodology: Methodology, year: int, road_distances: str | None = None
) -> NetworkChapter:
    """Inventory, coverage, accessibility, white spots and interconnection of the year.

    ``road_distances`` is the path of an optional road-distance table (validated like any
    input: ``origin`` municipality code, ``destination`` service id, ``km``).
    """
    from analysis.loading import read_table

    road = read_table(road_distances, "road_distances") if road_distances else None
    net = methodology.network
    rules = net.service_types.value
    per = net.per_population.value
    services = active_services(ds.services, reference_date(year))
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
        ws_all = na.white_spots(access_orp, net.partial_coverage_share.value)
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
        ws_munis = na.municipality_white_spots(acc)
        ws_munis.insert(
            1,
            "service_type",
            ws_munis["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short),
        )
        matrix = access_orp.pivot(
            index="orp_code", columns="service_type_code", values="covered_share"
        )
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
    cov_sum = na.coverage_summary(cov)
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

    return NetworkChapter(
        services=services,
        population_year=pop_year,
        inventory_districts=inv_d,
        inventory_municipalities=inv_m,
        changes=na.registry_changes(ds.services, year),
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
        rules_text=rules_text(
            road is not None, methodology, int(services["coords_imputed"].sum()) if not empty else 0
        ),
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
