"""Section "Finanční rámec plánu" of chapter 04_finance, its municipal layer: what the
municipalities co-finance of the development intentions per ORP and per municipality,
beside what the action plan expects and what the co-financing rule asks
(:func:`analysis.methods.plan_finance.municipal_cofinancing`)."""

from __future__ import annotations

import pandas as pd

from analysis.data.dataset import Dataset
from analysis.methods import plan_finance as pf
from analysis.methods.demography import orp_names, population_years, totals_by_area
from analysis.methods.subsidy import cofinancing_share
from analysis.params import Methodology
from analysis.present import formatting as f


def _pledged(ds: Dataset, year: int) -> pd.Series | None:
    """The municipalities' pledges of ``year`` per municipality code (None without the
    table)."""
    if not ds.is_complete("municipal_pledges"):
        return None
    p = ds.municipal_pledges[ds.municipal_pledges["year"] == year]
    return p.groupby("municipality_code")["pledged_czk"].sum()


def pledges_by_year(ds: Dataset) -> dict[int, float] | None:
    """The municipalities' pledges to the intentions per year, or None without them."""
    if not ds.is_complete("municipal_pledges"):
        return None
    return {
        int(y): float(v)
        for y, v in ds.municipal_pledges.groupby("year")["pledged_czk"].sum().items()
    }


def municipal_table(ds: Dataset, methodology: Methodology, year: int) -> pd.DataFrame:
    """Municipal co-financing of the report year's intentions per ORP: what the action
    plan expects, what the municipalities pledged (with their pledges) and what the
    co-financing rule asks (``finance.cofinancing``); empty without the action plan."""
    if not ds.is_complete("action_plan"):
        return pd.DataFrame()
    ap = ds.action_plan[(ds.action_plan["year"] == year) & ds.action_plan["cost_czk"].notna()]
    ap = ap[ap["orp_code"].notna() & ap["form"].notna() & ap["service_type_code"].notna()]
    if ap.empty:
        return pd.DataFrame()
    ap = ap.assign(
        required_share=cofinancing_share(ap, methodology.finance.cofinancing.value).to_numpy()
    )
    by_muni = _pledged(ds, year)
    by_orp = None
    if by_muni is not None:
        orp_of = ds.municipalities.set_index("municipality_code")["orp_code"]
        by_orp = by_muni.groupby(orp_of.reindex(by_muni.index)).sum()
    out = pf.municipal_cofinancing(ap, by_orp)
    out.insert(1, "orp_name", out["orp_code"].map(orp_names(ds.municipalities)))
    return out


def municipal_split_table(
    ds: Dataset, methodology: Methodology, year: int, by_orp: pd.DataFrame
) -> pd.DataFrame:
    """Per municipality: its pledge of ``year`` beside its share of its ORP's requirement
    (``by_orp``: :func:`municipal_table`) split by population; empty without the
    municipalities' pledges or where the methodology splits nothing."""
    pledged = _pledged(ds, year)
    if pledged is None or by_orp.empty or methodology.plan_finance.municipal_split.value == "none":
        return pd.DataFrame()
    years = population_years(ds.population)
    pop_year = max([y for y in years if y <= year] or years)
    pop = totals_by_area(ds.population, ds.municipalities, "obec", pop_year)
    munis = ds.municipalities[["municipality_code", "orp_code", "municipality_name"]].assign(
        population=lambda d: d["municipality_code"].map(pop)
    )
    required = by_orp.set_index("orp_code")["required"]
    out = pf.municipal_split(required, munis.drop(columns="municipality_name"), pledged)
    names = munis.set_index("municipality_code")["municipality_name"]
    out.insert(1, "municipality_name", out["municipality_code"].map(names))
    out.insert(3, "orp_name", out["orp_code"].map(orp_names(ds.municipalities)))
    return out.sort_values(["orp_name", "population"], ascending=[True, False]).drop(
        columns=["orp_code"]
    )


def municipal_text(municipal: pd.DataFrame, pledged: bool) -> str:
    text = (
        "Pravidlo spolufinancování se vztahuje jen na náklady nových služeb (rozvojových "
        "záměrů); peníze obcí pro dnešní síť uvádí finanční rámec. Tabulka staví vedle sebe, "
        "co od obcí ve svém ORP očekává akční plán (podíl obcí uvedený u záměru)"
    )
    if pledged:
        text += ", co obce samy přislíbily (usnesení nebo rozpočet obce)"
    text += (
        ", a co žádá pravidlo spolufinancování podle formy služby (parametr "
        "finance.cofinancing v příloze)."
    )
    if municipal["expected"].isna().any():
        text += " Pomlčka znamená, že záměry ORP podíl obcí neuvádějí."
    if pledged:
        short = municipal[municipal["pledged_minus_required"] < 0]
        total = municipal["pledged"].sum()
        text += f" Obce přislíbily celkem {f.millions(total)}. " + (
            f"Méně, než pravidlo žádá, přislíbily obce těchto ORP ({len(short)} z "
            f"{len(municipal)}): " + ", ".join(short["orp_name"].astype(str)) + "."
            if len(short)
            else "V žádném ORP nepřislíbily méně, než pravidlo žádá."
        )
    return text
