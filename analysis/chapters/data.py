"""Chapter 00_data: the inputs, their completeness, the checks made, the methodology."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.codelists import REGIONS
from analysis.data.dataset import Dataset
from analysis.methods import data_overview as ov
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.czech import CAPACITY_NOUNS, count


@dataclass
class DataChapter:
    intro: str
    inputs: pd.DataFrame
    availability: pd.DataFrame
    territory: pd.DataFrame
    checks: pd.DataFrame
    plausibility: pd.DataFrame
    plausibility_text: str
    plausibility_points: pd.DataFrame | None
    network_register: pd.DataFrame | None
    quality_sources: pd.DataFrame
    quality_totals: pd.DataFrame
    quality_rebasing: pd.DataFrame
    rebasing_text: str
    methodology: pd.DataFrame
    # Every parameter is shown with its source: the table is never cut.
    methodology_rows: int
    methodology_formats: dict[str, f.Formatter]
    rebasing_formats: dict[str, f.Formatter]


def prepare(ds: Dataset, methodology: Methodology, year: int) -> DataChapter:
    """Input files with hashes, availability, territory, checks and the parameters."""
    rebasing = ov.quality_table(ds, "rebasing")
    parameters = methodology_table(methodology)
    if len(rebasing):
        names = {**REGIONS, "CZ": "Česko"}
        rebasing = rebasing.assign(region_code=rebasing["region_code"].map(names))
    return DataChapter(
        intro=intro_text(ds, year),
        inputs=ov.input_overview(ds),
        availability=ov.availability(ds),
        territory=ov.territory_by_district(ds, year),
        checks=ov.data_checks(ds, year),
        plausibility_text=PLAUSIBILITY_TEXT,
        plausibility=plausibility_rules(ov.quality_table(ds, "plausibility"), methodology),
        plausibility_points=dropped_points(ds),
        network_register=register_issues(ds),
        quality_sources=ov.quality_table(ds, "sources"),
        quality_totals=ov.quality_table(ds, "national_totals"),
        quality_rebasing=rebasing,
        rebasing_text=rebasing_text(rebasing),
        methodology=parameters,
        methodology_rows=len(parameters),
        methodology_formats={"value": f.auto},
        rebasing_formats={"difference_pct": f.significant},
    )


def dropped_points(ds: Dataset) -> pd.DataFrame | None:
    """Every point a plausibility rule dropped or moved, with file, row (where the file's
    rows are kept), record and rule; None when there is none (nothing to list)."""
    points = ds.quality.get("plausibility_points")
    return None if points is None or points.empty else points.reset_index(drop=True)


def register_issues(ds: Dataset) -> pd.DataFrame | None:
    """Rows of the region's network register that do not fit the registry (file, row,
    record, issue); None when there is none."""
    issues = ds.quality.get("network_register")
    return None if issues is None or issues.empty else issues.reset_index(drop=True)


def plausibility_rules(counts: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    """The plausibility rules in Czech with their limits, the records each applied to in
    this run, and what it did (from the data layer's counts)."""
    if counts.empty:
        return counts
    p = methodology.plausibility
    margin = f.number(p.territory_margin_km.value)
    limits = ", ".join(
        count(p.max_capacity.value[u], noun)
        for u, noun in CAPACITY_NOUNS.items()
        if u in p.max_capacity.value
    )
    reject = "soubor se odmítne s chybou (soubor, řádek, sloupec)"
    text = {
        "municipality_point": (
            f"bod obce mimo Česko nebo dál než {margin} km od hranic ORP kraje",
            "bod se vypustí, obec zůstane bez souřadnic",
        ),
        "service_point": (
            f"bod služby mimo Česko nebo dál než {margin} km od hranic ORP kraje",
            "služba se umístí do bodu své obce",
        ),
        "capacity": (
            f"kapacita služby v jedné formě nad věrohodnou mez ({limits}), v obou stavech registru",
            reject,
        ),
        "negative": ("záporný počet obyvatel nebo záporná či nulová kapacita", reject),
        "population_sum": ("počty mužů a žen obce nedávají její úhrn", reject),
        "population_structure": (
            "tabulka obyvatel s úhrnem obou pohlaví vedle řádků podle pohlaví nebo "
            "s mezerou ve věku",
            reject,
        ),
    }
    return pd.DataFrame(
        {
            "rule": counts["rule"].map(lambda r: text[r][0]),
            "records": counts["records"],
            "action": counts["rule"].map(lambda r: text[r][1]),
        }
    )


PLAUSIBILITY_TEXT = (
    "Kromě kontrol jednotlivých buněk platí pro data pravidla věrohodnosti (meze jsou "
    "parametry metodiky). Pravidla, podle kterých se soubor odmítne, mají ve zveřejněné "
    "zprávě vždy 0 záznamů: ze závadného souboru se zpráva nesestaví. Pomlčka znamená, že "
    "se pravidlo při tomto sestavení zprávy neuplatnilo (registr neobsahuje žádnou službu kraje)."
)


def intro_text(ds: Dataset, year: int) -> str:
    """Opening paragraph of the data chapter, with a warning for synthetic data."""
    m = ds.municipalities
    text = (
        f"Analyzované území: **{ds.region_name}** ({ds.region_code}), rok zprávy **{year}**. "
        f"Území kraje tvoří {count(m['district_code'].nunique(), 'okres')}, "
        f"{count(m['orp_code'].nunique(), 'ORP')} a {count(len(m), 'obec')}."
    )
    if ds.synthetic:
        text += (
            "\n\n> **Upozornění:** jde o smyšlený kraj a smyšlená data, která vytváří socplan "
            "(`socplan demo`) k ukázce a testování. Čísla nepopisují žádné skutečné území."
        )
    return text


def rebasing_text(rebasing: pd.DataFrame) -> str:
    """What the cross-checks compare, and the largest break of the national series (from
    the table)."""
    text = (
        "Zdroje otevřených dat se navzájem porovnávají: obce, které jeden zdroj má a jiný "
        "ne, kódy, které se nespojí, souřadnice mimo území Česka a zlomy časových řad."
    )
    national = rebasing[rebasing["region_code"] == "Česko"] if len(rebasing) else rebasing
    if len(national):
        worst = national.loc[national["difference"].abs().idxmax()]
        y = int(worst["year"])
        text += (
            f" Stav ČR k 1. 1. {y} odvozený z pohybu obyvatelstva roku {y} se liší od stavu "
            f"zveřejněného k 31. 12. {y - 1} o {f.signed(worst['difference'], 0)} osob: řada "
            "má zlom, který narození, úmrtí ani stěhování nevysvětlují (revize počtu "
            "obyvatel podle sčítání lidu). Malé rozdíly v krajích (jednotky až desítky osob) "
            "odpovídají změnám hranic."
        )
    return text


def methodology_table(methodology: Methodology) -> pd.DataFrame:
    """Every parameter with its value as the report writes it: quantities as numbers,
    years, identifiers and codes as written, nested tables by reference to the appendix."""
    frame = methodology.frame()
    value = frame["value"].astype(object)
    written = frame["kind"].isin(["year", "identifier", "code"])
    value[written] = value[written].map(str)
    value[frame["kind"] == "table"] = "tabulka v příloze (Parametry metodiky)"
    return frame.assign(value=value).drop(columns="kind")
