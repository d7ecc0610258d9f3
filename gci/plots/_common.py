"""Helpers shared by the plot modules: choosing countries, sizing figures, tier bands.

It also owns the *fixed layout* of the long one-row-per-country charts: instead of matplotlib's
constrained layout (a solver that measures every tick label several times per draw, most of the
time of a 194-country chart), :func:`fit_fixed_layout` measures the few extents that matter once
and sets the margins; :func:`has_fixed_layout` then lets :func:`gci.plots.save_figure` skip the
``bbox_inches="tight"`` pass (one more full layout of every text) for such a figure.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import GCIError
from .colors import tier_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..result import ScoreResult
    from ..tiers import TierScheme


def region_names(result: ScoreResult) -> list[str]:
    """The groups (ITU regions by default) of the scored countries, sorted."""
    groups = result.groups.reindex(result.countries).dropna()
    return sorted(groups.unique())


def match_region(result: ScoreResult, region: str) -> str:
    """The group name matching ``region`` (case and spaces ignored), or a clear error."""
    names = region_names(result)
    folded = {" ".join(str(n).lower().split()): n for n in names}
    key = " ".join(str(region).lower().split())
    if key in folded:
        return folded[key]
    raise GCIError(f"unknown region {region!r}; expected one of: {', '.join(names)}")


def select_countries(result: ScoreResult, *, region: str | None = None, top: int | None = None,
                     countries: list[str] | None = None) -> list[str]:
    """ISO3 codes to plot, best overall score first (the order of ``result.scores``).

    Parameters
    ----------
    result : ScoreResult
    region : str, optional
        Keep one group (ITU region by default).
    top : int, optional
        Keep the ``top`` best countries (after the region filter).
    countries : list of str, optional
        Keep these countries (codes or names).
    """
    order = list(result.scores.index)
    if countries is not None:
        wanted = {result.country_code(c) for c in countries}
        order = [c for c in order if c in wanted]
    if region is not None:
        name = match_region(result, region)
        groups = result.groups.reindex(order)
        order = [c for c, g in zip(order, groups) if g == name]
    if top is not None:
        if top < 1:
            raise GCIError(f"top must be a positive number of countries, got {top}")
        order = order[:top]
    if not order:
        raise GCIError("no country left to plot after the region/country filters")
    return order


def label_fontsize(n: int) -> float:
    """Font size of one-per-country tick labels: smaller for long lists, never below 6 pt."""
    if n <= 30:
        return 9.0
    if n <= 80:
        return 7.5
    return 6.0


def row_height(n: int) -> float:
    """Height in inches of one country row (enough for its label at :func:`label_fontsize`)."""
    return 0.26 if n <= 30 else 0.17


def new_axes(width: float, height: float, *, layout: str | None = "constrained",
             **kwargs) -> Axes:
    """A new figure of ``width`` × ``height`` inches with one Axes (pyplot, for notebooks).

    ``layout=None``: no layout engine (the caller sets the margins, see
    :func:`fit_fixed_layout`).
    """
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=(width, height), layout=layout, **kwargs)
    return ax


#: Figures laid out by :func:`fit_fixed_layout`, with the artist count at that time.
_FIXED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _artist_count(fig) -> int:
    return (len(fig.axes) + len(fig.texts) + len(fig.legends) + len(fig.images)
            + sum(len(ax.get_children()) for ax in fig.axes))


def fit_fixed_layout(ax: Axes, *, min_axes_width: float = 4.5, pad: float = 0.12) -> None:
    """Set the margins of ``ax``'s figure from the extents of its labels, once.

    Measures the widest y tick label, the legend (when it sits outside the axes, on the right),
    the title with the texts above the axes, and the x tick labels with the x label; widens the
    figure when the names are so long that the axes would be narrower than ``min_axes_width``
    inches and heightens it when the legend is taller than the axes. Nothing is drawn.
    ``pad`` (inches) is left around everything.
    """
    import matplotlib.transforms as mtransforms
    from matplotlib.text import Text

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    to_in = 1.0 / fig.dpi
    ytick = [t for t in ax.get_yticklabels() if t.get_text()]
    # text measured at the figure's dpi can come out a few % narrower than drawn at a higher
    # savefig dpi (hinting): 6 % more room
    label_w = max((t.get_window_extent(renderer).width for t in ytick), default=0.0) * to_in
    label_w *= 1.06
    ypad = (ax.yaxis.get_major_ticks()[0].get_pad() if ytick else 0.0) / 72.0
    left = pad + label_w + ypad + 0.05
    legend = ax.get_legend()
    legend_w = legend_h = 0.0
    if legend is not None:
        box = legend.get_window_extent(renderer)
        legend_w, legend_h = box.width * to_in, box.height * to_in
    width, height = fig.get_size_inches()
    right = pad + legend_w + 0.02 * width
    axes_w = width - left - right
    if axes_w < min_axes_width:
        width += min_axes_width - axes_w
        right = pad + legend_w + 0.02 * width
    # above the axes: the title over its pad (which holds the texts drawn on the top edge)
    above = 0.0
    for loc in ("left", "center", "right"):
        if ax.get_title(loc=loc):
            probe = Text(text=ax.get_title(loc=loc), fontproperties=ax.title.get_fontproperties())
            probe.set_figure(fig)
            above = max(above, probe.get_window_extent(renderer).height * to_in)
    top_texts = [t for t in ax.texts
                 if isinstance(t.get_transform(), mtransforms.BlendedGenericTransform)]
    top_h = max((t.get_window_extent(renderer).height * to_in for t in top_texts), default=0.0)
    top = pad + above + max(top_h, _title_pad_in(ax)) + 0.05
    xt = [t for t in ax.get_xticklabels() if t.get_text()]
    xt_h = max((t.get_window_extent(renderer).height for t in xt), default=0.0) * to_in
    xlabel_h = (ax.xaxis.label.get_window_extent(renderer).height * to_in
                if ax.get_xlabel() else 0.0)
    tick = ax.xaxis.get_major_ticks()[0] if xt else None
    tick_in = ((tick.get_tick_padding() + tick.get_pad()) / 72.0) if tick is not None else 0.0
    bottom = pad + xt_h + tick_in + xlabel_h + ax.xaxis.labelpad / 72.0 + 0.05
    if height - top - bottom < legend_h:
        height = top + bottom + legend_h
    fig.set_size_inches(width, height)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height)
    _FIXED[fig] = _artist_count(fig)


def _title_pad_in(ax: Axes) -> float:
    """The gap (inches) between the top of the axes and its title."""
    import matplotlib.transforms as mtransforms

    off = ax.titleOffsetTrans
    if isinstance(off, mtransforms.ScaledTranslation):
        return float(off.get_matrix()[1, 2]) / ax.figure.dpi
    return 6.0 / 72.0


def has_fixed_layout(fig) -> bool:
    """Whether ``fig`` was laid out by :func:`fit_fixed_layout` and nothing was added since."""
    count = _FIXED.get(fig)
    return (count is not None and fig.get_layout_engine() is None
            and count == _artist_count(fig))


def tier_bounds(scheme: TierScheme) -> list[tuple[str, float, float]]:
    """(label, lower, upper) of every tier, best first; the best tier ends at the scale."""
    uppers = (scheme.scale, *scheme.lower[:-1])
    return list(zip(scheme.labels, scheme.lower, uppers))


def draw_tier_bands(ax: Axes, scheme: TierScheme, *, axis: str = "x",
                    alpha: float = 0.35) -> list:
    """Shade each tier's score range on ``ax`` (behind the data), labelled with the tier name.

    Returns the band artists (their ``get_label()`` is the tier label).
    """
    import matplotlib.transforms as mtransforms

    colors = tier_colors(scheme)
    bands = []
    for label, lo, hi in tier_bounds(scheme):
        span = ax.axvspan if axis == "x" else ax.axhspan
        band = span(lo, hi, color=colors[label], alpha=alpha, zorder=0, lw=0, label=label)
        band.set_gid("tier-band")
        bands.append(band)
        short = label.split(" - ")[0]
        if axis == "x":
            trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
            ax.text((lo + hi) / 2, 1.0, short, transform=trans, ha="center", va="bottom",
                    fontsize=7, color="#444444", clip_on=False)
        else:
            trans = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
            ax.text(1.0, (lo + hi) / 2, " " + short, transform=trans, ha="left",
                    va="center", fontsize=7, color="#444444", clip_on=False)
    return bands


def nan_to_zero(values: pd.DataFrame | np.ndarray) -> np.ndarray:
    """Values as floats with NaN (unavailable) drawn as 0."""
    return np.nan_to_num(np.asarray(values, dtype=float))
