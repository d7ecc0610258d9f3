"""Scoring: responses + framework + weights → a :class:`~gci.engine.result.ScoreResult`.

:func:`score` is the library's main entry point and mirrors ``gci score``. Each step is recorded
in ``result.log`` (and in ``manifest.json``) so that a result can be regenerated.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..errors import GCIError, Problem, ResponsesError, raise_if_errors
from ..fileio import resolve_path, sha256_file
from ..inputs.countries import check_grouping, load_grouping, region_of
from ..inputs.framework import Framework
from ..inputs.framework_table import load_framework_any, read_framework_table
from ..inputs.project import (  # noqa: F401 - defined in project; kept importable from here
    DEFAULT_NAMES,
    default_input,
    default_paths,
    fill_defaults,
    project_root,
    shipped_root,
)
from ..inputs.responses import (
    ANSWERED,
    MISSING,
    MISSING_POLICIES,
    AnswerMatrix,
    Responses,
    build_matrix,
    load_responses,
)
from ..inputs.tiers import TierScheme, get_tier_scheme
from ..inputs.weights import Weights, WeightScheme, resolve_scheme
from .aggregate import AGGREGATORS, Structure, aggregate, aggregate_states
from .impute import IMPUTE_POLICIES, below_coverage, coverage_problems, policy_inputs
from .ranking import DEFAULT_TIES, TIE_METHODS
from .result import ScoreResult

PathLike = str | os.PathLike

#: Units without an ITU region warned one by one up to this many; more get one warning.
UNGROUPED_EACH = 100


def score(responses: Responses | PathLike | None = None,
          framework: Framework | PathLike | None = None,
          weights: Weights | WeightScheme | PathLike | None = None, *,
          scheme: str | None = None, missing: str = "zero",
          aggregation: str | Mapping[str, str] = "arithmetic", ties: str = DEFAULT_TIES,
          rank_decimals: int | None = 2, tiers: str | TierScheme | None = "gci2024",
          groups: pd.Series | PathLike | None = None, check_countries: bool = True,
          progress: Any = None, coverage: float | Mapping[str, float] | None = None,
          impute_by: pd.Series | PathLike | None = None,
          replace: Responses | PathLike | list[PathLike] | None = None) -> ScoreResult:
    """Score responses against a framework with a weight scheme, then rank and tier.

    Parameters
    ----------
    responses : Responses or path, optional
        Responses, or a folder/file to read. Default: the shipped demo ``responses/``.
    framework : Framework or path, optional
        Default: the shipped ``indicators.yaml``.
    weights : Weights, WeightScheme or path, optional
        Default: the shipped ``weights.yaml``.
    scheme : str, optional
        Weight scheme name (default: the file's default scheme).
    missing : {"zero", "exclude", "group_mean", "group_median"}
        Missing answers count as 0 (as the GCI does), or are left out of their parent with
        their weight shared among the answered siblings, or are imputed with the mean (median)
        credit of their group (see :mod:`gci.engine.impute`; flagged in ``result.validation``).
    aggregation : str or mapping
        Aggregation method name (see :data:`gci.engine.aggregate.AGGREGATORS`), or per parent level.
    ties : str
        Tie rule for ranks (:data:`gci.engine.ranking.TIE_METHODS`; ``dense`` is ITU's).
    rank_decimals : int or None
        Round overall scores to this many decimals before ranking (2: as published).
    tiers : str, TierScheme or None
        Tier scheme (default the GCI 2024 tiers); ``None`` for no tiers.
    groups : Series or path, optional
        Country → group mapping for regional ranks (default: ITU regions).
    check_countries : bool
        Require the 194 GCI economies' codes (``False`` for other units).
    progress : callable, optional
        Called with each response file read.
    coverage : float or mapping, optional
        Minimum data coverage of an aggregate (share of its applicable questions answered),
        one share or per level/code; below it the aggregate is left missing and flagged.
    impute_by : Series or path, optional
        Grouping for ``group_mean``/``group_median`` (default: ``groups``, i.e. ITU regions).
    replace : Responses, path or list of paths, optional
        Answers that replace, country by country, all answers of the same countries in
        ``responses`` (a member state's own answers among the others); a country not in
        ``responses`` is added. The files are read, never modified; the manifest lists them.
        :func:`gci.analysis.whatif.replacement_changes` compares the result with the one without.

    Returns
    -------
    ScoreResult

    Raises
    ------
    FrameworkError, WeightsError, ResponsesError, InputError
        With every problem found in the inputs.
    """
    if missing not in MISSING_POLICIES:
        raise GCIError(f"missing-answer policy {missing!r}; expected one of "
                       f"{', '.join(MISSING_POLICIES)}")
    if ties not in TIE_METHODS:
        raise GCIError(f"tie rule {ties!r}; expected one of {', '.join(TIE_METHODS)}")
    for m in ([aggregation] if isinstance(aggregation, str) else aggregation.values()):
        if m not in AGGREGATORS:
            raise GCIError(f"aggregation {m!r}; expected one of {', '.join(AGGREGATORS)}")
    log: list[dict] = []
    inputs: dict[str, Any] = {}
    where: dict = {}  # resolved folders, shared by the manifest entries of this run
    framework, weights, responses = fill_defaults(framework, weights, responses)
    if not isinstance(framework, Framework):
        framework = load_framework_any(framework)
        inputs["framework"] = _file_entry(framework.source, where)
    elif framework.source and Path(framework.source).is_file():
        inputs["framework"] = _file_entry(framework.source, where)
    log.append({"step": "load_framework", "source": framework.source,
                "questions": len(framework.questions)})
    ws = resolve_scheme(_table_scheme(weights, scheme), scheme, framework)
    if isinstance(weights, (str, os.PathLike)):
        inputs["weights"] = _file_entry(weights, where)
    log.append({"step": "weights", "scheme": ws.name, "scale": ws.scale})
    if not isinstance(responses, Responses):
        resp = load_responses(responses, check_countries=check_countries, progress=progress)
        inputs["responses"] = [_file_entry(f, where) for f in resp.files]
        # what the user named (folders and/or files): outputs may not go into a named folder
        named = [responses] if isinstance(responses, (str, os.PathLike)) else list(responses)
        inputs["responses_given"] = [_file_entry(f, where) for f in named]
    else:
        resp = responses
        inputs["responses"] = [_file_entry(f, where) for f in resp.files if Path(f).is_file()]
    log.append({"step": "load_responses", "files": len(resp.files), "answers": len(resp)})
    if replace is not None:
        resp, replaced = replace_countries(resp, replace, check_countries=check_countries)
        if not isinstance(replace, Responses):
            named = [replace] if isinstance(replace, (str, os.PathLike)) else list(replace)
            inputs["replace"] = [_file_entry(f, where) for f in named]
        log.append({"step": "replace", "countries": replaced})
    matrix = build_matrix(resp, framework, missing=missing)
    raise_if_errors(matrix.problems, ResponsesError, "responses")
    log.append({"step": "validate", "errors": 0,
                "warnings": sum(p.severity == "warning" for p in matrix.problems)})
    if groups is None:
        group_series = pd.Series(region_of(), name="itu_region")
        group_name = "itu_region"
    elif isinstance(groups, pd.Series):
        group_series, group_name = groups, groups.name or "group"
    else:
        group_series, group_name = load_grouping(groups), "group"
        inputs["groups"] = _file_entry(groups, where)
    if groups is not None:  # a user grouping must cover every scored country
        check_grouping(group_series, matrix.countries,
                       str(groups) if not isinstance(groups, pd.Series) else "the grouping")
    else:  # other units (check_countries=False) have no ITU region: said, never silent
        known = pd.Index(matrix.countries).isin(group_series.index)
        lacking = np.asarray(matrix.countries, dtype=object)[~known]
        if len(lacking) <= UNGROUPED_EACH:  # a few: one warning per unit, naming it
            for c in lacking:
                matrix.problems.append(Problem(
                    "ungrouped_country", "no ITU region for this unit; it gets no regional "
                    "rank (pass groups= / --groups to give it one)", None, None, c,
                    severity="warning"))
        else:  # many (a table of 100,000 units): one warning with the count and examples
            shown = ", ".join(str(c) for c in lacking[:5])
            matrix.problems.append(Problem(
                "ungrouped_country", f"{len(lacking):,} units have no ITU region ({shown}, "
                "…); they get no regional rank (pass groups= / --groups to give them one)",
                None, None, None, severity="warning"))
    tier_scheme = get_tier_scheme(tiers)
    if tier_scheme is not None and not tier_scheme.fits(ws.scale):
        raise GCIError(f"tier scheme {tier_scheme.name!r} is for scores out of "
                       f"{tier_scheme.scale:g}, but weight scheme {ws.name!r} scores out of "
                       f"{ws.scale:g}; choose --tiers none or a matching scheme")
    structure = Structure.of(framework)
    imp_groups = None
    imputed = None  # question credit and availability after imputation, computed once
    if missing in IMPUTE_POLICIES:
        imp_groups = (group_series if impute_by is None else impute_by
                      if isinstance(impute_by, pd.Series) else load_grouping(impute_by))
        imputed_credit, filled, imp_problems = policy_inputs(
            matrix.credit, matrix.state, matrix.countries, matrix.questions, missing, imp_groups)
        imputed = (imputed_credit, filled)
        matrix.problems.extend(imp_problems)
        log.append({"step": "impute", "method": missing, "fallback": "exclude",
                    "imputed": int((filled & (matrix.state == MISSING)).sum()),
                    "flagged": sum(p.kind != "imputed" for p in imp_problems)})
    if coverage is not None:
        matrix.problems.extend(coverage_problems(structure, matrix.state, matrix.countries,
                                                 coverage))
    value, avail, share = compute(framework, ws, matrix, missing=missing,
                                  aggregation=aggregation, structure=structure,
                                  groups=imp_groups, coverage=coverage, inputs=imputed)
    log.append({"step": "aggregate", "missing": missing, "aggregation": aggregation})
    matrix.problems.extend(_zeroing_problems(structure, value, avail, aggregation,
                                             matrix.countries))
    if coverage is not None:
        log.append({"step": "coverage", "minimum": coverage})
    options = {"scheme": ws.name, "scale": ws.scale, "missing": missing,
               "aggregation": aggregation, "ties": ties, "rank_decimals": rank_decimals,
               "tiers": tier_scheme.name if tier_scheme else None, "groups": group_name,
               "check_countries": check_countries}
    if coverage is not None:
        options["coverage"] = coverage
    if replace is not None:
        options["replaced"] = replaced
    log.append({"step": "rank", "ties": ties, "rank_decimals": rank_decimals,
                "groups": group_name, "tiers": options["tiers"]})
    return ScoreResult(framework=framework, scheme=ws, matrix=matrix, structure=structure,
                       value=value, available=avail, share=share, options=options,
                       groups=group_series, tier_scheme=tier_scheme, inputs=inputs, log=log,
                       version=__version__)


def _zeroing_problems(structure: Structure, value: np.ndarray, avail: np.ndarray,
                      aggregation: str | Mapping[str, str], countries: list[str]
                      ) -> list[Problem]:
    """A warning per level where a geometric/harmonic mean scores countries 0 for one zero."""
    from .aggregate import zeroed_by_aggregation

    out = []
    for level, hit in zeroed_by_aggregation(structure, value, avail, aggregation).items():
        names = [countries[i] for i in np.nonzero(hit)[0]]
        shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12
                                         else "")
        method = aggregation if isinstance(aggregation, str) else aggregation.get(level)
        what = "overall score" if level == "overall" else f"{level} score(s)"
        out.append(Problem(
            "zeroing_aggregation",
            f"{len(names)} of {len(countries)} countries get an {what} of 0 only because one "
            f"component is 0: the {level} level is a '{method}' mean, which is 0 whatever the "
            f"other components ({shown}); use 'geometric_shifted' (the geometric mean of the "
            "credit rescaled to [1, 100], as the JRC/COINr audits do) or 'arithmetic'", None,
            severity="warning"))
    return out


def replace_countries(responses: Responses, replace: Responses | PathLike | list[PathLike], *,
                      check_countries: bool = True) -> tuple[Responses, list[str]]:
    """``responses`` with every answer of the countries in ``replace`` replaced by theirs.

    Returns the new responses (the given ones are not modified) and the replaced countries.

    Raises
    ------
    GCIError
        ``replace`` holds no answers of any country.
    ResponsesError, InputError
        The replacement files cannot be read.
    """
    new = replace if isinstance(replace, Responses) else \
        load_responses(replace, check_countries=check_countries)
    countries = new.countries
    if not countries:
        raise GCIError(f"no country's answers in the replacement {', '.join(new.files)}")
    t = responses.table
    table = pd.concat([t[~t["iso3"].isin(countries)], new.table], ignore_index=True)
    files = [f for f in responses.files if f not in new.files] + list(new.files)
    if new.decimal != responses.decimal:
        raise GCIError(f"the replacement {', '.join(new.files)} is read with decimal mark "
                       f"{new.decimal!r} but the edition with {responses.decimal!r}; read both "
                       "with the same --decimal")
    members = None
    if responses.members is not None or new.members is not None:
        frames = [m for m in (responses.members, new.members) if m is not None]
        members = pd.concat(frames, ignore_index=True)
        members = members[~members["iso3"].isin(countries) | members["file"].isin(new.files)]
    return Responses(table, files, list(responses.problems) + list(new.problems),
                     members=members, decimal=responses.decimal), countries


def compute(fw: Framework, ws: WeightScheme, matrix: AnswerMatrix, *, missing: str = "zero",
            aggregation: str | Mapping[str, str] = "arithmetic",
            structure: Structure | None = None, weights: np.ndarray | None = None,
            groups: pd.Series | Mapping[str, str] | None = None,
            coverage: float | Mapping[str, float] | None = None,
            inputs: tuple[np.ndarray, np.ndarray] | None = None,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Aggregate an answer matrix (the numeric core of :func:`score`).

    ``weights`` may override the scheme with an array of relative node weights of shape
    ``(..., nodes)`` (root first, as :class:`~gci.engine.aggregate.Structure`), e.g. Monte Carlo
    draws.
    ``groups`` is the grouping of the imputation policies (default ITU regions); ``coverage``
    the minimum data coverage of aggregates (:mod:`gci.engine.impute`). ``inputs`` are the question
    credit and availability when already computed (:func:`question_inputs`).
    """
    structure = structure or Structure.of(fw)
    if weights is None:
        weights = node_weights(ws, structure)
    drop = below_coverage(structure, matrix.state, coverage)
    if inputs is None and missing in ("zero", "exclude"):  # no question_inputs arrays made
        return aggregate_states(structure, matrix.credit, matrix.state, weights, aggregation,
                                drop=drop, missing=missing)
    credit, available = (inputs if inputs is not None
                         else question_inputs(matrix, missing, groups=groups))
    return aggregate(structure, credit, available, weights, aggregation, drop=drop)


def question_inputs(matrix: AnswerMatrix, missing: str,
                    groups: pd.Series | Mapping[str, str] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Credit and availability of every question under a missing-answer policy."""
    if missing in IMPUTE_POLICIES:
        credit, available, _ = policy_inputs(matrix.credit, matrix.state, matrix.countries,
                                             matrix.questions, missing, groups)
        return credit, available
    if missing == "zero":
        available = matrix.state != 2  # answered or missing; not-applicable drops out
    else:
        available = matrix.state == ANSWERED
    # the credit of answered questions, 0 elsewhere (as nan_to_num of the credit would give:
    # missing and not-applicable credit is NaN), in one pass and one new array
    credit = np.where(matrix.state == ANSWERED, matrix.credit, 0.0)
    if not np.isfinite(credit).all():  # rare (a normalised numeric question): as before
        credit = np.nan_to_num(credit, copy=False)
    return credit, available


def node_weights(ws: WeightScheme, structure: Structure) -> np.ndarray:
    """Relative weight of every node in ``structure`` order (root first, weight 1)."""
    return np.array([1.0] + [float(ws.weights.get(c, 1.0)) for c in structure.codes[1:]])


def _table_scheme(weights: Any, scheme: str | None) -> Any:
    """The weight column of a framework table given as weights (other inputs unchanged)."""
    if isinstance(weights, (str, os.PathLike)) and \
            Path(weights).suffix.lower() in (".csv", ".xlsx"):
        return read_framework_table(weights, scheme_name=scheme)[1]
    return weights


def _file_entry(path: PathLike, where: dict | None = None) -> dict:
    """The manifest entry of one input: its path as shown and its sha256 (or ``folder``).

    ``where`` (shared by the entries of one run) keeps the resolved working folder and the
    resolved folders of the files already seen, so 194 files in one folder resolve it once.
    """
    p = Path(path)
    shown = _display_path(p, where)
    if p.is_dir():
        return {"path": shown, "kind": "folder"}
    return {"path": shown, "sha256": sha256_file(p)}


def _display_path(p: Path, where: dict | None = None) -> str:
    """``p`` relative to the working folder when inside it (portable manifests), else as is.

    ``where`` (a dict shared by the calls of one run) keeps the resolved working folder and
    folders (:func:`gci.fileio.resolve_path`), and each folder's path relative to the working
    folder, so the files of one folder cost one ``lstat`` each.
    """
    if where is None:
        where = {}
    cwd = where.get("")
    if cwd is None:
        cwd = where[""] = Path.cwd().resolve()
    full = resolve_path(p, where)
    rel = where.get(("rel", full.parent))
    if rel is None:
        try:
            rel = str(full.parent.relative_to(cwd))
        except ValueError:
            rel = False
        where[("rel", full.parent)] = rel
    if rel is False or not full.name:  # outside the working folder (or the root itself)
        try:
            return str(full.relative_to(cwd))
        except ValueError:
            return str(p)
    return full.name if rel == "." else os.path.join(rel, full.name)
