"""Czech grammar of numbers: plural forms chosen by the CLDR plural rules (through Babel).

Czech has four plural categories (CLDR): ``one`` (1), ``few`` (2–4), ``many`` (decimal
numbers) and ``other`` (0, 5 and more, and 21, 22, … as counted nouns take the genitive
plural: "21 okresů"). :func:`plural` picks the form of a phrase by the category Babel
gives for the number; the phrase table says the forms, never a rule of our own.
"""

from __future__ import annotations

import re

from babel import Locale

from analysis.present.formatting import number

_LOCALE = Locale.parse("cs_CZ")

# Forms of counted nouns: one, few, many (decimals), other.
NOUNS: dict[str, tuple[str, str, str, str]] = {
    "kraj": ("kraj", "kraje", "kraje", "krajů"),
    "okres": ("okres", "okresy", "okresu", "okresů"),
    "obec": ("obec", "obce", "obce", "obcí"),
    "ORP": (
        "obec s rozšířenou působností",
        "obce s rozšířenou působností",
        "obce s rozšířenou působností",
        "obcí s rozšířenou působností",
    ),
    "služba": ("služba", "služby", "služby", "služeb"),
    "sociální služba": (
        "sociální služba",
        "sociální služby",
        "sociální služby",
        "sociálních služeb",
    ),
    "poskytovatel": ("poskytovatel", "poskytovatelé", "poskytovatele", "poskytovatelů"),
    "zařízení": ("zařízení", "zařízení", "zařízení", "zařízení"),
    "lůžko": ("lůžko", "lůžka", "lůžka", "lůžek"),
    "osoba": ("osoba", "osoby", "osoby", "osob"),
    "obyvatel": ("obyvatel", "obyvatelé", "obyvatele", "obyvatel"),
    "indikátor": ("indikátor", "indikátory", "indikátoru", "indikátorů"),
    "záměr": ("záměr", "záměry", "záměru", "záměrů"),
    "druh": ("druh", "druhy", "druhu", "druhů"),
    "řádek": ("řádek", "řádky", "řádku", "řádků"),
    "tabulka": ("tabulka", "tabulky", "tabulky", "tabulek"),
    "obrázek": ("obrázek", "obrázky", "obrázku", "obrázků"),
    "rok": ("rok", "roky", "roku", "let"),
    "místo": ("místo", "místa", "místa", "míst"),
    "simulace": ("simulace", "simulace", "simulace", "simulací"),
    "skupina": ("skupina", "skupiny", "skupiny", "skupin"),
    "vstup": ("vstup", "vstupy", "vstupu", "vstupů"),
    "parametr": ("parametr", "parametry", "parametru", "parametrů"),
    "rozdíl": ("rozdíl", "rozdíly", "rozdílu", "rozdílů"),
    "vzorec": ("vzorec", "vzorce", "vzorce", "vzorců"),
    "klient": ("klient", "klienti", "klienta", "klientů"),
    "intervence": ("intervence", "intervence", "intervence", "intervencí"),
    "kontakt": ("kontakt", "kontakty", "kontaktu", "kontaktů"),
    "hovor": ("hovor", "hovory", "hovoru", "hovorů"),
    "chyba": ("chyba", "chyby", "chyby", "chyb"),
    "domov pro seniory": (
        "domov pro seniory",
        "domovy pro seniory",
        "domova pro seniory",
        "domovů pro seniory",
    ),
    "varování": ("varování", "varování", "varování", "varování"),
}
# The counted noun of each capacity unit of the registry (``count(152, ...)`` → 152 lůžek).
CAPACITY_NOUNS = {
    "luzka": "lůžko",
    "klient": "klient",
    "interv": "intervence",
    "kontakt": "kontakt",
    "hovor": "hovor",
}

_CATEGORIES = ("one", "few", "many", "other")


def plural_category(n: float) -> str:
    """The CLDR plural category of ``n`` in Czech (``one``, ``few``, ``many``, ``other``)."""
    return _LOCALE.plural_form(abs(n))


def plural(n: float, forms: tuple[str, str, str, str] | dict[str, str]) -> str:
    """The form of a phrase for ``n``: ``forms`` as (one, few, many, other) or a mapping
    of categories; ``{n}`` in the chosen form is replaced by the Czech-formatted number."""
    table = dict(zip(_CATEGORIES, forms, strict=True)) if isinstance(forms, tuple) else forms
    text = table.get(plural_category(n), table["other"])
    decimals = 0 if float(n).is_integer() else 1
    return text.replace("{n}", number(n, decimals))


def count(n: float, noun: str) -> str:
    """``count(5, "okres")`` → ``5 okresů``; ``count(2, "obec")`` → ``2 obce``."""
    form = plural(n, NOUNS[noun])
    decimals = 0 if float(n).is_integer() else 1
    return f"{number(n, decimals)}\u00a0{form}"


# A one-letter preposition or conjunction must not end a line (Czech typography): the
# space after it is a non-breaking one.
_SINGLE_LETTER = re.compile(r"(?<![\w\u00a0])([AIKOSUVZaikosuvz])[ \n\t]+(?=\S)")
_TAG = re.compile(r"(<[^>]*>)")
_RAW_ELEMENTS = ("script", "style", "pre", "code", "textarea")


def bind_single_letters(html_text: str) -> str:
    """The HTML with a non-breaking space after every one-letter word of its text (not
    inside tags, scripts, styles or code)."""
    parts = _TAG.split(html_text)
    raw = 0
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = part[1:].split(None, 1)[0].rstrip(">/").lower() if len(part) > 2 else ""
            if name in _RAW_ELEMENTS:
                raw += 1
            elif name.startswith("/") and name[1:] in _RAW_ELEMENTS:
                raw = max(0, raw - 1)
            continue
        if not raw and part:
            parts[i] = _SINGLE_LETTER.sub("\\1\u00a0", part)
    return "".join(parts)
