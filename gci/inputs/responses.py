"""Questionnaire responses: reading, validation against a framework, answer matrices.

Formats (all may be mixed in one ``responses/`` folder):

* **One file per country**, YAML or JSON — what a member state submits::

      country: FRA                 # ISO3 code or an unambiguous name
      source: questionnaire        # default source of the answers: questionnaire | desk_research
      answers:
        Q01: yes
        Q02: {answer: partial, evidence: "https://…", source: desk_research}

* **One table for all**, CSV or XLSX, either *long* (columns ``iso3, question, answer``, optional
  ``evidence, source``) or *wide* (one row per country: ``iso3`` then one column per question).

Validation collects every problem of every file and reports them together: unknown country or
question, answer not allowed for the question type, duplicate (warning) or conflicting (error)
answers, answers to questions that do not apply (warning; the answer is ignored), evidence
missing where required (warning), and missing answers (counted per country; warning).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import fileio
from ..choices import MISSING_POLICIES  # noqa: F401 - re-exported
from ..errors import InputError, Problem, ResponsesError, raise_if_errors
from ..fileio import LineDict, decode_text, line_of, read_bytes
from . import values
from .countries import _fold as fold_name
from .countries import resolve_country
from .framework import Framework, answer_number, condition_order, normalise_answer, typed_answers
from .tables import (  # noqa: F401 - defined in tables; kept importable from here
    _SHEET,
    bad_text,
    duplicate_rows,
    fold_header,
    has_columns,
    read_table,
    sheet_context,
    suggest_column,
)

SOURCES = ("questionnaire", "desk_research")
RESPONSE_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")
COLUMNS = ["iso3", "country", "question", "answer", "evidence", "source", "file", "line"]
#: Columns of :attr:`Responses.members`: every country read, where it was first written.
MEMBER_COLUMNS = ["iso3", "country", "file", "line"]

DOC_KEYS = frozenset({"country", "iso3", "name", "edition", "synthetic", "source", "answers",
                      "note", "respondent", "date"})


# answer states in the matrix
ANSWERED, MISSING, NOT_APPLICABLE = 0, 1, 2


@dataclass
class Responses:
    """Answers of many countries, as one long table.

    Attributes
    ----------
    table : DataFrame
        One row per answer: ``iso3`` (resolved code, or None when unknown), ``country`` (as
        written), ``question``, ``answer`` (as written), ``evidence``, ``source``, ``file``,
        ``line``.
    files : list of str
        Files read.
    problems : list of Problem
        Problems found while reading (before validation against a framework).
    members : DataFrame or None
        Every country read (:data:`MEMBER_COLUMNS`), also one whose submission holds no
        answer: such a country is scored with all answers missing, never dropped.
    decimal : {".", ","}
        Decimal mark of numeric answers written as text (``","``: ``3,5`` is 3.5 and ``3.5`` is
        refused; see :func:`gci.inputs.values.parse_number`).
    """

    table: pd.DataFrame | None
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    members: pd.DataFrame | None = None
    decimal: str = "."
    #: A wide table held column-wise (:class:`WideAnswers`), or None. When set, ``table`` is
    #: built from it only when first asked for, and :func:`build_matrix` reads it directly.
    wide: WideAnswers | None = None

    @property
    def countries(self) -> list[str]:
        """Resolved ISO3 codes of every country read (with or without answers), sorted."""
        if self.wide is not None:
            codes = set(pd.unique(self.wide.iso[pd.notna(self.wide.iso)]))
        else:
            codes = set(self.table["iso3"].dropna().unique())
        if self.members is not None:
            codes |= set(self.members["iso3"].dropna().unique())
        return sorted(codes)

    def __len__(self) -> int:
        if self.wide is not None and self.__dict__.get("_table") is None:
            return self.wide.n_answers
        return len(self.table)

    def __repr__(self) -> str:
        return (f"<Responses: {len(self)} answers, {len(self.countries)} countries, "
                f"{len(self.files)} file(s)>")

    @classmethod
    def from_records(cls, records: Iterable[dict], *, check_countries: bool = True,
                     name: str = "<records>") -> Responses:
        """Build from dicts with keys ``iso3`` (or ``country``), ``question``, ``answer``, etc."""
        df = pd.DataFrame(list(records))
        return cls._from_long(df, name, check_countries=check_countries)

    @classmethod
    def from_wide(cls, df: pd.DataFrame, *, check_countries: bool = True,
                  name: str = "<table>") -> Responses:
        """Build from a wide table: one row per country, one column per question.

        The country is the ``iso3`` (or ``country``) column, or the index when neither exists.
        Empty cells are missing answers.
        """
        problems: list[Problem] = []
        members: list[pd.DataFrame] = []
        resp = _wide_to_responses(df, name, problems, check_countries, members)
        resp.members = members[0]
        problems += _member_problems(resp.wide if resp.wide is not None else resp.table,
                                     resp.members)
        return resp

    @classmethod
    def _from_long(cls, df: pd.DataFrame, name: str, *, check_countries: bool = True,
                   first_row: int = 2) -> Responses:
        problems: list[Problem] = []
        members: list[pd.DataFrame] = []
        table = _long_table(df, name, problems, first_row, check_countries, members)
        problems += _member_problems(table, members[0])
        return cls(table, [name], problems, members[0])

    def to_long(self) -> pd.DataFrame:
        """The answers as a long table ``iso3, question, answer, evidence, source``."""
        return self.table[["iso3", "question", "answer", "evidence", "source"]].copy()

    def to_wide(self) -> pd.DataFrame:
        """The answers as a wide table: one row per country, one column per question."""
        t = self.table.dropna(subset=["iso3"]).drop_duplicates(["iso3", "question"], keep="last")
        wide = t.pivot(index="iso3", columns="question", values="answer")
        wide.columns.name = None
        return wide

    def with_answers(self, iso3: str, answers: dict[str, Any], *,
                     source: str = "questionnaire") -> Responses:
        """A copy with some answers of one country replaced (what-if); the original is kept."""
        t = self.table
        keep = ~((t["iso3"] == iso3) & t["question"].isin(list(answers)))
        new = pd.DataFrame({"iso3": iso3, "country": iso3, "question": list(answers),
                            "answer": [normalise_answer(a) for a in answers.values()],
                            "evidence": None, "source": source, "file": "<what-if>",
                            "line": None})
        return Responses(pd.concat([t[keep], new], ignore_index=True), self.files,
                         self.problems, members=self.members, decimal=self.decimal)

    def validate(self, framework: Framework, missing: str = "zero") -> list[Problem]:
        """Every problem of these responses against ``framework`` (errors and warnings)."""
        return build_matrix(self, framework, missing=missing).problems


def _get_table(self: Responses) -> pd.DataFrame:
    """The long table; built from :attr:`Responses.wide` the first time it is asked for."""
    t = self.__dict__.get("_table")
    if t is None and self.__dict__.get("wide") is not None:
        t = self.wide.to_long()
        self.__dict__["_table"] = t
    return t


def _set_table(self: Responses, table: pd.DataFrame | None) -> None:
    self.__dict__["_table"] = table
    self.__dict__["wide"] = None  # a table set by hand replaces the column-wise answers


Responses.table = property(_get_table, _set_table,  # type: ignore[assignment]
                           doc="One row per answer (see the class docstring).")


@dataclass
class WideAnswers:
    """The answers of one wide table, held column-wise (never one Python row per answer).

    Each question column is factorised once: ``codes[j]`` (small integers, one per row) index
    ``uniques[j]``, the column's distinct answers normalised (:func:`normalise_answer`), with
    ``blank[j]`` marking the distinct values that are empty cells. :func:`build_matrix` types
    each distinct answer once and locates rows only for bad answers; :meth:`to_long` gives the
    long table of :class:`Responses` (one row per non-empty cell, row by row) when asked.

    Attributes
    ----------
    name : str
        The file (or ``"<table>"``).
    iso : ndarray of object
        Resolved code per row (None when unknown).
    country : ndarray of object
        The country as written, per row.
    questions : list of str
        The question columns' names (stripped), in table order.
    codes, uniques, blank : list of ndarray
        Per question column, as above.
    first_line : int
        Line number of the first data row.
    """

    name: str
    iso: np.ndarray
    country: np.ndarray
    questions: list[str]
    codes: list[np.ndarray]
    uniques: list[np.ndarray]
    blank: list[np.ndarray]
    first_line: int = 2

    @property
    def lines(self) -> np.ndarray:
        """Line number of each row."""
        return np.arange(self.first_line, self.first_line + len(self.iso))

    @property
    def n_answers(self) -> int:
        """Non-empty answer cells."""
        return int(sum(int((~b[c]).sum()) for c, b in zip(self.codes, self.blank)))

    def answered_rows(self) -> np.ndarray:
        """Whether each row holds at least one non-empty answer."""
        out = np.zeros(len(self.iso), dtype=bool)
        for c, b in zip(self.codes, self.blank):
            out |= ~b[c]
        return out

    def to_long(self) -> pd.DataFrame:
        """The long table (:data:`COLUMNS`): one row per non-empty cell, row by row."""
        n, nq = len(self.iso), len(self.questions)
        if nq == 0:
            return pd.DataFrame(columns=COLUMNS)
        answers = np.empty((n, nq), dtype=object)
        keep = np.empty((n, nq), dtype=bool)
        for j, (c, u, b) in enumerate(zip(self.codes, self.uniques, self.blank)):
            answers[:, j] = u[c]
            keep[:, j] = ~b[c]
        keep = keep.reshape(-1)
        rows = np.repeat(np.arange(n), nq)[keep]
        long = pd.DataFrame({
            "iso3": self.iso[rows], "country": self.country[rows],
            "question": np.tile(np.asarray(self.questions, dtype=object), n)[keep],
            "answer": answers.reshape(-1)[keep], "evidence": None,
            "source": "questionnaire", "file": self.name, "line": self.lines[rows]})
        return long[COLUMNS]


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------
def load_responses(path: str | os.PathLike | Iterable[str | os.PathLike] = "responses",
                   framework: Framework | None = None, *, check_countries: bool = True,
                   progress: Any = None, sheet: str | None = None,
                   decimal: str | None = None) -> Responses:
    """Read responses from a folder, a file, or a list of files.

    Every country read is either scored or named in a problem: a submission without answers
    is kept (all answers missing) with an ``empty_submission`` warning; one country submitted
    twice (two files, two rows of a wide table, two spellings in a long table) is a
    ``duplicate_country`` error naming both places.

    Parameters
    ----------
    path : path-like or iterable of path-like
        A folder (every ``*.yaml``, ``*.yml``, ``*.json``, ``*.csv``, ``*.xlsx`` in it, sorted by
        name, hidden files skipped), one file, or several.
    framework : Framework, optional
        When given, the responses are validated against it and a :class:`ResponsesError` listing
        every error is raised if any is found.
    check_countries : bool
        Require ISO3 codes (or names) of the 194 GCI economies. ``False`` accepts any non-empty
        identifier (for other indices and benchmarks).
    progress : callable, optional
        Called with each file name as it is read (the CLI passes a progress bar).
    sheet : str, optional
        The sheet of every XLSX file to read (see :func:`read_table`).
    decimal : {".", ","}, optional
        Decimal mark of numeric answers: with ``"."`` ``3,5`` is refused as ambiguous; with
        ``","`` it is 3.5 and ``3.5`` is refused. Never guessed. Default: ``"."``, or the mark
        set by :func:`gci.inputs.values.decimal_mark` (the CLI's ``--decimal``).

    Raises
    ------
    InputError
        A file cannot be read at all.
    ResponsesError
        Problems in the files (all of them, from all files).
    """
    files = response_files(path)
    sheet = sheet if sheet is not None else _SHEET.get()
    problems: list[Problem] = []
    members: list[pd.DataFrame | tuple] = []
    with fileio.collector_paused():  # many small objects, none of them garbage cycles
        frames = _read_all(files, problems, check_countries, members, sheet, progress)
    member_table = _in_order(members, MEMBER_COLUMNS)
    wide = frames[0].wide if len(frames) == 1 and isinstance(frames[0], Responses) else None
    if wide is not None:  # one wide table: kept column-wise (no row per answer)
        problems += _member_problems(wide, member_table)
        resp = Responses(None, [str(f) for f in files], problems, member_table,
                         values.check_decimal(decimal), wide=wide)
    else:
        table = _in_order([f.table if isinstance(f, Responses) else f for f in frames], COLUMNS)
        problems += _member_problems(table, member_table)
        resp = Responses(table[COLUMNS], [str(f) for f in files], problems, member_table,
                         values.check_decimal(decimal))
    if framework is not None:
        raise_if_errors(resp.validate(framework), ResponsesError, _what(files))
    else:
        raise_if_errors(problems, ResponsesError, _what(files))
    return resp


def _in_order(parts: list, columns: list[str]) -> pd.DataFrame:
    """One table from tables and plain rows, in the order given.

    Plain rows are tuples, lists of them, or :class:`_Columns`. Country files give a few rows
    each: they are gathered column by column and become one DataFrame per run of consecutive
    files, instead of one DataFrame per file (no pandas per file). A DataFrame built from the
    columns is the one ``pd.DataFrame(rows, columns=columns)`` gives (same values and dtypes).
    """
    blocks: list[pd.DataFrame] = []
    cols: list[list] = [[] for _ in columns]

    def flush() -> None:
        nonlocal cols
        if cols[0]:
            blocks.append(pd.DataFrame(dict(zip(columns, cols)), columns=columns))
            cols = [[] for _ in columns]

    for part in parts:
        if isinstance(part, pd.DataFrame):
            flush()
            if len(part):
                blocks.append(part)
            continue
        if isinstance(part, tuple):
            part = [part]
        if not part:
            continue
        for col, given in zip(cols, part if isinstance(part, _Columns) else zip(*part)):
            col.extend(given)
    flush()
    if not blocks:
        return pd.DataFrame(columns=columns)
    return blocks[0] if len(blocks) == 1 else pd.concat(blocks, ignore_index=True)


def _what(files: list[Path]) -> str:
    if len(files) == 1:
        return str(files[0])
    return f"{len(files)} response files"


def response_files(path: Any) -> list[Path]:
    """The response files a path names: a folder's response files (sorted), or the file(s)."""
    if isinstance(path, (str, os.PathLike)):
        p = Path(path)
        if p.is_dir():
            files = sorted(f for f in p.iterdir()
                           if f.suffix.lower() in RESPONSE_SUFFIXES and not f.name.startswith(".")
                           and f.is_file())
            if not files:
                raise InputError("no response files (*.yaml, *.yml, *.json, *.csv, *.xlsx) in "
                                 "this folder", p)
            return files
        if not p.exists():
            raise InputError("file or folder not found", p)
        return [p]
    out: list[Path] = []
    for item in path:
        out += response_files(item)
    return out


#: Most bytes of country files read ahead of parsing to look up their set entry (beyond it,
#: files are read one by one).
SET_AHEAD_BYTES = 64 * 1024 * 1024
_DOC_SUFFIXES = (".yaml", ".yml", ".json")


def _doc_options(is_json: bool, check_countries: bool, members: bool) -> str:
    """The reading options that are part of a country file's cache key."""
    return f"doc|{is_json:d}|{check_countries:d}|{members:d}"


def _read_all(files: list[Path], problems: list[Problem], check_countries: bool,
              members: list, sheet: str | None, progress: Any) -> list:
    """The answers of every file, in order (see :func:`_read_one`).

    Several country files (YAML/JSON only) are first looked up as a set: the cache entry of
    the set, named by the keys of all its files (each a hash of the file's bytes), holds what
    reading each file gave; one entry is read instead of one per file. Any miss, any file that
    cannot be read, any damaged entry: the files are read one by one as without it (each with
    its own entry), and the set entry is stored when every file could be.
    """
    from . import cache

    n = len(files)
    ahead: list = [None] * n  # (bytes, key) of each file, read ahead
    set_key = None
    if n > 1 and cache.enabled() and all(f.suffix.lower() in _DOC_SUFFIXES for f in files):
        total = 0
        try:
            for i, f in enumerate(files):
                is_json = f.suffix.lower() == ".json"
                data = read_bytes(f, None if is_json else fileio.MAX_YAML_BYTES)
                total += len(data)
                if total > SET_AHEAD_BYTES:
                    raise InputError("too much to read ahead", f)
                ahead[i] = (data, cache.key_of(str(f), _doc_options(is_json, check_countries,
                                                                     True), data))
        except InputError:  # read one by one: the errors come as and where they would
            ahead = [None] * n
        else:
            set_key = "set-" + hashlib.sha256(
                "\0".join(k for _, k in ahead).encode()).hexdigest()
            hit = _set_from_cache(cache.lookup("responses", set_key), n)
            if hit is not None:
                frames = []
                for f, (rows, found, member) in zip(files, hit):
                    if progress is not None:
                        progress(f)
                    problems.extend(found)
                    members.extend(member)
                    frames.append(rows)
                return frames
    frames, payloads = [], []
    for f, pre in zip(files, ahead):
        if progress is not None:
            progress(f)
        frames.append(_read_one(f, problems, check_countries, members, sheet, pre,
                                payloads if set_key else None))
    if set_key and len(payloads) == n and all(p is not None for p in payloads):
        cache.store("responses", set_key, {"files": payloads}, keep="set-")
    return frames


def _set_from_cache(payload: Any, n: int) -> list | None:
    """What each of the ``n`` files of a set entry gave; None when malformed (or no entry)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("files"), list) \
            or len(payload["files"]) != n:
        return None
    out = [_doc_from_cache(p) for p in payload["files"]]
    return None if any(o is None for o in out) else out


def _read_one(f: Path, problems: list[Problem], check_countries: bool,
              members: list, sheet: str | None = None, ahead: tuple | None = None,
              payloads: list | None = None) -> pd.DataFrame | list[tuple] | Responses:
    """The answers of one file.

    A table for a long CSV/XLSX, :class:`Responses` for a wide one (held column-wise), rows
    (tuples of :data:`COLUMNS`) for YAML/JSON. ``ahead`` and ``payloads``: see
    :func:`_read_doc`.
    """
    suffix = f.suffix.lower()
    if suffix in _DOC_SUFFIXES:
        return _read_doc(f, suffix == ".json", problems, check_countries, members, ahead,
                         payloads)
    if suffix in (".csv", ".xlsx"):
        df = read_table(f, sheet=sheet, is_table=has_columns("iso3", "country"),
                        categorical=True)  # a wide table's columns are used by code
        if df.empty:
            problems.append(Problem("no_rows", "the table has a header row but no data rows; "
                                    "expected one row per answer (long) or per country (wide)",
                                    str(f), 2))
            return pd.DataFrame(columns=COLUMNS)
        cols = {fold_header(c) for c in df.columns}
        if "question" in cols or "answer" in cols:
            df = df.astype(object)  # a long table: text cells (read as categoricals)
            return _long_table(df, str(f), problems, 2, check_countries, members)
        return _wide_to_responses(df, str(f), problems, check_countries, members)
    raise InputError(f"unsupported file type {suffix!r}; expected .yaml, .yml, .json, .csv or "
                     ".xlsx", f)


#: Documentation columns that ``gci template`` writes into a long responses table; read and
#: ignored. Any other unknown column of a long table is an error.
TEMPLATE_INFO_COLUMNS = ("pillar", "indicator", "question_text", "allowed_answers",
                         "evidence_required", "applies_if", "unit")
#: The columns a long responses table may have (besides :data:`TEMPLATE_INFO_COLUMNS`).
LONG_COLUMNS = ("iso3", "country", "question", "answer", "evidence", "source", "note", "name")
#: Extra columns of a wide table that are not questions.
WIDE_INFO_COLUMNS = ("name", "country_name", "itu_region", "region", "edition", "note")


def _read_doc(f: Path, is_json: bool, problems: list[Problem], check_countries: bool,
              members: list | None, ahead: tuple | None = None,
              payloads: list | None = None) -> list[tuple] | _Columns:
    """The rows of one country's YAML/JSON file, from :mod:`gci.inputs.cache` when valid.

    Rows as tuples when the file is parsed, as :class:`_Columns` when they come from the cache
    (both become the same table in :func:`_in_order`).

    The file's bytes are always read (and hashed); on a cache hit, the rows, warnings and member
    entry that reading them gave before are replayed; otherwise the file is parsed and, when it
    was read without an error, stored. Errors never come from the cache.

    ``ahead``: the file's bytes and key, when already read (:func:`_read_all`). ``payloads``:
    when given, what reading the file gave as stored in the cache (None when it cannot be) is
    appended to it.
    """
    from . import cache

    name = str(f)
    if ahead is not None:
        data, key = ahead
    else:
        data = read_bytes(f, None if is_json else fileio.MAX_YAML_BYTES)
        key = cache.key_of(name, _doc_options(is_json, check_countries, members is not None),
                           data) if cache.enabled() else None
    stored = cache.lookup("responses", key) if key else None
    hit = _doc_from_cache(stored)
    if hit is not None:
        rows, found, member = hit
        problems.extend(found)
        if members is not None:
            members.extend(member)
        if payloads is not None:
            payloads.append(stored)
        return rows
    n_problems, n_members = len(problems), len(members) if members is not None else 0
    text = decode_text(data, f)
    # numbers of a JSON file are kept as their text, typed by gci.inputs.values like YAML's
    doc = fileio.parse_json(text, name) if is_json else fileio.parse_yaml(text, name)
    rows = _country_doc(doc, name, problems, check_countries, members, text)
    if key:
        payload = _doc_to_cache(rows, problems[n_problems:],
                                members[n_members:] if members is not None else [])
        if payload is not None:
            cache.store("responses", key, payload)
        if payloads is not None:
            payloads.append(payload)
    return rows


_TEXT, _NONE = frozenset({str}), type(None)
_ROW_TYPES = (_TEXT | {_NONE}, _TEXT, _TEXT, _TEXT, _TEXT | {_NONE}, _TEXT, _TEXT,
              frozenset({int, _NONE}))
_PROBLEM_TYPES = (_TEXT, _TEXT, _TEXT | {_NONE}, frozenset({int, _NONE}), _TEXT | {_NONE},
                  _TEXT | {_NONE}, _TEXT)
_MEMBER_TYPES = (_TEXT, _TEXT, _TEXT, frozenset({int}))


def _plain_tuples(items: list, types: tuple) -> bool:
    """Whether every item is a tuple of exactly these (plain, JSON-exact) types, by position."""
    if not items:
        return True
    if set(map(type, items)) != {tuple} or set(map(len, items)) != {len(types)}:
        return False
    return all(set(map(type, col)) <= ok for col, ok in zip(zip(*items), types))


class _Columns(list):
    """Rows of one file column by column: one list per column of :data:`COLUMNS`."""


def _doc_to_cache(rows: list[tuple], found: list[Problem], member: list) -> dict | None:
    """What reading a document gave, as plain JSON data; None when not exactly representable.

    The rows are stored column by column, a column holding one value throughout (the country,
    the file, the source) as that value once: ``{"n": rows, "cols": [[...], ...]}``.
    """
    probs = [(p.kind, p.message, p.file, p.line, p.country, p.item, p.severity) for p in found]
    if not (_plain_tuples(rows, _ROW_TYPES) and _plain_tuples(probs, _PROBLEM_TYPES)
            and _plain_tuples(member, _MEMBER_TYPES)):
        return None  # e.g. a mapping given as a source: not cached, read again next time
    n = len(rows)
    cols = [list(c) for c in zip(*rows)] if n else [[] for _ in COLUMNS]
    cols = [c[:1] if n > 1 and c.count(c[0]) == n else c for c in cols]
    return {"n": n, "cols": cols, "problems": probs, "members": member}


def _doc_from_cache(payload: Any) -> tuple[_Columns, list[Problem], list[tuple]] | None:
    """The rows, problems and member entries of a cache payload; None when it is malformed."""
    if not isinstance(payload, dict):
        return None
    try:
        n, cols = payload["n"], payload["cols"]
        probs = list(map(tuple, payload["problems"]))
        member = list(map(tuple, payload["members"]))
    except (KeyError, TypeError):
        return None
    if type(n) is not int or n < 0 or type(cols) is not list or len(cols) != len(COLUMNS) \
            or not all(type(c) is list and (len(c) == n or (n > 1 and len(c) == 1))
                       and set(map(type, c)) <= ok for c, ok in zip(cols, _ROW_TYPES)):
        return None
    if not (_plain_tuples(probs, _PROBLEM_TYPES) and _plain_tuples(member, _MEMBER_TYPES)):
        return None
    return _Columns(c if len(c) == n else c * n for c in cols), \
        [Problem(*p) for p in probs], member


_ANSWER_KEYS = frozenset({"answer", "evidence", "source", "note"})


def _country_doc(data: Any, name: str, problems: list[Problem],
                 check_countries: bool, members: list | None = None,
                 text: str | None = None) -> list[tuple]:
    """The answers of one country's document as rows (tuples of :data:`COLUMNS`).

    ``text``, the document's text when known, spares walking every value for control
    characters when the text holds none and no backslash (no escape can produce one).
    """
    if not isinstance(data, dict):
        raise InputError("expected a mapping with 'country' and 'answers'", name, 1)
    if text is None or "\\" in text or bad_text(text) is not None:
        _refuse_bad_text(data, name, None, None)  # names the value and its line
    country_raw = data.get("country", data.get("iso3"))
    iso3 = _resolve(country_raw, name, line_of(data, "country") or 1, problems, check_countries)
    for key in data:
        if key not in DOC_KEYS:
            problems.append(Problem("unknown_key", f"unknown key {key!r}; expected one of "
                                    f"{', '.join(sorted(DOC_KEYS))}", name, line_of(data, key),
                                    country=iso3, severity="warning"))
    default_source = data.get("source", "questionnaire")
    answers = data.get("answers")
    if members is not None and iso3 is not None:
        members.append((iso3, str(country_raw), name, line_of(data, "country") or 1))
    if "answers" in data and answers is None:
        answers = {}  # "answers:" with nothing under it: an empty submission (warned below)
    if not isinstance(answers, dict):
        problems.append(Problem("no_answers", "expected 'answers': a mapping of question code to "
                                "answer", name, line_of(data, "answers") or 1,
                                country=iso3 or str(country_raw)))
        return []
    rows = []
    # the line of each question, looked up directly (as line_of) for a mapping read from YAML
    a_lines = answers.lines if isinstance(answers, LineDict) and hasattr(answers, "lines") \
        else None
    for q, a in answers.items():
        ln = a_lines.get(q, answers.line) if a_lines is not None else line_of(answers, q)
        evidence, source = None, default_source
        if isinstance(a, dict):
            unknown = () if _ANSWER_KEYS.issuperset(a) else set(a) - _ANSWER_KEYS
            if unknown:
                problems.append(Problem("unknown_key", f"unknown key(s) {sorted(unknown)} in the "
                                        "answer; expected answer, evidence, source, note", name,
                                        ln, iso3, str(q), "warning"))
            evidence, source = a.get("evidence"), a.get("source", default_source)
            try:
                evidence = values.parse_evidence(evidence)
            except values.BadValue as exc:
                problems.append(Problem("bad_evidence", exc.message, name,
                                        line_of(a, "evidence") or ln, iso3, str(q)))
                evidence = None
            a = a.get("answer")
        if a is None:  # `Q05:` or `Q05: null` (an answer template's blank): no answer
            continue
        if isinstance(a, (list, dict)):
            problems.append(Problem("bad_answer", f"answer is a "
                                    f"{'list' if isinstance(a, list) else 'mapping'}; expected "
                                    "one value", name, ln, iso3, str(q)))
            continue
        rows.append((iso3, str(country_raw), str(q), normalise_answer(a), evidence, source,
                     name, ln))
    return rows


def _refuse_bad_text(obj: Any, name: str, line: int | None, key: str | None) -> None:
    """Refuse control characters and lone surrogates anywhere in a document (with the line)."""
    if isinstance(obj, str):
        why = bad_text(obj)
        if why:
            raise InputError(f"{'the value of ' + repr(key) if key else 'a value'} holds {why}",
                             name, line)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            ln = line_of(obj, k) or line
            _refuse_bad_text(k, name, ln, None)
            _refuse_bad_text(v, name, ln, str(k))
    elif isinstance(obj, list):
        for v in obj:
            _refuse_bad_text(v, name, line, key)


def _resolve(raw: Any, name: str, line: int | None, problems: list[Problem],
             check_countries: bool) -> str | None:
    if not check_countries:
        text = "" if raw is None else str(raw).strip()
        if not text:
            problems.append(Problem("unknown_country", "no country given", name, line))
            return None
        return text
    iso3, err = resolve_country(raw)
    if err:
        problems.append(Problem("unknown_country", err, name, line,
                                country=None if raw is None else str(raw)))
    return iso3


def _long_table(df: pd.DataFrame, name: str, problems: list[Problem], first_row: int,
                check_countries: bool, members: list[pd.DataFrame] | None = None
                ) -> pd.DataFrame:
    cols = {fold_header(c): c for c in df.columns}
    ccol = cols.get("iso3", cols.get("country"))
    unknown = [c for k, c in cols.items()
               if k not in LONG_COLUMNS and k not in TEMPLATE_INFO_COLUMNS]
    missing = [c for c in ("iso3", "question", "answer")
               if c not in cols and not (c == "iso3" and ccol is not None)]
    if missing or unknown:
        parts = []
        for m in missing:
            near = [u for u in unknown if suggest_column(u, [m])]
            parts.append(f"missing column {m!r}"
                         + (f" (is {near[0]!r} meant to be {m!r}?)" if near else ""))
        for u in unknown:
            if not any(suggest_column(u, [m]) for m in missing):
                parts.append(f"unknown column {u!r}"
                             + (suggest_column(u, LONG_COLUMNS + TEMPLATE_INFO_COLUMNS)
                                or f"; expected some of {', '.join(LONG_COLUMNS)} (or the "
                                   "template's documentation columns)"))
        raise InputError("a long table has columns iso3 (or country), question, answer and "
                         f"optionally evidence, source, note: {'; '.join(parts)}", name, 1)
    n = len(df)
    lines = np.arange(first_row, first_row + n)
    countries = df[ccol]
    iso = _resolve_column(countries, name, lines, problems, check_countries)
    out = pd.DataFrame({
        "iso3": iso,
        "country": countries.astype(str).to_numpy(),
        "question": df[cols["question"]].astype(str).str.strip().to_numpy(),
        "answer": _normalised(df[cols["answer"]]),
        "evidence": df[cols["evidence"]].to_numpy() if "evidence" in cols else None,
        "source": (df[cols["source"]].astype(str).str.strip().replace("", "questionnaire")
                   .to_numpy() if "source" in cols else "questionnaire"),
        "file": name,
        "line": lines,
    })
    if members is not None:
        members.append(_table_members(out, name, problems, wide=False))
    # an empty answer cell is a missing answer, not an answer
    ans = out["answer"].to_numpy(dtype=object)
    blank = pd.isna(ans) | (ans == "")
    return out[~blank].reset_index(drop=True)


def _normalised(column: pd.Series) -> np.ndarray:
    """:func:`normalise_answer` of every cell, computed once per distinct value."""
    codes, uniq = pd.factorize(column.astype(object), use_na_sentinel=False)
    return np.asarray([normalise_answer(u) for u in uniq] + [None], dtype=object)[codes]


def _resolve_column(countries: pd.Series, name: str, lines: np.ndarray, problems: list[Problem],
                    check_countries: bool) -> np.ndarray:
    codes, uniques = pd.factorize(countries.astype(str), sort=False)
    uniques = np.asarray(uniques, dtype=object)  # plain str: no pandas call per value
    first_row = np.zeros(len(uniques), dtype=np.int64)
    first_row[codes[::-1]] = np.arange(len(codes))[::-1]  # first occurrence of each value
    if not check_countries:
        if not _any_padded(uniques):  # codes written plainly: each is its own resolution
            return uniques[codes]
        blank = [i for i, u in enumerate(uniques) if not u.strip()]
        for i in blank:
            problems.append(Problem("unknown_country", "no country given", name,
                                    int(lines[first_row[i]])))
        resolved = np.array([u.strip() or None for u in uniques], dtype=object)
        return resolved[codes]
    resolved = [_resolve(u, name, int(lines[first_row[i]]), problems, check_countries)
                for i, u in enumerate(uniques)]
    return np.asarray(resolved, dtype=object)[codes]


def _any_padded(texts: np.ndarray) -> bool:
    """Whether any of ``texts`` (str) is empty or starts or ends with whitespace.

    One regular-expression scan of the texts joined (whitespace as ``str.strip`` strips it),
    instead of a ``strip`` per text; a text holding the separator is answered ``True``.
    """
    if not len(texts):
        return False
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return True
    return _PADDED.search(joined) is not None


_PADDED = re.compile(r"(?:^|\0)(?:\s|\0|$)|\s(?:\0|$)")


def _blank_values(u: np.ndarray) -> np.ndarray:
    """Which distinct cell values are empty: missing (None, NaN, NA) or only whitespace."""
    if len(u) > 64:  # many distinct values (numbers): one pandas pass
        us = pd.Series(u, dtype=object)
        return (us.isna() | (us.astype(str).str.strip() == "")).to_numpy()
    return np.array([(not isinstance(v, str) and bool(pd.isna(v))) or not str(v).strip()
                     for v in u], dtype=bool)


def _wide_to_responses(df: pd.DataFrame, name: str, problems: list[Problem],
                       check_countries: bool, members: list[pd.DataFrame] | None = None
                       ) -> Responses:
    cols = {str(c).strip().lower(): c for c in df.columns}
    ccol = cols.get("iso3", cols.get("country"))
    if ccol is None:
        if df.index.name is None and isinstance(df.index, pd.RangeIndex):
            near = next((f" (is {c!r} meant to be 'iso3'?)" for c in df.columns
                         if suggest_column(str(c), ["iso3", "country"])), "")
            raise InputError("a wide table needs a column iso3 (or country) and one column per "
                             f"question; found {list(df.columns)[:8]}{near}", name, 1)
        df = df.reset_index()
        ccol = df.columns[0]
    qpos = [j for j, c in enumerate(df.columns) if c != ccol and str(c).strip().lower() not in
            WIDE_INFO_COLUMNS]
    qcols = [df.columns[j] for j in qpos]
    n = len(df)
    lines = np.arange(2, 2 + n)
    iso = _resolve_column(df[ccol], name, lines, problems, check_countries)
    country = df[ccol].astype(str).to_numpy(dtype=object)
    if members is not None:
        members.append(_table_members(pd.DataFrame({
            "iso3": iso, "country": country, "file": name, "line": lines}), name, problems,
            wide=True))
    codes, uniques, blank = [], [], []
    for j in qpos:  # each column factorised once: a handful of distinct answers per column
        col = df.iloc[:, j]
        if isinstance(col.dtype, pd.CategoricalDtype):  # already coded (a CSV file)
            k = col.cat.codes.to_numpy()
            u = np.asarray(col.cat.categories, dtype=object)
            if (k < 0).any():  # missing cells: one more distinct value, None
                k, u = np.where(k < 0, len(u), k), np.append(u, None)
        else:
            if col.dtype != object and not pd.api.types.is_string_dtype(col):
                col = col.astype(object)  # numbers and booleans typed as written
            k, u = pd.factorize(col, use_na_sentinel=False)
            u = np.asarray(u, dtype=object)
        b = _blank_values(u)
        codes.append(k.astype(np.min_scalar_type(max(len(u) - 1, 0))))
        uniques.append(np.asarray([None if bb else normalise_answer(v)
                                   for v, bb in zip(u, b)], dtype=object))
        blank.append(b)
    wide = WideAnswers(name, np.asarray(iso, dtype=object), country,
                       [str(c).strip() for c in qcols], codes, uniques, blank)
    valid = iso[pd.notna(iso)]
    if len(set(wide.questions)) < len(qcols) or len(pd.unique(valid)) < len(valid):
        # a question or a country twice: the long table's duplicate/conflict checks apply
        return Responses(wide.to_long(), [name], problems)
    return Responses(None, [name], problems, wide=wide)


def _table_members(rows: pd.DataFrame, name: str, problems: list[Problem], *,
                   wide: bool) -> pd.DataFrame:
    """The countries of one table (first row of each); a country written twice is an error.

    Wide tables: one row per country, so a second row of a country (however spelled) is an
    error. Long tables: many rows per country, but one country spelled two ways ("FRA" and
    "France") is a sign of two submissions pasted together, and an error.
    """
    rows = rows[rows["iso3"].notna()]
    if wide:
        twice = rows[rows["iso3"].duplicated(keep=False).to_numpy()]
        what = "one row per country"
    else:  # first row of each spelling, then the countries with two spellings
        key = rows["country"].map(lambda c: fold_name(str(c)))  # case, accents, punctuation
        firsts = rows[~pd.DataFrame({"i": rows["iso3"], "k": key}).duplicated().to_numpy()]
        twice = firsts[firsts["iso3"].duplicated(keep=False).to_numpy()]
        what = "one spelling per country; two spellings look like two submissions"
    for iso, g in twice.groupby("iso3", sort=True):
        where = " and ".join(f"row {int(ln)} ({str(c).strip()!r})"
                             for ln, c in list(zip(g["line"], g["country"]))[:3])
        problems.append(Problem("duplicate_country", f"{iso} is given twice in this table: "
                                f"{where}; keep {what}", name, int(g["line"].iloc[1]), iso))
    first = rows.drop_duplicates("iso3")
    return pd.DataFrame({"iso3": first["iso3"].to_numpy(), "country": first["country"].to_numpy(),
                         "file": name, "line": first["line"].to_numpy()}, columns=MEMBER_COLUMNS)


def _member_problems(table: pd.DataFrame | WideAnswers,
                     members: pd.DataFrame) -> list[Problem]:
    """Countries submitted in two files (error) and countries read without answers (warning)."""
    out: list[Problem] = []
    if members is None or members.empty:
        return out
    m = members.dropna(subset=["iso3"])
    once = m["iso3"].is_unique  # each country in one entry (one wide table): none twice
    per_file = m if once else m.drop_duplicates(["iso3", "file"])
    twice = per_file.iloc[:0] if once else per_file[per_file.duplicated("iso3", keep=False)]
    for iso, g in twice.groupby("iso3", sort=True):
        where = " and ".join(f"{f}:{_int(ln)}" if _int(ln) else str(f)
                             for f, ln in zip(g["file"], g["line"]))
        out.append(Problem("duplicate_country", f"{iso} is submitted {len(g)} times: {where}; "
                           "keep one submission per country (merge the answers into one file)",
                           str(g["file"].iloc[1]), _int(g["line"].iloc[1]), iso))
    if isinstance(table, WideAnswers):
        answered = set(pd.unique(table.iso[table.answered_rows() & pd.notna(table.iso)]))
    else:
        answered = set(table["iso3"].dropna().unique())
    firsts = m if once else m.drop_duplicates("iso3")
    for r in firsts[~firsts["iso3"].isin(answered).to_numpy()].itertuples():
        if r.iso3 not in answered:
            out.append(Problem("empty_submission", f"{r.iso3} has no answers; it is scored with "
                               "every answer missing (see the missing-answers policy)",
                               r.file, _int(r.line), r.iso3, severity="warning"))
    return out


# --------------------------------------------------------------------------------------------
# matrices
# --------------------------------------------------------------------------------------------
@dataclass
class AnswerMatrix:
    """Answers of ``countries`` × ``questions`` as arrays.

    Attributes
    ----------
    countries : list of str
    questions : list of str
    credit : ndarray (n_countries, n_questions)
        Credit in [0, 1]; NaN where missing or not applicable.
    state : ndarray of int8
        ``ANSWERED`` (0), ``MISSING`` (1) or ``NOT_APPLICABLE`` (2).
    raw : DataFrame
        Normalised raw answers (countries × questions; None where none).
    evidence : DataFrame
        Evidence per answer (countries × questions). A table without evidence (a wide table)
        passes ``None``: the all-empty frame is then built only when first asked for.
    problems : list of Problem
    decimal : {".", ","}
        The decimal mark the raw answers were typed with (kept for re-scoring variants).
    """

    countries: list[str]
    questions: list[str]
    credit: np.ndarray
    state: np.ndarray
    raw: pd.DataFrame
    evidence: pd.DataFrame
    problems: list[Problem]
    decimal: str = "."

    @property
    def missing_counts(self) -> pd.Series:
        """Missing answers per country."""
        return pd.Series((self.state == MISSING).sum(axis=1), index=self.countries,
                         name="missing_answers")

    @property
    def not_applicable_counts(self) -> pd.Series:
        """Questions that do not apply, per country."""
        return pd.Series((self.state == NOT_APPLICABLE).sum(axis=1), index=self.countries,
                         name="not_applicable")


def _get_evidence(self: AnswerMatrix) -> pd.DataFrame:
    """The evidence table; an all-empty one is built the first time it is asked for."""
    ev = self.__dict__.get("_evidence")
    if ev is None:
        nc, nq = len(self.countries), len(self.questions)
        ev = pd.DataFrame(np.full((nq, nc), None, dtype=object).T, index=self.countries,
                          columns=self.questions, copy=False)
        self.__dict__["_evidence"] = ev
    return ev


def _set_evidence(self: AnswerMatrix, evidence: pd.DataFrame | None) -> None:
    self.__dict__["_evidence"] = evidence


AnswerMatrix.evidence = property(_get_evidence, _set_evidence,  # type: ignore[assignment]
                                 doc="Evidence per answer (countries × questions).")


class RawColumns:
    """The raw answers of a wide table as codes per question, made a frame when asked for.

    ``parts[j]`` is ``(codes, values, rows)``: question ``j``'s answer of country ``i`` is
    ``values[codes[i]]`` (``None`` where not valid), and ``None`` where ``rows`` (if given) is
    False; ``parts[j] is None``: no column, all ``None``. Scoring never needs the whole
    countries x questions object matrix (100,000,000 cells at 1,000,000 units), only the
    columns conditions read.
    """

    def __init__(self, countries: list[str], questions: list[str]):
        self.countries, self.questions = countries, questions
        self.parts: list[tuple | None] = [None] * len(questions)

    def column(self, j: int) -> pd.Series:
        """Question ``j``'s raw answers as an object Series over the countries."""
        out = np.full(len(self.countries), None, dtype=object)
        if self.parts[j] is not None:
            codes, values, rows = self.parts[j]
            np.take(values, codes, out=out)
            if rows is not None:
                out[~rows] = None
        return pd.Series(out, index=self.countries, name=self.questions[j], dtype=object)

    def frame(self) -> pd.DataFrame:
        """Every question's raw answers (countries x questions, object)."""
        nc, nq = len(self.countries), len(self.questions)
        raw = np.empty((nq, nc), dtype=object)  # each question's row contiguous
        for j in range(nq):
            raw[j] = self.column(j).to_numpy()
        return pd.DataFrame(raw.T, index=self.countries, columns=self.questions, copy=False)


def _get_raw(self: AnswerMatrix) -> pd.DataFrame:
    """The raw answers; a wide table's are made a frame the first time they are asked for."""
    raw = self.__dict__.get("_raw")
    if isinstance(raw, RawColumns):
        raw = self.__dict__["_raw"] = raw.frame()
    return raw


def _set_raw(self: AnswerMatrix, raw: pd.DataFrame | RawColumns) -> None:
    self.__dict__["_raw"] = raw


AnswerMatrix.raw = property(_get_raw, _set_raw,  # type: ignore[assignment]
                            doc="Normalised raw answers (countries × questions; None where "
                                "none).")


def build_matrix(responses: Responses, fw: Framework, missing: str = "zero") -> AnswerMatrix:
    """Validate ``responses`` against ``fw`` and build the answer matrix.

    Loops run over questions (a few dozen), never over countries × questions.

    Returns
    -------
    AnswerMatrix
        With ``problems`` holding every problem found (errors and warnings).
    """
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing policy {missing!r}; expected one of {MISSING_POLICIES}")
    problems = list(responses.problems)
    decimal = getattr(responses, "decimal", ".")
    qcodes = fw.question_codes
    qindex = {q: i for i, q in enumerate(qcodes)}
    gather = _gather_wide if responses.__dict__.get("wide") is not None else _gather_long
    countries, credit, answered, raw, evid, where, first_file = gather(
        responses, fw, problems, decimal)
    nc, nq = len(countries), len(qcodes)
    if answered.dtype == np.int8:  # a wide table's states, gathered as they are kept
        state = answered
    else:  # int8, in the layout of ``answered``
        state = np.where(answered, np.int8(ANSWERED), np.int8(MISSING))
    if isinstance(raw, RawColumns):  # a wide table: columns built when asked for
        raw_df, raw_column = raw, raw.column
    else:
        raw_df = pd.DataFrame(raw, index=countries, columns=qcodes, copy=False)

        def raw_column(k: int) -> pd.Series:
            return raw_df.iloc[:, k]
    # conditions, in dependency order; only the conditional questions' columns are held
    # (every other question applies to every country)
    applies: dict[int, np.ndarray] = {}
    for q in condition_order(fw):
        cond = fw.nodes[q].applies_if
        j, k = qindex[q], qindex[cond.question]
        target = raw_column(k)
        ok_target = state[:, k] == ANSWERED  # states are changed only after this loop
        if k in applies:
            ok_target &= applies[k]
        if fw.nodes[cond.question].type == "numeric":
            codes, uniq = pd.factorize(target.astype(object), use_na_sentinel=False)
            vals = np.array([answer_number(v, decimal) for v in uniq], dtype=float)[codes]
            with np.errstate(invalid="ignore"):
                hit = {"==": vals == cond.value, "!=": vals != cond.value,
                       "<": vals < cond.value, "<=": vals <= cond.value,
                       ">": vals > cond.value, ">=": vals >= cond.value}[cond.op]
        else:
            vals = target.to_numpy(dtype=object)
            if fw.nodes[cond.question].type == "binary":
                vals = np.where(credit[:, k] == 1.0, "yes", "no")
            eq = vals == cond.value
            hit = eq if cond.op == "==" else ~eq
        applies[j] = ok_target & hit
    # answers given to questions that do not apply: by country, then question (row-major)
    hits = [(np.nonzero(~app & (state[:, j] == ANSWERED))[0], j) for j, app in applies.items()]
    if any(len(ii) for ii, _ in hits):
        ii = np.concatenate([i for i, _ in hits])
        jj = np.concatenate([np.full(len(i), j, dtype=np.int64) for i, j in hits])
        order = np.lexsort((jj, ii))
        ii, jj = ii[order], jj[order]
        at = where(ii, jj)
        for i, j, (file, line) in zip(ii, jj, at):
            q = qcodes[j]
            cond = fw.nodes[q].applies_if
            problems.append(Problem("answer_not_applicable", f"{q} applies only if {cond}; the "
                                    "answer is ignored", file, _int(line), countries[i],
                                    q, "warning"))
    for j, app in applies.items():
        na = ~app
        state[na, j] = NOT_APPLICABLE
        credit[na, j] = np.nan
    for node in fw.questions:  # numeric questions normalised across countries (engine.normalise)
        if node.type == "numeric" and node.normalise:
            from ..engine.normalise import normalised_credit

            credit[:, qindex[node.code]] = normalised_credit(node, credit[:, qindex[node.code]])
    # missing answers and evidence: one warning per country, naming its (first) file
    some_missing = np.zeros(nc, dtype=bool)
    for j in range(nq):  # column by column: no countries x questions temporary
        some_missing |= state[:, j] == MISSING
    for i in np.nonzero(some_missing)[0]:
        qs = [qcodes[j] for j in np.nonzero(state[i] == MISSING)[0]]
        rule = {"zero": "counted as 0", "exclude": "left out of their parent (exclude)"}.get(
            missing, f"imputed ({missing})")
        problems.append(Problem("missing_answers", f"{len(qs)} missing answer(s), {rule}: "
                                f"{', '.join(qs[:12])}{' …' if len(qs) > 12 else ''}",
                                first_file.get(countries[i]), None, countries[i], None,
                                "warning"))
    need_ev = np.array([fw.nodes[q].evidence_required for q in qcodes], dtype=bool)
    lacking = np.zeros((nc, 0), dtype=bool)  # no question requires evidence: nothing lacks it
    if need_ev.any():  # only the columns of the questions that require evidence
        cols = np.nonzero(need_ev)[0]
        ev_blank = True if evid is None else pd.isna(evid[:, cols]) | (evid[:, cols] == "")
        with np.errstate(invalid="ignore"):
            credited = credit[:, cols] > 0  # NaN is not credited
        lacking = np.zeros((nc, nq), dtype=bool)
        lacking[:, cols] = (state[:, cols] == ANSWERED) & ev_blank & credited
    for i in np.nonzero(lacking.any(axis=1))[0]:
        qs = [qcodes[j] for j in np.nonzero(lacking[i])[0]]
        problems.append(Problem("missing_evidence", f"{len(qs)} credited answer(s) lack the "
                                f"evidence the framework requires: {', '.join(qs[:12])}"
                                f"{' …' if len(qs) > 12 else ''}",
                                first_file.get(countries[i]), None, countries[i], None,
                                "warning"))
    return AnswerMatrix(countries, qcodes, credit, state, raw_df,
                        None if evid is None else  # no evidence column: built when asked
                        pd.DataFrame(evid, index=countries, columns=qcodes, copy=False),
                        problems, decimal)


def _gather_long(responses: Responses, fw: Framework, problems: list[Problem],
                 decimal: str) -> tuple:
    """Stage 1 of :func:`build_matrix` for a long table: one row per answer.

    Returns countries, credit, answered, raw (object), evidence (object), ``where`` (rows and
    columns of the matrix -> their ``(file, line)``) and each country's first file; problems
    are appended to ``problems``.
    """
    t = responses.table
    qcodes = fw.question_codes
    qindex = {q: i for i, q in enumerate(qcodes)}
    valid_country = t["iso3"].notna().to_numpy()
    known_q = t["question"].isin(qindex).to_numpy()
    for r in t[~known_q & valid_country].itertuples():
        hint = values.suggest(r.question, qcodes)
        problems.append(Problem("unknown_question", f"unknown question {r.question!r}; the "
                                f"framework {fw.code!r} has {qcodes[0]} … {qcodes[-1]}"
                                + (f" ({hint})" if hint else ""),
                                r.file, _int(r.line), r.iso3, r.question))
    bad_src = ~t["source"].isin(SOURCES).to_numpy()
    for r in t[bad_src].itertuples():
        problems.append(Problem("bad_source", f"source {r.source!r}; expected one of "
                                f"{', '.join(SOURCES)}", r.file, _int(r.line), r.iso3,
                                r.question))
    t = t[valid_country & known_q]  # a new frame (boolean selection); never modified
    # duplicates and conflicts
    dup_mask = t.duplicated(["iso3", "question"], keep=False).to_numpy()
    drop = np.zeros(len(t), dtype=bool)
    if dup_mask.any():
        for (iso, q), g in t[dup_mask].groupby(["iso3", "question"], sort=True):
            where = ", ".join(f"{f}:{_int(ln)}" if _int(ln) else str(f)
                              for f, ln in zip(g["file"], g["line"]))
            answers = {str(a) for a in g["answer"]}
            if len(answers) > 1:
                problems.append(Problem("conflicting_answers", f"{len(g)} different answers "
                                        f"({', '.join(sorted(answers))}) at {where}; keep one",
                                        g["file"].iloc[-1], _int(g["line"].iloc[-1]), iso, q))
            else:
                problems.append(Problem("duplicate_answer", f"the same answer is given {len(g)} "
                                        f"times (at {where}); counted once",
                                        g["file"].iloc[-1], _int(g["line"].iloc[-1]), iso, q,
                                        "warning"))
        drop = t.duplicated(["iso3", "question"], keep="last").to_numpy()
    t = t[~drop]
    # every country that gave any answer, even if none of its answers could be used
    countries = sorted(set(t["iso3"].unique()) | set(responses.countries))
    nc, nq = len(countries), len(qcodes)
    credit = np.full((nc, nq), np.nan)
    answered = np.zeros((nc, nq), dtype=bool)
    raw = np.full((nc, nq), None, dtype=object)
    evid = np.full((nc, nq), None, dtype=object)
    ci = pd.Index(countries).get_indexer(t["iso3"]).astype(np.int64)
    qi = pd.Index(qcodes).get_indexer(t["question"]).astype(np.int64)
    ans = t["answer"].to_numpy(dtype=object)
    raw[ci, qi] = ans
    evid[ci, qi] = t["evidence"].to_numpy(dtype=object)
    if _all_text(ans):
        bad = _type_text_answers(fw, qcodes, ci, qi, ans, decimal, credit, answered, raw)
    else:  # numbers, booleans or blanks among the answers: typed question by question
        bad = _type_answers_by_question(fw, t, qindex, ci, ans, decimal, credit, answered, raw)
    if bad:
        cols = [t[c].to_numpy(dtype=object) for c in ("answer", "file", "line", "iso3")]
        for r, why in bad:
            node = fw.nodes[qcodes[qi[r]]]
            answer, file, line, iso = (c[r] for c in cols)
            problems.append(Problem("bad_answer", f"answer {answer!r:.60} is not allowed for "
                                    f"{node.type} question {node.code}; expected "
                                    f"{node.allowed_answers()}{_answer_hint(why)}", file,
                                    _int(line), iso, node.code))
    files, lines = t["file"].to_numpy(dtype=object), t["line"].to_numpy(dtype=object)

    def where(ii: np.ndarray, jj: np.ndarray) -> list[tuple]:
        # the row of each (country, question) cell, looked up only when a problem is located
        row_of = np.full(nc * nq, -1, dtype=np.int64)
        row_of[ci * nq + qi] = np.arange(len(ci))
        at = row_of[np.asarray(ii, dtype=np.int64) * nq + np.asarray(jj, dtype=np.int64)]
        return [(files[r], lines[r]) for r in at]

    firsts = t.drop_duplicates("iso3", keep="first")  # first row wins (no per-row loop)
    first_file = dict(zip(firsts["iso3"], firsts["file"]))
    if responses.members is not None:  # countries that submitted no answer
        for iso, f in zip(responses.members["iso3"], responses.members["file"]):
            first_file.setdefault(iso, f)
    return countries, credit, answered, raw, evid, where, first_file


def _all_text(values_: np.ndarray) -> bool:
    """Whether every value is a ``str`` (no number, boolean or blank): one C pass."""
    return pd.api.types.infer_dtype(values_, skipna=False) == "string"


def _typing_key(node: Any) -> tuple:
    """What :func:`typed_answers` reads of a question.

    Questions with the same key type every answer alike (same credit, validity and message).
    """
    return (node.type, tuple(node.levels.items()) if node.levels else None, node.range,
            node.goalposts, node.direction, node.normalise, node.allowed_answers())


def _type_text_answers(fw: Framework, qcodes: list[str], ci: np.ndarray, qi: np.ndarray,
                       ans: np.ndarray, decimal: str, credit: np.ndarray, answered: np.ndarray,
                       raw: np.ndarray) -> list[tuple[int, Any]]:
    """Type answers that are all text into ``credit``/``answered``/``raw`` (rows ``ci``, ``qi``).

    Each distinct answer is typed once per kind of question (:func:`_typing_key`: all yes/no
    questions are one kind), not once per question. Returns the bad answers as ``(row, why)``,
    question by question in the order the table first names them, rows in table order (as
    :func:`_type_answers_by_question`).
    """
    codes, uniq = pd.factorize(ans)  # text compares exactly: one code per distinct answer
    uniq = np.asarray(uniq, dtype=object)
    kinds: dict[tuple, int] = {}
    kind_node: list[Any] = []
    kind_of_q = np.empty(len(qcodes), dtype=np.int64)
    for j, q in enumerate(qcodes):
        node = fw.nodes[q]
        k = kinds.setdefault(_typing_key(node), len(kinds))
        if k == len(kind_node):
            kind_node.append(node)
        kind_of_q[j] = k
    nu = max(len(uniq), 1)
    pairs, inv = np.unique(kind_of_q[qi] * nu + codes, return_inverse=True)
    inv = inv.reshape(-1)
    p_credit = np.empty(len(pairs))
    p_ok = np.empty(len(pairs), dtype=bool)
    p_why = np.empty(len(pairs), dtype=object)
    p_kind = pairs // nu
    for k in np.unique(p_kind):  # a handful of kinds
        sel = np.nonzero(p_kind == k)[0]
        c, ok, why = typed_answers(kind_node[k], pd.Series(uniq[pairs[sel] % nu], dtype=object),
                                   decimal)
        p_credit[sel], p_ok[sel], p_why[sel] = c, ok, why
    ok = p_ok[inv]
    credit[ci[ok], qi[ok]] = p_credit[inv][ok]
    answered[ci[ok], qi[ok]] = True
    raw[ci[~ok], qi[~ok]] = None
    bad_rows = np.nonzero(~ok)[0]
    if not len(bad_rows):
        return []
    first = np.full(len(qcodes), len(qi), dtype=np.int64)  # first row naming each question
    np.minimum.at(first, qi, np.arange(len(qi)))
    bad_rows = bad_rows[np.lexsort((bad_rows, first[qi[bad_rows]]))]
    return [(int(r), p_why[inv[r]]) for r in bad_rows]


def _type_answers_by_question(fw: Framework, t: pd.DataFrame, qindex: dict[str, int],
                              ci: np.ndarray, ans: np.ndarray, decimal: str,
                              credit: np.ndarray, answered: np.ndarray, raw: np.ndarray
                              ) -> list[tuple[int, Any]]:
    """As :func:`_type_text_answers`, question by question (answers of any type)."""
    bad: list[tuple[int, Any]] = []
    for q, rows in t.groupby("question", sort=False).indices.items():
        node = fw.nodes[q]
        codes, uniq = pd.factorize(pd.Series(ans[rows], dtype=object), use_na_sentinel=False)
        c_u, ok_u, why_u = typed_answers(node, pd.Series(uniq, dtype=object), decimal)
        c, ok = c_u[codes], ok_u[codes]
        credit[ci[rows[ok]], qindex[q]] = c[ok]
        answered[ci[rows[ok]], qindex[q]] = True
        raw[ci[rows[~ok]], qindex[q]] = None
        bad += zip(rows[~ok].tolist(), why_u[codes][~ok])
    return bad


def _gather_wide(responses: Responses, fw: Framework, problems: list[Problem],
                 decimal: str) -> tuple:
    """Stage 1 of :func:`build_matrix` for a wide table held column-wise.

    The same results as :func:`_gather_long` on its long table, without building it, except
    that the third item is the states (int8, ``ANSWERED``/``MISSING``), not a boolean array.
    Per question column: each distinct answer is typed once and the credit taken by row code;
    rows are located only for bad answers and unknown questions. Each country has one row (a
    table with a country twice is read as a long table).
    """
    w: WideAnswers = responses.wide
    qcodes = fw.question_codes
    qindex = {q: i for i, q in enumerate(qcodes)}
    name, iso, lines = w.name, w.iso, w.lines
    valid = pd.notna(iso)
    seen = iso[valid]  # each country once (a table with a country twice is read long)
    members = (None if responses.members is None else
               responses.members["iso3"].dropna().to_numpy(dtype=object))
    rows_valid = np.nonzero(valid)[0]
    if members is None or np.array_equal(members, seen):  # the members are the rows
        listed = seen.tolist()
        countries = sorted(listed)
        nc = len(countries)
        if listed == countries:  # rows sorted by country (as gci writes them)
            row_of = rows_valid.astype(np.int64)
        else:
            row_of = np.empty(nc, dtype=np.int64)
            row_of[pd.Index(countries).get_indexer(seen)] = rows_valid
    else:
        countries = sorted(pd.unique(np.concatenate([seen, members])).tolist())
        nc = len(countries)
        # the table row of each country (-1: a member without a row here)
        row_of = np.full(nc, -1, dtype=np.int64)
        row_of[pd.Index(countries).get_indexer(seen)] = rows_valid
    nq = len(qcodes)
    has_row = row_of >= 0
    take = np.where(has_row, row_of, 0)
    # column-major (each question's column contiguous, written whole): the aggregation reads
    # blocks of countries column by column. The states are gathered as they are kept (int8).
    credit = np.empty((nq, nc)).T
    state = np.empty((nq, nc), dtype=np.int8).T
    raw = RawColumns(countries, list(qcodes))  # built when first asked for
    filled = np.zeros(nq, dtype=bool)
    in_order = bool(len(iso) == nc and has_row.all()  # one row per unit, sorted by unit
                    and (take == np.arange(nc)).all())
    bad_groups: list[tuple[int, int, list[Problem]]] = []
    typed: dict = {}  # the distinct answers of a column, typed once per kind of question
    for pos, (q, codes, uniq, blank) in enumerate(zip(w.questions, w.codes, w.uniques,
                                                      w.blank)):
        if q not in qindex:
            cells = np.nonzero(~blank[codes] & valid)[0]
            if len(cells):
                hint = values.suggest(q, qcodes)
                msg = (f"unknown question {q!r}; the framework {fw.code!r} has {qcodes[0]} … "
                       f"{qcodes[-1]}" + (f" ({hint})" if hint else ""))
                for r in cells:  # row order, like the long table (re-sorted below)
                    problems.append(Problem("unknown_question", msg, name, int(lines[r]),
                                            iso[r], q))
            continue
        j, node = qindex[q], fw.nodes[q]
        u_credit = np.full(len(uniq), np.nan)
        u_ok = np.zeros(len(uniq), dtype=bool)
        u_why = np.full(len(uniq), None, dtype=object)
        given = np.nonzero(~blank)[0]
        if len(given):
            c_u, ok_u, why_u = _typed_once(typed, node, uniq[given], decimal)
            u_credit[given], u_ok[given], u_why[given] = c_u, ok_u, why_u
        # one intp copy of the codes: np.take with int8 indices is several times slower
        k = codes.astype(np.intp) if in_order else codes[take].astype(np.intp)
        u_state = np.where(u_ok, np.int8(ANSWERED), np.int8(MISSING))
        np.take(u_state, k, out=state[:, j])
        np.take(np.where(u_ok, u_credit, np.nan), k, out=credit[:, j])
        if not in_order:  # members without a row here: missing
            state[~has_row, j] = MISSING
            credit[~has_row, j] = np.nan
        raw.parts[j] = (codes if in_order else codes[take], np.where(u_ok, uniq, None),
                        None if in_order else state[:, j] == ANSWERED)
        filled[j] = True
        bad_u = ~blank & ~u_ok
        if bad_u.any():
            cells = np.nonzero(bad_u[codes] & valid)[0]
            if len(cells):
                first = int(np.nonzero(~blank[codes] & valid)[0][0])
                group = []
                for r in cells:
                    why = u_why[codes[r]]
                    group.append(Problem("bad_answer", f"answer {uniq[codes[r]]!r:.60} is not "
                                         f"allowed for {node.type} question {q}; expected "
                                         f"{node.allowed_answers()}{_answer_hint(why)}", name,
                                         int(lines[r]), iso[r], q))
                bad_groups.append((first, pos, group))
    if any(p.kind == "unknown_question" for p in problems[len(responses.problems):]):
        # the long table names unknown questions row by row (then column by column)
        mine = problems[len(responses.problems):]
        order = {q: i for i, q in enumerate(w.questions)}
        mine.sort(key=lambda p: (p.line, order[p.item]))
        problems[len(responses.problems):] = mine
    for _first, _pos, group in sorted(bad_groups, key=lambda g: g[:2]):
        problems.extend(group)  # questions in the order the long table first meets them

    for j in np.nonzero(~filled)[0]:  # questions without a column: all missing
        credit[:, j] = np.nan
        state[:, j] = MISSING

    def where(ii: np.ndarray, jj: np.ndarray) -> list[tuple]:
        return [(name, int(lines[row_of[i]])) for i in ii]

    return countries, credit, state, raw, None, where, _SameFile(name)


class _SameFile:
    """Each country's first file, when all come from one wide table (``.get`` as a dict's)."""

    def __init__(self, name: str):
        self.name = name

    def get(self, _country: str, default: Any = None) -> str:
        return self.name


def _typed_once(typed: dict, node: Any, given: np.ndarray, decimal: str) -> tuple:
    """:func:`typed_answers` of a column's distinct answers, once per kind of question.

    Columns of questions of the same kind (:func:`_typing_key`: every yes/no question is one
    kind) with the same distinct answers are typed alike; ``typed`` keeps what each gave.
    """
    try:
        key = (_typing_key(node), tuple((type(v), v) for v in given))
        hit = typed.get(key)
    except TypeError:  # an unhashable answer or setting: typed without the memo
        key, hit = None, None
    if hit is None:
        hit = typed_answers(node, pd.Series(given, dtype=object), decimal)
        if key is not None:
            typed[key] = hit
    return hit


def _answer_hint(why: Any) -> str:
    """What a :class:`gci.inputs.values.BadValue` adds to "not allowed; expected …"."""
    if why is None or why.plain:
        return ""  # "expected ..." already says it
    if why.hint:
        return f" ({why.hint})"
    return f": {why.message}"


def _int(v: Any) -> int | None:
    try:
        return None if v is None or pd.isna(v) else int(v)
    except (TypeError, ValueError):
        return None


def is_line_dict(obj: Any) -> bool:
    """True when ``obj`` came from gci's YAML reader (has line numbers)."""
    return isinstance(obj, LineDict)
