"""Score distribution by region (box + strip plot) and tier counts per region."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...errors import GCIError
from ...sanitise import for_plot
from ._common import draw_tier_bands, new_axes, region_names
from .colors import tier_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...engine.result import ScoreResult


def scores_by_region(result: ScoreResult) -> dict[str, np.ndarray]:
    """Overall scores of each group (ITU region by default), groups sorted by name."""
    overall = result.overall
    groups = result.groups.reindex(overall.index)
    return {r: overall[groups == r].dropna().to_numpy() for r in region_names(result)}


def score_distribution(result: ScoreResult, *, kind: str = "box", tiers: bool = True,
                       seed: int = 0, ax: Axes | None = None) -> Axes:
    """Overall scores by region: a box plot with every country as a dot, or dots only.

    Parameters
    ----------
    result : ScoreResult
    kind : {"box", "strip"}
        ``box``: box plot (median, quartiles, whiskers at 1.5 IQR) with the countries overlaid;
        ``strip``: the countries only, jittered sideways.
    tiers : bool
        Shade the tier bands.
    seed : int
        Seed of the sideways jitter (the plot is reproducible).
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    if kind not in ("box", "strip"):
        raise GCIError(f"distribution kind {kind!r}; expected box or strip")
    data = scores_by_region(result)
    regions = list(data)
    if ax is None:
        ax = new_axes(max(6.0, 1.3 * len(regions) + 2), 5.0)
    pos = np.arange(1, len(regions) + 1)
    if kind == "box":
        ax.boxplot([data[r] for r in regions], positions=pos, widths=0.55, showfliers=False,
                   medianprops={"color": "#222222", "lw": 1.8, "gid": "median"},
                   boxprops={"color": "#444444"}, whiskerprops={"color": "#444444"},
                   capprops={"color": "#444444"}, zorder=2)
    rng = np.random.default_rng(seed)
    for p, r in zip(pos, regions):
        y = data[r]
        x = p + rng.uniform(-0.18, 0.18, size=len(y))
        ax.scatter(x, y, s=12, color="#0072B2", alpha=0.7, lw=0, zorder=3, gid=f"strip-{r}")
    if tiers and result.tier_scheme is not None:
        draw_tier_bands(ax, result.tier_scheme, axis="y", alpha=0.3)
    ax.set_xticks(pos, labels=[f"{for_plot(r)}\n(n={len(data[r])})" for r in regions],
                  fontsize=8)
    ax.set_xlim(0.4, len(regions) + 0.6)
    ax.set_ylim(0, result.scale)
    ax.set_ylabel(f"Overall score (of {result.scale:g})")
    ax.set_title("Overall score by region", loc="left")
    return ax


def tier_table(result: ScoreResult) -> pd.DataFrame:
    """Number of countries of each tier (columns, best first) in each group (rows)."""
    if result.tier_scheme is None:
        raise GCIError("this result has no tiers (it was scored with tiers=None)")
    ranks = result.ranks
    groups = result.groups.reindex(ranks.index)
    table = pd.crosstab(groups, ranks["tier"])
    table = table.reindex(index=region_names(result), columns=list(result.tier_scheme.labels),
                          fill_value=0)
    table.index.name, table.columns.name = "region", "tier"
    return table


def tier_counts(result: ScoreResult, *, ax: Axes | None = None) -> Axes:
    """Stacked bars: how many countries of each region are in each tier.

    Returns
    -------
    Axes
    """
    table = tier_table(result)
    if ax is None:
        ax = new_axes(max(6.0, 1.3 * len(table) + 2), 4.5)
    colors = tier_colors(result.tier_scheme)
    pos = np.arange(len(table))
    bottom = np.zeros(len(table))
    for label in table.columns:
        h = table[label].to_numpy(float)
        bars = ax.bar(pos, h, bottom=bottom, color=colors[label], label=label,
                      edgecolor="white", lw=0.6, gid=f"tier-{label}")
        ax.bar_label(bars, labels=[f"{v:g}" if v else "" for v in h], label_type="center",
                     fontsize=7)
        bottom += h
    ax.set_xticks(pos, labels=[for_plot(r) for r in table.index], fontsize=8)
    ax.set_ylabel("Countries")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title("Tiers by region", loc="left")
    return ax
