"""Plot of a Monte Carlo uncertainty run: median rank and 5–95% interval per country."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .sanitise import for_plot
from .uncertainty import UncertaintyResult

INTERVAL_COLOUR = "#4c72b0"
MEDIAN_COLOUR = "#1f3a68"
NOMINAL_COLOUR = "#dd8452"


def plot_rank_intervals(result: UncertaintyResult | pd.DataFrame, ax: Any = None, *,
                        top: int | None = None, countries: list[str] | None = None,
                        label: str = "iso3") -> Any:
    """Median rank (dot) and 5–95% interval (bar) of each country, with the nominal rank.

    Countries are drawn top to bottom in nominal-rank order, one row each.

    Parameters
    ----------
    result : UncertaintyResult or its ``table``
    ax : matplotlib Axes, optional
        Drawn into (a new figure when ``None``).
    top : int, optional
        Only the ``top`` countries by nominal rank.
    countries : list of str, optional
        Only these countries (ISO3).
    label : {"iso3", "name"}
        Row labels.

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
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.5, 0.22 * len(t) + 1)))
    y = np.arange(len(t))
    ax.hlines(y, t[lo_col].to_numpy(float), t[hi_col].to_numpy(float),
              colors=INTERVAL_COLOUR, linewidth=3, alpha=0.6,
              label=f"{lo_col[1:-5]}–{hi_col[1:-5]}% interval")
    ax.plot(t["median_rank"].to_numpy(float), y, "o", color=MEDIAN_COLOUR, markersize=4,
            label="median rank")
    ax.plot(t["nominal_rank"].to_numpy(float), y, "|", color=NOMINAL_COLOUR, markersize=10,
            markeredgewidth=2, label="nominal rank")
    ax.set_yticks(y)
    ax.set_yticklabels([for_plot(s) for s in (t.index if label == "iso3" else t["name"])])
    ax.invert_yaxis()
    ax.set_xlabel("rank (1 = best)")
    ax.set_title("Rank uncertainty over modelling choices")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return ax
