"""Data overview for the first chapter: input files, territory, and the checks made."""

from __future__ import annotations

import pandas as pd

from analysis.catalogue import load_catalogue
from analysis.data.dataset import (
    ABSENT,
    COMPLETE,
    CONTENTS,
    INPUT_LABELS,
    STATE_LABELS,
    TABLE_LABELS,
    Dataset,
)
from analysis.methods.demography import (
    latest_year_with_ages,
    municipal_population,
    population_years,
)


def input_overview(ds: Dataset) -> pd.DataFrame:
    """One row per input file: what it holds, file, records read, SHA-256 prefix."""
    titles = {k: v.title for k, v in load_catalogue().sources.items()} | INPUT_LABELS
    out = ds.summary()
    out.insert(1, "content", out["table"].map(titles))
    return out.drop(columns="table")


def availability(ds: Dataset) -> pd.DataFrame:
    """Which kinds of data the run had (open data are partial; canonical data complete)."""
    if ds.availability is not None:
        return ds.availability
    state = {t: c for c, tables in CONTENTS.items() for t in tables}
    rows = [
        (
            TABLE_LABELS[t],
            STATE_LABELS[ds.completeness.get(state[t], ABSENT)],
            len(getattr(ds, t)),
        )
        for t in TABLE_LABELS
    ]
    return pd.DataFrame(rows, columns=["content", "state", "rows"])


def quality_table(ds: Dataset, name: str) -> pd.DataFrame:
    """One of the cross-checks between sources (empty when the data need none)."""
    return ds.quality.get(name, pd.DataFrame())


def territory_by_district(ds: Dataset, year: int) -> pd.DataFrame:
    """ORPs, municipalities and population (latest year ≤ ``year``) per district."""
    pop_year = latest_year_with_ages(ds.population, ds.municipalities, year, 0)
    pop = municipal_population(ds.population[ds.population["year"] == pop_year], ds.municipalities)
    m = ds.municipalities
    out = m.groupby(["district_code", "district_name"]).agg(
        orps=("orp_code", "nunique"), municipalities=("municipality_code", "count")
    )
    out["population"] = (
        pop.groupby("district_code")["population"]
        .sum()
        .reindex(out.index.get_level_values(0))
        .to_numpy()
    )
    out = out.reset_index().drop(columns="district_code")
    total = pd.DataFrame(
        [
            {
                "district_name": "celkem",
                "orps": m["orp_code"].nunique(),
                "municipalities": len(m),
                "population": out["population"].sum(),
            }
        ]
    )
    return pd.concat([out, total], ignore_index=True)


def data_checks(ds: Dataset, year: int) -> pd.DataFrame:
    """The checks made on the inputs, with their results, for the reader of the report.

    Counts of a kind of content that is not complete are not given: a check of a sample
    or of an absent table says so instead of reporting zeros.
    """
    s = ds.services
    years = population_years(ds.population)
    out_of_network = s.loc[s["in_regional_network"].eq(False), "service_id"].nunique()
    unknown_network = s.loc[s["in_regional_network"].isna(), "service_id"].nunique()

    def listing(values: pd.Series) -> str:
        return ", ".join(str(v) for v in sorted(values.unique())) or "žádné"

    def state(content: str) -> str | None:
        kind = ds.completeness.get(content, ABSENT)
        return None if kind == COMPLETE else f"nekontroluje se: {STATE_LABELS[kind]}"

    services = state("services")
    rows = [
        ("typy sloupců, povinné hodnoty, číselníky a rozsahy", "v pořádku"),
        ("vazby mezi tabulkami (obce, ORP, služby, indikátory)", "v pořádku"),
        (
            "roky údajů o obyvatelstvu (stav k 1. 1.)",
            ", ".join(str(y) for y in years)
            + (f"; kraj k 31. 12. {ds.latest.reference_year}" if ds.latest is not None else ""),
        ),
        (
            "obce bez údajů o obyvatelstvu",
            str(len(set(ds.municipalities["municipality_code"]) - set(ds.population["area_code"]))),
        ),
        (
            "registrované služby v souboru (i ukončené) / řádky služba × forma",
            services or f"{s['service_id'].nunique()} / {len(s)}",
        ),
        (
            "služby v souboru mimo krajskou síť / bez údaje o síti",
            services or f"{out_of_network} / {unknown_network}",
        ),
        (
            "služby bez souřadnic místa (umístěny do bodu obce)",
            services or str(int(s["coords_imputed"].sum())),
        ),
        ("roky finančních výkazů", state("finance") or listing(ds.finance["year"])),
        ("rok akčního plánu", state("action_plan") or listing(ds.action_plan["year"])),
    ]
    return pd.DataFrame(rows, columns=["check", "result"])
