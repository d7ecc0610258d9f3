"""The numpy split of plain CSV files (gci.inputs.plain_csv) against pandas' parser.

On random plain files (short and long fields, multi-byte characters, numbers written as text,
empty fields, LF or CR LF line ends, with or without a final line end or a BOM, blocks
smaller than a line) the quick path must give the table pandas' parser gives; on every kind
of file that is not plain it must step aside (None), so that pandas and gci's checks read it;
and responses read through it must score and report problems exactly as when read by pandas.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from frameworks import THREE_TYPES
from hypothesis import given, settings
from hypothesis import strategies as st

import gci
from gci.inputs import plain_csv, tables
from gci.inputs.plain_csv import read_plain_csv

# cells of plain files: no quote, comma, line break, control character, or leading space/tab
CELLS = ["", "yes", "no", "in_place", "partial", "not applicable here", "007", "7", "1.0",
         "True", "-2", "3.5e1", "Côte d'Ivoire", "日本語のテキスト", "a b", "x ", "12345678",
         "123456789", "abcdefghijklmnopq", "é" * 9, "=1+1", "U0000001"]


def pandas_table(data: bytes, width: int) -> pd.DataFrame:
    """What read_table reads with pandas' parser (categorical, cells kept as text)."""
    return tables._parse_csv(BytesIO(data), data, Path("t.csv"), width, True, False)


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: df[c].astype(object) for c in df.columns})


def build(rows: list[list[str]], width: int, crlf: bool, final_eol: bool, bom: bool) -> bytes:
    eol = "\r\n" if crlf else "\n"
    lines = [",".join(f"h{j}" for j in range(width))] + [",".join(r) for r in rows]
    text = eol.join(lines) + (eol if final_eol else "")
    return ("\ufeff" if bom else "").encode() + text.encode()


@st.composite
def plain_files(draw):
    width = draw(st.integers(2, 6))
    n = draw(st.integers(1, 40))
    cell = st.sampled_from(CELLS)
    rows = [[draw(cell) for _ in range(width)] for _ in range(n)]
    return rows, width, draw(st.booleans()), draw(st.booleans()), draw(st.booleans()), \
        draw(st.sampled_from([8, 64, 1 << 21]))


@settings(max_examples=150, deadline=None)
@given(plain_files())
def test_plain_file_read_as_pandas_reads_it(case) -> None:
    rows, width, crlf, final_eol, bom, block = case
    data = build(rows, width, crlf, final_eol, bom)
    with mock.patch.object(plain_csv, "BLOCK_BYTES", block):  # blocks shorter than a line too
        fast = read_plain_csv(data, width, 10_000)
    assert fast is not None
    assert list(fast.columns) == list(range(width))
    assert len(fast) == len(rows)
    # every cell as written, whatever it looks like ("007" stays "007", "True" stays text)
    assert [list(r) for r in as_text(fast).itertuples(index=False)] == rows
    pd.testing.assert_frame_equal(as_text(fast), as_text(pandas_table(data, width)))
    for j in range(width):  # categories: the distinct texts, sorted, as pandas gives them
        cats = list(fast[j].cat.categories)
        assert cats == sorted({r[j] for r in rows})


def test_large_table_identical_to_pandas_categoricals() -> None:
    rng = np.random.default_rng(3)
    n, width = 5_000, 12
    pool = np.array(["yes", "no", "partial", "in_place", "", "not applicable"], dtype=object)
    rows = [[f"U{i:07d}"] + list(pool[rng.integers(0, len(pool), width - 1)]) for i in range(n)]
    data = build(rows, width, False, True, False)
    with mock.patch.object(plain_csv, "BLOCK_BYTES", 4096):
        fast = read_plain_csv(data, width, 10_000)
    pd.testing.assert_frame_equal(fast, pandas_table(data, width))  # dtypes and codes too


@pytest.mark.parametrize("data", [
    b'a,b\n"x",y\n',            # a quote anywhere: quoting rules are the parser's
    b'a,b\nx, y\n',             # a leading space (the parser skips it)
    b'a,b\nx,\ty\n',            # a leading tab
    b'a,b\nx\n',                # a short row
    b'a,b\nx,y,z\n',            # a long row
    b'a,b\nx,y\n\nz,w\n',       # a blank line
    b'a,b\nx,y\n\n',            # a blank line at the end
    b'a,b\rx,y\r',              # old Mac line ends
    b'a,b\r\nx,y\nz,w\r\n',     # mixed line ends
    b'a,b\nx,y\rz\n',           # a lone CR inside a field
    b'a,b\n',                   # no data row
    b'a,b',                     # header only, no line end
])
def test_not_plain_steps_aside(data: bytes) -> None:
    assert read_plain_csv(data, 2, 10_000) is None


def test_one_column_and_row_limit_step_aside() -> None:
    assert read_plain_csv(b"a\nx\n", 1, 10) is None
    data = b"a,b\n" + b"x,y\n" * 11
    assert read_plain_csv(data, 2, 10) is None  # the parser reports the limit
    assert len(read_plain_csv(data, 2, 11)) == 11


def test_header_not_counted_as_a_row_and_line_named_by_read_table(tmp_path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes(b"iso3,Q1\nKEN,yes\nTZA,no\n")
    df = tables.read_table(p, categorical=True)
    assert list(df.columns) == ["iso3", "Q1"]
    assert df["iso3"].tolist() == ["KEN", "TZA"]
    assert isinstance(df["Q1"].dtype, pd.CategoricalDtype)


# THREE_TYPES (P1: binary Q1, scale Q2, numeric Q3) and a second pillar: a numeric question on
# a range and a binary one that applies only when Q1 is yes
FRAMEWORK = THREE_TYPES + """\
  - code: P2
    name: P2
    children:
      - code: I2
        name: I2
        children:
          - {code: Q4, name: q4, type: numeric, range: [0, 100], goalposts: [0, 50]}
          - {code: Q5, name: q5, type: binary, applies_if: "Q1 == yes"}
"""


@pytest.mark.parametrize("seed", range(6))
def test_responses_read_plain_score_as_read_by_pandas(seed: int, tmp_path) -> None:
    """The same answers written plain and fully quoted (which pandas parses): same result."""
    rng = np.random.default_rng(seed)
    bad = seed % 2 == 0  # even seeds: bad cells and a unit twice (problems compared)
    pools = {"Q1": ["yes", "no", "", "Yes"], "Q2": ["in_place", "partial", "none", ""],
             "Q3": ["0", "7", "10", "3.5", "", "007"], "Q4": ["50", "25", "1e1", "", "100"],
             "Q5": ["yes", "no", ""]}
    if bad:
        for q, extra in (("Q1", "maybe"), ("Q3", "lots"), ("Q4", "-1")):
            pools[q].append(extra)
    n = int(rng.integers(5, 80))
    rows = [[f"U{i:03d}"] + [pools[q][k] for q, k in
                             ((q, int(rng.integers(0, len(pools[q])))) for q in pools)]
            for i in range(n)]
    if bad:
        rows[int(rng.integers(1, n))][0] = "U000"  # a unit twice: an error naming both rows
    header = ["iso3", *pools]
    plain = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    quoted = "\n".join(",".join(f'"{c}"' for c in r) for r in [header, *rows]) + "\n"
    fw_path = tmp_path / "fw.yaml"
    fw_path.write_text(FRAMEWORK)
    fw = gci.load_framework(fw_path)
    out = {}
    for name, text in (("plain", plain), ("quoted", quoted)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "answers.csv").write_text(text)
        assert (read_plain_csv(text.encode(), len(header), 1000) is None) == (name == "quoted")
        out[name] = _outcome(folder / "answers.csv", fw)
    assert out["plain"] == out["quoted"]
    if bad:  # the unit written twice is refused, with its rows
        assert out["plain"][0] == "problems"
        assert any(p[1] == "duplicate_country" for p in out["plain"][1])
    else:
        assert out["plain"][0] == "scores"


def _outcome(path: Path, fw: gci.Framework) -> tuple:
    """The scores and indicators written, or every problem (file named without its folder)."""
    def strip(p: gci.Problem) -> tuple:
        return (p.severity, p.kind, Path(p.file).name if p.file else None, p.line, p.country,
                p.item, p.message.replace(str(path.parent), "<folder>"))
    try:
        resp = gci.load_responses(path, check_countries=False)
        r = gci.score(resp, fw, gci.weights.equal_weights(), tiers=None,
                      check_countries=False)
    except gci.ValidationError as exc:
        return ("problems", [strip(p) for p in exc.problems])
    return ("scores", [strip(p) for p in r.matrix.problems], r.scores.to_csv(),
            r.indicators.to_csv())


@pytest.mark.parametrize("data", [b"", b" \r\n\t \x0b\x0c\n"])
def test_blank_file_refused_as_empty(data: bytes, tmp_path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes(data)
    with pytest.raises(gci.errors.InputError, match="the file is empty"):
        tables.read_table(p, categorical=True)
