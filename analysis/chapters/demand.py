"""Chapter 02_demand: population, projections, need of the target groups, service gaps
and the count model of residential capacity."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.figure
import numpy as np
import pandas as pd

from analysis.chapters._demand_latest import latest_sources, latest_structure, latest_text
from analysis.chapters._demand_model import (
    coefficient_table,
    explains_nothing,
    model_diagnostics,
    region_fit,
    significance_text,
)
from analysis.codelists import CAPACITY_UNITS, SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods import demand
from analysis.methods.count_model import fit_count_model, outliers
from analysis.methods.demography import (
    ageing_by_area,
    first_year_with_ages,
    latest_year_with_ages,
    orp_names,
    population_years,
    pyramid,
    region_totals,
)
from analysis.methods.need_rates import need_by_degree, need_rates, senior_degree_shares
from analysis.methods.network import active_services, reference_date
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.completeness import services_note
from analysis.present.disclosure import DisclosureRule
from analysis.present.figures import (
    interval_bars,
    observed_expected,
    percent_heatmap,
    population_pyramid,
    projection_lines,
)
from analysis.present.maps import choropleth
from analysis.shared_results import once_per_dataset


@dataclass
class AgeingSection:
    year: int
    base_year: int
    pyramid: pd.DataFrame
    pyramid_figure: matplotlib.figure.Figure | None
    pyramid_caption: str
    pyramid_text: str
    pyramid_sources: tuple[str, ...]
    ageing: pd.DataFrame
    ageing_caption: str
    ageing_map: matplotlib.figure.Figure
    map_caption: str
    summary: str
    ageing_text: str


def _pyramids(ds: Dataset, year: int, width: int) -> tuple[pd.DataFrame | None, str, str]:
    """The finest pyramid the data allow: municipal single years (latest vs first year),
    else the region's published bands; returns (table, compare table, caption)."""
    years = [y for y in population_years(ds.population) if y <= year]
    for level in ("obec", "kraj"):
        usable = []
        for y in years:
            try:
                usable.append((y, pyramid(ds.population, ds.municipalities, y, width, level=level)))
            except ValueError:
                continue
        if usable:
            (first, base), (last, pyr) = usable[0], usable[-1]
            when = "1. 1." if level == "obec" else "polovině roku"
            caption = f"Věková pyramida kraje k {when} {last}"
            if first != last:
                caption += f" (čára: {first})"
            return pyr, (base if first != last else None), caption, first
    return None, None, "Věková pyramida kraje", None


@once_per_dataset
def prepare(ds: Dataset, methodology: Methodology, year: int) -> DemandChapter:
    """Everything the demand chapter shows."""
    return DemandChapter(
        ageing=prepare_ageing(ds, methodology, year),
        needs=prepare_needs(ds, methodology, year),
    )


def prepare_ageing(ds: Dataset, methodology: Methodology, year: int) -> AgeingSection:
    """Pyramid, ageing by ORP (with region total), the map and the summary sentence.

    Works with whatever age detail the data have: single years (the demo), or bands
    0–14/15–64/65+ for municipalities (official open data), where shares of 80+ and
    changes over time are left empty rather than guessed.
    """
    a = methodology.ages
    width = a.pyramid_band_width.value
    pyr, base, pyramid_caption, first_pyr = _pyramids(ds, year, width)
    fig = None
    pyramid_sources: tuple[str, ...] = ("population",)
    latest_pyr = latest_structure(ds, width, pyr)
    if latest_pyr is not None:
        pyr, fig, pyramid_caption, text = latest_pyr
        pyramid_sources = (
            ("region_ages", "regional_age_2017") if "persons_older" in pyr else ("region_ages",)
        )
    elif pyr is not None:
        fig = population_pyramid(
            pyr, compare=base, compare_label=f"{first_pyr}" if base is not None else ""
        )

    seniors_min = a.seniors_min_age.value
    last = latest_year_with_ages(ds.population, ds.municipalities, year, seniors_min)
    first = first_year_with_ages(ds.population, ds.municipalities, seniors_min)
    args = dict(
        year=last,
        base_year=first,
        children_max=a.children_max_age.value,
        seniors_min=seniors_min,
        oldest_min=a.oldest_old_min_age.value,
    )
    by_orp = ageing_by_area(ds.population, ds.municipalities, "orp", **args)
    region = ageing_by_area(ds.population, ds.municipalities, "kraj", **args)
    names = orp_names(ds.municipalities)
    table = by_orp.copy()
    table.insert(0, "orp_name", names.reindex(table.index))
    total = region.iloc[0].to_dict() | {"orp_name": "kraj celkem"}
    table = pd.concat([table, pd.DataFrame([total], index=pd.Index([""], name="orp_code"))])
    table = table.reset_index()
    table["population"] = table["population"].astype(int)
    # A measure the data give for no area is a sentence below the table, not a column of
    # dashes (the text says why).
    table = table.dropna(axis=1, how="all")

    fig_map = choropleth(
        ds.orp_polygons,
        by_orp["seniors_share"],
        "",
        f"podíl obyvatel {seniors_min}+ (%)",
        decimals=1,
        cmap="OrRd",
    )
    children_max = a.children_max_age.value
    return AgeingSection(
        year=last,
        base_year=first,
        pyramid=pyr if pyr is not None else pd.DataFrame(),
        pyramid_figure=fig,
        pyramid_caption=pyramid_caption,
        pyramid_text=text
        if latest_pyr is not None
        else (
            f"Pyramida porovnává věkové složení k {pyramid_caption.split(' k ', 1)[1]}."
            if base is not None
            else "Pyramida ukazuje věkové složení kraje v posledním roce, za který data "
            "uvádějí věk; starší rok pro srovnání data neobsahují."
        ),
        pyramid_sources=pyramid_sources,
        ageing=table,
        ageing_caption=f"Věková struktura a stárnutí podle ORP k 1. 1. {last}",
        ageing_map=fig_map,
        map_caption=f"Podíl obyvatel ve věku {seniors_min}+ podle ORP k 1. 1. {last}",
        summary=summary_text(region.iloc[0], by_orp, names, last, first, a) + latest_text(ds, a),
        ageing_text=(
            f"Index stáří udává počet osob ve věku {seniors_min}+ na 100 dětí ve věku "
            f"0–{children_max} let. "
            + (
                "Změna podílu seniorů je uvedena v procentních bodech proti prvnímu roku "
                f"časové řady ({first})."
                if pd.notna(region.iloc[0]["seniors_share_change"])
                else "Změnu podílu seniorů a podíl nejstarších podle ORP tabulka neuvádí: věkové "
                "skupiny obcí jsou ve vstupních datech jen k jednomu datu a jen 0–14, 15–64 a "
                "65+. Změnu počtu obyvatel neuvádí proto, že mezi řadou obcí (do roku "
                f"{max([y for y in population_years(ds.population) if y < last], default=last)}) a "
                "tímto datem leží revize počtu obyvatel při sčítání 2021; příslušné sloupce "
                "jsou prázdné."
            )
        ),
    )


def summary_text(
    r: pd.Series, by_orp: pd.DataFrame, names: pd.Series, last: int, first: int, a
) -> str:
    """The chapter's opening paragraph; clauses whose numbers are missing are left out."""

    def known(v: object) -> bool:
        return v is not None and not pd.isna(v)

    text = f"K 1. 1. {last} žilo v kraji {f.number(r['population'])} obyvatel"
    if known(r["population_change"]):
        text += f" ({f.signed(r['population_change'])} % proti roku {first})"
    text += (
        f". Osoby ve věku {a.seniors_min_age.value}+ tvořily "
        f"{f.percent(r['seniors_share'])} obyvatel"
    )
    if known(r["seniors_share_change"]):
        text += f" ({f.signed(r['seniors_share_change'])} p. b. proti roku {first})"
    if known(r["oldest_share"]):
        text += f" a osoby {a.oldest_old_min_age.value}+ {f.percent(r['oldest_share'])}"
    if len(by_orp) < 2:
        return text + "."
    oldest, youngest = by_orp["seniors_share"].idxmax(), by_orp["seniors_share"].idxmin()
    return text + (
        f". Nejstarší je ORP {names[oldest]} "
        f"({f.percent(by_orp.at[oldest, 'seniors_share'])} seniorů), nejmladší ORP "
        f"{names[youngest]} ({f.percent(by_orp.at[youngest, 'seniors_share'])})."
    )


RATE_DECIMALS = 2  # need rates are small shares: 0,12 %, not 0,1 %

GROUP_NAMES = {
    "deti_rodiny": "děti, mládež a rodiny",
    "seniori": "senioři",
    "ozp": "osoby se zdravotním postižením",
    "ohrozeni": "osoby ohrožené sociálním vyloučením",
}


@dataclass
class NeedsSection:
    base_year: int
    target_year: int
    method: str
    projection_region: pd.DataFrame
    projection_orp: pd.DataFrame
    projection_figure: matplotlib.figure.Figure
    rates: pd.DataFrame
    # Estimates of persons in need (whole persons; model estimates, not counts of people).
    need_region: pd.DataFrame
    need_figure: matplotlib.figure.Figure
    need_orp: pd.DataFrame
    need_degree: pd.DataFrame
    gaps: pd.DataFrame
    gaps_shown: pd.DataFrame
    gap_heatmap: matplotlib.figure.Figure | None
    gap_map: matplotlib.figure.Figure | None
    model_description: str
    model_coefficients: pd.DataFrame
    model_diagnostics: pd.DataFrame
    model_outliers: pd.DataFrame
    model_figure: matplotlib.figure.Figure | None
    # False when a national model explains nothing: its text is then one sentence and its
    # tables and figure are not shown.
    model_shown: bool
    gap_note: str
    method_text: str
    need_text: str
    model_text: str
    need_degree_caption: str
    gap_map_caption: str
    model_level: str
    outliers_caption: str
    need_sources: tuple[str, ...]
    projection_sources: tuple[str, ...]
    interval: str
    gap_rows: int
    gaps_caption: str
    gap_formats: dict[str, f.Formatter]
    model_sources: tuple[str, ...]
    rate_formats: dict[str, f.Formatter]


@once_per_dataset
def prepare_needs(ds: Dataset, methodology: Methodology, year: int) -> NeedsSection:
    """Projection, need with intervals, service gaps (all variants) and the count model."""
    d = methodology.demand
    proj, method, base = demand.project_orps(ds, methodology, year)
    target = demand.need_year(year, base, methodology)
    region_proj = (
        proj.groupby(["year", "variant", "band"], sort=False)["population"].sum().reset_index()
    )
    shown_years = sorted(
        {base, *range(year, target + 1), *d.projection_milestones.value, d.long_horizon_to.value}
    )
    shown_years = [y for y in shown_years if base <= y <= d.long_horizon_to.value]
    mid = region_proj[region_proj["variant"] == "middle"].pivot(
        index="year", columns="band", values="population"
    )
    totals = region_totals(proj)
    table = mid.loc[shown_years].round()
    table["total"] = totals.loc[shown_years, "middle"]
    table["total_low"] = totals.loc[shown_years, "low"]
    table["total_high"] = totals.loc[shown_years, "high"]
    names = orp_names(ds.municipalities)
    orp_table = (
        proj[(proj["year"] == target) & (proj["variant"] == "middle")]
        .pivot(index="orp_code", columns="band", values="population")
        .reset_index()
    )
    orp_table.insert(1, "orp_name", orp_table["orp_code"].map(names))

    rates = need_rates(ds, methodology)
    need, kept = demand.need(
        proj, rates, [target], d.draws.value, d.seed.value, d.interval_level.value
    )
    need_region = need.groupby(["group", "variant"])[
        ["reference_population", "low", "median", "high"]
    ].sum()
    # Interval of the regional sum: from the summed draws, not the sum of ORP bounds.
    for (group, _year, variant), (_, draws) in kept.items():
        s = np.quantile(
            draws.sum(axis=1),
            [(1 - d.interval_level.value) / 2, 1 - (1 - d.interval_level.value) / 2],
        )
        need_region.loc[(group, variant), ["low", "high"]] = s
    need_region = need_region.reset_index()
    need_region["group_name"] = need_region["group"].map(GROUP_NAMES)
    persons = ["reference_population", "low", "median", "high"]
    need_region[persons] = need_region[persons].round().astype(int)  # persons are whole
    # Persons in need are model estimates (population × rate), not counts of people in
    # the data: disclosure control, which protects counts of people, does not apply.
    mid_need = need_region[need_region["variant"] == "middle"]
    need_fig = interval_bars(mid_need, "group_name", f.percent_adjective(d.interval_level.value))
    need_orp = (
        need[need["variant"] == "middle"]
        .pivot(index="orp_code", columns="group", values="median")
        .reset_index()
    )
    need_orp.insert(1, "orp_name", need_orp["orp_code"].map(names))
    groups = [c for c in need_orp.columns if c in GROUP_NAMES]
    need_orp[groups] = need_orp[groups].round()

    services = active_services(ds.services, reference_date(year))
    complete = ds.is_complete("services")
    gap_all = pd.DataFrame()
    if complete and not services.empty:
        gap_all = demand.gap_table(ds, methodology, kept, target, services)
        gap_all.insert(1, "area_name", gap_all["area_code"].map(area_names(ds)))
    gap_mid = gap_all[gap_all["variant"] == "middle"] if len(gap_all) else gap_all
    heat = gap_map = None
    shown = pd.DataFrame()
    gap_type = d.gap_map_type.value
    gap_unit = next((m.unit for m in d.service_mix.value if m.service_type == gap_type), "")
    if len(gap_mid):
        local = gap_mid[gap_mid["planning_level"] == "local"]
        rel = local.assign(rel=(100 * local["gap_median"] / local["demand_median"]).clip(-100, 100))
        matrix = rel.pivot_table(index="area_name", columns="service_type", values="rel")
        heat = percent_heatmap(matrix, "kapacita − poptávka, % poptávky", diverging=True)
        mapped = local[local["service_type_code"] == gap_type]
        map_gap = mapped.set_index("area_code")["gap_median"]
        if len(map_gap):
            unit = CAPACITY_UNITS[mapped["capacity_unit"].iloc[0]]
            gap_map = choropleth(
                ds.orp_polygons,
                map_gap,
                "",
                f"{SERVICE_TYPES[gap_type].short}: kapacita − poptávka ({unit})",
                decimals=0,
                diverging=True,
            )
        # Every area and type of the middle variant (the report shows the first rows, the
        # CSV all); demand and gaps in whole units of capacity.
        shown = gap_mid[
            [
                "area_name",
                "planning_level",
                "service_type",
                "capacity_unit",
                "capacity",
                "demand_median",
                "gap_median",
                "gap_low",
                "gap_high",
                "status",
            ]
        ].reset_index(drop=True)

    model_data = demand.capacity_model_data(ds, services, year, methodology)
    coef = diag = outl = pd.DataFrame()
    model_fig, desc = None, "Model nelze odhadnout: chybí data o kapacitě ani o zařízeních."
    national = False
    significance = ""
    shown_model = True
    if model_data is not None:
        data, formula, desc = model_data
        model = fit_count_model(
            data, formula, exposure="pop65", area="area", level=d.model_level.value
        )
        significance = significance_text(model.coefficients, d.model_level.value)
        national = "in_region" in data
        if national and explains_nothing(model.coefficients, d.model_level.value):
            # A national model whose covariates are all insignificant says only that.
            shown_model = False
            significance = significance.replace(
                "; odchylky oblastí od něj je třeba číst jako rozdíly od průměru, ne od potřeby.",
                ", a proto se jeho koeficienty, diagnostika ani obrázek neuvádějí.",
            )
    if model_data is not None and shown_model:
        coef, diag = coefficient_table(model.coefficients), model_diagnostics(model)
        highlight = data["in_region"].to_numpy() if national else None
        if national:
            # The region's ORPs in the national model: where each stands against it.
            outl = region_fit(model, data, names, int(data["in_region"].sum()))
        else:
            outl = outliers(model, d.model_outliers_shown.value)
            outl.insert(1, "orp_name", outl["area"].map(names))
        model_fig = observed_expected(
            model.predictions,
            "počet zařízení" if national else "lůžka",
            highlight=highlight,
            highlight_label=f"ORP kraje ({ds.region_name})" if national else "",
        )
    note = "" if complete else services_note(ds)
    level = f.percent_adjective(d.model_level.value)
    draws = f.number(d.draws.value)
    return NeedsSection(
        base_year=base,
        target_year=target,
        method=method,
        projection_region=table.round().reset_index(),
        projection_orp=orp_table.round({c: 0 for c in orp_table.columns[2:]}),
        projection_figure=projection_lines(region_proj),
        rates=rates,
        need_region=need_region,
        need_figure=need_fig,
        need_orp=need_orp,
        need_degree=whole_persons(need_by_degree(need_region, ds), ["low", "median", "high"]),
        gaps=gap_all,
        gaps_shown=shown,
        gap_heatmap=heat,
        gap_map=gap_map,
        model_description=desc,
        model_coefficients=coef,
        model_diagnostics=diag,
        model_outliers=outl,
        model_figure=model_fig,
        model_shown=shown_model,
        gap_note=note,
        method_text=(
            f"Referenční projekce: {method}. Výchozí stav k 1. 1. {base}, konec plánu {target}."
        ),
        need_text=(
            "Počet osob v potřebě je součin referenční populace skupiny a míry potřeby. "
            "Míry jsou parametry s nejistotou; u skutečných krajů se míra u seniorů a osob se "
            "zdravotním postižením odvozuje z počtu příjemců příspěvku na péči. Intervaly jsou "
            f"centrální {f.percent_adjective(d.interval_level.value)} intervaly {draws} "
            "simulací Monte Carlo s pevnou počáteční hodnotou."
        ),
        model_text=f"{desc[:1].upper()}{desc[1:]}. {significance}".strip(),
        need_degree_caption=(
            f"Senioři v potřebě podle stupně závislosti k 1. 1. {target} "
            f"({(senior_degree_shares(ds) or (None, ''))[1]})"
        ),
        projection_sources=(
            "population",
            "municipalities",
            *(ds.national.sources if ds.national is not None else ()),
            *latest_sources(ds, "projection"),
        ),
        need_sources=(
            "population",
            *(("care_allowance_regions",) if ds.care_allowance is not None else ()),
            *latest_sources(ds, "need"),
        ),
        gap_rows=methodology.report.gap_table_rows.value,
        gaps_caption=(
            f"Území a druhy služeb podle mezery v kapacitě k 1. 1. {target} (střední varianta, "
            "od největšího nedostatku"
            + (
                "; všechny varianty v datech obrázku tables/demand_gap_heatmap.csv)"
                if len(gap_all)
                else ")"
            )
        ),
        interval=f.percent_adjective(d.interval_level.value),
        gap_formats={c: f.fmt(0) for c in ("demand_median", "gap_median", "gap_low", "gap_high")},
        gap_map_caption=(
            f"{SERVICE_TYPES[gap_type].name.capitalize()}: kapacita minus poptávka podle ORP "
            f"({CAPACITY_UNITS.get(gap_unit, '')})"
        ),
        model_level=level,
        outliers_caption=(
            f"ORP kraje v národním modelu a jejich {level} predikční interval (nejprve ORP mimo "
            "interval, podle velikosti odchylky)"
            if national
            else f"Oblasti mimo {level} predikční interval"
        ),
        model_sources=("facility_counts_orp", "cr_municipalities")
        if national
        else ("services", "population"),
        rate_formats={
            "rate": f.fmt_percent_share(RATE_DECIMALS),
            "uncertainty": f.fmt_percent_share(0),
        },
    )


def disclosure_rule(methodology: Methodology) -> DisclosureRule:
    """The disclosure rule of published counts of people."""
    d = methodology.disclosure
    return DisclosureRule(d.min_count.value, d.rounding_base.value)


def whole_persons(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Counts of persons rounded to whole persons (an empty table stays empty)."""
    if table.empty:
        return table
    return table.assign(**{c: table[c].round().astype(int) for c in columns})


def area_names(ds: Dataset) -> dict[str, str]:
    """Names of the planning areas: ORPs, districts and the region."""
    m = ds.municipalities
    districts = m.drop_duplicates("district_code").set_index("district_code")["district_name"]
    return {
        **orp_names(m).to_dict(),
        **{code: f"okres {name}" for code, name in districts.items()},
        ds.region_code: ds.region_name,
    }


@dataclass
class DemandChapter:
    """The two parts of the demand chapter: the population today and the needs ahead."""

    ageing: AgeingSection
    needs: NeedsSection
