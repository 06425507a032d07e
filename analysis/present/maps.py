"""Maps of ORP areas and service places, drawn with matplotlib from shapely geometries.

Coordinates are WGS84; the map is drawn in a local equirectangular projection (longitude
scaled by the cosine of the mean latitude) so shapes are not stretched.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import PatchCollection
from matplotlib.colors import BoundaryNorm
from matplotlib.patches import Polygon as MplPolygon

from analysis.present import formatting
from analysis.present.figures import apply_style


def _patches(geom: shapely.Geometry) -> list[MplPolygon]:
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    return [MplPolygon(np.asarray(p.exterior.coords), closed=True) for p in polys]


def _x_scale(polygons: pd.DataFrame) -> float:
    """Longitude factor of the local equirectangular projection (cos of mean latitude)."""
    return math.cos(math.radians(np.mean([g.centroid.y for g in polygons["geometry"]])))


def _flat(geom: shapely.Geometry, kx: float) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.c_[c[:, 0] * kx, c[:, 1]])


def _finish(
    fig: plt.Figure, ax: plt.Axes, handles: list, labels: list[str], title: str, legend_title: str
) -> plt.Figure:
    """Equal-aspect map without axes, legend on the right."""
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    fig.legend(
        handles,
        labels,
        title=legend_title,
        loc="center right",
        frameon=False,
        fontsize=7,
        title_fontsize=7.5,
    )
    fig.subplots_adjust(right=0.78)
    return fig


def legend_labels(breaks: np.ndarray, decimals: int, values: np.ndarray) -> list[str]:
    """``from – to`` per class; a first class that holds only zeros reads ``0``."""
    labels = [
        f"{formatting.number(breaks[i], decimals)} – {formatting.number(breaks[i + 1], decimals)}"
        for i in range(len(breaks) - 1)
    ]
    finite = values[np.isfinite(values)]
    if breaks[0] == 0 and len(breaks) > 2 and not ((finite > 0) & (finite < breaks[1])).any():
        labels[0] = "0"
    return labels


def class_breaks(values: np.ndarray, k: int = 5) -> tuple[np.ndarray, int]:
    """Quantile class breaks, rounded to the precision of the data's spread (readable
    legends); the lowest and highest breaks always enclose every value. Returns the
    breaks and the number of decimals they are rounded to."""
    positive = values[values > 0]
    if k > 2 and len(positive) and (values == 0).any() and np.unique(positive).size > 1:
        # Many areas without any capacity would swallow the quantiles: give zero a class
        # of its own and split the positive values into the remaining classes.
        rest, digits = class_breaks(positive, k - 1)
        return np.unique(np.concatenate([[0.0], rest])), digits
    qs = np.nanquantile(values, np.linspace(0, 1, k + 1))
    spread = float(np.nanmax(values) - np.nanmin(values))
    digits = 0 if spread == 0 else max(0, -math.floor(math.log10(spread / k)))
    breaks = np.unique(np.round(qs, digits))
    breaks[0] = min(breaks[0], np.nanmin(values))
    breaks[-1] = max(breaks[-1], np.nanmax(values))
    if len(breaks) < 2:
        breaks = np.array([breaks[0], breaks[0] + 1])
    return breaks, digits


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
) -> plt.Figure:
    """ORP choropleth with quantile classes; ``values`` is indexed by ``orp_code``.

    ``points`` (columns ``lat, lon`` and optional ``size``) are drawn on top, e.g. the
    places of services.
    """
    apply_style()
    kx = _x_scale(polygons)
    fig, ax = plt.subplots(figsize=(7.2, 5.6))
    vals = values.reindex(polygons["orp_code"]).to_numpy(dtype=float)
    breaks, digits = class_breaks(vals[np.isfinite(vals)])
    decimals = max(decimals, digits)
    cm = plt.get_cmap(cmap, len(breaks) - 1)
    norm = BoundaryNorm(breaks, cm.N, clip=True)
    patches, colours = [], []
    for geom, v in zip(polygons["geometry"], vals, strict=True):
        g = _flat(geom, kx)
        for p in _patches(g):
            patches.append(p)
            colours.append(cm(norm(v)) if np.isfinite(v) else (0.9, 0.9, 0.9, 1))
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
    labels = legend_labels(breaks, decimals, vals)
    return _finish(fig, ax, handles, labels, title, legend_title)


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
    finite = np.isfinite(vals)
    breaks, digits = class_breaks(vals[finite]) if finite.any() else (np.array([0, 1]), 0)
    decimals = max(decimals, digits)
    cm = plt.get_cmap(cmap, len(breaks) - 1)
    norm = BoundaryNorm(breaks, cm.N, clip=True)
    ax.scatter(
        points["lon"] * kx,
        points["lat"],
        c=cm(norm(np.where(finite, vals, 0))),
        s=10,
        edgecolors="white",
        linewidths=0.3,
        zorder=2,
    )
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=cm(i), markersize=6)
        for i in range(len(breaks) - 1)
    ]
    labels = legend_labels(breaks, decimals, vals)
    if sites is not None and len(sites):
        ax.scatter(sites["lon"] * kx, sites["lat"], marker="x", c="black", s=18, lw=1.0, zorder=3)
        handles.append(plt.Line2D([], [], marker="x", ls="", color="black", markersize=6))
        labels.append(sites_label)
    return _finish(fig, ax, handles, labels, title, legend_title)
