"""Validate framework, weights and responses together (``gci validate``).

The terminal shows each problem once, with per-country summaries of missing answers and
missing evidence bounded to 12 questions; ``--report`` (:func:`write_report`) writes every
problem with nothing elided: one row per missing answer, integer line numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, ValidationError, problems_frame
from .framework import Framework, load_framework
from .responses import ANSWERED, MISSING, AnswerMatrix, build_matrix, load_responses
from .weights import load_weights

#: Kinds of problem that sum up many answers of a country in one message (bounded, with "…"
#: past 12 questions); the report file lists their answers one per row instead.
SUMMARY_KINDS = ("missing_answers", "missing_evidence")


@dataclass
class Report:
    """All problems found, and what was checked.

    ``details`` holds one problem per answer for the summaries of :data:`SUMMARY_KINDS` (one
    per missing answer, one per credited answer lacking required evidence).
    """

    problems: list[Problem] = field(default_factory=list)
    checked: str = ""
    details: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    def to_frame(self) -> pd.DataFrame:
        """Every problem as a table (severity, kind, file, line, country, item, message).

        Nothing is elided: the per-country summaries of missing answers and missing evidence
        are replaced by one row per answer concerned; ``line`` holds integers (empty when the
        problem has no line).
        """
        kept = [p for p in self.problems if not (self.details and p.kind in SUMMARY_KINDS)]
        df = problems_frame(kept + self.details)
        df["line"] = pd.to_numeric(df["line"], errors="coerce").astype("Int64")
        return df


def answer_details(matrix: AnswerMatrix, framework: Framework, missing: str,
                   summaries: list[Problem]) -> list[Problem]:
    """One problem per missing answer and per credited answer lacking required evidence."""
    files = {p.country: p.file for p in summaries if p.kind in SUMMARY_KINDS}
    rule = {"zero": "counted as 0", "exclude": "left out of its parent (exclude)"}.get(
        missing, f"imputed ({missing})")
    out: list[Problem] = []
    rows, cols = np.nonzero(matrix.state == MISSING)
    for i, j in zip(rows, cols):
        c, q = matrix.countries[i], matrix.questions[j]
        out.append(Problem("missing_answers", f"no answer, {rule}", files.get(c), None, c, q,
                           "warning"))
    need = np.array([framework.nodes[q].evidence_required for q in matrix.questions],
                    dtype=bool)
    evidence = matrix.evidence.to_numpy(dtype=object)
    blank = pd.isna(evidence) | (evidence == "")
    lacking = ((matrix.state == ANSWERED) & need[None, :] & blank
               & (np.nan_to_num(matrix.credit) > 0))
    for i, j in zip(*np.nonzero(lacking)):
        c, q = matrix.countries[i], matrix.questions[j]
        out.append(Problem("missing_evidence", "credited answer lacks the evidence the "
                           "framework requires", files.get(c), None, c, q, "warning"))
    return out


def write_report(report: Report, path: str | os.PathLike,
                 protect: list[str | os.PathLike | None] | None = None) -> None:
    """Write every problem of ``report`` to a CSV file (atomically; never over an input)."""
    from ..present.tables import refuse_input_target, write_table

    refuse_input_target(path, protect or [])
    write_table(report.to_frame(), Path(path))


def validate_all(framework: str | os.PathLike, weights: str | os.PathLike | None,
                 responses: str | os.PathLike | list | None, *, missing: str = "zero",
                 check_countries: bool = True) -> Report:
    """Check every input and collect every problem (never raises on bad input).

    The framework is checked first; weights and responses are checked against it when it is
    valid (otherwise they are only read).
    """
    parts = [framework, weights, *(responses if isinstance(responses, (list, tuple))
                                   else [responses])]
    report = Report(checked=", ".join(str(x) for x in parts if x))

    def collect(func, *args, **kw):
        try:
            return func(*args, **kw)
        except ValidationError as exc:
            report.problems.extend(exc.problems)
        except InputError as exc:
            report.problems.append(Problem("unreadable", exc.message, exc.file, exc.line))
        return None

    from .framework_table import TABLE_SUFFIXES, read_framework_table

    if str(framework).lower().endswith(TABLE_SUFFIXES):  # a framework table, as `gci score`
        fw = collect(lambda path: read_framework_table(path)[0], framework)
    else:
        fw = collect(load_framework, framework)
    if fw is not None:
        report.problems.extend(getattr(fw, "warnings", []))
    if weights is not None:
        w = collect(load_weights, weights, fw)
        if w is not None:
            report.problems.extend(getattr(w, "warnings", []))
    if responses is not None:
        resp = collect(load_responses, responses, check_countries=check_countries)
        if resp is not None and fw is not None:
            matrix = build_matrix(resp, fw, missing=missing)
            report.problems.extend(matrix.problems)
            report.details = answer_details(matrix, fw, missing, matrix.problems)
    return report
