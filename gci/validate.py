"""Validate framework, weights and responses together (``gci validate``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError, Problem, ValidationError, problems_frame
from .framework import load_framework
from .responses import build_matrix, load_responses
from .weights import load_weights


@dataclass
class Report:
    """All problems found, and what was checked."""

    problems: list[Problem] = field(default_factory=list)
    checked: str = ""

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    def to_frame(self) -> pd.DataFrame:
        """Every problem as a table (severity, kind, file, line, country, item, message)."""
        return problems_frame(self.problems)


def write_report(report: Report, path: str | os.PathLike,
                 protect: list[str | os.PathLike | None] | None = None) -> None:
    """Write every problem of ``report`` to a CSV file (atomically; never over an input)."""
    from .output import refuse_input_target, write_table

    refuse_input_target(path, protect or [])
    write_table(report.to_frame(), Path(path))


def validate_all(framework: str | os.PathLike, weights: str | os.PathLike | None,
                 responses: str | os.PathLike | None, *, missing: str = "zero",
                 check_countries: bool = True) -> Report:
    """Check every input and collect every problem (never raises on bad input).

    The framework is checked first; weights and responses are checked against it when it is
    valid (otherwise they are only read).
    """
    report = Report(checked=", ".join(str(x) for x in (framework, weights, responses) if x))

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
            report.problems.extend(build_matrix(resp, fw, missing=missing).problems)
    return report
