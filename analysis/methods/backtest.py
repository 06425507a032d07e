"""Back-test of ORP population projections against later observed years.

Only data up to the base year are used to project; later years present in the data are
used for scoring. Methods:

- ``constant``: the base-year population stays;
- ``linear``: an ordinary least-squares line through the last ``window`` years up to the
  base;
- ``socplan``: the damped pooled trend of :mod:`analysis.methods.trend`, the method the
  demand chapter uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.methods.trend import damped_pooled, years_of


def orp_series(cr: pd.DataFrame, series: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """ORP totals per year (wide: ORP × year) from the municipal series, with the ORP's
    region, using the ČSÚ crosswalk ``cr``; municipalities the crosswalk does not know are
    dropped and counted."""
    orp_of = cr.set_index("municipality_code")["orp_code"]
    series = series.assign(orp_code=series["municipality_code"].map(orp_of))
    dropped = series[series["orp_code"].isna()]
    wide = series.dropna(subset=["orp_code"]).pivot_table(
        index="orp_code", columns="year", values="total", aggfunc="sum"
    )
    region = cr.drop_duplicates("orp_code").set_index("orp_code")["region_code"]
    info = {
        "dropped_municipality_years": len(dropped),
        "dropped_municipalities": dropped["municipality_code"].nunique(),
    }
    return wide.assign(region_code=region.reindex(wide.index)), info


def constant(wide: pd.DataFrame, base: int, horizon: int) -> pd.DataFrame:
    return pd.DataFrame({base + h: wide[base] for h in range(1, horizon + 1)})


def linear(wide: pd.DataFrame, base: int, horizon: int, window: int) -> pd.DataFrame:
    """Least-squares line through the last ``window`` years up to the base."""
    years = [y for y in years_of(wide) if base - window < y <= base]
    x = np.array(years, float)
    y = wide[years].to_numpy(float)
    xc = x - x.mean()
    slope = (y - y.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)
    intercept = y.mean(axis=1) - slope * x.mean()
    return pd.DataFrame(
        {base + h: intercept + slope * (base + h) for h in range(1, horizon + 1)}, index=wide.index
    )


def mape(projected: pd.DataFrame, wide: pd.DataFrame) -> pd.Series:
    """Mean absolute percentage error over ORPs, per projected year present in the data."""
    years = [y for y in projected.columns if y in wide.columns]
    actual = wide[years].astype(float)
    return (100 * (projected[years] - actual).abs() / actual).mean()


def run_backtest(
    wide: pd.DataFrame, base: int, horizon: int, shrink: float, damping: float, window: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Project from ``base`` with every method, using only years up to ``base``; return
    the projections (long: ``orp, year, method, population``, every horizon year) and the
    error table (method × horizon, MAPE in %, for the years the data hold)."""
    if base not in wide.columns:
        raise ValueError(f"base year {base} is not in the data ({years_of(wide)})")
    known = wide[[*[y for y in years_of(wide) if y <= base], "region_code"]]
    projections = {
        "constant": constant(known, base, horizon),
        "linear": linear(known, base, horizon, window),
        "socplan": damped_pooled(known, base, horizon, shrink, damping, window),
    }
    long = pd.concat(
        [
            p.rename_axis("orp")
            .reset_index()
            .melt(id_vars="orp", var_name="year", value_name="population")
            .assign(method=name)
            for name, p in projections.items()
        ],
        ignore_index=True,
    )[["orp", "year", "method", "population"]]
    errors = pd.DataFrame({name: mape(p, wide) for name, p in projections.items()}).T
    errors.columns = [f"h{y - base}" for y in errors.columns]
    if len(errors.columns):
        errors["mean"] = errors.mean(axis=1)
    return long.sort_values(["method", "orp", "year"]).reset_index(drop=True), errors
