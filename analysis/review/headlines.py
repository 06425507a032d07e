"""The headline results of each chapter, computed from its published tables.

The sensitivity analysis follows these numbers when one parameter moves. Each is read
from a table of the report (by its file name under ``tables/``), so the baseline value
is the number the report publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.codelists import CAPACITY_UNITS, SERVICE_TYPES
from analysis.methods.network_scoring import BAND_LABELS
from analysis.methods.network_units import require_one_unit
from analysis.params import Methodology

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Headline:
    key: str
    chapter: str  # chapter whose tables give the number
    tables: tuple[str, ...]  # published tables it is computed from
    unit: str  # in the genitive plural, as an axis label says it ("změna výsledku (osob)")
    label: Callable[[Methodology], str]  # Czech name of the result
    compute: Callable[[Tables, Methodology], float | None]
    noun: str | None = None  # counted noun of analysis.present.czech for whole counts


def _seniors_in_need(t: Tables, m: Methodology) -> float | None:
    df = t["demand_need_figure"]
    row = df[(df["group"] == "seniori") & (df["variant"] == "middle")]
    return float(row["median"].iloc[0]) if len(row) else None


def _shortage(t: Tables, m: Methodology) -> float | None:
    df = t["demand_gap_heatmap"]
    if df.empty:
        return None
    rows = df[
        (df["variant"] == "middle") & (df["service_type_code"] == m.demand.gap_map_type.value)
    ]
    if "capacity_unit" in rows:  # a sum only within one unit, never beds and clients
        require_one_unit(rows["capacity_unit"], "capacity shortage headline")
    return float(-rows["gap_median"].clip(upper=0).sum()) if len(rows) else None


def _shortage_label(m: Methodology) -> str:
    code = m.demand.gap_map_type.value
    units = {r.unit for r in m.demand.service_mix.value if r.service_type == code}
    unit = f", {CAPACITY_UNITS[units.pop()]}" if len(units) == 1 else ""
    return (
        f"Chybějící kapacita ({SERVICE_TYPES[code].name}{unit}) na konci plánu: součet "
        "nedostatků území (mezera = kapacita − poptávka, záporná)"
    )


def _white_spots(t: Tables, m: Methodology) -> float | None:
    df = t["network_white_spots_orp"]
    return float((df["status"] == "bílé místo").sum()) if "status" in df else None


def _latest(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["year"] == df["year"].max()] if len(df) else df


def _overcompensation(t: Tables, m: Methodology) -> float | None:
    df = t["finance_compensation"]
    return float(_latest(df)["overcompensation"].sum()) if len(df) else None


def _to_return(t: Tables, m: Methodology) -> float | None:
    df = t["finance_compensation"]
    return float(_latest(df)["to_return"].sum()) if len(df) else None


def _band(label: str) -> Callable[[Tables, Methodology], float | None]:
    def compute(t: Tables, m: Methodology) -> float | None:
        df = t["finance_bands"]
        row = df[df["band"] == label]
        return float(row["services"].iloc[0]) if len(row) else (0.0 if len(df) else None)

    return compute


def _at_risk(t: Tables, m: Methodology) -> float | None:
    df = t["plan_status_counts"]
    if df.empty:
        return None
    return float(df.loc[df["status"].isin(["ohroženo", "nesplněno"]), "indicators"].sum())


def _funded(t: Tables, m: Methodology) -> float | None:
    df = t["plan_intentions_funding"]
    return float(df["funded"].astype(bool).sum()) if len(df) else None


HEADLINES: tuple[Headline, ...] = (
    Headline(
        "seniors_in_need",
        "02_demand",
        ("demand_need_figure",),
        "osob",
        lambda m: "Senioři v potřebě na konci plánu (medián, střední varianta)",
        _seniors_in_need,
        "osoba",
    ),
    Headline(
        "capacity_shortage",
        "02_demand",
        ("demand_gap_heatmap",),
        "jednotek kapacity",
        _shortage_label,
        _shortage,
    ),
    Headline(
        "white_spots",
        "01_network",
        ("network_white_spots_orp",),
        "dvojic ORP – druh služby",
        lambda m: "Bílá místa (ORP a druh služby mimo dosah)",
        _white_spots,
    ),
    Headline(
        "overcompensation",
        "04_finance",
        ("finance_compensation",),
        "Kč",
        lambda m: "Překompenzace celkem v posledním roce výkazů",
        _overcompensation,
    ),
    Headline(
        "to_return",
        "04_finance",
        ("finance_compensation",),
        "Kč",
        lambda m: "K vrácení celkem v posledním roce výkazů",
        _to_return,
    ),
    *(
        Headline(
            f"band_{key}",
            "04_finance",
            ("finance_bands",),
            "služeb",
            lambda m, label=label: f"Služby se signálem „{label}“",
            _band(label),
            "služba",
        )
        for key, label in BAND_LABELS.items()
    ),
    Headline(
        "indicators_at_risk",
        "03_plan",
        ("plan_status_counts",),
        "indikátorů",
        lambda m: "Indikátory plánu ohrožené nebo nesplněné",
        _at_risk,
        "indikátor",
    ),
    Headline(
        "intentions_funded",
        "03_plan",
        ("plan_intentions_funding",),
        "záměrů",
        lambda m: "Rozvojové záměry v rámci rozpočtu",
        _funded,
        "záměr",
    ),
)
