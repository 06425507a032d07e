"""Coverage, accessibility, white spots and interconnection of the network of services.

Per service type, the rules of ``methodology.network.service_types`` give the reference
population (age range), the distance "within reach" and the catchment of the floating
catchment indices. Demand sits at municipality points; supply at the places of the
services. Field services reach people where they live: a field service that declares its
area of operation (ORPs or municipalities) covers exactly that area; one that does not
is treated like any other site, by distance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.codelists import SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods.accessibility import (
    DemandIndex,
    Pairs,
    nearest_km,
    pairs_from_matrix,
    pairs_within,
    two_step_fca,
    zone_weights,
)
from analysis.methods.demography import (
    age_range_label,
    latest_year_with_ages,
    orp_names,
    totals_or_nan,
)
from analysis.params import ComplementaryRule, NetworkParams, TypeRule

METHOD_DISTANCE = "vzdálenost"
METHOD_AREA = "oblast působnosti"


def reference_population(
    population: pd.DataFrame, municipalities: pd.DataFrame, year: int, rule: TypeRule
) -> tuple[pd.Series, str]:
    """Reference population per municipality: the first age range of the rule that the
    data can give (e.g. 80+, else 65+). Returns the counts and the range's label."""
    codes = municipalities["municipality_code"]
    for lo, hi in rule.ages:
        counts = totals_or_nan(population, municipalities, "obec", year, lo, hi)
        if not counts.empty:
            return counts.reindex(codes).fillna(0).set_axis(codes), age_range_label((lo, hi))
    return pd.Series(np.nan, index=codes), "není k dispozici"


def main_unit(services: pd.DataFrame) -> pd.Series:
    """The capacity unit in which each service type registers most capacity rows."""
    counts = services.groupby(["service_type_code", "capacity_unit"]).size()
    return (
        counts.sort_values(ascending=False, kind="stable")
        .reset_index()
        .drop_duplicates("service_type_code")
        .set_index("service_type_code")["capacity_unit"]
    )


def _area_pairs(sites: pd.DataFrame, municipalities: pd.DataFrame) -> Pairs:
    """Pairs (municipality, site) for sites with a declared area of operation."""
    code_pos = pd.Index(municipalities["municipality_code"])
    orp_members = municipalities.groupby("orp_code").indices
    rows_i, rows_j = [], []
    for j, area in enumerate(sites["area_of_operation"]):
        if not isinstance(area, str) or not area:
            continue
        members: list[int] = []
        for code in area.split(";"):
            if len(code) == 4:
                members.extend(orp_members.get(code, []))
            else:
                pos = code_pos.get_indexer([code])[0]
                if pos >= 0:
                    members.append(pos)
        members = sorted(set(members))
        rows_i.extend(members)
        rows_j.extend([j] * len(members))
    return Pairs(np.asarray(rows_i, np.int64), np.asarray(rows_j, np.int64), np.zeros(len(rows_i)))


def road_nearest_km(
    road: pd.DataFrame, municipalities: pd.DataFrame, site_ids: np.ndarray
) -> np.ndarray:
    """Road km from each municipality to the nearest of the given sites (inf if none)."""
    near = road[road["destination"].isin(set(site_ids))].groupby("origin")["km"].min()
    return near.reindex(municipalities["municipality_code"]).fillna(np.inf).to_numpy()


def catchment_pairs(
    sites: pd.DataFrame,
    municipalities: pd.DataFrame,
    max_km: float,
    detour: float,
    index: DemandIndex | None = None,
    road: pd.DataFrame | None = None,
) -> Pairs:
    """Pairs within reach of each site: its declared area of operation for field services
    that have one, otherwise municipalities within ``max_km`` (travel km: the road table
    when given, else great-circle × ``detour``)."""
    by_area = sites["form"].eq("ter") & sites["area_of_operation"].notna()
    idx_area = np.flatnonzero(by_area.to_numpy())
    idx_dist = np.flatnonzero(~by_area.to_numpy())
    if road is not None:
        dist = pairs_from_matrix(
            road,
            municipalities["municipality_code"],
            sites["service_id"].to_numpy()[idx_dist],
            max_km,
        )
    else:
        dist = pairs_within(
            municipalities["lat"],
            municipalities["lon"],
            sites["lat"].to_numpy()[idx_dist],
            sites["lon"].to_numpy()[idx_dist],
            max_km,
            detour,
            index=index,
        )
    dist = Pairs(dist.demand, idx_dist[dist.supply], dist.cost)
    area = _area_pairs(sites.iloc[idx_area], municipalities)
    area = Pairs(area.demand, idx_area[area.supply], area.cost)
    return Pairs.concat([dist, area])


def accessibility(
    services: pd.DataFrame,
    municipalities: pd.DataFrame,
    population: pd.DataFrame,
    year: int,
    rules: dict[int, TypeRule],
    detour: float,
    zones: list[tuple[float, float]],
    per_population: int,
    road: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per municipality and service type: nearest site, coverage and 2SFCA/E2SFCA.

    ``road`` (``origin`` municipality code, ``destination`` service id, ``km``) replaces
    great-circle × detour distances when the user has a road-distance table.

    Columns: ``municipality_code, service_type_code, capacity_unit, reference_ages,
    reference_population, nearest_km, covered, a2sfca, ae2sfca, method`` where the
    indices are capacity (in the type's main unit) per ``per_population`` persons.
    """
    munis = municipalities.reset_index(drop=True)
    units = main_unit(services)
    index = DemandIndex(munis["lat"], munis["lon"])
    frames = []
    for code in sorted(services["service_type_code"].unique()):
        rule = rules.get(int(code))
        if rule is None or rule.planning_level == "remote":
            continue  # a service delivered at a distance has no reach to measure
        sites = services[services["service_type_code"] == code].reset_index(drop=True)
        refpop, label = reference_population(population, munis, year, rule)
        demand = refpop.to_numpy(float)
        reach = catchment_pairs(sites, munis, rule.threshold_km, detour, index, road)
        covered = np.zeros(len(munis), bool)
        covered[reach.demand] = True
        unit = units[code]
        supply_sites = sites[sites["capacity_unit"] == unit].reset_index(drop=True)
        pairs = catchment_pairs(supply_sites, munis, rule.catchment_km, detour, index, road)
        supply = supply_sites["capacity"].to_numpy(float)
        a2 = two_step_fca(demand, supply, pairs)
        ae2 = two_step_fca(
            demand, supply, pairs, zone_weights(pairs.cost, rule.catchment_km, zones)
        )
        field = sites["form"].eq("ter")
        declared = field & sites["area_of_operation"].notna()
        method = (
            METHOD_AREA
            if field.any() and declared.sum() == len(sites)
            else f"{METHOD_DISTANCE} a {METHOD_AREA}"
            if declared.any()
            else METHOD_DISTANCE
        )
        frames.append(
            pd.DataFrame(
                {
                    "municipality_code": munis["municipality_code"],
                    "service_type_code": int(code),
                    "capacity_unit": unit,
                    "reference_ages": label,
                    "reference_population": demand,
                    "nearest_km": nearest_km(
                        munis["lat"], munis["lon"], sites["lat"], sites["lon"], detour
                    )
                    if road is None
                    else road_nearest_km(road, munis, sites["service_id"].to_numpy()),
                    "covered": covered,
                    "a2sfca": a2 * per_population,
                    "ae2sfca": ae2 * per_population,
                    "method": method,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _weighted(df: pd.DataFrame, value: str, weight: str) -> float:
    w = df[weight].to_numpy(float)
    return float(np.average(df[value], weights=w)) if w.sum() > 0 else np.nan


def accessibility_summary(
    acc: pd.DataFrame, services: pd.DataFrame, rules: dict[int, TypeRule]
) -> pd.DataFrame:
    """Per service type, for the whole region: sites, method, reach and indices."""
    rows = []
    for code, g in acc.groupby("service_type_code", sort=True):
        rule = rules[code]
        pop = g["reference_population"].sum()
        rows.append(
            {
                "service_type_code": code,
                "service_type": SERVICE_TYPES[code].short,
                "services": services.loc[
                    services["service_type_code"] == code, "service_id"
                ].nunique(),
                "reference_ages": g["reference_ages"].iloc[0],
                "threshold_km": rule.threshold_km,
                "method": g["method"].iloc[0],
                "covered_share": 100 * g.loc[g["covered"], "reference_population"].sum() / pop
                if pop > 0
                else np.nan,
                "mean_nearest_km": _weighted(g, "nearest_km", "reference_population"),
                "capacity_unit": g["capacity_unit"].iloc[0],
                "ae2sfca": _weighted(g, "ae2sfca", "reference_population"),
            }
        )
    return pd.DataFrame(rows)


def orp_accessibility(acc: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    """Per ORP and service type: share of the reference population within reach and the
    population-weighted mean indices."""
    df = acc.merge(municipalities[["municipality_code", "orp_code"]], on="municipality_code")
    df["covered_pop"] = df["reference_population"] * df["covered"]
    df["w2"] = df["a2sfca"] * df["reference_population"]
    df["we2"] = df["ae2sfca"] * df["reference_population"]
    g = df.groupby(["orp_code", "service_type_code"])[
        ["reference_population", "covered_pop", "w2", "we2"]
    ].sum()
    pop = g["reference_population"].replace(0, np.nan)
    out = pd.DataFrame(
        {
            "reference_population": g["reference_population"],
            "covered_share": 100 * g["covered_pop"] / pop,
            "a2sfca": g["w2"] / pop,
            "ae2sfca": g["we2"] / pop,
        }
    ).reset_index()
    return out


def coverage(
    services: pd.DataFrame,
    municipalities: pd.DataFrame,
    population: pd.DataFrame,
    year: int,
    rules: dict[int, TypeRule],
    per_population: int,
) -> pd.DataFrame:
    """Capacity per ``per_population`` of the reference population, per ORP, type and unit,
    with the region's value, the ORP's rank and its deviation from the region (%)."""
    placed = services.merge(
        municipalities[["municipality_code", "orp_code"]], on="municipality_code"
    )
    orps = sorted(municipalities["orp_code"].unique())
    frames = []
    for (code, unit), g in placed.groupby(["service_type_code", "capacity_unit"], sort=True):
        rule = rules.get(int(code))
        if rule is None:
            continue
        refpop, label = reference_population(population, municipalities, year, rule)
        ref_orp = (
            refpop.groupby(municipalities.set_index("municipality_code")["orp_code"])
            .sum()
            .reindex(orps)
            .fillna(0)
        )
        cap = g.groupby("orp_code")["capacity"].sum().reindex(orps).fillna(0)
        region_rate = per_population * cap.sum() / ref_orp.sum() if ref_orp.sum() else np.nan
        rate = per_population * cap / ref_orp.replace(0, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "orp_code": orps,
                    "service_type_code": int(code),
                    "capacity_unit": unit,
                    "reference_ages": label,
                    "capacity": cap.to_numpy(),
                    "reference_population": ref_orp.to_numpy(),
                    "rate": rate.to_numpy(),
                    "region_rate": region_rate,
                    "deviation_pct": (100 * (rate / region_rate - 1)).to_numpy(),
                    "rank": rate.rank(ascending=False, method="min").to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def coverage_summary(cov: pd.DataFrame, rules: dict[int, TypeRule]) -> pd.DataFrame:
    """Per type and unit: the region's rate, the lowest and highest ORP, and the ORPs with
    none (only for types planned in the ORP: others are planned for a larger area)."""
    if cov.empty:
        return pd.DataFrame()
    g = cov.groupby(["service_type_code", "capacity_unit"], sort=True)
    out = g.agg(
        reference_ages=("reference_ages", "first"),
        capacity=("capacity", "sum"),
        region_rate=("region_rate", "first"),
        min_rate=("rate", "min"),
        max_rate=("rate", "max"),
        orps_without=("capacity", lambda c: int((c == 0).sum())),
    ).reset_index()
    out.insert(
        1, "service_type", out["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].short)
    )
    local = out["service_type_code"].isin(local_types(rules))
    out["orps_without"] = out["orps_without"].astype("Int64").where(local)
    return out


def local_types(rules: dict[int, TypeRule]) -> set[int]:
    """Service types planned by reach within the ORP (planning level ``local``)."""
    return {code for code, rule in rules.items() if rule.planning_level == "local"}


def white_spots(
    orp_acc: pd.DataFrame, partial_share: float, rules: dict[int, TypeRule]
) -> pd.DataFrame:
    """ORP × type status for the types planned locally: white spot (nobody of the
    reference population within reach), partial (less than ``partial_share`` within
    reach) or covered. Types planned for a district or the region, and remote services,
    have no white spots in an ORP: a region plans them on a larger territory."""
    local = orp_acc[orp_acc["service_type_code"].isin(local_types(rules))]
    out = local[["orp_code", "service_type_code", "covered_share"]].copy()
    out["status"] = np.select(
        [out["covered_share"].fillna(0) == 0, out["covered_share"] < 100 * partial_share],
        ["bílé místo", "částečně"],
        "pokryto",
    )
    return out


def municipality_white_spots(acc: pd.DataFrame, rules: dict[int, TypeRule]) -> pd.DataFrame:
    """Per locally planned type: municipalities and reference population with no service
    within reach."""
    miss = acc[~acc["covered"] & acc["service_type_code"].isin(local_types(rules))]
    g = miss.groupby("service_type_code").agg(
        municipalities=("municipality_code", "count"), population=("reference_population", "sum")
    )
    return g.reset_index()


def interconnection(
    services: pd.DataFrame, municipalities: pd.DataFrame, rules: list[ComplementaryRule]
) -> pd.DataFrame:
    """ORPs where a rule's services exist but none of the complementary ones do.

    An ORP has a type when a service of that type is placed in it or declares it (or one
    of its municipalities) in its area of operation.
    """
    orp_of = municipalities.set_index("municipality_code")["orp_code"]
    present: dict[str, set[int]] = {o: set() for o in municipalities["orp_code"]}
    for row in services.itertuples(index=False):
        orps = {orp_of.get(row.municipality_code)}
        if isinstance(row.area_of_operation, str):
            for code in row.area_of_operation.split(";"):
                orps.add(code if len(code) == 4 else orp_of.get(code))
        for o in orps:
            if o in present:
                present[o].add(int(row.service_type_code))
    names = orp_names(municipalities)
    rows = []
    for orp, types in sorted(present.items()):
        for rule in rules:
            if types & set(rule.if_any) and not types & set(rule.require_any):
                rows.append(
                    {
                        "orp_code": orp,
                        "orp_name": names[orp],
                        "rule": rule.name,
                        "present": ", ".join(
                            SERVICE_TYPES[t].short for t in sorted(types & set(rule.if_any))
                        ),
                        "missing": ", ".join(SERVICE_TYPES[t].short for t in rule.require_any),
                    }
                )
    return pd.DataFrame(rows, columns=["orp_code", "orp_name", "rule", "present", "missing"])


def inventory_by_area(
    services: pd.DataFrame, municipalities: pd.DataFrame, level: str
) -> pd.DataFrame:
    """Services by group of the law (counselling, care, prevention) per area of ``level``
    (municipality_code, orp_code, district_code or region_code)."""
    placed = services.merge(municipalities, on="municipality_code")
    group = placed["service_type_code"].map(lambda c: SERVICE_TYPES[int(c)].group)
    table = (
        placed.assign(group=group)
        .groupby([level, "group"])["service_id"]
        .nunique()
        .unstack(fill_value=0)
        .reindex(columns=["poradenstvi", "pece", "prevence"], fill_value=0)
    )
    table["total"] = placed.groupby(level)["service_id"].nunique()
    return table.reset_index()


def _band_population(orps: pd.DataFrame, ages: tuple[int, int | None]) -> pd.Series | None:
    """Population of an age band from the national ORP table (bands 0–14, 15–64, 65+ and
    the total), or None when the band is not one of them."""
    lo, hi = ages
    bands = {
        (0, None): orps["population"],
        (0, 14): orps["pop_0_14"],
        (65, None): orps["pop_65_plus"],
        (15, 64): orps["population"] - orps["pop_0_14"] - orps["pop_65_plus"],
    }
    return bands.get((lo, hi))


def facility_rates(
    counts: pd.DataFrame,
    orps: pd.DataFrame,
    rules: dict[int, TypeRule],
    per_population: int,
) -> pd.DataFrame:
    """Facilities per ``per_population`` of the reference population, per ORP and type.

    ``counts``: facilities per ORP and facility type (with the registry service type it
    corresponds to); ``orps``: population of every ORP (total, 0–14, 65+). The reference
    population is the first age range of the type's rule that the ORP table gives; a
    facility type without a registry type, or a missing count, has no rate.
    """
    pop = orps.set_index("orp_code")
    frames = []
    for (ftype, code), g in counts.groupby(["facility_type", "service_type_code"], dropna=False):
        rule = rules.get(int(code)) if not pd.isna(code) else None
        ref, label = None, "není k dispozici"
        for ages in rule.ages if rule else []:
            ref = _band_population(pop, ages)
            if ref is not None:
                label = age_range_label(ages)
                break
        g = g.set_index("orp_code")
        refpop = ref.reindex(g.index) if ref is not None else pd.Series(np.nan, index=g.index)
        frames.append(
            pd.DataFrame(
                {
                    "orp_code": g.index,
                    "region_code": g["region_code"].to_numpy(),
                    "facility_type": ftype,
                    "service_type_code": code,
                    "facilities": g["facilities"].to_numpy(),
                    "reference_ages": label,
                    "reference_population": refpop.to_numpy(),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["rate"] = per_population * out["facilities"].astype(float) / out["reference_population"]
    return out.sort_values(["facility_type", "orp_code"]).reset_index(drop=True)


def facility_summary(
    rates: pd.DataFrame, region_code: str, per_population: int, rules: dict[int, TypeRule]
) -> pd.DataFrame:
    """Per facility type: the region's facilities and rate beside Czechia's, and, for
    types planned locally, the ORPs of the region without such a facility."""
    local = local_types(rules)
    rows = []
    for ftype, g in rates.groupby("facility_type", sort=False):
        region = g[g["region_code"] == region_code]
        known = g.dropna(subset=["facilities", "reference_population"])
        rows.append(
            {
                "facility_type": ftype,
                "reference_ages": g["reference_ages"].iloc[0],
                "facilities": region["facilities"].sum(min_count=1),
                "rate": per_population
                * region["facilities"].sum(min_count=1)
                / region["reference_population"].sum(min_count=1),
                "country_facilities": g["facilities"].sum(min_count=1),
                "country_rate": per_population
                * known["facilities"].sum()
                / known["reference_population"].sum()
                if len(known)
                else np.nan,
                "orps_without": int((region["facilities"] == 0).sum())
                if g["service_type_code"].iloc[0] in local
                else pd.NA,
            }
        )
    return pd.DataFrame(rows).sort_values("facility_type").reset_index(drop=True)


def dataset_accessibility(
    ds: Dataset, services: pd.DataFrame, net: NetworkParams, year: int
) -> pd.DataFrame:
    """:func:`accessibility` of ``services`` on a dataset with the methodology's network
    parameters, for the latest population year up to ``year`` (as the network chapter)."""
    pop_year = latest_year_with_ages(ds.population, ds.municipalities, year, 0) or year
    return accessibility(
        services,
        ds.municipalities,
        ds.population,
        pop_year,
        net.service_types.value,
        net.detour_factor.value,
        net.e2sfca_zones.value,
        net.per_population.value,
        ds.road_distances,
    )
