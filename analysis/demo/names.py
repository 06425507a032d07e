"""Fictional Czech-sounding place names for the demo region.

Names are built from common Czech word stems and endings, so they read naturally and
test diacritics, without copying any list of real places.
"""

from __future__ import annotations

import numpy as np

STEMS = [
    "Bor",
    "Bran",
    "Bukov",
    "Dub",
    "Hab",
    "Hlin",
    "Jav",
    "Jed",
    "Kamen",
    "Klen",
    "Kos",
    "Kras",
    "Lip",
    "Lom",
    "Luž",
    "Mlad",
    "Mys",
    "Ořech",
    "Ostr",
    "Pas",
    "Pet",
    "Rad",
    "Roz",
    "Skal",
    "Smrk",
    "Stud",
    "Třeb",
    "Vran",
    "Vys",
    "Zah",
    "Žab",
    "Čern",
    "Řeč",
    "Šum",
    "Břez",
    "Jív",
    "Chlum",
    "Kněž",
    "Olš",
    "Topol",
]
ENDINGS = [
    "ov",
    "ovice",
    "ín",
    "any",
    "ec",
    "nice",
    "ětice",
    "ná",
    "ovec",
    "ová",
    "išov",
    "ějov",
    "ůvka",
    "enice",
    "ín Dvůr",
]
PREFIXES = ["Horní ", "Dolní "]
RIVERS = ["nad Olšavou", "nad Bystřicí", "nad Lipnicí", "pod Hájem"]


def place_names(n: int, rng: np.random.Generator) -> list[str]:
    """Return ``n`` distinct place names in a random but seed-determined order."""
    combos = [s + e for s in STEMS for e in ENDINGS]
    order = rng.permutation(len(combos))
    names: list[str] = []
    seen: set[str] = set()
    for i in order:
        name = combos[i]
        if rng.random() < 0.08:
            name = PREFIXES[int(rng.integers(len(PREFIXES)))] + name
        if name not in seen:
            seen.add(name)
            names.append(name)
        if len(names) == n:
            return names
    raise ValueError(f"cannot make {n} distinct names")
