"""What the report says about incomplete inputs: one clear sentence per kind of content,
naming what is missing and how to supply it. The same sentences stand on the title page
and at every section that cannot be computed."""

from __future__ import annotations

from analysis.catalogue import load_catalogue
from analysis.data.dataset import ABSENT, INPUT_LABELS, SAMPLE, Dataset
from analysis.present.czech import count

# The commands themselves stand once, in the appendix "Doplnění dat kraje"; the notes
# in the chapters and at the front only point there.
HOW_TO_REGION = "Doplnění: sešit dat kraje, postup v příloze (oddíl Doplnění dat kraje)."
HOW_TO_REGISTRY = (
    "Doplnění: úplný registr poskytovatelů (RPSS), postup v příloze (oddíl Doplnění dat kraje)."
)


def services_note(ds: Dataset) -> str:
    """Why services are not analysed, or an empty string when the registry is complete."""
    state = ds.completeness.get("services", ABSENT)
    if state == SAMPLE:
        n = ds.services["service_id"].nunique()
        if n == 0:
            return (
                "Dodaný registr je jen vzorek a neobsahuje žádnou službu kraje: počty služeb, "
                "kapacity, pokrytí, dostupnost, bílá místa ani mezery v kapacitě nelze určit "
                f"a model kapacity je jen národní (počty zařízení ČSÚ). {HOW_TO_REGISTRY}"
            )
        return (
            f"Registr služeb je jen vzorek ({count(n, 'služba')} v kraji), ne úplný registr: "
            "počty služeb, kapacity, pokrytí, dostupnost, bílá místa ani mezery v kapacitě "
            "se z něj nepočítají a model kapacity je jen národní (počty zařízení ČSÚ). "
            f"{HOW_TO_REGISTRY}"
        )
    if state == ABSENT:
        return (
            "Registr sociálních služeb nebyl dodán: počty služeb, kapacity, pokrytí, "
            f"dostupnost a mezery v kapacitě nelze určit. {HOW_TO_REGISTRY}"
        )
    return ""


def plan_note(ds: Dataset) -> str:
    """Why the plan chapter is empty, or an empty string."""
    if ds.is_complete("plan"):
        return ""
    return (
        "Střednědobý plán kraje nebyl dodán: indikátory a jejich plnění nelze vyhodnotit. "
        f"{HOW_TO_REGION}"
    )


def action_plan_note(ds: Dataset) -> str:
    if ds.is_complete("action_plan"):
        return ""
    return f"Akční plán kraje nebyl dodán. {HOW_TO_REGION}"


def finance_note(ds: Dataset) -> str:
    if ds.is_complete("finance"):
        return ""
    if ds.completeness.get("finance") == SAMPLE:
        return (
            "Výkazy služeb (náklady, výnosy, personál) byly dodány jen za část služeb sítě: "
            "srovnání, kontrola vyrovnávací platby ani dotace se z nich nepočítají. "
            f"{HOW_TO_REGION}"
        )
    return (
        "Výkazy služeb (náklady, výnosy, personál) nebyly dodány; otevřená data je "
        f"neobsahují. {HOW_TO_REGION}"
    )


def data_notes(ds: Dataset) -> list[str]:
    """Every incompleteness of the run, for the title page."""
    notes = [services_note(ds), plan_note(ds), action_plan_note(ds), finance_note(ds)]
    return [n for n in notes if n]


def input_list(ds: Dataset, sources: dict[str, str]) -> list[str]:
    """Every input the run read, with its publisher and the date its data describe (as the
    catalogue titles state it), for the title page; ``sources`` are the run file's
    citations of canonical tables."""
    catalogue = load_catalogue().sources
    out = []
    for name in ds.files:
        if name in catalogue:
            out.append(f"{catalogue[name].title} ({catalogue[name].publisher})")
        else:
            label = INPUT_LABELS.get(name, name)
            out.append(f"{label[:1].upper()}{label[1:]}: {sources.get(name, '')}".rstrip(": "))
    return out
