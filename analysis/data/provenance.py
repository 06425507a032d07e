"""Where each row of a table derived from official files came from.

Tables built from open data are reshaped (a municipality row of the ČSÚ table becomes
three age bands, the yearly JSON files of a series become one table), so an error found
when the derived table is validated would otherwise name the derived table and its row.
A derived table carries hidden columns instead: ``_file`` (the raw file's name), ``_row``
(the row as a person counts it: header = 1 for a CSV, the line of the record in a JSON
file) and ``_raw_<column>`` (the raw column a canonical column was taken from, per row).
Validation strips them and names the raw place in its errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from analysis.errors import CellProblem

PREFIX = "_"
RAW = "_raw_"


def split(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table without its provenance columns, and those columns."""
    hidden = [c for c in df.columns if isinstance(c, str) and c.startswith(PREFIX)]
    return df.drop(columns=hidden), df[hidden]


def relocate(
    problems: list[CellProblem],
    origin: pd.DataFrame,
    row_offset: int,
    raw_columns: Mapping[str, str] | None = None,
) -> list[CellProblem]:
    """Name the raw file, row and column of each problem where ``origin`` knows them.

    ``origin`` holds the provenance columns of the validated table in its row order
    (row of a problem = position + ``row_offset``); ``raw_columns`` gives the raw name
    of columns taken from one raw column for every row.
    """
    raw_columns = raw_columns or {}
    out = []
    for p in problems:
        column = p.column
        changes: dict[str, object] = {}
        pos = None if p.row is None else p.row - row_offset
        known = pos is not None and 0 <= pos < len(origin)
        if known and "_file" in origin and pd.notna(origin["_file"].iloc[pos]):
            changes["file"] = str(origin["_file"].iloc[pos])
            row = origin["_row"].iloc[pos] if "_row" in origin else None
            changes["row"] = None if row is None or pd.isna(row) else int(row)
        if column is not None:
            per_row = RAW + column
            if known and per_row in origin and pd.notna(origin[per_row].iloc[pos]):
                changes["column"] = str(origin[per_row].iloc[pos])
            elif column in raw_columns:
                changes["column"] = raw_columns[column]
        out.append(replace(p, **changes) if changes else p)
    # The forms of one registry item share its line: name a problem there once.
    return list(dict.fromkeys(out))


def strip(df: pd.DataFrame) -> pd.DataFrame:
    """The table without its provenance columns."""
    return split(df)[0]
