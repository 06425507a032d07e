"""The network chapter's section on year-on-year registry changes (tables, map, text).

With two registry snapshots (``services_previous``) the section lists every service
added, ended or changed, with totals per type and ORP and a map of the net change of
beds. Without the earlier snapshot only registrations that started or ended during the
year can be read from the current registry's dates; capacity changes are then unknown
and the section says so instead of reporting none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import matplotlib.figure
import pandas as pd

from analysis.codelists import CAPACITY_UNITS, SERVICE_TYPES
from analysis.data.dataset import Dataset
from analysis.methods.demography import orp_names
from analysis.methods.network import active_services, reference_date
from analysis.methods.registry_changes import capacity_totals, registry_changes, service_counts
from analysis.present import formatting as f
from analysis.present.czech import plural
from analysis.present.maps import choropleth

# "{n} services ended", by the Czech plural category of n (one, few, many, other).
ENDED = ("{n} služba skončila", "{n} služby skončily", "{n} služby skončilo", "{n} služeb skončilo")
MAP_UNIT = "luzka"  # the map shows the net change of beds (residential capacity)


@dataclass
class ChangeSection:
    text: str = ""
    caption_dates: str = ""
    by_type: pd.DataFrame = field(default_factory=pd.DataFrame)
    capacity_by_type: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_orp: pd.DataFrame = field(default_factory=pd.DataFrame)
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    moves: pd.DataFrame = field(default_factory=pd.DataFrame)
    net_map: matplotlib.figure.Figure | None = None
    sources: tuple[str, ...] = ("services",)
    orp_labels: dict[str, str] = field(default_factory=dict)
    type_labels: dict[str, str] = field(
        default_factory=lambda: {"moved_in": "z jiného druhu", "moved_out": "do jiného druhu"}
    )


def _signed(value: float) -> str:
    text = f.number(value)
    return f"+{text}" if value > 0 else text


def _type_name(code: object) -> str:
    return SERVICE_TYPES[int(code)].short


def change_section(ds: Dataset, year: int, complete: bool) -> ChangeSection:
    """The section of the report year: snapshots on 1 January of ``year - 1`` and ``year``."""
    if not complete:
        return ChangeSection()
    before, after = reference_date(year - 1), reference_date(year)
    both = ds.is_complete("registry_previous")
    previous = ds.services_previous if both else ds.services
    munis = ds.municipalities
    changes = registry_changes(previous, ds.services, before, after, munis)
    dates = f"mezi 1. 1. {before.year} a 1. 1. {after.year}"
    counts = service_counts(
        changes, previous, ds.services, before, after, "service_type_code", munis
    )
    counts.insert(1, "service_type", counts["service_type_code"].map(_type_name))
    section = ChangeSection(caption_dates=dates, sources=("services",))
    if not both:
        section.by_type = counts[["service_type_code", "service_type", "added", "ended"]][
            lambda d: (d["added"] > 0) | (d["ended"] > 0)
        ]
        section.text = _dates_only_text(changes, before)
        return section
    section.sources = ("services", "services_previous")
    region = _region_counts(changes, previous, ds.services, before, after)
    section.by_type = pd.concat(
        [counts, pd.DataFrame([{"service_type": "kraj celkem", **region}])], ignore_index=True
    )
    totals = capacity_totals(previous, ds.services, before, after, ["service_type_code"])
    totals.insert(1, "service_type", totals["service_type_code"].map(_type_name))
    section.capacity_by_type = totals[totals["net_change"] != 0]
    section.by_orp, section.orp_labels = _by_orp(changes, previous, ds, before, after)
    section.changes, section.moves = _listing(changes, munis)
    section.net_map = _net_map(ds, previous, before, after, dates)
    section.text = _text(changes, totals, dates)
    return section


def _region_counts(
    changes: pd.DataFrame,
    previous: pd.DataFrame,
    current: pd.DataFrame,
    before: dt.date,
    after: dt.date,
) -> dict[str, int]:
    """The region's row of the count tables: each service once (a service whose type or
    ORP changed would count twice in a sum of the rows; nothing moves within the region)."""
    kind = changes["change"]
    return {
        "services_previous": active_services(previous, before)["service_id"].nunique(),
        "services_current": active_services(current, after)["service_id"].nunique(),
        "added": changes.loc[kind == "added", "service_id"].nunique(),
        "ended": changes.loc[kind == "ended", "service_id"].nunique(),
        "moved_in": 0,
        "moved_out": 0,
        "changed": changes.loc[~kind.isin(["added", "ended"]), "service_id"].nunique(),
    }


def _by_orp(
    changes: pd.DataFrame, previous: pd.DataFrame, ds: Dataset, before: dt.date, after: dt.date
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Service counts and the net capacity change per unit (columns) per ORP."""
    munis = ds.municipalities
    counts = service_counts(changes, previous, ds.services, before, after, "orp_code", munis)
    totals = capacity_totals(previous, ds.services, before, after, ["orp_code"], munis)
    net = totals.pivot(index="orp_code", columns="capacity_unit", values="net_change")
    units = [u for u in CAPACITY_UNITS if u in net.columns]
    # An ORP without capacity of a unit in either snapshot has no change of it: zero.
    net = net.reindex(index=counts["orp_code"], columns=units).fillna(0.0)
    out = counts.join(net.add_prefix("net_"), on="orp_code")
    out.insert(1, "orp_name", out["orp_code"].map(orp_names(munis)))
    total = {
        "orp_name": "kraj celkem",
        **_region_counts(changes, previous, ds.services, before, after),
        **{f"net_{u}": net[u].sum() for u in units},
    }
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    labels = {
        "moved_in": "z jiné ORP",
        "moved_out": "do jiné ORP",
        **{f"net_{u}": f"změna: {CAPACITY_UNITS[u]}" for u in units},
    }
    return out, labels


def _listing(changes: pd.DataFrame, munis: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every change with names, in two tables: registrations, forms and capacities (in
    units), and changes of type or place (by name)."""
    names = munis.set_index("municipality_code")["municipality_name"]
    out = changes.assign(
        service_type=changes["service_type_code"].map(_type_name),
        municipality_name=changes["municipality_code"].map(names),
    )
    moves = out["change"].isin(["type", "place"])
    capacity = out.loc[
        ~moves,
        [
            "service_id",
            "service_name",
            "service_type",
            "change",
            "form",
            "capacity_unit",
            "capacity_previous",
            "capacity_current",
            "municipality_name",
        ],
    ]
    other = out.loc[
        moves,
        ["service_id", "service_name", "change", "value_previous", "value_current"],
    ].copy()
    for col in ("value_previous", "value_current"):
        is_type = other["change"].eq("type")
        other.loc[is_type, col] = other.loc[is_type, col].map(_type_name)
        other.loc[~is_type, col] = other.loc[~is_type, col].map(lambda c: names.get(c, c))
    return capacity.reset_index(drop=True), other.reset_index(drop=True)


def _net_map(
    ds: Dataset, previous: pd.DataFrame, before: dt.date, after: dt.date, dates: str
) -> matplotlib.figure.Figure | None:
    """Net change of beds per ORP (diverging colours), or None when neither snapshot has
    beds or no ORP's beds changed."""
    totals = capacity_totals(previous, ds.services, before, after, ["orp_code"], ds.municipalities)
    beds = totals[totals["capacity_unit"] == MAP_UNIT].set_index("orp_code")["net_change"]
    if beds.empty or not beds.any():
        return None
    values = beds.reindex(ds.orp_polygons["orp_code"]).fillna(0.0)
    return choropleth(
        ds.orp_polygons,
        values,
        f"Čistá změna počtu lůžek {dates}",
        "změna počtu lůžek",
        decimals=0,
        diverging=True,
        zero_label="0 (beze změny)",
    )


def _text(changes: pd.DataFrame, totals: pd.DataFrame, dates: str) -> str:
    """Opening paragraph: counts of added, ended and changed services and the net change
    of capacity per unit (from the same tables)."""
    added = changes.loc[changes["change"] == "added", "service_id"].nunique()
    ended = changes.loc[changes["change"] == "ended", "service_id"].nunique()
    changed = changes.loc[~changes["change"].isin(["added", "ended"]), "service_id"].nunique()
    net = totals.groupby("capacity_unit")["net_change"].sum()
    units = "; ".join(
        f"{CAPACITY_UNITS[u]} {_signed(net[u])}" for u in CAPACITY_UNITS if u in net.index
    )
    return (
        f"Registr {dates} (oba stavy registru jsou vstupem analýzy): "
        + plural(
            added,
            (
                "přibyla {n} služba",
                "přibyly {n} služby",
                "přibylo {n} služby",
                "přibylo {n} služeb",
            ),
        )
        + ", "
        + plural(
            ended,
            ENDED,
        )
        + " a u "
        + plural(changed, ("{n} služby", "{n} služeb", "{n} služby", "{n} služeb"))
        + " se změnila kapacita, forma, druh nebo místo. Čistá změna registrované kapacity "
        f"podle jednotek: {units}. Kapacity v různých jednotkách se nesčítají. Služba se "
        "počítá v ORP svého místa poskytování. Přesun do jiné ORP ubírá službu i kapacitu "
        "původní ORP a přidává je nové (sloupce „do jiné ORP“ a „z jiné ORP“), obdobně změna "
        "druhu; v každém řádku tabulek proto platí: služeb nyní = služeb dříve + nové − "
        "ukončené + z jiné ORP (druhu) − do jiné ORP (druhu). Tabulka kapacit uvádí jen "
        "druhy a jednotky, jejichž kapacita se změnila; služby, které změnily druh nebo "
        "místo poskytování, uvádí samostatná tabulka na konci oddílu."
    )


def _dates_only_text(changes: pd.DataFrame, before: dt.date) -> str:
    """Without the earlier snapshot: what the registration dates say, and what is unknown."""
    added = changes.loc[changes["change"] == "added", "service_id"].nunique()
    ended = changes.loc[changes["change"] == "ended", "service_id"].nunique()
    return (
        f"Stav registru o rok dříve (k 1. 1. {before.year}) není vstupem analýzy, a proto "
        "nelze zjistit změny kapacity, forem, druhů ani míst. Z dat registrace služeb, které "
        "aktuální registr uvádí (registr nemusí uvádět všechny ukončené registrace, počet "
        f"ukončených je proto dolní odhad), vyplývá, že v roce {before.year} "
        + plural(
            added,
            ("začala {n} služba", "začaly {n} služby", "začalo {n} služby", "začalo {n} služeb"),
        )
        + " a "
        + plural(
            ended,
            ENDED,
        )
        + "."
    )
