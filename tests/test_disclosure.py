"""Statistical disclosure control of published counts of people: constructed tables with
answers worked out by hand, and the way a protected table is published."""

from __future__ import annotations

import pandas as pd

from analysis.params import load_methodology
from analysis.present.disclosure import DisclosureRule, protect_counts
from analysis.present.formatting import html_table
from analysis.present.notebook import Chapter
from analysis.resources import methodology_file

RULE = DisclosureRule(min_count=5, rounding_base=5)


def _table() -> pd.DataFrame:
    return pd.DataFrame({"area": ["X", "Y", "Z"], "a": [2, 20, 40], "b": [10, 30, 7]})


def test_column_total_would_reveal_the_suppressed_cell():
    # Column a: X=2 is below 5. Its column total (62) is published, so X = 62 − Y − Z
    # unless one more cell of the column is hidden: the smallest other one, Y=20.
    p = protect_counts(_table(), ["a", "b"], RULE)
    assert p.suppressed["a"].tolist() == [True, True, False]
    assert not p.suppressed["b"].any()  # 7 ≥ 5: published (rounded)
    assert p.table["a"].isna().tolist() == [True, True, False]
    assert p.table["b"].tolist() == [10, 30, 5]  # 7 rounds to 5
    assert p.table["a"].iloc[2] == 40


def test_row_totals_spread_the_suppression_until_no_line_has_one_hidden_cell():
    t = _table()
    t["total"] = t["a"] + t["b"]
    p = protect_counts(t, ["a", "b", "total"], RULE, row_total="total")
    # Column a hides X and Y; row X then hides b (10 < total 12), row Y hides b (30);
    # column b has two hidden cells and every row either none or two: stable.
    expected = pd.DataFrame(
        {
            "a": [True, True, False],
            "b": [True, True, False],
            "total": [False, False, False],
        }
    )
    pd.testing.assert_frame_equal(p.suppressed.reset_index(drop=True), expected)
    # No line with a published total has exactly one hidden cell.
    assert all(p.suppressed.loc[:, c].sum() != 1 for c in ("a", "b"))
    assert all(p.suppressed.loc[i, ["a", "b", "total"]].sum() != 1 for i in p.suppressed.index)
    assert p.table["total"].tolist() == [10, 50, 45]  # 12 → 10, 50, 47 → 45


def test_a_row_whose_total_is_small_hides_it_and_keeps_zeros():
    t = pd.DataFrame({"a": [3, 50], "b": [0, 60]})
    t["total"] = t["a"] + t["b"]
    p = protect_counts(t, ["a", "b", "total"], RULE, column_totals=False, row_total="total")
    # Row 0: a=3 and its total 3 are below 5; b=0 reveals no one and stays.
    assert p.suppressed.iloc[0].tolist() == [True, False, True]
    assert not p.suppressed.iloc[1].any()


def test_zeros_and_missing_values_are_not_suppressed_and_stay_as_they_are():
    t = pd.DataFrame({"a": [0.0, None, 12.0]})
    p = protect_counts(t, ["a"], RULE, column_totals=False)
    assert not p.suppressed["a"].any()
    assert p.table["a"].iloc[0] == 0
    assert pd.isna(p.table["a"].iloc[1])  # missing stays missing, not 0
    assert p.table["a"].iloc[2] == 10


def test_rounding_is_half_up_to_the_base():
    t = pd.DataFrame({"a": [12.5, 17.4, 1002.0]})
    p = protect_counts(t, ["a"], DisclosureRule(3, 5), column_totals=False)
    assert p.table["a"].tolist() == [15, 15, 1000]


def test_html_marks_suppressed_cells_and_csv_leaves_them_empty(tmp_path):
    p = protect_counts(_table(), ["a", "b"], RULE)
    html = html_table(p.table, masked=p.suppressed, mask_sign="i")
    assert html.count('<td class="num">i</td>') == 2
    csv = Chapter._csv(p.table).decode()
    assert csv.splitlines()[1] == "X,,10"
    assert "od 1 do 4" in p.note and "násobky 5" in p.note


def test_the_rule_comes_from_the_methodology():
    d = load_methodology(methodology_file()).disclosure
    assert d.min_count.value > 1 and d.rounding_base.value >= 1
    assert d.min_count.source and d.rounding_base.unit
