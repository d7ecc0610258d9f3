"""Ranking with a stated tie rule.

ITU's published GCI tables rank with **dense** ties: countries with equal scores share a rank and
the next score gets the next integer (1, 2, 3, 3, 3, 4 …). This is derived from, and tested
against, every published edition in ``gci/data/gci_published_scores.csv`` (2014, 2017, 2018,
2020). Other tie rules are available by name:

``dense``    1, 2, 2, 3 (ITU; the default)
``min``      1, 2, 2, 4 (competition ranking)
``max``      1, 3, 3, 4
``average``  1, 2.5, 2.5, 4
``first``    1, 2, 3, 4 (ties broken by input order)

Scores are compared after rounding to ``decimals`` places when given (ITU publishes two
decimals on the 0–100 scale, three on the 0–1 scale), so that two scores that print the same
rank the same. Missing scores get no rank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..choices import DEFAULT_TIES, TIE_METHODS


def rank_scores(scores: pd.Series | np.ndarray, ties: str = DEFAULT_TIES,
                decimals: int | None = None) -> pd.Series:
    """Rank scores, highest first.

    Parameters
    ----------
    scores : Series or array
        Scores (NaN gets no rank).
    ties : str
        Tie rule, one of :data:`TIE_METHODS`.
    decimals : int, optional
        Round before comparing.

    Returns
    -------
    Series
        Ranks (``Int64``, or float for ``average``), same index as ``scores``.
    """
    if ties not in TIE_METHODS:
        raise ValueError(f"unknown tie rule {ties!r}; expected one of {', '.join(TIE_METHODS)}")
    s = scores.astype(float) if isinstance(scores, pd.Series) else pd.Series(scores, dtype=float)
    if decimals is not None:
        s = s.round(decimals)
    r = s.rank(method=ties, ascending=False, na_option="keep")
    return r if ties == "average" else r.astype("Int64")


def rank_within(scores: pd.Series, groups: pd.Series, ties: str = DEFAULT_TIES,
                decimals: int | None = None) -> pd.Series:
    """Rank scores inside each group (e.g. ITU region); countries without a group get none."""
    if ties not in TIE_METHODS:
        raise ValueError(f"unknown tie rule {ties!r}; expected one of {', '.join(TIE_METHODS)}")
    s = scores.astype(float)
    if decimals is not None:
        s = s.round(decimals)
    g = groups.reindex(s.index)
    r = s.groupby(g, dropna=True).rank(method=ties, ascending=False, na_option="keep")
    r = r.reindex(s.index)
    return r if ties == "average" else r.astype("Int64")
