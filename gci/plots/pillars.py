"""Pillar breakdown: one stacked horizontal bar per country, its pillar points side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..sanitise import for_plot
from ._common import (
    draw_tier_bands,
    label_fontsize,
    nan_to_zero,
    new_axes,
    row_height,
    select_countries,
)
from .colors import pillar_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..result import ScoreResult


def pillar_bars(result: ScoreResult, *, region: str | None = None, top: int | None = None,
                countries: list[str] | None = None, tiers: bool = True,
                ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars of each country's pillar points, best overall score on top.

    Each bar segment is one pillar's points (its contribution to the overall score; under
    arithmetic aggregation the segments add up to the overall score). Pillars keep the colours
    of :func:`gci.plots.colors.pillar_colors`; tier bands are shaded behind the bars.

    Parameters
    ----------
    result : ScoreResult
    region, top, countries
        Which countries (see :func:`gci.plots._common.select_countries`).
    tiers : bool
        Shade the tier bands (when the result has a tier scheme).
    ax : Axes, optional
        Draw here; default a new figure whose height grows with the number of countries.

    Returns
    -------
    Axes
    """
    order = select_countries(result, region=region, top=top, countries=countries)
    n = len(order)
    if ax is None:
        ax = new_axes(9.0, 1.6 + row_height(n) * n)
    fw = result.framework
    colors = pillar_colors(fw)
    points = result.pillars.loc[order]
    names = [for_plot(n) for n in result.scores.loc[order, "name"]]
    y = np.arange(n)
    left = np.zeros(n)
    height = 0.8 if n <= 60 else 0.9
    for pillar in fw.pillars:
        width = nan_to_zero(points[pillar.code])
        ax.barh(y, width, left=left, height=height, color=colors[pillar.code],
                label=for_plot(pillar.name), gid=f"pillar-{pillar.code}", zorder=2)
        left = left + width
    if tiers and result.tier_scheme is not None:
        draw_tier_bands(ax, result.tier_scheme, axis="x")
    ax.set_yticks(y, labels=names, fontsize=label_fontsize(n))
    ax.set_ylim(n - 0.5, -0.5)  # best country at the top
    ax.set_xlim(0, result.scale)
    ax.set_xlabel(f"Points (overall score out of {result.scale:g})")
    ax.tick_params(axis="y", length=0)
    ax.legend(handles=ax.containers, loc="lower right", fontsize=8, framealpha=0.9)
    title = "Pillar breakdown"
    if region:
        title += f" — {result.groups.get(order[0], region)}"
    ax.set_title(for_plot(title), loc="left", pad=14)
    return ax
