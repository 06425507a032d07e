"""The chapters of the annual report, in report order.

Adding a chapter is one line here, one module in :mod:`analysis.chapters` exposing
``prepare(dataset, methodology, year)``, one notebook in ``notebooks/`` and, if it has
methodological numbers, one section in ``params/methodology.yaml`` (with its model in
:mod:`analysis.params`). The run-file schema, the pipeline, the tests and the docs read
this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChapterSpec:
    """One chapter: its notebook, its module and the methodology sections it reads."""

    name: str  # notebook file stem and the name used in run files (``chapters:``)
    module: str  # module with ``prepare(dataset, methodology, year)``
    methodology: tuple[str, ...]  # sections of params/methodology.yaml it reads
    title: str  # Czech title of the chapter (first heading of its notebook)


CHAPTERS: tuple[ChapterSpec, ...] = (
    ChapterSpec(
        "00_summary",
        "analysis.chapters.summary",
        ("ages", "network", "demand", "finance", "plan", "disclosure"),
        "Hlavní zjištění",
    ),
    ChapterSpec(
        "00_data",
        "analysis.chapters.data",
        ("ages", "plausibility", "report"),
        "Vstupní data a jejich kontrola",
    ),
    ChapterSpec(
        "01_network",
        "analysis.chapters.network",
        ("ages", "network", "report"),
        "Síť sociálních služeb",
    ),
    ChapterSpec(
        "02_demand",
        "analysis.chapters.demand",
        ("ages", "projection", "demand", "disclosure", "report"),
        "Obyvatelstvo, potřeby a jejich pokrytí",
    ),
    ChapterSpec(
        "03_plan",
        "analysis.chapters.plan",
        ("ages", "network", "projection", "demand", "finance", "plan"),
        "Plnění střednědobého plánu",
    ),
    ChapterSpec(
        "04_finance",
        "analysis.chapters.finance",
        ("ages", "network", "projection", "demand", "finance", "plan_finance", "report"),
        "Financování a hodnocení služeb",
    ),
    ChapterSpec(
        "90_appendix",
        "analysis.chapters.appendix",
        ("network", "projection", "demand", "finance", "plan"),
        "Příloha: parametry metodiky a zkratky",
    ),
)

CHAPTERS = (
    *CHAPTERS,
    ChapterSpec(
        "91_orp_profiles",
        "analysis.chapters.orp_profiles",
        ("ages", "network", "projection", "demand"),
        "Příloha: profily ORP",
    ),
)

CHAPTER_NAMES: tuple[str, ...] = tuple(c.name for c in CHAPTERS)


def chapter(name: str) -> ChapterSpec:
    """The chapter of a given name (``KeyError`` for an unknown one)."""
    for spec in CHAPTERS:
        if spec.name == name:
            return spec
    raise KeyError(name)
