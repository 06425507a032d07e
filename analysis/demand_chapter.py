"""Everything the demand chapter shows, computed in one place from the dataset."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.figure
import pandas as pd

from analysis import formatting as f
from analysis.demography import (
    ageing_by_area,
    first_year_with_ages,
    latest_year_with_ages,
    population_years,
    pyramid,
)
from analysis.figures import population_pyramid
from analysis.loading import Dataset
from analysis.maps import choropleth
from analysis.params import Methodology


@dataclass
class DemandChapter:
    year: int
    base_year: int
    pyramid: pd.DataFrame
    pyramid_figure: matplotlib.figure.Figure | None
    pyramid_caption: str
    ageing: pd.DataFrame
    ageing_caption: str
    ageing_map: matplotlib.figure.Figure
    map_caption: str
    summary: str


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


def prepare(ds: Dataset, methodology: Methodology, year: int) -> DemandChapter:
    """Pyramid, ageing by ORP (with region total), the map and the summary sentence.

    Works with whatever age detail the data have: single years (the demo), or bands
    0–14/15–64/65+ for municipalities (official open data), where shares of 80+ and
    changes over time are left empty rather than guessed.
    """
    a = methodology.ages
    width = a.pyramid_band_width.value
    pyr, base, pyramid_caption, first_pyr = _pyramids(ds, year, width)
    fig = None
    if pyr is not None:
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
    names = ds.municipalities.drop_duplicates("orp_code").set_index("orp_code")["orp_name"]
    table = by_orp.copy()
    table.insert(0, "orp_name", names.reindex(table.index))
    total = region.iloc[0].to_dict() | {"orp_name": "kraj celkem"}
    table = pd.concat([table, pd.DataFrame([total], index=pd.Index([""], name="orp_code"))])
    table = table.reset_index()
    table["population"] = table["population"].astype(int)

    fig_map = choropleth(
        ds.orp_polygons,
        by_orp["seniors_share"],
        "",
        f"podíl obyvatel {seniors_min}+ (%)",
        decimals=1,
        cmap="OrRd",
    )
    return DemandChapter(
        year=last,
        base_year=first,
        pyramid=pyr if pyr is not None else pd.DataFrame(),
        pyramid_figure=fig,
        pyramid_caption=pyramid_caption,
        ageing=table,
        ageing_caption=f"Věková struktura a stárnutí podle ORP k 1. 1. {last}",
        ageing_map=fig_map,
        map_caption=f"Podíl obyvatel ve věku {seniors_min}+ podle ORP k 1. 1. {last}",
        summary=summary_text(region.iloc[0], by_orp, names, last, first, a),
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
    else:
        text += (
            f"; podíl osob {a.oldest_old_min_age.value}+ data obcí neumožňují určit "
            "(jen věkové skupiny 0–14, 15–64 a 65+)"
        )
    if len(by_orp) < 2:
        return text + "."
    oldest, youngest = by_orp["seniors_share"].idxmax(), by_orp["seniors_share"].idxmin()
    return text + (
        f". Nejstarší je ORP {names[oldest]} "
        f"({f.percent(by_orp.at[oldest, 'seniors_share'])} seniorů), nejmladší ORP "
        f"{names[youngest]} ({f.percent(by_orp.at[youngest, 'seniors_share'])})."
    )
