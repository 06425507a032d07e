"""Mid-term plan (SPRSS 2023–2025) and action plan 2025 of the demo region.

Priorities, measures and indicators mirror how Czech regions structure their plans:
one or two priorities per planning target group plus cross-cutting ones, measurable
indicators with a baseline (2022) and a target (2025), and yearly development intentions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.methods.network import active_services
from analysis.methods.plan_evaluation import registry_value

BASELINE_YEAR, TARGET_YEAR = 2022, 2025
BASE_YEARS = (2022, 2023, 2024)  # baseline and the monitored years

PRIORITIES = [
    ("P1", "Podpora setrvání seniorů v přirozeném prostředí", "seniori"),
    ("P2", "Dostupná pobytová péče pro osoby s demencí", "seniori"),
    ("P3", "Transformace pobytových služeb pro osoby se zdravotním postižením", "ozp"),
    ("P4", "Podpora rodin s dětmi a mladých lidí", "deti_rodiny"),
    ("P5", "Sociální začleňování a pomoc v krizi", "ohrozeni"),
    ("P6", "Udržitelné financování a řízení sítě služeb", "vsechny"),
]

MEASURES = [
    ("M1.1", "P1", "Rozvoj terénních pečovatelských služeb a osobní asistence"),
    ("M1.2", "P1", "Rozvoj odlehčovacích služeb pro pečující"),
    ("M2.1", "P2", "Navýšení kapacity domovů se zvláštním režimem"),
    ("M3.1", "P3", "Deinstitucionalizace velkokapacitních domovů pro OZP"),
    ("M3.2", "P3", "Rozvoj chráněného bydlení a podpory samostatného bydlení"),
    ("M4.1", "P4", "Sociálně aktivizační služby pro rodiny s dětmi ve všech ORP"),
    ("M4.2", "P4", "Nízkoprahová zařízení pro děti a mládež"),
    ("M5.1", "P5", "Dostupnost azylového bydlení a nocleháren"),
    ("M5.2", "P5", "Terénní programy v sociálně vyloučených lokalitách"),
    ("M6.1", "P6", "Víceleté financování služeb v krajské síti"),
    ("M6.2", "P6", "Informovanost veřejnosti o sociálních službách"),
]

# Registry links of indicators that the registry can count (measure, type, form, unit):
# their values are the demo registry's own figures, so that the plan and the network
# chapter of the demo report agree.
REGISTRY_LINKS = {
    "I1.1": ("capacity", 4, "ter", "klient"),
    "I1.2": ("orps_with_service", 3, None, None),
    "I1.3": ("capacity", 8, "pob", "luzka"),
    "I2.1": ("capacity", 14, "pob", "luzka"),
    "I3.2": ("capacity", 15, "pob", "luzka"),
    "I4.1": ("orps_with_service", 28, None, None),
    "I4.2": ("capacity", 25, None, "klient"),
    "I5.1": ("capacity", 20, "pob", "luzka"),
}

# (id, measure, name, unit, baseline 2022, target 2025, yearly drift as share of the gap);
# for registry-linked indicators baseline and values come from the registry and the
# target keeps the planned relative change.
INDICATORS = [
    ("I1.1", "M1.1", "Kapacita pečovatelské služby (terénní forma)", "klienti", 420, 500, 0.35),
    ("I1.2", "M1.1", "Počet ORP s místem poskytování osobní asistence", "ORP", 8, 12, 0.3),
    ("I1.3", "M1.2", "Kapacita pobytových odlehčovacích služeb", "lůžka", 95, 130, 0.25),
    ("I2.1", "M2.1", "Kapacita domovů se zvláštním režimem", "lůžka", 760, 880, 0.4),
    ("I3.1", "M3.1", "Uživatelé v zařízeních nad 30 lůžek (DOZP)", "osoby", 410, 300, 0.2),
    ("I3.2", "M3.2", "Kapacita chráněného bydlení", "lůžka", 96, 140, 0.3),
    ("I4.1", "M4.1", "Počet ORP s místem poskytování SAS pro rodiny", "ORP", 9, 12, 0.4),
    ("I4.2", "M4.2", "Kapacita NZDM", "klienti", 260, 300, 0.3),
    ("I5.1", "M5.1", "Kapacita azylových domů", "lůžka", 170, 190, 0.2),
    ("I5.2", "M5.2", "Počet lokalit pokrytých terénními programy", "lokality", 14, 20, 0.35),
    ("I6.1", "M6.1", "Podíl služeb s víceletým financováním", "%", 0, 60, 0.45),
    ("I6.2", "M6.2", "Návštěvnost katalogu sociálních služeb", "návštěv za rok", 18000, 30000, 0.3),
]

# (measure, name, service type, form, capacity change, unit, cost CZK)
INTENTIONS = [
    ("M1.1", "Rozšíření pečovatelské služby o večerní péči", 4, "ter", 12, "klient", 3.9e6),
    ("M1.1", "Nová osobní asistence pro venkovské obce", 3, "ter", 8, "klient", 3.1e6),
    ("M1.2", "Pobytové odlehčovací služby při domově pro seniory", 8, "pob", 6, "luzka", 3.4e6),
    ("M1.2", "Terénní odlehčovací služba pro rodiny pečujících", 8, "ter", 5, "klient", 2.0e6),
    ("M2.1", "Domov se zvláštním režimem – nová budova", 14, "pob", 40, "luzka", 27.6e6),
    ("M2.1", "Přeměna lůžek domova pro seniory na zvláštní režim", 14, "pob", 18, "luzka", 12.4e6),
    ("M3.1", "Transformace DOZP – první etapa vystěhování", 12, "pob", -24, "luzka", 0.0),
    ("M3.2", "Chráněné bydlení pro absolventy transformace", 15, "pob", 12, "luzka", 6.2e6),
    ("M3.2", "Podpora samostatného bydlení", 7, "ter", 6, "klient", 1.8e6),
    ("M4.1", "SAS pro rodiny s dětmi v ORP bez služby", 28, "ter", 4, "klient", 1.7e6),
    ("M4.2", "Nové NZDM v ORP bez zařízení", 25, "amb", 15, "klient", 1.4e6),
    ("M5.1", "Rozšíření azylového domu pro matky s dětmi", 20, "pob", 10, "luzka", 1.9e6),
    ("M5.1", "Zimní provoz noclehárny", 26, "amb", 8, "luzka", 0.8e6),
    ("M5.2", "Terénní program v nové lokalitě", 32, "ter", 2, "kontakt", 0.9e6),
    ("M6.1", "Zavedení tříletých pověření pro služby v síti", None, None, None, None, None),
    ("M6.2", "Aktualizace katalogu sociálních služeb", None, None, None, None, 0.3e6),
]


def _registry_figure(
    services: pd.DataFrame, municipalities: pd.DataFrame, link: tuple, year: int
) -> float:
    """The registry's figure for an indicator at the end of ``year`` (1 Jan of the next)."""
    active = active_services(services, dt.date(year + 1, 1, 1))
    return registry_value(active, municipalities, *link)


def generate_plan(
    services: pd.DataFrame, municipalities: pd.DataFrame, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """The five plan tables of the canonical data model, consistent with the registry."""
    orp_codes = sorted(municipalities["orp_code"].unique())
    services = services.assign(
        active_from=pd.to_datetime(services["active_from"]),
        active_to=pd.to_datetime(services["active_to"]),
    )
    priorities = pd.DataFrame(PRIORITIES, columns=["priority_id", "name", "target_group"])
    measures = pd.DataFrame(MEASURES, columns=["measure_id", "priority_id", "name"])
    ind_rows, value_rows = [], []
    for iid, mid, name, unit, base, target, drift in INDICATORS:
        link = REGISTRY_LINKS.get(iid)
        if link is not None:
            figures = {y: _registry_figure(services, municipalities, link, y) for y in BASE_YEARS}
            ratio = target / base
            base = figures[BASELINE_YEAR]
            target = float(round(base * ratio)) if base else float(target)
            if link[0] == "orps_with_service":
                target = float(min(len(orp_codes), max(target, base + 1)))
        ind_rows.append(
            {
                "indicator_id": iid,
                "measure_id": mid,
                "name": name,
                "unit": unit,
                "baseline_year": BASELINE_YEAR,
                "baseline_value": base,
                "target_value": target,
                "target_year": TARGET_YEAR,
                "source": "monitoring krajského úřadu (smyšlená data)"
                if link is None
                else "registr poskytovatelů (smyšlená data), stav k 31. 12.",
                "registry_measure": None if link is None else link[0],
                "registry_service_type": None if link is None else link[1],
                "registry_form": None if link is None else link[2],
                "registry_unit": None if link is None else link[3],
            }
        )
        value = float(base)
        for year in BASE_YEARS[1:]:
            if link is not None:
                value = figures[year]
            else:
                value += (target - base) * drift * rng.uniform(0.3, 1.6)
                if unit in ("ORP", "lokality", "osoby", "lůžka", "klienti"):
                    value = float(round(value))
            value_rows.append({"indicator_id": iid, "year": year, "value": round(value, 1)})
    statuses = ["splneno", "castecne", "probiha", "nesplneno", "planovano"]
    intentions = []
    registry_then = active_services(services, dt.date(TARGET_YEAR, 1, 1)).merge(
        municipalities[["municipality_code", "orp_code"]], on="municipality_code"
    )
    present = set(zip(registry_then["orp_code"], registry_then["service_type_code"], strict=True))
    for k, (mid, name, stype, form, change, unit, cost) in enumerate(INTENTIONS, start=1):
        orp = None if stype is None else orp_codes[int(rng.integers(len(orp_codes)))]
        status = statuses[int(rng.choice(5, p=[0.3, 0.2, 0.3, 0.1, 0.1]))]
        if status == "splneno" and change and change > 0 and (orp, stype) not in present:
            # New capacity reported as done must be in the registry: otherwise it is
            # still under way, so that the plan chapter agrees with the network chapter.
            status = "probiha"
        intentions.append(
            {
                "intention_id": f"Z{k:02d}",
                "measure_id": mid,
                "year": 2025,
                "name": name,
                "service_type_code": stype,
                "form": form,
                "orp_code": orp,
                "capacity_change": change,
                "capacity_unit": unit,
                "cost_czk": cost,
                "status": status,
            }
        )
    return {
        "plan_priorities": priorities,
        "plan_measures": measures,
        "plan_indicators": pd.DataFrame(ind_rows).astype({"registry_service_type": "Int64"}),
        "plan_indicator_values": pd.DataFrame(value_rows),
        "action_plan": pd.DataFrame(intentions).astype({"service_type_code": "Int64"}),
    }


def intention_details(action_plan: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Requested subsidy, municipal co-financing share and the ORP's declared need of each
    intention: most ask for 70–90 % of their cost, municipalities add 10–25 %, a few
    intentions fall short of a condition (as real action plans do)."""
    ap = action_plan.copy()
    n = len(ap)
    has_cost = ap["cost_czk"].fillna(0) > 0
    ap["requested_subsidy_czk"] = np.where(
        has_cost, np.round(ap["cost_czk"].fillna(0) * rng.uniform(0.7, 0.9, n), -3), np.nan
    )
    ap["municipal_share"] = np.where(has_cost, np.round(rng.uniform(0.08, 0.25, n), 2), np.nan)
    declared = rng.random(n) > 0.15
    ap["need_declared"] = np.where(
        ap["orp_code"].notna(), np.where(declared, "true", "false"), None
    )
    return ap


def transformation_plans(services: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Transformation plans of the large homes for people with disabilities (type 12,
    more than 30 beds): one under way, the others planned, each to at most half its beds."""
    large = services[
        (services["service_type_code"] == 12)
        & (services["form"] == "pob")
        & (services["capacity"] > 30)
    ].sort_values("capacity", ascending=False)
    rows = []
    for k, r in enumerate(large.itertuples(), start=1):
        start = 2023 if k == 1 else 2025 + int(rng.integers(0, 2))
        rows.append(
            {
                "plan_id": f"T{k:02d}",
                "service_id": r.service_id,
                "name": f"Transformace: {r.service_name}",
                "start_year": start,
                "target_year": start + 4,
                "capacity_before": int(r.capacity),
                "capacity_after": int(r.capacity * rng.uniform(0.3, 0.5)),
                "status": "probiha" if k == 1 else "planovano",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "plan_id",
            "service_id",
            "name",
            "start_year",
            "target_year",
            "capacity_before",
            "capacity_after",
            "status",
        ],
    )


def align_with_registry(
    plan: dict[str, pd.DataFrame],
    services: pd.DataFrame,
    municipalities: pd.DataFrame,
    transformation: pd.DataFrame,
    rng: np.random.Generator,
) -> dict[str, pd.DataFrame]:
    """Make the plan agree with the registry where a reader can check it: the indicator of
    places in large homes for people with disabilities counts the registry's places, the
    transformation intention sits where the first transformation plan is, and intentions
    for a new service go to an ORP that does not have the type yet."""
    services = services.assign(
        active_from=pd.to_datetime(services["active_from"]),
        active_to=pd.to_datetime(services["active_to"]),
    )
    out = {k: v.copy() for k, v in plan.items()}
    ind, vals = out["plan_indicators"], out["plan_indicator_values"]

    def large_dozp(year: int) -> float:
        active = active_services(services, dt.date(year + 1, 1, 1))
        dozp = active[(active["service_type_code"] == 12) & (active["form"] == "pob")]
        return float(dozp.loc[dozp["capacity"] > 30, "capacity"].sum())

    row = ind["indicator_id"] == "I3.1"
    base = large_dozp(BASELINE_YEAR)
    ind.loc[row, ["name", "unit", "baseline_value", "target_value", "source"]] = [
        "Místa v domovech pro OZP s více než 30 lůžky",
        "lůžka",
        base,
        float(round(base * 300 / 410)),
        "registr poskytovatelů (smyšlená data), stav k 31. 12.",
    ]
    for year in BASE_YEARS[1:]:
        vals.loc[(vals["indicator_id"] == "I3.1") & (vals["year"] == year), "value"] = large_dozp(
            year
        )

    ap = out["action_plan"]
    orp_of = municipalities.set_index("municipality_code")["orp_code"]
    if len(transformation):
        first = transformation.iloc[0]
        place = services.drop_duplicates("service_id").set_index("service_id")
        z = ap["service_type_code"].eq(12) & ap["capacity_change"].lt(0)
        ap.loc[z, "orp_code"] = orp_of[place.at[first["service_id"], "municipality_code"]]
        ap.loc[z, "capacity_change"] = float(first["capacity_after"] - first["capacity_before"])
    now = active_services(services, dt.date(TARGET_YEAR, 1, 1)).merge(
        municipalities[["municipality_code", "orp_code"]], on="municipality_code"
    )
    present = set(zip(now["orp_code"], now["service_type_code"], strict=True))
    orps = sorted(municipalities["orp_code"].unique())
    for i in ap.index:
        code = ap.at[i, "service_type_code"]
        name = ap.at[i, "name"]
        if pd.isna(code) or not (name.startswith("Nov") or " bez " in name):
            continue
        free = [o for o in orps if (o, int(code)) not in present]
        if free:
            ap.at[i, "orp_code"] = free[int(rng.integers(len(free)))]
        if ap.at[i, "status"] == "splneno" and (ap.at[i, "orp_code"], int(code)) not in present:
            ap.at[i, "status"] = "probiha"
    return out
