"""Gaps: a country's improvement roadmap.

For every question a country has not fully met (unmet, partial or missing; questions that do not
apply are left out), :func:`gaps` gives the points its overall score would gain if that one
answer were changed to full credit, and the global and regional ranks it would gain. The gain
is an exact re-score, since conditions (``applies_if``) and weight redistribution change with
the answer: all single-question variants of the country are validated as one answer matrix
(:func:`gci.inputs.responses.build_matrix`) and scored as one batch array
(:func:`gci.engine.scoring.compute`), not re-run question by question.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from ..engine.result import ScoreResult
from ..engine.scoring import compute, score
from ..inputs.framework import Framework, Node
from ..inputs.responses import ANSWERED, MISSING, NOT_APPLICABLE, Responses, build_matrix
from .whatif import prepare_inputs

PathLike = str | os.PathLike


def full_credit_answer(node: Node) -> Any:
    """The answer giving a question full credit (``yes``, the best level, the upper goalpost)."""
    if node.type == "binary":
        return "yes"
    if node.type == "scale":
        levels = dict(node.levels or {})
        return max(levels, key=lambda k: levels[k])
    if node.type == "numeric":
        lo, hi = node.goalposts  # type: ignore[misc]
        return f"{hi:g}"
    raise ValueError(f"{node.code} is not a question")


def gaps(iso3: str, responses: Responses | PathLike | None = None,
         framework: Framework | PathLike | None = None, weights: Any = None, *,
         base: ScoreResult | None = None, check_countries: bool = True,
         by_pillar: bool = True, **options: Any) -> pd.DataFrame:
    """Unmet, partial and missing questions of a country, by the points each would add.

    Parameters
    ----------
    iso3 : str
    responses, framework, weights
        As :func:`gci.score` (default: the shipped data).
    base : ScoreResult, optional
        The current result, if already computed with the same inputs and options.
    by_pillar : bool
        Group by pillar (framework order), largest gain first inside each; else largest gain
        first overall.
    **options
        Passed to :func:`gci.score` (``scheme``, ``missing``, ``aggregation``, ``ties``, …).

    Returns
    -------
    DataFrame
        One row per question: pillar, indicator, question, name, answer (current), state
        (``unmet``, ``partial``, ``missing``), credit, full_answer, points_gain (overall),
        pillar_points_gain, new_overall, global_rank, new_global_rank, ranks_gained,
        regional_rank, new_regional_rank, regional_ranks_gained, and new_tier when tiers are on.
    """
    return roadmap(iso3, responses, framework, weights, base=base,
                   check_countries=check_countries, by_pillar=by_pillar, **options)[1]


def roadmap(iso3: str, responses: Responses | PathLike | None = None,
            framework: Framework | PathLike | None = None, weights: Any = None, *,
            base: ScoreResult | None = None, check_countries: bool = True,
            by_pillar: bool = True, **options: Any) -> tuple[ScoreResult, pd.DataFrame]:
    """The current result and :func:`gaps` of a country (what ``gci gaps`` shows).

    Same parameters as :func:`gaps`; the result is the run the gains are measured from (its
    overall score, tier and ranks are the country's standing: :func:`standing_text`).
    """
    resp, fw, weights = prepare_inputs(responses, framework, weights, check_countries)
    base = base if base is not None else score(resp, fw, weights,
                                               check_countries=check_countries, **options)
    return base, result_gaps(base, iso3, by_pillar=by_pillar)


def standing_text(base: ScoreResult, iso3: str) -> str:
    """One line: the country's current overall score and its tier, or its ranks.

    A run with a tier scheme (an edition that publishes tiers, such as GCI 2024) shows the
    tier; a run without (``tiers=None``, the ranked editions up to 2020) shows the global and
    regional rank. Scores and tiers are as written in the tables (``rank_decimals``).
    """
    code = base.country_code(iso3)
    row = base.scores.loc[code]
    dec = base.options["rank_decimals"]
    overall = float(row["overall"])
    shown = f"{overall:.{dec}f}" if dec is not None else f"{overall:g}"
    head = f"{row['name']} ({code}) now: overall {shown} of {base.scale:g}"
    if base.tier_scheme is not None:
        edition = f"{base.tier_scheme.edition} " if base.tier_scheme.edition else ""
        return f"{head}; {edition}tier: {row['tier']}."
    group = base.options["groups"]
    region = row.get(group)
    n = len(base.countries)
    if isinstance(region, str):
        n_region = int((base.groups.reindex(base.countries) == region).sum())
        where = f", rank {_int(row['regional_rank'])} of {n_region} in {region}"
    else:
        where = ""
    return f"{head}; global rank {_int(row['global_rank'])} of {n}{where}."


def _int(x: Any) -> str:
    """A rank as printed: ``12``, ``12.5`` (average ties), ``–`` when missing."""
    if x is None or pd.isna(x):
        return "–"
    return f"{float(x):g}"


def result_gaps(base: ScoreResult, iso3: str, *, by_pillar: bool = True) -> pd.DataFrame:
    """:func:`gaps` of a country from an existing result (its answers are in ``base.matrix``).

    Also reports ``now_applies``: questions that do not apply today and would apply after the
    change (their answers then count; under ``missing="zero"`` an unanswered one counts 0, which
    is why a gain can be negative).
    """
    fw = base.framework
    code = base.country_code(iso3)
    m = base.matrix
    i = m.countries.index(code)
    qcodes = fw.question_codes
    state, credit = m.state[i], m.credit[i]
    todo = (state == MISSING) | ((state == ANSWERED) & (np.nan_to_num(credit) < 1.0))
    cand = [qcodes[j] for j in np.nonzero(todo)[0]]
    cols = _columns(base)
    if not cand:
        return pd.DataFrame(columns=cols)
    # all single-question variants of the country as pseudo-countries of one answer matrix
    given = m.raw.iloc[i].notna().to_numpy()
    mine = pd.DataFrame({"iso3": code, "country": code,
                         "question": np.asarray(qcodes, dtype=object)[given],
                         "answer": m.raw.iloc[i].to_numpy(object)[given],
                         "evidence": m.evidence.iloc[i].to_numpy(object)[given],
                         "source": "questionnaire", "file": "<gaps>", "line": None})
    k, n = len(cand), len(mine)
    ids = np.array([f"~{j:05d}" for j in range(k)], dtype=object)
    rep = mine.iloc[np.tile(np.arange(n), k)].copy()
    rep["iso3"] = np.repeat(ids, n)
    rep = rep[rep["question"].to_numpy() != np.repeat(np.array(cand, dtype=object), n)]
    new = pd.DataFrame({"iso3": ids, "country": code, "question": cand,
                        "answer": [full_credit_answer(fw.nodes[q]) for q in cand],
                        "evidence": None, "source": "questionnaire", "file": "<gaps>",
                        "line": None})
    variants = Responses(pd.concat([rep, new], ignore_index=True), [], [], decimal=m.decimal)
    vm = build_matrix(variants, fw, missing=base.options["missing"])
    value, _, share = compute(fw, base.scheme, vm, missing=base.options["missing"],
                              aggregation=base.options["aggregation"],
                              structure=base.structure)
    order = [vm.countries.index(v) for v in ids]
    value, share = value[order], share[order]
    switched = (state == NOT_APPLICABLE)[None, :] & (vm.state[order] != NOT_APPLICABLE)
    now_applies = [", ".join(qcodes[j] for j in np.nonzero(row)[0]) for row in switched]
    scale = base.scale
    new_overall = value[:, 0] * scale
    current = float(base.overall[code])
    pillar_of = {q: fw.pillar_of(q) for q in cand}
    pcol = np.array([base.structure.codes.index(pillar_of[q]) for q in cand])
    rows_idx = np.arange(k)
    new_pillar = np.nan_to_num(share[rows_idx, pcol] * value[rows_idx, pcol]) * scale
    cur_pillar = base.pillars.loc[code, [pillar_of[q] for q in cand]].to_numpy(dtype=float)
    ranks = _ranks_with(base, code, new_overall)
    nodes = fw.nodes
    raw = m.raw.iloc[i]
    states = np.where(state[todo] == MISSING, "missing",
                      np.where(np.nan_to_num(credit[todo]) > 0, "partial", "unmet"))
    out = pd.DataFrame({
        "pillar": [pillar_of[q] for q in cand],
        "indicator": [fw.indicator_of(q) for q in cand],
        "question": cand,
        "name": [nodes[q].name for q in cand],
        "answer": [raw[q] for q in cand],
        "state": states,
        "credit": np.nan_to_num(credit[todo]),
        "full_answer": new["answer"].to_numpy(),
        "points_gain": new_overall - current,
        "pillar_points_gain": new_pillar - np.nan_to_num(cur_pillar),
        "new_overall": new_overall,
        "now_applies": now_applies,
        **ranks,
    })
    pillar_pos = {p.code: r for r, p in enumerate(fw.pillars)}
    out["_p"] = out["pillar"].map(pillar_pos) if by_pillar else 0
    out["_q"] = np.arange(k)
    out = out.sort_values(["_p", "points_gain", "_q"], ascending=[True, False, True])
    return out.drop(columns=["_p", "_q"]).reset_index(drop=True)[cols]


def _columns(base: ScoreResult) -> list[str]:
    cols = ["pillar", "indicator", "question", "name", "answer", "state", "credit",
            "full_answer", "points_gain", "pillar_points_gain", "new_overall", "now_applies",
            "global_rank",
            "new_global_rank", "ranks_gained", "regional_rank", "new_regional_rank",
            "regional_ranks_gained"]
    return cols + (["new_tier"] if base.tier_scheme is not None else [])


def _ranks_with(base: ScoreResult, iso3: str, new_overall: np.ndarray) -> dict[str, Any]:
    """Ranks of ``iso3`` with each of its variant scores, the other countries unchanged.

    Every variant is a row of a (variants × countries) table ranked along the rows at once
    with the run's tie rule, after rounding as the published ranks are.
    """
    ties, dec = base.options["ties"], base.options["rank_decimals"]
    overall = base.overall
    table = pd.DataFrame(np.tile(overall.to_numpy(dtype=float), (len(new_overall), 1)),
                         columns=overall.index)
    table[iso3] = new_overall
    if dec is not None:
        table = table.round(dec)
    glob = table.rank(axis=1, method=ties, ascending=False)[iso3].to_numpy()
    region = base.groups.reindex(overall.index)
    mine = region.get(iso3)
    if pd.isna(mine):
        reg = np.full(len(new_overall), np.nan)
    else:
        peers = region.index[(region == mine).to_numpy()]
        reg = table[peers].rank(axis=1, method=ties, ascending=False)[iso3].to_numpy()
    if ties != "average":
        glob = pd.array(glob, dtype="Int64")
        reg = pd.array(reg, dtype="Int64")
    cur = base.ranks.loc[iso3]
    out: dict[str, Any] = {
        "global_rank": cur["global_rank"], "new_global_rank": glob,
        "ranks_gained": cur["global_rank"] - glob,
        "regional_rank": cur["regional_rank"], "new_regional_rank": reg,
        "regional_ranks_gained": cur["regional_rank"] - reg,
    }
    if base.tier_scheme is not None:
        shown = pd.Series(new_overall).round(dec) if dec is not None else pd.Series(new_overall)
        out["new_tier"] = base.tier_scheme.assign(shown).to_numpy()
    return out
