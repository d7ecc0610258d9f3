"""Tables as people have them: one strict reader of CSV and XLSX files.

Every table gci reads (responses, frameworks, score tables, groupings, slope tables) comes
through :func:`read_table`: header names folded and checked for duplicates, the XLSX sheet
chosen by rule (never a hidden one), percent/date/formula/merged cells and ``;``-separated
CSV refused by cell reference, control characters refused. Cells stay text; their types
are given by :mod:`gci.inputs.values`.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import os
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import fileio
from ..errors import InputError, Problem
from ..fileio import decode_text, read_bytes
from .plain_csv import read_plain_csv

# the XLSX sheet of responses named on the command line (--sheet); see sheet_context
_SHEET: contextvars.ContextVar[str | None] = contextvars.ContextVar("gci_sheet", default=None)


@contextlib.contextmanager
def sheet_context(sheet: str | None) -> Iterator[None]:
    """Within the block, :func:`load_responses` reads this XLSX sheet when none is passed.

    The command line's ``--sheet`` uses it, so that every command reading responses honours
    the option without passing it through each function.
    """
    token = _SHEET.set(sheet)
    try:
        yield
    finally:
        _SHEET.reset(token)


# control characters (tab, line feed and carriage return allowed) and lone surrogates
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def bad_text(text: str) -> str | None:
    """Describe the first control character or lone surrogate of ``text`` (None when clean)."""
    m = _BAD_CHARS.search(text)
    if m is None:
        return None
    ch = m.group(0)
    kind = "a lone surrogate" if "\ud800" <= ch <= "\udfff" else "a control character"
    return (f"{kind} U+{ord(ch):04X} at position {m.start() + 1} of {text[:40]!r}; delete it "
            "(it cannot be shown, plotted or written to a workbook)")


def fold_header(name: object) -> str:
    """A column name as gci compares it: case and surrounding/repeated spaces ignored."""
    return " ".join(str(name).split()).lower()


def has_columns(*names: str):
    """A sheet test for :func:`read_table`: the header holds one of ``names`` (folded)."""
    wanted = {fold_header(n) for n in names}
    return lambda header: bool(wanted & {fold_header(h) for h in header})


def suggest_column(name: str, expected: Iterable[str]) -> str:
    """``"; did you mean 'iso3'?"`` for a near miss of an expected column name, else ``""``."""
    import difflib

    exp = list(expected)
    folded = fold_header(name).replace(" ", "").replace("_", "")
    keys = {e.replace("_", ""): e for e in exp}
    close = difflib.get_close_matches(folded, list(keys), n=1, cutoff=0.7)
    return f"; did you mean {keys[close[0]]!r}?" if close else ""


def read_table(path: str | os.PathLike, *, sheet: str | None = None,
               is_table: Any = None, categorical: bool = False) -> pd.DataFrame:
    """Read a CSV (UTF-8) or XLSX table with every cell as text (empty cells as ``""``).

    Header rules: names are stripped; two names equal once case and spaces are ignored
    (``answer``/``Answer ``) are an error naming both; an empty header over a column with data
    is an error (an empty column with an empty header is dropped: nothing is lost).

    XLSX sheet rule: the sheet named by ``sheet`` (``--sheet`` on the command line), otherwise
    the one sheet whose header row passes ``is_table`` (default: any non-empty header row).
    Several such sheets, such a sheet hidden, or an unknown ``sheet`` name are an error that
    lists the sheets with their visibility. XLSX cells: percent-formatted numbers, dates and
    times, formulas without a saved result and merged cells are refused with the cell reference
    (gci never guesses what such a cell means).

    CSV: a file separated by ``;`` or tabs is refused with how to save it as comma-separated.
    Control characters (other than tab and line breaks) and lone surrogates are refused in
    every cell and header, with the row.

    Parameters
    ----------
    path : path-like
    sheet : str, optional
        The XLSX sheet to read (ignored for CSV).
    is_table : callable, optional
        ``header (list of str) -> bool``: which sheets hold the table (see :func:`has_columns`).
    categorical : bool
        A clean UTF-8 CSV file (no control bytes) is read with each column as a categorical
        of its text cells: the parser keeps each distinct cell once and a small integer code
        per cell (a wide table of 1,000,000 units x 100 questions holds a few hundred distinct
        strings instead of 100,000,000). Other files: text columns as usual.

    Raises
    ------
    InputError
        Unreadable, empty, malformed, a header or cell rule broken, or (XLSX) openpyxl not
        installed.
    """
    p = Path(path)
    data = read_bytes(p)
    if _NOT_BLANK.search(data) is None:  # (strip() would copy a file of any size)
        raise InputError("the file is empty; expected a header row and data rows", p)
    clean = False  # a CSV file without control bytes: its cells need no check
    if p.suffix.lower() == ".xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise InputError("reading .xlsx needs openpyxl: pip install 'gci[xlsx]'", p) from None
        _check_xlsx_archive(data, p)
        header, rows, first = _read_xlsx(data, p, sheet, is_table)
        width = len(header)
        df = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=range(width),
                          dtype=object) if rows else pd.DataFrame(columns=range(width))
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
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            sep = "';'" if ";" in header[0] else "tabs"
            raise InputError(f"the columns are separated by {sep}; gci reads comma-separated "
                             "CSV and does not guess the separator (in Excel: File > Save As > "
                             "'CSV UTF-8 (Comma delimited)'; in LibreOffice: field delimiter ',')",
                             p, 1)
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        if not utf16:  # UTF-8 (checked above): the parser reads the bytes themselves; a
            del text   # StringIO would hold four bytes per character (4 GB for a 1 GB file)
        clean = not utf16 and _clean_utf8(data)
        df = read_plain_csv(data, len(header), fileio.MAX_TABLE_ROWS) \
            if categorical and clean else None  # numpy splits a plain file: the same table
        if df is None:
            df = _parse_csv(StringIO(text) if utf16 else BytesIO(data), data, p, len(header),
                            categorical and clean, utf16)
        if not header:
            raise InputError("the file is empty; expected a header row and data rows", p)
        first = 2
    if len(df) > fileio.MAX_TABLE_ROWS or len(df.columns) > fileio.MAX_TABLE_COLUMNS:
        raise InputError(f"the table has more than {fileio.MAX_TABLE_ROWS:,} rows or "
                         f"{fileio.MAX_TABLE_COLUMNS:,} columns (gci.fileio.MAX_TABLE_ROWS, "
                         "MAX_TABLE_COLUMNS); split it", p)
    df = _apply_header(df, [str(h).strip() for h in header], p)
    if not clean:
        _check_cells_text(df, p, first)
    return df


def _parse_csv(source: StringIO | BytesIO, data: bytes, p: Path, width: int,
               categorical: bool, utf16: bool) -> pd.DataFrame:
    """The data rows of a CSV file by pandas' parser (every cell text; see :func:`read_table`).

    ``source``: the file's text (UTF-16) or bytes (UTF-8) to parse; ``data``: its bytes.
    ``categorical``: columns as categoricals of their text (the file is clean UTF-8).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # object columns of str, never NaN (na_filter=False: a short row's missing
            # fields are ""): a fifth faster than str columns, and no fillna pass
            df = pd.read_csv(source, dtype="category" if categorical else object,
                             na_filter=False, encoding=None if utf16 else "utf-8-sig",
                             skipinitialspace=True, index_col=False, header=None,
                             skiprows=1, names=range(width),
                             nrows=fileio.MAX_TABLE_ROWS + 1)
    except pd.errors.ParserWarning:
        raise _long_rows_error(decode_text(data, p), p) from None
    except pd.errors.ParserError as exc:
        if re.search(r"Expected \d+ fields", str(exc)):
            raise _long_rows_error(decode_text(data, p), p) from None
        line = re.search(r"line (\d+)", str(exc))
        quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if quote:  # pandas counts rows from 0 here
            raise InputError("malformed CSV: a quoted field (\"…) is never closed", p,
                             int(quote.group(1)) + 1) from None
        raise InputError(f"malformed CSV: {exc}", p,
                         int(line.group(1)) if line else None) from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=range(width))
    return _text_categories(df, data, width) if categorical else df


def _text_categories(df: pd.DataFrame, data: bytes, width: int) -> pd.DataFrame:
    """``df`` (read as categoricals) with every column's categories the text as written.

    The parser turns a categorical column's categories into numbers or booleans when all of
    them look so ("0", "007", "1.50", "True"): "007" would become 7, and "1" and "1.0" one
    value. Such columns are read again, as text (one more pass over the file, only for them).
    """
    redo = [j for j in range(len(df.columns))
            if isinstance(df.iloc[:, j].dtype, pd.CategoricalDtype)
            and not _is_text_index(df.iloc[:, j].cat.categories)]
    if not redo:
        return df
    again = pd.read_csv(BytesIO(data), dtype=object, na_filter=False, encoding="utf-8-sig",
                        skipinitialspace=True, index_col=False, header=None, skiprows=1,
                        names=range(width), usecols=redo, nrows=len(df))
    out = df.copy(deep=False)
    for j in redo:
        out[j] = again[j].to_numpy(dtype=object)
    return out


def _is_text_index(index: pd.Index) -> bool:
    """Categories held as text (object or str dtype), not numbers or booleans."""
    return index.dtype == object or pd.api.types.is_string_dtype(index.dtype)


def duplicate_rows(keys: pd.Series, file: str | os.PathLike, *, first_row: int = 2,
                   what: str = "unit") -> list[Problem]:
    """One ``duplicate_country`` error per key written in two rows of a table, naming both rows.

    Keys are compared as written after stripping spaces and ignoring case; blank keys are
    skipped (a blank key is its own error).
    """
    k = keys.astype(str).str.strip().str.upper()
    k = k[k != ""]
    dup = k[k.duplicated(keep=False).to_numpy()]
    out = []
    rows = pd.Series(np.arange(first_row, first_row + len(keys)), index=keys.index)
    for _key, g in dup.groupby(dup, sort=True):
        ln = rows.loc[g.index].tolist()
        shown = str(keys.loc[g.index[0]]).strip()
        out.append(Problem("duplicate_country", f"{what} {shown!r} is in {len(ln)} rows ("
                           f"{', '.join(map(str, ln[:5]))}); keep one row per {what}",
                           str(file), ln[1], shown))
    return out


def _apply_header(df: pd.DataFrame, header: list[str], p: Path) -> pd.DataFrame:
    """Name the columns; refuse empty names over data and names equal once folded."""
    problems = []
    keep = []
    for j, h in enumerate(header):
        col = df[j] if j in df.columns else pd.Series([], dtype=object)
        if h == "":
            if col.astype(str).str.strip().ne("").any():
                problems.append(f"column {_col_letter(j)} has data but no header; name it")
            continue
        keep.append(j)
    seen: dict[str, int] = {}
    for j in keep:
        k = fold_header(header[j])
        if k in seen:
            i = seen[k]
            problems.append(f"columns {header[i]!r} ({_col_letter(i)}) and {header[j]!r} "
                            f"({_col_letter(j)}) have the same name once case and spaces are "
                            "ignored; keep one")
        else:
            seen[k] = j
    for j in keep:
        why = bad_text(header[j])
        if why:
            problems.append(f"the header of column {_col_letter(j)} holds {why}")
    if problems:
        raise InputError("; ".join(problems), p, 1)
    out = df[keep] if len(df.columns) else pd.DataFrame(columns=keep)  # copy-on-write
    out.columns = [header[j] for j in keep]
    return out.reset_index(drop=True)


# a byte that is not ASCII white space (bytes.strip() removes exactly these)
_NOT_BLANK = re.compile(rb"[^ \t\n\r\x0b\x0c]")

# every byte a cell may hold as is, in ASCII: printable characters, tab and line breaks
_PLAIN_BYTES = bytes(range(0x20, 0x7f)) + b"\t\n\r"


_BAD_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_utf8(data: bytes) -> bool:
    """True when UTF-8 ``data`` holds no character :data:`_BAD_CHARS` refuses.

    Then no cell of the file can hold one, and the per-column check is skipped. In UTF-8 a
    control character is one byte below 0x80 that no multi-byte character contains, and a
    lone surrogate cannot be decoded at all; so the bytes left once the plain ASCII ones are
    deleted (a fast C pass) are searched for control bytes.
    """
    return _BAD_BYTES.search(data.translate(None, _PLAIN_BYTES)) is None


def _check_cells_text(df: pd.DataFrame, p: Path, first: int) -> None:
    """Refuse control characters and lone surrogates in cells.

    Each distinct value of a column is checked once (a questionnaire column holds a handful of
    distinct answers however many rows it has); rows are located only for a bad value.
    """
    bad = []
    for c in df.columns:
        col = df[c].astype(str)
        found = [u for u in pd.unique(col.to_numpy(dtype=object)) if _BAD_CHARS.search(u)]
        if not found:
            continue
        hit = col.isin(found).to_numpy()
        for r in np.nonzero(hit)[0][:5]:
            bad.append(f"row {first + int(r)}, column {c!r}: {bad_text(col.iloc[r])}")
    if bad:
        raise InputError("; ".join(bad[:10]), p, int(re.search(r"row (\d+)", bad[0]).group(1)))


def _col_letter(j: int) -> str:
    """Spreadsheet column letter of 0-based index ``j`` (0 -> A, 26 -> AA)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _read_xlsx(data: bytes, p: Path, sheet: str | None,
               is_table: Any) -> tuple[list[str], list[list[str]], int]:
    """Header, data rows (as text) and first data row number of the chosen sheet."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise InputError(f"cannot read the workbook: {type(exc).__name__}: {exc}", p) from None
    test = is_table or (lambda header: any(str(h).strip() for h in header))

    def header_of(ws: Any) -> list[str]:
        row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        return ["" if v is None else str(v) for v in row]

    def listing() -> str:
        return ", ".join(f"{ws.title!r} ({ws.sheet_state})" for ws in wb.worksheets)

    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise InputError(f"no sheet {sheet!r} in the workbook; its sheets are {listing()}",
                             p)
        ws = wb[sheet]
    else:
        tables = [ws for ws in wb.worksheets if test(header_of(ws))]
        hidden = [ws for ws in tables if ws.sheet_state != "visible"]
        if hidden:
            raise InputError(f"the sheet {hidden[0].title!r} holds a table but is "
                             f"{hidden[0].sheet_state}; gci does not read hidden sheets "
                             f"unless named: pass --sheet (sheets: {listing()})", p)
        if len(tables) > 1:
            names = " and ".join(repr(ws.title) for ws in tables)
            raise InputError(f"sheets {names} each hold a table (sheets: {listing()}); gci "
                             "does not guess which one: pass --sheet NAME", p)
        if not tables:
            raise InputError(f"no sheet holds the expected table (sheets: {listing()}); pass "
                             "--sheet NAME or check the header row", p)
        ws = tables[0]
    title = ws.title
    ref = f"'{title}'" if not re.fullmatch(r"\w+", title) else title
    problems: list[str] = []
    has_merged, has_formulas = _sheet_markers(data)
    extra = _full_sheet(data, title, formulas=False) if has_merged else None
    for rng in (extra.merged_cells.ranges if extra is not None else ()):
        problems.append(f"{ref}!{rng.coord} are merged cells; unmerge them and fill every cell")
    formulas: dict[str, str] = {}
    if has_formulas:
        fws = _full_sheet(data, title, formulas=True)
        formulas = {c.coordinate: str(c.value) for row in fws.iter_rows() for c in row
                    if c.data_type == "f"}
    rows: list[list[str]] = []
    header: list[str] = []
    for i, cells in enumerate(ws.iter_rows(), start=1):
        texts = []
        for j, cell in enumerate(cells):
            v = cell.value
            if v is None:
                if formulas and f"{_col_letter(j)}{i}" in formulas:
                    problems.append(f"{ref}!{_col_letter(j)}{i} holds the formula "
                                    f"{formulas[f'{_col_letter(j)}{i}']} with no saved result; "
                                    "open and save the file in Excel (or type the value)")
                texts.append("")
            elif isinstance(v, str):
                texts.append(v)
            elif cell.is_date:
                problems.append(f"{ref}!{_col_letter(j)}{i} holds a date or time ({v}); expected "
                                "a number or text: format the cell as text or as a plain number")
                texts.append("")
            elif isinstance(v, bool):
                texts.append("TRUE" if v else "FALSE")
            elif isinstance(v, (int, float)):
                if "%" in str(cell.number_format):
                    problems.append(f"{ref}!{_col_letter(j)}{i} shows {v * 100:g}% but holds "
                                    f"{v:g}; format the cell as a plain number (type the value "
                                    "you mean)")
                texts.append(str(int(v)) if isinstance(v, float) and v.is_integer()
                             and abs(v) < 1e15 else str(v))
            else:
                texts.append(str(v))
        if i == 1:
            header = texts
        else:
            rows.append(texts)
        if len(problems) > 20:
            break
    if problems:
        raise InputError("; ".join(problems[:20]), p)
    while rows and not any(t.strip() for t in rows[-1]):
        rows.pop()  # trailing empty rows of a used range
    if not header:
        raise InputError(f"the sheet {title!r} is empty; expected a header row", p)
    return header, rows, 2


def _sheet_markers(data: bytes) -> tuple[bool, bool]:
    """Whether any worksheet of the archive has merged cells, and formulas (a quick scan)."""
    merged = formulas = False
    with zipfile.ZipFile(BytesIO(data)) as zf:
        for n in zf.namelist():
            if n.startswith("xl/worksheets/") and n.endswith(".xml"):
                xml = zf.read(n)
                merged = merged or b"<mergeCell " in xml
                formulas = formulas or b"<f>" in xml or b"<f " in xml
    return merged, formulas


def _full_sheet(data: bytes, title: str, *, formulas: bool) -> Any:
    """Sheet ``title`` loaded in full (merged ranges; formulas as text when ``formulas``)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(BytesIO(data), data_only=not formulas)
    return wb[title]


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
