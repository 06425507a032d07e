"""Back-test of ORP population projections against later observed years.

Only data up to the base year are used to project; later years present in the data are
used for scoring. Methods:

- ``constant``: the base-year population stays;
- ``linear``: an ordinary least-squares line through the last five years up to the base;
- ``socplan``: a damped, pooled growth trend. Each ORP's annual log-growth (least-squares
  slope of log population over the last five years) is shrunk towards its region's
  (weight ``w``) and damped by ``φ`` per year ahead:
  ``log P(b+h) = log P(b) + g · (φ + φ² + … + φ^h)``. ``w`` and ``φ`` are
  methodology parameters (``projection.trend_shrink``, ``projection.trend_damping``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.readers.territory import read_cr_municipalities, read_population_series

WINDOW = 5


def orp_series(data_dir: Path | str) -> tuple[pd.DataFrame, dict]:
    """ORP totals per year (wide: ORP × year) from the municipal series, with the ORP's
    region, using the ČSÚ crosswalk; municipalities the crosswalk does not know are
    dropped and counted."""
    data_dir = Path(data_dir)
    cr = read_cr_municipalities(data_dir / "uzemni-cleneni-obce-orp" / "CR.csv")
    series = read_population_series(data_dir / "obyvatelstvo-obce-2010-2018")
    orp_of = cr.set_index("municipality_code")["orp_code"]
    series["orp_code"] = series["municipality_code"].map(orp_of)
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


def _years(wide: pd.DataFrame) -> list[int]:
    return sorted(c for c in wide.columns if isinstance(c, int | np.integer))


def constant(wide: pd.DataFrame, base: int, horizon: int) -> pd.DataFrame:
    return pd.DataFrame({base + h: wide[base] for h in range(1, horizon + 1)})


def linear(wide: pd.DataFrame, base: int, horizon: int) -> pd.DataFrame:
    years = [y for y in _years(wide) if base - WINDOW < y <= base]
    x = np.array(years, float)
    y = wide[years].to_numpy(float)
    xc = x - x.mean()
    slope = (y - y.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)
    intercept = y.mean(axis=1) - slope * x.mean()
    return pd.DataFrame(
        {base + h: intercept + slope * (base + h) for h in range(1, horizon + 1)}, index=wide.index
    )


def _log_slopes(values: np.ndarray, years: list[int]) -> np.ndarray:
    """Least-squares slope of log population on year, per row."""
    x = np.asarray(years, float) - np.mean(years)
    logs = np.log(values)
    return (logs - logs.mean(axis=1, keepdims=True)) @ x / (x @ x)


def _growth(wide: pd.DataFrame, base: int, window: int = WINDOW) -> tuple[pd.Series, pd.Series]:
    """Annual log-growth of each ORP and of its region over the last years up to base."""
    years = [y for y in _years(wide) if base - window < y <= base]
    orp = pd.Series(_log_slopes(wide[years].to_numpy(float), years), index=wide.index)
    totals = wide[years].groupby(wide["region_code"]).sum()
    reg = pd.Series(_log_slopes(totals.to_numpy(float), years), index=totals.index)
    return orp, wide["region_code"].map(reg)


def damped_pooled(
    wide: pd.DataFrame,
    base: int,
    horizon: int,
    shrink: float,
    damping: float,
    window: int = WINDOW,
) -> pd.DataFrame:
    orp, region = _growth(wide, base, window)
    g = shrink * orp + (1 - shrink) * region
    log_base = np.log(wide[base].astype(float))
    return pd.DataFrame(
        {
            base + h: np.exp(log_base + g * sum(damping**k for k in range(1, h + 1)))
            for h in range(1, horizon + 1)
        }
    )


def mape(projected: pd.DataFrame, wide: pd.DataFrame) -> pd.Series:
    """Mean absolute percentage error over ORPs, per projected year present in the data."""
    years = [y for y in projected.columns if y in wide.columns]
    actual = wide[years].astype(float)
    return (100 * (projected[years] - actual).abs() / actual).mean()


def run_backtest(
    wide: pd.DataFrame, base: int, horizon: int, shrink: float, damping: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Project from ``base`` with every method, using only years up to ``base``; return
    the projections (long: ``orp, year, method, population``, every horizon year) and the
    error table (method × horizon, MAPE in %, for the years the data hold)."""
    if base not in wide.columns:
        raise ValueError(f"base year {base} is not in the data ({_years(wide)})")
    known = wide[[*[y for y in _years(wide) if y <= base], "region_code"]]
    projections = {
        "constant": constant(known, base, horizon),
        "linear": linear(known, base, horizon),
        "socplan": damped_pooled(known, base, horizon, shrink, damping),
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
