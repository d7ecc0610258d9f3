"""Indicator heatmap: countries × indicators, columns grouped by pillar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..sanitise import for_plot
from ._common import label_fontsize, new_axes, row_height, select_countries
from .colors import pillar_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..result import ScoreResult


def indicator_table(result: ScoreResult, order: list[str]) -> pd.DataFrame:
    """Credit (0–1) of the indicators (depth-2 nodes, framework order) for ``order``'s rows."""
    codes = [n.code for n in result.framework.indicators]
    return result.credit(codes).loc[order]


def indicator_heatmap(result: ScoreResult, *, region: str | None = None, top: int | None = None,
                      countries: list[str] | None = None, cmap: str = "YlGnBu",
                      ax: Axes | None = None) -> Axes:
    """Heatmap of indicator credit: one row per country (best first), one column per indicator.

    Columns follow the framework (so indicators of one pillar sit together); a thin line separates
    pillars and a band in the pillar's colour labels each group. Cells show credit 0–1 (share of
    the indicator's maximum); unavailable cells are blank.

    Parameters
    ----------
    result : ScoreResult
    region, top, countries
        Which countries (see :func:`gci.plots._common.select_countries`).
    cmap : str
        Matplotlib colormap name.
    ax : Axes, optional
        Draw here; default a new figure whose height grows with the number of countries.

    Returns
    -------
    Axes
    """
    import matplotlib.transforms as mtransforms

    order = select_countries(result, region=region, top=top, countries=countries)
    n = len(order)
    fw = result.framework
    table = indicator_table(result, order)
    if ax is None:
        ax = new_axes(3.5 + 0.38 * table.shape[1], 3.2 + row_height(n) * n)
    data = np.ma.masked_invalid(table.to_numpy(float))
    image = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0.0, vmax=1.0,
                      interpolation="nearest")
    image.set_gid("indicator-heatmap")
    names = [for_plot(n) for n in result.scores.loc[order, "name"]]
    ax.set_yticks(np.arange(n), labels=names, fontsize=label_fontsize(n))
    ax.set_xticks(np.arange(table.shape[1]),
                  labels=[for_plot(fw.nodes[c].name) for c in table.columns], rotation=60,
                  ha="right", rotation_mode="anchor", fontsize=8)
    ax.tick_params(length=0)
    colors = pillar_colors(fw)
    pillar_of = [fw.pillar_of(c) for c in table.columns]
    trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    start = 0
    for i in range(1, len(pillar_of) + 1):
        if i == len(pillar_of) or pillar_of[i] != pillar_of[start]:
            code = pillar_of[start]
            if i < len(pillar_of):
                ax.axvline(i - 0.5, color="white", lw=2.5)
            ax.add_patch(_band(start - 0.5, i - start, colors[code], trans, code))
            ax.text((start + i - 1) / 2, 1.025, for_plot(fw.nodes[code].name), transform=trans,
                    ha="center", va="bottom", fontsize=7, color=colors[code],
                    fontweight="bold", clip_on=False)
            start = i
    for tick, code in zip(ax.get_xticklabels(), pillar_of):
        tick.set_color(colors[code])
    cbar = ax.figure.colorbar(image, ax=ax, shrink=min(1.0, 6.0 / max(n * row_height(n), 1)),
                              pad=0.02)
    cbar.set_label("Indicator credit (share of maximum)")
    ax.set_title("Indicator scores", loc="left", pad=24)
    return ax


def _band(x0: float, width: float, color: str, trans, code: str):
    from matplotlib.patches import Rectangle

    band = Rectangle((x0, 1.0), width, 0.02, transform=trans, color=color, clip_on=False,
                     gid=f"pillar-band-{code}", label=code)
    return band
