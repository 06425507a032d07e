"""The damped pooled trend of ORP population totals (the production projection of totals
where only totals exist).

Each ORP's annual log-growth (least-squares slope of log population over the last
``window`` years up to the base) is shrunk towards its region's (weight ``shrink``) and
damped by ``damping`` per year ahead: ``log P(b+h) = log P(b) + g · (φ + φ² + … + φ^h)``.
``shrink``, ``damping`` and ``window`` are methodology parameters
(``projection.trend_shrink``, ``projection.trend_damping``, ``demand.trend_window``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def years_of(wide: pd.DataFrame) -> list[int]:
    """The year columns of a wide ORP × year table, in order."""
    return sorted(c for c in wide.columns if isinstance(c, int | np.integer))


def _log_slopes(values: np.ndarray, years: list[int]) -> np.ndarray:
    """Least-squares slope of log population on year, per row."""
    x = np.asarray(years, float) - np.mean(years)
    logs = np.log(values)
    return (logs - logs.mean(axis=1, keepdims=True)) @ x / (x @ x)


def _growth(wide: pd.DataFrame, base: int, window: int) -> tuple[pd.Series, pd.Series]:
    """Annual log-growth of each ORP and of its region over the last years up to base."""
    years = [y for y in years_of(wide) if base - window < y <= base]
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
    window: int,
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
