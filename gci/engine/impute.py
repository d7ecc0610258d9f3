"""Missing data: imputation by group and minimum data coverage of aggregates.

Policies for a missing answer (``missing=`` of :func:`gci.score`):

``zero``
    Credit 0, as the GCI does.
``exclude``
    Left out of its parent; the answered siblings share its weight.
``group_mean`` / ``group_median``
    The mean (median) credit of the countries of the same group that answered the question;
    groups are the ITU regions unless another grouping is given. Imputation works on credit
    (after any normalisation), so a yes/no question imputes the share of "yes" in the group.

A group in which no country answered a question has nothing to impute from: those answers fall
back to ``fallback`` (``exclude`` by default; or ``zero``, or ``overall`` for the statistic over
all countries that answered) and are *flagged*, as are countries that belong to no group.
Imputed answers keep the state "missing" in the answer matrix; every imputation is listed in
:attr:`Imputation.report` and summarised in warnings (one per country, one per all-missing
group and question).

Coverage
--------
The data coverage of an aggregate (pillar, indicator, …, overall) for a country is the share of
its applicable questions that were answered (imputed answers do not count as data). With a
minimum coverage (``coverage=0.5`` or per level/code ``{"pillar": 0.5, "overall": 0.6}``), an
aggregate below it is left missing and flagged; its parent treats it as unavailable and shares
its weight among its other children.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import GCIError, Problem
from ..inputs.responses import ANSWERED, MISSING, NOT_APPLICABLE
from .aggregate import LEVEL_NAMES, Structure

IMPUTE_POLICIES = ("group_mean", "group_median")
FALLBACKS = ("exclude", "zero", "overall")
REPORT_COLUMNS = ["iso3", "question", "group", "credit", "flag", "outcome"]


@dataclass
class Imputation:
    """Result of imputing missing answers.

    Attributes
    ----------
    credit : ndarray (countries, questions)
        Credit with imputed values filled in (0 where unavailable).
    available : ndarray of bool
        Whether each answer takes part in aggregation.
    imputed : ndarray of bool
        Cells filled in by imputation (from the group or the fallback ``overall``/``zero``).
    report : DataFrame
        One row per missing answer: ``iso3, question, group, credit, flag, outcome``; ``flag``
        is ``imputed``, ``group_all_missing`` or ``no_group``; ``outcome`` says what was done
        (``group_mean``, ``excluded``, ``zero``, ``overall_mean``, …).
    problems : list of Problem
        Warnings summarising the imputations and the flags.
    """

    credit: np.ndarray
    available: np.ndarray
    imputed: np.ndarray
    report: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def _group_codes(countries: list[str], groups: pd.Series | Mapping[str, str] | None
                 ) -> tuple[np.ndarray, list[str]]:
    if groups is None:
        from ..inputs.countries import region_of

        groups = region_of()
    series = pd.Series(groups, dtype=object) if not isinstance(groups, pd.Series) else groups
    labels = series.reindex(countries)
    codes, names = pd.factorize(labels, use_na_sentinel=True)
    return codes.astype(np.int64), [str(n) for n in names]


def _stat_by_group(credit: np.ndarray, answered: np.ndarray, codes: np.ndarray, n_groups: int,
                   stat: str) -> np.ndarray:
    """Statistic of the answered credit per group × question (NaN where none answered)."""
    nq = credit.shape[1]
    if stat == "mean":
        onehot = (codes[None, :] == np.arange(n_groups)[:, None]).astype(float)
        total = onehot @ np.where(answered, credit, 0.0)
        count = onehot @ answered.astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)
    out = np.full((n_groups, nq), np.nan)
    masked = np.where(answered, credit, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for k in range(n_groups):  # loop over groups (a handful), vectorised over questions
            out[k] = np.nanmedian(masked[codes == k], axis=0)
    return out


def impute(credit: np.ndarray, state: np.ndarray, countries: list[str], questions: list[str],
           groups: pd.Series | Mapping[str, str] | None = None, method: str = "group_mean",
           fallback: str = "exclude") -> Imputation:
    """Impute missing answers from the other countries of the same group.

    Parameters
    ----------
    credit : ndarray (countries, questions)
        Credit of the answered questions (any value elsewhere).
    state : ndarray (countries, questions)
        ``ANSWERED``, ``MISSING`` or ``NOT_APPLICABLE`` (:mod:`gci.inputs.responses`).
    countries, questions : list of str
        Row and column labels.
    groups : Series or mapping, optional
        Country → group (default: ITU regions).
    method : {"group_mean", "group_median"}
    fallback : {"exclude", "zero", "overall"}
        What a missing answer gets when its group has no answer to the question (or the country
        has no group): left out of its parent, credit 0, or the statistic over all countries
        (left out if no country answered).

    Returns
    -------
    Imputation
    """
    if method not in IMPUTE_POLICIES:
        raise GCIError(f"imputation method {method!r}; expected one of "
                       f"{', '.join(IMPUTE_POLICIES)}")
    if fallback not in FALLBACKS:
        raise GCIError(f"imputation fallback {fallback!r}; expected one of {', '.join(FALLBACKS)}")
    credit = np.asarray(credit, dtype=float)
    state = np.asarray(state)
    answered = state == ANSWERED
    missing = state == MISSING
    stat = "mean" if method == "group_mean" else "median"
    codes, names = _group_codes(countries, groups)
    by_group = _stat_by_group(credit, answered, codes, len(names), stat)
    overall = _stat_by_group(credit, answered, np.zeros(len(countries), np.int64), 1, stat)[0]
    has_group = codes >= 0
    group_value = np.where(has_group[:, None], by_group[np.maximum(codes, 0)], np.nan)
    ok = missing & np.isfinite(group_value)
    lacking = missing & ~ok
    out = np.where(answered, credit, 0.0)
    out = np.where(ok, group_value, out)
    available = answered | ok
    if fallback == "zero":
        out = np.where(lacking, 0.0, out)
        available |= lacking
        fb_ok = lacking
    elif fallback == "overall":
        fb_ok = lacking & np.isfinite(overall)[None, :]
        out = np.where(fb_ok, overall[None, :], out)
        available |= fb_ok
    else:
        fb_ok = np.zeros_like(lacking)
    imputed = ok | fb_ok
    # report, one row per missing answer
    ri, rj = np.nonzero(missing)
    group_label = np.array([names[c] if c >= 0 else None for c in codes], dtype=object)
    flag = np.where(ok[ri, rj], "imputed",
                    np.where(has_group[ri], "group_all_missing", "no_group"))
    outcome_fb = {"exclude": "excluded", "zero": "zero", "overall": f"overall_{stat}"}[fallback]
    outcome = np.where(ok[ri, rj], method,
                       np.where(fb_ok[ri, rj], outcome_fb, "excluded"))
    report = pd.DataFrame({
        "iso3": np.asarray(countries, dtype=object)[ri],
        "question": np.asarray(questions, dtype=object)[rj],
        "group": group_label[ri],
        "credit": np.where(imputed[ri, rj], out[ri, rj], np.nan),
        "flag": flag, "outcome": outcome,
    }, columns=REPORT_COLUMNS)
    problems = _imputation_problems(report, method, fallback)
    return Imputation(out, available, imputed, report, problems)


def _imputation_problems(report: pd.DataFrame, method: str, fallback: str) -> list[Problem]:
    problems: list[Problem] = []
    done = report[report["flag"] == "imputed"]
    for iso, g in done.groupby("iso3", sort=True):
        shown = ", ".join(f"{q}={c:.3g}" for q, c in zip(g["question"][:12], g["credit"][:12]))
        problems.append(Problem("imputed", f"{len(g)} missing answer(s) imputed with the "
                                f"{method.replace('_', ' ')} of {g['group'].iloc[0]}: {shown}"
                                f"{' …' if len(g) > 12 else ''}", country=str(iso),
                                severity="warning"))
    rule = {"exclude": "left out of their parent", "zero": "counted as 0",
            "overall": "imputed from all countries that answered"}[fallback]
    flagged = report[report["flag"] == "group_all_missing"]
    for (grp, q), g in flagged.groupby(["group", "question"], sort=True):
        problems.append(Problem("group_all_missing", f"no country of group {grp!r} answered "
                                f"{q}, so there is nothing to impute from; the missing answers "
                                f"of {', '.join(g['iso3'])} are {rule}", item=str(q),
                                severity="warning"))
    for iso, g in report[report["flag"] == "no_group"].groupby("iso3", sort=True):
        problems.append(Problem("no_group", f"{iso} belongs to no group of the grouping, so its "
                                f"{len(g)} missing answer(s) cannot be imputed by group; they "
                                f"are {rule}", country=str(iso), severity="warning"))
    return problems


# --------------------------------------------------------------------------------------------
# coverage
# --------------------------------------------------------------------------------------------
def descendants(structure: Structure) -> np.ndarray:
    """Matrix (nodes × questions): 1 where the question lies under (or is) the node."""
    nq = len(structure.question_idx)
    out = np.zeros((structure.n_nodes, nq))
    for j, node in enumerate(structure.question_idx):  # loop over the framework, not countries
        cur = int(node)
        while cur >= 0:
            out[cur, j] = 1.0
            cur = int(structure.parent[cur])
    return out


def coverage(structure: Structure, state: np.ndarray) -> np.ndarray:
    """Data coverage of every node for every country.

    Returns
    -------
    ndarray (countries, nodes)
        Answered questions under the node as a share of its applicable questions (NaN where
        none applies). Index as ``structure.codes`` (column 0 is the overall).
    """
    d = descendants(structure)
    answered = (np.asarray(state) == ANSWERED).astype(float)
    applicable = (np.asarray(state) != NOT_APPLICABLE).astype(float)
    num = answered @ d.T
    den = applicable @ d.T
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def thresholds(structure: Structure, minimum: float | Mapping[str, float]) -> np.ndarray:
    """Minimum coverage per node (0 for questions and for nodes without a threshold).

    ``minimum`` is one share in [0, 1] for every aggregate, or a mapping whose keys are level
    names (``overall``, ``pillar``, ``indicator``, ``sub_indicator``) or node codes (a code
    overrides its level).
    """
    is_question = np.zeros(structure.n_nodes, dtype=bool)
    is_question[structure.question_idx] = True
    out = np.zeros(structure.n_nodes)
    if isinstance(minimum, Mapping):
        bad = [k for k in minimum if k not in LEVEL_NAMES and k not in structure.codes]
        if bad:
            raise GCIError(f"coverage given for {', '.join(map(str, bad))}; expected level names "
                           f"({', '.join(LEVEL_NAMES)}) or node codes")
        values = list(minimum.values())
    else:
        values = [minimum]
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise GCIError(f"minimum coverage {v!r}; expected a share from 0 to 1 (e.g. 0.5)")
    for i, code in enumerate(structure.codes):
        if is_question[i]:
            continue
        if not isinstance(minimum, Mapping):
            out[i] = float(minimum)
            continue
        level = LEVEL_NAMES[min(int(structure.depth[i]), len(LEVEL_NAMES) - 1)]
        out[i] = float(minimum.get(code, minimum.get(level, 0.0)))
    return out


def below_coverage(structure: Structure, state: np.ndarray,
                   minimum: float | Mapping[str, float] | None) -> np.ndarray | None:
    """Aggregates (countries × nodes) whose coverage is below the minimum (``None``: no rule)."""
    if minimum is None:
        return None
    need = thresholds(structure, minimum)
    cov = coverage(structure, state)
    return np.nan_to_num(cov, nan=1.0) < need[None, :]


def coverage_problems(structure: Structure, state: np.ndarray, countries: list[str],
                      minimum: float | Mapping[str, float] | None) -> list[Problem]:
    """One warning per country and aggregate left missing for lack of data."""
    low = below_coverage(structure, state, minimum)
    if low is None:
        return []
    cov = coverage(structure, state)
    need = thresholds(structure, minimum)  # type: ignore[arg-type]
    out = []
    for i, k in zip(*np.nonzero(low)):
        out.append(Problem("low_coverage", f"{structure.codes[k]} has data for "
                           f"{cov[i, k]:.0%} of its applicable questions, below the minimum "
                           f"coverage {need[k]:.0%}: left missing", country=countries[i],
                           item=structure.codes[k], severity="warning"))
    return out


def policy_inputs(credit: np.ndarray, state: np.ndarray, countries: list[str],
                  questions: list[str], missing: str,
                  groups: pd.Series | Mapping[str, str] | None = None,
                  fallback: str = "exclude") -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Credit, availability and warnings of every question under a missing-data policy."""
    state = np.asarray(state)
    if missing == "zero":
        available = state != NOT_APPLICABLE
        return np.nan_to_num(np.where(state == MISSING, 0.0, credit)), available, []
    if missing == "exclude":
        return np.nan_to_num(credit), state == ANSWERED, []
    imp = impute(credit, state, countries, questions, groups, missing, fallback)
    return imp.credit, imp.available, imp.problems
