"""Demand of the four planning target groups: ORP projections, need, service gaps.

ORP projection (works with single years or broad bands):

- totals follow the damped pooled trend of :mod:`analysis.methods.backtest` over the municipal
  totals of the last ``demand.trend_window`` years;
- the age structure follows a reference single-age projection by a ratio method: an
  ORP's share of a band moves in proportion to the reference's share of that band
  (Hamilton–Perry-style ratios). The reference is the national cohort-component
  projection when its inputs are in the data folder, otherwise a Hamilton–Perry
  projection of the region's own single-age data;
- variants low/middle/high of the reference flow through the shares and the totals.

Need: persons in need per group = reference population of the group × rate; rates are
lognormal around their central value (Monte Carlo, fixed seed). Demand for a service
type = need × capacity per person in need (service mix); gap = capacity − demand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from analysis.codelists import SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods.area_projection import project_areas
from analysis.methods.demography import (
    age_range_label,
    latest_year_with_ages,
    municipal_population,
    population_years,
    totals_or_nan,
)
from analysis.methods.latest_bands import carry_to_latest, level_shifts, rebase_series
from analysis.methods.national_projection import national_projection
from analysis.methods.need_rates import need_rates
from analysis.methods.trend import damped_pooled
from analysis.methods.uncertainty import need_draws, rate_draws, summarise
from analysis.params import AgeParams, Methodology
from analysis.shared_results import computed_once

VARIANTS = ("low", "middle", "high")


def f_signed_percent(factor: float) -> str:
    """A factor as a signed Czech percentage: 0.98819 → '−1,18 %'."""
    pct = 100 * (factor - 1)
    sign = "−" if pct < 0 else "+"
    return f"{sign}{format_decimal(abs(pct), format='0.00', locale='cs_CZ')}\u00a0%"


Band = tuple[int, int | None]


def planning_bands(ages: AgeParams) -> tuple[list[Band], list[Band]]:
    """The fine and the coarse age bands of the planning groups (methodology ``ages``):
    children, working age, seniors below the oldest old, oldest old; or seniors as one
    open band."""
    children = (0, ages.children_max_age.value)
    working = (ages.children_max_age.value + 1, ages.seniors_min_age.value - 1)
    fine = [
        children,
        working,
        (ages.seniors_min_age.value, ages.oldest_old_min_age.value - 1),
        (ages.oldest_old_min_age.value, None),
    ]
    return fine, [children, working, (ages.seniors_min_age.value, None)]


def orp_bands(ds: Dataset, year: int, ages: AgeParams) -> tuple[pd.DataFrame, list]:
    """ORP × band population in ``year`` in the fine planning bands where the data allow,
    else in the coarse ones (see :func:`planning_bands`)."""
    for bands in planning_bands(ages):
        cols = {
            age_range_label(b): totals_or_nan(ds.population, ds.municipalities, "orp", year, *b)
            for b in bands
        }
        if all(len(v) for v in cols.values()):
            return pd.DataFrame(cols).fillna(0), bands
    raise ValueError(f"no age bands for {year}")


def orp_totals(ds: Dataset) -> pd.DataFrame:
    """ORP × year totals for every year with municipal totals, plus the region code."""
    pop = municipal_population(ds.population, ds.municipalities)
    wide = pop.pivot_table(index="orp_code", columns="year", values="population", aggfunc="sum")
    wide.columns = [int(c) for c in wide.columns]
    region = ds.municipalities.drop_duplicates("orp_code").set_index("orp_code")["region_code"]
    return wide.assign(region_code=region.reindex(wide.index))


def hamilton_perry(
    single: np.ndarray, years: list[int], to_year: int, variant: str = "middle"
) -> dict[int, np.ndarray]:
    """Project ``single`` ([years, 2, 101]) with cohort-change ratios of the last five
    year pairs and a child–woman ratio. Variants scale the ratios at ages 60+ by ∓0.5 %
    a year and the child–woman ratio by ∓10 %."""
    k = min(5, len(years) - 1)
    prev, nxt = single[-k - 1 : -1], single[-k:]
    ccr = np.ones((2, 101))
    ccr[:, 1:100] = nxt[:, :, 1:100].sum(0) / np.maximum(prev[:, :, :99].sum(0), 1)
    ccr[:, 100] = nxt[:, :, 100].sum(0) / np.maximum(prev[:, :, 99:].sum((0, 2)), 1)
    cwr = nxt[:, :, 0].sum(0) / np.maximum(prev[:, 1, 15:50].sum(0).sum(), 1)
    shift = {"low": -1, "middle": 0, "high": 1}[variant]
    ccr[:, 60:] *= 1 + 0.005 * shift
    cwr = cwr * (1 + 0.1 * shift)
    out = {years[-1]: single[-1].astype(float)}
    pop = single[-1].astype(float)
    for year in range(years[-1] + 1, to_year + 1):
        new = np.zeros_like(pop)
        new[:, 1:100] = pop[:, :99] * ccr[:, 1:100]
        new[:, 100] = (pop[:, 99] + pop[:, 100]) * ccr[:, 100]
        new[:, 0] = cwr * pop[1, 15:50].sum()
        out[year] = pop = new
    return out


def _band_shares(single: dict[int, np.ndarray], bands: list) -> pd.DataFrame:
    rows = {}
    for year, arr in single.items():
        by_age = arr.sum(0)
        total = by_age.sum()
        rows[year] = {
            age_range_label(b): by_age[b[0] : (b[1] + 1 if b[1] is not None else None)].sum()
            / total
            for b in bands
        } | {"total": total}
    return pd.DataFrame(rows).T.sort_index()


def reference_projection(
    ds: Dataset, methodology: Methodology, base: int, to_year: int, bands: list
) -> tuple[dict[str, pd.DataFrame], str]:
    """Band shares and totals by year of the reference projection, per variant: the
    national projection when the dataset has its inputs, else a Hamilton–Perry projection
    of the region's own single-age data."""
    out = {}
    if ds.national is not None:
        for v in VARIANTS:
            long, _ = national_projection(ds.national, methodology, to_year, v)
            arr = long.pivot_table(index=["year", "sex"], columns="age", values="population")
            single = {
                y: arr.loc[y].reindex(["M", "F"]).to_numpy() for y in sorted(long["year"].unique())
            }
            out[v] = _band_shares(single, bands)
        return out, (
            "národní projekce socplan (kohortově-komponentní; výchozí stav ČSÚ, úmrtnost a "
            "plodnost OSN WPP 2024, předpoklady v příloze)"
        )
    pop = municipal_population(ds.population, ds.municipalities)
    pop = pop[
        pop["sex"].isin(["M", "F"]) & pop["age_to"].eq(pop["age_from"]) | (pop["age_from"] == 100)
    ]
    years = [y for y in population_years(pop) if y <= base]
    arr = np.stack(
        [
            pop[pop["year"] == y]
            .pivot_table(index="sex", columns="age_from", values="population", aggfunc="sum")
            .reindex(index=["M", "F"], columns=range(101))
            .fillna(0)
            .to_numpy()
            for y in years
        ]
    )
    for v in VARIANTS:
        out[v] = _band_shares(hamilton_perry(arr, years, to_year, v), bands)
    return out, "projekce kraje metodou Hamilton–Perry z jeho jednoletých dat"


@computed_once
def project_orps(ds: Dataset, methodology: Methodology, year: int) -> tuple[pd.DataFrame, str, int]:
    """Long table ``orp_code, year, variant, band, population`` from the base year (the
    latest year up to ``year`` with age bands) to ``demand.long_horizon_to``."""
    years = [y for y in population_years(ds.population) if y <= year]
    base = None
    for y in reversed(years):
        try:
            base_bands, bands = orp_bands(ds, y, methodology.ages)
            base = y
            break
        except ValueError:
            continue
    if base is None:
        raise ValueError("no year with ORP age bands")
    d, p = methodology.demand, methodology.projection
    to_year = d.long_horizon_to.value
    single = orp_single_years(ds, base)
    if single is not None:
        long = project_areas(single, base, to_year, methodology)
        long["band"] = ""
        for lo, hi in bands:
            inside = (long["age"] >= lo) & (long["age"] <= (hi if hi is not None else 999))
            long.loc[inside, "band"] = age_range_label((lo, hi))
        out = (
            long.groupby(["orp_code", "year", "variant", "band"], sort=False)["population"]
            .sum()
            .reset_index()
        )
        return (
            out[["orp_code", "year", "variant", "band", "population"]],
            "kohortově-komponentní projekce každé ORP (jednoleté věky, migrace z dat)",
            base,
        )
    wide = orp_totals(ds)
    latest = ds.latest
    notes = ""
    if latest is not None and latest.year > base:
        fine, coarse = planning_bands(methodology.ages)
        carried = carry_to_latest(base_bands, coarse, fine, latest.ages, ds.region_code)
        if carried is not None:
            notes = (
                f"; výchozí stav ORP k 31. 12. {latest.reference_year}: věkové skupiny obcí "
                f"k 1. 1. {base} přepočtené na věkové skupiny kraje k 31. 12. "
                f"{latest.reference_year} (ČSÚ), osoby {age_range_label(fine[-1])} v ORP "
                "podle jejich podílu mezi seniory kraje (odhad)"
            )
            wide[latest.year] = carried.sum(axis=1)
            base_bands, bands, base = carried, fine, latest.year
        shifts = level_shifts(latest, methodology.projection.one_off_migration_years.value)
        if shifts:
            wide = rebase_series(wide, shifts)
            notes += "; posuny úrovně řady obcí: " + ", ".join(
                f"{s.reason} ({f_signed_percent(s.factor)} u stavů do 1. 1. {s.last_old_year})"
                for s in shifts
            )
    ref, method = reference_projection(ds, methodology, base, to_year, bands)
    method += notes
    trend = damped_pooled(
        wide,
        base,
        to_year - base,
        p.trend_shrink.value,
        p.trend_damping.value,
        d.trend_window.value,
    )
    trend[base] = wide[base]
    shares0 = base_bands.div(base_bands.sum(axis=1), axis=0)
    frames = []
    for v in VARIANTS:
        r = ref[v]
        ref_base = r.loc[base] if base in r.index else r.iloc[0]
        mid = ref["middle"]
        for t in range(base, to_year + 1):
            ratio = r.loc[t, shares0.columns] / ref_base[shares0.columns]
            shares = shares0 * ratio
            shares = shares.div(shares.sum(axis=1), axis=0)
            scale = r.loc[t, "total"] / mid.loc[t, "total"]
            total = trend[t] * scale
            frame = (
                shares.mul(total, axis=0)
                .reset_index()
                .melt(id_vars="orp_code", var_name="band", value_name="population")
            )
            frames.append(frame.assign(year=t, variant=v))
    out = pd.concat(frames, ignore_index=True)[
        ["orp_code", "year", "variant", "band", "population"]
    ]
    return out, method, base


def orp_single_years(ds: Dataset, base: int, years: int = 6) -> dict[str, list[np.ndarray]] | None:
    """Per ORP, [2, 101] populations by sex and single age for the last ``years`` years up
    to ``base`` — or None when the data do not hold single years by sex."""
    pop = municipal_population(ds.population, ds.municipalities)
    pop = pop[pop["sex"].isin(["M", "F"]) & pop["year"].le(base)]
    single = pop[
        (pop["age_to"] == pop["age_from"]).fillna(False)
        | ((pop["age_from"] == 100) & pop["age_to"].isna())
    ]
    span = [y for y in population_years(single) if y <= base][-years:]
    if base not in span or len(span) < 2:
        return None
    for y in span:
        if single[single["year"] == y].groupby("orp_code")["age_from"].nunique().min() < 101:
            return None
    single = single[single["year"].isin(span)]
    cube = (
        single.pivot_table(
            index=["orp_code", "year", "sex"],
            columns="age_from",
            values="population",
            aggfunc="sum",
        )
        .reindex(columns=range(101))
        .fillna(0)
    )
    out = {}
    for orp, g in cube.groupby(level="orp_code"):
        g = g.droplevel("orp_code")
        out[orp] = [g.xs(y, level="year").reindex(["M", "F"]).to_numpy() for y in span]
    return out


def need_year(report_year: int, base_year: int, methodology: Methodology) -> int:
    """The year for which need and gaps are estimated: the plan horizon after the later
    of the report year and the projection's base year."""
    return max(report_year, base_year) + methodology.demand.plan_horizon.value


def _group_population(proj: pd.DataFrame, ages: tuple[int, int | None]) -> pd.DataFrame:
    """Population of an age range from the projection's bands (bands inside the range)."""
    lo, hi = ages
    bands = proj["band"].unique()
    keep = []
    for b in bands:
        b_lo = int(b.split("–")[0].rstrip("+"))
        b_hi = None if b.endswith("+") else int(b.split("–")[1])
        inside = b_lo >= lo and (hi is None or (b_hi is not None and b_hi <= hi))
        if inside:
            keep.append(b)
    return (
        proj[proj["band"].isin(keep)]
        .groupby(["orp_code", "year", "variant"])["population"]
        .sum()
        .reset_index()
    )


def need(
    proj: pd.DataFrame, rates: pd.DataFrame, years: list[int], draws: int, seed: int, level: float
) -> tuple[pd.DataFrame, dict]:
    """Persons in need per ORP, group, year and variant with Monte Carlo intervals.
    Returns the summary and the draws per (group, year, variant) for the gap step."""
    rows, kept = [], {}
    # Each group's draws get a seed by the group's place in name order, so that the same
    # parameters give the same draws however the methodology was read (YAML or JSON).
    for k, r in enumerate(rates.sort_values("group").itertuples()):
        lo, hi = (
            int(x) if x.isdigit() else None
            for x in r.reference_ages.replace("+", "–").split("–")[:2]
        )
        group_pop = _group_population(proj[proj["year"].isin(years)], (lo, hi))
        rate = rate_draws(np.array([r.rate]), np.array([r.uncertainty]), draws, seed + k)
        for (year, variant), g in group_pop.groupby(["year", "variant"]):
            g = g.sort_values("orp_code")
            d = need_draws(g[["population"]].to_numpy(), rate)
            kept[(r.group, year, variant)] = (g["orp_code"].to_numpy(), d)
            s = summarise(d, level, index=g["orp_code"])
            rows.append(
                s.reset_index().assign(
                    group=r.group,
                    year=year,
                    variant=variant,
                    reference_population=g["population"].to_numpy(),
                )
            )
    out = pd.concat(rows, ignore_index=True)
    return out[
        ["orp_code", "group", "year", "variant", "reference_population", "low", "median", "high"]
    ], kept


def planning_areas(municipalities: pd.DataFrame) -> dict[str, pd.Series]:
    """ORP code → area code at each planning level: the ORP itself (``local``), its
    district (``district``; an ORP spanning two districts belongs to the one holding most
    of its municipalities) and the region (``region`` and ``remote``)."""
    m = municipalities
    orps = sorted(m["orp_code"].unique())
    district = (
        m.groupby(["orp_code", "district_code"]).size().sort_values(ascending=False, kind="stable")
    )
    district = district.reset_index().drop_duplicates("orp_code").set_index("orp_code")
    region = m.drop_duplicates("orp_code").set_index("orp_code")["region_code"]
    return {
        "local": pd.Series(orps, index=orps),
        "district": district["district_code"].reindex(orps),
        "region": region.reindex(orps),
        "remote": region.reindex(orps),
    }


def gaps(
    kept: dict,
    capacity: pd.Series,
    mix: list,
    year: int,
    level: float,
    levels: dict[int, str],
    areas: dict[str, pd.Series],
    variant: str = "middle",
) -> pd.DataFrame:
    """Capacity − demand per planning area and service type (demand = need × per-person
    capacity), with Monte Carlo intervals; ``status`` says whether the whole interval is
    short. Each type is compared on the area of its planning level (``levels``: type →
    level; ``areas``: level → ORP-to-area map): the draws and capacities of the ORPs of an
    area are summed before the interval is taken."""
    rows = []
    for m in mix:
        key = (m.group, year, variant)
        if key not in kept:
            continue
        orps, d = kept[key]
        planning = levels.get(m.service_type, "local")
        area = areas[planning].reindex(orps).to_numpy()
        codes = sorted(set(area))
        member = np.array([[a == c for c in codes] for a in area], float)  # ORP × area
        demand = (d * m.per_person) @ member
        cap_orp = (
            capacity.reindex(
                pd.MultiIndex.from_arrays(
                    [orps, [m.service_type] * len(orps), [m.unit] * len(orps)]
                )
            )
            .fillna(0)
            .to_numpy()
        )
        cap = cap_orp @ member
        gap = cap[None, :] - demand
        sd, sg = summarise(demand, level), summarise(gap, level)
        rows.append(
            pd.DataFrame(
                {
                    "area_code": codes,
                    "planning_level": planning,
                    "service_type_code": m.service_type,
                    "service_type": SERVICE_TYPES[m.service_type].short,
                    "capacity_unit": m.unit,
                    "group": m.group,
                    "capacity": cap,
                    "demand_median": sd["median"].to_numpy(),
                    "demand_low": sd["low"].to_numpy(),
                    "demand_high": sd["high"].to_numpy(),
                    "gap_median": sg["median"].to_numpy(),
                    "gap_low": sg["low"].to_numpy(),
                    "gap_high": sg["high"].to_numpy(),
                }
            )
        )
    if not rows:
        return pd.DataFrame()
    out = pd.concat(rows, ignore_index=True)
    out["status"] = np.select(
        [out["gap_high"] < 0, out["gap_low"] > 0], ["nedostatek", "přebytek"], "v mezích nejistoty"
    )
    return out.sort_values(["gap_median", "area_code"]).reset_index(drop=True)


def gap_table(
    ds: Dataset, methodology: Methodology, kept: dict, target: int, services: pd.DataFrame
) -> pd.DataFrame:
    """Gaps of every service type of the mix in every variant, for the target year, from
    the need draws ``kept`` by :func:`need` and the capacity of ``services``."""
    d = methodology.demand
    levels = {
        code: rule.planning_level for code, rule in methodology.network.service_types.value.items()
    }
    areas = planning_areas(ds.municipalities)
    capacity = capacity_by_orp_type(services, ds.municipalities)
    return pd.concat(
        [
            gaps(
                kept,
                capacity,
                d.service_mix.value,
                target,
                d.interval_level.value,
                levels,
                areas,
                v,
            ).assign(variant=v)
            for v in VARIANTS
        ],
        ignore_index=True,
    )


@computed_once
def plan_target_gaps(
    ds: Dataset, methodology: Methodology, year: int, services: pd.DataFrame
) -> tuple[pd.DataFrame, int]:
    """The gap table of the demand chapter (all variants, end of the plan horizon) and
    its target year: the same projection, draws and seed give the same numbers."""
    d = methodology.demand
    proj, _method, base = project_orps(ds, methodology, year)
    target = max(year, base) + d.plan_horizon.value
    rates = need_rates(ds, methodology)
    _need, kept = need(proj, rates, [target], d.draws.value, d.seed.value, d.interval_level.value)
    return gap_table(ds, methodology, kept, target, services), target


def capacity_by_orp_type(services: pd.DataFrame, municipalities: pd.DataFrame) -> pd.Series:
    """Registered capacity per (ORP, service type, unit) at the services' places."""
    placed = services.merge(
        municipalities[["municipality_code", "orp_code"]], on="municipality_code"
    )
    return placed.groupby(["orp_code", "service_type_code", "capacity_unit"])["capacity"].sum()


def capacity_model_data(
    ds: Dataset, services: pd.DataFrame, year: int, methodology: Methodology
) -> tuple[pd.DataFrame, str, str] | None:
    """Data for the count model of residential capacity for seniors.

    Per ORP (beds of the model's service types vs the share of the oldest old, or of
    seniors where the oldest old are not available, with the seniors as exposure) when
    at least ``demand.model_min_areas`` ORPs of the region have such services; otherwise,
    when the dataset has the ČSÚ district cube, per district of the whole country (places
    in homes for the elderly in the cube's latest year). Returns (data, formula,
    description) or None.
    """
    ages, d = methodology.ages, methodology.demand
    seniors, oldest = ages.seniors_min_age.value, ages.oldest_old_min_age.value
    homes = services[
        services["service_type_code"].isin(methodology.network.senior_residential_types.value)
        & services["capacity_unit"].eq("luzka")
    ]
    y = latest_year_with_ages(ds.population, ds.municipalities, year, seniors)
    if (
        y is not None
        and homes.merge(ds.municipalities, on="municipality_code")["orp_code"].nunique()
        >= d.model_min_areas.value
    ):
        m = ds.municipalities
        pop = totals_or_nan(ds.population, m, "orp", y)
        o65 = totals_or_nan(ds.population, m, "orp", y, seniors)
        o80 = totals_or_nan(ds.population, m, "orp", y, oldest)
        beds = (
            homes.merge(m[["municipality_code", "orp_code"]], on="municipality_code")
            .groupby("orp_code")["capacity"]
            .sum()
        )
        data = pd.DataFrame({"population": pop, "pop65": o65}).dropna()
        data["beds"] = beds.reindex(data.index).fillna(0).round().astype(int)
        if len(o80):
            data["share80"] = 100 * o80.reindex(data.index) / data["population"]
            formula, covariate = "beds ~ share80", f"podílu obyvatel {oldest}+ (%)"
        else:
            data["share65"] = 100 * data["pop65"] / data["population"]
            formula, covariate = "beds ~ share65", f"podílu obyvatel {seniors}+ (%)"
        return (
            data.rename_axis("area").reset_index(),
            formula,
            f"lůžka DS a DZR v ORP kraje podle {covariate}, expozice obyvatelé {seniors}+",
        )
    return national_facility_model_data(ds, methodology)


def national_facility_model_data(
    ds: Dataset, methodology: Methodology
) -> tuple[pd.DataFrame, str, str] | None:
    """Data of the national model: facilities of the seniors' residential types in every
    ORP of Czechia (ČSÚ counts) against the ORP's share of seniors, with the seniors as
    exposure; ``in_region`` marks the region's ORPs. None without facility counts."""
    counts, orps = ds.facility_counts, ds.national_orps
    if counts is None or orps is None:
        return None
    types = methodology.network.senior_residential_types.value
    homes = counts[counts["service_type_code"].isin(types)]
    per_orp = homes.groupby("orp_code")["facilities"].sum(min_count=len(types))
    pop = orps.set_index("orp_code")
    data = pd.DataFrame(
        {
            "area": pop.index,
            "beds": per_orp.reindex(pop.index).to_numpy(),
            "pop65": pop["pop_65_plus"].to_numpy(),
            "share65": (100 * pop["pop_65_plus"] / pop["population"]).to_numpy(),
            "in_region": (pop["region_code"] == ds.region_code).to_numpy(),
        }
    ).dropna(subset=["beds"])
    data["beds"] = data["beds"].astype(int)
    year = int(homes["year"].max())
    names = " a ".join(SERVICE_TYPES[c].name for c in types)
    description = (
        f"národní model: počet zařízení ({names}) v ORP Česka (ČSÚ, {year}) podle podílu "
        f"obyvatel 65+ ({int(pop['year'].iloc[0])}), expozice obyvatelé 65+; "
        f"ORP kraje jsou vyznačeny"
    )
    return data.reset_index(drop=True), "beds ~ share65", description
