"""Readers of the registry of social services: the official RPSS JSON of MPSV and the
flatter derived catalogue format (one record per place) with its JSON schema.

Both return rows of the canonical ``services`` table (one per service and form), before
schema validation. Personal data — statutory bodies, facility managers, any contact of a
person — is never copied: only the fields of the canonical table are read. A secret
address keeps its municipality only (no coordinates, no street).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.codelists import DEFAULT_TARGET_GROUPS, SENIOR_TARGET_CODES
from analysis.errors import CellProblem, DataValidationError
from analysis.readers.common import json_item_lines, raise_if, read_text, reader

SERVICE_COLUMNS = [
    "service_id", "provider_ico", "provider_name", "service_name", "service_type_code",
    "form", "capacity", "capacity_unit", "target_groups", "municipality_code", "lat", "lon",
    "area_of_operation", "active_from", "active_to", "in_regional_network",
]  # fmt: skip


def _ref(value: Any, prefix: str) -> str | None:
    """``{"id": "DruhSocialniSluzby/13"}`` → ``"13"`` when the codelist matches."""
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, str) and value.startswith(prefix + "/"):
        return value.split("/", 1)[1]
    return None


def _target_groups(type_code: int, registry_groups: list[str]) -> str:
    groups = list(DEFAULT_TARGET_GROUPS.get(type_code, ()))
    if any(g in SENIOR_TARGET_CODES for g in registry_groups) and "seniori" not in groups:
        groups.append("seniori")
    return ";".join(groups or ["ohrozeni"])


# The raw field of each canonical column, named in errors found after reading
# (analysis.data.provenance): a person finds the field in the JSON item.
RPSS_FIELDS = {
    "service_id": "identifikator",
    "provider_ico": "poskytovatel.ico",
    "provider_name": "poskytovatel.nazev",
    "service_name": "nazev",
    "service_type_code": "druhSocialniSluzby",
    "form": "formy[].forma",
    "capacity": "formy[].kapacity[].pocet",
    "capacity_unit": "formy[].kapacity[].typ",
    "target_groups": "ciloveSkupiny",
    "municipality_code": "zarizeni[0].adresa.obec",
    "lat": "zarizeni[0].souradnice.lat",
    "lon": "zarizeni[0].souradnice.lon",
    "area_of_operation": "rozsirenePusobnostiVKraji",
    "active_from": "datumPoskytovaniOd",
    "active_to": "datumPoskytovaniDo",
}
CATALOGUE_FIELDS = {
    "service_id": "sluzby[].id",
    "provider_ico": "sluzby[].poskytovatel.ico",
    "provider_name": "sluzby[].poskytovatel.nazev",
    "service_name": "sluzby[].nazev",
    "service_type_code": "sluzby[].druhSluzby.kod",
    "form": "sluzby[].formy[].forma",
    "capacity": "sluzby[].formy[].kapacitaRegistrovana[].pocet",
    "capacity_unit": "sluzby[].formy[].kapacitaRegistrovana[].typ",
    "municipality_code": "adresa.kodObce",
    "lat": "souradnice.lat",
    "lon": "souradnice.lng",
    "active_from": "sluzby[].datumPoskytovaniOd",
    "active_to": "sluzby[].datumPoskytovaniDo",
}


def _load_json(path: Path) -> tuple[Any, str]:
    """The document and its text (errors name the line where an item starts)."""
    text = read_text(path, "utf-8")
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise DataValidationError(
            [CellProblem(path.name, exc.lineno, None, None, f"valid JSON ({exc.msg})")]
        ) from None


@reader
def read_rpss(path: Path | str) -> pd.DataFrame:
    """Official RPSS open data (``{"polozky": [...]}``) → canonical service rows.

    ``row`` in error messages is the line where the item of ``polozky`` starts.
    """
    path = Path(path)
    doc, text = _load_json(path)
    items = doc.get("polozky") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise_if([CellProblem(path.name, None, "polozky", None, "a list of registry items")])
    rows, problems = [], []
    lines = json_item_lines(text, "polozky")
    for n, item in enumerate(items, start=1):
        # The line where the item starts (its position if the text has another layout).
        line = lines[n - 1] if len(lines) == len(items) else n
        sid = str(item.get("identifikator") or item.get("id") or "")
        code = _ref(item.get("druhSocialniSluzby"), "DruhSocialniSluzby")
        formy = item.get("formy")
        if not sid:
            problems.append(CellProblem(path.name, line, "identifikator", None, "a service id"))
        if code is None or not code.isdigit():
            problems.append(
                CellProblem(
                    path.name,
                    line,
                    "druhSocialniSluzby",
                    json.dumps(item.get("druhSocialniSluzby")),
                    "a reference DruhSocialniSluzby/N",
                )
            )
        if not isinstance(formy, list) or not formy:
            problems.append(
                CellProblem(
                    path.name,
                    line,
                    "formy",
                    json.dumps(formy),
                    "a non-empty list of forms with capacities",
                )
            )
        facilities = item.get("zarizeni") or []
        place = facilities[0] if facilities and isinstance(facilities[0], dict) else {}
        address = place.get("adresa") or {}
        municipality = _ref(address.get("obec"), "Obec")
        if municipality is None:
            problems.append(
                CellProblem(
                    path.name,
                    line,
                    "zarizeni.adresa.obec",
                    json.dumps(address.get("obec")),
                    "a reference Obec/<6-digit code>",
                )
            )
        if problems and problems[-1].row == line:
            continue
        secret = bool(place.get("utajenaAdresa") or address.get("utajenaAdresa"))
        coords = {} if secret else (place.get("souradnice") or address.get("souradnice") or {})
        provider = item.get("poskytovatel") or {}
        groups = [
            g for g in (_ref(x, "CilovaSkupinaOsoby") for x in item.get("ciloveSkupiny") or []) if g
        ]
        area = [
            c
            for c in (
                _ref(x, "Obec") or _ref(x, "Orp")
                for x in item.get("rozsirenePusobnostiVKraji") or []
            )
            if c
        ]
        for k, forma in enumerate(formy, start=1):
            form = _ref(forma.get("forma"), "FormaSocialniSluzby")
            for cap in forma.get("kapacity") or []:
                unit = _ref(cap.get("typ"), "TypKapacitySocialniSluzby")
                rows.append(
                    {
                        "service_id": sid,
                        "provider_ico": str(provider.get("ico") or "").zfill(8),
                        "provider_name": provider.get("nazev") or "",
                        "service_name": item.get("nazev") or place.get("nazev") or "",
                        "service_type_code": code,
                        "form": form,
                        "capacity": cap.get("pocet"),
                        "capacity_unit": unit,
                        "target_groups": _target_groups(int(code), groups),
                        "municipality_code": municipality,
                        "lat": coords.get("lat"),
                        "lon": coords.get("lon", coords.get("lng")),
                        "area_of_operation": ";".join(area) if area and form == "ter" else None,
                        "active_from": item.get("datumPoskytovaniOd"),
                        "active_to": item.get("datumPoskytovaniDo"),
                        "in_regional_network": None,  # not part of the registry
                        "_item": line,
                        "_form": k,
                    }
                )
    raise_if(problems)
    return pd.DataFrame(rows, columns=[*SERVICE_COLUMNS, "_item", "_form"])


def validate_catalogue(
    doc: Any, schema_path: Path | str, file: str, lines: list[int] | None = None
) -> None:
    """Validate a catalogue document against its JSON schema; list every violation
    (``lines``: the line where each place starts, to name it)."""
    # Imported here: jsonschema takes over a second to import (every chapter kernel
    # imports the data layer, only catalogue validation needs it).
    from jsonschema import Draft7Validator

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    problems = []
    for err in errors[:50]:
        path = list(err.absolute_path)
        row = path[1] + 1 if len(path) > 1 and path[0] == "mista" else None
        if row is not None and lines and row <= len(lines):
            row = lines[row - 1]  # the line where the place starts
        problems.append(
            CellProblem(file, row, "/".join(str(p) for p in path) or None, None, err.message)
        )
    raise_if(problems)


@reader
def read_catalogue(path: Path | str, schema_path: Path | str) -> tuple[pd.DataFrame, dict]:
    """Derived catalogue (``{"verzeSchematu", "mista": [...]}``) → canonical service rows.

    Only MPSV registrations are social services (ÚZIS records are health care). A
    registration listed at several places is kept once, at its first place. Returns the
    rows and counts of what was read (places, services, skipped records).
    """
    path = Path(path)
    doc, text = _load_json(path)
    lines = json_item_lines(text, "mista")
    validate_catalogue(doc, schema_path, path.name, lines)
    places = doc["mista"]
    rows, seen = [], set()
    counts = {
        "places": len(places),
        "services": 0,
        "mpsv_services": 0,
        "without_address": 0,
        "duplicate_registrations": 0,
    }
    if len(lines) != len(places):
        lines = list(range(1, len(places) + 1))  # another layout: name the position
    for line, place in zip(lines, places, strict=True):
        address = place.get("adresa") or {}
        coords = place.get("souradnice") or {}
        for svc in place.get("sluzby", []):
            counts["services"] += 1
            if svc.get("zdroj") != "MPSV":
                continue
            counts["mpsv_services"] += 1
            if not address.get("kodObce"):
                counts["without_address"] += 1
                continue
            if svc["id"] in seen:
                counts["duplicate_registrations"] += 1
                continue
            seen.add(svc["id"])
            code = int(_ref(svc["druhSluzby"]["kod"], "DruhSocialniSluzby"))
            for forma in svc.get("formy") or []:
                for cap in forma.get("kapacitaRegistrovana") or []:
                    rows.append(
                        {
                            "service_id": svc["id"],
                            "provider_ico": (svc.get("poskytovatel") or {}).get("ico") or "",
                            "provider_name": (svc.get("poskytovatel") or {}).get("nazev") or "",
                            "service_name": svc.get("nazev") or "",
                            "service_type_code": code,
                            "form": forma["forma"],
                            "capacity": cap["pocet"],
                            "capacity_unit": cap["typ"],
                            # a catalogue of services for seniors
                            "target_groups": _target_groups(code, ["24"]),
                            "municipality_code": address["kodObce"],
                            "lat": coords.get("lat"),
                            "lon": coords.get("lng"),
                            "area_of_operation": None,
                            "active_from": svc.get("datumPoskytovaniOd"),
                            "active_to": svc.get("datumPoskytovaniDo"),
                            "in_regional_network": None,
                            "_item": line,
                            "_form": 1,
                        }
                    )
    return pd.DataFrame(rows, columns=[*SERVICE_COLUMNS, "_item", "_form"]), counts
