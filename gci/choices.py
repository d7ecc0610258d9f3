"""The named choices gci offers: tie rules, missing-answer policies, tier schemes, regions.

Plain constants with no heavy import, so that the command line (``gci --help``, option
checking) loads neither numpy nor pandas. The modules that implement each choice import their
names from here: :mod:`gci.engine.ranking` (tie rules), :mod:`gci.inputs.responses` (missing
answers),
:mod:`gci.inputs.tiers` (tier schemes; a test checks that every name here has a scheme there).
The command line checks its options against these names before it reads any data file
(:func:`match_choice` lists the choices and suggests the closest).
"""

from __future__ import annotations

from collections.abc import Iterable

#: Tie rules of ranks (``dense`` is ITU's: 1, 2, 2, 3).
TIE_METHODS = ("dense", "min", "max", "average", "first")
#: The default tie rule.
DEFAULT_TIES = "dense"
#: Missing-answer policies.
MISSING_POLICIES = ("zero", "exclude", "group_mean", "group_median")
#: Names of the shipped tier schemes (:data:`gci.inputs.tiers.TIER_SCHEMES`).
TIER_SCHEME_NAMES = ("gci2024",)
#: Built-in aggregation methods (:data:`gci.engine.aggregate.AGGREGATORS`; a test checks the names).
AGGREGATION_METHODS = ("arithmetic", "geometric", "harmonic", "geometric_shifted")


def itu_regions() -> tuple[str, ...]:
    """The six ITU regions, read from the shipped ``gci/data/itu_regions.csv`` without pandas.

    (:func:`gci.inputs.countries.itu_regions` is the full table; this is the list of names only, for
    checking ``--region`` before any data is read.)
    """
    import csv
    from importlib import resources

    path = resources.files("gci.data").joinpath("itu_regions.csv")
    with path.open("r", encoding="utf-8", newline="") as fh:
        return tuple(sorted({row["itu_region"] for row in csv.DictReader(fh)}))


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the choice closest to ``value`` (case ignored), or ``""``."""
    import difflib

    by_fold = {str(c).casefold(): str(c) for c in choices}
    close = difflib.get_close_matches(str(value).casefold(), list(by_fold), n=1, cutoff=0.6)
    return f"; did you mean {by_fold[close[0]]}?" if close else ""


def match_choice(value: str, choices: Iterable[str], what: str) -> str:
    """The choice equal to ``value`` (case ignored), or a ValueError listing every choice.

    The message names ``what`` (e.g. ``"region"``), lists the choices and suggests the
    closest one.
    """
    choices = list(choices)
    for c in choices:
        if str(c).casefold() == str(value).strip().casefold():
            return c
    raise ValueError(f"unknown {what} {value!r}; expected one of: {', '.join(choices)}"
                     f"{did_you_mean(value, choices)}")
