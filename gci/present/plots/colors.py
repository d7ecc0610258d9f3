"""The colours every gci plot uses: one colour per pillar, one per tier.

Pillars take the colours of :data:`PILLAR_PALETTE` in framework order, so the first pillar
(``legal`` in the shipped framework) has the same colour in the pillar bars, the radar, the
heatmap's pillar labels and the HTML profile. The palette is Okabe & Ito's colour-blind-safe set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...inputs.framework import Framework
    from ...inputs.tiers import TierScheme

#: Pillar colours in framework order (Okabe-Ito; repeats after eight pillars).
PILLAR_PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
)

#: Tier colours, best tier first (dark to light green, then greys for the lowest tiers).
TIER_PALETTE: tuple[str, ...] = ("#1a7f37", "#57ab5a", "#a8d5a2", "#e6e6e6", "#cccccc",
                                 "#b3b3b3", "#999999")

#: Colours of the comparison series (the country itself, its region, the world).
SERIES_COLORS: dict[str, str] = {"country": "#0072B2", "region": "#E69F00", "world": "#555555"}

#: Colours of rank changes in slope charts.
CHANGE_COLORS: dict[str, str] = {"up": "#009E73", "down": "#D55E00", "same": "#999999"}


def pillar_colors(framework: Framework) -> dict[str, str]:
    """Colour of every pillar of ``framework``, by pillar code (framework order).

    Parameters
    ----------
    framework : Framework

    Returns
    -------
    dict
        Pillar code → hex colour.
    """
    codes = [p.code for p in framework.pillars]
    return {c: PILLAR_PALETTE[i % len(PILLAR_PALETTE)] for i, c in enumerate(codes)}


def tier_colors(scheme: TierScheme) -> dict[str, str]:
    """Colour of every tier of ``scheme``, by tier label (best tier first)."""
    return {label: TIER_PALETTE[min(i, len(TIER_PALETTE) - 1)]
            for i, label in enumerate(scheme.labels)}
