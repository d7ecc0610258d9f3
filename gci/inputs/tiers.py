"""Tiers: score bands with names (default: the five tiers of GCI 2024).

GCI 2024 replaced ranks by five tiers on the 0–100 scale. The thresholds below are those given
in the GCI 2024 report (a country is in the highest tier whose lower bound its score reaches):

====== ================= =========
tier   name              score ≥
====== ================= =========
1      Role-modelling    95
2      Advancing         85
3      Establishing      55
4      Evolving          20
5      Building          0
====== ================= =========

Rounding: a scheme compares scores **rounded to** ``decimals`` **places** (2 for GCI 2024, as the
scores are published and as ranks are compared), so a score that prints as 95.00 is Tier 1 and
float noise cannot move a country across a bound: 94.999999999 → 95.00 → Tier 1, 94.994 → 94.99
→ Tier 2. The bounds are inclusive (``score >= bound``). ``decimals=None`` compares exact values.

Other schemes are :class:`TierScheme` objects or mappings ``{name: lower_bound}``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class TierScheme:
    """Named score bands.

    Attributes
    ----------
    name : str
    labels : tuple of str
        Tier labels, best first.
    lower : tuple of float
        Lower bound of each tier (inclusive), best first, strictly decreasing.
    scale : float
        The maximum score the bounds refer to (100 for GCI 2024).
    decimals : int or None
        Scores are rounded to this many decimals before they are compared with the bounds
        (2: as published); ``None`` compares exact values.
    edition : str or None
        The edition whose scheme this is (e.g. ``"GCI 2024"``), for labels and messages; an
        edition that publishes tiers presents them before ranks.
    """

    name: str
    labels: tuple[str, ...]
    lower: tuple[float, ...]
    scale: float = 100.0
    decimals: int | None = 2
    edition: str | None = None

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.lower) or not self.labels:
            raise ValueError(f"tier scheme {self.name!r}: one lower bound per label is needed")
        if any(b >= a for a, b in zip(self.lower, self.lower[1:])):
            raise ValueError(f"tier scheme {self.name!r}: lower bounds must decrease strictly, "
                             f"got {self.lower}")

    def assign(self, scores: pd.Series) -> pd.Series:
        """Tier label of each score (missing for NaN and for scores below the lowest bound).

        Scores are rounded to :attr:`decimals` first; a score equal to a bound is in that tier.
        """
        s = scores.astype(float).to_numpy()
        if self.decimals is not None:
            s = np.round(s, self.decimals)
        bounds = np.asarray(self.lower)
        # number of bounds a score reaches, counted from the best tier down
        idx = (s[:, None] < bounds[None, :]).sum(axis=1)
        labels = np.asarray(self.labels + (None,), dtype=object)
        out = labels[idx]
        out[np.isnan(s)] = None
        return pd.Series(out, index=scores.index, name="tier", dtype=object)

    def fits(self, scale: float) -> bool:
        """Whether the scheme's bounds refer to scores of this scale."""
        return float(scale) == float(self.scale)


GCI2024 = TierScheme(
    "gci2024",
    ("Tier 1 - Role-modelling", "Tier 2 - Advancing", "Tier 3 - Establishing",
     "Tier 4 - Evolving", "Tier 5 - Building"),
    (95.0, 85.0, 55.0, 20.0, 0.0),
    100.0,
    decimals=2,
    edition="GCI 2024",
)

TIER_SCHEMES: dict[str, TierScheme] = {"gci2024": GCI2024}


def get_tier_scheme(name: str | TierScheme | None) -> TierScheme | None:
    """Look up a tier scheme by name (``None`` and ``"none"`` give ``None``)."""
    if name is None or isinstance(name, TierScheme):
        return name
    if name == "none":
        return None
    if name not in TIER_SCHEMES:
        raise KeyError(f"unknown tier scheme {name!r}; expected one of "
                       f"{', '.join(TIER_SCHEMES)} or none")
    return TIER_SCHEMES[name]
