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
from ._common import fit_fixed_layout, label_fontsize, new_axes, row_height, widest_texts
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
    down, grey when unchanged (read them back with :func:`slope_lines`). Countries ranked in
    only one edition are left out.

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
    _draw_slopes(ax, both)
    drawn: dict[str, list] = {}
    for x, col, ha in ((0, "before", "right"), (1, "after", "left")):
        pad = -0.03 if ha == "right" else 0.03
        # countries tied on a rank share one label, so labels never overprint
        tied = both.groupby(col, sort=True).groups
        drawn[col] = [
            ax.text(x + pad, r, f"{name} ({r:g})" if ha == "left" else f"({r:g}) {name}",
                    ha=ha, va="center", fontsize=fs)
            for r, name in ((r, for_plot(", ".join(country_name(c) for c in codes)))
                            for r, codes in tied.items())]
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
        # the figure is resized after the measure, so the labels are measured again when it is
        # drawn: measure only each column's widest few and its first and last (top and bottom)
        edges = [t for col in drawn.values() for t in (col[0], col[-1], *widest_texts(col))]
        fit_fixed_layout(ax, [ax.xaxis, getattr(ax, "_left_title", None), *edges],
                         axes_width=4.5)
    return ax


def _draw_slopes(ax: Axes, both: pd.DataFrame) -> None:
    """One line per country from its place before (x=0) to after (x=1), coloured by change.

    The lines of one kind of change (up, down, same) are one
    :class:`~matplotlib.collections.LineCollection` (gid ``slope-up`` and so on, label the kind)
    whose ``codes`` attribute lists the countries of its segments in order; their end points are
    one marker line of the same colour (gid ``slope-up-ends``). Three collections draw in one
    call each what 194 separate lines drew one by one.
    """
    from matplotlib.collections import LineCollection

    r0, r1 = both["before"].to_numpy(float), both["after"].to_numpy(float)
    kinds = np.where(r1 < r0, "up", np.where(r1 > r0, "down", "same"))
    for kind in ("same", "down", "up"):  # moves drawn over the unchanged
        keep = kinds == kind
        if not keep.any():
            continue
        a, b = r0[keep], r1[keep]
        segments = np.stack([np.column_stack([np.zeros_like(a), a]),
                             np.column_stack([np.ones_like(b), b])], axis=1)
        lines = LineCollection(segments, colors=CHANGE_COLORS[kind], linewidths=1.2,
                               gid=f"slope-{kind}", label=kind, zorder=2)
        lines.codes = list(both.index[keep])
        ax.add_collection(lines, autolim=False)
        ax.plot(np.r_[np.zeros_like(a), np.ones_like(b)], np.r_[a, b], ls="none", marker="o",
                ms=3, color=CHANGE_COLORS[kind], gid=f"slope-{kind}-ends", zorder=2)


def slope_lines(ax: Axes) -> pd.DataFrame:
    """What :func:`rank_change` drew on ``ax``: one row per country, read from its lines.

    Index ISO3; columns ``before`` and ``after`` (the y of the line's two ends, its places),
    ``change`` (up, down, same) and ``color`` (hex).
    """
    from matplotlib.colors import to_hex

    rows = []
    for coll in ax.collections:
        gid = str(coll.get_gid())
        if not gid.startswith("slope-") or not hasattr(coll, "codes"):
            continue
        color = to_hex(coll.get_edgecolor()[0])
        for code, seg in zip(coll.codes, coll.get_segments()):
            rows.append((code, seg[0, 1], seg[1, 1], gid.removeprefix("slope-"), color))
    return pd.DataFrame(rows, columns=["iso3", "before", "after", "change", "color"]).set_index(
        "iso3")
