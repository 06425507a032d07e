"""Reference values: usual cost and usual own revenue per capacity unit and service type.

The region's usual value is a statistic of its comparable services (median, mean or a
trimmed mean, a parameter). The value used (the *reference value*) follows one region's
published rule (DOMAIN.md, "Money"): the region's value when at least ``min_providers``
providers of that type, form and unit report in the region *and* it is higher than the
national value; otherwise the national value. The same rule is applied to the usual
cost and to the usual own revenue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.methods.finance_benchmark import GROUP

SOURCE_REGION, SOURCE_NATIONAL = "kraj", "ČR"


def statistic(values: pd.Series, name: str, trim: float) -> float:
    """The usual value of a sample: ``median``, ``mean`` or ``trimmed_mean`` (``trim``
    cut from each side)."""
    v = values.dropna().to_numpy(float)
    if len(v) == 0:
        return np.nan
    if name == "median":
        return float(np.median(v))
    if name == "mean":
        return float(v.mean())
    return float(stats.trim_mean(v, trim))


def usual_values(ind: pd.DataFrame, name: str, trim: float) -> pd.DataFrame:
    """Per year, type, form and unit: services, providers, usual cost and usual own
    revenue per capacity unit, and the quartiles of the unit cost (comparable rows)."""
    cur = ind[ind["comparable"]]
    g = cur.groupby(["year", *GROUP])
    out = pd.DataFrame(
        {
            "services": g["service_id"].nunique(),
            "providers": g["provider_ico"].nunique(),
            "cost_per_unit": g["cost_per_unit"].agg(lambda s: statistic(s, name, trim)),
            "own_revenue_per_unit": g["own_revenue_per_unit"].agg(
                lambda s: statistic(s, name, trim)
            ),
            "cost_per_unit_q1": g["cost_per_unit"].quantile(0.25),
            "cost_per_unit_median": g["cost_per_unit"].median(),
            "cost_per_unit_q3": g["cost_per_unit"].quantile(0.75),
        }
    )
    return out.reset_index()


def _choose(region: pd.Series, national: pd.Series, enough: pd.Series):
    use_region = enough & region.notna() & (national.isna() | (region > national))
    value = region.where(use_region, national)
    # Without a national value the region's own value stands only with enough providers.
    source = np.where(use_region, SOURCE_REGION, np.where(national.notna(), SOURCE_NATIONAL, None))
    return value, pd.Series(source, index=region.index, dtype=object)


def reference_values(
    region: pd.DataFrame, national: pd.DataFrame, min_providers: int
) -> pd.DataFrame:
    """The reference cost and own revenue per unit for every (year, type, form, unit) of
    the region, with the source of each (``kraj`` or ``ČR``; missing when neither rule
    gives a value)."""
    keys = ["year", *GROUP]
    nat = national.set_index(keys)[["cost_per_unit", "own_revenue_per_unit"]].add_prefix(
        "national_"
    )
    df = region.set_index(keys).join(nat, how="left")
    enough = df["providers"] >= min_providers
    df["reference_cost"], df["cost_source"] = _choose(
        df["cost_per_unit"], df["national_cost_per_unit"], enough
    )
    df["reference_own_revenue"], df["own_revenue_source"] = _choose(
        df["own_revenue_per_unit"], df["national_own_revenue_per_unit"], enough
    )
    return df.reset_index()
