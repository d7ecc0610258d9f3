"""Writing results: CSV / XLSX / JSON tables and ``manifest.json``.

* Every file is written atomically (temporary file + rename); the set of files of
  :func:`write_results` is one transaction (:mod:`gci.transaction`): the folder is replaced as
  a whole, under a lock.
* Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return) are prefixed with ``'`` so they open as text; control
  characters and lone surrogates are made visible (:mod:`gci.sanitise`).
* Numbers are written at a stated precision (:func:`round_table`; ``decimals=2`` by default,
  as published; ``"full"`` keeps every digit). Only writers round: the tables of a
  :class:`~gci.result.ScoreResult` keep full precision, and ranks and tiers are computed on the
  exact values before anything is rounded. The precision is recorded in ``manifest.json``.
* Refuses to write where an input lives: an output folder that is (or is inside) a responses
  folder, or an output file that is an input file.
"""

from __future__ import annotations

import csv
import io
import json
import platform
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import GCIError, InputError, OutputError
from .fileio import atomic_write, sha256_file, write_json_atomic
from .sanitise import _CONTROL, _SURROGATE, for_cell
from .sanitise import FORMULA_START as _FORMULA_START
from .transaction import MANIFEST, write_folder

if TYPE_CHECKING:
    from .result import ScoreResult

FORMULA_START = _FORMULA_START  # re-exported; defined in gci.sanitise

#: Decimals of written scores and points by default (as the GCI reports publish them).
DEFAULT_DECIMALS = 2

#: Columns holding shares of 1 (credit, weights): written with two more decimals than scores,
#: so that a share keeps the precision of the points it gives (0.0167 of 100 = 1.67 points).
SHARE_COLUMNS = frozenset({"credit", "relative_weight", "weight_in_parent", "effective_weight"})


def parse_decimals(value: int | str | None) -> int | None:
    """Decimals from ``value``: an int 0..12, ``"full"``/``None`` (no rounding), or its text.

    Raises
    ------
    GCIError
        For anything else, saying what is expected.
    """
    if value is None or (isinstance(value, str) and value.strip().lower() == "full"):
        return None
    if isinstance(value, bool):
        raise GCIError(f"decimals {value!r}: expected a whole number 0-12 or 'full'")
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise GCIError(f"decimals {value!r}: expected a whole number 0-12 or 'full'")
        value = int(text)
    if not isinstance(value, (int, np.integer)) or not 0 <= int(value) <= 12:
        raise GCIError(f"decimals {value!r}: expected a whole number 0-12 or 'full'")
    return int(value)


def column_decimals(column: str, decimals: int | None) -> int | None:
    """Decimals used for ``column`` (shares of 1 get two more than scores); ``None``: full."""
    if decimals is None:
        return None
    return decimals + 2 if str(column) in SHARE_COLUMNS else decimals


def round_table(df: pd.DataFrame, decimals: int | None) -> pd.DataFrame:
    """A copy of ``df`` with its float columns rounded for writing (``None``: unchanged).

    Scores and points get ``decimals``; shares of 1 (:data:`SHARE_COLUMNS`) two more, rounded as
    :mod:`gci.ranking` and :mod:`gci.tiers` round (numpy: an exact tie such as 90.625 goes to the
    even digit, 90.62), so a written score is the one that was ranked and tiered. Integer,
    text and missing cells are left as they are. This is for display only: rank and tier columns
    already in ``df`` were computed on the exact values.
    """
    if decimals is None:
        return df
    out = df.copy(deep=False)  # copy-on-write: only the rounded columns are new
    for j, col in enumerate(out.columns):
        if pd.api.types.is_float_dtype(out.dtypes.iloc[j]):
            out.isetitem(j, out.iloc[:, j].round(column_decimals(col, decimals)))
    return out


def precision_record(decimals: int | None) -> dict[str, Any]:
    """The ``precision`` entry of a manifest: how the written numbers were rounded."""
    if decimals is None:
        return {"decimals": "full", "note": "numbers written at full float precision"}
    return {"decimals": decimals, "share_decimals": decimals + 2,
            "share_columns": sorted(SHARE_COLUMNS),
            "rounding": "numpy round (an exact tie goes to the even digit: 90.625 -> 90.62), "
                        "as ranks and tiers round scores before comparing them",
            "note": "written numbers rounded to these decimals for display only; ranks and "
                    "tiers were computed on the exact values"}


def neutralise(value: Any) -> Any:
    r"""A table cell made safe to write (:func:`gci.sanitise.for_cell`).

    Text a spreadsheet would read as a formula is prefixed with ``'``; control characters a
    workbook cannot hold are written visibly as ``\xNN``; lone surrogates become U+FFFD.
    """
    return for_cell(value)


def neutralise_many(values: list) -> list:
    """:func:`neutralise` of each value, quickly when (as usual) none holds a control character.

    One regular-expression pass over all the text decides; then only text starting like a
    formula changes (the same result as calling :func:`neutralise` on each value).
    """
    texts = [v for v in values if isinstance(v, str)]
    joined = "".join(texts)
    if _CONTROL.search(joined) or _SURROGATE.search(joined):
        return [neutralise(v) for v in values]
    return ["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
            for v in values]


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) are neutralised."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            if out[col].dtype == object and any(
                    not isinstance(u, str) and not _missing(u)
                    for u in pd.unique(out[col].to_numpy(dtype=object))):
                # cell by cell: factorising would merge 1, 1.0 and True into one value
                out[col] = out[col].map(neutralise)
                continue
            # each distinct value once: a table column repeats a few codes and names many times
            codes, uniques = pd.factorize(out[col], use_na_sentinel=True)
            cleaned = np.array(neutralise_many(np.asarray(uniques, dtype=object).tolist())
                               + [None], dtype=object)
            values = cleaned[codes]  # the sentinel -1 picks the trailing None (missing stays)
            out[col] = pd.Series(values, index=out.index, dtype=object).where(codes >= 0,
                                                                                out[col])
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def frame_to_csv_text(df: pd.DataFrame, decimals: int | None = None) -> str:
    """CSV text of ``df`` (neutralised, LF line ends; floats rounded by :func:`round_table`).

    ``decimals=None`` (the default here, for library callers) keeps full float precision.

    Each column is formatted once per distinct value (:func:`_csv_columns`) and the rows
    joined: byte for byte what ``safe_frame(df).to_csv(index=False)`` writes, several times
    faster for tables of millions of rows (100,000 units x 20 indicators). Frames it does not
    cover (one column, dates, categories, a MultiIndex) go through pandas.
    """
    return "".join(csv_chunks(round_table(df, decimals)))


#: Rows per piece of :func:`csv_chunks` (bounds the memory of writing a long table).
CSV_CHUNK_ROWS = 50_000


def csv_chunks(df: pd.DataFrame) -> Iterator[str]:
    """The CSV text of :func:`frame_to_csv_text` in pieces: the header, then blocks of rows."""
    cols = _csv_columns(df)
    if cols is None:
        buf = io.StringIO()
        safe_frame(df).to_csv(buf, index=False, lineterminator="\n")
        yield buf.getvalue()
        return
    yield ",".join(_csv_field(neutralise(str(c))) for c in df.columns) + "\n"
    for start in range(0, len(df), CSV_CHUNK_ROWS):
        stop = start + CSV_CHUNK_ROWS
        part = [fields[codes[start:stop]] for codes, fields in cols]  # this block's fields only
        yield "\n".join(map(",".join, zip(*part))) + "\n"


_CSV_SPECIAL = re.compile('[,"\r\n]')


def _csv_field(text: str) -> str:
    """One CSV field as :mod:`csv` writes it (minimal quoting)."""
    if text and not _CSV_SPECIAL.search(text):
        return text
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([text, ""])  # two fields: "" stays empty
    return buf.getvalue()[:-2]


def _csv_columns(df: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Each column's CSV fields as ``(codes, fields)``: row ``i`` is ``fields[codes[i]]``.

    ``fields`` holds the neutralised CSV field of each distinct value (an object array) and
    ``codes`` the smallest integer type that indexes it, so a long table costs a byte or four
    per cell until each block of rows is written, not a Python string per cell. Floats are
    formatted as pandas formats them (``ndarray.astype(str)``), other values with ``str``,
    missing values as empty fields. An object column holding non-text values is formatted
    cell by cell (factorising would merge ``1``, ``1.0`` and ``True``). None: use pandas.
    """
    if len(df.columns) < 2 or isinstance(df.columns, pd.MultiIndex):
        return None
    out = []
    for j in range(len(df.columns)):
        col = df.iloc[:, j]
        kind = col.dtype.kind
        text = col.dtype == object or pd.api.types.is_string_dtype(col)
        numeric = (isinstance(col.dtype, np.dtype) and kind in "fiub") or isinstance(
            col.dtype, pd.core.arrays.integer.IntegerDtype)  # ranks: Int64 with <NA>
        if not (text or numeric) or isinstance(col.dtype, pd.CategoricalDtype):
            return None
        # text: the object array under the column (twice as fast to factorise as a str column)
        codes, uniques = pd.factorize(col.to_numpy(dtype=object) if text else col,
                                      use_na_sentinel=True)
        uniq = np.asarray(uniques, dtype=object)
        if col.dtype == object and any(not isinstance(u, str) and not _missing(u)
                                       for u in uniq):
            cells = [("" if _missing(v) else _csv_field(str(neutralise(v))))
                     for v in col.to_numpy(dtype=object)]
            out.append((np.arange(len(cells)), np.asarray(cells, dtype=object)))
            continue
        if kind == "f" and numeric:
            shown = np.asarray(uniques).astype(str).tolist()
        elif text:
            shown = [str(u) for u in neutralise_many(uniq.tolist())]
        else:
            shown = [str(u) for u in uniq.tolist()]
        if _CSV_SPECIAL.search("".join(shown)) is None:  # all plain: each field as it is
            fields = np.asarray([*shown, ""], dtype=object)
        else:
            fields = np.asarray([_csv_field(t) for t in shown] + [""], dtype=object)
        codes[codes < 0] = len(fields) - 1  # missing: the trailing "" field
        out.append((codes.astype(np.min_scalar_type(len(fields) - 1)), fields))
    return out


def _missing(value: Any) -> bool:
    """None, NaN, NA or NaT (written as an empty field)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def write_table(df: pd.DataFrame, path: Path, decimals: int | None = None) -> None:
    """Write one table by the file's suffix (.csv, .xlsx, .json), atomically.

    ``decimals``: see :func:`round_table` (``None``: full precision).
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with atomic_write(path, "w", newline="") as fh:
            for chunk in csv_chunks(round_table(df, decimals)):  # piece by piece (long tables)
                fh.write(chunk)
    elif suffix == ".json":
        with atomic_write(path, "w") as fh:
            fh.write(safe_frame(round_table(df, decimals)).to_json(
                orient="records", indent=2, force_ascii=False))
            fh.write("\n")
    elif suffix == ".xlsx":
        write_workbook({"table": df}, path, decimals=decimals)
    else:
        raise GCIError(f"cannot write {path}: unknown format {suffix!r} (csv, xlsx, json)")


def write_workbook(sheets: dict[str, pd.DataFrame], path: Path, *,
                   decimals: int | None = None, style: dict[str, Any] | None = None) -> None:
    """Write several tables as sheets of one XLSX workbook, atomically (needs openpyxl).

    Every sheet gets a frozen header row, column widths and number formats
    (:func:`gci.workbook.style_sheets`); ``style`` adds a README sheet, tier colours and the
    pillar chart (see there). ``decimals`` rounds the stored numbers (``None``: exact values,
    shown at :data:`DEFAULT_DECIMALS` by the number formats).
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise GCIError("writing .xlsx needs openpyxl: pip install 'gci[xlsx]'") from None
    from .workbook import style_sheets

    with atomic_write(path, "wb") as fh:
        with pd.ExcelWriter(fh, engine="openpyxl") as xw:
            written: dict[str, pd.DataFrame] = {}
            for name, df in sheets.items():
                safe = safe_frame(round_table(df, decimals))
                safe.to_excel(xw, sheet_name=name[:31], index=False)
                written[name[:31]] = safe
            style_sheets(xw.book, written, decimals=decimals, style=style)


def flat_paths(items: Iterable[Any]) -> list[Path]:
    """Paths of ``items``: each a path, ``None`` (skipped) or a list of paths.

    A list comes from several ``--responses``.
    """
    out: list[Path] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, (list, tuple, set)):
            out += flat_paths(item)
        else:
            out.append(Path(item))
    return out


def refuse_input_target(path: str | Path, protect: Iterable[str | Path | None]) -> None:
    """Refuse an output ``path`` that is one of the inputs, or inside an input folder.

    Raises
    ------
    InputError
        Naming the input concerned.
    """
    target = Path(path).resolve()
    inputs = [Path(p).resolve() for p in flat_paths(protect) if Path(p).exists()]
    if target in inputs:
        raise InputError(f"refusing to overwrite the input {target}; choose another output",
                         path)
    for p in inputs:
        if p.is_dir() and p in target.parents:
            raise InputError(f"refusing to write inside the input folder {p}; choose another "
                             "output", path)


def check_not_input(folder: Path, protect: Iterable[str | Path]) -> None:
    """Refuse an output folder that is, or is inside, a protected input folder or file."""
    out = folder.resolve()
    for p in flat_paths(protect):
        p = Path(p).resolve()
        if p.is_dir() and (out == p or p in out.parents):
            raise GCIError(f"refusing to write results into {folder}: it is the input folder "
                           f"{p}; choose another --output")
        if p.is_file() and p.parent == out:
            continue  # writing beside an input is fine; exact clashes are checked per file


def write_results(result: ScoreResult, folder: str | Path = "results", fmt: str = "csv", *,
                  protect: Iterable[str | Path] | None = None,
                  command: str | None = None, break_lock: bool = False,
                  decimals: int | str | None = DEFAULT_DECIMALS) -> Written:
    """Write a result's tables and ``manifest.json`` into ``folder``, as one transaction.

    The folder is replaced as a whole (see :mod:`gci.transaction` for the guarantee, the lock
    and what happens to files gci did not write): at every instant it holds either the complete
    previous set or the complete new set.

    Parameters
    ----------
    result : ScoreResult
    folder : path
        Output folder (created if needed).
    fmt : {"csv", "xlsx", "json"}
        ``csv``: one file per table; ``xlsx``: one workbook ``results.xlsx`` with a sheet per
        table; ``json``: ``results.json`` with a list of records per table.
    protect : iterable of path
        Input files and folders that must never be written to (the responses are always
        protected).
    command : str, optional
        The command line, recorded in the manifest.
    break_lock : bool
        Break a stale lock left by a killed run (a live writer is always refused).
    decimals : int or "full"
        Decimals of the written scores and points (default 2, as published; shares of 1 get two
        more); ``"full"`` (or ``None``) writes every digit. Recorded in the manifest. The
        result's own tables are not changed.

    Returns
    -------
    Written
        Name → path of every file written (a dict), with ``kept`` and ``recovered``.

    Raises
    ------
    OutputError
        Another gci is writing the folder, or the folder cannot be written (the message names
        it and the cause); the previous contents are left intact.
    """
    if fmt not in ("csv", "xlsx", "json"):
        raise GCIError(f"unknown output format {fmt!r}; expected csv, xlsx or json")
    decimals = parse_decimals(decimals)
    folder = Path(folder)
    inputs = [*input_paths(result), *(Path(p) for p in flat_paths(protect or []))]
    check_not_input(folder, inputs)
    tables = result.tables()
    planned: dict[str, Path] = {}
    if fmt == "csv":
        planned = {name: folder / f"{name}.csv" for name in tables}
    else:
        planned = {"results": folder / f"results.{fmt}"}
    planned["manifest"] = folder / "manifest.json"
    input_files = {p.resolve() for p in inputs if p.is_file()}
    for path in planned.values():
        if path.resolve() in input_files:
            raise GCIError(f"refusing to overwrite input file {path}; choose another --output")
    out = folder.resolve()
    for p in inputs:
        if p.exists() and out in p.resolve().parents:
            raise OutputError(f"holds the input {p}; gci replaces its output folder as a whole, "
                              "so it never writes into a folder holding inputs; choose another "
                              "--output (e.g. a sibling folder such as results)", folder)
    def fill(staging: Path, staged: Callable[[str], None]) -> dict[str, str]:
        names: dict[str, str] = {}
        if fmt == "csv":
            for name, df in tables.items():
                write_table(round_table(df, decimals), staging / planned[name].name)
                names[name] = planned[name].name
                staged(names[name])
        elif fmt == "xlsx":
            write_workbook(tables, staging / planned["results"].name, decimals=decimals,
                           style=workbook_style(result, tables, command, decimals))
            names["results"] = planned["results"].name
            staged(names["results"])
        else:
            payload = {name: json.loads(safe_frame(round_table(df, decimals))
                                        .to_json(orient="records"))
                       for name, df in tables.items()}
            write_json_atomic(staging / planned["results"].name, payload)
            names["results"] = planned["results"].name
            staged(names["results"])
        outputs = {n: sha256_file(staging / n) for n in names.values()}
        write_json_atomic(staging / MANIFEST,
                          build_manifest(result, outputs, command, decimals=decimals))
        names["manifest"] = MANIFEST
        staged(MANIFEST)
        return names

    done = write_folder(folder, fill, break_lock=break_lock)
    return Written(done.files, kept=done.kept, recovered=done.recovered)


class Written(dict):
    """Name → path of every file :func:`write_results` wrote.

    ``kept`` lists the entries of the folder gci did not write (carried over); ``recovered`` is
    a note when an interrupted earlier run was repaired, else ``None``.
    """

    def __init__(self, files: dict[str, Path], *, kept: list[str] | None = None,
                 recovered: str | None = None):
        super().__init__(files)
        self.kept = list(kept or [])
        self.recovered = recovered


def input_paths(result: ScoreResult) -> list[Path]:
    """Every input file (and named responses folder) of a run, for the guards above."""
    out = []
    for key, entry in result.inputs.items():
        entries = entry if isinstance(entry, list) else [entry]
        out += [Path(e["path"]) for e in entries]
        if key == "responses" and "responses_given" not in result.inputs:
            # origin unknown (a Responses object): protect the folders the files are in
            out += list({Path(e["path"]).parent for e in entries})
    return out


def workbook_style(result: ScoreResult, tables: dict[str, pd.DataFrame], command: str | None,
                   decimals: int | None) -> dict[str, Any]:
    """The ``style`` of :func:`write_workbook` for a run's tables (README, tiers, pillar chart)."""
    from .plots.colors import pillar_colors, tier_colors

    scheme = getattr(result, "tier_scheme", None)
    return {"manifest": build_manifest(result, {}, command, decimals=decimals),
            "pillars": pillar_colors(result.framework),
            "pillar_names": {p.code: p.name for p in result.framework.pillars},
            "tiers": tier_colors(scheme) if scheme is not None else {},
            "scale": result.scale}


def build_manifest(result: ScoreResult, outputs: dict[str, str], command: str | None, *,
                   decimals: int | None | str = "unset") -> dict:
    """The manifest of a run: enough to trace and reproduce it.

    ``decimals`` (of the written tables) adds a ``precision`` entry (:func:`precision_record`).
    """
    out = {
        "gci_version": result.version,
        "command": command,
        "framework": {"code": result.framework.code, "version": result.framework.version,
                      "questions": len(result.framework.questions)},
        "options": _jsonable(result.options),
        "inputs": result.inputs,
        "outputs": outputs,
        "counts": _jsonable(result.summary()),
        "steps": _jsonable(result.log),
        "environment": {"python": platform.python_version(), "numpy": np.__version__,
                        "pandas": pd.__version__, "platform": sys.platform},
    }
    if decimals != "unset":
        out["precision"] = precision_record(decimals)  # type: ignore[arg-type]
    return out


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    return obj
