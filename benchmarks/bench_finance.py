"""The finance computations at national scale: 7,000 synthetic services over three years,
benchmarking, reference values, the compensation check, the subsidy allocation and the
scoring with 10,000 random weight vectors.

    python benchmarks/bench_finance.py [SERVICES] [DRAWS]

The services come from the demo's synthetic country (analysis.demo.finance); the criterion
values need and availability are drawn at random (they come from the network and demand
chapters in a report). Prints the time of each step and the peak memory.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd

from analysis.demo.finance import national_services
from analysis.methods import compensation as comp
from analysis.methods import finance_benchmark as fb
from analysis.methods import network_scoring as ns
from analysis.methods import network_units as nu
from analysis.methods import reference_values as rv
from analysis.methods import subsidy as sb
from analysis.params import load_methodology
from analysis.resources import methodology_file

YEARS = [2022, 2023, 2024]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 7000
    draws = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    m = load_methodology(methodology_file()).finance
    rng = np.random.default_rng(1)
    times: dict[str, float] = {}

    t = time.perf_counter()
    nat = national_services(n, YEARS, rng)
    cols = ["service_id", "service_type_code", "form", "capacity_unit", "provider_ico",
            "capacity", "in_regional_network"]  # fmt: skip
    units = nat[cols].drop_duplicates("service_id")
    finance = nat.drop(columns=[*cols[1:], "region"])
    net = nu.network_units(units, list(m.network_units.value)).set_index("service_id")
    units = units.join(net, on="service_id")
    units["mixed_units"] = units.pop("mixed_network_units")
    times["synthetic data"] = time.perf_counter() - t

    t = time.perf_counter()
    public = list(m.public_revenues.value)
    ind = fb.indicators(
        finance, units, m.fte_per_capacity.value, public, m.max_revenue_to_cost.value
    )
    bench = fb.type_benchmark(ind, YEARS[-1], m.outlier_rule.value)
    times["benchmarking"] = time.perf_counter() - t

    t = time.perf_counter()
    usual = rv.usual_values(ind, m.reference_statistic.value, m.reference_trim.value)
    ref = rv.reference_values(usual, usual, m.reference_min_providers.value)
    times["reference values"] = time.perf_counter() - t

    t = time.perf_counter()
    checked = comp.compensation(
        ind,
        list(m.compensation_excluded_costs.value),
        public,
        m.reasonable_profit.value,
        m.carry_over_threshold.value,
        list(m.carry_over_sources.value),
    )
    times["compensation check"] = time.perf_counter() - t

    t = time.perf_counter()
    latest = ind[ind["year"] == YEARS[-1]]
    values = pd.DataFrame(
        {
            "service_id": units["service_id"].to_numpy(),
            "need": rng.normal(0, 0.3, n),
            "availability": rng.lognormal(0, 0.3, n),
            "cost": latest["cost_per_unit"].to_numpy() / latest["cost_per_unit"].median(),
            "staffing": latest["direct_share"].to_numpy(),
            "occupancy": (latest["occupancy"] / latest["min_occupancy"]).to_numpy(),
        }
    )
    sc = ns.score_services(values, m.criteria.value, m.bands.value, m.min_criteria.value)
    oat = ns.one_at_a_time(sc, m.bands.value, m.weight_change.value, m.min_criteria.value)
    probs, per_draw = ns.random_weights(
        sc, m.bands.value, draws, m.weight_concentration.value, m.weight_seed.value,
        m.min_criteria.value,
    )  # fmt: skip
    times[f"scoring, ±weights and {draws:,} random weight vectors"] = time.perf_counter() - t

    t = time.perf_counter()
    price = ref[ref["year"] == YEARS[-1]].set_index(fb.GROUP)["reference_cost"]
    lat = latest.set_index("service_id")
    scores = sc.table.set_index("service_id")["score"]
    priced = units.assign(units=units["service_id"].map(lat["network_capacity"]))
    optimal = sb.optimal_subsidy(
        priced, price, lat["revenue_users"], lat["revenue_health_insurance"],
        sb.score_adjustment(scores, m.score_adjustment.value),
    )  # fmt: skip
    allocation = 0.8 * optimal["optimal"].sum()
    real = sb.allocate(optimal, allocation, None)
    what_if = sb.what_if(optimal, allocation, None, list(m.what_if.value))
    times["subsidy allocation and what-if"] = time.perf_counter() - t

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n:,} services × {len(YEARS)} years ({len(ind):,} finance rows)".replace(",", " "))
    for step, seconds in times.items():
        print(f"  {step:<55} {seconds:7.2f} s")
    print(f"  {'total (without the synthetic data)':<55} "
          f"{sum(times.values()) - times['synthetic data']:7.2f} s")  # fmt: skip
    print(f"peak memory (RSS): {peak:.0f} MiB")
    print(
        f"check: {len(bench)} benchmark groups, {int((checked['to_return'] > 0).sum())} "
        f"returns, allocation {int(real['real'].sum())} of {round(allocation)}, "
        f"mean rank correlation {per_draw['rank_correlation'].mean():.3f}, "
        f"{len(oat)} one-at-a-time runs, {len(probs)} band probabilities, {len(what_if)} "
        "what-if rows"
    )


if __name__ == "__main__":
    main()
