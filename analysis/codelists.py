"""Code lists of the social-services domain (Act 108/2006 Sb. and the RPSS registry).

The service types follow the RPSS codelist ``DruhSocialniSluzby/N`` as documented in
``DOMAIN.md``. ``FORMS`` and ``CAPACITY_UNITS`` are the registry's own values. The
mapping of service types to the capacity units that may be registered for each form
(``ALLOWED_UNITS``) is what the validation of service tables checks against.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceType:
    """One registered kind of social service (druh sociální služby)."""

    code: int
    name: str
    paragraph: int
    group: str  # "poradenstvi" | "pece" | "prevence"
    short: str  # short Czech label for tables and figures


SERVICE_TYPES: dict[int, ServiceType] = {
    t.code: t
    for t in [
        ServiceType(1, "odborné sociální poradenství", 37, "poradenstvi", "odb. poradenství"),
        ServiceType(3, "osobní asistence", 39, "pece", "osobní asistence"),
        ServiceType(4, "pečovatelská služba", 40, "pece", "pečovatelská sl."),
        ServiceType(5, "tísňová péče", 41, "pece", "tísňová péče"),
        ServiceType(6, "průvodcovské a předčitatelské služby", 42, "pece", "průvodcovské sl."),
        ServiceType(7, "podpora samostatného bydlení", 43, "pece", "podpora sam. bydlení"),
        ServiceType(8, "odlehčovací služby", 44, "pece", "odlehčovací sl."),
        ServiceType(9, "centra denních služeb", 45, "pece", "centra denních sl."),
        ServiceType(10, "denní stacionáře", 46, "pece", "denní stacionáře"),
        ServiceType(11, "týdenní stacionáře", 47, "pece", "týdenní stacionáře"),
        ServiceType(12, "domovy pro osoby se zdravotním postižením", 48, "pece", "domovy pro OZP"),
        ServiceType(13, "domovy pro seniory", 49, "pece", "domovy pro seniory"),
        ServiceType(14, "domovy se zvláštním režimem", 50, "pece", "domovy se zvl. režimem"),
        ServiceType(15, "chráněné bydlení", 51, "pece", "chráněné bydlení"),
        ServiceType(
            16,
            "sociální služby poskytované ve zdravotnických zařízeních lůžkové péče",
            52,
            "pece",
            "soc. sl. ve zdrav. zař.",
        ),
        ServiceType(17, "raná péče", 54, "prevence", "raná péče"),
        ServiceType(18, "telefonická krizová pomoc", 55, "prevence", "tel. krizová pomoc"),
        ServiceType(19, "tlumočnické služby", 56, "prevence", "tlumočnické sl."),
        ServiceType(20, "azylové domy", 57, "prevence", "azylové domy"),
        ServiceType(21, "domy na půl cesty", 58, "prevence", "domy na půl cesty"),
        ServiceType(22, "kontaktní centra", 59, "prevence", "kontaktní centra"),
        ServiceType(23, "krizová pomoc", 60, "prevence", "krizová pomoc"),
        ServiceType(24, "nízkoprahová denní centra", 61, "prevence", "nízkoprahová d. centra"),
        ServiceType(25, "nízkoprahová zařízení pro děti a mládež", 62, "prevence", "NZDM"),
        ServiceType(26, "noclehárny", 63, "prevence", "noclehárny"),
        ServiceType(27, "služby následné péče", 64, "prevence", "následná péče"),
        ServiceType(
            28,
            "sociálně aktivizační služby pro rodiny s dětmi",
            65,
            "prevence",
            "SAS pro rodiny",
        ),
        ServiceType(
            29,
            "sociálně aktivizační služby pro seniory a osoby se zdravotním postižením",
            66,
            "prevence",
            "SAS pro seniory a OZP",
        ),
        ServiceType(30, "sociálně terapeutické dílny", 67, "prevence", "soc. terap. dílny"),
        ServiceType(31, "terapeutické komunity", 68, "prevence", "terapeutické komunity"),
        ServiceType(32, "terénní programy", 69, "prevence", "terénní programy"),
        ServiceType(33, "sociální rehabilitace", 70, "prevence", "sociální rehabilitace"),
    ]
}

SERVICE_GROUP_NAMES: dict[str, str] = {
    "poradenstvi": "sociální poradenství",
    "pece": "služby sociální péče",
    "prevence": "služby sociální prevence",
}

FORMS: dict[str, str] = {"pob": "pobytová", "amb": "ambulantní", "ter": "terénní"}

CAPACITY_UNITS: dict[str, str] = {
    "luzka": "lůžka",
    "klient": "klienti",
    "interv": "intervence",
    "kontakt": "kontakty",
    "hovor": "hovory",
}

# The four planning target groups of regional mid-term plans (DOMAIN.md).
TARGET_GROUPS: dict[str, str] = {
    "deti_rodiny": "děti, mládež a rodiny",
    "seniori": "senioři",
    "ozp": "osoby se zdravotním postižením",
    "ohrozeni": "osoby ohrožené sociálním vyloučením a v krizi",
}

# Capacity units that the registry allows per service type and form. Residential
# forms count beds; night shelters register beds for an outpatient form.
ALLOWED_UNITS: dict[tuple[int, str], frozenset[str]] = {}


def _allow(codes: list[int], form: str, units: set[str]) -> None:
    for code in codes:
        ALLOWED_UNITS[(code, form)] = frozenset(units)


_allow([11, 12, 13, 14, 15, 16, 20, 21, 31], "pob", {"luzka"})
_allow([8, 23, 27, 33], "pob", {"luzka"})
_allow([1], "amb", {"klient", "interv", "kontakt"})
_allow([1], "ter", {"klient", "interv", "kontakt"})
_allow([3, 5, 7], "ter", {"klient"})
_allow([4, 6, 8, 17, 28, 29, 33], "ter", {"klient"})
_allow([4, 6, 8, 9, 10, 17, 28, 29, 30, 33], "amb", {"klient"})
_allow([18], "ter", {"hovor"})
_allow([18], "amb", {"hovor"})
_allow([19], "amb", {"interv", "klient"})
_allow([19], "ter", {"interv", "klient"})
_allow([22, 32], "amb", {"kontakt", "klient"})
_allow([22, 32], "ter", {"kontakt", "klient"})
_allow([23, 27], "amb", {"klient", "interv"})
_allow([23, 27], "ter", {"klient", "interv"})
_allow([24, 25], "amb", {"klient", "kontakt"})
_allow([25], "ter", {"klient", "kontakt"})
_allow([26], "amb", {"luzka"})


# The 14 regions (kraje), NUTS3 codes and their usual names.
# Facility types of the ČSÚ statistics of social services (DataStat SZB07*) and the
# registry service type each corresponds to (None: no confirmed registry code).
FACILITY_TYPES: dict[str, int | None] = {
    "Sociální poradny": 1,
    "Služby rané péče": 17,
    "Nízkoprahová denní centra": 24,
    "Nízkoprahová zařízení pro děti a mládež": 25,
    "Noclehárny": 26,
    "Služby následné péče": 27,
    "Terapeutické komunity": 31,
    "Centra sociálně rehabilitačních služeb": 33,
    "Intervenční centra": None,
    "Zařízení pro krizovou pomoc": 23,
    "Azylové domy": 20,
    "Domy na půl cesty": 21,
    "Domovy pro seniory": 13,
    "Domovy se zvláštním režimem": 14,
    "Domovy pro osoby se zdravotním postižením": 12,
    "Chráněné bydlení": 15,
    "Stacionáře denní": 10,
    "Stacionáře týdenní": 11,
    "Centra denních služeb": 9,
    "Sociálně terapeutické dílny": 30,
}

REGIONS: dict[str, str] = {
    "CZ010": "Hlavní město Praha",
    "CZ020": "Středočeský kraj",
    "CZ031": "Jihočeský kraj",
    "CZ032": "Plzeňský kraj",
    "CZ041": "Karlovarský kraj",
    "CZ042": "Ústecký kraj",
    "CZ051": "Liberecký kraj",
    "CZ052": "Královéhradecký kraj",
    "CZ053": "Pardubický kraj",
    "CZ063": "Kraj Vysočina",
    "CZ064": "Jihomoravský kraj",
    "CZ071": "Olomoucký kraj",
    "CZ072": "Zlínský kraj",
    "CZ080": "Moravskoslezský kraj",
}
_REGION_ALIASES = {"Hl. m. Praha": "CZ010", "Praha": "CZ010", "Vysočina": "CZ063"}


def region_code(name: str) -> str | None:
    """NUTS3 code of a region from any of its usual Czech names (None if unknown)."""
    name = " ".join(name.split())
    for code, canonical in REGIONS.items():
        if name.casefold() == canonical.casefold():
            return code
    return _REGION_ALIASES.get(name)


# Planning target groups a service type usually serves (used where the registry's own
# target groups are missing or use codes outside the four planning groups).
DEFAULT_TARGET_GROUPS: dict[int, tuple[str, ...]] = {
    1: ("deti_rodiny", "seniori", "ozp", "ohrozeni"),
    3: ("seniori", "ozp"),
    4: ("seniori", "ozp"),
    5: ("seniori", "ozp"),
    6: ("ozp",),
    7: ("ozp",),
    8: ("seniori", "ozp"),
    9: ("ohrozeni", "ozp"),
    10: ("seniori", "ozp"),
    11: ("ozp",),
    12: ("ozp",),
    13: ("seniori",),
    14: ("seniori", "ozp"),
    15: ("ozp",),
    16: ("seniori", "ozp"),
    17: ("deti_rodiny", "ozp"),
    18: ("deti_rodiny", "ohrozeni"),
    19: ("ozp",),
    20: ("ohrozeni", "deti_rodiny"),
    21: ("deti_rodiny", "ohrozeni"),
    22: ("ohrozeni",),
    23: ("ohrozeni", "deti_rodiny"),
    24: ("ohrozeni",),
    25: ("deti_rodiny",),
    26: ("ohrozeni",),
    27: ("ohrozeni",),
    28: ("deti_rodiny",),
    29: ("seniori", "ozp"),
    30: ("ozp",),
    31: ("ohrozeni",),
    32: ("ohrozeni", "deti_rodiny"),
    33: ("ozp", "ohrozeni"),
}

# Registry target-group codes (CilovaSkupinaOsoby/N) that mean seniors:
# 24 seniors, 30 people with dementia, 27 people needing palliative care.
SENIOR_TARGET_CODES = frozenset({"24", "30", "27"})

# The eight areas of MPSV's criteria of planning quality (Kritéria kvality plánování
# sociálních služeb, 2007), in their order.
PLANNING_QUALITY_AREAS: dict[str, str] = {
    "legitimita": "legitimita plánování",
    "popis_stavu": "popis stávajícího stavu",
    "kvalifikace": "kvalifikace (kompetence) účastníků",
    "rizeni_procesu": "řízení procesu plánování",
    "zapojeni": "zapojení účastníků a veřejnosti",
    "plan": "střednědobý plán",
    "informovanost": "informovanost",
    "zlepsovani": "vyhodnocování a zlepšování",
}
