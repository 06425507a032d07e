"""Rates of need of the planning target groups and the seniors' degrees of dependency.

For real regions the seniors' and disabled adults' rates are care-allowance recipients
over the population. Recipients by region exist for 2018 (MPSV); Czechia's recipients by
age exist for a newer December (ČSÚ SZB09B). The region's recipients of the newer year
are estimated as its 2018 count × Czechia's growth in the same age band (the region's
share of the country's recipients is kept), and the denominators are the region's
population on 31 Dec of that year (ČSÚ OBY02DT01). Without the newer data the 2018
counts and the municipal population are used, as before.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.dataset import Dataset
from analysis.methods.demography import (
    age_range_label,
    population_years,
    totals_or_nan,
)
from analysis.methods.latest_bands import region_band
from analysis.params import Methodology

# (column of the 2018 regional table, band of the recipients, band of the reference
# population). Recipients are published for 18–64 and 65+; the projection's working-age
# band is 15–64, so the adults' rate is recipients 18–64 per person 15–64: its product
# with the projected 15–64 gives the recipients 18–64 in the base year.
CARE_SENIORS = ("vek_65_plus", (65, None), (65, None))
CARE_ADULTS = ("vek_18_64", (18, 64), (15, 64))
DEGREES = ["I", "II", "III", "IV"]
DEGREE_LABELS = ["I (lehká)", "II (středně těžká)", "III (těžká)", "IV (úplná)"]


def national_recipients(care_ages: pd.DataFrame, band: tuple[int, int | None]) -> float:
    """Czechia's recipients (all degrees) whose age band lies inside ``band``."""
    lo, hi = band
    rows = care_ages[care_ages["degree"] == "Celkem"]
    upper = rows["age_to"].astype("float").fillna(float("inf"))
    inside = (rows["age_from"] >= lo) & (upper <= (float("inf") if hi is None else hi))
    return float(rows.loc[inside, "recipients"].sum())


def regional_recipients(ds: Dataset) -> dict[str, tuple[float, float, str]] | None:
    """Per group (``seniori``, ``ozp``): recipients, reference population and the source
    text; None when the region's care-allowance counts are not in the data."""
    care = ds.care_allowance
    if care is None or ds.region_code not in set(care["region_code"]):
        return None
    c = care.set_index("region_code").loc[ds.region_code]
    latest = ds.latest
    newer = latest is not None and latest.care_ages is not None
    out = {}
    for group, (column, band, ref) in (("seniori", CARE_SENIORS), ("ozp", CARE_ADULTS)):
        recipients = float(c[column])
        label = f"příjemci PnP {age_range_label(band)} v kraji (MPSV 2018)"
        pop = None
        if newer:
            year = int(latest.care_ages["year"].max())
            growth = national_recipients(latest.care_ages, band) / float(care[column].sum())
            recipients *= growth
            pop = region_band(latest.ages, ds.region_code, ref)
            label = (
                f"příjemci PnP {age_range_label(band)} v kraji {year}, odhad: kraj 2018 (MPSV) × "
                f"růst v Česku 2018–{year} (ČSÚ); obyvatelé {age_range_label(ref)} k 31. 12. "
                f"{latest.reference_year} (ČSÚ)"
            )
        if pop is None:
            last = population_years(ds.population)[-1]
            pop = totals_or_nan(ds.population, ds.municipalities, "kraj", last, *ref).sum()
            label += f" / obyvatelé {age_range_label(ref)} k 1. 1. {last}"
        if pop and pop > 0:
            out[group] = (recipients, float(pop), label)
    return out


def need_rates(ds: Dataset, methodology: Methodology) -> pd.DataFrame:
    """Central rate, uncertainty and source per target group; for real regions the
    seniors' and disabled adults' rates come from care-allowance recipients."""
    rates = methodology.demand.need_rates.value
    rows = {
        g: {
            "ages": r.ages,
            "rate": r.rate,
            "uncertainty": r.uncertainty,
            "source": "parametr metodiky",
        }
        for g, r in rates.items()
    }
    for group, (recipients, pop, label) in (regional_recipients(ds) or {}).items():
        rows[group].update(rate=recipients / pop, source=label)
    out = pd.DataFrame(rows).T.rename_axis("group").reset_index()
    out["reference_ages"] = out["ages"].map(age_range_label)
    return out.drop(columns="ages")


def senior_degree_shares(ds: Dataset) -> tuple[pd.Series, str] | None:
    """Shares of the degrees I–IV among senior recipients and what they are: Czechia's
    recipients 65+ of the newest December where present, else the region's recipients
    of all ages in 2018; None without either."""
    latest = ds.latest
    if latest is not None and latest.care_ages is not None:
        ca = latest.care_ages
        senior = ca[(ca["age_from"] >= 65) & ca["degree"].isin(DEGREES)]
        counts = senior.groupby("degree")["recipients"].sum().reindex(DEGREES)
        year = int(ca["year"].max())
        return counts / counts.sum(), f"podíly stupňů u příjemců 65+ v Česku, prosinec {year}"
    care = ds.care_allowance
    if care is None or ds.region_code not in set(care["region_code"]):
        return None
    cols = [f"stupen_{d}" for d in DEGREES]
    counts = care.set_index("region_code").loc[ds.region_code, cols].astype(float)
    counts.index = DEGREES
    return counts / counts.sum(), "podíly stupňů u příjemců všech věků v kraji (MPSV 2018)"


def need_by_degree(need_region: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Seniors in need split by degree of dependency (I–IV) by
    :func:`senior_degree_shares`; empty when no recipients by degree are in the data."""
    found = senior_degree_shares(ds)
    if found is None:
        return pd.DataFrame()
    shares = found[0].to_numpy(float)
    seniors = need_region[
        (need_region["group"] == "seniori") & (need_region["variant"] == "middle")
    ].iloc[0]
    return pd.DataFrame(
        {
            "degree": DEGREE_LABELS,
            "share": 100 * shares,
            "low": seniors["low"] * shares,
            "median": seniors["median"] * shares,
            "high": seniors["high"] * shares,
        }
    )
