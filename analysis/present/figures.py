"""Charts for reports: one seaborn style, Czech axis formats, byte-stable PNG output."""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.patches
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from analysis.present import formatting

PALETTE = {"M": "#3b6ea8", "F": "#c8553d", "accent": "#2a7f62", "grey": "#8a8a8a"}


def apply_style() -> None:
    """The report style: white grid, DejaVu Sans (has every Czech glyph), no mathtext."""
    sns.set_theme(style="whitegrid", context="paper", font="DejaVu Sans")
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "axes.titleweight": "bold",
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "legend.fontsize": 8,
            "axes.formatter.use_locale": False,
            # Names from the data are drawn as written: "$…$" in a name is not TeX.
            "text.parse_math": False,
        }
    )


def czech_axis(axis: matplotlib.axis.Axis, decimals: int = 0) -> None:
    """Format tick labels of one axis as Czech numbers (absolute values)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _: formatting.number(abs(v), decimals)))


def png_bytes(fig: matplotlib.figure.Figure, dpi: int) -> bytes:
    """Render a figure to PNG without software/version metadata, so bytes are stable."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def population_pyramid(
    table: pd.DataFrame,
    compare: pd.DataFrame | None = None,
    title: str = "",
    compare_label: str = "",
) -> matplotlib.figure.Figure:
    """Pyramid from ``age_band, men, women`` rows (youngest first); ``compare`` as outline."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7, 5.2))
    y = np.arange(len(table))
    ax.barh(y, -table["men"], color=PALETTE["M"], label="muži", height=0.9)
    ax.barh(y, table["women"], color=PALETTE["F"], label="ženy", height=0.9)
    if compare is not None:
        ax.step(
            -compare["men"].to_numpy(), y, where="mid", color="black", lw=1, label=compare_label
        )
        ax.step(compare["women"].to_numpy(), y, where="mid", color="black", lw=1)
    ax.set_yticks(y, table["age_band"])
    lim = max(table["men"].max(), table["women"].max()) * 1.1
    ax.set_xlim(-lim, lim)
    czech_axis(ax.xaxis)
    ax.set_xlabel("počet obyvatel")
    ax.set_ylabel("věk (let)")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    return fig


def age_structure_bars(
    table: pd.DataFrame, compare: str | None = None, compare_label: str = ""
) -> matplotlib.figure.Figure:
    """Persons by age band (``age_band``, ``persons``; youngest first) as horizontal bars,
    where the data do not split the sexes; ``compare`` names a column drawn as an outline."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7, 4.4))
    y = np.arange(len(table))
    ax.barh(y, table["persons"], color=PALETTE["F"], height=0.9, label="obyvatelé")
    if compare is not None:
        ax.step(table[compare].to_numpy(), y, where="mid", color="black", lw=1, label=compare_label)
    ax.set_yticks(y, table["age_band"])
    czech_axis(ax.xaxis)
    ax.set_xlabel("počet obyvatel")
    ax.set_ylabel("věk (let)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    return fig


def percent_heatmap(
    table: pd.DataFrame, label: str, diverging: bool = False
) -> matplotlib.figure.Figure:
    """Heatmap of percentages, rows = areas, columns = service types: shares 0–100 %
    (dark = low; cividis, readable with colour-vision deficiency), or with ``diverging``
    relative differences −100…100 % around zero (red–blue)."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.2, 0.32 * len(table) + 2.2))
    scale = (
        {"cmap": "RdBu", "center": 0, "vmin": -100, "vmax": 100}
        if diverging
        else {"cmap": "cividis", "vmin": 0, "vmax": 100}
    )
    sns.heatmap(
        table,
        ax=ax,
        linewidths=0.4,
        linecolor="white",
        cbar_kws={"label": label, "shrink": 0.6},
        **scale,
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=90)
    return fig


def projection_lines(table: pd.DataFrame, title: str = "") -> matplotlib.figure.Figure:
    """Population by age band over years (middle variant lines, low–high band shaded);
    ``table`` has ``year, variant, band, population``."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.2, 4.2))
    palette = sns.color_palette("colorblind", table["band"].nunique())
    for colour, (band, g) in zip(palette, table.groupby("band", sort=False), strict=True):
        wide = g.pivot(index="year", columns="variant", values="population")
        ax.plot(wide.index, wide["middle"], color=colour, lw=1.8, label=band)
        ax.fill_between(
            wide.index,
            wide[["low", "high"]].min(axis=1),
            wide[["low", "high"]].max(axis=1),
            color=colour,
            alpha=0.18,
            lw=0,
        )
    czech_axis(ax.yaxis)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v)}"))
    ax.set_ylabel("obyvatel")
    ax.set_xlabel("rok (stav k 1. 1.)")
    ax.legend(title="věk", frameon=False, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    ax.set_title(title)
    return fig


def interval_bars(
    table: pd.DataFrame, label: str, interval: str, value: str = "median", title: str = ""
) -> matplotlib.figure.Figure:
    """Horizontal bars with interval whiskers (``low``/``high``) per row of ``table``;
    ``interval`` names the interval's level (e.g. ``90%``)."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.2, 0.45 * len(table) + 1.4))
    y = np.arange(len(table))
    ax.barh(y, table[value], color=PALETTE["accent"], alpha=0.85)
    ax.errorbar(
        table[value],
        y,
        xerr=[table[value] - table["low"], table["high"] - table[value]],
        fmt="none",
        ecolor="black",
        capsize=3,
        lw=1,
    )
    ax.set_yticks(y, table[label])
    czech_axis(ax.xaxis)
    ax.set_xlabel(f"osob (medián a {interval} interval simulací)")
    ax.set_title(title)
    fig.tight_layout()  # long group names stay readable
    return fig


# Axes turn logarithmic when the largest value exceeds the median this many times.
SKEW_FOR_LOG_AXES = 20


def observed_expected(
    pred: pd.DataFrame,
    label: str,
    highlight: np.ndarray | None = None,
    highlight_label: str = "",
) -> matplotlib.figure.Figure:
    """Observed counts against the model's expectation with prediction intervals;
    ``highlight`` marks some areas (e.g. the region's ORPs in a national model)."""
    apply_style()
    fig, ax = plt.subplots(figsize=(6.2, 5.0))
    ax.errorbar(
        pred["expected"],
        pred["observed"],
        yerr=[
            pred["observed"] - np.minimum(pred["observed"], pred["prediction_low"]),
            np.maximum(pred["observed"], pred["prediction_high"]) - pred["observed"],
        ],
        fmt="none",
        ecolor="#bbbbbb",
        lw=0.8,
        zorder=1,
    )
    if highlight is None:
        ax.scatter(pred["expected"], pred["observed"], color=PALETTE["accent"], s=18, zorder=2)
    else:
        other = ~highlight
        ax.scatter(
            pred["expected"][other],
            pred["observed"][other],
            color=PALETTE["grey"],
            s=10,
            zorder=2,
            label="ostatní ORP Česka",
        )
        ax.scatter(
            pred["expected"][highlight],
            pred["observed"][highlight],
            color=PALETTE["accent"],
            s=26,
            zorder=3,
            label=highlight_label,
        )
        ax.legend(loc="upper left", frameon=False)
    top = float(max(pred["expected"].max(), pred["observed"].max())) * 1.05
    ax.plot([0, top], [0, top], color="black", lw=0.8, ls="--")
    typical = float(np.median(pred["expected"]))
    if typical > 0 and top / typical > SKEW_FOR_LOG_AXES:
        # One large area (e.g. Prague) would squeeze the others into a corner.
        ax.set_xscale("symlog", linthresh=1)
        ax.set_yscale("symlog", linthresh=1)
        ax.set_xlabel("očekávaná hodnota modelu (logaritmická osa)")
    else:
        ax.set_xlabel("očekávaná hodnota modelu")
    # Czech numbers on either scale: the log scale's own labels are TeX ("10^{2}"),
    # which the style draws as written.
    czech_axis(ax.xaxis)
    czech_axis(ax.yaxis)
    ax.set_ylabel(f"skutečnost: {label}")
    return fig


def unit_cost_strips(
    services: pd.DataFrame, groups: pd.DataFrame, label: str
) -> matplotlib.figure.Figure:
    """Unit cost per group (row): the region's services as dots, the national quartiles
    (``q1``–``q3``) as a bar with the national median as a tick where they exist.

    ``services``: ``group, value, flag`` (flag ``low``/``high`` draws the dot in red);
    ``groups``: ``group`` (in row order) and optional ``q1, median, q3``. Log scale.
    """
    apply_style()
    order = list(groups["group"])
    fig, ax = plt.subplots(figsize=(7.2, 0.22 * len(order) + 1.6))
    y = {g: i for i, g in enumerate(order)}
    national = groups.dropna(subset=["median"])
    ax.barh(
        [y[g] for g in national["group"]],
        national["q3"] - national["q1"],
        left=national["q1"],
        height=0.6,
        color="#d9d9d9",
        label="ČR: mezikvartilové rozpětí",
    )
    ax.scatter(
        national["median"],
        [y[g] for g in national["group"]],
        marker="|",
        s=140,
        color="black",
        label="ČR: medián",
        zorder=3,
    )
    normal, outlier = "služba kraje", "služba kraje – odlehlá hodnota"
    points = pd.DataFrame(
        {
            "value": services["value"].to_numpy(float),
            "row": services["group"].map(y).to_numpy(float),
            "kind": np.where(services["flag"].isin(["low", "high"]), outlier, normal),
        }
    )
    sns.scatterplot(
        data=points,
        x="value",
        y="row",
        hue="kind",
        hue_order=[normal, outlier],
        palette={normal: PALETTE["M"], outlier: PALETTE["F"]},
        s=16,
        alpha=0.8,
        linewidth=0,
        ax=ax,
        zorder=4,
    )
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_minor_locator(NullLocator())
    czech_axis(ax.xaxis)
    ax.set_yticks(range(len(order)), order)
    ax.set_ylabel("")
    ax.invert_yaxis()
    ax.set_xlabel(label)
    ax.legend(frameon=False, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    return fig


def stacked_shares(
    table: pd.DataFrame, label: str, colours: dict[str, str] | None = None
) -> matplotlib.figure.Figure:
    """Horizontal 100% bars: rows of ``table`` (index = labels) split by its columns
    (shares 0–1, named by their legend labels); ``colours`` by column, else a
    colour-blind palette."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.2, 0.22 * len(table) + 1.6))
    left = np.zeros(len(table))
    palette = sns.color_palette("colorblind", len(table.columns))
    y = np.arange(len(table))
    for i, col in enumerate(table.columns):
        values = table[col].fillna(0).to_numpy(float)
        colour = colours[col] if colours else palette[i]
        ax.barh(y, 100 * values, left=100 * left, color=colour, label=col, height=0.75)
        left += values
    ax.set_yticks(y, table.index)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(label)
    ax.legend(frameon=False, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    return fig


def progress_bars(
    table: pd.DataFrame, colours: dict[str, str], label: str
) -> matplotlib.figure.Figure:
    """Progress of indicators as horizontal bars coloured by status, with the expected
    progress as a black tick; rows of ``table`` (index = labels, top to bottom):
    ``progress`` and ``expected_progress`` (shares) and ``status`` (a key of
    ``colours``). Bars are clipped to −50 … 150 % so that one outlier does not hide the
    others; the table keeps the values."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.2, 0.3 * len(table) + 1.4))
    y = np.arange(len(table))
    values = (100 * table["progress"].astype(float)).clip(-50, 150)
    ax.barh(
        y,
        values.fillna(0),
        color=[colours.get(s, PALETTE["grey"]) for s in table["status"]],
        height=0.65,
    )
    ax.scatter(
        100 * table["expected_progress"].astype(float),
        y,
        marker="|",
        s=160,
        color="black",
        zorder=3,
        label="očekávané plnění",
    )
    ax.axvline(100, color=PALETTE["grey"], lw=0.8, ls="--")
    # Long names are shortened on the axis; the figure's data file keeps them whole.
    ax.set_yticks(y, [textwrap.shorten(str(t), 60, placeholder="…") for t in table.index])
    ax.invert_yaxis()
    ax.set_xlim(-50, 150)
    ax.set_xlabel(label)
    # Values beyond the axis are written at its edge.
    for yi, v in zip(y, 100 * table["progress"].astype(float), strict=True):
        if v < -50 or v > 150:
            ax.annotate(
                f"{formatting.number(v, 0)} %",
                (-50 if v < -50 else 150, yi),
                xytext=(4 if v < -50 else -4, 0),
                textcoords="offset points",
                ha="left" if v < -50 else "right",
                va="center",
                fontsize=7,
            )
    present = set(table["status"])
    handles = [
        matplotlib.patches.Patch(color=c, label=s) for s, c in colours.items() if s in present
    ] + [ax.collections[0]]
    ax.legend(handles=handles, frameon=False, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    return fig


def tornado(table: pd.DataFrame, unit: str) -> matplotlib.figure.Figure:
    """Tornado chart of a one-at-a-time sensitivity analysis: one row per parameter
    (index = labels, top to bottom by importance) with the change of the result at the
    parameter's low value (``low``) and at its high value (``high``), in ``unit``.
    Amounts in crowns of a million or more are shown in millions."""
    apply_style()
    table = table.astype(float)
    if unit == "Kč" and table.abs().max().max() >= 1e6:
        table, unit = table / 1e6, "mil. Kč"
    fig, ax = plt.subplots(figsize=(7.2, 0.34 * len(table) + 1.5))
    y = np.arange(len(table))
    low, high = table["low"].fillna(0), table["high"].fillna(0)
    ax.barh(y - 0.2, low, height=0.4, color=PALETTE["M"], label="dolní hodnota")
    ax.barh(y + 0.2, high, height=0.4, color=PALETTE["F"], label="horní hodnota")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [textwrap.fill(str(i), 45) for i in table.index])
    ax.invert_yaxis()
    ax.set_xlabel(f"změna výsledku ({unit})")
    # Ticks on 1, 2 or 5 × 10^k: a count never gets a tick labelled between two integers.
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: formatting.number(v, 0 if float(v).is_integer() else 1))
    )
    ax.legend(frameon=False, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8)
    fig.tight_layout()
    return fig


def framework_chart(table: pd.DataFrame) -> matplotlib.figure.Figure:
    """The plan's financial framework by year: the expected sources stacked (own revenue
    by kind, state allocation, region, municipalities and their pledges, EU funds, other
    public; in millions of CZK) and the total cost as a line; the gap is the distance
    between the line and the bars."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7, 4.2))
    years = table["year"].astype(str).to_numpy()
    parts = [
        ("users_revenue", "úhrady uživatelů", "#b5b5b5"),
        ("health_revenue", "zdravotní pojišťovny", "#8a8a8a"),
        ("other_own_revenue", "ostatní vlastní výnosy", "#6a6a6a"),
        ("state_allocation", "státní dotace (alokace)", "#3b6ea8"),
        ("region_money", "kraj", "#2a7f62"),
        ("municipal_money", "obce", "#e0a030"),
        ("municipal_pledges", "obce: přísliby k záměrům", "#f2cf7a"),
        ("eu_money", "fondy EU", "#c75b5b"),
        ("other_public_money", "jiné veřejné zdroje", "#9c6fb0"),
    ]
    bottom = np.zeros(len(table))
    for column, label, colour in parts:
        if column not in table or not table[column].any():
            continue  # a source without money is not a legend entry
        values = table[column].to_numpy(float) / 1e6
        ax.bar(years, values, bottom=bottom, color=colour, label=label, width=0.6)
        bottom += values
    # What the sources leave uncovered, up to the cost line: the framework's message.
    gap = np.clip(table["gap"].to_numpy(float) / 1e6, 0, None)
    ax.bar(
        years,
        gap,
        bottom=bottom,
        width=0.6,
        facecolor="white",
        edgecolor="#b03030",
        hatch="///",
        label="chybí",
    )
    ax.plot(
        years,
        table["total_cost"].to_numpy(float) / 1e6,
        color="black",
        marker="o",
        lw=1.5,
        label="náklady sítě a záměrů",
    )
    czech_axis(ax.yaxis)
    ax.set_ylabel("mil. Kč")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    return fig
