"""Errors and validation problems.

Every problem gci finds in user input is a :class:`Problem` that names the file, the place in it
(line or row), the country and the item (question, indicator, weight code) it concerns, and says
what was expected. Loaders collect all problems of a file set before raising, so a user sees the
whole list at once (:class:`ValidationError`).

Exit codes of the command line (see ``gci --help``):

* ``0`` success;
* ``1`` internal error (a bug in gci: please report it);
* ``2`` usage or validation error (bad arguments or bad input files).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2


@dataclass(frozen=True)
class Problem:
    """One problem found in an input.

    Attributes
    ----------
    kind : str
        Stable machine-readable category, e.g. ``"unknown_question"``.
    message : str
        Human-readable explanation, including what was expected.
    file : str or None
        The file the problem is in.
    line : int or None
        Line (YAML) or row (tables, 1-based, header is row 1) of the problem.
    country : str or None
        ISO3 code (or the raw country text) concerned.
    item : str or None
        Question, indicator, pillar or weight code concerned.
    severity : {"error", "warning"}
        Errors stop scoring; warnings are reported and the data is used as described.
    """

    kind: str
    message: str
    file: str | None = None
    line: int | None = None
    country: str | None = None
    item: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        """Return ``file:line`` (or the parts that are known)."""
        parts = []
        if self.file:
            parts.append(str(self.file) + (f":{self.line}" if self.line is not None else ""))
        elif self.line is not None:
            parts.append(f"line {self.line}")
        return "".join(parts)

    def __str__(self) -> str:
        where = self.location()
        who = ", ".join(
            x for x in (f"country {self.country}" if self.country else "",
                        f"item {self.item}" if self.item else "") if x
        )
        head = f"{where}: " if where else ""
        tail = f" [{who}]" if who else ""
        return f"{head}{self.severity}: {self.message}{tail}"

    def to_dict(self) -> dict:
        """Return the problem as a plain dictionary (for tables and JSON)."""
        return asdict(self)


class GCIError(Exception):
    """Base class of every error gci raises on bad input or bad usage (exit code 2)."""


class InputError(GCIError):
    """An input file cannot be read at all (missing, malformed, too large, bad encoding)."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        where = ""
        if self.file:
            where = self.file + (f":{line}" if line is not None else "") + ": "
        super().__init__(where + message)


class OutputError(GCIError):
    """An output cannot be written (exit code 2).

    Disk full, read-only, no permission, a file in the way, a name too long, another gci
    writing the same folder.

    Parameters
    ----------
    message : str
        What went wrong and what to do.
    path : path-like, optional
        The output concerned (named first in the message).
    """

    def __init__(self, message: str, path: object = None):
        self.message = message
        self.path = str(path) if path is not None else None
        super().__init__((f"{self.path}: " if self.path else "") + message)


class ValidationError(GCIError):
    """One or more problems were found; ``problems`` holds all of them.

    Parameters
    ----------
    problems : iterable of Problem
        Every problem found (errors and warnings).
    what : str
        What was being validated, for the summary line.
    """

    #: Most errors spelled out in the message (all of them stay in ``problems``).
    MAX_SHOWN = 50

    def __init__(self, problems: Iterable[Problem], what: str = "input"):
        self.problems = list(problems)
        self.what = what
        errors = [p for p in self.problems if p.severity == "error"]
        warnings = [p for p in self.problems if p.severity != "error"]
        shown = (errors + warnings)[: self.MAX_SHOWN]  # errors first
        lines = [f"{len(errors)} error(s) in {what}:"]
        lines += [f"  - {p}" for p in shown]
        if len(errors) > self.MAX_SHOWN:
            lines.append(f"  ... and {len(errors) - self.MAX_SHOWN} more error(s); "
                         "`gci validate --report problems.csv` writes them all")
        hidden_warnings = len(self.problems) - max(len(shown), len(errors))
        if hidden_warnings > 0:
            lines.append(f"({hidden_warnings} more warning(s); `gci validate` lists them)")
        super().__init__("\n".join(lines))

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]


class FrameworkError(ValidationError):
    """The framework (``indicators.yaml``) is invalid."""


class WeightsError(ValidationError):
    """The weights (``weights.yaml``) are invalid."""


class ResponsesError(ValidationError):
    """The responses are invalid against the framework."""


class GroupingError(ValidationError):
    """A country grouping (region mapping) is invalid."""


PROBLEM_COLUMNS = ["severity", "kind", "file", "line", "country", "item", "message"]


def problems_frame(problems: Iterable[Problem]):
    """Problems as a pandas DataFrame with :data:`PROBLEM_COLUMNS`."""
    import pandas as pd

    # plain tuples: one row per problem without dataclasses.asdict's deep copies (a run over
    # 100,000 units may warn once per unit)
    return pd.DataFrame([(p.severity, p.kind, p.file, p.line, p.country, p.item, p.message)
                         for p in problems], columns=PROBLEM_COLUMNS)


def raise_if_errors(problems: list[Problem], cls: type[ValidationError], what: str) -> None:
    """Raise ``cls(problems)`` when any problem is an error."""
    if any(p.severity == "error" for p in problems):
        raise cls(problems, what)
