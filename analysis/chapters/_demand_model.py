"""The demand chapter's count model in tables and words: coefficients, diagnostics, the
region's ORPs against a national model, and the sentence on what is significant."""

from __future__ import annotations

import pandas as pd

from analysis.methods.count_model import CountModel
from analysis.present import formatting as f
from analysis.present.labels import MODEL_TERMS


def coefficient_table(coefficients: pd.DataFrame) -> pd.DataFrame:
    """Coefficients with three significant digits and p-values as reported in papers
    (``< 0,001`` below a thousandth), as text so that small values never print as 0."""
    out = coefficients.copy()
    # The intercept's exponent is a base rate, not a ratio of rates.
    out["rate_ratio"] = out["rate_ratio"].where(out["term"] != "Intercept")
    for col in ("estimate", "std_error", "ci_low", "ci_high", "rate_ratio"):
        out[col] = out[col].map(f.significant)
    out["p_value"] = out["p_value"].map(f.p_value)
    return out


def explains_nothing(coefficients: pd.DataFrame, level: float) -> bool:
    """Whether no covariate of a model is significant at its level."""
    terms = coefficients[coefficients["term"] != "Intercept"]
    return bool(len(terms)) and bool((terms["p_value"] > 1 - level).all())


def significance_text(coefficients: pd.DataFrame, level: float) -> str:
    """Whether the covariates explain anything: a sentence naming the covariates that are
    not significant at the model's level (their intervals contain zero)."""
    terms = coefficients[coefficients["term"] != "Intercept"]
    weak = terms[terms["p_value"] > 1 - level]
    if weak.empty:
        return ""
    names = ", ".join(MODEL_TERMS.get(t, t).split(" (")[0] for t in weak["term"])
    p_values = ", ".join(f.p_value(v) for v in weak["p_value"])
    return (
        f"Vysvětlující proměnná ({names}) není statisticky významná (p = {p_values}): model "
        "rozdíly mezi oblastmi nevysvětluje a jeho očekávání je blízké průměru; odchylky "
        "oblastí od něj je třeba číst jako rozdíly od průměru, ne od potřeby."
    )


def region_fit(model: CountModel, data: pd.DataFrame, names: pd.Series, n: int) -> pd.DataFrame:
    """The region's ORPs in a national model: observed, expected and the prediction
    interval, those outside it first (by Pearson residual)."""
    p = model.predictions.copy()
    p["pearson_residual"] = model.result.resid_pearson
    p = p[data["in_region"].to_numpy()]
    p["outside"] = (p["observed"] < p["prediction_low"]) | (p["observed"] > p["prediction_high"])
    p = p.reindex(p["pearson_residual"].abs().sort_values(ascending=False).index)
    p = p.sort_values("outside", ascending=False, kind="stable").head(n)
    p.insert(1, "orp_name", p["area"].map(names))
    p["outside"] = p["outside"].map({True: "mimo interval", False: "v intervalu"})
    return p.drop(columns=["mean_low", "mean_high"]).reset_index(drop=True)


def model_diagnostics(model: CountModel) -> pd.DataFrame:
    """The count model's fit statistics as a Czech table (formatted values)."""
    s = model.fit_stats
    family = {"poisson": "Poissonův", "negative binomial": "negativně binomický"}[model.family]
    return pd.DataFrame(
        [
            ("model (rozdělení)", family),
            ("počet pozorování", f.number(s["observations"])),
            ("nadměrný rozptyl alfa (Cameron–Trivedi)", f.number(s["alpha"], 4)),
            ("p-hodnota testu nadměrného rozptylu", f.p_value(s["dispersion_pvalue"])),
            ("Pearsonovo chí² / stupně volnosti", f.number(s["pearson_chi2_per_df"], 3)),
            ("deviance / stupně volnosti", f.number(s["deviance_per_df"], 3)),
            ("AIC", f.number(s["aic"], 1)),
        ],
        columns=["diagnostic", "value"],
    )
