"""Layer 4, chapters: what each report chapter shows.

One module per chapter of :mod:`analysis.chapter_registry`, each exposing
``prepare(dataset, methodology, year)`` that returns a dataclass with the chapter's
tables, figures and Czech text. Notebooks call only that and the notebook runtime.
"""
