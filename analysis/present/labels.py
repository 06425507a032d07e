"""Czech column headers and cell labels of published tables.

CSV files under ``tables/`` keep English snake_case column names and the data model's
codes (stable for scripts); reports show the Czech labels. Headers that state a
methodological value (an age limit, an interval level, a denominator) are generated from
the methodology by :func:`column_labels`.
"""

from __future__ import annotations

from analysis.codelists import CAPACITY_UNITS, FORMS, SERVICE_GROUP_NAMES, TARGET_GROUPS
from analysis.params import Methodology
from analysis.present.formatting import number, percent_adjective

COLUMN_LABELS: dict[str, str] = {
    # territory and population
    "orp_code": "kód ORP",
    "orp_name": "ORP",
    "district_name": "okres",
    "municipalities": "obcí",
    "population": "obyvatel",
    "seniors": "obyvatel 65+",
    "children_share": "podíl 0–14 (%)",
    "seniors_share": "podíl 65+ (%)",
    "oldest_share": "podíl 80+ (%)",
    "ageing_index": "index stáří",
    "seniors_share_change": "změna podílu 65+ (p. b.)",
    "population_change": "změna počtu obyvatel (%)",
    "age_band": "věková skupina",
    "men": "muži",
    "women": "ženy",
    # input overview
    "table": "tabulka",
    "file": "soubor",
    "rows": "řádků",
    "columns": "sloupců",
    "sha256": "SHA-256 (začátek)",
    "check": "kontrola",
    "result": "výsledek",
    # network
    "service_type_code": "kód",
    "service_type": "druh služby",
    "form": "forma",
    "capacity_unit": "jednotka kapacity",
    "capacity": "kapacita",
    "services": "služeb",
    "in_network": "v síti kraje",
    "group": "skupina služeb",
    "residential_beds": "lůžka pobytových sl.",
    "senior_beds": "lůžka DS a DZR",
    "field_clients": "terénní sl. (klienti)",
    "services_per_10k": "služeb na 10 tis. obyv.",
    "senior_beds_rate": "lůžka DS a DZR na 1 000 obyv. 65+",
    # plan
    "indicator_id": "kód",
    "measure_id": "opatření",
    "name": "název",
    "unit": "jednotka",
    "baseline_year": "rok výchozí hodnoty",
    "baseline_value": "výchozí hodnota",
    "target_year": "cílový rok",
    "target_value": "cílová hodnota",
    "latest_year": "rok poslední hodnoty",
    "latest_value": "poslední hodnota",
    "progress": "plnění",
    "expected_progress": "očekávané plnění",
    "status": "stav",
    "indicators": "indikátorů",
    "intentions": "záměrů",
    "intention_id": "kód",
    "cost_czk": "odhad nákladů (Kč)",
    "capacity_change": "změna kapacity",
    "priority_id": "priorita",
    "target_group": "cílová skupina",
    # methodology
    "parameter": "parametr",
    "value": "hodnota",
    "source": "zdroj",
}
COLUMN_LABELS.update(
    {
        "content": "obsah",
        "orps": "ORP",
        "district_name": "okres",
    }
)
COLUMN_LABELS.update(
    {
        "present": "k dispozici",
        "state": "úplnost",
        "note": "poznámka",
        "count": "počet",
        "examples": "příklady",
        "region_code": "kraj",
        "year": "rok",
        "published_previous_end": "stav k 31. 12. předchozího roku",
        "implied_start": "stav k 1. 1. podle pohybu",
        "difference": "rozdíl",
        "difference_pct": "rozdíl (%)",
    }
)
COLUMN_LABELS.update(
    {
        "district_code": "kód okresu",
        "municipality_code": "kód obce",
        "municipality_name": "obec",
        "poradenstvi": "poradenství",
        "pece": "péče",
        "prevence": "prevence",
        "total": "celkem",
        "new": "nové",
        "ended": "ukončené",
        "reference_ages": "referenční věk",
        "reference_population": "referenční populace",
        "rate": "kapacita na 1 000",
        "region_rate": "kraj na 1 000",
        "min_rate": "min. ORP",
        "max_rate": "max. ORP",
        "orps_without": "ORP bez kapacity",
        "deviation_pct": "odchylka od kraje (%)",
        "rank": "pořadí",
        "threshold_km": "dosah (km)",
        "method": "spádovost",
        "covered_share": "v dosahu (%)",
        "mean_nearest_km": "prům. vzdálenost (km)",
        "a2sfca": "2SFCA na 1 000",
        "ae2sfca": "E2SFCA na 1 000",
        "rule": "pravidlo",
        "missing": "chybí (žádná z)",
        "population_in_white_spots": "obyvatel bez dosahu",
    }
)
COLUMN_LABELS.update(
    {
        "total_low": "celkem (nízká)",
        "total_high": "celkem (vysoká)",
        "group": "cílová skupina",
        "group_name": "cílová skupina",
        "uncertainty": "relativní nejistota",
        "variant": "varianta",
        "low": "dolní mez",
        "median": "medián",
        "high": "horní mez",
        "seniori": "senioři",
        "ozp": "OZP",
        "deti_rodiny": "děti a rodiny",
        "ohrozeni": "ohrožení",
        "demand_median": "poptávka",
        "demand_low": "poptávka – dolní",
        "demand_high": "poptávka – horní",
        "gap_median": "mezera",
        "gap_low": "mezera – dolní",
        "gap_high": "mezera – horní",
        "term": "člen",
        "estimate": "odhad",
        "std_error": "směr. chyba",
        "ci_low": "95% IS dolní",
        "ci_high": "95% IS horní",
        "rate_ratio": "poměr měr",
        "p_value": "p-hodnota",
        "diagnostic": "ukazatel",
        "area": "oblast",
        "observed": "skutečnost",
        "expected": "očekávání",
        "mean_low": "IS střední hodnoty dolní",
        "mean_high": "IS střední hodnoty horní",
        "prediction_low": "predikční interval dolní",
        "prediction_high": "predikční interval horní",
        "pearson_residual": "Pearsonovo reziduum",
        "outside": "vůči intervalu",
        "area_name": "území",
        "planning_level": "úroveň plánování",
        "per_person": "kapacita na osobu v potřebě",
        "catchment_km": "spádová vzdálenost (km)",
        "zone": "pásmo",
        "upper_share": "horní mez (podíl spádové vzdálenosti)",
        "weight": "váha",
        "if_any": "když je v ORP některá z",
        "require_any": "a chybí všechny z",
        "assumption": "předpoklad",
        "abbreviation": "zkratka",
        "meaning": "význam",
        "facility_type": "druh zařízení",
        "facilities": "zařízení",
        "kind": "druh hodnoty",
        "registry_value": "hodnota v registru",
        "agreement": "soulad s registrem",
    }
)


PLANNING_LEVELS = {
    "local": "ORP (dosah)",
    "district": "okres",
    "region": "kraj",
    "remote": "kraj (na dálku)",
}
VARIANTS = {"low": "nízká", "middle": "střední", "high": "vysoká"}
MODEL_TERMS = {
    "Intercept": "absolutní člen",
    "share65": "podíl obyvatel 65+ (na 1 p. b.)",
    "share80": "podíl obyvatel 80+ (na 1 p. b.)",
    "enforcement": "podíl osob v exekuci (na 1 p. b.)",
}

# Cell values shown by their Czech label (column → code → label).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "group": TARGET_GROUPS | SERVICE_GROUP_NAMES,
    "capacity_unit": CAPACITY_UNITS,
    "form": FORMS,
    "planning_level": PLANNING_LEVELS,
    "variant": VARIANTS,
    "term": MODEL_TERMS,
}


def column_labels(methodology: Methodology) -> dict[str, str]:
    """Headers that carry methodological values: age limits, interval levels,
    denominators."""
    a, d, net = methodology.ages, methodology.demand, methodology.network
    seniors, oldest = a.seniors_min_age.value, a.oldest_old_min_age.value
    per = number(net.per_population.value)
    interval = percent_adjective(d.interval_level.value)
    model = percent_adjective(d.model_level.value)
    return {
        "seniors": f"obyvatel {seniors}+",
        "children_share": f"podíl 0–{a.children_max_age.value} (%)",
        "seniors_share": f"podíl {seniors}+ (%)",
        "oldest_share": f"podíl {oldest}+ (%)",
        "seniors_share_change": f"změna podílu {seniors}+ (p. b.)",
        "rate": f"kapacita na {per}",
        "region_rate": f"kraj na {per}",
        "a2sfca": f"2SFCA na {per}",
        "ae2sfca": f"E2SFCA na {per}",
        "low": f"dolní mez ({interval} interval)",
        "high": f"horní mez ({interval} interval)",
        "demand_low": f"poptávka – dolní mez ({interval})",
        "demand_high": f"poptávka – horní mez ({interval})",
        "gap_low": f"mezera – dolní mez ({interval})",
        "gap_high": f"mezera – horní mez ({interval})",
        "ci_low": f"{model} IS dolní",
        "ci_high": f"{model} IS horní",
        "mean_low": f"{model} IS střední hodnoty dolní",
        "mean_high": f"{model} IS střední hodnoty horní",
        "prediction_low": f"{model} predikční interval dolní",
        "prediction_high": f"{model} predikční interval horní",
    }
