"""Czech column headers of published tables, keyed by the CSV column names.

CSV files under ``tables/`` keep these English snake_case names (stable for scripts);
reports show the Czech labels.
"""

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
    "progress": "plnění (%)",
    "expected_progress": "očekávané plnění (%)",
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
        "missing": "chybí některá z",
        "population_in_white_spots": "obyvatel bez dosahu",
    }
)
