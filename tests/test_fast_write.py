"""The fast CSV writer and the fast result tables against pandas, byte for byte.

``gci.present.tables.csv_blocks`` assembles rows from fixed-width byte tables (or joins them
as text), codes float columns by their bits, writes long columns of distinct text row by row
and rounds while coding; ``ScoreResult.scores`` is sorted with one ``np.lexsort``. Each is
checked here against the plain pandas way — ``safe_frame(round_table(df, d)).to_csv()`` and
``sort_values`` — on random tables holding the awkward cases (missing values, ``-0.0`` beside
``0.0``, 1e-17, long floats, infinities, float32, nullable integers, text with commas,
quotes, line breaks, formula starts, control characters and non-ASCII letters, categoricals,
columns of distinct text), so that one wrong byte fails a test.
"""

from __future__ import annotations

import hashlib
import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gci
from gci.engine.result import score_order
from gci.inputs.countries import country_name
from gci.inputs.framework import NodeRecord, framework_from_records
from gci.inputs.responses import Responses
from gci.inputs.weights import equal_weights
from gci.present import tables
from gci.present.precision import round_table, round_values
from gci.present.tables import csv_blocks, frame_to_csv_text, safe_frame, write_table

TEXTS = np.array(["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "=1+1", "-3", "@x",
                  "+", "\tlead", " lead", "", "bell\x07", "nul\x00in", "é ü", "日本", "'q'",
                  "x" * 40, "U0001", "Côte d'Ivoire", "-", "a\r\nb"], dtype=object)
FLOATS = np.array([0.0, -0.0, 1e-17, -1e-17, 1 / 3, 2 / 3, 0.125, 0.005, 0.015, 2.675,
                   90.625, 1e16, 2.5e16, 123456789.123456789, -4.5, 1e-5, 5e-324, 1e300,
                   np.nan, np.inf, -np.inf, 100.0, 7.0, 0.1, 0.30000000000000004])


def pandas_csv(df: pd.DataFrame, decimals: int | None = None) -> str:
    """What gci writes, the plain way: round, neutralise, let pandas write."""
    buf = io.StringIO()
    safe_frame(round_table(df, decimals)).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def random_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """A table with one column of every kind the writer codes its own way."""
    distinct = np.array([f"U{i:07d}" for i in range(n)], dtype=object)
    if n:
        distinct[rng.integers(0, n, max(1, n // 50))] = None  # a few missing
        distinct[rng.integers(0, n, max(1, n // 50))] = "=formula, quoted"
        distinct[rng.integers(0, n, max(1, n // 50))] = "Åland"
    return pd.DataFrame({
        "iso3": distinct,  # mostly distinct text: written row by row when long
        "name": pd.array(TEXTS[rng.integers(0, len(TEXTS), n)], dtype="str"),
        "credit": rng.choice(FLOATS, n),  # a share: two more decimals
        "points": rng.random(n) * 20 * rng.choice([1, -1, 0], n),
        "long": rng.random(n) / 7,
        "tiny": rng.choice([1e-17, -1e-17, 0.0, -0.0, np.nan], n),
        "f32": rng.random(n).astype(np.float32),
        "i": rng.integers(-5, 5, n),
        "b": rng.random(n) < 0.5,
        "rank": pd.array(rng.choice([1, 2, 30, None], n), dtype="Int64"),
        "cat": pd.Categorical(TEXTS[rng.integers(0, len(TEXTS), n)]),
        "mixed": np.array([1, 1.0, True, "yes", None, 2.5, "=x"], dtype=object)[
            rng.integers(0, 7, n)],
        "empty": "",
        "a,b": rng.choice(["u", "v"], n),
    })


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("decimals", [None, 0, 2, 4])
def test_random_tables_byte_for_byte_as_pandas(seed: int, decimals: int | None) -> None:
    rng = np.random.default_rng(seed)
    df = random_frame(rng, [0, 1, 7, 300, 5000, 9000][seed])
    expected = pandas_csv(df, decimals)
    assert frame_to_csv_text(df, decimals) == expected
    assert b"".join(csv_blocks(df, decimals)) == expected.encode("utf-8")
    # the long columns alone: rows assembled from byte tables (nothing here needs joining)
    plain = df[["iso3", "credit", "points", "i"]]
    assert frame_to_csv_text(plain, decimals) == pandas_csv(plain, decimals)


def test_signed_zero_and_tiny_values_kept_apart() -> None:
    """-0.0 and 0.0 are different text ("-0.0", "0.0"): a hash table of floats merges them
    (the first one seen was written for both before); 1e-17 rounds to 0.0, -1e-17 to -0.0."""
    df = pd.DataFrame({"a": [0.0, -0.0, 1e-17, -1e-17, np.nan, -0.0], "b": "x"})
    assert frame_to_csv_text(df) == pandas_csv(df) == (
        "a,b\n0.0,x\n-0.0,x\n1e-17,x\n-1e-17,x\n,x\n-0.0,x\n")
    assert frame_to_csv_text(df, 2) == pandas_csv(df, 2) == (
        "a,b\n0.0,x\n-0.0,x\n0.0,x\n-0.0,x\n,x\n-0.0,x\n")


@pytest.mark.parametrize("rows", [1, 3, 1000])
@pytest.mark.parametrize("block_bytes", [1, 64, 1 << 22])
def test_blocks_of_any_size_give_the_same_bytes(monkeypatch, rows: int, block_bytes: int
                                                ) -> None:
    df = random_frame(np.random.default_rng(11), 5000)
    expected = pandas_csv(df, 2)
    monkeypatch.setattr(tables, "CSV_CHUNK_ROWS", rows)
    monkeypatch.setattr(tables, "CSV_BLOCK_BYTES", block_bytes)
    assert frame_to_csv_text(df, 2) == expected


@pytest.mark.parametrize("seed", range(3))
def test_rows_joined_as_text_when_padding_would_cost_more(seed: int) -> None:
    """One field far wider than the rest, or a NUL in a field: the text join, same bytes."""
    rng = np.random.default_rng(seed)
    n = 400
    short = rng.choice(["a", "bb", "ccc"], n).astype(object)
    short[int(rng.integers(0, n))] = "w" * 5000
    df = pd.DataFrame({"k": short, "v": rng.random(n)})
    cols = tables._merge_columns(tables._csv_columns(df))
    assert tables._pack_columns(cols) is None  # padded to 5000 bytes a row: joined instead
    assert frame_to_csv_text(df) == pandas_csv(df)
    fields = np.asarray(["x", "nul\x00", ""], dtype=object)
    assert tables._pack_columns([(np.array([0, 1, 2], dtype=np.uint8), fields)]) is None
    assert tables._pack_columns([(np.array([0, 1], dtype=np.uint8), fields[[0, 2]])]) \
        is not None


def test_fixed_and_padded_rows_by_hand() -> None:
    """Rows of one width go out as they are; shorter fields lose their padding."""
    df = pd.DataFrame({"k": ["AA", "BB", "CC"], "v": ["1", "22", ""]})
    cols = tables._csv_columns(df)
    packed = tables._pack_columns(cols)
    assert packed is not None and not packed[2]  # "1" and "" are padded to "22"'s width
    assert b"".join(tables._row_bytes(packed, 3)) == b"AA,1\nBB,22\nCC,\n"
    fixed = tables._pack_columns(tables._csv_columns(df[["k", "k"]].set_axis(["a", "b"],
                                                                             axis=1)))
    assert fixed is not None and fixed[2]
    assert b"".join(tables._row_bytes(fixed, 3)) == b"AA,AA\nBB,BB\nCC,CC\n"


@pytest.mark.filterwarnings("error::RuntimeWarning")  # huge values round without overflow
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64),
                       min_size=2, max_size=40),
       texts=st.lists(st.text(max_size=6), min_size=2, max_size=40),
       decimals=st.sampled_from([None, 0, 1, 2, 4, 12]))
def test_any_floats_and_text_as_pandas(values: list[float], texts: list[str],
                                       decimals: int | None) -> None:
    n = min(len(values), len(texts))
    df = pd.DataFrame({"t": np.asarray(texts[:n], dtype=object), "credit": values[:n],
                       "x": values[:n][::-1]})
    assert frame_to_csv_text(df, decimals) == pandas_csv(df, decimals)


def test_write_table_returns_the_hash_of_what_it_wrote(tmp_path) -> None:
    df = random_frame(np.random.default_rng(5), 600)
    for suffix in ("csv", "json"):
        path = tmp_path / f"t.{suffix}"
        digest = write_table(df, path, 2)
        assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (tmp_path / "t.csv").read_bytes() == pandas_csv(df, 2).encode("utf-8")


def _framework() -> gci.Framework:
    recs = [NodeRecord("P1", None, {"name": "a"}), NodeRecord("P2", None, {"name": "b"}),
            NodeRecord("I1", "P1", {"name": "=one, \"quoted\""}),
            NodeRecord("I2", "P2", {"name": "two"})]
    recs += [NodeRecord(f"Q{q}", ["I1", "I1", "I1", "I2", "I2", "I2", "I2"][q],
                        {"name": "q", "type": "binary"}) for q in range(7)]
    return framework_from_records(recs, {}, {"framework": "fw"})


def _result(n: int, seed: int, missing: str = "exclude") -> gci.ScoreResult:
    rng = np.random.default_rng(seed)
    fw = _framework()
    known = ["FRA", "DEU", "KEN", "CIV", "BRA", "JPN", "USA", "IND"]  # names sort otherwise
    cols = {"iso3": known + [f"U{i:05d}" for i in range(n - len(known))]}
    for q in fw.question_codes:
        cols[q] = np.array(["yes", "no", ""], dtype=object)[rng.integers(0, 3, n)]
    return gci.score(Responses.from_wide(pd.DataFrame(cols), check_countries=False), fw,
                     equal_weights(), check_countries=False, missing=missing)


def _reference_scores(r: gci.ScoreResult) -> pd.DataFrame:
    """ScoreResult.scores as it was built before (joins and sort_values)."""
    out = pd.DataFrame(index=pd.Index(r.countries, name="iso3"))
    out["name"] = [country_name(c) for c in r.countries]
    out["overall"] = r.overall
    out = out.join(r.pillars)
    ranks = r.ranks
    if "tier" in ranks:
        ranks = ranks[["tier", *[c for c in ranks.columns if c != "tier"]]]
    out = out.join(ranks)
    out["missing_answers"] = r.matrix.missing_counts
    out["not_applicable"] = r.matrix.not_applicable_counts
    return out.sort_values(["overall", "name"], ascending=[False, True], na_position="last")


@pytest.mark.parametrize("seed", range(3))
def test_scores_table_as_before(seed: int) -> None:
    """The scores table built from arrays = the joined and sorted one (values, dtypes, order;
    ties in score, scores missing, tiers)."""
    r = _result(3000, seed)
    assert r.scores["overall"].duplicated().any()  # ties ordered by name
    pd.testing.assert_frame_equal(r.scores, _reference_scores(r), check_exact=True)
    r2 = _result(50, seed, missing="zero")
    pd.testing.assert_frame_equal(r2.scores, _reference_scores(r2), check_exact=True)


@pytest.mark.parametrize("seed", range(5))
def test_score_order_is_sort_values(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 500
    overall = rng.choice([10.0, 20.5, 0.0, -0.0, np.nan, 99.99], n)
    names = list(rng.choice(["b", "a", "Åland", "a b", "Z", "é", "B"], n))
    df = pd.DataFrame({"overall": overall, "name": names})
    ref = df.sort_values(["overall", "name"], ascending=[False, True], na_position="last")
    np.testing.assert_array_equal(score_order(overall, names), ref.index.to_numpy())


def test_score_order_by_hand() -> None:
    order = score_order(np.array([5.0, np.nan, 7.0, 5.0, 5.0]), ["c", "a", "z", "a", "c"])
    assert order.tolist() == [2, 3, 0, 4, 1]  # 7; 5 by name (a, c, c as given); missing


def test_written_results_as_pandas_writes_them_and_hashed_in_the_manifest(tmp_path) -> None:
    """A whole run written: every CSV is pandas' CSV of the result's table, and the manifest's
    hashes are those of the files on disk."""
    r = _result(600, 1)
    for dec in (2, "full"):
        out = tmp_path / f"out{dec}"
        r.write(out, decimals=dec)
        d = None if dec == "full" else dec
        for name, df in r.tables().items():
            assert (out / f"{name}.csv").read_bytes() == pandas_csv(df, d).encode(), name
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["outputs"] == {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in out.iterdir() if p.suffix == ".csv"}


@pytest.mark.parametrize("background", [False, True])
def test_write_hashed_writes_every_block_in_order(background: bool) -> None:
    blocks = [bytes([i % 251]) * (i * 37 % 1000) for i in range(200)]
    fh = io.BytesIO()
    digest = tables.write_hashed(fh, iter(blocks), background=background)
    assert fh.getvalue() == b"".join(blocks)
    assert digest == hashlib.sha256(b"".join(blocks)).hexdigest()


class _FullDisk(io.BytesIO):
    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, data) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self.room:
            raise OSError(28, "No space left on device")
        return super().write(data)


def test_write_hashed_raises_the_writer_thread_error_and_stops_making_blocks() -> None:
    made = []

    def blocks():
        for i in range(10_000):
            made.append(i)
            yield b"x" * 1000

    with pytest.raises(OSError, match="No space left"):
        tables.write_hashed(_FullDisk(5_000), blocks(), background=True)
    assert len(made) < 10_000  # the maker stopped soon after the writer failed


def test_interrupt_while_making_blocks_stops_the_writer_thread() -> None:
    def blocks():
        yield b"a" * 10
        raise KeyboardInterrupt

    fh = io.BytesIO()
    with pytest.raises(KeyboardInterrupt):
        tables.write_hashed(fh, blocks(), background=True)
    assert fh.getvalue() == b"a" * 10
    import threading

    assert not [t for t in threading.enumerate() if t.name == "gci-write"]


def test_long_table_written_in_the_background_as_pandas(tmp_path, monkeypatch) -> None:
    """Over CSV_CHUNK_ROWS rows the blocks are written by the second thread: same bytes, and
    a failing disk is reported naming the file (gci.fileio.atomic_write), leaving nothing."""
    df = random_frame(np.random.default_rng(9), 3000)
    monkeypatch.setattr(tables, "CSV_CHUNK_ROWS", 100)
    path = tmp_path / "t.csv"
    digest = write_table(df, path, 2)
    assert path.read_bytes() == pandas_csv(df, 2).encode("utf-8")
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    real = tables.write_hashed

    def full_disk(fh, blocks, *, background=False):
        assert background
        return real(_FullDisk(2_000), blocks, background=True)

    monkeypatch.setattr(tables, "write_hashed", full_disk)
    with pytest.raises(OSError, match="No space left") as err:
        write_table(df, tmp_path / "u.csv", 2)
    assert err.value.filename == str(tmp_path / "u.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_frame_made_from_one_2d_array_as_pandas() -> None:
    """Columns that are strided views of one block (a frame made from a 2-D array)."""
    a = np.random.default_rng(4).random((300, 4)) * 40 - 20
    a[3, 1], a[4, 1], a[5, 2], a[6, 3] = -0.0, np.nan, 1e-17, -1e-17
    df = pd.DataFrame(a, columns=["overall", "credit", "c", "d"])
    for decimals in (None, 2):
        assert frame_to_csv_text(df, decimals) == pandas_csv(df, decimals)


def test_huge_values_written_not_turned_into_infinity(tmp_path) -> None:
    """np.round(1e300, 12) is inf: huge floats are whole numbers and are kept as they are."""
    values = np.array([1e300, -1.7976931348623157e308, 2.0 ** 53 + 2, 0.125, 2.675, np.nan,
                       np.inf])
    out = round_values(values, 12)
    assert out[:3].tolist() == values[:3].tolist()
    assert out[3] == 0.125 and np.isnan(out[5]) and out[6] == np.inf
    assert round_values(values, 2)[3] == 0.12  # numpy's rounding: the tie to the even digit
    df = pd.DataFrame({"iso3": ["A", "B"], "credit": [1e300, 0.5], "x": [-1e308, 1.0]})
    write_table(df, tmp_path / "t.csv", 2)
    assert (tmp_path / "t.csv").read_text() == "iso3,credit,x\nA,1e+300,-1e+308\nB,0.5,1.0\n"
