"""Pillar breakdown: one stacked horizontal bar per country, its pillar points side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...sanitise import for_plot
from ._common import (
    draw_row_labels,
    draw_tier_bands,
    fit_fixed_layout,
    label_fontsize,
    nan_to_zero,
    new_axes,
    row_height,
    select_countries,
)
from .colors import pillar_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PolyCollection

    from ...engine.result import ScoreResult


def pillar_bars(result: ScoreResult, *, region: str | None = None, top: int | None = None,
                countries: list[str] | None = None, tiers: bool = True, decimals: int = 1,
                ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars of each country's pillar points, best overall score on top.

    Each bar segment is one pillar's points (its contribution to the overall score; under
    arithmetic aggregation the segments add up to the overall score). Pillars keep the colours
    of :func:`gci.present.plots.colors.pillar_colors`; tier bands are shaded behind the bars and
    their
    bounds drawn (dashed) over them; each bar ends with its overall score; the legend sits
    outside the axes, so it never covers data. One pillar's segments are one
    :class:`~matplotlib.collections.PolyCollection` (gid ``pillar-CODE``, one rectangle per
    country in the order drawn, top first), also the pillar's legend entry. The country names
    are texts left of the axes (:func:`gci.present.plots._common.row_labels` reads them).

    Parameters
    ----------
    result : ScoreResult
    region, top, countries
        Which countries (see :func:`gci.present.plots._common.select_countries`).
    tiers : bool
        Shade the tier bands (when the result has a tier scheme).
    decimals : int
        Decimals of the totals written at the bar ends.
    ax : Axes, optional
        Draw here; default a new figure whose height grows with the number of countries.

    Returns
    -------
    Axes
    """
    order = select_countries(result, region=region, top=top, countries=countries)
    n = len(order)
    own = ax is None
    if own:
        # margins set from the label extents at the end (fit_fixed_layout): constrained
        # layout re-measures the 194 country names several times per draw
        ax = new_axes(9.0, 1.6 + row_height(n) * n, layout=None)
    fw = result.framework
    colors = pillar_colors(fw)
    points = result.pillars.loc[order]
    names = [for_plot(n) for n in result.scores.loc[order, "name"]]
    y = np.arange(n)
    left = np.zeros(n)
    height = 0.8 if n <= 60 else 0.9
    bars = []
    for pillar in fw.pillars:
        width = nan_to_zero(points[pillar.code])
        bars.append(_stacked_segments(ax, y, width, left, height, colors[pillar.code],
                                      for_plot(pillar.name), f"pillar-{pillar.code}"))
        left = left + width
    if tiers and result.tier_scheme is not None:
        draw_tier_bands(ax, result.tier_scheme, axis="x")
        # the bands sit behind the bars; their bounds are drawn over the bars too
        for lower in result.tier_scheme.lower:
            if 0 < lower < result.scale:
                ax.axvline(lower, color="#333333", lw=0.8, ls=(0, (3, 3)), alpha=0.7, zorder=3,
                           gid="tier-bound")
    fontsize = label_fontsize(n)
    totals = result.overall.reindex(order).to_numpy(float)
    for yi, total in zip(y, totals):
        if np.isfinite(total):
            ax.text(total, yi, f" {total:.{decimals}f}", ha="left", va="center",
                    fontsize=fontsize - 0.5, color="#222222", gid="bar-total", zorder=4,
                    clip_on=False)
    # the names as plain texts, where tick labels would be (7 points left of the axes):
    # no tick object per country
    draw_row_labels(ax, names, fontsize=fontsize, pad=7.0)
    ax.set_ylim(n - 0.5, -0.5)  # best country at the top
    # room for the totals inside the axes (so nothing outside can collide with them); the
    # scale itself ends at result.scale
    ax.set_xlim(0, result.scale * 1.09)
    ax.set_xticks(np.linspace(0, result.scale, 6))
    ax.spines[["right", "top"]].set_visible(False)
    ax.set_xlabel(f"Points (overall score out of {result.scale:g})")
    # outside the axes (right), so it never covers a bar or a total
    ax.legend(handles=bars, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
              frameon=False, title="Pillar", title_fontsize=8)
    title = "Pillar breakdown"
    if region:
        title += f" — {result.groups.get(order[0], region)}"
    ax.set_title(for_plot(title), loc="left", pad=14)
    if own:
        # the names and tier labels are texts; the totals lie inside the axes
        fit_fixed_layout(ax, [ax.xaxis, ax.get_legend(), ax.title, *_titles(ax),
                              *(t for t in ax.texts if t.get_gid() != "bar-total")],
                         min_axes_width=4.5)
    return ax


def _titles(ax: Axes) -> list:
    """The left and right titles (matplotlib keeps them apart from ``ax.title``)."""
    return [getattr(ax, "_left_title", None), getattr(ax, "_right_title", None)]


def _stacked_segments(ax: Axes, y: np.ndarray, width: np.ndarray, left: np.ndarray,
                      height: float, color: str, label: str, gid: str) -> PolyCollection:
    """One pillar's bar segments: one labelled collection of rectangles (gid ``gid``).

    The rectangles are those ``ax.barh`` would draw (x from ``left``, width ``width``, centred
    on ``y``), drawn in one call instead of one patch per bar: for 194 countries the patches'
    creation and one-by-one drawing were a third of the chart's time. The caller sets both
    limits. The collection is the pillar's legend handle.
    """
    from matplotlib.collections import PolyCollection

    x0, x1 = left, left + width
    y0, y1 = y - height / 2, y + height / 2
    verts = np.stack([np.column_stack(c) for c in ((x0, y0), (x0, y1), (x1, y1), (x1, y0))],
                     axis=1)
    bars = PolyCollection(verts, facecolors=color, edgecolors="none", linewidths=0, zorder=2,
                          label=label, gid=gid)
    ax.add_collection(bars, autolim=False)
    return bars
