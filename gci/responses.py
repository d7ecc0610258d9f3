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

import csv
import os
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import fileio, values
from .countries import resolve_country
from .errors import InputError, Problem, ResponsesError, raise_if_errors
from .fileio import LineDict, decode_text, line_of, read_bytes, read_yaml
from .framework import Framework, answer_number, condition_order, normalise_answer, typed_answers

SOURCES = ("questionnaire", "desk_research")
MISSING_POLICIES = ("zero", "exclude", "group_mean", "group_median")
RESPONSE_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")
COLUMNS = ["iso3", "country", "question", "answer", "evidence", "source", "file", "line"]

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
    decimal : {".", ","}
        Decimal mark of numeric answers written as text (``","``: ``3,5`` is 3.5 and ``3.5`` is
        refused; see :func:`gci.values.parse_number`).
    """

    table: pd.DataFrame
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    decimal: str = "."

    @property
    def countries(self) -> list[str]:
        """Resolved ISO3 codes, sorted."""
        return sorted(c for c in self.table["iso3"].dropna().unique())

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        return (f"<Responses: {len(self.table)} answers, {len(self.countries)} countries, "
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
        return _wide_to_responses(df, name, problems, check_countries)

    @classmethod
    def _from_long(cls, df: pd.DataFrame, name: str, *, check_countries: bool = True,
                   first_row: int = 2) -> Responses:
        problems: list[Problem] = []
        table = _long_table(df, name, problems, first_row, check_countries)
        return cls(table, [name], problems)

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
                         self.problems, self.decimal)

    def validate(self, framework: Framework, missing: str = "zero") -> list[Problem]:
        """Every problem of these responses against ``framework`` (errors and warnings)."""
        return build_matrix(self, framework, missing=missing).problems


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------
def load_responses(path: str | os.PathLike | Iterable[str | os.PathLike] = "responses",
                   framework: Framework | None = None, *, check_countries: bool = True,
                   progress: Any = None, decimal: str | None = None) -> Responses:
    """Read responses from a folder, a file, or a list of files.

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
    decimal : {".", ","}, optional
        Decimal mark of numeric answers: with ``"."`` ``3,5`` is refused as ambiguous; with
        ``","`` it is 3.5 and ``3.5`` is refused. Never guessed. Default: ``"."``, or the mark
        set by :func:`gci.values.decimal_mark` (the CLI's ``--decimal``).

    Raises
    ------
    InputError
        A file cannot be read at all.
    ResponsesError
        Problems in the files (all of them, from all files).
    """
    files = response_files(path)
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    for f in files:
        if progress is not None:
            progress(f)
        frames.append(_read_one(f, problems, check_countries))
    table = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=COLUMNS))
    resp = Responses(table[COLUMNS], [str(f) for f in files], problems,
                     values.check_decimal(decimal))
    if framework is not None:
        raise_if_errors(resp.validate(framework), ResponsesError, _what(files))
    else:
        raise_if_errors(problems, ResponsesError, _what(files))
    return resp


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


def _read_one(f: Path, problems: list[Problem], check_countries: bool) -> pd.DataFrame:
    suffix = f.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _country_doc(read_yaml(f), str(f), problems, check_countries)
    if suffix == ".json":  # numbers kept as their text, typed by gci.values like YAML's
        data = fileio.parse_json(decode_text(read_bytes(f), f), str(f))
        return _country_doc(data, str(f), problems, check_countries)
    if suffix in (".csv", ".xlsx"):
        df = read_table(f)
        if df.empty:
            problems.append(Problem("no_rows", "the table has a header row but no data rows; "
                                    "expected one row per answer (long) or per country (wide)",
                                    str(f), 2))
            return pd.DataFrame(columns=COLUMNS)
        cols = {str(c).strip().lower() for c in df.columns}
        if {"question", "answer"} <= cols:
            return _long_table(df, str(f), problems, 2, check_countries)
        if "question" in cols or "answer" in cols:
            raise InputError("a long table needs columns iso3 (or country), question and answer;"
                             f" found {list(df.columns)[:8]}", f, 1)
        return _wide_to_responses(df, str(f), problems, check_countries).table
    raise InputError(f"unsupported file type {suffix!r}; expected .yaml, .yml, .json, .csv or "
                     ".xlsx", f)


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV (UTF-8) or XLSX table with every cell as text (empty cells as ``""``).

    Raises
    ------
    InputError
        Unreadable, empty, malformed, or (XLSX) openpyxl not installed.
    """
    p = Path(path)
    data = read_bytes(p)
    if not data.strip():
        raise InputError("the file is empty; expected a header row and data rows", p)
    if p.suffix.lower() == ".xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise InputError("reading .xlsx needs openpyxl: pip install 'gci[xlsx]'", p) from None
        _check_xlsx_archive(data, p)
        try:
            df = pd.read_excel(BytesIO(data), dtype=str, keep_default_na=False, na_values=[],
                               engine="openpyxl", nrows=fileio.MAX_TABLE_ROWS + 1)
        except Exception as exc:  # openpyxl raises many types for broken workbooks
            raise InputError(f"cannot read the workbook: {type(exc).__name__}: {exc}", p) \
                from None
    else:
        text = decode_text(data, p)
        try:  # newline=None: also old Mac files whose lines end in a lone CR
            header = next(csv.reader(StringIO(text[:1_000_000], newline=None)), [])
        except csv.Error:
            header = []  # pandas reports what is wrong below
        if len(header) > fileio.MAX_TABLE_COLUMNS:
            raise InputError(f"the header row has {len(header):,} columns, over the limit of "
                             f"{fileio.MAX_TABLE_COLUMNS:,} (gci.fileio.MAX_TABLE_COLUMNS)",
                             p, 1)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                df = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, na_values=[],
                                 skipinitialspace=True, index_col=False,
                                 nrows=fileio.MAX_TABLE_ROWS + 1)
        except pd.errors.ParserWarning:
            raise _long_rows_error(text, p) from None
        except pd.errors.ParserError as exc:
            if re.search(r"Expected \d+ fields", str(exc)):
                raise _long_rows_error(text, p) from None
            line = re.search(r"line (\d+)", str(exc))
            quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
            if quote:  # pandas counts rows from 0 here
                raise InputError("malformed CSV: a quoted field (\"…) is never closed", p,
                                 int(quote.group(1)) + 1) from None
            raise InputError(f"malformed CSV: {exc}", p,
                             int(line.group(1)) if line else None) from None
        except pd.errors.EmptyDataError:
            raise InputError("the file is empty; expected a header row and data rows", p) \
                from None
        if len(df.columns) == 1 and (";" in df.columns[0] or "\t" in df.columns[0]):
            sep = "';'" if ";" in df.columns[0] else "tabs"
            raise InputError(f"the columns are separated by {sep}; gci reads comma-separated "
                             "CSV (in Excel: save as 'CSV UTF-8 (Comma delimited)')", p, 1)
    if len(df) > fileio.MAX_TABLE_ROWS or len(df.columns) > fileio.MAX_TABLE_COLUMNS:
        raise InputError(f"the table has more than {fileio.MAX_TABLE_ROWS:,} rows or "
                         f"{fileio.MAX_TABLE_COLUMNS:,} columns (gci.fileio.MAX_TABLE_ROWS, "
                         "MAX_TABLE_COLUMNS); split it", p)
    df.columns = [str(c).strip() for c in df.columns]
    dup = [c for c in df.columns if list(df.columns).count(c) > 1 or c.endswith(".1")]
    if len(set(df.columns)) != len(df.columns) or dup:
        seen = pd.Index(df.columns)
        dups = sorted(set(seen[seen.duplicated()]) | {c[:-2] for c in dup if c.endswith(".1")})
        if dups:
            raise InputError(f"duplicate column(s) {', '.join(dups)} in the header row", p, 1)
    return df


def _check_xlsx_archive(data: bytes, p: Path) -> None:
    """Refuse a workbook that is not a zip archive or would expand beyond the limits."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError("is not a valid .xlsx workbook (not a zip archive); save it again "
                         "from Excel as .xlsx, or export it as CSV UTF-8", p) from None
    if len(members) > fileio.MAX_XLSX_MEMBERS:
        raise InputError(f"the workbook archive has {len(members):,} parts, over the limit of "
                         f"{fileio.MAX_XLSX_MEMBERS:,}", p)
    total = sum(m.file_size for m in members)
    if total > fileio.MAX_XLSX_UNCOMPRESSED_BYTES:
        raise InputError(f"the workbook expands to {total:,} bytes when uncompressed, over the "
                         f"limit of {fileio.MAX_XLSX_UNCOMPRESSED_BYTES:,} bytes "
                         "(gci.fileio.MAX_XLSX_UNCOMPRESSED_BYTES); refusing a possible zip bomb",
                         p)


def _long_rows_error(text: str, p: Path) -> InputError:
    """The error for data rows with more fields than the header row (names the rows)."""
    rows = csv.reader(StringIO(text, newline=None))
    width = len(next(rows, []))
    bad = [i for i, row in enumerate(rows, start=2) if len(row) > width]
    shown = ", ".join(map(str, bad[:10])) + (" …" if len(bad) > 10 else "")
    return InputError(f"row(s) {shown} have more fields than the {width} columns of the header "
                      "row (a stray comma? quote text that contains commas)", p,
                      bad[0] if bad else None)


def _country_doc(data: Any, name: str, problems: list[Problem],
                 check_countries: bool) -> pd.DataFrame:
    if not isinstance(data, dict):
        raise InputError("expected a mapping with 'country' and 'answers'", name, 1)
    country_raw = data.get("country", data.get("iso3"))
    iso3 = _resolve(country_raw, name, line_of(data, "country") or 1, problems, check_countries)
    for key in data:
        if key not in DOC_KEYS:
            problems.append(Problem("unknown_key", f"unknown key {key!r}; expected one of "
                                    f"{', '.join(sorted(DOC_KEYS))}", name, line_of(data, key),
                                    country=iso3, severity="warning"))
    default_source = data.get("source", "questionnaire")
    answers = data.get("answers")
    if not isinstance(answers, dict):
        problems.append(Problem("no_answers", "expected 'answers': a mapping of question code to "
                                "answer", name, line_of(data, "answers") or 1,
                                country=iso3 or str(country_raw)))
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    for q, a in answers.items():
        ln = line_of(answers, q)
        evidence, source = None, default_source
        if isinstance(a, dict):
            unknown = set(a) - {"answer", "evidence", "source", "note"}
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
        if isinstance(a, (list, dict)):
            problems.append(Problem("bad_answer", f"answer is a "
                                    f"{'list' if isinstance(a, list) else 'mapping'}; expected "
                                    "one value", name, ln, iso3, str(q)))
            continue
        rows.append((iso3, str(country_raw), str(q), normalise_answer(a), evidence, source,
                     name, ln))
    return pd.DataFrame(rows, columns=COLUMNS)


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
                check_countries: bool) -> pd.DataFrame:
    cols = {str(c).strip().lower(): c for c in df.columns}
    ccol = cols.get("iso3", cols.get("country"))
    if ccol is None or "question" not in cols or "answer" not in cols:
        raise InputError("a long table needs columns iso3 (or country), question, answer; found "
                         f"{list(df.columns)}", name, 1)
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
    first_row = np.zeros(len(uniques), dtype=np.int64)
    first_row[codes[::-1]] = np.arange(len(codes))[::-1]  # first occurrence of each value
    if not check_countries:
        blank = [i for i, u in enumerate(uniques) if not u.strip()]
        for i in blank:
            problems.append(Problem("unknown_country", "no country given", name,
                                    int(lines[first_row[i]])))
        resolved = np.array([u.strip() or None for u in uniques], dtype=object)
        return resolved[codes]
    resolved = [_resolve(u, name, int(lines[first_row[i]]), problems, check_countries)
                for i, u in enumerate(uniques)]
    return np.asarray(resolved, dtype=object)[codes]


def _wide_to_responses(df: pd.DataFrame, name: str, problems: list[Problem],
                       check_countries: bool) -> Responses:
    cols = {str(c).strip().lower(): c for c in df.columns}
    ccol = cols.get("iso3", cols.get("country"))
    df = df.copy()
    if ccol is None:
        if df.index.name is None and isinstance(df.index, pd.RangeIndex):
            raise InputError("a wide table needs a column iso3 (or country) and one column per "
                             f"question; found {list(df.columns)[:8]}", name, 1)
        df = df.reset_index()
        ccol = df.columns[0]
    qcols = [c for c in df.columns if c != ccol and str(c).strip().lower() not in
             ("name", "country_name", "itu_region", "region", "edition", "note")]
    n = len(df)
    lines = np.arange(2, 2 + n)
    iso = _resolve_column(df[ccol], name, lines, problems, check_countries)
    answers = df[qcols].to_numpy(dtype=object)
    long = pd.DataFrame({
        "iso3": np.repeat(iso, len(qcols)),
        "country": np.repeat(df[ccol].astype(str).to_numpy(), len(qcols)),
        "question": np.tile(np.asarray([str(c).strip() for c in qcols], dtype=object), n),
        "answer": answers.reshape(-1),
        "evidence": None, "source": "questionnaire", "file": name,
        "line": np.repeat(lines, len(qcols)),
    })
    ans = long["answer"]
    blank = ans.isna().to_numpy() | (ans.astype(str).str.strip() == "").to_numpy()
    long = long[~blank].reset_index(drop=True)
    # normalise on unique values only (fast for large tables)
    long["answer"] = _normalised(long["answer"])
    return Responses(long[COLUMNS], [name], problems)


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
        Evidence per answer (countries × questions).
    problems : list of Problem
    """

    countries: list[str]
    questions: list[str]
    credit: np.ndarray
    state: np.ndarray
    raw: pd.DataFrame
    evidence: pd.DataFrame
    problems: list[Problem]

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
    t = t[valid_country & known_q].copy()
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
    for q, rows in t.groupby("question", sort=False).indices.items():
        node = fw.nodes[q]
        vals = ans[rows]
        codes, uniq = pd.factorize(pd.Series(vals, dtype=object), use_na_sentinel=False)
        c_u, ok_u, why_u = typed_answers(node, pd.Series(uniq, dtype=object), decimal)
        c, ok = c_u[codes], ok_u[codes]
        credit[ci[rows[ok]], qindex[q]] = c[ok]
        answered[ci[rows[ok]], qindex[q]] = True
        raw[ci[rows[~ok]], qindex[q]] = None
        if (~ok).any():
            sub = t.iloc[rows[~ok]]
            whys = why_u[codes][~ok]
            for r, why in zip(sub.itertuples(), whys):
                hint = _answer_hint(why)
                problems.append(Problem("bad_answer", f"answer {r.answer!r:.60} is not allowed for "
                                        f"{node.type} question {q}; expected "
                                        f"{node.allowed_answers()}{hint}", r.file, _int(r.line),
                                        r.iso3, q))
    state = np.where(answered, ANSWERED, MISSING).astype(np.int8)
    raw_df = pd.DataFrame(raw, index=countries, columns=qcodes)
    # conditions, in dependency order
    applies = np.ones((nc, nq), dtype=bool)
    for q in condition_order(fw):
        cond = fw.nodes[q].applies_if
        j, k = qindex[q], qindex[cond.question]
        target = raw_df.iloc[:, k]
        ok_target = applies[:, k] & answered[:, k]
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
        applies[:, j] = ok_target & hit
    na = ~applies
    answered_na = na & answered
    if answered_na.any():
        row_of = {(int(i), int(j)): r for r, (i, j) in enumerate(zip(ci, qi))}
        files, lines = t["file"].to_numpy(dtype=object), t["line"].to_numpy(dtype=object)
        for i, j in zip(*np.nonzero(answered_na)):
            q = qcodes[j]
            cond = fw.nodes[q].applies_if
            r = row_of[(int(i), int(j))]
            problems.append(Problem("answer_not_applicable", f"{q} applies only if {cond}; the "
                                    "answer is ignored", files[r], _int(lines[r]), countries[i],
                                    q, "warning"))
    state[na] = NOT_APPLICABLE
    credit[na] = np.nan
    for node in fw.questions:  # numeric questions normalised across countries (gci.normalise)
        if node.type == "numeric" and node.normalise:
            from .normalise import normalised_credit

            credit[:, qindex[node.code]] = normalised_credit(node, credit[:, qindex[node.code]])
    # missing answers and evidence: one warning per country, naming its (first) file
    firsts = t.drop_duplicates("iso3", keep="first")  # first row wins (no per-row loop)
    first_file = dict(zip(firsts["iso3"], firsts["file"]))
    miss = state == MISSING
    for i in np.nonzero(miss.any(axis=1))[0]:
        qs = [qcodes[j] for j in np.nonzero(miss[i])[0]]
        rule = {"zero": "counted as 0", "exclude": "left out of their parent (exclude)"}.get(
            missing, f"imputed ({missing})")
        problems.append(Problem("missing_answers", f"{len(qs)} missing answer(s), {rule}: "
                                f"{', '.join(qs[:12])}{' …' if len(qs) > 12 else ''}",
                                first_file.get(countries[i]), None, countries[i], None,
                                "warning"))
    need_ev = np.array([fw.nodes[q].evidence_required for q in qcodes], dtype=bool)
    ev_blank = pd.isna(evid) | (evid == "")
    lacking = (state == ANSWERED) & need_ev[None, :] & ev_blank & (np.nan_to_num(credit) > 0)
    for i in np.nonzero(lacking.any(axis=1))[0]:
        qs = [qcodes[j] for j in np.nonzero(lacking[i])[0]]
        problems.append(Problem("missing_evidence", f"{len(qs)} credited answer(s) lack the "
                                f"evidence the framework requires: {', '.join(qs[:12])}"
                                f"{' …' if len(qs) > 12 else ''}",
                                first_file.get(countries[i]), None, countries[i], None,
                                "warning"))
    return AnswerMatrix(countries, qcodes, credit, state, raw_df,
                        pd.DataFrame(evid, index=countries, columns=qcodes), problems)


def _answer_hint(why: Any) -> str:
    """What a :class:`gci.values.BadValue` adds to "not allowed; expected …"."""
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
