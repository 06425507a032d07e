"""Statistical disclosure control of published counts of people.

A count of people in a small area (people in need in one ORP, care-allowance recipients
of one degree) may point to individuals. Before such a table is published:

1. primary suppression: a positive count below ``min_count`` is not published;
2. secondary suppression: in every line whose total is published (a column whose sum
   the report gives, or a row with a total column), one suppressed cell could be
   recovered as the total minus the other cells, so the smallest other published cell of
   that line is suppressed too, and so on until every such line has none or at least two
   suppressed cells (or its own total suppressed);
3. rounding: every published count is rounded to a multiple of ``rounding_base`` (half
   up); totals are rounded from their exact value, so rounded cells need not add up.

Counts of services, beds or providers are not about people and are never passed here.
The rule's numbers are parameters (``disclosure`` in ``params/methodology.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.present.formatting import number

# Shown in a report cell instead of a suppressed count (ČSÚ's sign for "not published
# to protect individual data").
SUPPRESSED_SIGN = "i"


@dataclass(frozen=True)
class DisclosureRule:
    min_count: int  # positive counts below this are suppressed
    rounding_base: int  # published counts are rounded to multiples of this

    def text(self) -> str:
        """The rule in one Czech sentence, for the note under a protected table."""
        below = number(self.min_count - 1)
        return (
            f"{SUPPRESSED_SIGN} = údaj se nezveřejňuje (ochrana osobních údajů): počty osob "
            f"od 1 do {below} a buňky, ze kterých by je šlo dopočítat ze součtů, jsou "
            f"potlačeny; ostatní počty osob jsou zaokrouhleny na násobky "
            f"{number(self.rounding_base)}. Součty se zaokrouhlují ze skutečných hodnot, "
            "proto nemusí souhlasit se součtem zaokrouhlených řádků."
        )

    def short_text(self) -> str:
        """The rule in brief, for the source line of a figure."""
        return (
            f"Počty osob jsou zaokrouhleny na násobky {number(self.rounding_base)}, počty "
            f"od 1 do {number(self.min_count - 1)} se nezveřejňují (ochrana osobních údajů)"
        )


@dataclass(frozen=True)
class ProtectedTable:
    """A published table of counts of people after disclosure control."""

    table: pd.DataFrame  # suppressed cells are missing (NaN), the rest rounded
    suppressed: pd.DataFrame  # True where a cell was suppressed (same index and columns)
    rule: DisclosureRule

    @property
    def note(self) -> str:
        return self.rule.text()


def _round_half_up(values: np.ndarray, base: int) -> np.ndarray:
    return np.floor(values / base + 0.5) * base


def _secondary(values: np.ndarray, mask: np.ndarray, lines: list[np.ndarray]) -> np.ndarray:
    """Suppress further cells until no published-total line holds exactly one suppressed
    cell. ``lines`` are index arrays into the flattened cells; the line's total is
    published outside ``values`` (it is never suppressed here)."""
    mask = mask.copy()
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = mask[line]
            if hidden.sum() != 1:
                continue
            # The smallest other published cell of the line (first one on a tie).
            candidates = [i for i in line if not mask[i] and values[i] > 0]
            if not candidates:
                continue  # nothing else to hide: only zeros, which reveal no one
            pick = min(candidates, key=lambda i: (values[i], i))
            mask[pick] = True
            changed = True
    return mask


def protect_counts(
    table: pd.DataFrame,
    columns: list[str],
    rule: DisclosureRule,
    column_totals: bool = True,
    row_total: str | None = None,
) -> ProtectedTable:
    """Apply the disclosure rule to the count columns of a table.

    ``column_totals``: the sum of each count column is published (in this table's total
    row or elsewhere in the report), so each column is a line for secondary suppression.
    ``row_total``: a column (among ``columns``) holding each row's total of the other
    count columns; each row is then a line too, and the total cell is suppressed when
    nothing else in the row can be.
    """
    if table.empty:
        empty = pd.DataFrame(False, index=table.index, columns=columns)
        return ProtectedTable(table, empty, rule)
    parts = [c for c in columns if c != row_total]
    values = table[columns].to_numpy(float)
    n_rows, n_cols = values.shape
    flat = values.ravel()
    present = ~np.isnan(flat)
    mask = present & (flat > 0) & (np.round(flat) < rule.min_count)
    index = np.arange(flat.size).reshape(n_rows, n_cols)
    part_idx = [columns.index(c) for c in parts]
    lines: list[np.ndarray] = []
    if column_totals:
        lines += [index[:, j] for j in part_idx]
    if row_total is not None:
        total_j = columns.index(row_total)
        # Within a row the total column is an ordinary cell: a row whose only suppressed
        # part could be recovered gets its total hidden when no other part can be.
        lines += [np.append(index[i, part_idx], index[i, total_j]) for i in range(n_rows)]
    sort_values = np.where(present, flat, np.inf)
    mask = _secondary(sort_values, mask, lines)
    rounded = np.where(mask | ~present, np.nan, _round_half_up(flat, rule.rounding_base))
    out = table.copy()
    out[columns] = rounded.reshape(n_rows, n_cols)
    suppressed = pd.DataFrame(mask.reshape(n_rows, n_cols), index=table.index, columns=columns)
    return ProtectedTable(out, suppressed, rule)
