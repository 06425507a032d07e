"""Names, labels and small formatters shared by the sections of chapter 04_finance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.codelists import FORMS, SERVICE_TYPES
from analysis.methods import finance_benchmark as fb
from analysis.present import formatting as f

REVENUE_NAMES = {
    "revenue_users": "úhrady uživatelů",
    "revenue_health_insurance": "zdravotní pojišťovny",
    "revenue_outside_basic": "výnosy činností mimo základní činnosti",
    "revenue_other": "ostatní vlastní",
    "revenue_state_subsidy": "státní dotace",
    "revenue_region": "kraj",
    "revenue_municipalities": "obce",
    "revenue_eu": "fondy EU",
    "revenue_labour_office": "Úřad práce",
    "revenue_other_public": "jiné veřejné",
}
# What each criterion measures (the raw value its breakpoints cut).
CRITERION_MEASURES = {
    "need": "(kapacita − poptávka) ÷ poptávka v oblasti plánování",
    "availability": "E2SFCA v ORP ÷ E2SFCA kraje",
    "cost": "náklad na jednotku sítě (lůžko, úvazek v přímé péči) ÷ referenční náklad",
    "staffing": "podíl úvazků v přímé péči",
    "occupancy": "obložnost lůžek ÷ minimální obložnost sítě (jen lůžkové služby)",
}
# The unit of ``units_delivered`` by capacity unit (docs/data-model.md).
DELIVERED_UNITS = {
    "luzka": "lůžkoden",
    "klient": "klient a rok",
    "interv": "jedna intervence",
    "kontakt": "jeden kontakt",
    "hovor": "jeden hovor",
}
# Signals, not verdicts: no red for "k prověření" (a prompt to talk, not an exit).
BAND_COLOURS = {"bez podnětu": "#2a7f62", "k prověření": "#e0a030"}


def _signed_share(v: object) -> str:
    return f.signed(100 * v, 1) + " %" if isinstance(v, float) and not np.isnan(v) else "–"


def _flag(v: object) -> str:
    return fb.OUTLIER_LABELS.get(v, "–") if isinstance(v, str) else "–"


def group_labels(df: pd.DataFrame, ambiguous: set[int]) -> list[str]:
    """Short type name per row, with the form where the type appears in several forms."""
    return [
        f"{SERVICE_TYPES[int(c)].short} ({FORMS[form]})"
        if int(c) in ambiguous
        else SERVICE_TYPES[int(c)].short
        for c, form in zip(df["service_type_code"], df["form"], strict=True)
    ]
