"""Czech formatting of numbers, dates and tables for reports.

Numbers use a non-breaking space as the thousands separator and a decimal comma
(``1 234,5``), dates are written ``1. 1. 2025`` (ČSN 01 6910), through babel's ``cs_CZ``
locale data.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Mapping
from numbers import Number

import pandas as pd
from babel.numbers import format_decimal

LOCALE = "cs_CZ"
NBSP = "\u00a0"
MINUS = "\u2212"


def number(value: object, decimals: int = 0) -> str:
    """``1234.5`` → ``1 234,5`` (with ``decimals`` fixed decimal places); missing → ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(value, format=pattern, locale=LOCALE)
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]  # a value that rounds to zero has no sign ("0", not "−0")
    # Typographic minus, as in signed(): never a hyphen beside a true minus.
    return text.replace("-", MINUS)


def auto(value: object) -> str:
    """A parameter value as written: whole numbers without decimals, others as needed;
    a missing value (None, NA, NaN) is a dash, never "NaN"."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, Number) and not isinstance(value, bool):
        if float(value).is_integer():
            return number(value, 0)
        return format_decimal(value, format="#,##0.######", locale=LOCALE).replace("-", MINUS)
    return "–" if value is None else str(value)


def percent(value: object, decimals: int = 1) -> str:
    """A share in percent points: ``21.37`` → ``21,4 %``."""
    text = number(value, decimals)
    return text if text == "–" else f"{text}{NBSP}%"


def percent_adjective(share: float) -> str:
    """A probability as the Czech adjective form, without a space: ``0.9`` → ``90%``
    (as in "90% interval", devadesátiprocentní)."""
    return f"{number(100 * share, 0)}%"


def significant(value: object, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, Czech style: ``0.04321`` → ``0,0432``,
    ``-0.00012`` → ``-0,00012``, ``1234.5`` → ``1 235``."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if v == 0:
        return "0"
    decimals = max(digits - 1 - math.floor(math.log10(abs(v))), 0)
    return number(round(v, decimals), decimals)


def p_value(value: object) -> str:
    """A p-value: three significant digits, ``< 0,001`` below a thousandth."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"<{NBSP}0,001" if float(value) < 0.001 else significant(value, 2)


def signed(value: object, decimals: int = 1) -> str:
    """A change with an explicit sign: ``+1,2`` / ``−0,4``."""
    text = number(value, decimals)
    if text == "–" or not isinstance(value, Number):
        return text
    if value > 0:
        return "+" + text
    return text.replace("-", "\u2212")


def date(value: dt.date) -> str:
    """``2025-01-01`` → ``1. 1. 2025``."""
    return f"{value.day}.{NBSP}{value.month}.{NBSP}{value.year}"


Formatter = Callable[[object], str]


def fmt(decimals: int = 0) -> Formatter:
    return lambda v: number(v, decimals)


def fmt_percent_share(decimals: int = 1) -> Formatter:
    """A share (0.123) shown in percent (12,3 %)."""
    return lambda v: percent(100 * float(v), decimals) if v is not None else "–"


def fmt_signed(decimals: int = 1) -> Formatter:
    return lambda v: signed(v, decimals)


def html_table(
    df: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, Formatter] | None = None,
    total_row: bool = False,
    masked: pd.DataFrame | None = None,
    mask_sign: str = "",
) -> str:
    """Render a frame as a plain HTML table with Czech headers and number formats.

    Numeric columns are right-aligned; ``total_row`` marks the last row as a sum row;
    cells that are True in ``masked`` (same index, some of the columns) show
    ``mask_sign`` (a count withheld by disclosure control) instead of their value.
    """
    labels = labels or {}
    formats = formats or {}
    cols = list(df.columns)
    numeric = {
        c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in cols
    }
    # Float columns holding only whole numbers (capacities, counts) print without decimals.
    decimals = {
        c: 0
        if (
            not numeric[c]
            or pd.api.types.is_integer_dtype(df[c])
            or bool(((df[c].dropna() % 1) == 0).all())
        )
        else 1
        for c in cols
    }
    head = "".join(
        f'<th class="{"num" if numeric[c] else "txt"}">{html.escape(labels.get(c, c))}</th>'
        for c in cols
    )
    body = []
    hidden = (
        masked.reindex(index=df.index, columns=cols, fill_value=False).to_numpy(bool)
        if masked is not None
        else None
    )
    for i, row in enumerate(df.itertuples(index=False, name=None)):
        cells = []
        for j, (c, v) in enumerate(zip(cols, row, strict=True)):
            if hidden is not None and hidden[i, j]:
                text = mask_sign
            elif c in formats:
                text = formats[c](v)
            elif c == "year" or c.endswith("_year"):
                text = "–" if v is None or v is pd.NA else str(v)
            elif numeric[c]:
                text = number(v, decimals[c])
            else:
                text = (
                    "–"
                    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                    else str(v)
                )
            cells.append(f'<td class="{"num" if numeric[c] else "txt"}">{html.escape(text)}</td>')
        cls = ' class="total"' if total_row and i == len(df) - 1 else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (
        f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def year(value: object) -> str:
    """A year as written (``2023``, also from a float column), missing as a dash."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return str(int(value))


def millions(value: object, decimals: int = 1) -> str:
    """An amount in CZK as millions for text: ``12_345_678`` → ``12,3 mil. Kč``."""
    text = number(value / 1e6 if isinstance(value, Number) else value, decimals)
    return text if text == "–" else f"{text}{NBSP}mil.{NBSP}Kč"


def fmt_millions(decimals: int = 1) -> Formatter:
    """Table cells of amounts in CZK shown in millions (the caption says "mil. Kč")."""
    return lambda v: number(v / 1e6 if isinstance(v, Number) else v, decimals)


def fmt_thousands(decimals: int = 0) -> Formatter:
    """Table cells of amounts in CZK shown in thousands (the caption says "tis. Kč")."""
    return lambda v: number(v / 1e3 if isinstance(v, Number) else v, decimals)


def crowns(value: object) -> str:
    """An amount in whole CZK for text: ``1234567`` → ``1 234 567 Kč``."""
    text = number(value, 0)
    return text if text == "–" else f"{text}{NBSP}Kč"


def yes_no(value: object) -> str:
    """A true/false cell: ``ano`` / ``ne``, missing → ``–``."""
    return "–" if value is None or pd.isna(value) else "ano" if bool(value) else "ne"
