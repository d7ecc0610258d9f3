"""Statistical audit of an index, as the JRC audits composite indicators (``gci audit``).

This module owns the statistics of the audit; :mod:`gci.present.audit_report` draws them into one
HTML
page. :func:`audit` takes a :class:`gci.ScoreResult` and returns an :class:`Audit` of tables:

``availability``
    Answered, missing and not-applicable questions per country, question, indicator and pillar,
    and the data coverage ``answered / (answered + missing)`` (questions that do not apply are
    not counted as missing). COINr's ``get_data_avail`` reports the same share per unit.
``answers``
    Per question: the share of answered countries with full, partial and no credit, mean and
    standard deviation of the credit, and a flag for questions **everyone** or **no one** meets:
    they add the same points to every country and do not discriminate.
``correlations``
    Pearson and Spearman correlation of each question, indicator and pillar with its own parent
    and with every other node of its parent's level, on the credit of the countries
    (pairwise-complete observations, as COINr ``get_corr`` with ``use = "pairwise.complete.obs"``;
    Pearson is COINr's default). Flags: a negative or weak correlation with the own parent
    (below ``weak``), and a stronger correlation with another parent than with the own one.
``cronbach``
    Cronbach's alpha of each pillar, on its children (indicators) and on its questions, with
    COINr ``get_cronbach``'s formula ``k^2 * mean(off-diagonal covariance) / sum(covariance)``
    on the pairwise-complete covariance matrix; with complete data this is the textbook
    ``k / (k - 1) * (1 - sum var_i / var_total)`` (Cronbach 1951).
``pca``
    Principal components of each pillar's children on standardised data (the correlation
    matrix, complete rows): eigenvalues, the share of variance of the first component and the
    number of components with an eigenvalue above 1 (Kaiser criterion).
``importance``
    Effective (nominal) weight of each pillar and indicator against its statistical importance
    in the overall score, the squared Pearson correlation with the index (the correlation ratio
    of a linear relation), both normalised over the siblings: the JRC check that the nominal
    weights are not undone by the correlations (Paruolo, Saisana & Saltelli 2013).
``removal``
    The rank of every country when each pillar or indicator is removed in turn (its weight goes
    to its siblings), and the change from the nominal rank (COINr ``remove_elements``).

Thresholds (:data:`THRESHOLDS`) are rules of thumb, each stated with its source; they are
judgements to look at, not tests to pass.

Ranks in the audit use ``min`` ties (1, 2, 2, 4): with ``dense`` ties one tie forming or breaking
anywhere shifts every lower rank by one, so rank changes would mostly count ties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..engine.aggregate import aggregate
from ..engine.ranking import rank_scores
from ..errors import GCIError
from ..inputs.countries import country_name
from ..inputs.responses import ANSWERED, MISSING, NOT_APPLICABLE

if TYPE_CHECKING:
    from ..engine.result import ScoreResult

#: Thresholds the audit judges against, with their source.
THRESHOLDS: dict[str, dict[str, Any]] = {
    "cronbach_alpha": {
        "value": 0.7, "rule": "alpha >= 0.7",
        "source": "Nunnally (1978), Psychometric Theory; the usual reliability threshold, "
                  "quoted by the OECD/JRC Handbook on Constructing Composite Indicators (2008)"},
    "pca_kaiser": {
        "value": 1.0, "rule": "one principal component with eigenvalue > 1",
        "source": "Kaiser (1960) criterion, used for retaining components in the OECD/JRC "
                  "Handbook (2008); one such component suggests the group measures one thing"},
    "weak_correlation": {
        "value": 0.3, "rule": "correlation with the own parent >= 0.3 and not negative",
        "source": "gci default (a rule of thumb, not a published threshold); set weak=..."},
    "collinear": {
        "value": 0.9, "rule": "correlation between siblings < 0.9",
        "source": "COINr get_corr_flags default cor_thresh = 0.9 (possible double counting)"},
}


@dataclass
class Audit:
    """The tables of a statistical audit (see the module docstring).

    Attributes
    ----------
    availability, answers, correlations, cronbach, pca, importance : DataFrame
    removal : DataFrame
        Long: iso3, removed element, nominal rank, rank without it, change (positive: better
        rank without it).
    matrix : DataFrame
        Pearson correlations of every pillar and indicator (rows) with every pillar and the
        index (columns), in framework order (for the heatmap).
    country_availability : DataFrame
    settings : dict
        Method, ties, thresholds and the run's options.
    """

    availability: pd.DataFrame
    country_availability: pd.DataFrame
    answers: pd.DataFrame
    correlations: pd.DataFrame
    cronbach: pd.DataFrame
    pca: pd.DataFrame
    importance: pd.DataFrame
    removal: pd.DataFrame
    matrix: pd.DataFrame
    settings: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (as written by ``gci audit -o DIR`` / ``--tables x.xlsx``)."""
        return {
            "availability": self.availability,
            "country_availability": self.country_availability.reset_index(),
            "answers": self.answers,
            "correlations": self.correlations,
            "cronbach": self.cronbach,
            "pca": self.pca,
            "importance": self.importance,
            "removal": self.removal,
            "removal_summary": self.removal_summary(),
            "thresholds": pd.DataFrame([{"check": k, **v} for k, v in THRESHOLDS.items()]),
        }

    def removal_summary(self) -> pd.DataFrame:
        """Per removed element: mean and largest absolute rank change."""
        g = self.removal.assign(abs_change=self.removal["change"].abs()).groupby(
            ["element", "level"], sort=False)["abs_change"]
        return pd.DataFrame({"mean_abs_rank_change": g.mean(),
                             "max_abs_rank_change": g.max()}).reset_index()

    def flags(self) -> list[str]:
        """One sentence per finding to look at (for the report and the CLI summary)."""
        out = []
        nd = self.answers[self.answers["discriminates"] == False]  # noqa: E712
        if len(nd):
            out.append(f"{len(nd)} question(s) do not discriminate (every answered country "
                       f"gets the same credit): {', '.join(nd['question'][:12])}"
                       + (" …" if len(nd) > 12 else ""))
        for _, r in self.cronbach.iterrows():
            if np.isfinite(r["alpha"]) and r["alpha"] < THRESHOLDS["cronbach_alpha"]["value"]:
                out.append(f"pillar {r['pillar']}: Cronbach's alpha on its {r['items']} "
                           f"{r['on']} is {r['alpha']:.2f} (< 0.7)")
        for _, r in self.pca.iterrows():
            if r["n_eigen_above_1"] > 1:
                out.append(f"pillar {r['pillar']}: {r['n_eigen_above_1']} components with "
                           f"eigenvalue > 1 (first explains {100 * r['pc1_share']:.0f}%)")
        c = self.correlations
        for pattern, what in (
                ("weak|negative", "correlate weakly or negatively with their own parent"),
                ("collinear", f"correlate at >= {THRESHOLDS['collinear']['value']:g} with a "
                              "sibling (possible double counting)"),
                ("another", "correlate more with another parent than their own")):
            hit = c[c["flag"].str.contains(pattern, na=False)]
            if len(hit):
                out.append(f"{len(hit)} component(s) {what}: {', '.join(hit['code'][:12])}"
                           + (" …" if len(hit) > 12 else ""))
        return out


# --------------------------------------------------------------------------------------------
# statistics (plain functions, tested against textbook values and numpy/scipy)
# --------------------------------------------------------------------------------------------
def cronbach_alpha(data: np.ndarray | pd.DataFrame) -> float:
    """Cronbach's alpha of the columns of ``data`` (rows are countries; NaN allowed).

    COINr ``get_cronbach``: ``k^2 * mean(off-diagonal covariance) / sum(covariance)`` with the
    pairwise-complete covariance matrix (``stats::cov(use = "pairwise.complete.obs")``); with
    complete data this equals ``k / (k - 1) * (1 - sum var_i / var_total)``. NaN when fewer
    than two columns or the total variance is 0.
    """
    x = pd.DataFrame(np.asarray(data, dtype=float))
    k = x.shape[1]
    if k < 2:
        return float("nan")
    cov = x.cov().to_numpy()                      # pairwise complete, ddof = 1
    total = np.nansum(cov)
    if not np.isfinite(total) or total == 0:
        return float("nan")
    off = (total - np.nansum(np.diag(cov))) / (k * (k - 1))
    return float(k * k * off / total)


def pca_shares(data: np.ndarray | pd.DataFrame) -> np.ndarray:
    """Eigenvalues of the correlation matrix of the complete rows of ``data``, largest first.

    Their sum is the number of non-constant columns; ``eig[0] / eig.sum()`` is the share of
    variance of the first principal component of the standardised data (what
    ``prcomp(x, scale. = TRUE)`` reports). Constant columns are left out.
    """
    x = np.asarray(data, dtype=float)
    x = x[np.isfinite(x).all(axis=1)]
    if len(x) < 3:
        return np.array([])
    x = x[:, x.std(axis=0) > 0]
    if x.shape[1] == 0:
        return np.array([])
    if x.shape[1] == 1:
        return np.array([1.0])
    eig = np.linalg.eigvalsh(np.corrcoef(x, rowvar=False))[::-1]
    return np.clip(eig, 0.0, None)


def min_rank(scores: np.ndarray, decimals: int | None = None) -> np.ndarray:
    """Ranks with ``min`` ties (1, 2, 2, 4; highest = 1) along the last axis; NaN gets NaN.

    Vectorised over leading axes (e.g. Monte Carlo draws): sort each row, a tied value takes
    the position of its first occurrence.
    """
    s = np.asarray(scores, dtype=float)
    if decimals is not None:
        s = np.round(s, decimals)
    nan = np.isnan(s)
    key = np.where(nan, np.inf, -s)
    order = np.argsort(key, axis=-1, kind="stable")
    srt = np.take_along_axis(key, order, axis=-1)
    pos = np.broadcast_to(np.arange(1, s.shape[-1] + 1, dtype=float), s.shape)
    new = np.ones(s.shape, dtype=bool)
    new[..., 1:] = srt[..., 1:] != srt[..., :-1]
    ranks = np.maximum.accumulate(np.where(new, pos, 0.0), axis=-1)
    out = np.empty_like(ranks)
    np.put_along_axis(out, order, ranks, axis=-1)
    out[nan] = np.nan
    return out


# --------------------------------------------------------------------------------------------
# the audit
# --------------------------------------------------------------------------------------------
def audit(result: ScoreResult, *, method: str = "pearson", weak: float = 0.3,
          remove: tuple[str, ...] = ("pillar", "indicator"), ties: str = "min") -> Audit:
    """Statistical audit of a scored index (see the module docstring for every table).

    Parameters
    ----------
    result : ScoreResult
        A run of :func:`gci.score` (its weights, missing-answer policy and aggregation are the
        nominal index audited).
    method : {"pearson", "spearman"}
        Correlation used for the flags and the heatmap (both are always in the table).
    weak : float
        Correlation with the own parent below which a component is flagged as weak.
    remove : tuple of str
        Levels whose elements are removed one at a time (``pillar``, ``indicator``).
    ties : str
        Tie rule of the ranks of the removal analysis (default ``min``, see module docstring).
    """
    if method not in ("pearson", "spearman"):
        raise GCIError(f"correlation method {method!r}; expected pearson or spearman")
    fw = result.framework
    codes = result.structure.codes
    value = pd.DataFrame(result.value, index=pd.Index(result.countries, name="iso3"),
                         columns=codes)
    avail = _availability(result)
    country_avail = _country_availability(result)
    answers = _answers(result)
    corr, matrix = _correlations(result, value, method, weak)
    cron, pca = _coherence(result, value)
    importance = _importance(result, value)
    removal = _removal(result, remove, ties)
    settings = {"method": method, "weak": weak, "ties": ties, "remove": list(remove),
                "thresholds": THRESHOLDS, "options": dict(result.options),
                "framework": fw.code, "countries": len(result.countries)}
    return Audit(avail, country_avail, answers, corr, cron, pca, importance, removal, matrix,
                 settings)


def _availability(result: ScoreResult) -> pd.DataFrame:
    fw = result.framework
    st = result.matrix.state
    q = fw.question_codes
    per_q = pd.DataFrame({"answered": (st == ANSWERED).sum(axis=0),
                          "missing": (st == MISSING).sum(axis=0),
                          "not_applicable": (st == NOT_APPLICABLE).sum(axis=0)}, index=q)
    rows = []
    parents = {c: fw.ancestors(c) for c in q}
    for code, node in fw.nodes.items():
        if node.is_question:
            sub = per_q.loc[[code]]
        else:
            sub = per_q.loc[[x for x in q if code in parents[x]]]
        if sub.empty:
            continue
        a, m, n = (int(sub[c].sum()) for c in ("answered", "missing", "not_applicable"))
        rows.append({"level": node.kind, "code": code, "name": node.name, "answered": a,
                     "missing": m, "not_applicable": n,
                     "coverage": a / (a + m) if a + m else np.nan})
    return pd.DataFrame(rows)


def _country_availability(result: ScoreResult) -> pd.DataFrame:
    st = result.matrix.state
    out = pd.DataFrame({"name": [country_name(c) for c in result.countries],
                        "answered": (st == ANSWERED).sum(axis=1),
                        "missing": (st == MISSING).sum(axis=1),
                        "not_applicable": (st == NOT_APPLICABLE).sum(axis=1)},
                       index=pd.Index(result.countries, name="iso3"))
    applies = out["answered"] + out["missing"]
    out["coverage"] = np.where(applies > 0, out["answered"] / applies.where(applies > 0, 1),
                               np.nan)
    return out.sort_values(["coverage", "iso3"])


def _answers(result: ScoreResult) -> pd.DataFrame:
    fw = result.framework
    cr = result.matrix.credit
    ans = result.matrix.state == ANSWERED
    n = ans.sum(axis=0)
    safe = np.where(n > 0, n, 1)
    full = ((cr >= 1.0) & ans).sum(axis=0)
    none = ((cr <= 0.0) & ans).sum(axis=0)
    part = n - full - none
    with np.errstate(invalid="ignore"):
        c = np.where(ans, cr, np.nan)
        mean = np.where(n > 0, np.nansum(np.where(ans, cr, 0.0), axis=0) / safe, np.nan)
        sd = np.sqrt(np.where(n > 0, np.nansum(np.where(ans, (c - mean) ** 2, 0.0), axis=0)
                              / safe, np.nan))
        cmin = np.nanmin(np.where(ans, cr, np.inf), axis=0)
        cmax = np.nanmax(np.where(ans, cr, -np.inf), axis=0)
    q = fw.question_codes
    same = (n > 0) & (cmin == cmax)
    verdict = np.where(~same, "", np.where(full == n, "everyone meets it",
                                           np.where(none == n, "no one meets it",
                                                    "every answer the same")))
    return pd.DataFrame({
        "question": q,
        "indicator": [fw.nodes[c].parent for c in q],
        "pillar": [fw.pillar_of(c) for c in q],
        "type": [fw.nodes[c].type for c in q],
        "answered": n,
        "share_full": full / safe, "share_partial": part / safe, "share_none": none / safe,
        "mean_credit": mean, "sd_credit": sd,
        "discriminates": ~same & (n > 0),
        "note": np.where(n == 0, "never answered", verdict),
    })


def _level_codes(result: ScoreResult) -> dict[str, list[str]]:
    fw = result.framework
    out: dict[str, list[str]] = {}
    for code, node in fw.nodes.items():
        out.setdefault(node.kind, []).append(code)
    return out


def _correlations(result: ScoreResult, value: pd.DataFrame, method: str, weak: float
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    fw = result.framework
    codes = result.structure.codes
    depth = dict(zip(codes, result.structure.depth.tolist()))
    parent_of = {c: n.parent for c, n in fw.nodes.items()}
    pear = value.corr("pearson")
    spear = value.corr("spearman")
    chosen = pear if method == "pearson" else spear
    by_depth: dict[int, list[str]] = {}
    for c in codes:
        by_depth.setdefault(depth[c], []).append(c)
    rows = []
    for code, node in fw.nodes.items():
        par = parent_of[code]
        peers = [p for p in by_depth.get(depth[par], []) if p != par and p != code
                 and not (fw.nodes[p].is_question if p in fw.nodes else False)]
        r_own = chosen.loc[code, par]
        others = chosen.loc[code, peers] if peers else pd.Series(dtype=float)
        best = others.idxmax() if others.notna().any() else None
        r_best = others.max() if best is not None else np.nan
        sibs = [c for c in fw.children(par) if c != code]
        sib = chosen.loc[code, sibs] if sibs else pd.Series(dtype=float)
        top_sib = sib.idxmax() if sib.notna().any() else None
        flags = []
        if top_sib is not None and sib[top_sib] >= THRESHOLDS["collinear"]["value"]:
            flags.append(f"collinear with sibling {top_sib} ({sib[top_sib]:.2f})")
        if value[code].nunique(dropna=True) <= 1:
            flags.append("constant (no variance)")
        elif not np.isfinite(r_own):
            flags.append("no correlation computable")
        elif r_own < 0:
            flags.append("negative with own parent")
        elif r_own < weak:
            flags.append(f"weak with own parent (< {weak:g})")
        if best is not None and np.isfinite(r_own) and r_best > r_own:
            flags.append(f"stronger with another parent ({best})")
        rows.append({"code": code, "name": node.name, "level": node.kind, "parent": par,
                     "pearson_parent": pear.loc[code, par],
                     "spearman_parent": spear.loc[code, par],
                     "best_other_parent": best, f"{method}_best_other": r_best,
                     "closest_sibling": top_sib,
                     f"{method}_sibling": sib[top_sib] if top_sib is not None else np.nan,
                     "flag": "; ".join(flags)})
    table = pd.DataFrame(rows)
    rows_m = [c for c in fw.nodes if fw.nodes[c].kind in ("pillar", "indicator")]
    cols_m = [c for c in fw.nodes if fw.nodes[c].kind == "pillar"] + [codes[0]]
    return table, chosen.loc[rows_m, cols_m]


def _coherence(result: ScoreResult, value: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    fw = result.framework
    crows, prows = [], []
    for p in fw.pillars:
        kids = fw.children(p.code)
        qs = [q for q in fw.question_codes if p.code in fw.ancestors(q)]
        for on, cols in (("children", kids), ("questions", qs)):
            crows.append({"pillar": p.code, "name": p.name, "on": on, "items": len(cols),
                          "alpha": cronbach_alpha(value[cols]),
                          "threshold": THRESHOLDS["cronbach_alpha"]["value"]})
        eig = pca_shares(value[kids])
        prows.append({"pillar": p.code, "name": p.name, "items": len(kids),
                      "eigenvalues": " ".join(f"{e:.3f}" for e in eig),
                      "pc1_share": eig[0] / eig.sum() if len(eig) else np.nan,
                      "n_eigen_above_1": int((eig > 1.0).sum()),
                      "rows_used": int(np.isfinite(value[kids].to_numpy()).all(axis=1).sum())})
    cron = pd.DataFrame(crows)
    cron["meets_threshold"] = cron["alpha"] >= cron["threshold"]
    return cron, pd.DataFrame(prows)


def _importance(result: ScoreResult, value: pd.DataFrame) -> pd.DataFrame:
    fw = result.framework
    eff = result.effective_weights
    overall = value.iloc[:, 0]
    rows = []
    for code, node in fw.nodes.items():
        if node.kind not in ("pillar", "indicator"):
            continue
        r = value[code].corr(overall)
        rows.append({"code": code, "name": node.name, "level": node.kind,
                     "parent": node.parent,
                     "nominal_share": float(eff.loc[code, "effective_weight"]),
                     "pearson_index": r, "r2_index": r * r})
    t = pd.DataFrame(rows)
    # normalise both over the siblings (pillars together; indicators within their pillar)
    key = t["level"] + ":" + np.where(t["level"] == "pillar", "", t["parent"])
    t["nominal_weight"] = t["nominal_share"] / t.groupby(key)["nominal_share"].transform("sum")
    t["importance"] = t["r2_index"] / t.groupby(key)["r2_index"].transform("sum")
    t["ratio"] = t["importance"] / t["nominal_weight"]
    return t


def _removal(result: ScoreResult, levels: tuple[str, ...], ties: str) -> pd.DataFrame:
    """Rank of every country with each element removed (weight 0, siblings take its share)."""
    from ..engine.scoring import node_weights, question_inputs

    fw = result.framework
    st = result.structure
    elements = [c for c, n in fw.nodes.items() if n.kind in levels]
    if not elements:
        return pd.DataFrame(columns=["iso3", "element", "level", "nominal_rank", "rank",
                                     "change"])
    base = node_weights(result.scheme, st)
    w = np.repeat(base[None, :], len(elements) + 1, axis=0)     # row 0: nothing removed
    for i, c in enumerate(elements):
        w[i + 1, st.codes.index(c)] = 0.0
    credit, available = question_inputs(result.matrix, result.options["missing"],
                                        groups=result.groups)
    agg = result.options.get("aggregation", "arithmetic")
    val, ok, _ = aggregate(st, credit, available, w, agg)
    overall = np.where(ok[..., 0], val[..., 0], np.nan) * result.scale   # (1 + elements, nc)
    # the removal re-aggregates from the question credit: it must reproduce the run first
    if result.options.get("coverage") is not None or not np.allclose(
            overall[0], result.overall.to_numpy(), atol=1e-9, equal_nan=True):
        raise GCIError("the removal analysis cannot reproduce this run's overall scores "
                       "(a coverage threshold or an imputation it does not repeat); audit a "
                       "run without --coverage")
    overall = overall[1:]
    dec = result.options.get("rank_decimals")
    nominal = rank_scores(result.overall, ties, dec).to_numpy(dtype=float)
    if ties == "min":
        ranks = min_rank(overall, dec)
    else:
        ranks = np.stack([rank_scores(pd.Series(o), ties, dec).to_numpy(dtype=float)
                          for o in overall])
    nc = len(result.countries)
    return pd.DataFrame({
        "iso3": np.tile(result.countries, len(elements)),
        "element": np.repeat(elements, nc),
        "level": np.repeat([fw.nodes[c].kind for c in elements], nc),
        "nominal_rank": np.tile(nominal, len(elements)),
        "rank": ranks.reshape(-1),
        "change": (np.tile(nominal, len(elements)) - ranks.reshape(-1)),
    })
