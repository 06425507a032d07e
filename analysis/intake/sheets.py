"""The sheets of the region's data workbook: which canonical table each holds, and the
Czech header, kind and code list of each column.

A data sheet has two header rows: row 1 the Czech header a person reads, row 2 the
canonical column name (``docs/data-model.md``) that ``socplan intake`` matches, so that
columns may be moved or headers reworded without breaking the intake. Data start on
row 3. Kinds and code lists come from the table's schema (:mod:`analysis.data.schemas`),
never from a second list that could drift from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.data.schemas import SCHEMAS

HEADER_ROWS = 2  # row 1: Czech header, row 2: canonical name
FIRST_DATA_ROW = HEADER_ROWS + 1


@dataclass(frozen=True)
class SheetSpec:
    """One data sheet: its Czech title, the canonical table, the key that identifies a
    row (duplicates across workbooks are errors) and whether a provider fills it."""

    title: str
    table: str
    key: tuple[str, ...]
    provider: bool
    description: str


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Služby a síť",
        "services",
        ("service_id", "form"),
        True,
        "registrované služby (řádek = služba × forma) a jejich "
        "zařazení do sítě kraje: jednotky sítě, pověření a jeho období",
    ),
    SheetSpec(
        "Síť kraje",
        "network",
        ("service_id", "form"),
        False,
        "rozhodnutí kraje o síti: služba v síti / mimo síť s číslem rozhodnutí, jednotky a "
        "jejich počet, pověření a jeho období (řádek = služba, nebo služba × forma); "
        "vyplněná hodnota má přednost před sloupci sítě v listu Služby a síť",
    ),
    SheetSpec(
        "Výkaz služby",
        "finance",
        ("service_id", "year"),
        True,
        "roční výkaz služby: náklady, výnosy podle zdrojů, úvazky a výkony",
    ),
    SheetSpec(
        "Žádosti o dotaci",
        "subsidy_requests",
        ("service_id", "year"),
        True,
        "požadavek služby na dotaci na rok",
    ),
    SheetSpec(
        "Priority plánu",
        "plan_priorities",
        ("priority_id",),
        False,
        "priority střednědobého plánu",
    ),
    SheetSpec("Opatření plánu", "plan_measures", ("measure_id",), False, "opatření priorit plánu"),
    SheetSpec(
        "Indikátory plánu",
        "plan_indicators",
        ("indicator_id",),
        False,
        "indikátory opatření s výchozí a cílovou hodnotou",
    ),
    SheetSpec(
        "Hodnoty indikátorů",
        "plan_indicator_values",
        ("indicator_id", "year"),
        False,
        "naměřené hodnoty indikátorů po letech",
    ),
    SheetSpec(
        "Akční plán",
        "action_plan",
        ("intention_id",),
        False,
        "rozvojové záměry akčního plánu na rok",
    ),
    SheetSpec(
        "Přísliby obcí",
        "municipal_pledges",
        ("municipality_code", "year", "intention_id"),
        False,
        "přísliby obcí na spolufinancování rozvojových záměrů: obec, rok, částka, záměr "
        "(prázdný = záměry roku v ORP obce) a usnesení zastupitelstva",
    ),
    SheetSpec(
        "Plány transformace",
        "transformation_plans",
        ("plan_id",),
        True,
        "plány transformace pobytových služeb",
    ),
)
SHEET_BY_TITLE = {s.title: s for s in SHEETS}
INSTRUCTIONS = "Pokyny"
CODE_LISTS = "Číselníky"

# Czech headers of the canonical columns of the sheets (the canonical name is row 2).
HEADERS: dict[str, str] = {
    "service_id": "identifikátor služby",
    "provider_ico": "IČO poskytovatele",
    "provider_name": "poskytovatel",
    "service_name": "název služby",
    "service_type_code": "druh služby (kód § zákona)",
    "form": "forma",
    "capacity": "registrovaná kapacita",
    "capacity_unit": "jednotka kapacity",
    "target_groups": "cílové skupiny (kódy oddělené ;)",
    "municipality_code": "obec (kód ČSÚ)",
    "lat": "zeměpisná šířka",
    "lon": "zeměpisná délka",
    "area_of_operation": "území působnosti (kódy ORP nebo obcí oddělené ;)",
    "active_from": "poskytována od",
    "active_to": "poskytována do",
    "in_regional_network": "v síti kraje (true/false)",
    "network_unit": "jednotka sítě",
    "network_capacity": "počet jednotek v síti",
    "entrusted_from": "pověření od roku",
    "entrusted_to": "pověření do roku",
    "year": "rok",
    "cost_personnel": "osobní náklady (Kč)",
    "cost_operating": "provozní náklady (Kč)",
    "revenue_users": "úhrady uživatelů (Kč)",
    "revenue_health_insurance": "zdravotní pojišťovny (Kč)",
    "revenue_state_subsidy": "dotace ze státního rozpočtu (Kč)",
    "revenue_region": "kraj (Kč)",
    "revenue_municipalities": "obce (Kč)",
    "revenue_other": "ostatní výnosy (Kč)",
    "fte_direct": "úvazky v přímé péči",
    "fte_other": "ostatní úvazky",
    "units_delivered": "výkony (lůžkodny, intervence, kontakty)",
    "occupancy": "obložnost (podíl 0–1)",
    "cost_depreciation": "z toho odpisy (Kč)",
    "cost_health_care": "z toho zdravotní péče § 36 (Kč)",
    "cost_outside_basic": "z toho činnosti mimo základní činnosti (Kč)",
    "revenue_outside_basic": "výnosy z činností mimo základní činnosti (Kč)",
    "revenue_eu": "prostředky EU (Kč)",
    "revenue_labour_office": "úřad práce (Kč)",
    "revenue_other_public": "jiné veřejné zdroje (Kč)",
    "capital_employed": "vložený kapitál (Kč)",
    "fte_social_workers": "z úvazků v přímé péči: sociální pracovníci",
    "fte_care_workers": "z úvazků v přímé péči: pracovníci v sociálních službách",
    "fte_health_staff": "z úvazků v přímé péči: zdravotničtí pracovníci",
    "fte_educators": "z úvazků v přímé péči: pedagogičtí pracovníci",
    "fte_management": "z ostatních úvazků: vedení a administrativa",
    "clients_served": "klientů za rok",
    "unmet_applicants": "odmítnutí žadatelé (kapacita)",
    "requested_czk": "požadovaná dotace (Kč)",
    "priority_id": "identifikátor priority",
    "name": "název",
    "target_group": "cílová skupina",
    "measure_id": "identifikátor opatření",
    "indicator_id": "identifikátor indikátoru",
    "unit": "jednotka",
    "baseline_year": "výchozí rok",
    "baseline_value": "výchozí hodnota",
    "target_value": "cílová hodnota",
    "target_year": "cílový rok",
    "source": "zdroj hodnot",
    "registry_measure": "měřeno z registru (capacity / orps_with_service)",
    "registry_service_type": "druh služby v registru",
    "registry_form": "forma v registru",
    "registry_unit": "jednotka v registru",
    "direction": "lepší je (higher / lower)",
    "value": "hodnota",
    "intention_id": "identifikátor záměru",
    "orp_code": "ORP (kód)",
    "capacity_change": "změna kapacity",
    "cost_czk": "roční náklad (Kč)",
    "status": "stav",
    "requested_subsidy_czk": "požadovaná dotace (Kč)",
    "municipal_share": "podíl obcí na nákladu (0–1)",
    "need_declared": "potřeba deklarována obcí (true/false)",
    "in_network": "v síti kraje (true/false; prázdné = nerozhodnuto)",
    "decision": "rozhodnutí o zařazení (např. usnesení)",
    "entrustment_act": "pověření (akt)",
    "pledged_czk": "přislíbená částka (Kč)",
    "resolution": "usnesení zastupitelstva obce",
    "plan_id": "identifikátor plánu",
    "start_year": "začátek (rok)",
    "capacity_before": "kapacita před",
    "capacity_after": "kapacita po",
}


def columns(table: str) -> list[str]:
    """Canonical columns of a sheet, required ones first (the schema's order)."""
    return list(SCHEMAS[table].columns)


def kind(table: str, column: str) -> str:
    """``text``, ``int``, ``number`` or ``date`` from the schema's type."""
    dtype = str(SCHEMAS[table].columns[column].dtype).lower()
    if "int" in dtype:
        return "int"
    if "float" in dtype:
        return "number"
    if "datetime" in dtype:
        return "date"
    return "text"


def code_list(table: str, column: str) -> list[str] | None:
    """The values a column allows (the schema's ``isin`` check), as text; None when free."""
    for check in SCHEMAS[table].columns[column].checks:
        allowed = check.statistics.get("allowed_values")
        if allowed is not None:
            return sorted(str(v) for v in allowed)
    return None


def required(table: str, column: str) -> bool:
    """Whether the column must be in the sheet (optional columns may be left out)."""
    return bool(SCHEMAS[table].columns[column].required)


def header(column: str) -> str:
    return HEADERS.get(column, column)
