"""The demand chapter's use of the region's newest published data (ČSÚ, 31 Dec): its
age structure, the sentence stating it, and the citations of the newest sources."""

from __future__ import annotations

import matplotlib.figure
import pandas as pd

from analysis.data.dataset import Dataset
from analysis.methods.demography import PYRAMID_TOP, age_band_labels
from analysis.methods.latest_bands import region_band
from analysis.present import formatting as f
from analysis.present.figures import age_structure_bars


def latest_structure(
    ds: Dataset, width: int, older: pd.DataFrame | None, top: int = PYRAMID_TOP
) -> tuple[pd.DataFrame, matplotlib.figure.Figure, str, str] | None:
    """The region's age structure on the date of its newest 5-year bands (both sexes;
    ČSÚ does not split them in this selection), with the older published structure by
    sex (``older``, summed) as an outline where its bands are the same; None without."""
    latest = ds.latest
    if latest is None:
        return None
    ages = latest.ages[latest.ages["region_code"] == ds.region_code]
    closed = ages[ages["age_to"].notna() & (ages["age_from"] < top)]
    if (closed["age_from"] // width != closed["age_to"].astype(int) // width).any():
        return None  # the data's bands do not nest in the chart's
    band = (ages["age_from"] // width * width).clip(upper=top)
    labels = dict(zip([*range(0, top, width), top], age_band_labels(width, top), strict=True))
    counts = ages.groupby(band)["value"].sum().reindex(list(labels)).fillna(0).astype(int)
    table = pd.DataFrame({"age_band": [labels[b] for b in counts.index], "persons": counts.values})
    when = f"31. 12. {latest.reference_year}"
    caption = f"Věková struktura kraje k {when}"
    text = (
        f"Obrázek ukazuje počet obyvatel kraje podle pětiletých věkových skupin k {when} "
        "(ČSÚ uvádí kraje podle věku bez rozlišení pohlaví)."
    )
    compare = None
    kraj = ds.population[ds.population["area_level"] == "kraj"]
    if older is not None and len(kraj) and list(older["age_band"]) == list(table["age_band"]):
        then = f"polovině roku {int(kraj['year'].max())}"
        table["persons_older"] = (older["men"] + older["women"]).to_numpy()
        compare = "persons_older"
        caption += f" (čára: stav k {then})"
        text += f" Čára ukazuje pro srovnání stav k {then} (ÚZIS z dat ČSÚ)."
    fig = age_structure_bars(table, compare, f"stav k {then}" if compare else "")
    return table, fig, caption, text


def latest_text(ds: Dataset, a) -> str:
    """The region's newest published age structure in one sentence (empty without it)."""
    latest = ds.latest
    if latest is None:
        return ""
    bands = {
        "total": (0, None),
        "seniors": (a.seniors_min_age.value, None),
        "oldest": (a.oldest_old_min_age.value, None),
    }
    n = {k: region_band(latest.ages, ds.region_code, b) for k, b in bands.items()}
    if not n["total"]:
        return ""
    text = (
        f" Podle nejnovějších údajů ČSÚ žilo v kraji k 31. 12. {latest.reference_year} "
        f"{f.number(n['total'])} obyvatel"
    )
    shares = [
        f"osoby {bands[k][0]}+ {f.percent(100 * n[k] / n['total'])}"
        for k in ("seniors", "oldest")
        if n[k] is not None
    ]
    if shares:
        text += "; " + " a ".join(shares)
    return (
        text + ". Údaje podle ORP vycházejí z věkových skupin obcí k 1. 1. "
        f"{int(ds.population['year'].max())}, jediného data, za které je vstupní data obsahují."
    )


def latest_sources(ds: Dataset, use: str) -> tuple[str, ...]:
    """The newest data's catalogue sources behind the projection (the region's bands
    and, for the level shifts, the movement statistics) or the need (the region's bands
    and Czechia's recipients by age), so that each citation names what was used."""
    latest = ds.latest
    if latest is None:
        return ()
    if use == "projection":
        shifts = latest.census_factor is not None or latest.movement is not None
        return ("region_ages", *(("population_movement",) if shifts else ()))
    return ("region_ages", "care_allowance_ages") if latest.care_ages is not None else ()
