"""The named choices gci offers: tie rules, missing-answer policies, tier schemes.

Plain constants with no heavy import, so that the command line (``gci --help``, option
checking) loads neither numpy nor pandas. The modules that implement each choice import their
names from here: :mod:`gci.ranking` (tie rules), :mod:`gci.responses` (missing answers),
:mod:`gci.tiers` (tier schemes; a test checks that every name here has a scheme there).
"""

from __future__ import annotations

#: Tie rules of ranks (``dense`` is ITU's: 1, 2, 2, 3).
TIE_METHODS = ("dense", "min", "max", "average", "first")
#: The default tie rule.
DEFAULT_TIES = "dense"
#: Missing-answer policies.
MISSING_POLICIES = ("zero", "exclude", "group_mean", "group_median")
#: Names of the shipped tier schemes (:data:`gci.tiers.TIER_SCHEMES`).
TIER_SCHEME_NAMES = ("gci2024",)
