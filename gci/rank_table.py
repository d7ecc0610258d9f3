"""Rank already computed overall scores (``gci rank``).

Input: a table with columns ``iso3`` and ``score`` (scores on any scale, e.g. 0–1 for GCI
2014–2018, 0–100 for GCI 2020). Output: ``iso3, score, global_rank, itu_region, regional_rank``
and ``tier`` when a tier scheme that fits the scale is named.
"""

from __future__ import annotations

import math
import os

import pandas as pd

from . import values
from .countries import region_of, resolve_country
from .errors import GCIError, Problem, ResponsesError, raise_if_errors
from .ranking import DEFAULT_TIES, rank_scores, rank_within
from .responses import read_table
from .tiers import TierScheme, get_tier_scheme


def infer_scale(scores: pd.Series) -> float:
    """1 when every score is within [0, 1], else 100."""
    return 1.0 if float(scores.max()) <= 1.0 else 100.0


def read_scores(path: str | os.PathLike, *, check_countries: bool = True,
                decimal: str | None = None) -> pd.Series:
    """Read ``iso3, score`` from CSV/XLSX; every problem is reported together.

    Scores are read by :func:`gci.values.parse_number` with the decimal mark ``decimal``
    (``"."`` or ``","``; default ``"."`` or :func:`gci.values.decimal_mark`'s): ``55,2`` is
    refused unless ``decimal=","``, never read as 552.

    Raises
    ------
    ResponsesError
        Missing columns, unknown or duplicate countries, scores that are not finite numbers >= 0.
    """
    name = str(path)
    df = read_table(path)
    cols = {c.strip().lower(): c for c in df.columns}
    ccol = cols.get("iso3", cols.get("country"))
    scol = cols.get("score", cols.get("overall"))
    if ccol is None or scol is None:
        raise ResponsesError([Problem("missing_column", "expected columns iso3 and score; found "
                                      f"{list(df.columns)}", name, 1)], name)
    problems: list[Problem] = []
    out: dict[str, float] = {}
    decimal = values.check_decimal(decimal)
    for row, (c, s) in enumerate(zip(df[ccol], df[scol]), start=2):
        if check_countries:
            iso, err = resolve_country(c)
        else:
            iso, err = (str(c).strip() or None), (None if str(c).strip() else "no country given")
        if err:
            problems.append(Problem("unknown_country", err, name, row, country=str(c)))
            continue
        try:
            value, why = values.parse_number(s, decimal=decimal), ""
        except values.BadValue as exc:
            value, why = float("nan"), f" ({exc.message})"
        if not math.isfinite(value) or value < 0:
            problems.append(Problem("bad_score", f"score {s!r} is not a finite number >= 0{why}",
                                    name, row, country=iso))
            continue
        if iso in out:
            problems.append(Problem("duplicate_country", f"{iso} appears more than once", name,
                                    row, country=iso))
            continue
        out[iso] = value
    if not out and not problems:
        problems.append(Problem("no_rows", "the table has no data rows", name, 2))
    raise_if_errors(problems, ResponsesError, name)
    return pd.Series(out, name="score", dtype=float).rename_axis("iso3")


def rank_table(scores: pd.Series | str | os.PathLike, *, ties: str = DEFAULT_TIES,
               decimals: int | None = None, tiers: str | TierScheme | None = None,
               scale: float | None = None, groups: pd.Series | None = None,
               check_countries: bool = True) -> pd.DataFrame:
    """Rank overall scores globally and by region, optionally with tiers.

    Parameters
    ----------
    scores : Series (indexed by ISO3) or path
        Overall scores.
    ties : str
        Tie rule (``dense`` is ITU's).
    decimals : int, optional
        Round before ranking.
    tiers : str or TierScheme, optional
        Tier scheme; it must fit the scale.
    scale : float, optional
        Maximum score; inferred when not given (1 if every score <= 1, else 100).
    groups : Series, optional
        ISO3 → group (default ITU regions).

    Returns
    -------
    DataFrame
        Columns ``iso3, score, global_rank, itu_region, regional_rank[, tier]``, best first
        (``group`` instead of ``itu_region`` when ``groups`` is given).
    """
    source = None
    if not isinstance(scores, pd.Series):
        source = str(scores)
        scores = read_scores(scores, check_countries=check_countries)
    scale = infer_scale(scores) if scale is None else float(scale)
    if (scores > scale).any():
        worst = scores[scores > scale]
        raise ResponsesError([Problem("score_above_scale", f"score {v:g} is above the scale "
                                      f"{scale:g}; pass --scale or fix the score", source,
                                      country=str(c)) for c, v in worst.items()],
                             f"scores above the scale {scale:g} in {source or 'the scores'}")
    region = (groups if groups is not None else pd.Series(region_of())).reindex(scores.index)
    out = pd.DataFrame({"iso3": scores.index, "score": scores.to_numpy()})
    out["global_rank"] = rank_scores(scores, ties, decimals).to_numpy()
    group_col = "itu_region" if groups is None else "group"
    out[group_col] = region.to_numpy()
    out["regional_rank"] = rank_within(scores, region, ties, decimals).to_numpy()
    scheme = get_tier_scheme(tiers)
    if scheme is not None:
        if not scheme.fits(scale):
            raise GCIError(f"tier scheme {scheme.name!r} is for scores out of {scheme.scale:g}, "
                           f"but these scores are out of {scale:g}; rescale them or drop --tiers")
        shown = scores.round(decimals) if decimals is not None else scores
        out["tier"] = scheme.assign(shown).to_numpy()
    return out.sort_values(["global_rank", "iso3"]).reset_index(drop=True)
