"""Helpers shared by the plot modules: choosing countries, sizing figures, tier bands."""

from __future__ import annotations

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


def new_axes(width: float, height: float, **kwargs) -> Axes:
    """A new figure of ``width`` × ``height`` inches with one Axes (pyplot, for notebooks)."""
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=(width, height), layout="constrained", **kwargs)
    return ax


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
