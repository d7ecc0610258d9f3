"""What-if: a country's scores, ranks and tier if some of its answers were different.

``what_if("KEN", {"Q05": "yes"})`` re-scores the responses with the country's answers replaced
(:meth:`gci.Responses.with_answers`; the original responses are untouched) under the same
options, and compares the new overall and pillar scores, global and regional ranks and tier with
the current ones, and lists the countries the change passes (or that pass it). Conditions
(``applies_if``) and weight redistribution are applied exactly as in :func:`gci.score`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..engine.result import ScoreResult
from ..engine.scoring import score
from ..errors import GCIError, Problem, ValidationError
from ..inputs import values
from ..inputs.framework import Framework, normalise_answer, typed_answers
from ..inputs.framework_table import load_framework_any
from ..inputs.project import fill_defaults
from ..inputs.responses import Responses, load_responses

PathLike = str | os.PathLike


class WhatIfError(ValidationError):
    """The what-if answers are invalid (unknown question, answer not allowed)."""


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """Parse ``["Q07=yes", "Q31=partial"]`` into ``{"Q07": "yes", "Q31": "partial"}``.

    Raises
    ------
    WhatIfError
        Listing every item that is not ``QUESTION=ANSWER`` or sets a question twice.
    """
    out, problems = _parse(items)
    if problems:
        raise WhatIfError(problems, "--set answers")
    return out


def _parse(items: Iterable[str]) -> tuple[dict[str, str], list[Problem]]:
    out: dict[str, str] = {}
    problems = []
    for item in items:
        q, sep, a = str(item).partition("=")
        q, a = q.strip(), a.strip()
        if not sep or not q or not a:
            problems.append(Problem("bad_assignment", f"--set {item!r}: expected QUESTION=ANSWER,"
                                    " e.g. Q07=yes", item=q or None))
        elif q in out and out[q] != a:
            problems.append(Problem("conflicting_assignment", f"--set gives {q} two answers "
                                    f"({out[q]!r} and {a!r}); give one", item=q))
        else:
            out[q] = a
    return out, problems


def check_answers(fw: Framework, answers: Mapping[str, Any], iso3: str | None = None,
                  decimal: str = ".") -> list[Problem]:
    """Problems of what-if answers against the framework: unknown questions, bad answers.

    Answers are typed by :mod:`gci.inputs.values` exactly as answers in response files are
    (``decimal`` is the decimal mark of numbers; ``3,5`` is refused with the default ``"."``).
    """
    problems = []
    qcodes = fw.question_codes
    for q, a in answers.items():
        node = fw.nodes.get(q)
        if node is None or not node.is_question:
            what = "is not a question" if node is not None else "is not in the framework"
            hint = values.suggest(q, qcodes)
            problems.append(Problem("unknown_question", f"{q}={a}: {q!r} {what} "
                                    f"{fw.source or fw.code!r}; its questions are "
                                    f"{qcodes[0]} … {qcodes[-1]}" + (f" ({hint})" if hint else ""),
                                    country=iso3, item=q))
            continue
        _, ok, why = typed_answers(node, pd.Series([a], dtype=object), decimal)
        if not ok[0]:
            problems.append(Problem("bad_answer", f"{q}={a}: answer {a!r} is not allowed for "
                                    f"{node.type} question {q} ({node.name}); expected "
                                    f"{node.allowed_answers()}: {why[0].message}", country=iso3,
                                    item=q))
    return problems


def prepare_inputs(responses: Responses | PathLike | None, framework: Framework | PathLike | None,
                   weights: Any, check_countries: bool = True, decimal: str | None = None
                   ) -> tuple[Responses, Framework, Any]:
    """Load responses and framework once (default: the shipped data); weights pass through.

    ``decimal`` is the decimal mark of numeric answers in the response files (``"."`` or
    ``","``); responses already loaded keep their own.
    """
    framework, weights, responses = fill_defaults(framework, weights, responses)
    fw = framework if isinstance(framework, Framework) else load_framework_any(framework)
    if not isinstance(responses, Responses):
        responses = load_responses(responses, check_countries=check_countries,
                                   decimal=decimal)
    return responses, fw, weights


@dataclass
class WhatIf:
    """Result of :func:`what_if`.

    Attributes
    ----------
    iso3 : str
    answers : dict
        The answers set.
    table : DataFrame
        Rows ``overall``, each pillar, ``global_rank``, ``regional_rank`` and ``tier``;
        columns ``before``, ``after``, ``change`` (points for scores, places gained for ranks).
    passed : DataFrame
        Countries ranked ahead before and behind after (``direction`` ``passed``), or behind
        before and ahead after (``passed_by``): iso3, name, overall, rank before and after.
    before, after : ScoreResult
    warnings : list of Problem
        Warnings about the country after the change (e.g. an answer that no longer applies).
    """

    iso3: str
    answers: dict
    table: pd.DataFrame
    passed: pd.DataFrame
    before: ScoreResult
    after: ScoreResult
    warnings: list = field(default_factory=list)


def what_if(iso3: str, answers: Mapping[str, Any] | Iterable[str],
            responses: Responses | PathLike | None = None,
            framework: Framework | PathLike | None = None, weights: Any = None, *,
            base: ScoreResult | None = None, check_countries: bool = True,
            decimal: str | None = None, **options: Any) -> WhatIf:
    """Re-score with some answers of one country changed and compare.

    Parameters
    ----------
    iso3 : str
        The country.
    answers : mapping question → answer, or strings ``"Q=ANSWER"``
        E.g. ``{"Q07": "yes", "Q31": "partial"}`` or ``["Q07=yes", "Q31=partial"]``; checked
        against the framework.
    responses, framework, weights
        As :func:`gci.score` (default: the shipped data).
    base : ScoreResult, optional
        The current result, if already computed with the same inputs and options.
    decimal : {".", ","}, optional
        Decimal mark of numeric answers, in the response files and in ``answers`` (default
        ``"."`` or :func:`gci.inputs.values.decimal_mark`'s).
    **options
        Passed to :func:`gci.score` (``scheme``, ``missing``, ``aggregation``, ``ties``, …).

    Raises
    ------
    WhatIfError
        Naming every unknown question and every answer that is not allowed.
    GCIError
        When the country has no responses.
    """
    resp, fw, weights = prepare_inputs(responses, framework, weights, check_countries, decimal)
    problems: list[Problem] = []
    if not isinstance(answers, Mapping):
        answers, problems = _parse(answers)
    answers = {str(q).strip(): normalise_answer(a) for q, a in answers.items()}
    if not answers and not problems:
        raise GCIError("no answers to change: give at least one QUESTION=ANSWER")
    problems += check_answers(fw, answers, str(iso3).upper(), resp.decimal)
    if problems:
        raise WhatIfError(problems, "what-if answers")
    before = base if base is not None else score(resp, fw, weights,
                                                 check_countries=check_countries, **options)
    code = before.country_code(iso3)
    after = score(resp.with_answers(code, answers), fw, weights,
                  check_countries=check_countries, **options)
    table = _compare(before, after, code)
    passed = _passed(before, after, code)
    warnings = [p for p in after.matrix.problems if p.country == code
                and p.kind not in ("missing_answers", "missing_evidence")
                and p.file == "<what-if>"]
    return WhatIf(code, dict(answers), table, passed, before, after, warnings)


def _compare(before: ScoreResult, after: ScoreResult, iso3: str) -> pd.DataFrame:
    b, a = before.scores.loc[iso3], after.scores.loc[iso3]
    group = before.options["groups"]
    pillars = [p.code for p in before.framework.pillars]
    rows = []
    for m in ["overall", *pillars]:
        rows.append({"measure": m, "before": float(b[m]), "after": float(a[m]),
                     "change": float(a[m]) - float(b[m])})
    for m in ("global_rank", "regional_rank"):
        rb, ra = b[m], a[m]
        gained = None if pd.isna(rb) or pd.isna(ra) else int(rb) - int(ra)
        rows.append({"measure": m, "before": None if pd.isna(rb) else int(rb),
                     "after": None if pd.isna(ra) else int(ra), "change": gained})
    if "tier" in before.scores:
        rows.append({"measure": "tier", "before": b["tier"], "after": a["tier"],
                     "change": "same" if b["tier"] == a["tier"] else "changed"})
    out = pd.DataFrame(rows).set_index("measure").astype(object)
    out.attrs["group"] = f"{group}: {b[group]}"
    return out


def _passed(before: ScoreResult, after: ScoreResult, iso3: str) -> pd.DataFrame:
    rb = before.ranks["global_rank"]
    ra = after.ranks["global_rank"]
    mine_b, mine_a = rb[iso3], ra[iso3]
    others = rb.index[rb.index != iso3]
    ahead_b, ahead_a = rb[others] < mine_b, ra[others] < mine_a
    behind_b, behind_a = rb[others] > mine_b, ra[others] > mine_a
    passed = others[(ahead_b & behind_a).fillna(False).to_numpy()]
    passed_by = others[(behind_b & ahead_a).fillna(False).to_numpy()]
    scores = before.scores
    rows = [(c, "passed") for c in passed] + [(c, "passed_by") for c in passed_by]
    out = pd.DataFrame({
        "iso3": [c for c, _ in rows],
        "name": [scores.loc[c, "name"] for c, _ in rows],
        "overall": [float(scores.loc[c, "overall"]) for c, _ in rows],
        "rank_before": [int(rb[c]) for c, _ in rows],
        "rank_after": [int(ra[c]) for c, _ in rows],
        "direction": [d for _, d in rows],
    })
    return out.sort_values(["direction", "rank_before", "iso3"]).reset_index(drop=True)


def replacement_changes(before: ScoreResult, after: ScoreResult,
                        countries: Iterable[str] | None = None) -> pd.DataFrame:
    """What changed for countries whose answers were replaced (``gci score --with``).

    Parameters
    ----------
    before, after : ScoreResult
        The edition as it is, and scored with ``replace=`` (:func:`gci.score`).
    countries : iterable of str, optional
        Default: the countries ``after`` replaced (``after.options["replaced"]``).

    Returns
    -------
    DataFrame
        Long: ``iso3``, ``measure`` (``overall``, each pillar, ``global_rank``,
        ``regional_rank``, ``tier``), ``before``, ``after``, ``change`` (points; places gained
        for ranks). ``before`` is empty for a country new to the edition. ``attrs["group"]``
        names each country's group.
    """
    codes = list(countries) if countries is not None else list(after.options.get("replaced", []))
    frames = []
    for iso3 in codes:
        if iso3 in before.countries:
            t = _compare(before, after, iso3)
        else:  # a country new to the edition: nothing before
            t = _compare(after, after, iso3)
            t["before"] = None
            t["change"] = None
        t = t.reset_index()
        t.insert(0, "iso3", iso3)
        frames.append(t)
    cols = ["iso3", "measure", "before", "after", "change"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
