"""Rank change between two editions (or two runs): a slope chart."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...errors import GCIError, InputError, Problem, ValidationError
from ...inputs.countries import country_name, resolve_country, resolve_rows
from ...inputs.published import published_ranks  # noqa: F401 - re-exported for gci.present.plots
from ...inputs.values import BadValue, parse_number
from ...sanitise import for_plot
from ._common import fit_fixed_layout, label_fontsize, new_axes, row_height
from .colors import CHANGE_COLORS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

RANK_COLUMNS = ("global_rank", "rank", "published_rank")


def read_ranks(path: str | os.PathLike) -> pd.Series:
    """Global ranks by ISO3 from a CSV/XLSX table (e.g. an earlier run's ``scores.csv``).

    The table needs a country column (``iso3``, or ``country`` with codes or names) and either a
    rank column (``global_rank``, ``rank`` or ``published_rank``) or a ``score`` / ``overall``
    column, which is then ranked with ITU's tie rule (dense, scores rounded to 2 decimals).

    Raises
    ------
    InputError, ValidationError
        Missing columns; unknown countries, duplicates or non-numeric ranks (all listed, with
        their row numbers).
    """
    from ...engine.ranking import rank_scores
    from ...inputs.tables import has_columns, read_table

    name = str(path)
    df = read_table(path, is_table=has_columns("iso3", "country"))
    cols = {str(c).strip().lower(): c for c in df.columns}
    ccol = next((cols[c] for c in ("iso3", "country") if c in cols), None)
    rcol = next((cols[c] for c in RANK_COLUMNS if c in cols), None)
    scol = next((cols[c] for c in ("score", "overall") if c in cols), None)
    if ccol is None or (rcol is None and scol is None):
        raise InputError(f"expected columns iso3 and one of {', '.join(RANK_COLUMNS)}, score, "
                         f"overall; found {', '.join(map(str, df.columns))}", name)
    vcol = rcol if rcol is not None else scol
    row_codes, problems = resolve_rows(df[ccol], name)
    codes, values = [], []
    for row, (iso3, v) in enumerate(zip(row_codes, df[vcol]), start=2):
        if iso3 is None:
            continue
        try:
            num = parse_number(v)  # the one strict reader (a comma, 1_000, 1e999 refused)
        except BadValue as exc:
            problems.append(Problem("bad_value", f"{vcol} {exc.message}", name, row,
                                    country=iso3, item=str(vcol)))
            continue
        codes.append(iso3)
        values.append(num)
    if problems:
        raise ValidationError(problems, name)
    values_s = pd.Series(values, index=pd.Index(codes, name="iso3"), dtype=float)
    if rcol is not None:
        return values_s.rename("rank")
    return rank_scores(values_s, "dense", 2).astype(float).rename("rank")


def as_ranks(obj: Any) -> pd.Series:
    """Global ranks by ISO3 from a ScoreResult, a Series, or a table with a rank column.

    A table may carry the codes as its index or in an ``iso3`` column, and the ranks in
    ``global_rank``, ``rank`` or ``published_rank``.
    """
    if hasattr(obj, "ranks") and hasattr(obj, "overall"):
        return obj.ranks["global_rank"].astype(float)
    if isinstance(obj, pd.Series):
        return obj.astype(float)
    if isinstance(obj, pd.DataFrame):
        df = obj.set_index("iso3") if "iso3" in obj.columns else obj
        for col in RANK_COLUMNS:
            if col in df.columns:
                ranks = pd.to_numeric(df[col], errors="coerce").astype(float)
                if ranks.isna().all() and "tier" in df.columns:
                    raise GCIError("the table has tiers, not ranks (GCI 2024 publishes tiers "
                                   "only); compare tiers with gci.editions.compare_published")
                return ranks
        raise GCIError(f"cannot find ranks in the table: expected a column named one of "
                       f"{', '.join(RANK_COLUMNS)}; found {', '.join(map(str, df.columns))}")
    raise GCIError(f"cannot read ranks from a {type(obj).__name__}; pass a ScoreResult, a "
                   "Series of ranks by ISO3, or a table with iso3 and global_rank")


def rank_change(before: Any, after: Any, *, labels: tuple[str, str] = ("before", "after"),
                top: int | None = None, countries: list[str] | None = None,
                positions: bool = True, ax: Axes | None = None) -> Axes:
    """Slope chart of positions: one line per country from its place before to after.

    By default the places are **positions among the countries ranked in both editions**
    (1 + the number of those countries ranked ahead; ties share a place), not the ranks as
    given: ITU's dense ranks count distinct scores ahead, so editions with more ties (GCI 2018)
    have shorter rank ladders and a country could seem to fall while nobody passed it.
    Place 1 is at the top. Lines are green when the country moved up, orange-red when it moved
    down, grey when unchanged. Countries ranked in only one edition are left out.

    Parameters
    ----------
    before, after : ScoreResult, Series or DataFrame
        Ranks (see :func:`as_ranks`), e.g. ``published_ranks(2018)`` and a result.
    labels : (str, str)
        Names of the two editions.
    top : int, optional
        Keep the countries ranked ``top`` or better in either edition.
    countries : list of str, optional
        Keep these countries (codes or names).
    positions : bool
        Re-rank on the common countries (default); ``False`` draws the ranks as given.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    a, b = as_ranks(before), as_ranks(after)
    both = pd.concat([a.rename("before"), b.rename("after")], axis=1, join="inner").dropna()
    n_common = len(both)
    if positions:  # competition ranks of the ranks: 1 + countries strictly ahead in the set
        both = both.rank(method="min").astype(float)
    if countries is not None:
        codes = []
        for c in countries:
            iso3, err = resolve_country(c, set(both.index))
            if err:
                raise GCIError(err)
            codes.append(iso3)
        both = both.loc[codes]
    if top is not None:
        both = both[(both["before"] <= top) | (both["after"] <= top)]
    if both.empty:
        raise GCIError("no country is ranked in both editions (after the filters)")
    both = both.sort_values(["after", "before"])
    n = len(both)
    own = ax is None
    if own:
        # margins fitted once at the end (fit_fixed_layout); constrained layout gave up on long
        # labels of tied countries ("axes sizes collapsed to zero")
        ax = new_axes(7.0, 1.8 + row_height(n) * n, layout=None)
    fs = label_fontsize(n)
    for iso3, (r0, r1) in both.iterrows():
        change = "up" if r1 < r0 else "down" if r1 > r0 else "same"
        ax.plot([0, 1], [r0, r1], color=CHANGE_COLORS[change], lw=1.2, marker="o", ms=3,
                gid=f"slope-{iso3}", label=iso3)
    for x, col, ha in ((0, "before", "right"), (1, "after", "left")):
        pad = -0.03 if ha == "right" else 0.03
        # countries tied on a rank share one label, so labels never overprint
        tied = both.groupby(col, sort=True).groups
        for r, codes in tied.items():
            name = for_plot(", ".join(country_name(c) for c in codes))
            ax.text(x + pad, r, f"{name} ({r:g})" if ha == "left" else f"({r:g}) {name}",
                    ha=ha, va="center", fontsize=fs)
    lo, hi = float(np.nanmin(both.to_numpy())), float(np.nanmax(both.to_numpy()))
    ax.set_ylim(hi + 0.5, lo - 0.5)
    ax.set_xlim(-0.6, 1.6)
    ax.set_xticks([0, 1], labels=[for_plot(t) for t in labels])
    ax.xaxis.tick_top()
    ax.set_yticks([])
    for side in ("left", "right", "bottom", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Position among the {n_common} countries ranked in both" if positions
                 else "Global rank change", loc="left", pad=18)
    if own:
        fit_fixed_layout(ax, [ax.xaxis, getattr(ax, "_left_title", None), *ax.texts],
                         axes_width=4.5)
    return ax
