"""Writing tables: one table as CSV, XLSX or JSON, or several as one workbook.

Numbers at a stated precision (:mod:`gci.present.precision`), text cells neutralised
(no formula injection), every file written atomically, and never over an input.
"""

from __future__ import annotations

import csv
import hashlib
import io
import queue
import re
import threading
from collections.abc import Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from ..errors import GCIError, InputError
from ..fileio import atomic_write, sha256_file
from ..sanitise import _CONTROL, _SURROGATE, for_cell
from ..sanitise import FORMULA_START as _FORMULA_START
from .precision import column_decimals, round_table, round_values

FORMULA_START = _FORMULA_START  # re-exported; defined in gci.sanitise


def neutralise(value: Any) -> Any:
    r"""A table cell made safe to write (:func:`gci.sanitise.for_cell`).

    Text a spreadsheet would read as a formula is prefixed with ``'``; control characters a
    workbook cannot hold are written visibly as ``\xNN``; lone surrogates become U+FFFD.
    """
    return for_cell(value)


# the characters a formula starts with (each prefix of FORMULA_START is one character)
_FORMULA_CHAR = re.compile("[" + re.escape("".join(FORMULA_START)) + "]") if all(
    len(c) == 1 for c in FORMULA_START) else None


def neutralise_many(values: list) -> list:
    """:func:`neutralise` of each value, quickly when (as usual) none holds a control character.

    One regular-expression pass over all the text decides; then only text starting like a
    formula changes (the same result as calling :func:`neutralise` on each value).
    """
    if _FORMULA_CHAR is not None and set(map(type, values)) == {str}:  # all text (usual)
        joined = "".join(values)
        if _CONTROL.search(joined) or _SURROGATE.search(joined):
            return [neutralise(v) for v in values]
        out = list(values)
        hits = [m.start() for m in _FORMULA_CHAR.finditer(joined)]
        if hits:  # the values starting at one of these positions
            lens = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
            starts = np.cumsum(lens) - lens
            for i in np.nonzero(np.isin(starts, hits) & (lens > 0))[0].tolist():
                out[i] = "'" + out[i]
        return out
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
    assembled from those pieces (:func:`csv_blocks`): byte for byte what
    ``safe_frame(round_table(df, decimals)).to_csv(index=False)`` writes, many times faster for
    tables of millions of rows (100,000 units x 20 indicators). Frames it does not cover (one
    column, dates, categories of numbers, a MultiIndex) go through pandas.
    """
    return b"".join(csv_blocks(df, decimals)).decode("utf-8")


#: Rows per piece of :func:`csv_blocks` (bounds the memory of writing a long table).
CSV_CHUNK_ROWS = 50_000
#: Largest piece of :func:`csv_blocks` assembled at once, in bytes (rows padded to the widest).
CSV_BLOCK_BYTES = 1 << 22


def csv_chunks(df: pd.DataFrame, decimals: int | None = None) -> Iterator[str]:
    """The CSV text of :func:`frame_to_csv_text` in pieces: the header, then blocks of rows."""
    for block in csv_blocks(df, decimals):
        yield block.decode("utf-8")


def csv_blocks(df: pd.DataFrame, decimals: int | None = None) -> Iterator[bytes]:
    """The CSV of :func:`frame_to_csv_text` as UTF-8 bytes in pieces: the header, then rows.

    ``decimals`` rounds the float columns as :func:`round_table` does (``None``: every digit),
    each as it is coded (no rounded copy of the whole table).

    Rows are assembled without a Python string per row (:func:`_row_bytes`): each column's
    fields are a table of fixed-width byte strings (shorter ones padded with NUL bytes, which
    no field holds), a block of rows is one array whose columns are filled by ``take`` from
    those tables, and the padding is dropped in one pass. Where the padding would cost more
    than the text (one field much wider than the others) or a field holds a NUL, rows are
    joined as text instead (:func:`_joined_rows`); both give the same bytes.
    """
    cols = _csv_columns(df, decimals)
    if cols is None:
        buf = io.StringIO()
        safe_frame(round_table(df, decimals)).to_csv(buf, index=False, lineterminator="\n")
        yield buf.getvalue().encode("utf-8")
        return
    yield (",".join(_csv_field(neutralise(str(c))) for c in df.columns) + "\n").encode("utf-8")
    if not len(df):
        return
    cols = _merge_columns(cols)
    packed = _pack_columns(cols)
    if packed is None:
        yield from _joined_rows(cols, len(df))
        return
    yield from _row_bytes(packed, len(df))


def _joined_rows(cols: list[tuple[np.ndarray, np.ndarray]], n_rows: int) -> Iterator[bytes]:
    """Blocks of rows joined as text: ``",".join`` of each row's fields (the general way)."""
    for start in range(0, n_rows, CSV_CHUNK_ROWS):
        stop = start + CSV_CHUNK_ROWS
        part = [fields[codes[start:stop]] for codes, fields in cols]  # this block's fields only
        yield ("\n".join(map(",".join, zip(*part))) + "\n").encode("utf-8")


def _pack_columns(cols: list[tuple[np.ndarray, np.ndarray]]
                  ) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.dtype, bool] | None:
    r"""Each column's fields as a fixed-width byte table, and the row layout; None: join rows.

    Returns ``(columns, row dtype, fixed)``: ``columns`` holds ``(codes, table)`` with
    ``table`` an ``S<width>`` array of the UTF-8 fields (NUL-padded); the row dtype lays out
    ``field, ",", field, …, "\n"``; ``fixed`` says that every field of every column has its
    column's full width (no padding to drop). None when a field holds a NUL byte or padding
    would more than double the bytes assembled.
    """
    n_rows = len(cols[0][0])
    packed, layout, fixed, text_bytes = [], [], True, 0
    for j, (codes, fields) in enumerate(cols):
        table, lengths = _byte_table(fields.tolist())
        if table is None:
            return None
        width = table.dtype.itemsize
        if (lengths[:-1] == width).all() and (
                lengths[-1] == width or not (codes == len(fields) - 1).any()):
            text_bytes += n_rows * width  # every field in use of one width (the last one of
        else:                             # coded columns is "", for missing cells)
            counts = np.bincount(codes, minlength=len(fields))  # rows per field
            fixed = fixed and bool((lengths[counts > 0] == width).all())  # fields in use
            text_bytes += int(counts @ lengths)
        packed.append((codes, table))
        layout += [(f"f{j}", table.dtype), (f"s{j}", "S1")]
    if not fixed and n_rows * (sum(t.dtype.itemsize for _, t in packed)) > 2 * text_bytes + (
            64 * n_rows):
        return None
    return packed, np.dtype(layout), fixed


def _byte_table(texts: list[str]) -> tuple[np.ndarray | None, np.ndarray]:
    """``texts`` as an ``S<width>`` array of UTF-8 bytes (NUL-padded), and each one's length.

    ``(None, lengths)`` when a text holds a NUL (padding could not be told from it).
    """
    joined = "".join(texts)
    if "\x00" in joined:
        return None, np.zeros(0, dtype=np.int64)
    data = joined.encode("utf-8")
    if len(data) == len(joined):  # ASCII (usual): a character is a byte
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    else:
        lengths = np.fromiter((len(t.encode("utf-8")) for t in texts), dtype=np.int64,
                              count=len(texts))
    width = max(int(lengths.max(initial=0)), 1)  # S0 is no type: empty texts are padded
    if len(data) == width * len(texts):  # all of one width: no padding at all
        return np.frombuffer(data, dtype=f"S{width}"), lengths
    table = np.zeros((len(texts), width), dtype=np.uint8)
    table[np.arange(width) < lengths[:, None]] = np.frombuffer(data, dtype=np.uint8)
    return table.view(f"S{width}").reshape(len(texts)), lengths


def _row_bytes(packed: tuple[list[tuple[np.ndarray, np.ndarray]], np.dtype, bool],
               n_rows: int) -> Iterator[bytes]:
    """Blocks of rows assembled from the byte tables of :func:`_pack_columns`."""
    cols, row, fixed = packed
    step = max(1, min(CSV_CHUNK_ROWS, CSV_BLOCK_BYTES // row.itemsize))
    last = f"s{len(cols) - 1}"
    for start in range(0, n_rows, step):
        stop = min(start + step, n_rows)
        block = np.empty(stop - start, dtype=row)
        for j, (codes, table) in enumerate(cols):
            np.take(table, codes[start:stop], out=block[f"f{j}"], mode="clip")
            block[f"s{j}"] = b","
        block[last] = b"\n"
        raw = block.view(np.uint8).tobytes()
        yield raw if fixed else raw.translate(None, b"\x00")  # padding dropped


#: Largest number of distinct field pairs for which two neighbouring columns are written as one.
MERGE_FIELDS = 1 << 16


def _merge_columns(cols: list[tuple[np.ndarray, np.ndarray]]
                   ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Neighbouring columns with few distinct fields joined into one (the same bytes).

    Two columns of ``m`` and ``n`` distinct fields become one of ``m * n`` fields ``"a,b"``
    (while ``m * n`` is at most :data:`MERGE_FIELDS` and a sixteenth of the rows), indexed by
    ``code_a * n + code_b``: a long table whose columns repeat a few values (pillar,
    indicator, name, level) is then assembled from fewer pieces per row.
    """
    out = [cols[0]]
    limit = min(MERGE_FIELDS, max(64, len(cols[0][0]) // 16))  # fields made: few per row
    for codes, fields in cols[1:]:
        pcodes, pfields = out[-1]
        m, n = len(pfields), len(fields)
        if m * n > limit:
            out.append((codes, fields))
            continue
        kind = np.min_scalar_type(m * n - 1)
        merged = pcodes.astype(kind) * kind.type(n) + codes.astype(kind)
        out[-1] = (merged, np.asarray([a + "," + b for a in pfields.tolist()
                                       for b in fields.tolist()], dtype=object))
    return out


_CSV_SPECIAL = re.compile('[,"\r\n]')


def _csv_field(text: str) -> str:
    """One CSV field as :mod:`csv` writes it (minimal quoting)."""
    if text and not _CSV_SPECIAL.search(text):
        return text
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([text, ""])  # two fields: "" stays empty
    return buf.getvalue()[:-2]


def _float_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` of float64 ``values``: ``values[i]`` is ``uniques[codes[i]]``.

    Missing values get code -1. Values are told apart by their bits, so ``-0.0`` (written
    ``-0.0``) and ``0.0`` stay apart, as pandas writes them (a hash table of floats merges
    them); hashing the bits as integers is also faster.
    """
    missing = np.isnan(values)
    bits = values.view(np.int64)
    some_missing = bool(missing.any())
    if some_missing:
        bits = np.where(missing, np.int64(0), bits)  # any value: these rows get -1 below
    codes, uniq_bits = pd.factorize(bits)
    if some_missing:
        codes[missing] = -1
    return codes, np.asarray(uniq_bits, dtype=np.int64).view(np.float64)


def _csv_columns(df: pd.DataFrame, decimals: int | None = None
                 ) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Each column's CSV fields as ``(codes, fields)``: row ``i`` is ``fields[codes[i]]``.

    ``fields`` holds the neutralised CSV field of each distinct value (an object array) and
    ``codes`` the smallest integer type that indexes it, so a long table costs a byte or four
    per cell until each block of rows is written, not a Python string per cell. Floats are
    rounded as :func:`round_table` rounds them with ``decimals`` (``None``: unchanged) and
    formatted as pandas formats them (``ndarray.astype(str)``), other values with ``str``,
    missing values as empty fields. An object column holding non-text values is formatted
    cell by cell (factorising would merge ``1``, ``1.0`` and ``True``). A categorical
    column of text categories gives its own codes (nothing to factorise). None: use pandas.
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
        if isinstance(col.dtype, pd.CategoricalDtype):
            cats = col.cat.categories
            if not (cats.dtype == object or pd.api.types.is_string_dtype(cats)) or not all(
                    map(isinstance, cats.tolist(), repeat(str))):
                return None
            text, numeric = True, False
            codes = col.cat.codes.to_numpy()  # -1: missing (not changed in place below)
            uniq = uniques = np.asarray(cats, dtype=object)
        elif not (text or numeric):
            return None
        elif kind == "f" and numeric:
            places = column_decimals(df.columns[j], decimals)
            if col.dtype == np.float64:
                values = col.to_numpy()
                if places is not None:
                    values = round_values(values, places)  # as round_table rounds
                codes, uniques = _float_codes(values)
            else:  # float32: rounded and coded by pandas
                codes, uniques = pd.factorize(col if places is None else pd.Series(
                    round_values(col.to_numpy(), places), dtype=col.dtype),
                                              use_na_sentinel=True)
            uniq = uniques
        elif text and _mostly_distinct(values := col.to_numpy(dtype=object)):
            # a value per row (codes, names): each row its own field, nothing to factorise
            codes = np.arange(len(values), dtype=np.int64)
            uniq = uniques = values
            if set(map(type, values.tolist())) - {str}:  # some missing (or not text)
                missing = pd.isna(values)
                codes[missing] = -1
                uniq = uniques = np.where(missing, "", values)
        else:
            # text: the object array under the column (twice as fast to factorise as a str
            # column)
            codes, uniques = pd.factorize(col.to_numpy(dtype=object) if text else col,
                                          use_na_sentinel=True)
            uniq = np.asarray(uniques, dtype=object)
        if col.dtype == object and set(map(type, uniq.tolist())) - {str} and any(
                not _missing(u) for u in uniq.tolist() if not isinstance(u, str)):
            cells = [("" if _missing(v) else _csv_field(str(neutralise(v))))
                     for v in col.to_numpy(dtype=object)]
            out.append((np.arange(len(cells)), np.asarray(cells, dtype=object)))
            continue
        if kind == "f" and numeric:
            shown = np.asarray(uniques).astype(str).tolist()
        elif text:
            shown = neutralise_many(uniq.tolist())
            if set(map(type, shown)) - {str}:
                shown = [str(u) for u in shown]
        else:
            shown = [str(u) for u in uniq.tolist()]
        if _CSV_SPECIAL.search("".join(shown)) is None:  # all plain: each field as it is
            fields = np.asarray([*shown, ""], dtype=object)
        else:
            fields = np.asarray([_csv_field(t) for t in shown] + [""], dtype=object)
        small = np.min_scalar_type(len(fields) - 1)
        missing = codes < 0
        if missing.any():  # missing: the trailing "" field
            codes = np.where(missing, len(fields) - 1, codes).astype(small)
        out.append((codes.astype(small, copy=False), fields))
    return out


#: Rows of a text column sampled to see whether its values are mostly distinct.
DISTINCT_SAMPLE = 1000


def _mostly_distinct(values: np.ndarray) -> bool:
    """Whether a long text column holds (nearly) a different value in every row.

    Judged on :data:`DISTINCT_SAMPLE` rows spread over the column: nine in ten distinct. Such a
    column is written row by row (factorising it would hash every value to find no repeats);
    either way gives the same text.
    """
    if len(values) <= 4 * DISTINCT_SAMPLE:
        return False
    sample = values[:: len(values) // DISTINCT_SAMPLE].tolist()
    try:
        return len(set(sample)) > 0.9 * len(sample)
    except TypeError:  # unhashable cells: the general way
        return False


def _missing(value: Any) -> bool:
    """None, NaN, NA or NaT (written as an empty field)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def write_table(df: pd.DataFrame, path: Path, decimals: int | None = None) -> str:
    """Write one table by the file's suffix (.csv, .xlsx, .json), atomically.

    ``decimals``: see :func:`round_table` (``None``: full precision).

    Returns
    -------
    str
        The sha256 (hex) of the bytes written, hashed as they are written (a manifest needs
        no second read of a long table).
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with atomic_write(path, "wb") as fh:
            return write_hashed(fh, csv_blocks(df, decimals),
                                background=len(df) > CSV_CHUNK_ROWS)  # piece by piece
    if suffix == ".json":
        with atomic_write(path, "w") as fh:
            fh.write(safe_frame(round_table(df, decimals)).to_json(
                orient="records", indent=2, force_ascii=False))
            fh.write("\n")
        return sha256_file(path)
    if suffix == ".xlsx":
        write_workbook({"table": df}, path, decimals=decimals)
        return sha256_file(path)
    raise GCIError(f"cannot write {path}: unknown format {suffix!r} (csv, xlsx, json)")


def write_hashed(fh: IO[bytes], blocks: Iterable[bytes], *, background: bool = False) -> str:
    """Write ``blocks`` to ``fh`` and return the sha256 (hex) of all of them.

    ``background=True``: the writing and hashing (which release the GIL) run in a second
    thread while the next blocks are made, at most :data:`WRITE_AHEAD` blocks behind. An error
    of either thread (a full disk, an interrupt) stops both and is raised here; the caller's
    :func:`gci.fileio.atomic_write` then removes the partial file as usual.
    """
    digest = hashlib.sha256()
    if not background:
        for block in blocks:
            fh.write(block)
            digest.update(block)
        return digest.hexdigest()
    pending: queue.Queue = queue.Queue(maxsize=WRITE_AHEAD)
    failed: list[BaseException] = []

    def drain() -> None:
        try:
            while (block := pending.get()) is not None:
                fh.write(block)
                digest.update(block)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            failed.append(exc)
            while pending.get() is not None:  # keep taking, so the maker never waits
                pass

    worker = threading.Thread(target=drain, name="gci-write", daemon=True)
    worker.start()
    try:
        for block in blocks:
            if failed:
                break
            pending.put(block)
    finally:
        pending.put(None)
        worker.join()
    if failed:
        raise failed[0]
    return digest.hexdigest()


#: Blocks made ahead of the writing thread of :func:`write_hashed` (bounds the memory held).
WRITE_AHEAD = 4


def write_workbook(sheets: dict[str, pd.DataFrame], path: Path, *,
                   decimals: int | None = None, style: dict[str, Any] | None = None) -> None:
    """Write several tables as sheets of one XLSX workbook, atomically (needs openpyxl).

    Every sheet gets a frozen header row, column widths and number formats
    (:func:`gci.present.sheets.write_sheets`); ``style`` adds a README sheet, tier colours and the
    pillar chart (see there). ``decimals`` rounds the stored numbers (``None``: exact values,
    shown at :data:`DEFAULT_DECIMALS` by the number formats).
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise GCIError("writing .xlsx needs openpyxl: pip install 'gci[xlsx]'") from None
    from .sheets import write_sheets

    written = {name[:31]: safe_frame(round_table(df, decimals)) for name, df in sheets.items()}
    with atomic_write(path, "wb") as fh:
        write_sheets(written, fh, decimals=decimals, style=style)


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
