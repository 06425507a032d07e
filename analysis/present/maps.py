"""Maps of ORP areas and service places, drawn with matplotlib from shapely geometries.

Coordinates are WGS84; the map is drawn in a local equirectangular projection (longitude
scaled by the cosine of the mean latitude) so shapes are not stretched.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import PatchCollection
from matplotlib.patches import Polygon as MplPolygon

from analysis.present import formatting
from analysis.present.figures import apply_style


def _patches(geom: shapely.Geometry) -> list[MplPolygon]:
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    return [MplPolygon(np.asarray(p.exterior.coords), closed=True) for p in polys]


def _x_scale(polygons: pd.DataFrame) -> float:
    """Longitude factor of the local equirectangular projection (cos of mean latitude)."""
    return math.cos(math.radians(np.mean([g.centroid.y for g in polygons["geometry"]])))


def _diverging_colours(n_neg: int, n_pos: int):
    """Colours of classes below and above zero: reds for negative, blues for positive
    (RdBu, readable with red–green colour-vision deficiency), deeper further from 0."""
    base = plt.get_cmap("RdBu")
    colours = [base(0.5 - 0.45 * (n_neg - i) / n_neg) for i in range(n_neg)]
    colours += [base(0.5 + 0.45 * (i + 1) / n_pos) for i in range(n_pos)]
    return lambda i: colours[i]


def _flat(geom: shapely.Geometry, kx: float) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.c_[c[:, 0] * kx, c[:, 1]])


KM_PER_DEGREE = 111.32  # length of one degree of latitude (and of scaled longitude)
SCALE_BAR_KM = (5, 10, 20, 25, 50, 100)
ZERO_CLASS = -2  # class index of exact zeros shown in the neutral colour
NEUTRAL_COLOUR = "#f5f0dc"  # light sand: distinct from the grey of missing values
MISSING_COLOUR = (0.9, 0.9, 0.9, 1)
LEGEND_TITLE_WIDTH = 24  # characters per line of a legend title


def scale_bar(ax: plt.Axes) -> None:
    """A scale bar in km in the lower right corner (map units are degrees of latitude)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width_km = (x1 - x0) * KM_PER_DEGREE
    km = max([s for s in SCALE_BAR_KM if s <= width_km / 4], default=SCALE_BAR_KM[0])
    length = km / KM_PER_DEGREE
    x, y = x1 - (x1 - x0) * 0.04 - length, y0 + (y1 - y0) * 0.04
    ax.plot([x, x + length], [y, y], color="black", lw=2, solid_capstyle="butt")
    ax.text(x + length / 2, y + (y1 - y0) * 0.015, f"{km} km", ha="center", va="bottom", fontsize=7)


def _finish(
    fig: plt.Figure,
    ax: plt.Axes,
    handles: list,
    labels: list[str],
    title: str,
    legend_title: str,
    kx: float,
) -> plt.Figure:
    """Equal-aspect map without axes, legend on the right, scale bar."""
    ax.autoscale_view()
    ax.margins(0.05)
    ax.set_aspect("equal")
    ax.set_axis_off()
    scale_bar(ax)
    ax.set_title(title)
    fig.legend(
        handles,
        labels,
        # A long title wraps so that it stays beside the map, not over it.
        title="\n".join(textwrap.wrap(legend_title, LEGEND_TITLE_WIDTH)),
        loc="center right",
        frameon=False,
        fontsize=7,
        title_fontsize=7.5,
    )
    fig.subplots_adjust(right=0.78)
    return fig


def legend_labels(breaks: np.ndarray, decimals: int, zero_class: bool) -> list[str]:
    """Non-overlapping class labels: ``≤ b1``, ``> b1 – b2``, …; a zero class reads
    ``0``. Upper bounds are inclusive, as the classification uses them."""
    n = formatting.number
    labels = []
    for i in range(len(breaks) - 1):
        lo, hi = breaks[i], breaks[i + 1]
        if i == 0:
            labels.append("0" if zero_class else f"{n(lo, decimals)} – {n(hi, decimals)}")
        else:
            labels.append(f"> {n(lo, decimals)} – {n(hi, decimals)}")
    return labels


def class_breaks(values: np.ndarray, k: int = 5) -> tuple[np.ndarray, int, bool]:
    """Class breaks by quantiles (mapclassify), rounded to the precision of the data's
    spread for readable legends; zero gets a class of its own when some areas have none
    (many zeros would otherwise swallow the quantiles and paint everything alike).
    Returns the breaks (lowest value first, then inclusive upper bounds), the decimals
    they are rounded to, and whether the first class holds only zeros."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return np.array([0.0, 1.0]), 0, False
    positive = values[values > 0]
    zero_class = bool((values == 0).any() and positive.size and k > 2)
    rest = positive if zero_class else values
    spread = float(rest.max() - rest.min())
    digits = 0 if spread == 0 else max(0, -math.floor(math.log10(spread / k)))
    classes = min(k - 1 if zero_class else k, np.unique(rest).size)
    import mapclassify  # imported on first use: it pulls in scikit-learn (slow to import)

    one_class = np.array([rest.max()])
    uppers = one_class if classes < 2 else mapclassify.Quantiles(rest, k=classes).bins
    # Rounding must not move a value into another class: round the bounds up.
    scale = 10.0**digits
    uppers = np.unique(np.ceil(np.asarray(uppers) * scale - 1e-9) / scale)
    uppers[-1] = max(uppers[-1], rest.max())
    lowest = 0.0 if zero_class else np.floor(rest.min() * scale) / scale
    breaks = np.concatenate([[lowest], [0.0] if zero_class else [], uppers])
    return np.unique(breaks) if not zero_class else breaks, digits, zero_class


def diverging_breaks(values: np.ndarray, k: int = 6) -> tuple[np.ndarray, int, int]:
    """Classes that never mix signs: quantile classes of the negative values up to 0 and
    of the positive values above it. Returns the breaks, the decimals and the number of
    negative classes."""
    values = values[np.isfinite(values)]
    neg, pos = -values[values < 0], values[values > 0]
    spread = float(values.max() - values.min()) if values.size else 0.0
    digits = 0 if spread == 0 else max(0, -math.floor(math.log10(spread / k)))
    scale = 10.0**digits

    import mapclassify  # imported on first use, as in class_breaks

    def uppers(side: np.ndarray) -> np.ndarray:
        classes = min(k // 2, np.unique(side).size)
        if classes < 2:
            return np.array([side.max()])
        return np.asarray(mapclassify.Quantiles(side, k=classes).bins)

    # Negative side: bounds of |value|, largest first, turned into ascending breaks.
    neg_bounds = -np.ceil(uppers(neg)[::-1] * scale) / scale if neg.size else np.array([])
    pos_bounds = np.ceil(uppers(pos) * scale) / scale if pos.size else np.array([])
    breaks = np.unique(np.concatenate([neg_bounds, [0.0], pos_bounds]))
    n_neg = int((breaks < 0).sum())
    return breaks, digits, n_neg


def classify(values: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Class index of each value (upper bounds inclusive); -1 for missing values."""
    idx = np.searchsorted(breaks[1:], values, side="left")
    return np.where(np.isfinite(values), np.clip(idx, 0, len(breaks) - 2), -1)


def choropleth(
    polygons: pd.DataFrame,
    values: pd.Series,
    title: str,
    legend_title: str,
    decimals: int = 1,
    points: pd.DataFrame | None = None,
    points_label: str = "",
    cmap: str = "YlGnBu",
    label_column: str | None = "orp_name",
    diverging: bool = False,
    zero_label: str | None = None,
) -> plt.Figure:
    """ORP choropleth with quantile classes; ``values`` is indexed by ``orp_code``.

    ``points`` (columns ``lat, lon`` and optional ``size``) are drawn on top, e.g. the
    places of services. ``diverging`` maps negative values in reds and positive ones in
    blues, with no class spanning zero; with ``zero_label`` areas of exactly zero get a
    neutral class of their own (e.g. "beze změny").
    """
    apply_style()
    kx = _x_scale(polygons)
    fig, ax = plt.subplots(figsize=(7.2, 5.6))
    vals = values.reindex(polygons["orp_code"]).to_numpy(dtype=float)
    if diverging:
        inner, digits, n_neg = diverging_breaks(vals)
        lowest = np.floor(np.nanmin(vals) * 10.0**digits) / 10.0**digits
        breaks = np.unique(np.concatenate([[min(lowest, inner[0])], inner]))
        n_neg = int((breaks[1:] <= 0).sum())
        zero_class = False
        cm = _diverging_colours(n_neg, len(breaks) - 1 - n_neg)
    else:
        breaks, digits, zero_class = class_breaks(vals)
        cm = plt.get_cmap(cmap, len(breaks) - 1)
    decimals = max(decimals, digits)
    classes = classify(vals, breaks)
    neutral = diverging and zero_label is not None and bool((vals == 0).any())
    if neutral:
        classes = np.where(vals == 0, ZERO_CLASS, classes)
    patches, colours = [], []
    for geom, c in zip(polygons["geometry"], classes, strict=True):
        g = _flat(geom, kx)
        for p in _patches(g):
            patches.append(p)
            colours.append(
                NEUTRAL_COLOUR if c == ZERO_CLASS else cm(c) if c >= 0 else MISSING_COLOUR
            )
    ax.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="white", lw=0.8))
    if label_column:
        for geom, name in zip(polygons["geometry"], polygons[label_column], strict=True):
            c = geom.representative_point()
            ax.annotate(
                name,
                (c.x * kx, c.y),
                ha="center",
                va="center",
                fontsize=6.5,
                color="#222",
                annotation_clip=False,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6},
            )
    if points is not None and len(points):
        sizes = points.get("size", 12)
        ax.scatter(
            points["lon"] * kx,
            points["lat"],
            s=sizes,
            c="#c8553d",
            alpha=0.75,
            edgecolors="white",
            linewidths=0.4,
            label=points_label,
            zorder=3,
        )
        ax.legend(loc="lower left", frameon=True, fontsize=7)
    handles = [plt.Rectangle((0, 0), 1, 1, color=cm(i)) for i in range(len(breaks) - 1)]
    labels = legend_labels(breaks, decimals, zero_class)
    if neutral:
        # Zero is its own class: the negative class next to it ends below zero.
        n_below = int((breaks[1:] <= 0).sum())
        if n_below:
            labels[n_below - 1] = labels[n_below - 1].rsplit(" – ", 1)[0] + " – < 0"
        handles.insert(n_below, plt.Rectangle((0, 0), 1, 1, color=NEUTRAL_COLOUR))
        labels.insert(n_below, zero_label)
    if not np.isfinite(vals).all():
        handles.append(plt.Rectangle((0, 0), 1, 1, color=MISSING_COLOUR))
        labels.append("údaj chybí")
    return _finish(fig, ax, handles, labels, title, legend_title, kx)


def point_map(
    polygons: pd.DataFrame,
    points: pd.DataFrame,
    value: str,
    title: str,
    legend_title: str,
    decimals: int = 0,
    cmap: str = "viridis_r",
    sites: pd.DataFrame | None = None,
    sites_label: str = "",
) -> plt.Figure:
    """Municipality points coloured by ``value`` (quantile classes) over ORP borders;
    ``sites`` (``lat, lon``) are drawn as black crosses."""
    apply_style()
    kx = _x_scale(polygons)
    fig, ax = plt.subplots(figsize=(7.2, 5.6))
    for geom in polygons["geometry"]:
        g = _flat(geom, kx)
        for p in _patches(g):
            ax.add_patch(
                MplPolygon(p.get_xy(), closed=True, facecolor="#f4f4f4", edgecolor="#999", lw=0.6)
            )
    vals = points[value].to_numpy(float)
    breaks, digits, zero_class = class_breaks(vals)
    decimals = max(decimals, digits)
    cm = plt.get_cmap(cmap, len(breaks) - 1)
    classes = classify(vals, breaks)
    ax.scatter(
        points["lon"] * kx,
        points["lat"],
        c=[cm(c) if c >= 0 else MISSING_COLOUR for c in classes],
        s=10,
        edgecolors="white",
        linewidths=0.3,
        zorder=2,
    )
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=cm(i), markersize=6)
        for i in range(len(breaks) - 1)
    ]
    labels = legend_labels(breaks, decimals, zero_class)
    if sites is not None and len(sites):
        ax.scatter(sites["lon"] * kx, sites["lat"], marker="x", c="black", s=18, lw=1.0, zorder=3)
        handles.append(plt.Line2D([], [], marker="x", ls="", color="black", markersize=6))
        labels.append(sites_label)
    return _finish(fig, ax, handles, labels, title, legend_title, kx)
