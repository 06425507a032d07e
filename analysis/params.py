"""Parameter files: the run file (region, year, data, chapters) and the methodology.

Both are YAML and are validated with pydantic before any notebook kernel starts. Unknown
keys, wrong types and missing files are errors that name the key and the file; the
pipeline never relies on papermill's own warning about unknown notebook parameters.

A run file looks like ``params/demo.yaml``; every methodological number lives in
``params/methodology.yaml`` as ``{value, unit, source}`` so that the methodology report
can cite it.

Long module (over 600 lines) on purpose: it is the one schema of the parameter files, a
model per methodology section beside the run file's; validation, the appendix, the build
cache and the review tools read it as one, and each section's model is short.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

import pandas as pd
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationError,
    model_validator,
)

from analysis.catalogue import load_catalogue
from analysis.chapter_registry import CHAPTER_NAMES
from analysis.codelists import PLANNING_QUALITY_AREAS
from analysis.errors import ParameterError

# Canonical file names inside a data folder (see docs/data-model.md).
DEFAULT_FILES: dict[str, str] = {
    "municipalities": "territory_municipalities.csv",
    "orp_polygons": "territory_orp.geojson",
    "population": "population.csv",
    "services": "services.csv",
    "finance": "finance.csv",
    "plan_priorities": "plan_priorities.csv",
    "plan_measures": "plan_measures.csv",
    "plan_indicators": "plan_indicators.csv",
    "plan_indicator_values": "plan_indicator_values.csv",
    "action_plan": "action_plan.csv",
    "finance_national": "finance_national.csv",
    "subsidy_requests": "subsidy_requests.csv",
    "transformation_plans": "transformation_plans.csv",
    "services_previous": "services_previous.csv",
    "service_details": "service_details.csv",
    "network": "network.csv",
    "municipal_pledges": "municipal_pledges.csv",
}
# Tables a data folder may leave out: the content is then absent (chapters say so), and
# their citation is needed only when the file is there.
OPTIONAL_TABLES: frozenset[str] = frozenset(
    {
        "finance_national",
        "subsidy_requests",
        "transformation_plans",
        "services_previous",
        "service_details",
        "network",
        "municipal_pledges",
    }
)


class _Strict(BaseModel):
    # No NaN or infinity anywhere in a parameter, nested values included.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


T = TypeVar("T")


class Sensitivity(_Strict):
    """How the review pack's sensitivity analysis varies one parameter.

    A number is varied by ``review.sensitivity_change`` up and down unless ``low`` and
    ``high`` give its range; a table is varied only when ``fields`` names the numbers in
    it to scale (``"*"``: every value of a flat mapping); ``vary: false`` keeps the
    parameter fixed (a seed, a count of simulations).
    """

    low: StrictFloat | StrictInt | None = None
    high: StrictFloat | StrictInt | None = None
    fields: list[str] | None = None
    vary: bool = True
    # Where declared low and high values come from (required with them).
    source: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _range_has_source(self) -> Sensitivity:
        if (self.low is not None or self.high is not None) and self.source is None:
            raise ValueError("a declared low/high range needs its source")
        return self


class Quantity(_Strict, Generic[T]):
    """A methodological number with its unit and its source.

    ``kind`` says how the value is written in reports: a quantity with Czech number
    format, or a year, an identifier (a seed) or a code, written as is.
    """

    value: T
    unit: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]
    kind: Literal["quantity", "year", "identifier", "code"] = "quantity"
    sensitivity: Sensitivity | None = None


Int = Quantity[StrictInt]
# A float parameter also accepts a YAML integer (``1000``), but never a string, NaN or
# an infinity.
Num = Quantity[Annotated[StrictFloat, Field(allow_inf_nan=False)] | StrictInt]


def _int(ge: int | None = None, le: int | None = None) -> Any:
    """A whole-number parameter allowed in [ge, le]."""
    return Quantity[Annotated[StrictInt, Field(ge=ge, le=le)]]


def _num(
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
) -> Any:
    """A number parameter allowed in the given bounds (never NaN or infinite)."""

    def check(v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        for ok, text in (
            (ge is None or v >= ge, f"at least {ge}"),
            (gt is None or v > gt, f"greater than {gt}"),
            (le is None or v <= le, f"at most {le}"),
            (lt is None or v < lt, f"less than {lt}"),
        ):
            if not ok:
                raise ValueError(f"must be {text}")
        return v

    return Quantity[Annotated[StrictFloat | StrictInt, AfterValidator(check)]]


# Meaningful ranges of the methodology's kinds of number (checked when a file is read).
Age = _int(0, 110)  # completed years of age
Years = _int(1, 100)  # a length of time in years
Year = _int(1900, 2200)  # a calendar year
Count = _int(1)  # how many: draws, rows, areas, providers, a denominator
Code = _int(0)  # a code or a seed
Share = _num(ge=0, le=1)  # a part of a whole
Probability = _num(gt=0, lt=1)  # an interval's probability: strictly between 0 and 1
Positive = _num(gt=0)  # a ratio or size that must be above zero


class AgeParams(_Strict):
    children_max_age: Age
    seniors_min_age: Age
    oldest_old_min_age: Age
    pyramid_band_width: _int(1, 20)

    @model_validator(mode="after")
    def _ordered(self) -> AgeParams:
        if not (
            self.children_max_age.value < self.seniors_min_age.value
            and self.seniors_min_age.value < self.oldest_old_min_age.value
        ):
            raise ValueError(
                "ages must be ordered: children_max_age < seniors_min_age < oldest_old_min_age"
            )
        return self


class TypeRule(_Strict):
    """Coverage and accessibility rule of one service type."""

    # Reference population: age ranges [from, to] (to = null: no upper limit), in order of
    # preference; the first one the population data can give is used.
    ages: list[tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)] | None]]
    threshold_km: Annotated[float, Field(gt=0)]  # "within reach" for white spots
    catchment_km: Annotated[float, Field(gt=0)]  # catchment of 2SFCA / E2SFCA
    # Where the need for the type is planned: "local" (reach within the ORP, by distance),
    # "district", "region", or "remote" (delivered at a distance: no reach, no white spot).
    planning_level: Literal["local", "district", "region", "remote"]


class ComplementaryRule(_Strict):
    name: str
    if_any: list[int]
    require_any: list[int]


TypeRules = Quantity[dict[int, TypeRule]]


# [(upper bound as a share of the catchment, weight)]
Zones = Quantity[list[tuple[Annotated[float, Field(gt=0, le=1)], Annotated[float, Field(ge=0)]]]]


Rules = Quantity[list[ComplementaryRule]]


CodeList = Quantity[list[int]]


class NetworkParams(_Strict):
    per_population: Count
    detour_factor: _num(ge=1, le=5)
    e2sfca_zones: Zones
    partial_coverage_share: Share
    service_types: TypeRules
    complementary_rules: Rules
    map_types: CodeList
    senior_residential_types: CodeList
    facility_rate_per: Count


# A projection assumption in three variants.
Variants = Quantity[dict[Literal["low", "middle", "high"], StrictFloat | StrictInt]]


class GompertzSex(_Strict):
    a: StrictFloat
    b: StrictFloat
    c: StrictFloat


Gompertz = Quantity[dict[Literal["M", "F"], GompertzSex]]


class ProjectionParams(_Strict):
    mortality_gompertz: Gompertz
    fertility_mean_age: _num(ge=12, le=55)
    fertility_sd: _num(gt=0, le=20)
    total_fertility: Variants
    net_migration: Variants
    mortality_improvement: Variants
    sex_ratio_at_birth: _num(ge=0.8, le=1.3)
    infant_separation: Share
    migration_profile_period: Quantity[str]
    trend_shrink: Share
    trend_damping: Share
    backtest_window: _int(2, 50)
    one_off_migration_years: Quantity[list[StrictInt]]


class NeedRate(_Strict):
    ages: tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)] | None]
    rate: Annotated[float, Field(ge=0, le=1)]
    uncertainty: Annotated[float, Field(ge=0)]  # relative, lognormal


CapacityUnit = Literal["luzka", "klient", "interv", "kontakt", "hovor"]


class ServiceMix(_Strict):
    group: Literal["deti_rodiny", "seniori", "ozp", "ohrozeni"]
    service_type: int
    unit: CapacityUnit
    per_person: Annotated[float, Field(ge=0)]


NeedRates = Quantity[dict[Literal["deti_rodiny", "seniori", "ozp", "ohrozeni"], NeedRate]]


Mix = Quantity[list[ServiceMix]]


class DemandParams(_Strict):
    need_rates: NeedRates
    service_mix: Mix
    draws: Count
    seed: Code
    interval_level: Probability
    plan_horizon: Years
    long_horizon_to: Year
    trend_window: _int(2, 50)
    projection_milestones: Quantity[list[StrictInt]]
    gap_map_type: Code
    model_min_areas: Count
    model_level: Probability
    model_outliers_shown: Count

    @model_validator(mode="after")
    def _every_group_has_a_rate(self) -> DemandParams:
        missing = {"deti_rodiny", "seniori", "ozp", "ohrozeni"} - set(self.need_rates.value)
        if missing:
            raise ValueError(f"need_rates: no rate for {', '.join(sorted(missing))}")
        return self


class OutlierRule(_Strict):
    method: Literal["iqr", "band"]
    k: Annotated[float, Field(gt=0)]
    min_services: Annotated[int, Field(ge=2)]


class _RegionYearAmount(_Strict):
    """An amount in CZK that one region has for one year, with its source."""

    region: Annotated[str, Field(pattern=r"^CZ[0-9A-Z]{3}$")]
    year: Annotated[int, Field(ge=2000, le=2100)]
    czk: Annotated[float, Field(ge=0)]
    source: Annotated[str, Field(min_length=1)]


AmountT = TypeVar("AmountT", bound=_RegionYearAmount)


def for_region_year(items: list[AmountT], region: str, year: int) -> AmountT | None:
    """The item of a region and year, if the list holds one."""
    return next((a for a in items if a.region == region and a.year == year), None)


class Allocation(_RegionYearAmount):
    """The state subsidy a region receives for a year; it must be positive."""

    czk: Annotated[float, Field(gt=0)]


class CofinancingRule(_Strict):
    form: Literal["pob", "amb", "ter"]
    share: Annotated[float, Field(ge=0, le=1)]
    types: list[int] | None = None  # None: every type of the form


class Criterion(_Strict):
    weight: Annotated[float, Field(ge=0)]
    breakpoints: Annotated[list[float], Field(min_length=1)]
    higher_is_better: bool
    # Where the weight and the breakpoints (the normatives) come from, or that they are
    # the region's own choice.
    source: Annotated[str, Field(min_length=1)]


class Band(_Strict):
    band: Literal["no_signal", "review"]
    min_score: Annotated[float, Field(ge=0, le=100)]


CostColumn = Literal["cost_depreciation", "cost_health_care", "cost_outside_basic"]
RevenueColumn = Literal[
    "revenue_users",
    "revenue_health_insurance",
    "revenue_outside_basic",
    "revenue_other",
    "revenue_state_subsidy",
    "revenue_region",
    "revenue_municipalities",
    "revenue_eu",
    "revenue_labour_office",
    "revenue_other_public",
]
CriterionName = Literal["need", "availability", "cost", "staffing", "occupancy"]
NetworkUnit = Literal["luzka", "fte_direct"]


class ExcludedCost(_Strict):
    """A part of the costs the compensation check leaves out, with the revenue that pays
    for it: both go out together (a cost removed while its revenue stays would
    manufacture overcompensation)."""

    cost: CostColumn
    revenue: RevenueColumn


class SubsidyIneligibleItem(_Strict):
    """One item of the costs the § 101a state subsidy may not pay; ``column`` names the
    finance.csv cost part that reports it, where one does."""

    item: Annotated[str, Field(min_length=1)]
    column: CostColumn | None = None


class ReasonableProfit(_Strict):
    """Reasonable profit in the metric of the entrustment act (Decision 2012/21/EU art.
    5(5)–(8)): none, a return on capital employed, or a return on sales where the act
    states it."""

    metric: Literal["none", "return_on_capital", "return_on_sales"]
    rate: Annotated[float, Field(ge=0, le=1)]


class NetworkUnitRule(_Strict):
    """The unit in which the network counts a form (and optionally only some types) of
    service: beds with a minimum occupancy, or FTE of direct-care staff."""

    form: Literal["pob", "amb", "ter"]
    unit: NetworkUnit
    types: list[int] | None = None  # None: every type of the form
    min_occupancy: Annotated[float, Field(gt=0, le=1)] | None = None

    @model_validator(mode="after")
    def _occupancy_only_for_beds(self) -> NetworkUnitRule:
        if (self.unit == "luzka") != (self.min_occupancy is not None):
            raise ValueError("min_occupancy is required for beds (luzka) and only for them")
        return self


class FinanceParams(_Strict):
    fte_per_capacity: Count
    direct_care_norm: Share
    outlier_rule: Quantity[OutlierRule]
    max_revenue_to_cost: Positive
    reference_statistic: Quantity[Literal["median", "mean", "trimmed_mean"]]
    reference_trim: _num(ge=0, lt=0.5)
    reference_min_providers: Count
    network_units: Quantity[list[NetworkUnitRule]]
    compensation_excluded_costs: Quantity[list[ExcludedCost]]
    subsidy_ineligible_costs: Quantity[list[SubsidyIneligibleItem]]
    public_revenues: Quantity[list[RevenueColumn]]
    reasonable_profit: Quantity[ReasonableProfit]
    carry_over_threshold: Share
    carry_over_sources: Quantity[list[RevenueColumn]]
    score_adjustment: Share
    price_level_factor: Positive
    price_index: _num(ge=-0.5, le=1)
    allocations: Quantity[list[Allocation]]
    what_if: Quantity[list[StrictFloat | StrictInt]]
    cofinancing: Quantity[list[CofinancingRule]]
    criteria: Quantity[dict[CriterionName, Criterion]]
    min_criteria: Count
    bands: Quantity[list[Band]]
    weight_change: Share
    normative_change: Share
    weight_draws: Count
    weight_concentration: Positive
    band_certainty: Probability
    weight_seed: Code

    @model_validator(mode="after")
    def _money_rules_consistent(self) -> FinanceParams:
        public = set(self.public_revenues.value)
        for e in self.compensation_excluded_costs.value:
            if e.revenue in public:
                raise ValueError(
                    f"compensation_excluded_costs: {e.revenue} is public money; the revenue "
                    "that goes out with a cost must be the provider's own"
                )
        not_public = set(self.carry_over_sources.value) - public
        if not_public:
            raise ValueError(
                "carry_over_sources: not public money: " + ", ".join(sorted(not_public))
            )
        if "revenue_state_subsidy" in self.carry_over_sources.value:
            raise ValueError(
                "carry_over_sources: the § 101a state subsidy covers its own year only and "
                "is never carried over"
            )
        return self

    def allocation(self, region: str, year: int) -> Allocation | None:
        """The region's allocation for the year, if the parameters hold one."""
        return for_region_year(self.allocations.value, region, year)


class Budget(_RegionYearAmount):
    """A region's yearly budget for development intentions (may be zero)."""


class MtsLimit(_Strict):
    types: Annotated[list[int], Field(min_length=1)]
    max_places: Annotated[int, Field(gt=0)]
    standard: Annotated[str, Field(min_length=1)]


class QualityScores(_Strict):
    met: Annotated[float, Field(ge=0, le=1)]
    partly: Annotated[float, Field(ge=0, le=1)]
    not_met: Annotated[float, Field(ge=0, le=1)]


class PlanParams(_Strict):
    registry_tolerance: Share
    on_track_tolerance: Share
    trend_min_points: _int(2)
    trend_horizon: Years
    development_budgets: Quantity[list[Budget]]
    budget_step: Positive
    size_bands: Quantity[list[StrictInt]]
    large_facility: Count
    residential_types: CodeList
    transformation_focus_type: Code
    mts_limits: Quantity[list[MtsLimit]]
    new_residential_max_places: Count
    fund_large_new_residential: Quantity[bool]
    operating_years: Years
    quality_scores: Quantity[QualityScores]

    def budget(self, region: str, year: int) -> Budget | None:
        """The region's development budget for the year, if the parameters hold one."""
        return for_region_year(self.development_budgets.value, region, year)


class DisclosureParams(_Strict):
    min_count: Count
    rounding_base: Count


class PlausibilityParams(_Strict):
    """Limits of the plausibility rules for input data (:mod:`analysis.data.plausibility`)."""

    max_capacity: Quantity[
        dict[CapacityUnit, Annotated[StrictFloat | StrictInt, Field(gt=0, allow_inf_nan=False)]]
    ]
    territory_margin_km: _num(ge=0, le=50)
    # Warnings of `socplan intake` (they do not block; analysis.intake.load).
    unit_cost_ratio: _num(gt=1)
    staff_per_capacity: _num(gt=0)
    revenue_surplus: _num(ge=0, lt=1)

    @model_validator(mode="after")
    def _every_unit_has_a_limit(self) -> PlausibilityParams:
        missing = set(CapacityUnit.__args__) - set(self.max_capacity.value)
        if missing:
            raise ValueError(f"max_capacity: no limit for {', '.join(sorted(missing))}")
        return self


class ReviewParams(_Strict):
    sensitivity_change: _num(gt=0, lt=1)
    materiality: Share


class ReportParams(_Strict):
    figure_dpi: _int(50, 1200)
    table_max_rows: Count
    gap_table_rows: Count
    municipality_table_rows: Count


class FrameworkScenario(_Strict):
    """One scenario of the plan's financial framework: the state allocation's yearly
    growth and, where set, a wage growth instead of the default and the number of plan
    years with EU money (none after)."""

    name: Annotated[str, Field(min_length=1)]
    allocation_growth: Annotated[float, Field(ge=-0.5, le=1)]
    wage_growth: Annotated[float, Field(ge=-0.5, le=1)] | None = None
    eu_years: Annotated[int, Field(ge=0, le=30)] | None = None


class ModelService(_Strict):
    """A model service of the compensation calculator: its type and number of network
    units (beds, or FTE in direct care)."""

    service_type: Annotated[int, Field(ge=1)]
    units: Annotated[float, Field(gt=0)]


Degrees = dict[Literal["I", "II", "III", "IV"], Annotated[float, Field(ge=0)]]


class PlanFinanceParams(_Strict):
    """The plan's money over the years: indexation, scenarios and the normatives of the
    ex-ante compensation calculator (``plan_finance`` in the methodology)."""

    wage_growth: _num(ge=-0.5, le=1)
    price_growth: _num(ge=-0.5, le=1)
    own_revenue_growth: _num(ge=-0.5, le=1)
    scenarios: Quantity[Annotated[list[FrameworkScenario], Field(min_length=1)]]
    accommodation_max_per_day: Positive
    food_max_per_day: Positive
    care_hour_max: Positive
    chargeable_hours_per_fte: Positive
    care_allowance_monthly: Quantity[Degrees]
    residential_degree_mix: Quantity[Degrees]
    health_insurance_per_bed_day: _num(ge=0)
    occupancy: Share
    entrustment_years: Years
    model_care_home: Quantity[ModelService]
    model_home_care: Quantity[ModelService]
    municipal_split: Quantity[Literal["population", "none"]]

    @model_validator(mode="after")
    def _mix_is_a_distribution(self) -> PlanFinanceParams:
        total = sum(self.residential_degree_mix.value.values())
        if abs(total - 1) > 1e-9:
            raise ValueError(f"residential_degree_mix: shares must add up to 1 (found {total})")
        return self


class Methodology(_Strict):
    """All methodological numbers (``params/methodology.yaml``)."""

    ages: AgeParams
    network: NetworkParams
    projection: ProjectionParams
    demand: DemandParams
    finance: FinanceParams
    plan_finance: PlanFinanceParams
    plan: PlanParams
    disclosure: DisclosureParams
    plausibility: PlausibilityParams
    review: ReviewParams
    report: ReportParams

    def values(self) -> dict[str, Any]:
        """Flat ``{'ages.seniors_min_age': 65, ...}`` view for manifests and tables."""
        out: dict[str, Any] = {}
        for section, model in self:
            for key, q in model:
                value = q.value
                if isinstance(value, dict | list | BaseModel):
                    value = json.loads(q.model_dump_json())["value"]
                out[f"{section}.{key}"] = value
        return out

    def frame(self) -> pd.DataFrame:
        """One row per parameter: name, value, kind, unit and source (for the report).

        Nested values (tables of rules, lists of codes or years) are written out by
        :mod:`analysis.chapters.appendix`; here they are named ``table``.
        """
        rows = []
        for section, model in self:
            for key, q in model:
                value = q.value
                if isinstance(value, bool):  # a yes/no choice, written in Czech
                    value = "ano" if value else "ne"
                elif isinstance(value, list) and all(isinstance(v, int) for v in value):
                    value = ", ".join(str(v) for v in value)
                elif not isinstance(value, int | float | str):
                    value = None
                rows.append(
                    {
                        "parameter": f"{section}.{key}",
                        "value": value,
                        "kind": "table" if value is None else q.kind,
                        "unit": q.unit,
                        "source": q.source,
                    }
                )
        return pd.DataFrame(rows)


class Region(_Strict):
    code: Annotated[str, Field(pattern=r"^CZ[0-9A-Z]{3}$")]
    name: Annotated[str, Field(min_length=1)]


class DataParams(_Strict):
    # "canonical": the CSV tables of docs/data-model.md (e.g. the demo);
    # "open-data": official files laid out as in params/sources.yaml, read by the readers.
    format: Literal["canonical", "open-data"] = "canonical"
    dir: str
    files: dict[str, str] = Field(default_factory=dict)
    # open-data only: which registry source gives the services (rpss or registry_catalogue)
    registry: Literal["rpss", "registry_catalogue"] | None = None
    # optional road-distance table (origin municipality_code, destination service_id, km)
    # relative to the data folder; without it distances are great-circle × detour factor
    road_distances: str | None = None
    # open-data only: a folder of the region's own canonical tables (the output of
    # `socplan intake`: services, network, finance, plan, …), relative to the run file;
    # each table present there is used in place of the empty or sample open-data one
    region_dir: str | None = None
    sources: dict[str, Annotated[str, Field(min_length=1)]]
    synthetic: bool = False


class QualityCriterion(_Strict):
    """One criterion of MPSV's planning quality, as the region assesses itself."""

    area: Literal[tuple(PLANNING_QUALITY_AREAS)]  # type: ignore[valid-type]
    criterion: Annotated[str, Field(min_length=1)]
    assessment: Literal["met", "partly", "not_met"]
    evidence: Annotated[str, Field(min_length=1)]


class RunParams(_Strict):
    """One annual report of one region (e.g. ``params/demo.yaml``)."""

    region: Region
    year: Annotated[int, Field(ge=2000, le=2100, strict=True)]
    title: str = "Analýza sítě sociálních služeb a potřeb"
    data: DataParams
    methodology: str = "methodology.yaml"
    chapters: list[str] = Field(default_factory=lambda: list(CHAPTER_NAMES))
    # The region's self-assessment against MPSV's criteria of planning quality.
    planning_quality: list[QualityCriterion] = Field(default_factory=list)


class RunConfig(_Strict):
    """Validated run parameters with every path resolved, as passed to the notebooks."""

    params_file: str
    region: Region
    year: int
    title: str
    data_format: str = "canonical"
    registry: str | None = None
    road_distances: str | None = None
    region_dir: str | None = None
    data_dir: str
    files: dict[str, str]
    sources: dict[str, str]
    synthetic: bool
    methodology_file: str
    methodology: Methodology
    chapters: list[str]
    planning_quality: list[QualityCriterion] = Field(default_factory=list)

    def path(self, table: str) -> Path:
        """Absolute path of one canonical input table."""
        return Path(self.data_dir) / self.files[table]

    def source(self, table: str) -> str:
        """Citation of the data behind one table (``Zdroj: …``)."""
        return self.sources[table]

    def to_json(self) -> str:
        return json.dumps(
            self.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True
        )

    def to_portable_json(self) -> str:
        """The configuration as a report folder keeps it: file names instead of paths and
        no data folder (``socplan verify --data-dir`` supplies it), so that the folder
        means the same on any machine."""
        doc = self.model_dump(mode="json")
        doc["params_file"] = Path(self.params_file).name
        doc["methodology_file"] = Path(self.methodology_file).name
        doc["data_dir"] = ""
        if self.region_dir:
            doc["region_dir"] = Path(self.region_dir).name
        if self.road_distances:
            road = Path(self.road_distances)
            root = Path(self.data_dir)
            doc["road_distances"] = (
                road.relative_to(root).as_posix() if road.is_relative_to(root) else road.name
            )
        return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)


MAX_YAML_ALIASES = 20  # parameter files need none; many are a "billion laughs" document
MAX_QUOTED = 200  # characters of an offending value quoted in a message


class StrictYamlLoader(yaml.SafeLoader):
    """Safe YAML that also rejects a key given twice in one mapping (YAML would keep
    the last one without a word) and documents with many aliases."""

    def compose_document(self) -> Any:
        self._aliases = 0
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"more than {MAX_YAML_ALIASES} aliases (*name); parameter files need none",
                    self.peek_event().start_mark,
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *defaults" is YAML's merge, not a key
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain value", key_node.start_mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ParameterError(path, ["file not found"])
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictYamlLoader)
    except yaml.YAMLError as exc:
        raise ParameterError(path, [f"not valid YAML: {exc}"]) from None
    except UnicodeDecodeError as exc:
        raise ParameterError(path, [f"not UTF-8 text: {exc}"]) from None
    if not isinstance(data, dict):
        raise ParameterError(path, ["expected a mapping of keys at the top level"])
    return data


def _messages(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            out.append(f"unknown key '{loc}'")
        elif err["type"] == "missing":
            out.append(f"missing key '{loc}'")
        else:
            found = repr(err.get("input"))
            if len(found) > MAX_QUOTED:
                found = found[:MAX_QUOTED] + f" … ({len(found)} characters)"
            out.append(f"key '{loc}': {err['msg']} (found {found})")
    return out


def methodology_file_of(path: Path | str) -> Path:
    """The methodology file a parameter file stands for: itself, or for a run file (it
    has ``region``) the file its ``methodology`` key names."""
    path = Path(path)
    data = _read_yaml(path)
    if "region" not in data:
        return path
    try:
        run = RunParams.model_validate(data)
    except ValidationError as exc:
        raise ParameterError(path, _messages(exc)) from None
    return (path.parent / run.methodology).resolve()


def load_methodology(path: Path | str) -> Methodology:
    """Read and validate a methodology file."""
    path = Path(path)
    try:
        return Methodology.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise ParameterError(path, _messages(exc)) from None


def _not_a_readable_file(path: Path) -> str | None:
    """What keeps ``path`` (when something is there) from being read as a table."""
    if path.is_symlink() and not path.exists():
        return "is a broken link"
    if not path.exists():
        return None
    if path.is_dir():
        return "is a folder, not a file"
    if not path.is_file():
        return "is not a regular file (a device, pipe or socket)"
    if not os.access(path, os.R_OK):
        return "cannot be read (no permission)"
    return None


def load_run_config(path: Path | str, data_dir: Path | str | None = None) -> RunConfig:
    """Read and validate a run file, its methodology file and the presence of its data.

    Relative paths in the file are relative to the file's own folder; ``data_dir``
    overrides ``data.dir`` (relative to the current directory).
    """
    path = Path(path).resolve()
    try:
        run = RunParams.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise ParameterError(path, _messages(exc)) from None

    problems: list[str] = []
    unknown_chapters = [c for c in run.chapters if c not in CHAPTER_NAMES]
    if unknown_chapters:
        problems.append(
            f"key 'chapters': unknown chapter(s) {unknown_chapters}, "
            f"expected some of {list(CHAPTER_NAMES)}"
        )
    if run.data.format == "open-data":
        catalogue = load_catalogue().sources
        defaults = {k: v.path for k, v in catalogue.items()}
        required = [k for k, v in catalogue.items() if v.required]
        if run.data.registry:
            required.append(run.data.registry)
    else:
        defaults = DEFAULT_FILES
        required = [t for t in DEFAULT_FILES if t not in OPTIONAL_TABLES]
    unknown_tables = sorted(set(run.data.files) - set(defaults))
    if unknown_tables:
        problems.append(
            f"unknown key(s) {['data.files.' + t for t in unknown_tables]}, "
            f"expected some of {sorted(defaults)}"
        )
    missing_sources = sorted(set(DEFAULT_FILES) - OPTIONAL_TABLES - set(run.data.sources))
    extra_sources = sorted(set(run.data.sources) - set(DEFAULT_FILES))
    if missing_sources:
        problems.append(
            f"missing key(s) {['data.sources.' + t for t in missing_sources]}"
            " (every table needs its citation)"
        )
    if extra_sources:
        problems.append(f"unknown key(s) {['data.sources.' + t for t in extra_sources]}")
    if problems:
        raise ParameterError(path, problems)

    root = Path(data_dir).resolve() if data_dir else (path.parent / run.data.dir).resolve()
    if not root.is_dir():
        key = "--data-dir" if data_dir else "data.dir"
        raise ParameterError(
            path,
            [
                f"key '{key}': data folder {root} "
                + (
                    "is a file, not a folder"
                    if root.exists()
                    else "does not exist (for the demo region run `socplan demo` first)"
                )
            ],
        )
    files = {**defaults, **run.data.files}
    missing = [
        f"key 'data.files.{t}': {root / files[t]} does not exist"
        for t in required
        if not (root / files[t]).exists() and not (root / files[t]).is_symlink()
    ]
    if run.data.format == "canonical":  # open-data sources may be folders
        missing += [
            f"key 'data.files.{t}': {root / files[t]} {problem}"
            for t in sorted(files)
            if (problem := _not_a_readable_file(root / files[t])) is not None
        ]
    if run.data.format == "canonical":
        missing += [
            f"key 'data.sources.{t}': {root / files[t]} is there and needs its citation"
            for t in sorted(OPTIONAL_TABLES)
            if (root / files[t]).exists() and t not in run.data.sources
        ]
    if missing:
        raise ParameterError(path, missing)

    road = None
    if run.data.road_distances:
        road = (root / run.data.road_distances).resolve()
        if not road.is_file():
            raise ParameterError(path, [f"key 'data.road_distances': {road} does not exist"])

    region_dir = None
    if run.data.region_dir:
        region_dir = (path.parent / run.data.region_dir).resolve()
        if run.data.format != "open-data":
            raise ParameterError(path, ["key 'data.region_dir': only for data.format open-data"])
        if not region_dir.is_dir():
            raise ParameterError(path, [f"key 'data.region_dir': {region_dir} is not a folder"])
        missing = [
            f"key 'data.sources.{t}': {region_dir / DEFAULT_FILES[t]} is there and needs "
            "its citation"
            for t in sorted(OPTIONAL_TABLES)
            if (region_dir / DEFAULT_FILES[t]).exists() and t not in run.data.sources
        ]
        missing += [
            f"key 'data.region_dir': {region_dir / name} {problem}"
            for name in sorted(DEFAULT_FILES.values())
            if (problem := _not_a_readable_file(region_dir / name)) is not None
        ]
        if missing:
            raise ParameterError(path, missing)

    methodology_file = (path.parent / run.methodology).resolve()
    if not methodology_file.is_file():
        raise ParameterError(path, [f"key 'methodology': file {methodology_file} does not exist"])
    methodology = load_methodology(methodology_file)

    return RunConfig(
        params_file=str(path),
        region=run.region,
        year=run.year,
        title=run.title,
        data_format=run.data.format,
        registry=run.data.registry,
        road_distances=None if road is None else str(road),
        region_dir=None if region_dir is None else str(region_dir),
        data_dir=str(root),
        files=files,
        sources=dict(run.data.sources),
        synthetic=run.data.synthetic,
        methodology_file=str(methodology_file),
        methodology=methodology,
        chapters=run.chapters,
        planning_quality=run.planning_quality,
    )


def read_run_config_json(path: Path | str) -> RunConfig:
    """Read the resolved configuration the pipeline hands to each notebook."""
    return RunConfig.model_validate_json(Path(path).read_text(encoding="utf-8"))
