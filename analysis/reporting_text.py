"""Computed Czech sentences for the chapters (numbers formatted the Czech way)."""

from __future__ import annotations

import pandas as pd

from analysis import formatting as f
from analysis.loading import Dataset
from analysis.params import RunConfig


def data_intro(config: RunConfig, ds: Dataset) -> str:
    """Opening paragraph of the data chapter, with a warning for synthetic data."""
    m = ds.municipalities
    text = (
        f"Analýza se týká území **{config.region.name}** ({config.region.code}) a roku "
        f"**{config.year}**. Území tvoří {f.number(m['district_code'].nunique())} okresy, "
        f"{f.number(m['orp_code'].nunique())} obcí s rozšířenou působností a "
        f"{f.number(len(m))} obcí."
    )
    if config.synthetic:
        text += (
            "\n\n> **Upozornění:** jde o smyšlený kraj a smyšlená data, která vytváří socplan "
            "(`socplan demo`) k ukázce a testování. Čísla nepopisují žádné skutečné území."
        )
    return text


def network_intro(services: pd.DataFrame, year: int) -> str:
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
        f"K 1. 1. {year} bylo v kraji registrováno **{f.number(n)}** sociálních služeb "
        f"{f.number(providers)} poskytovatelů; {network}. Pobytové služby mají "
        f"celkem {f.number(beds)} lůžek."
    )
