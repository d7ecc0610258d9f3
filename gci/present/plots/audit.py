"""Plots of a statistical audit (:mod:`gci.analysis.audit`): correlations, alpha/PCA, removals.

Each function draws into ``ax`` (a new figure when ``None``) and returns the Axes. Labels are
framework codes (identifiers checked by the framework loader), never free user text.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...analysis.audit import THRESHOLDS, Audit

BAR_COLOUR = "#4c72b0"
PC_COLOUR = "#dd8452"
LINE_COLOUR = "#c44e52"


def plot_correlation_heatmap(audit: Audit, ax: Any = None) -> Any:
    """Correlation of every pillar and indicator (rows) with every pillar and the index.

    Rows are in framework order; a line closes each pillar's block, and each row's own
    pillar is outlined, so a row darker outside its block than inside stands out.
    """
    import matplotlib.pyplot as plt

    m = audit.matrix
    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * m.shape[1] + 3, 0.28 * m.shape[0] + 1.5))
    im = ax.imshow(m.to_numpy(float), cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(m.shape[1]))
    ax.set_xticklabels(m.columns, rotation=30, ha="right")
    ax.set_yticks(range(m.shape[0]))
    ax.set_yticklabels(m.index)
    cols = list(m.columns)
    pillar_rows = [i for i, c in enumerate(m.index) if c in cols]
    for i in pillar_rows[1:]:
        ax.axhline(i - 0.5, color="black", linewidth=1)
    corr = audit.correlations.set_index("code")
    for i, code in enumerate(m.index):
        own = code if code in cols else corr.loc[code, "parent"]
        j = cols.index(own) if code not in cols else cols.index(code)
        ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black",
                                   linewidth=1.2))
        for jj in range(m.shape[1]):
            v = m.iat[i, jj]
            if np.isfinite(v):
                ax.text(jj, i, f"{v:.2f}", ha="center", va="center", fontsize=6,
                        color="white" if abs(v) > 0.6 else "black")
    ax.figure.colorbar(im, ax=ax, fraction=0.04, label=audit.settings.get("method", "pearson"))
    ax.set_title("Correlation with pillars and the index (own pillar outlined)")
    return ax


def plot_coherence(audit: Audit, ax: Any = None) -> Any:
    """Cronbach's alpha (on each pillar's children) and first-PC variance share per pillar."""
    import matplotlib.pyplot as plt

    c = audit.cronbach[audit.cronbach["on"] == "children"].set_index("pillar")
    p = audit.pca.set_index("pillar").reindex(c.index)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    x = np.arange(len(c))
    ax.bar(x - 0.2, c["alpha"].to_numpy(float), width=0.4, color=BAR_COLOUR,
           label="Cronbach's alpha (children)")
    ax.bar(x + 0.2, p["pc1_share"].to_numpy(float), width=0.4, color=PC_COLOUR,
           label="variance share of the first PC")
    thr = THRESHOLDS["cronbach_alpha"]["value"]
    ax.axhline(thr, color=LINE_COLOUR, linestyle="--", linewidth=1,
               label=f"alpha threshold {thr:g}")
    ax.set_xticks(x)
    ax.set_xticklabels(c.index, rotation=20, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title("Internal consistency per pillar")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, fontsize="small",
              frameon=False)
    return ax


def plot_removal(audit: Audit, level: str = "pillar", ax: Any = None) -> Any:
    """Rank change of every country when each element of ``level`` is removed (box + points)."""
    import matplotlib.pyplot as plt

    r = audit.removal[audit.removal["level"] == level]
    elements = list(dict.fromkeys(r["element"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.35 * len(elements) + 1.5))
    data = [r.loc[r["element"] == e, "change"].dropna().to_numpy(float) for e in elements]
    if elements:
        ax.boxplot(data, orientation="horizontal", widths=0.6, showfliers=False)
        rng = np.random.default_rng(0)
        for i, d in enumerate(data):
            ax.plot(d, i + 1 + rng.uniform(-0.15, 0.15, len(d)), ".", color=BAR_COLOUR,
                    alpha=0.4, markersize=3)
        ax.set_yticks(np.arange(1, len(elements) + 1))
        ax.set_yticklabels(elements)
        ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("rank change when removed (positive: better rank without it)")
    ax.set_title(f"Removing one {level} at a time ({audit.settings.get('ties', 'min')} ties)")
    return ax
