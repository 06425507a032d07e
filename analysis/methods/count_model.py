"""Count models of service capacity or users per area (statsmodels GLM).

A Poisson GLM is fitted first; Cameron and Trivedi's auxiliary regression tests for
overdispersion (``Var = μ + α μ²``). When α is significantly positive, a negative
binomial GLM with that α replaces the Poisson model. The result carries the coefficient
table with confidence intervals, diagnostics, predictions with intervals for the mean
and for a new observation, and the areas furthest from the model's expectation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats


@dataclass
class CountModel:
    family: str  # "poisson" or "negative binomial"
    alpha: float  # NB2 dispersion (0 for Poisson)
    dispersion_pvalue: float
    result: object  # statsmodels GLMResults
    coefficients: pd.DataFrame
    fit_stats: dict[str, float]  # observations, alpha, dispersion_pvalue, …, aic
    predictions: pd.DataFrame


def dispersion_test(y: np.ndarray, mu: np.ndarray) -> tuple[float, float]:
    """Cameron–Trivedi test of ``Var(y) = μ + α μ²``: returns (α, one-sided p-value)."""
    aux = ((y - mu) ** 2 - y) / mu
    fit = sm.OLS(aux, mu).fit()
    alpha, t = float(fit.params[0]), float(fit.tvalues[0])
    return alpha, float(1 - stats.t.cdf(t, df=fit.df_resid))


def fit_count_model(
    data: pd.DataFrame,
    formula: str,
    exposure: str | None = None,
    level: float = 0.95,
    significance: float = 0.05,
    area: str | None = None,
) -> CountModel:
    """Fit a Poisson or, if overdispersed, a negative binomial GLM of a count.

    ``exposure`` names a column used as log offset (e.g. the reference population), so
    that coefficients act on the rate. ``area`` labels the rows in the predictions.
    """
    offset = np.log(data[exposure].to_numpy(float)) if exposure else None
    poisson = smf.glm(formula, data, family=sm.families.Poisson(), offset=offset).fit()
    y = poisson.model.endog
    alpha, p = dispersion_test(y, poisson.mu)
    if alpha > 0 and p < significance:
        family = "negative binomial"
        result = smf.glm(
            formula, data, family=sm.families.NegativeBinomial(alpha=alpha), offset=offset
        ).fit()
    else:
        family, alpha, result = "poisson", 0.0, poisson
    ci = result.conf_int(alpha=1 - level)
    coefficients = pd.DataFrame(
        {
            "term": result.params.index,
            "estimate": result.params.to_numpy(),
            "std_error": result.bse.to_numpy(),
            "ci_low": ci[0].to_numpy(),
            "ci_high": ci[1].to_numpy(),
            "rate_ratio": np.exp(result.params.to_numpy()),
            "p_value": result.pvalues.to_numpy(),
        }
    )
    fit_stats = {
        "observations": float(result.nobs),
        "alpha": alpha,
        "dispersion_pvalue": p,
        "pearson_chi2_per_df": result.pearson_chi2 / result.df_resid,
        "deviance_per_df": result.deviance / result.df_resid,
        "aic": result.aic,
    }
    predictions = predict_intervals(result, family, alpha, level)
    predictions.insert(0, "observed", y)
    if area:
        predictions.insert(0, area, data[area].to_numpy())
    return CountModel(family, alpha, p, result, coefficients, fit_stats, predictions)


def predict_intervals(result, family: str, alpha: float, level: float) -> pd.DataFrame:
    """Expected count with a confidence interval for the mean (delta method on the log
    link) and a prediction interval for a new count (quantiles of the fitted
    Poisson or negative binomial at the interval's ends)."""
    x = result.model.exog
    offset = getattr(result.model, "offset", None)
    eta = x @ result.params.to_numpy() + (0 if offset is None else offset)
    se = np.sqrt(np.einsum("ij,jk,ik->i", x, result.cov_params().to_numpy(), x))
    z = stats.norm.ppf(1 - (1 - level) / 2)
    mean, lo, hi = np.exp(eta), np.exp(eta - z * se), np.exp(eta + z * se)
    q_lo, q_hi = (1 - level) / 2, 1 - (1 - level) / 2
    if family == "poisson":
        pred_lo, pred_hi = stats.poisson.ppf(q_lo, lo), stats.poisson.ppf(q_hi, hi)
    else:
        n = 1 / alpha
        pred_lo = stats.nbinom.ppf(q_lo, n, n / (n + lo))
        pred_hi = stats.nbinom.ppf(q_hi, n, n / (n + hi))
    return pd.DataFrame(
        {
            "expected": mean,
            "mean_low": lo,
            "mean_high": hi,
            "prediction_low": pred_lo,
            "prediction_high": pred_hi,
        }
    )


def outliers(model: CountModel, n: int = 10) -> pd.DataFrame:
    """Areas outside their prediction interval, furthest first (Pearson residual)."""
    p = model.predictions.copy()
    p["pearson_residual"] = model.result.resid_pearson
    outside = p[(p["observed"] < p["prediction_low"]) | (p["observed"] > p["prediction_high"])]
    return outside.reindex(
        outside["pearson_residual"].abs().sort_values(ascending=False).index
    ).head(n)
