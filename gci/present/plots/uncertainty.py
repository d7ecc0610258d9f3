"""Plot of a Monte Carlo uncertainty run: median rank and 5–95% interval per country."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...analysis.uncertainty import UncertaintyResult
from ...sanitise import for_plot

INTERVAL_COLOUR = "#4c72b0"
MEDIAN_COLOUR = "#1f3a68"
NOMINAL_COLOUR = "#dd8452"


def plot_rank_intervals(result: UncertaintyResult | pd.DataFrame, ax: Any = None, *,
                        top: int | None = None, countries: list[str] | None = None,
                        label: str = "name") -> Any:
    """Median rank (dot) and 5–95% interval (bar) of each country, with the nominal rank.

    Countries are drawn top to bottom in nominal-rank order, one row each, labelled with their
    names (readable at any length: the figure grows with the number of rows); the legend sits
    above the axes, so it never covers an interval.

    Parameters
    ----------
    result : UncertaintyResult or its ``table``
    ax : matplotlib Axes, optional
        Drawn into (a new figure when ``None``).
    top : int, optional
        Only the ``top`` countries by nominal rank.
    countries : list of str, optional
        Only these countries (ISO3).
    label : {"name", "iso3"}
        Row labels: country names (the default; ISO3 codes when the table has no ``name``
        column) or ISO3 codes.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    table = result.table if isinstance(result, UncertaintyResult) else result
    lo_col = next(c for c in table.columns if c.startswith("p") and c.endswith("_rank")
                  and c != "median_rank")
    hi_col = [c for c in table.columns if c.startswith("p") and c.endswith("_rank")][-1]
    t = table.sort_values("nominal_rank", kind="stable")
    if countries is not None:
        t = t[t.index.isin(countries)]
    if top is not None:
        t = t.head(top)
    if label not in ("name", "iso3"):
        raise ValueError(f"label {label!r}: expected 'name' or 'iso3'")
    use_names = label == "name" and "name" in t.columns
    labels = [for_plot(s) for s in (t["name"] if use_names else t.index)]
    n = len(t)
    fontsize = 9.0 if n <= 30 else 7.5 if n <= 80 else 6.0
    if ax is None:
        longest = max((len(s) for s in labels), default=4)
        width = 6.5 + min(longest, 40) * 0.075
        _, ax = plt.subplots(figsize=(width, max(3.0, (0.26 if n <= 30 else 0.17) * n + 1.4)),
                             layout="constrained")
    y = np.arange(len(t))
    ax.hlines(y, t[lo_col].to_numpy(float), t[hi_col].to_numpy(float),
              colors=INTERVAL_COLOUR, linewidth=3, alpha=0.6,
              label=f"{lo_col[1:-5]}–{hi_col[1:-5]}% interval")
    ax.plot(t["median_rank"].to_numpy(float), y, "o", color=MEDIAN_COLOUR, markersize=4,
            label="median rank")
    ax.plot(t["nominal_rank"].to_numpy(float), y, "|", color=NOMINAL_COLOUR, markersize=10,
            markeredgewidth=2, label="nominal rank")
    ax.set_yticks(y, labels=labels, fontsize=fontsize)
    ax.set_ylim(n - 0.5, -0.5)  # nominal rank 1 at the top
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("rank (1 = best)")
    ax.set_title("Rank uncertainty over modelling choices", loc="left", pad=26)
    ax.grid(axis="x", alpha=0.3)
    # above the axes, in one row: never over an interval
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize="small",
              frameon=False, borderaxespad=0.2)
    return ax
