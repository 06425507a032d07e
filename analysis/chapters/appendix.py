"""Chapter 90_appendix: every nested parameter table in Czech with units and sources, the
formulas of the headline numbers, and the abbreviations used in the report."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.codelists import CAPACITY_UNITS, FORMS, SERVICE_TYPES, TARGET_GROUPS
from analysis.data.dataset import Dataset
from analysis.methods import network_units as nu
from analysis.methods.deinstitutionalisation import band_labels
from analysis.methods.demography import age_range_label
from analysis.methods.need_rates import need_rates
from analysis.methods.network_scoring import BAND_LABELS, CRITERION_LABELS
from analysis.params import Methodology
from analysis.present import formatting as f
from analysis.present.labels import PLANNING_LEVELS, VARIANTS

ABBREVIATIONS = {
    "2SFCA": "dvoukrokový index dostupnosti s plovoucí spádovou oblastí (two-step floating "
    "catchment area)",
    "E2SFCA": "2SFCA s vahami podle vzdálenosti (enhanced 2SFCA)",
    "ČSÚ": "Český statistický úřad",
    "ČÚZK": "Český úřad zeměměřický a katastrální",
    "DataStat": "veřejná databáze ČSÚ",
    "DOZP": "domov pro osoby se zdravotním postižením",
    "DS": "domov pro seniory",
    "DZR": "domov se zvláštním režimem",
    "AIC": "Akaikeho informační kritérium",
    "HMD": "Human Mortality Database",
    "IQR": "mezikvartilové rozpětí (Q3 − Q1)",
    "Q1, Q3": "dolní a horní kvartil",
    "ZSS": "zákon č. 108/2006 Sb., o sociálních službách",
    "IS": "interval spolehlivosti",
    "JMK": "Jihomoravský kraj",
    "MOS": "Městská a obecní statistika (ČSÚ)",
    "MPSV": "Ministerstvo práce a sociálních věcí",
    "NRPZS": "Národní registr poskytovatelů zdravotních služeb (ÚZIS)",
    "NZDM": "nízkoprahové zařízení pro děti a mládež",
    "ORP": "obec s rozšířenou působností (i její správní obvod)",
    "OSN": "Organizace spojených národů",
    "OZP": "osoby se zdravotním postižením",
    "p. b.": "procentní bod",
    "PnP": "příspěvek na péči",
    "POPPI": "Projecting Older People Population Information System (Anglie)",
    "RPSS": "Registr poskytovatelů sociálních služeb (MPSV)",
    "RÚIAN": "Registr územní identifikace, adres a nemovitostí (ČÚZK)",
    "SAS": "sociálně aktivizační služby",
    "SLDB": "Sčítání lidu, domů a bytů",
    "SO ORP": "správní obvod obce s rozšířenou působností",
    "SPRSS": "střednědobý plán rozvoje sociálních služeb",
    "SZB07A1, SZB07C": "výběry z veřejné databáze ČSÚ DataStat (zařízení sociálních služeb)",
    "SZB09, SZB09B": "výběry DataStat (příjemci příspěvku na péči)",
    "OBY02BT01, OBY02DT01, OBY04ET01": "výběry DataStat (obyvatelstvo podle věku, zemřelí)",
    "b. b.": "bazický bod (setina procentního bodu)",
    "DPH": "daň z přidané hodnoty",
    "EU": "Evropská unie",
    "IROP": "Integrovaný regionální operační program",
    "NV": "nařízení vlády",
    "SHA-256": "kryptografický otisk souboru (ověří, že soubor je beze změny)",
    "WGS84": "souřadnicový systém GPS (World Geodetic System 1984)",
    "ÚZIS": "Ústav zdravotnických informací a statistiky ČR",
    "WPP": "World Population Prospects (OSN)",
}


@dataclass
class AppendixChapter:
    need_rates: pd.DataFrame
    service_mix: pd.DataFrame
    service_types: pd.DataFrame
    zones: pd.DataFrame
    rules: pd.DataFrame
    variants: pd.DataFrame
    finance: pd.DataFrame
    formulas: str
    abbreviations: pd.DataFrame
    sources: dict[str, str]  # the source of each parameter table
    labels: dict[str, str]  # headers of the tables that differ from the report's


# Czech names of the finance.csv columns and of the network criteria named in parameters.
COLUMN_NAMES = {
    "cost_depreciation": "odpisy",
    "cost_health_care": "zdravotní péče (§ 36 ZSS)",
    "cost_outside_basic": "náklady mimo základní činnosti",
    "revenue_users": "úhrady uživatelů",
    "revenue_health_insurance": "zdravotní pojišťovny",
    "revenue_state_subsidy": "státní dotace",
    "revenue_region": "kraj",
    "revenue_municipalities": "obce",
    "revenue_other": "ostatní vlastní výnosy",
    "revenue_outside_basic": "výnosy činností mimo základní činnosti",
    "revenue_eu": "fondy EU",
    "revenue_labour_office": "Úřad práce",
    "revenue_other_public": "jiné veřejné zdroje",
}


NOT_GIVEN = "nezadáno"


def _region_amounts(entries: list, region: str) -> str:
    """The run region's amounts of a per-region parameter (allocation, budget); another
    region's values are never printed in this region's report."""
    own = [e for e in entries if e.region == region]
    return (
        "; ".join(f"{e.year}: {f.number(e.czk)} Kč ({e.source})" for e in own) if own else NOT_GIVEN
    )


def finance_parameters(methodology: Methodology, region: str) -> pd.DataFrame:
    """The finance chapter's table-valued parameters written out in Czech, with sources
    (per-region amounts only for ``region``)."""
    fin = methodology.finance
    rule = fin.outlier_rule.value
    rows = [
        (
            "pravidlo odlehlých hodnot",
            (
                f"Q1 − {f.auto(rule.k)} × IQR až Q3 + {f.auto(rule.k)} × IQR"
                if rule.method == "iqr"
                else f"medián ± {f.percent(100 * rule.k, 0)}"
            )
            + f"; skupina alespoň {f.number(rule.min_services)} služeb",
            fin.outlier_rule.source,
        ),
        (
            "jednotky sítě podle formy",
            "; ".join(
                f"{FORMS[r.form]}"
                + (f" (druhy {', '.join(str(t) for t in r.types)})" if r.types else "")
                + f": {nu.UNIT_NAMES[r.unit]}"
                + (
                    f", nejmenší obložnost {f.percent(100 * r.min_occupancy, 0)}"
                    if r.min_occupancy is not None
                    else ""
                )
                for r in fin.network_units.value
            ),
            fin.network_units.source,
        ),
        (
            "náklady vynechané z kontroly vyrovnávací platby (s výnosem, který je hradí)",
            "; ".join(
                f"{COLUMN_NAMES[e.cost]} (hradí je: {COLUMN_NAMES[e.revenue]})"
                for e in fin.compensation_excluded_costs.value
            ),
            fin.compensation_excluded_costs.source,
        ),
        (
            "náklady, které státní dotace nesmí hradit",
            "; ".join(i.item for i in fin.subsidy_ineligible_costs.value),
            fin.subsidy_ineligible_costs.source,
        ),
        (
            "přiměřený zisk",
            {
                "none": "nepřipouští se",
                "return_on_capital": "podíl použitého kapitálu",
                "return_on_sales": "podíl výnosů služby",
            }[fin.reasonable_profit.value.metric]
            + (
                f" {f.percent(100 * fin.reasonable_profit.value.rate, 1)}"
                if fin.reasonable_profit.value.metric != "none"
                else ""
            ),
            fin.reasonable_profit.source,
        ),
        (
            "zdroje, jejichž překompenzaci lze převést",
            ", ".join(COLUMN_NAMES[c] for c in fin.carry_over_sources.value),
            fin.carry_over_sources.source,
        ),
        (
            "veřejné zdroje (vyrovnávací platba)",
            ", ".join(COLUMN_NAMES[c] for c in fin.public_revenues.value),
            fin.public_revenues.source,
        ),
        (
            "alokace státní dotace",
            _region_amounts(fin.allocations.value, region),
            fin.allocations.source,
        ),
        (
            "modelové změny alokace",
            ", ".join(f.signed(100 * c, 0) + " %" for c in fin.what_if.value),
            fin.what_if.source,
        ),
        (
            "spolufinancování obcí",
            "; ".join(
                f"{FORMS[r.form]}"
                + (f" (druhy {', '.join(str(t) for t in r.types)})" if r.types else "")
                + f": {f.percent(100 * r.share, 0)}"
                for r in fin.cofinancing.value
            ),
            fin.cofinancing.source,
        ),
        (
            "signály hodnocení sítě (skóre od)",
            "; ".join(
                f"{BAND_LABELS[b.band]} od {f.auto(b.min_score)}"
                for b in sorted(fin.bands.value, key=lambda b: -b.min_score)
            ),
            fin.bands.source,
        ),
        *(
            (
                f"kritérium sítě {label} (váha; hranice bodů; směr)",
                f"{f.auto(c.weight)}; "
                + " / ".join(f.auto(b) for b in c.breakpoints)
                + "; "
                + (
                    "více bodů za vyšší hodnotu"
                    if c.higher_is_better
                    else "více bodů za nižší hodnotu"
                ),
                c.source,
            )
            for name, label in CRITERION_LABELS.items()
            if (c := fin.criteria.value.get(name)) is not None
        ),
    ]
    plan = methodology.plan
    q = plan.quality_scores.value
    rows += [
        (
            "rozpočet rozvoje sítě",
            _region_amounts(plan.development_budgets.value, region),
            plan.development_budgets.source,
        ),
        (
            "velikostní pásma pobytových zařízení (míst)",
            ", ".join(band_labels(list(plan.size_bands.value))),
            plan.size_bands.source,
        ),
        (
            "limity nepřijatého návrhu materiálně-technického standardu (orientační)",
            "; ".join(
                f"{', '.join(SERVICE_TYPES[t].short for t in m.types)}: nejvýše "
                f"{f.number(m.max_places)} míst"
                for m in plan.mts_limits.value
            ),
            plan.mts_limits.source,
        ),
        (
            "body za kritéria kvality plánování",
            f"splněno {f.auto(q.met)}, částečně {f.auto(q.partly)}, nesplněno {f.auto(q.not_met)}",
            plan.quality_scores.source,
        ),
        (
            "nová pobytová kapacita v jednom záměru (míst)",
            f"nejvýše {f.number(plan.new_residential_max_places.value)}; větší záměr "
            + ("se smí financovat" if plan.fund_large_new_residential.value else "se nefinancuje"),
            plan.new_residential_max_places.source,
        ),
    ]
    return pd.DataFrame(rows, columns=["parameter", "value", "source"])


def prepare(ds: Dataset, methodology: Methodology, year: int) -> AppendixChapter:
    """The nested parameter tables of the methodology, written out in Czech."""
    net, dem, proj = methodology.network, methodology.demand, methodology.projection
    # The rates the report used: parameters, or for real regions the care-allowance
    # rates of the region (the same table as in the demand chapter).
    rates = need_rates(ds, methodology)
    need = pd.DataFrame(
        {
            "group": rates["group"].map(TARGET_GROUPS),
            "reference_ages": rates["reference_ages"],
            "rate": [f.percent(100 * r, 2) for r in rates["rate"]],
            "uncertainty": [f.percent(100 * u, 0) for u in rates["uncertainty"]],
            "source": rates["source"],
        }
    )
    mix = pd.DataFrame(
        [
            {
                "group": TARGET_GROUPS[m.group],
                "service_type": SERVICE_TYPES[m.service_type].name,
                "capacity_unit": CAPACITY_UNITS[m.unit],
                "per_person": f.auto(m.per_person),
            }
            for m in dem.service_mix.value
        ]
    )
    types = pd.DataFrame(
        [
            {
                "service_type_code": code,
                "service_type": SERVICE_TYPES[code].name,
                "reference_ages": " / ".join(age_range_label(a) for a in rule.ages),
                "threshold_km": rule.threshold_km,
                "catchment_km": rule.catchment_km,
                "planning_level": PLANNING_LEVELS[rule.planning_level],
            }
            for code, rule in sorted(net.service_types.value.items())
        ]
    )
    zones = pd.DataFrame(
        [
            {
                "zone": i,
                "upper_share": f.percent(100 * upper, 0),
                "weight": f.number(weight, 2),
            }
            for i, (upper, weight) in enumerate(net.e2sfca_zones.value, start=1)
        ]
    )
    rules = pd.DataFrame(
        [
            {
                "rule": r.name,
                "if_any": ", ".join(SERVICE_TYPES[c].short for c in r.if_any),
                "require_any": ", ".join(SERVICE_TYPES[c].short for c in r.require_any),
            }
            for r in net.complementary_rules.value
        ]
    )
    variants = pd.DataFrame(
        [
            {
                "assumption": label,
                **{VARIANTS[v]: f.auto(q.value[v]) for v in ("low", "middle", "high")},
                "unit": q.unit,
            }
            for label, q in (
                ("úhrnná plodnost", proj.total_fertility),
                ("saldo migrace", proj.net_migration),
                ("roční pokles úmrtnosti", proj.mortality_improvement),
            )
        ]
    )
    finance = finance_parameters(methodology, ds.region_code)
    abbreviations = pd.DataFrame(
        sorted(ABBREVIATIONS.items(), key=lambda kv: kv[0].casefold()),
        columns=["abbreviation", "meaning"],
    )
    per = f.number(net.per_population.value)
    return AppendixChapter(
        need_rates=need,
        service_mix=mix,
        service_types=types,
        zones=zones,
        rules=rules,
        variants=variants,
        finance=finance,
        formulas=(
            "- **Pokrytí** druhu služby v ORP = registrovaná kapacita v ORP ÷ referenční "
            f"populace ORP × {per}.\n"
            "- **Osoby v potřebě** ve skupině = referenční populace skupiny (projekce) × míra "
            "potřeby (tabulka Míry potřeby); interval z "
            f"{f.number(dem.draws.value)} simulací log-normální míry.\n"
            "- **Poptávka** po druhu služby = osoby v potřebě × kapacita na osobu v potřebě "
            "(tabulka Kapacita na osobu v potřebě), sečtená za území úrovně plánování druhu.\n"
            "- **Mezera** = registrovaná kapacita − poptávka; *nedostatek*, když celý interval "
            "mezery leží pod nulou.\n"
            "- **2SFCA**: každé místo služby dělí svou kapacitu obyvateli referenční skupiny ve "
            "spádové vzdálenosti; obec sečte podíly všech míst ve spádové vzdálenosti "
            f"(× {per}); E2SFCA váží obyvatele a místa podle pásem vzdálenosti.\n"
            "- **Náklad na jednotku sítě** = (osobní + provozní náklady) ÷ počet jednotek, ve "
            "kterých službu počítá síť (lůžka u pobytových služeb, přepočtené úvazky "
            "v přímé péči u terénních a ambulantních služeb).\n"
            "- **Odůvodněná vyrovnávací platba** = čisté náklady (všechny náklady na provoz "
            "služby včetně odpisů, bez nákladů vynechaných vždy spolu s výnosem, který je "
            "hradí) − vlastní výnosy + přiměřený zisk podle aktu pověření − převod "
            "z minulého roku; **překompenzace** = veřejné zdroje − odůvodněná platba (nejméně "
            "nula, nejvýše přebytek služby). Překompenzaci, která nepřesáhne práh "
            f"{f.percent(100 * methodology.finance.carry_over_threshold.value, 0)} průměrné "
            "roční platby, lze převést do dalšího roku a odečíst od jeho platby (jen "
            "z prostředků, které převod připouštějí, nikdy státní dotaci); vyšší "
            "překompenzace se vrací celá.\n"
            "- **Optimální dotace** = (cenová hladina × jednotky sítě − úhrady − platby "
            "pojišťoven) × (1 + úprava podle skóre); **reálná dotace** = alokace v poměru "
            "optimálních dotací, nejvýše min(žádost; optimální dotace − ostatní očekávané "
            "veřejné zdroje), na celé koruny metodou největších zbytků; nerozdělený zbytek "
            "alokace se uvádí.\n"
            "- **Skóre služby** = vážený průměr bodů hodnocených kritérií ÷ největší počet bodů "
            "× 100."
        ),
        abbreviations=abbreviations,
        sources={
            "need_rates": dem.need_rates.source,
            "service_mix": dem.service_mix.source,
            "service_types": net.service_types.source,
            "zones": net.e2sfca_zones.source,
            "rules": net.complementary_rules.source,
            "variants": "; ".join(
                q.source
                for q in (proj.total_fertility, proj.net_migration, proj.mortality_improvement)
            ),
        },
        labels={
            "rate": "míra potřeby",
            "uncertainty": "relativní nejistota",
            "source": "zdroj míry",
            "reference_ages": "referenční věk",
        },
    )
