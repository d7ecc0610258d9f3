"""Editions: score several years' responses and compare them, or compare with ITU's results.

* :func:`score_editions` scores a mapping ``label → responses`` (e.g. ``{2020: "responses/"}``)
  with one framework and weight scheme; a value ``"published"`` takes ITU's published results of
  that edition instead (``gci/data/gci_published_scores.csv``).
* :func:`compare_editions` compares two editions per country: overall score change, published
  rank change, and the change of **position among the countries in both editions** (re-ranked
  on that common set, competition ties: 1 + the number of common countries scoring higher), with
  the countries each one passed and was passed by, and a flag for position changes that come
  only from ties; pillar changes when both have pillars; movers up and down by position change
  (then score change); Spearman's rho and Kendall's tau-b of the scores on the common set, with
  their two-sided p-values (:func:`rank_correlations`, the values of scipy.stats without its
  second of import time) and the set's size; and notes when the two editions are not like for
  like (different scales, questionnaires or weights).
* :func:`compare_published` compares a computed result with a published edition; with GCI
  2024, which publishes pillar scores and tiers instead of ranks, pillar by pillar and with a
  tier agreement table (:func:`tier_agreement`).

Why positions and not published ranks: ITU ranks with dense ties, so a rank counts *distinct
scores* ahead, not countries. GCI 2018 (3 decimals on 0–1) has far more ties than GCI 2020, so
its dense ranks stop at 175 while 2020's reach 182: a country can "fall" 50 dense places while
its score rose and no country overtook it. Positions on the common set count countries.

Published scores of 2014, 2017 and 2018 are on a 0–1 scale; they are multiplied by 100 here so
that every edition is on the 0–100 scale of GCI 2020 and of gci's default. Published ranks are
taken as published (ITU's dense tie rule), not recomputed.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..engine.result import ScoreResult
from ..engine.score_table import edition_from_table, is_score_table
from ..engine.scoring import score
from ..errors import GCIError
from ..inputs.countries import country_name
from ..inputs.published import (  # noqa: F401 - re-exported
    TIER_EDITIONS,
    published_editions,
    published_results,
    published_tiers,
)
from ..inputs.tiers import TierScheme
from .whatif import prepare_inputs

PathLike = str | os.PathLike
PUBLISHED = "published"


def edition_table(edition: ScoreResult | pd.DataFrame) -> pd.DataFrame:
    """The per-country table of an edition: name, overall, global_rank, pillar points."""
    if isinstance(edition, ScoreResult):
        return edition.scores
    need = {"overall", "global_rank"} - set(edition.columns)
    if need:
        raise GCIError(f"an edition table needs the columns overall and global_rank; missing: "
                       f"{', '.join(sorted(need))}")
    return edition


def score_editions(editions: Mapping[Any, Any], framework: Any = None, weights: Any = None, *,
                   check_countries: bool = True, **options: Any) -> dict[Any, pd.DataFrame]:
    """Score several editions with one framework and scheme.

    Parameters
    ----------
    editions : mapping label → responses
        Responses object or path per edition, or ``"published"`` for ITU's published results
        of the edition named by the label (e.g. ``{2018: "published", 2020: "responses/"}``),
        or a table of overall scores as published (country and score columns, read by
        :func:`gci.engine.score_table.read_score_table`; in a wide multi-year table the label picks
        the year).
    framework, weights, **options
        As :func:`gci.score`.

    Returns
    -------
    dict label → DataFrame
        Each edition's per-country table (:func:`edition_table`), in the order given.
    """
    if not editions:
        raise GCIError("no editions to score")
    out: dict[Any, pd.DataFrame] = {}
    fw = None
    for label, resp in editions.items():
        if isinstance(resp, str) and resp.strip().lower() == PUBLISHED:
            table = published_results(label).copy()
            table.attrs["method"] = edition_method(table, label)
            out[label] = table
            continue
        if isinstance(resp, (str, os.PathLike)) and is_score_table(resp):
            out[label] = edition_from_table(resp, label)  # a published-style score table
            continue
        resp, fw_loaded, w = prepare_inputs(resp, fw if fw is not None else framework, weights,
                                            check_countries)
        fw = fw_loaded
        result = score(resp, fw, w, check_countries=check_countries, **options)
        table = result.scores.copy()
        table.attrs["method"] = edition_method(result)
        out[label] = table
    return out


def rank_correlations(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Spearman's rho and Kendall's tau-b of two samples, with two-sided p-values.

    The values of ``scipy.stats.spearmanr`` and ``scipy.stats.kendalltau`` (default method:
    exact p-value for at most 33 untied pairs, else the normal approximation with ties
    corrected), computed with numpy (``scipy.stats`` takes about a second to import). Spearman's
    p-value is that of the t statistic with ``n - 2`` degrees of freedom.

    Returns
    -------
    dict
        ``spearman``, ``spearman_p``, ``kendall``, ``kendall_p`` (NaN where undefined).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    rx = pd.Series(x).rank(method="average").to_numpy()
    ry = pd.Series(y).rank(method="average").to_numpy()
    rs = float(np.corrcoef(rx, ry)[0, 1])
    dof = n - 2
    if dof > 0 and not math.isnan(rs):
        denom = (rs + 1.0) * (1.0 - rs)  # as scipy: a ratio below 0 (rounding) counts as 0
        t2 = math.inf if denom == 0.0 else rs * rs * max(dof / denom, 0.0)
        rho_p = 0.0 if math.isinf(t2) else min(1.0, _betainc(dof / 2, 0.5, dof / (dof + t2)))
    else:
        rho_p = math.nan
    # Kendall's tau-b from the signs of every pair (n <= a few hundred countries)
    iu = np.triu_indices(n, 1)
    sx = np.sign(x[:, None] - x[None, :])[iu]
    sy = np.sign(y[:, None] - y[None, :])[iu]
    prod = sx * sy
    tot = n * (n - 1) // 2
    xtie, ytie = int((sx == 0).sum()), int((sy == 0).sum())
    dis = int((prod < 0).sum())
    cmd = int(prod.sum())  # concordant minus discordant
    if xtie == tot or ytie == tot:
        return {"spearman": rs, "spearman_p": rho_p, "kendall": math.nan, "kendall_p": math.nan}
    tau = min(1.0, max(-1.0, cmd / math.sqrt(tot - xtie) / math.sqrt(tot - ytie)))
    if xtie == 0 and ytie == 0 and (n <= 33 or min(dis, tot - dis) <= 1):
        tau_p = _kendall_p_exact(n, tot - dis)
    else:
        x0, x1 = _tie_sums(x)
        y0, y1 = _tie_sums(y)
        m = n * (n - 1.0)
        var = ((m * (2 * n + 5) - x1 - y1) / 18 + (2 * xtie * ytie) / m
               + x0 * y0 / (9 * m * (n - 2)))
        tau_p = min(1.0, math.erfc(abs(cmd / math.sqrt(var)) / math.sqrt(2.0)))
    return {"spearman": rs, "spearman_p": rho_p, "kendall": tau, "kendall_p": tau_p}


def _tie_sums(v: np.ndarray) -> tuple[int, int]:
    """Sums over tied groups of t(t-1)(t-2) and t(t-1)(2t+5) (Kendall's variance)."""
    cnt = np.unique(v, return_counts=True)[1].astype(np.int64)
    cnt = cnt[cnt > 1]
    return (int((cnt * (cnt - 1.0) * (cnt - 2)).sum()),
            int((cnt * (cnt - 1.0) * (2 * cnt + 5)).sum()))


def _kendall_p_exact(n: int, c: int) -> float:
    """Two-sided exact p-value of Kendall's tau for ``n`` untied pairs, ``c`` concordant.

    Kendall's recurrence for the number of permutations with at most ``c`` inversions
    (M. G. Kendall, *Rank Correlation Methods*, 1970), as in scipy.
    """
    c = min(c, n * (n - 1) // 2 - c)
    if n <= 2:
        return 1.0
    if c == 0:
        return min(1.0, 2.0 / math.factorial(n)) if n < 171 else 0.0
    if c == 1:
        return min(1.0, 2.0 / math.factorial(n - 1)) if n < 172 else 0.0
    if 4 * c == n * (n - 1):
        return 1.0
    new = np.zeros(c + 1)
    new[0:2] = 1.0
    for j in range(3, n + 1):
        new = np.cumsum(new)
        if j <= c:
            new[j:] -= new[:c + 1 - j]
    return min(1.0, 2.0 * float(np.sum(new)) / math.factorial(n))


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b) (continued fraction, 1e-15)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz's method)."""
    tiny, eps = 1e-300, 1e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def agreement(a: pd.Series, b: pd.Series) -> dict[str, float]:
    """How well two score (or rank) series agree on their common countries.

    Returns ``n``, Spearman's ``spearman`` (rho) and ``spearman_p``, Kendall's ``kendall``
    (tau-b) and ``kendall_p``, ``mean_abs_diff``, ``rmse`` and ``max_abs_diff``.
    """
    both = pd.concat([a.astype(float), b.astype(float)], axis=1, join="inner").dropna()
    n = len(both)
    out: dict[str, float] = {"n": n}
    x, y = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
    if n >= 2 and np.ptp(x) > 0 and np.ptp(y) > 0:
        out.update(rank_correlations(x, y))
    else:
        out.update(spearman=np.nan, spearman_p=np.nan, kendall=np.nan, kendall_p=np.nan)
    d = y - x
    out.update(mean_abs_diff=float(np.abs(d).mean()) if n else np.nan,
               rmse=float(np.sqrt((d ** 2).mean())) if n else np.nan,
               max_abs_diff=float(np.abs(d).max()) if n else np.nan)
    return out


#: How each published edition was built (for the like-for-like notes of a comparison).
PUBLISHED_METHODS = {
    2014: "published GCI 2014 (scores on 0-1, x100 here; the 2014 questionnaire and weights)",
    2017: "published GCI 2017 (scores on 0-1, x100 here; the 2017 questionnaire and weights)",
    2018: "published GCI 2018 (scores on 0-1, x100 here; the 2018 questionnaire and weights)",
    2020: "published GCI 2020 (scores on 0-100; the 2020 questionnaire and weights)",
    2024: "published GCI 2024 (tiers; the 2024 questionnaire and weights)",
}


def edition_method(edition: ScoreResult | pd.DataFrame, label: Any = None) -> str | None:
    """A short description of how an edition was built, or ``None`` when unknown.

    Taken from ``table.attrs["method"]`` when set; for a published table (it has a
    ``published_score`` column) from :data:`PUBLISHED_METHODS` by its label; for a
    :class:`ScoreResult` from its framework and weight scheme.
    """
    if isinstance(edition, ScoreResult):
        fw = edition.framework
        return (f"computed with framework {fw.code} {fw.version} ({len(fw.questions)} questions), "
                f"scheme {edition.scheme.name}, missing={edition.options.get('missing')}")
    if edition.attrs.get("method"):
        return str(edition.attrs["method"])
    if "published_score" in edition.columns:
        try:
            return PUBLISHED_METHODS.get(int(str(label).split()[-1]))
        except ValueError:
            return None
    return None


def common_positions(old: pd.Series, new: pd.Series, decimals: int | None = 2
                     ) -> pd.DataFrame:
    """Positions of the countries scored in both editions, and who passed whom.

    Parameters
    ----------
    old, new : Series
        Overall scores by ISO3 (NaN: not scored).
    decimals : int or None
        Compare scores after rounding (2: as ITU publishes on 0-100), so that scores that print
        the same tie.

    Returns
    -------
    DataFrame
        Indexed by the common countries: ``position_old``, ``position_new`` (1 + the number of
        common countries scoring strictly higher), ``position_change`` (places gained),
        ``passed`` (countries strictly ahead before and strictly behind now), ``passed_by`` (the
        reverse) and ``ties_only`` (the position changed although nobody passed or was passed:
        the change comes only from ties made or broken).
    """
    both = pd.concat([old.astype(float).rename("old"), new.astype(float).rename("new")],
                     axis=1, join="inner").dropna()
    a, b = both["old"].to_numpy(), both["new"].to_numpy()
    if decimals is not None:
        a, b = np.round(a, decimals), np.round(b, decimals)
    ahead_old = a[None, :] > a[:, None]  # [i, j]: j scored higher than i before
    ahead_new = b[None, :] > b[:, None]
    behind_old = a[None, :] < a[:, None]
    behind_new = b[None, :] < b[:, None]
    pos_old = 1 + ahead_old.sum(axis=1)
    pos_new = 1 + ahead_new.sum(axis=1)
    passed = (ahead_old & behind_new).sum(axis=1)
    passed_by = (behind_old & ahead_new).sum(axis=1)
    change = pos_old - pos_new
    return pd.DataFrame({
        "position_old": pos_old, "position_new": pos_new, "position_change": change,
        "passed": passed, "passed_by": passed_by,
        "ties_only": (change != 0) & (passed == 0) & (passed_by == 0),
    }, index=both.index).astype({"position_old": "Int64", "position_new": "Int64",
                                 "position_change": "Int64", "passed": "Int64",
                                 "passed_by": "Int64"})


def method_notes(old_method: str | None, new_method: str | None, labels: tuple) -> list[str]:
    """Warnings when two editions are not like for like (see :func:`compare_editions`)."""
    a, b = labels
    if old_method is None or new_method is None:
        unknown = ", ".join(str(x) for x, m in ((a, old_method), (b, new_method)) if m is None)
        return [f"how edition {unknown} was built is not known: check that both editions use "
                "the same questionnaire, weights and scale before reading changes as progress"]
    if old_method == new_method:
        return []
    notes = [f"{a} and {b} are not like for like: {a} is {old_method}; {b} is {new_method}. "
             "Score changes mix real change with changes of questionnaire, weights and scale; "
             "positions and rank correlations are the safer reading"]
    if bool(re.search(r"\b0-1\b", old_method)) != bool(re.search(r"\b0-1\b", new_method)):
        notes.append(f"{a} and {b} were published on different scales (0-1 and 0-100); gci "
                     "puts both on 0-100, but a point on one is not a point on the other")
    return notes


@dataclass
class EditionComparison:
    """Result of :func:`compare_editions`.

    Attributes
    ----------
    labels : tuple
        (old, new) labels.
    table : DataFrame
        Per country (iso3 index): name, ``overall_old``, ``overall_new``, ``overall_change``,
        ``rank_old``, ``rank_new``, ``rank_change`` (published/global ranks as given, places
        gained: old rank - new rank), ``position_old``, ``position_new``,
        ``position_change``, ``passed``, ``passed_by``, ``ties_only`` (see
        :func:`common_positions`; countries in both editions only), pillar
        ``<code>_old/_new/_change`` when both editions have the pillar, and ``status``
        (``both``, ``new`` or ``dropped``).
    up, down : DataFrame
        The biggest movers up and down by position among the common countries (then score
        change); changes that come only from ties are not movers.
    stats : dict
        :func:`agreement` of the overall scores of the ``n`` countries in both, plus
        ``moved`` (how many of them changed position), ``ties_only`` and the rank statistics
        ``rank_spearman``, ``rank_kendall``, ``rank_mean_abs_change`` of the positions.
    notes : list of str
        Why the two editions may not be like for like (empty when they are built the same).
    methods : tuple
        How each edition was built (:func:`edition_method`), ``None`` when unknown.
    tiers : DataFrame or None
        For a published edition with tiers (GCI 2024): :func:`tier_agreement` of the published
        and the computed tiers.
    """

    labels: tuple
    table: pd.DataFrame
    up: pd.DataFrame
    down: pd.DataFrame
    stats: dict
    tiers: pd.DataFrame | None = None
    notes: list = field(default_factory=list)
    methods: tuple = (None, None)


def compare_editions(old: ScoreResult | pd.DataFrame, new: ScoreResult | pd.DataFrame, *,
                     labels: tuple = ("old", "new"), top: int = 10,
                     decimals: int | None = 2) -> EditionComparison:
    """Compare two editions per country (see :class:`EditionComparison`).

    Parameters
    ----------
    old, new : ScoreResult or DataFrame
        Each edition (:func:`edition_table`); a table's ``attrs["method"]`` describes how it
        was built (used for the like-for-like notes).
    labels : tuple
        Names of the two editions.
    top : int
        Movers up and down to keep.
    decimals : int or None
        Scores are compared after rounding to this many decimals (positions, ties).
    """
    a, b = edition_table(old), edition_table(new)
    idx = a.index.union(b.index)
    t = pd.DataFrame(index=pd.Index(idx, name="iso3"))
    names = b["name"].combine_first(a["name"]) if "name" in a and "name" in b else None
    t["name"] = names.reindex(idx) if names is not None else [country_name(c) for c in idx]
    t["overall_old"] = a["overall"].reindex(idx).astype(float)
    t["overall_new"] = b["overall"].reindex(idx).astype(float)
    t["overall_change"] = t["overall_new"] - t["overall_old"]
    t["rank_old"] = a["global_rank"].reindex(idx).astype("Float64")
    t["rank_new"] = b["global_rank"].reindex(idx).astype("Float64")
    t["rank_change"] = t["rank_old"] - t["rank_new"]
    skip = {"name", "overall", "global_rank", "regional_rank", "tier", "missing_answers",
            "not_applicable", "itu_region", "published_score", "group"}
    pillars = [c for c in a.columns if c in b.columns and c not in skip
               and pd.api.types.is_numeric_dtype(a[c]) and pd.api.types.is_numeric_dtype(b[c])]
    for p in pillars:
        t[f"{p}_old"] = a[p].reindex(idx).astype(float)
        t[f"{p}_new"] = b[p].reindex(idx).astype(float)
        t[f"{p}_change"] = t[f"{p}_new"] - t[f"{p}_old"]
    in_a, in_b = idx.isin(a.index), idx.isin(b.index)
    t["status"] = np.where(in_a & in_b, "both", np.where(in_b, "new", "dropped"))
    for c in ("rank_old", "rank_new", "rank_change"):
        t[c] = t[c].round().astype("Int64")
    pos = common_positions(t["overall_old"], t["overall_new"], decimals)
    for c in pos.columns:
        t[c] = pos[c].reindex(idx)
    cols = ["name", "overall_old", "overall_new", "overall_change", "position_old",
            "position_new", "position_change", "passed", "passed_by", "rank_old", "rank_new"]
    movers = t.loc[pos.index[~pos["ties_only"].to_numpy()]]
    up = movers[movers["position_change"] > 0].sort_values(
        ["position_change", "overall_change"], ascending=[False, False])[cols].head(top)
    down = movers[movers["position_change"] < 0].sort_values(
        ["position_change", "overall_change"], ascending=[True, True])[cols].head(top)
    st = agreement(t["overall_old"], t["overall_new"])
    ranks = agreement(pos["position_old"].astype(float), pos["position_new"].astype(float))
    st["rank_spearman"], st["rank_kendall"] = ranks["spearman"], ranks["kendall"]
    st["rank_mean_abs_change"] = ranks["mean_abs_diff"]
    st["moved"] = int((pos["position_change"] != 0).sum())
    st["ties_only"] = int(pos["ties_only"].sum())
    methods = (edition_method(old, labels[0]), edition_method(new, labels[1]))
    return EditionComparison(tuple(labels), t.sort_values(["rank_new", "name"]), up, down, st,
                             notes=method_notes(*methods, tuple(labels)), methods=methods)


def tier_agreement(old: pd.Series, new: pd.Series, scheme: TierScheme) -> pd.DataFrame:
    """How many countries are in each (old tier, new tier) pair.

    Returns
    -------
    DataFrame
        Rows: old tier, columns: new tier (every label of ``scheme``, best first), counts of the
        countries tiered in both; the diagonal counts the countries whose tier agrees.
    """
    both = pd.concat([old.rename("old"), new.rename("new")], axis=1, join="inner").dropna()
    labels = list(scheme.labels)
    table = pd.crosstab(pd.Categorical(both["old"], labels), pd.Categorical(both["new"], labels),
                        dropna=False)
    table.index.name, table.columns.name = "old tier", "new tier"
    return table.astype(int)


def compare_published(result: ScoreResult | pd.DataFrame, edition: int | str = 2020, *,
                      top: int = 10) -> EditionComparison:
    """Compare computed results (as "new") with ITU's published ``edition`` (as "old").

    ``table["overall_change"]`` is computed minus published; ``stats`` holds the rank
    correlations (Spearman, Kendall) and score differences. For an edition with pillar scores
    (GCI 2024) ``table`` has ``<pillar>_old/_new/_change`` for each pillar both have. For an
    edition with tiers instead of ranks (GCI 2024), ``table`` has ``tier_old``, ``tier_new``
    and ``tier_change`` (tiers moved up: old tier number - new), ``tiers`` the
    :func:`tier_agreement` table and ``stats["tier_agreement"]`` the share in the same tier.
    """
    year = int(str(edition).strip()) if str(edition).strip().isdigit() else edition
    c = compare_editions(published_results(year), result,
                         labels=(f"published {edition}", "computed"), top=top)
    scheme = TIER_EDITIONS.get(year)
    if scheme is None:
        return c
    if isinstance(result, ScoreResult) and not scheme.fits(result.scale):
        raise GCIError(f"GCI {year} tiers are for scores out of {scheme.scale:g}; the computed "
                       f"scores are out of {result.scale:g}")
    old = published_tiers(year)
    new = scheme.assign(edition_table(result)["overall"].astype(float))
    number = {label: i + 1 for i, label in enumerate(scheme.labels)}
    t = c.table
    t["tier_old"] = old.reindex(t.index)
    t["tier_new"] = new.reindex(t.index)
    t["tier_change"] = (t["tier_old"].map(number) - t["tier_new"].map(number)).astype("Int64")
    c.tiers = tier_agreement(old, new, scheme)
    both = int(c.tiers.to_numpy().sum())
    c.stats["tier_n"] = both
    c.stats["tier_agreement"] = (float(np.trace(c.tiers.to_numpy())) / both if both
                                 else np.nan)
    return c
