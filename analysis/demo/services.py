"""Registered social services of the demo region, with three years of finance.

Each service type of the registry appears with the forms and capacity units the
registry uses for it, capacities in plausible ranges (registered capacity is a maximum:
beds for residential forms, simultaneous clients for outpatient and field forms), target
groups, a place, and for field services an area of operation (ORPs served). Costs per
capacity unit are stylised 2024 levels; revenues split by source by kind of service.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.codelists import DEFAULT_TARGET_GROUPS, SERVICE_TYPES


@dataclass(frozen=True)
class TypeSpec:
    count: int
    forms: tuple[tuple[str, str, float], ...]  # (form, unit, probability of having it)
    capacity: dict[str, tuple[float, float]]  # form → (low, high) capacity
    unit_cost: float  # CZK per capacity unit per year, 2024
    where: str  # "towns" (ORP seats and capital), "any" (population-weighted)


_P, _A, _T = "pob", "amb", "ter"
SPECS: dict[int, TypeSpec] = {
    1: TypeSpec(
        22,
        ((_A, "interv", 1.0), (_T, "interv", 0.3)),
        {_A: (2, 30), _T: (2, 12)},
        150e3,
        "towns",
    ),
    3: TypeSpec(12, ((_T, "klient", 1.0),), {_T: (5, 45)}, 380e3, "towns"),
    # Home care: registered capacity is the clients served at one time (tens to a few
    # hundred); about 50,000 CZK a year per client served (MPSV benchmarks are of that order).
    4: TypeSpec(
        36,
        ((_T, "klient", 1.0), (_A, "klient", 0.2)),
        {_T: (30, 200), _A: (5, 20)},
        120e3,
        "any",
    ),
    5: TypeSpec(3, ((_T, "klient", 1.0),), {_T: (30, 300)}, 25e3, "towns"),
    6: TypeSpec(
        3,
        ((_T, "klient", 1.0), (_A, "klient", 0.5)),
        {_T: (2, 10), _A: (2, 8)},
        160e3,
        "towns",
    ),
    7: TypeSpec(5, ((_T, "klient", 1.0),), {_T: (5, 25)}, 300e3, "towns"),
    8: TypeSpec(
        14,
        ((_P, "luzka", 0.6), (_T, "klient", 0.5), (_A, "klient", 0.2)),
        {_P: (3, 20), _T: (2, 20), _A: (2, 10)},
        560e3,
        "any",
    ),
    9: TypeSpec(3, ((_A, "klient", 1.0),), {_A: (8, 30)}, 200e3, "towns"),
    10: TypeSpec(10, ((_A, "klient", 1.0),), {_A: (8, 35)}, 260e3, "towns"),
    11: TypeSpec(3, ((_P, "luzka", 1.0),), {_P: (6, 20)}, 640e3, "towns"),
    12: TypeSpec(9, ((_P, "luzka", 1.0),), {_P: (12, 110)}, 760e3, "any"),
    13: TypeSpec(22, ((_P, "luzka", 1.0),), {_P: (20, 160)}, 620e3, "any"),
    14: TypeSpec(16, ((_P, "luzka", 1.0),), {_P: (15, 90)}, 690e3, "any"),
    15: TypeSpec(8, ((_P, "luzka", 1.0),), {_P: (4, 24)}, 520e3, "towns"),
    16: TypeSpec(8, ((_P, "luzka", 1.0),), {_P: (4, 25)}, 430e3, "towns"),
    17: TypeSpec(
        4,
        ((_T, "klient", 1.0), (_A, "klient", 0.3)),
        {_T: (20, 90), _A: (5, 20)},
        140e3,
        "towns",
    ),
    18: TypeSpec(2, ((_T, "hovor", 1.0),), {_T: (1, 3)}, 1.6e6, "towns"),
    19: TypeSpec(
        3,
        ((_A, "interv", 1.0), (_T, "interv", 0.6)),
        {_A: (1, 6), _T: (1, 6)},
        320e3,
        "towns",
    ),
    20: TypeSpec(6, ((_P, "luzka", 1.0),), {_P: (12, 50)}, 190e3, "towns"),
    21: TypeSpec(3, ((_P, "luzka", 1.0),), {_P: (6, 16)}, 260e3, "towns"),
    22: TypeSpec(4, ((_A, "kontakt", 1.0),), {_A: (4, 15)}, 400e3, "towns"),
    23: TypeSpec(
        4,
        ((_A, "klient", 1.0), (_T, "klient", 0.5), (_P, "luzka", 0.3)),
        {_A: (3, 12), _T: (2, 8), _P: (4, 10)},
        360e3,
        "towns",
    ),
    24: TypeSpec(4, ((_A, "klient", 1.0),), {_A: (15, 50)}, 110e3, "towns"),
    25: TypeSpec(
        12,
        ((_A, "klient", 1.0), (_T, "klient", 0.3)),
        {_A: (10, 40), _T: (5, 15)},
        90e3,
        "towns",
    ),
    26: TypeSpec(4, ((_A, "luzka", 1.0),), {_A: (8, 40)}, 95e3, "towns"),
    27: TypeSpec(
        3,
        ((_A, "klient", 1.0), (_P, "luzka", 0.5)),
        {_A: (5, 20), _P: (6, 15)},
        260e3,
        "towns",
    ),
    # Activation services for families: about 55,000 CZK a year per family served.
    28: TypeSpec(
        18,
        ((_T, "klient", 1.0), (_A, "klient", 0.4)),
        {_T: (8, 50), _A: (4, 15)},
        130e3,
        "any",
    ),
    29: TypeSpec(
        10,
        ((_A, "klient", 1.0), (_T, "klient", 0.4)),
        {_A: (8, 30), _T: (3, 10)},
        140e3,
        "towns",
    ),
    30: TypeSpec(8, ((_A, "klient", 1.0),), {_A: (8, 30)}, 180e3, "towns"),
    31: TypeSpec(2, ((_P, "luzka", 1.0),), {_P: (10, 20)}, 420e3, "towns"),
    32: TypeSpec(8, ((_T, "kontakt", 1.0),), {_T: (3, 12)}, 450e3, "towns"),
    33: TypeSpec(
        12,
        ((_A, "klient", 0.8), (_T, "klient", 0.6), (_P, "luzka", 0.15)),
        {_A: (5, 25), _T: (3, 15), _P: (4, 12)},
        260e3,
        "towns",
    ),
}

_PROVIDER_KINDS = [
    ("Domov {town}, příspěvková organizace", 0.30),
    ("Sociální služby města {town}", 0.15),
    ("Oblastní charita {town}", 0.20),
    ("Diakonie {town}, z. ú.", 0.10),
    ("Centrum pomoci {town}, o. p. s.", 0.15),
    ("Spolek Naděje {town}, z. s.", 0.10),
]


def ico_with_checksum(body: int) -> str:
    """An 8-digit IČO whose last digit is the official mod-11 check digit."""
    digits = [int(c) for c in f"{body:07d}"]
    s = sum(d * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    check = (11 - s % 11) % 10
    return f"{body:07d}{check}"


def _pick_place(
    spec: TypeSpec, munis: pd.DataFrame, weights: np.ndarray, rng: np.random.Generator
) -> int:
    if spec.where == "towns" or rng.random() < 0.35:
        towns = np.flatnonzero(munis["kind"].ne("obec").to_numpy())
        w = weights[towns] / weights[towns].sum()
        return int(rng.choice(towns, p=w))
    w = weights**1.3 / (weights**1.3).sum()
    return int(rng.choice(len(munis), p=w))


def generate_services(
    munis: pd.DataFrame, population: pd.Series, rng: np.random.Generator
) -> pd.DataFrame:
    """One row per service and form, canonical ``services`` columns."""
    weights = population.reindex(munis["municipality_code"]).to_numpy(dtype=float)
    orps = sorted(munis["orp_code"].unique())
    providers: list[tuple[str, str]] = []
    rows = []
    n = 0
    for code, spec in SPECS.items():
        name = SERVICE_TYPES[code].name
        label = name[0].upper() + name[1:]
        for _ in range(spec.count):
            n += 1
            m = _pick_place(spec, munis, weights, rng)
            place = munis.iloc[m]
            if providers and rng.random() < 0.45:
                ico, provider = providers[int(rng.integers(len(providers)))]
            else:
                kinds, p = zip(*_PROVIDER_KINDS, strict=True)
                template = kinds[int(rng.choice(len(kinds), p=np.array(p) / sum(p)))]
                provider = template.format(town=place["municipality_name"])
                ico = ico_with_checksum(7_000_000 + len(providers) * 137 + int(rng.integers(50)))
                providers.append((ico, provider))
            forms = [f for f in spec.forms if f[2] >= 1.0 or rng.random() < f[2]]
            if not forms:
                forms = [spec.forms[0]]
            usual = DEFAULT_TARGET_GROUPS[code]
            groups = [g for g in usual if len(usual) == 1 or rng.random() < 0.8]
            groups = groups or [usual[0]]
            start = pd.Timestamp(int(rng.integers(1995, 2024)), int(rng.integers(1, 13)), 1)
            ended = rng.random() < 0.03
            end = pd.Timestamp(2024, int(rng.integers(1, 13)), 28) if ended else pd.NaT
            in_network = "true" if (not ended and rng.random() < 0.93) else "false"
            lat = place["lat"] + rng.normal(0, 0.004)
            lon = place["lon"] + rng.normal(0, 0.006)
            own_orp = place["orp_code"]
            for form, unit, _ in forms:
                low, high = spec.capacity[form]
                cap = float(np.round(np.exp(rng.uniform(np.log(low), np.log(high)))))
                area = None
                if form == "ter":
                    near = [own_orp] + [o for o in orps if o != own_orp and rng.random() < 0.12]
                    area = ";".join(sorted(near))
                rows.append(
                    {
                        "service_id": f"S{n:04d}",
                        "provider_ico": ico,
                        "provider_name": provider,
                        "service_name": f"{label} – {place['municipality_name']}",
                        "service_type_code": code,
                        "form": form,
                        "capacity": cap,
                        "capacity_unit": unit,
                        "target_groups": ";".join(groups),
                        "municipality_code": place["municipality_code"],
                        "lat": round(float(lat), 5),
                        "lon": round(float(lon), 5),
                        "area_of_operation": area,
                        "active_from": start.date().isoformat(),
                        "active_to": None if pd.isna(end) else end.date().isoformat(),
                        "in_regional_network": in_network,
                    }
                )
    return pd.DataFrame(rows)


# Revenue shares by kind of service: users, health insurance, state, region,
# municipalities, other. The rest of the cost is a deficit covered by the founder.
_RESIDENTIAL = {12, 13, 14, 11, 15, 16}
_SHARES = {
    "residential": (0.42, 0.05, 0.30, 0.05, 0.07, 0.04),
    "care": (0.15, 0.0, 0.49, 0.08, 0.18, 0.05),
    "prevention": (0.02, 0.0, 0.59, 0.10, 0.16, 0.08),
}
_WAGE_COST = {2022: 505e3, 2023: 545e3, 2024: 585e3}  # CZK per FTE per year incl. levies
_TURNOVER = {"klient": 3.0, "interv": 900.0, "kontakt": 1400.0, "hovor": 2500.0}


def _kind(code: int) -> str:
    if code in _RESIDENTIAL:
        return "residential"
    return "care" if SERVICE_TYPES[code].group == "pece" else "prevention"


# Types provided without users' payments (§ 72 odst. 2 of Act 108/2006 Sb.); the
# residential form of social rehabilitation is not, but the demo does not split it.
FREE_OF_CHARGE = {1, 17, 18, 19, 22, 23, 25, 28, 29, 32, 33}


def revenue_shares(codes: np.ndarray) -> np.ndarray:
    """Typical revenue shares (users … other) of each service type code: rows × 6."""
    shares = np.array([_SHARES[_kind(int(c))] for c in codes])
    shares[np.isin(codes, list(FREE_OF_CHARGE)), 0] = 0.0
    return shares


def generate_finance(
    services: pd.DataFrame, years: list[int], rng: np.random.Generator
) -> pd.DataFrame:
    """Costs, revenues, staffing and output per service and year."""
    rows = []
    for sid, svc in services.groupby("service_id", sort=True):
        code = int(svc["service_type_code"].iloc[0])
        spec = SPECS[code]
        main = svc.iloc[0]
        base_cost = float((svc["capacity"] * spec.unit_cost).sum()) * rng.lognormal(0, 0.18)
        direct_share = rng.uniform(0.72, 0.88)
        shares = revenue_shares(np.array([code]))[0] * rng.uniform(0.85, 1.15, size=6)
        active_to = main["active_to"]
        for year in years:
            if isinstance(active_to, str) and int(active_to[:4]) < year:
                continue
            if int(str(main["active_from"])[:4]) > year:
                continue
            cost = base_cost * 1.075 ** (year - 2024) * rng.uniform(0.97, 1.03)
            personnel = cost * rng.uniform(0.66, 0.78)
            revenue = cost * rng.uniform(0.97, 1.05) * shares
            fte = personnel / _WAGE_COST[year]
            occupancy = (
                rng.uniform(0.86, 0.99)
                if main["capacity_unit"] == "luzka"
                else rng.uniform(0.6, 0.95)
            )
            if main["capacity_unit"] == "luzka":
                units = main["capacity"] * 365 * occupancy
            else:
                units = main["capacity"] * _TURNOVER[main["capacity_unit"]] * occupancy
            rows.append(
                {
                    "service_id": sid,
                    "year": year,
                    "cost_personnel": round(personnel, -3),
                    "cost_operating": round(cost - personnel, -3),
                    "revenue_users": round(revenue[0], -3),
                    "revenue_health_insurance": round(revenue[1], -3),
                    "revenue_state_subsidy": round(revenue[2], -3),
                    "revenue_region": round(revenue[3], -3),
                    "revenue_municipalities": round(revenue[4], -3),
                    "revenue_other": round(revenue[5], -3),
                    "fte_direct": round(fte * direct_share, 2),
                    "fte_other": round(fte * (1 - direct_share), 2),
                    "units_delivered": round(units),
                    "occupancy": round(occupancy, 3),
                }
            )
    return pd.DataFrame(rows)
