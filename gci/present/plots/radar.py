"""Country radar: one country's pillar scores against its region's mean and the world mean."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...errors import GCIError
from ...sanitise import for_plot
from ._common import new_axes
from .colors import SERIES_COLORS, pillar_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...engine.result import ScoreResult


def pillar_comparison(result: ScoreResult, iso3: str) -> pd.DataFrame:
    """A country's pillar scores (% of each pillar's maximum) with its region's and the world's.

    Returns
    -------
    DataFrame
        Index: pillar codes; columns ``name``, ``country``, ``region``, ``world`` (0–100) and
        ``points``, ``max_points`` (the country's points and the pillar's nominal maximum).
        Means are over the scored countries with the pillar available.
    """
    iso3 = result.country_code(iso3)
    codes = [p.code for p in result.framework.pillars]
    pct = result.credit(codes) * 100.0
    group = result.groups.reindex(result.countries)
    region = group.get(iso3)
    same = (group == region).to_numpy() if isinstance(region, str) else np.zeros(len(group), bool)
    out = pd.DataFrame(index=pd.Index(codes, name="pillar"))
    out["name"] = [result.framework.nodes[c].name for c in codes]
    out["country"] = pct.loc[iso3]
    out["region"] = pct[same].mean() if same.any() else np.nan
    out["world"] = pct.mean()
    out["points"] = result.pillars.loc[iso3]
    out["max_points"] = result.effective_weights["max_points"].reindex(codes)
    return out


def radar(result: ScoreResult, country: str, *, compare: tuple[str, ...] = ("region", "world"),
          ax: Axes | None = None) -> Axes:
    """Radar (polar) chart of a country's pillar scores, 0–100 % of each pillar's maximum.

    The country's polygon has one vertex per pillar (in framework order, starting at the top and
    going clockwise), at the pillar's credit × 100. Its region's mean and the world mean are drawn
    as dashed outlines. Pillar labels take the pillar colours.

    Parameters
    ----------
    result : ScoreResult
    country : str
        ISO3 code or unambiguous name.
    compare : tuple of {"region", "world"}
        Reference polygons to draw.
    ax : Axes, optional
        A *polar* Axes; default a new figure.

    Returns
    -------
    Axes
    """
    iso3 = result.country_code(country)
    if ax is None:
        ax = new_axes(6.0, 5.4, subplot_kw={"projection": "polar"})
    elif ax.name != "polar":
        raise GCIError("radar needs a polar Axes: plt.subplots(subplot_kw={'projection': "
                       "'polar'})")
    table = pillar_comparison(result, iso3)
    n = len(table)
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    closed = np.append(theta, theta[0])
    region = result.groups.get(iso3)
    labels = {"country": for_plot(result.scores.loc[iso3, "name"]),
              "region": for_plot(f"{region} mean") if isinstance(region, str) else "region mean",
              "world": "World mean"}
    for key in compare:
        if key not in ("region", "world"):
            raise GCIError(f"radar compare: unknown series {key!r}; expected region or world")
        vals = np.nan_to_num(table[key].to_numpy(float))
        ax.plot(closed, np.append(vals, vals[0]), ls="--", lw=1.4, color=SERIES_COLORS[key],
                label=labels[key], gid=f"radar-{key}")
    vals = np.nan_to_num(table["country"].to_numpy(float))
    ax.fill(theta, vals, color=SERIES_COLORS["country"], alpha=0.25, gid="radar-country-fill")
    ax.plot(closed, np.append(vals, vals[0]), lw=2.2, marker="o", ms=4,
            color=SERIES_COLORS["country"], label=labels["country"], gid="radar-country")
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100], labels=["20", "40", "60", "80", "100%"], fontsize=7,
                  color="#666666")
    ax.set_xticks(theta, labels=[_wrap(for_plot(s)) for s in table["name"]], fontsize=9)
    colors = pillar_colors(result.framework)
    for tick, code in zip(ax.get_xticklabels(), table.index):
        tick.set_color(colors[code])
        tick.set_fontweight("bold")
    ax.tick_params(axis="x", pad=16)
    ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.12), fontsize=8, frameon=False)
    ax.set_title(f"{labels['country']} ({for_plot(iso3)}): pillar scores, % of maximum", pad=26,
                 fontsize=11)
    return ax


def _wrap(text: str, width: int = 14) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)
