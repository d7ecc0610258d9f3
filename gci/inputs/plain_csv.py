"""The quick path of :func:`gci.inputs.tables.read_table` for plain CSV files.

A *plain* CSV file is what a script or a spreadsheet writes for a table of codes: UTF-8, no
quote character anywhere, every data row with exactly as many fields as the header, no
field starting with a space or a tab, no blank line, lines ending in LF (or all in CR LF).
Such a file has one reading only (each field is the bytes between two separators), so it can
be split with numpy instead of the general parser: the positions of the separators give
every field's start and length; each field's bytes become integer keys (eight bytes per
``uint64``) that are factorised column by column; only the distinct fields are decoded.

Anything else returns ``None`` and :func:`read_table` uses pandas' parser with all its checks;
this module never decides what an irregular file means. The result is exactly the table that
pandas reads with ``dtype="category"`` once :func:`gci.inputs.tables._text_categories` has
kept every cell as text: one categorical column per header field, with the sorted distinct
texts as categories (``tests/test_plain_csv.py`` compares the two on random files).

The file is read in blocks of whole lines (:data:`BLOCK_BYTES`), so the arrays of positions
and keys stay small whatever the size of the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Bytes of the file split at a time (whole lines; a longer line is one block).
BLOCK_BYTES = 1 << 21

_COMMA, _LF, _CR, _SPACE, _TAB = 44, 10, 13, 32, 9

# _MASKS[k]: the low k bytes of a little-endian uint64 (k = 0..8)
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def read_plain_csv(data: bytes, width: int, max_rows: int) -> pd.DataFrame | None:
    """The data rows of ``data`` as categorical columns ``0 .. width-1``; None if not plain.

    Parameters
    ----------
    data : bytes
        The whole file (UTF-8, already checked to decode and to hold no control character).
        Its first line is the header (skipped here; the caller has read it).
    width : int
        The number of header fields (at least 2).
    max_rows : int
        More data rows than this: None (the general parser reports the limit).

    Returns
    -------
    DataFrame or None
        None when the file is not plain (see the module docstring) or has no data row.
    """
    if width < 2 or b'"' in data:
        return None
    start = data.find(b"\n") + 1
    if start == 0 or start >= len(data):
        return None  # no data row
    header = data[:start]
    if header.count(b",") != width - 1:
        return None
    n_lf = data.count(b"\n", start)
    if not data.endswith(b"\n"):
        n_lf += 1  # the last line has no line end
    crlf = b"\r" in data
    if crlf and (data.count(b"\r") != data.count(b"\r\n")
                 or data.count(b"\r\n", start) != data.count(b"\n", start)):
        return None  # a lone CR (old Mac line ends) or mixed line ends: the general parser
    if n_lf > max_rows:
        return None
    reader = _Columns(width, n_lf)
    pos = start
    while pos < len(data):
        stop = data.rfind(b"\n", pos, pos + BLOCK_BYTES) + 1
        if stop <= pos:  # one line longer than a block
            stop = data.find(b"\n", pos + BLOCK_BYTES) + 1 or len(data)
        if not reader.add(data, pos, stop, crlf):
            return None
        pos = stop
    return reader.frame()


class _Columns:
    """The codes and distinct fields of each column, filled block by block."""

    def __init__(self, width: int, n_rows: int) -> None:
        self.width = width
        self.rows = 0
        self.codes = np.empty((width, n_rows), dtype=np.int32)
        self.seen: list[dict[bytes, int]] = [{} for _ in range(width)]
        self._block: np.ndarray | None = None

    def add(self, data: bytes, pos: int, stop: int, crlf: bool) -> bool:
        """Split the lines ``data[pos:stop]`` into the columns; False when not plain."""
        n = stop - pos
        if self._block is None or len(self._block) < n + 10:  # reused: no new pages to touch
            self._block = np.zeros(n + 10, dtype=np.uint8)  # + a line end, + 8 bytes to read
            self._is_sep = np.empty(n + 2, dtype=bool)
            self._is_lf = np.empty(n + 2, dtype=bool)
        block = self._block
        block[:n] = np.frombuffer(data, dtype=np.uint8, count=n, offset=pos)
        block[n:] = 0
        if block[n - 1] != _LF:  # the last line has no line end: add the file's kind
            if crlf:
                block[n] = _CR
                n += 1
            block[n] = _LF
            n += 1
        body = block[:n]
        is_sep, is_lf = self._is_sep[:n], self._is_lf[:n]
        np.equal(body, _COMMA, out=is_sep)
        np.equal(body, _LF, out=is_lf)
        np.logical_or(is_sep, is_lf, out=is_sep)
        seps = np.flatnonzero(is_sep)
        if n < 2 ** 31:
            seps = seps.astype(np.int32)
        lines, rest = divmod(len(seps), self.width)
        if rest:
            return False
        grid = is_lf[seps].reshape(lines, self.width)
        if not grid[:, -1].all() or grid[:, :-1].any():
            return False  # a row with more or fewer fields than the header (or a blank line)
        starts = np.empty_like(seps)
        starts[0] = 0
        np.add(seps[:-1], 1, out=starts[1:])
        lens = seps - starts
        if crlf:
            lens[self.width - 1::self.width] -= 1  # every line ends in CR LF (checked)
            if (lens < 0).any():
                return False
        firsts = block[starts]
        if ((lens > 0) & ((firsts == _SPACE) | (firsts == _TAB))).any():
            return False  # the general parser skips a field's leading spaces: let it
        words = np.ndarray(shape=(len(block) - 7,), dtype="<u8", buffer=block, strides=(1,))
        # the first eight bytes of every field, then column by column (contiguous)
        keys = (words[starts] & _MASKS[np.minimum(lens, 8)]).reshape(lines, self.width).T.copy()
        starts = starts.reshape(lines, self.width)
        lens = lens.reshape(lines, self.width)
        longest = lens.max(axis=0)
        out = self.codes[:, self.rows:self.rows + lines]
        for j in range(self.width):
            if longest[j] <= 8:
                out[j] = self._short(j, keys[j])
            else:
                out[j] = self._long(j, data, pos, words, starts[:, j], lens[:, j])
        self.rows += lines
        return True

    def _short(self, j: int, keys: np.ndarray) -> np.ndarray:
        """Codes of column ``j`` in one block whose fields are all at most eight bytes long."""
        codes, uniq = pd.factorize(keys)
        seen = self.seen[j]
        # a key is the field's bytes with zero bytes after it (no field holds a zero byte)
        texts = np.asarray(uniq, dtype="<u8").view("S8").tolist()
        lut = np.fromiter((seen.setdefault(t, len(seen)) for t in texts), dtype=np.int32,
                          count=len(texts))
        return lut[codes]

    def _long(self, j: int, data: bytes, pos: int, words: np.ndarray, starts: np.ndarray,
              lens: np.ndarray) -> np.ndarray:
        """Codes of column ``j`` in one block, eight bytes of each field at a time."""
        codes = None
        last = len(words) - 1
        for k in range(0, int(lens.max()), 8):
            key = words[np.minimum(starts + k, last)] & _MASKS[np.clip(lens - k, 0, 8)]
            word_codes, uniq = pd.factorize(key)
            if codes is None:
                codes = word_codes
            else:  # the pair (codes so far, this word) numbered again
                codes, _ = pd.factorize(codes * np.int64(len(uniq)) + word_codes)
        # factorize numbers values in order of first appearance: a code first appears where
        # the running maximum grows
        top_so_far = np.maximum.accumulate(codes)
        first = np.flatnonzero(np.concatenate(([True], top_so_far[1:] > top_so_far[:-1])))
        seen = self.seen[j]
        lut = np.empty(len(first), dtype=np.int32)
        for c, (s, ln) in enumerate(zip((starts[first] + pos).tolist(), lens[first].tolist())):
            lut[c] = seen.setdefault(data[s:s + ln], len(seen))
        return lut[codes]

    def frame(self) -> pd.DataFrame:
        """The categorical columns (categories sorted, as pandas' parser gives them)."""
        cols = {}
        for j in range(self.width):
            texts = np.array([b.decode("utf-8") for b in self.seen[j]], dtype=object)
            order = np.argsort(texts, kind="stable")
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            kind = np.int8 if len(order) < 128 else np.int16 if len(order) < 32_768 \
                else np.int32
            codes = rank.astype(kind)[self.codes[j, :self.rows]]
            cols[j] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(
                pd.Index(texts[order].tolist())))
        return pd.DataFrame(cols, copy=False)
