"""Entries of the electronic catalogue of social services, from the validated registry.

One entry per service registered on the catalogue's date (the network chapter's
reference date), with everything a person, a municipality or a social worker needs to
find it: type, forms and capacities with units, target groups, ages, places, the area of
operation of field forms, the provider, contacts, and where the service is available.

A service is *available in a municipality* when it has a place there, or when one of its
field forms declares that municipality or its ORP as its area of operation. A field form
without a declared area is available only in the municipality of its place (the registry
gives nothing else to go by). Entries are sorted by name in Czech order ("ch" after "h").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import czech_sort
import pandas as pd

from analysis.codelists import (
    FORMS,
    SERVICE_GROUP_NAMES,
    SERVICE_TYPES,
    TARGET_GROUPS,
)
from analysis.methods.demography import orp_names


@dataclass(frozen=True)
class FormCapacity:
    form: str  # code (pob, amb, ter)
    form_label: str
    capacity: float
    unit: str  # code of the capacity unit (luzka, klient, …)


@dataclass(frozen=True)
class CatalogueEntry:
    service_id: str
    name: str
    type_code: int
    type_name: str
    law_group: str
    provider: str
    ico: str
    forms: tuple[FormCapacity, ...]
    target_groups: tuple[str, ...]  # codes
    target_labels: tuple[str, ...]
    ages: str | None  # None: the data do not say
    places: tuple[tuple[str, str], ...]  # (municipality name, ORP name)
    area: tuple[str, ...]  # names of the ORPs and municipalities of field forms' areas
    place_orps: tuple[str, ...]
    orps: tuple[str, ...]  # every ORP where it has a place or (part of) an area
    municipalities: tuple[str, ...]  # places and municipalities declared in an area
    area_orps: tuple[str, ...]  # ORPs declared as a whole in an area
    web: tuple[str, ...]
    phone: tuple[str, ...]
    registered_from: str  # d. m. yyyy
    in_network: bool | None
    search: str  # normalised text searched as you type


def normalise(text: str) -> str:
    """Lower case without diacritics: the form the catalogue searches in (its script
    applies the same steps to what is typed)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ages_text(age_from: object, age_to: object) -> str | None:
    """``od 65 let``, ``0–26 let``, ``do 18 let``; None when neither is given."""
    lo = None if pd.isna(age_from) else int(age_from)
    hi = None if pd.isna(age_to) else int(age_to)
    if lo is None and hi is None:
        return None
    if hi is None:
        return f"od {lo} let"
    if lo is None or lo == 0:
        return f"do {hi} let"
    return f"{lo}–{hi} let"


def _date(value: pd.Timestamp) -> str:
    """``1. 12. 2013`` with non-breaking spaces (a date never breaks across lines)."""
    return f"{value.day}.\u00a0{value.month}.\u00a0{value.year}"


def _split(value: object) -> list[str]:
    return [v for v in value.split(";") if v] if isinstance(value, str) else []


def catalogue_entries(
    services: pd.DataFrame, details: pd.DataFrame, municipalities: pd.DataFrame
) -> list[CatalogueEntry]:
    """Entries of the active services (one per ``service_id``), in Czech name order."""
    muni_name = dict(
        zip(municipalities["municipality_code"], municipalities["municipality_name"], strict=True)
    )
    muni_orp = dict(
        zip(municipalities["municipality_code"], municipalities["orp_code"], strict=True)
    )
    orp_name = orp_names(municipalities).to_dict()
    info = {r.service_id: r for r in details.itertuples(index=False)} if len(details) else {}
    form_order = {f: k for k, f in enumerate(FORMS)}
    rows_of: dict[str, list] = {}
    for r in services.itertuples(index=False):
        rows_of.setdefault(r.service_id, []).append(r)
    entries = []
    for sid, rows in rows_of.items():
        first = rows[0]
        code = int(first.service_type_code)
        forms = tuple(
            FormCapacity(r.form, FORMS[r.form], float(r.capacity), r.capacity_unit)
            for r in sorted(rows, key=lambda r: form_order[r.form])
        )
        places_codes = list(dict.fromkeys(r.municipality_code for r in rows))
        place_orps = tuple(dict.fromkeys(muni_orp[c] for c in places_codes))
        area_codes = [c for r in rows if r.form == "ter" for c in _split(r.area_of_operation)]
        area_orps = tuple(dict.fromkeys(c for c in area_codes if len(c) == 4))
        area_munis = tuple(dict.fromkeys(c for c in area_codes if len(c) == 6))
        # Areas in Czech order: ORPs first, then single municipalities.
        area_names = sorted((f"ORP {orp_name[c]}" for c in area_orps), key=czech_sort.key) + sorted(
            (muni_name[c] for c in area_munis), key=czech_sort.key
        )
        orps = tuple(dict.fromkeys([*place_orps, *area_orps, *(muni_orp[c] for c in area_munis)]))
        # Forms may differ: a service serves every group of any form, and is in the
        # network when any form is (not known when no form says).
        served = {g for r in rows for g in _split(r.target_groups)}
        groups = tuple(g for g in TARGET_GROUPS if g in served)
        known = [bool(r.in_regional_network) for r in rows if not pd.isna(r.in_regional_network)]
        extra = info.get(sid)
        places = tuple((muni_name[c], orp_name[muni_orp[c]]) for c in places_codes)
        type_name = SERVICE_TYPES[code].name
        text = " ".join(
            [
                str(first.service_name),
                str(first.provider_name),
                type_name,
                *(p for pair in places for p in pair),
                *area_names,
            ]
        )
        entries.append(
            CatalogueEntry(
                service_id=str(sid),
                name=str(first.service_name),
                type_code=code,
                type_name=type_name,
                law_group=SERVICE_GROUP_NAMES[SERVICE_TYPES[code].group],
                provider=str(first.provider_name),
                ico=str(first.provider_ico),
                forms=forms,
                target_groups=groups,
                target_labels=tuple(TARGET_GROUPS[g] for g in groups),
                ages=ages_text(extra.age_from, extra.age_to) if extra else None,
                places=places,
                area=tuple(area_names),
                place_orps=place_orps,
                orps=orps,
                municipalities=tuple(dict.fromkeys([*places_codes, *area_munis])),
                area_orps=area_orps,
                web=tuple(_split(extra.web)) if extra else (),
                phone=tuple(_split(extra.phone)) if extra else (),
                registered_from=_date(min(r.active_from for r in rows)),
                in_network=any(known) if known else None,
                search=normalise(text),
            )
        )
    return sorted(entries, key=lambda e: (czech_sort.key(e.name), e.service_id))


def available_in(entry: CatalogueEntry, municipality: str, orp: str) -> bool:
    """Whether the entry's service is available in a municipality of the given ORP (the
    rule of the module docstring; the catalogue's script applies the same rule)."""
    return municipality in entry.municipalities or orp in entry.area_orps


def orp_summary(entries: list[CatalogueEntry], municipalities: pd.DataFrame) -> pd.DataFrame:
    """Per ORP: services with a place there and services available there (any part)."""
    names = orp_names(municipalities)
    rows = [
        {
            "orp_code": code,
            "orp_name": name,
            "placed": sum(code in e.place_orps for e in entries),
            "available": sum(code in e.orps for e in entries),
        }
        for code, name in names.items()
    ]
    out = pd.DataFrame(rows)
    return out.sort_values("orp_name", key=lambda s: s.map(czech_sort.key)).reset_index(drop=True)
