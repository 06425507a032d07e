"""Everything the demand chapter shows, computed in one place from the dataset."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.figure
import pandas as pd

from analysis import formatting as f
from analysis.demography import ageing_by_area, population_years, pyramid
from analysis.figures import population_pyramid
from analysis.loading import Dataset
from analysis.maps import choropleth
from analysis.params import Methodology


@dataclass
class DemandChapter:
    year: int
    base_year: int
    pyramid: pd.DataFrame
    pyramid_figure: matplotlib.figure.Figure
    pyramid_caption: str
    ageing: pd.DataFrame
    ageing_caption: str
    ageing_map: matplotlib.figure.Figure
    map_caption: str
    summary: str


def prepare(ds: Dataset, methodology: Methodology, year: int) -> DemandChapter:
    """Pyramid, ageing by ORP (with region total), the map and the summary sentence."""
    years = [y for y in population_years(ds.population) if y <= year]
    last, first = years[-1], years[0]
    a = methodology.ages
    width = a.pyramid_band_width.value
    pyr = pyramid(ds.population, ds.municipalities, last, width)
    base = pyramid(ds.population, ds.municipalities, first, width)
    fig = population_pyramid(pyr, compare=base, compare_label=f"1. 1. {first}")

    args = dict(
        year=last,
        base_year=first,
        children_max=a.children_max_age.value,
        seniors_min=a.seniors_min_age.value,
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
        f"podíl obyvatel {a.seniors_min_age.value}+ (%)",
        decimals=1,
        cmap="OrRd",
    )
    r = region.iloc[0]
    oldest_orp = by_orp["seniors_share"].idxmax()
    youngest_orp = by_orp["seniors_share"].idxmin()
    summary = (
        f"K 1. 1. {last} žilo v kraji {f.number(r['population'])} obyvatel "
        f"({f.signed(r['population_change'])} % proti roku {first}). Osoby ve věku "
        f"{a.seniors_min_age.value}+ tvořily {f.percent(r['seniors_share'])} obyvatel "
        f"({f.signed(r['seniors_share_change'])} p. b. proti roku {first}) a osoby "
        f"{a.oldest_old_min_age.value}+ {f.percent(r['oldest_share'])}. Nejstarší je ORP "
        f"{names[oldest_orp]} ({f.percent(by_orp.at[oldest_orp, 'seniors_share'])} seniorů), "
        f"nejmladší ORP {names[youngest_orp]} "
        f"({f.percent(by_orp.at[youngest_orp, 'seniors_share'])})."
    )
    return DemandChapter(
        year=last,
        base_year=first,
        pyramid=pyr,
        pyramid_figure=fig,
        pyramid_caption=f"Věková pyramida kraje k 1. 1. {last} (čára: 1. 1. {first})",
        ageing=table,
        ageing_caption=f"Věková struktura a stárnutí podle ORP k 1. 1. {last}",
        ageing_map=fig_map,
        map_caption=f"Podíl obyvatel ve věku {a.seniors_min_age.value}+ podle ORP k 1. 1. {last}",
        summary=summary,
    )
