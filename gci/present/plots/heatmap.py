"""Indicator heatmap: countries × indicators, columns grouped by pillar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...sanitise import for_plot
from ._common import (
    TEXT_RC,
    draw_row_labels,
    fit_fixed_layout,
    label_fontsize,
    new_axes,
    row_height,
    select_countries,
)
from .colors import pillar_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...engine.result import ScoreResult


def indicator_table(result: ScoreResult, order: list[str]) -> pd.DataFrame:
    """Credit (0–1) of the indicators (depth-2 nodes, framework order) for ``order``'s rows."""
    codes = [n.code for n in result.framework.indicators]
    return result.credit(codes).loc[order]


def indicator_heatmap(result: ScoreResult, *, region: str | None = None, top: int | None = None,
                      countries: list[str] | None = None, cmap: str = "YlGnBu",
                      annotate_max: int = 600, ax: Axes | None = None) -> Axes:
    """Heatmap of indicator credit: one row per country (best first), one column per indicator.

    Columns follow the framework (so indicators of one pillar sit together); a thin line separates
    pillars and a band in the pillar's colour labels each group. Cells show credit 0–1 (share of
    the indicator's maximum); unavailable cells are blank. The cells are one
    :class:`~matplotlib.collections.QuadMesh` (gid ``indicator-heatmap``; ``get_array()`` is the
    countries × indicators table); the country names are texts left of the rows
    (:func:`gci.present.plots._common.row_labels`). The colour scale starts at the lowest
    credit shown (:func:`colour_floor`), so differences inside a high-scoring group show; with
    at most ``annotate_max`` cells each cell also carries its value.

    Parameters
    ----------
    result : ScoreResult
    region, top, countries
        Which countries (see :func:`gci.present.plots._common.select_countries`).
    cmap : str
        Matplotlib colormap name.
    annotate_max : int
        Write the value in each cell when there are at most this many cells (0: never).
    ax : Axes, optional
        Draw here; default a new figure whose height grows with the number of countries.

    Returns
    -------
    Axes
    """
    order = select_countries(result, region=region, top=top, countries=countries)
    n = len(order)
    fw = result.framework
    table = indicator_table(result, order)
    own = ax is None
    if own:
        # margins fitted once at the end (fit_fixed_layout), not by constrained layout
        ax = new_axes(3.5 + 0.38 * table.shape[1], 3.2 + row_height(n) * n, layout=None)
    values = table.to_numpy(float)
    data = np.ma.masked_invalid(values)
    vmin = colour_floor(values)
    # one quadrilateral per cell (a QuadMesh, drawn by Agg in one call): an image would be
    # resampled and colour-mapped at the full size of the page, several times the work
    rows, cols = values.shape
    mesh = ax.pcolormesh(np.arange(cols + 1) - 0.5, np.arange(rows + 1) - 0.5, data,
                         cmap=cmap, vmin=vmin, vmax=1.0, shading="flat")
    mesh.set_gid("indicator-heatmap")
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)  # best country at the top, as an image would be
    names = [for_plot(n) for n in result.scores.loc[order, "name"]]
    # texts where the tick labels would be: no tick object per country
    draw_row_labels(ax, names, fontsize=label_fontsize(n), pad=3.5)
    ax.set_xticks(np.arange(table.shape[1]),
                  labels=[for_plot(fw.nodes[c].name) for c in table.columns], rotation=60,
                  ha="right", rotation_mode="anchor", fontsize=8)
    ax.tick_params(length=0)
    colors = pillar_colors(fw)
    pillar_of = [fw.pillar_of(c) for c in table.columns]
    trans = _points_above(ax)  # x: columns; y: points above the axes (any figure height)
    start = 0
    for i in range(1, len(pillar_of) + 1):
        if i == len(pillar_of) or pillar_of[i] != pillar_of[start]:
            code = pillar_of[start]
            if i < len(pillar_of):
                ax.axvline(i - 0.5, color="white", lw=2.5)
            ax.add_patch(_band(start - 0.5, i - start, colors[code], trans, code))
            ax.text((start + i - 1) / 2, 10, for_plot(fw.nodes[code].name), transform=trans,
                    ha="center", va="bottom", fontsize=7, color=colors[code],
                    fontweight="bold", clip_on=False)
            start = i
    for tick, code in zip(ax.get_xticklabels(), pillar_of):
        tick.set_color(colors[code])
    if own:  # placed by _place_colorbar once the margins are known
        cbar = ax.figure.colorbar(mesh, cax=ax.figure.add_axes((0.0, 0.0, 0.02, 0.5)))
    else:
        cbar = ax.figure.colorbar(mesh, ax=ax, shrink=min(1.0, 6.0 / max(n * row_height(n), 1)),
                                  pad=0.02)
    cbar.set_label("Indicator credit (share of maximum)"
                   + (f"; scale starts at {vmin:.1f}" if vmin > 0 else ""))
    if values.size <= annotate_max:
        import matplotlib.colors as mcolors

        norm = mcolors.Normalize(vmin=vmin, vmax=1.0)
        cm = mesh.get_cmap()
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                r, g, b, _ = cm(norm(v))
                light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6.5,
                        color="#111111" if light else "white", gid="cell-value")
    title = "Indicator scores"
    if region:
        title += f" — {result.groups.get(order[0], region)}"
    ax.set_title(for_plot(title), loc="left", pad=24)
    if own:
        _place_colorbar(ax, cbar)
    return ax


#: Colorbar width and its gap from the heatmap (inches); its greatest height.
_CBAR_WIDTH, _CBAR_GAP, _CBAR_MAX_HEIGHT = 0.16, 0.15, 6.0


def _place_colorbar(ax: Axes, cbar) -> None:
    """Fit the margins (heatmap labels, pillar bands, colorbar) and put the colorbar right."""
    import matplotlib

    with matplotlib.rc_context(TEXT_RC):  # measured as save_figure draws
        _fit_with_colorbar(ax, cbar)


def _fit_with_colorbar(ax: Axes, cbar) -> None:
    fig = ax.figure
    cax = cbar.ax
    renderer = fig.canvas.get_renderer()
    # what the colorbar's ticks and label take beyond its own box
    deco = (cax.get_tightbbox(renderer).x1 - cax.get_window_extent(renderer).x1) / fig.dpi
    right = _CBAR_GAP + _CBAR_WIDTH + 1.1 * deco
    titles = [getattr(ax, "_left_title", None), ax.title]
    outside = [ax.yaxis, ax.xaxis, *titles,
               *(t for t in ax.texts if t.get_gid() != "cell-value"),
               *(p for p in ax.patches if str(p.get_gid()).startswith("pillar-band"))]
    fit_fixed_layout(ax, outside, extra=(0.0, 0.0, right, 0.0), min_axes_width=2.0)
    # the colorbar's label runs along it: the cells must be at least that tall
    label = 1.1 * cax.yaxis.label.get_window_extent(renderer).height / fig.dpi + 0.1
    width, height = fig.get_size_inches()
    pos = ax.get_position()
    if pos.height * height < label:
        fig.set_size_inches(width, height + label - pos.height * height)
        fit_fixed_layout(ax, outside, extra=(0.0, 0.0, right, 0.0), min_axes_width=2.0)
        width, height = fig.get_size_inches()
        pos = ax.get_position()
    h = min(pos.height, max(_CBAR_MAX_HEIGHT, label) / height)
    cax.set_position((pos.x1 + _CBAR_GAP / width, pos.y0 + (pos.height - h) / 2,
                      _CBAR_WIDTH / width, h))


def _points_above(ax: Axes):
    """Transform: x in data units, y in points above the top of the axes."""
    import matplotlib.transforms as mtransforms

    points = (mtransforms.Affine2D().scale(1 / 72) + ax.figure.dpi_scale_trans
              + mtransforms.ScaledTranslation(0, 1, ax.transAxes))
    return mtransforms.blended_transform_factory(ax.transData, points)


def colour_floor(values: np.ndarray) -> float:
    """Lower end of the colour scale: the lowest credit shown, down to a multiple of 0.1.

    With a top group whose credits are all between 0.7 and 1, the colours spread over 0.7–1
    instead of crowding into the darkest tenth of a 0–1 scale. At most ``0.9`` (a scale of
    width 0.1 when every credit shown is 1); ``0.0`` when a credit is below 0.1 or none is
    available.
    """
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0.0
    return min(0.9, float(np.floor(round(finite.min() * 10, 9)) / 10))


def _band(x0: float, width: float, color: str, trans, code: str):
    from matplotlib.patches import Rectangle

    band = Rectangle((x0, 2.0), width, 6.0, transform=trans, color=color, clip_on=False,
                     gid=f"pillar-band-{code}", label=code)
    return band
