"""Wide tables held column-wise (gci.inputs.responses.WideAnswers) against a plain reference.

The reference builds the long table cell by cell in Python (row by row, column by column,
blank cells skipped, answers normalised) and validates it through the long-table path of
build_matrix; the fast path must give the same countries, credit (to 1e-12), states, raw
answers, evidence and problems (same messages, files, rows, in the same order), and the same
scores, on random frameworks with binary, scale and numeric questions, conditions, bad cells,
missing cells, unknown question columns and no evidence column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gci
from gci.inputs.framework import NodeRecord, Scale, framework_from_records, normalise_answer
from gci.inputs.responses import COLUMNS, Responses, WideAnswers, build_matrix
from gci.inputs.weights import equal_weights

POOL = {
    "binary": ["yes", "no", " Yes", "NO ", "maybe", "", None, "  ", "y"],
    "scale": ["in_place", "partial", "none", "Partial ", "half", "", None, "yes"],
    "numeric": ["12", "0", "99.5", "150", "3,5", "-2", "", None, "lots", 42.0, "7"],
}


def random_framework(rng: np.random.Generator, nq: int) -> gci.Framework:
    recs = [NodeRecord("P1", None, {"name": "p1"}), NodeRecord("P2", None, {"name": "p2"}),
            NodeRecord("P1I1", "P1", {"name": "i1"}), NodeRecord("P2I1", "P2", {"name": "i2"}),
            NodeRecord("P2I2", "P2", {"name": "i3"})]
    types = []
    for q in range(nq):
        t = str(rng.choice(["binary", "scale", "numeric"]))
        fields: dict = {"name": f"q{q}", "type": t}
        if t == "scale":
            fields["scale"] = "impl"
        if t == "numeric":
            fields["range"] = [0, 100]
            if rng.random() < 0.5:
                fields["goalposts"] = [0, 50]
            else:
                fields["normalise"] = "minmax"
        if rng.random() < 0.3:
            fields["evidence_required"] = True
        earlier = [k for k in range(q) if types[k] != "numeric" or rng.random() < 0.5]
        if earlier and rng.random() < 0.35:
            k = int(rng.choice(earlier))
            fields["applies_if"] = {"binary": f"Q{k:02d} == yes", "scale": f"Q{k:02d} != none",
                                    "numeric": f"Q{k:02d} >= 10"}[types[k]]
        types.append(t)
        recs.append(NodeRecord(f"Q{q:02d}", ["P1I1", "P2I1", "P2I2"][q % 3], fields))
    scales = {"impl": Scale("impl", {"in_place": 1.0, "partial": 0.5, "none": 0.0})}
    return framework_from_records(recs, scales, {"framework": "random"})


def random_wide(rng: np.random.Generator, fw: gci.Framework, n: int) -> pd.DataFrame:
    cols: dict = {"iso3": [f"U{i:04d}" for i in range(n)],
                  "X1": [["no", ""][i] for i in rng.integers(0, 2, n)]}  # unknown question
    if n > 3:
        cols["iso3"][2] = " "  # a row without a unit: named, never scored
    for q in fw.question_codes:
        pool = POOL[fw.nodes[q].type]
        cols[q] = [pool[i] for i in rng.integers(0, len(pool), n)]
    cols["Q9x"] = [["yes", "", None][i] for i in rng.integers(0, 3, n)]  # unknown question
    cols["name"] = "info column"  # ignored
    return pd.DataFrame(cols)


def reference_long(df: pd.DataFrame, name: str = "<table>") -> pd.DataFrame:
    """The long table cell by cell (the straightforward way)."""
    qcols = [c for c in df.columns if c not in ("iso3", "name")]
    rows = []
    for i, row in enumerate(df.itertuples(index=False)):
        rec = row._asdict()
        country = str(rec["iso3"])
        iso = country.strip() or None
        for q in qcols:
            a = rec[q]
            if a is None or (isinstance(a, float) and np.isnan(a)) or str(a).strip() == "":
                continue
            rows.append((iso, country, q, normalise_answer(a), None, "questionnaire", name,
                         i + 2))
    return pd.DataFrame(rows, columns=COLUMNS)


def fields(p: gci.Problem) -> tuple:
    return (p.severity, p.kind, p.file, p.line, p.country, p.item, p.message)


def assert_same(fast: gci.AnswerMatrix, ref: gci.AnswerMatrix) -> None:
    assert fast.countries == ref.countries
    np.testing.assert_allclose(fast.credit, ref.credit, rtol=0, atol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(fast.state, ref.state)
    pd.testing.assert_frame_equal(fast.raw, ref.raw)
    pd.testing.assert_frame_equal(fast.evidence, ref.evidence)
    assert [fields(p) for p in fast.problems] == [fields(p) for p in ref.problems]


@pytest.mark.parametrize("seed", range(12))
def test_fast_path_equals_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    fw = random_framework(rng, int(rng.integers(3, 14)))
    df = random_wide(rng, fw, int(rng.integers(1, 60)))
    if seed % 3 == 0 and len(df) > 3:  # every row a unit, rows sorted: columns taken whole
        df.loc[2, "iso3"] = "U0002"
    elif seed % 3 == 1:  # rows in any order: each country's row looked up
        df = df.sample(frac=1, random_state=seed).reset_index(drop=True)
    fast = Responses.from_wide(df, check_countries=False)
    assert isinstance(fast.wide, WideAnswers)
    ref = Responses(reference_long(df), ["<table>"], list(fast.problems), fast.members)
    assert ref.wide is None
    for missing in ("zero", "exclude"):
        assert_same(build_matrix(fast, fw, missing), build_matrix(ref, fw, missing))
    # the long table built on demand is the reference one
    pd.testing.assert_frame_equal(fast.table, ref.table, check_dtype=False)
    assert len(fast) == len(ref.table)


@pytest.mark.parametrize("seed", range(4))
def test_scores_equal_reference(seed: int) -> None:
    """Valid answers only: the scores of the fast path and the reference to 1e-12."""
    rng = np.random.default_rng(100 + seed)
    fw = random_framework(rng, 10)
    n = 40
    cols = {"iso3": [f"U{i:03d}" for i in range(n)]}
    for q in fw.question_codes:
        pool = {"binary": ["yes", "no", ""], "scale": ["in_place", "partial", "none", None],
                "numeric": ["12", "0", "99.5", "7", ""]}[fw.nodes[q].type]
        cols[q] = [pool[i] for i in rng.integers(0, len(pool), n)]
    df = pd.DataFrame(cols)
    fast = Responses.from_wide(df, check_countries=False)
    ref = Responses(reference_long(df), ["<table>"], [], fast.members)
    w = equal_weights()
    for missing in ("zero", "exclude"):
        a = gci.score(fast, fw, w, tiers=None, check_countries=False, missing=missing)
        b = gci.score(ref, fw, w, tiers=None, check_countries=False, missing=missing)
        np.testing.assert_allclose(a.overall.to_numpy(), b.overall.to_numpy(), rtol=0,
                                   atol=1e-12, equal_nan=True)
        np.testing.assert_allclose(a.pillars.to_numpy(), b.pillars.to_numpy(), rtol=0,
                                   atol=1e-12, equal_nan=True)
        assert np.isfinite(a.overall.to_numpy()).all()


def test_csv_file_kept_columnwise_with_rows_named(tmp_path) -> None:
    rng = np.random.default_rng(7)
    fw = random_framework(rng, 8)
    df = random_wide(rng, fw, 30)
    df.loc[2, "iso3"] = "U0002"  # load_responses stops at a row without a unit
    path = tmp_path / "answers.csv"
    df.to_csv(path, index=False)
    fast = gci.load_responses(path, check_countries=False)
    assert fast.wide is not None and fast.__dict__.get("_table") is None
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    ref = Responses(reference_long(text, str(path)), [str(path)], list(fast.problems),
                    fast.members)
    assert_same(build_matrix(fast, fw), build_matrix(ref, fw))
    # every bad cell is named by its row (line of the file) and question
    bad = [p for p in build_matrix(fast, fw).problems if p.kind == "bad_answer"]
    for p in bad:
        cell = text.loc[p.line - 2, p.item]
        assert normalise_answer(cell) in p.message


def test_hand_worked_example() -> None:
    """Credit worked out by hand: Q2 applies only if Q1 == yes; Q3 scale; blank = missing."""
    recs = [NodeRecord("P", None, {"name": "p"}), NodeRecord("PI", "P", {"name": "i"}),
            NodeRecord("Q1", "PI", {"name": "a", "type": "binary"}),
            NodeRecord("Q2", "PI", {"name": "b", "type": "binary", "applies_if": "Q1 == yes"}),
            NodeRecord("Q3", "PI", {"name": "c", "type": "scale", "scale": "s"})]
    fw = framework_from_records(recs, {"s": Scale("s", {"full": 1.0, "half": 0.5,
                                                         "nil": 0.0})}, {"framework": "t"})
    df = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "Q1": ["yes", "no", ""],
                       "Q2": ["no", "yes", "yes"], "Q3": ["half", "Full", "bogus"]})
    m = build_matrix(Responses.from_wide(df, check_countries=False), fw)
    np.testing.assert_array_equal(m.state, [[0, 0, 0], [0, 2, 0], [1, 2, 1]])
    np.testing.assert_allclose(m.credit, [[1, 0, 0.5], [0, np.nan, 1], [np.nan] * 3])
    kinds = [(p.kind, p.line, p.country, p.item) for p in m.problems]
    assert ("bad_answer", 4, "CCC", "Q3") in kinds
    assert ("answer_not_applicable", 3, "BBB", "Q2") in kinds
    assert ("answer_not_applicable", 4, "CCC", "Q2") in kinds
    msg = next(p.message for p in m.problems if p.kind == "bad_answer")
    assert msg.startswith("answer 'bogus' is not allowed for scale question Q3")


def test_country_twice_still_an_error() -> None:
    df = pd.DataFrame({"iso3": ["AAA", "AAA"], "Q1": ["yes", "no"]})
    resp = Responses.from_wide(df, check_countries=False)
    assert resp.wide is None  # a country twice: the long table's duplicate checks
    kinds = {p.kind for p in resp.problems}
    assert "duplicate_country" in kinds


def test_table_assigned_by_hand_replaces_wide() -> None:
    df = pd.DataFrame({"iso3": ["AAA"], "Q1": ["yes"]})
    resp = Responses.from_wide(df, check_countries=False)
    resp.table = resp.table.assign(answer="no")
    assert resp.wide is None and list(resp.table["answer"]) == ["no"]


def test_csv_text_byte_for_byte_as_pandas(monkeypatch) -> None:
    """frame_to_csv_text (per distinct value) writes what safe_frame(df).to_csv writes."""
    import io

    from gci.present.tables import frame_to_csv_text, safe_frame

    rng = np.random.default_rng(3)
    texts = np.array(["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "=1+1", "-3",
                      "@x", " lead", "", "tab\tin", "bell\x07", "é ü", "'quoted'", "+",
                      "x" * 30], dtype=object)
    n = 300
    df = pd.DataFrame({
        "text": texts[rng.integers(0, len(texts), n)],
        "str": pd.array(texts[rng.integers(0, len(texts), n)], dtype="str"),
        "f": rng.choice([0.1, 1 / 3, 1e-7, 2.5e16, -0.0, np.nan, 100.0, 7.0], n),
        "f32": rng.random(n).astype(np.float32),
        "i": rng.integers(-5, 5, n),
        "b": rng.random(n) < 0.5,
        "rank": pd.array(rng.choice([1, 2, 30, None], n), dtype="Int64"),
        "mixed": np.array([1, 1.0, True, "yes", None, 2.5, "=x"], dtype=object)[
            rng.integers(0, 7, n)],
        "none": np.array(["a", None, np.nan, "b"], dtype=object)[rng.integers(0, 4, n)],
        "a,b": "header with a comma",
        # categoricals: written from their codes; categories neutralised like text
        "cat": pd.Categorical(texts[rng.integers(0, len(texts), n)]),
        "cat_na": pd.Categorical(np.array(["=c", "d", None], dtype=object)[
            rng.integers(0, 3, n)]),
        "small": rng.choice(["u", "v"], n),  # low-cardinality neighbours: joined when written
        "small2": rng.choice(["w,x", "y"], n),
    })
    buf = io.StringIO()
    safe_frame(df).to_csv(buf, index=False, lineterminator="\n")
    got = frame_to_csv_text(df)
    assert got == buf.getvalue()
    monkeypatch.setattr("gci.present.tables.CSV_CHUNK_ROWS", 7)  # rows written in pieces: same text
    assert frame_to_csv_text(df) == got
    for limit in (0, 4, 10**9):  # columns joined never, sometimes, always: same text
        monkeypatch.setattr("gci.present.tables.MERGE_FIELDS", limit)
        assert frame_to_csv_text(df) == got
    assert "'=1+1" in got and "bell\\x07" in got  # neutralised, not dropped
    assert ",'=c," in got  # a category that looks like a formula is neutralised too
    empty = df.iloc[:0]
    buf = io.StringIO()
    safe_frame(empty).to_csv(buf, index=False, lineterminator="\n")
    assert frame_to_csv_text(empty) == buf.getvalue()


def _random_tree(rng: np.random.Generator) -> gci.Framework:
    """2 pillars, 2-5 indicators, 3-60 questions spread at random (up to ~30 per indicator)."""
    n_ind = int(rng.integers(2, 6))
    recs = [NodeRecord("P1", None, {"name": "a"}), NodeRecord("P2", None, {"name": "b"})]
    recs += [NodeRecord(f"I{i}", f"P{1 + i % 2}", {"name": f"i{i}"}) for i in range(n_ind)]
    owners = np.r_[np.arange(n_ind), rng.integers(0, n_ind, 60)]  # each has a child
    recs += [NodeRecord(f"Q{q:03d}", f"I{int(o)}", {"name": "q", "type": "binary"})
             for q, o in enumerate(owners[:int(rng.integers(max(3, n_ind), 61))])]
    return framework_from_records(recs, {}, {"framework": "tree"})


def _random_inputs(rng: np.random.Generator, nc: int) -> tuple:
    """A random tree and ``nc`` countries' credit (3 in 10 zero), availability, node weights
    and dropped aggregates (1 in 10)."""
    from gci.engine.aggregate import Structure

    fw = _random_tree(rng)
    st = Structure.of(fw)
    nq = len(fw.question_codes)
    credit = rng.random((nc, nq))
    credit[rng.random((nc, nq)) < 0.3] = 0.0
    avail = rng.random((nc, nq)) < 0.8
    w = rng.random(st.n_nodes) * 3
    drop = rng.random((nc, st.n_nodes)) < 0.1
    return fw, st, credit, avail, w, drop


@pytest.mark.parametrize("seed", range(8))
def test_node_major_aggregation_equals_block_path(seed: int) -> None:
    """One table is aggregated node by node; a batch of one goes through the block path.

    Same values, availability and shares to 1e-12 for every method mix, with and without
    dropped aggregates (coverage), on random trees whose parents have 1 to ~20 children.
    """
    from gci.engine.aggregate import aggregate

    fw, st, credit, avail, w, drop = _random_inputs(np.random.default_rng(seed), 300)
    avail[:5] = False  # countries with nothing available
    for agg in ("arithmetic", "geometric_shifted", {"pillar": "geometric"}, "power_2"):
        for dr in (None, drop):
            fast = aggregate(st, credit, avail, w, agg, drop=dr)
            block = aggregate(st, credit[None], avail[None], w, agg,
                              drop=None if dr is None else dr[None])
            np.testing.assert_array_equal(fast[1], block[1][0])
            for x, y in ((fast[0], block[0][0]), (fast[2], block[2][0])):
                np.testing.assert_allclose(x, y, rtol=0, atol=1e-12, equal_nan=True)
            assert np.isfinite(fast[0][:, 0][fast[1][:, 0]]).all()


def test_node_major_aggregation_by_hand() -> None:
    """P1 = I1 (Q1, Q2, Q3), P2 = I2 (Q4); equal weights; Q2 unavailable for the first unit."""
    from gci.engine.aggregate import Structure, aggregate

    recs = [NodeRecord("P1", None, {"name": "a"}), NodeRecord("P2", None, {"name": "b"}),
            NodeRecord("I1", "P1", {"name": "i"}), NodeRecord("I2", "P2", {"name": "j"})]
    recs += [NodeRecord(f"Q{q}", "I1" if q < 4 else "I2", {"name": "q", "type": "binary"})
             for q in range(1, 5)]
    st = Structure.of(framework_from_records(recs, {}, {"framework": "hand"}))
    value, avail, share = aggregate(st, np.array([[1.0, 0.0, 0.5, 0.2], [0, 0, 0, 0]]),
                                    np.array([[True, False, True, True], [False] * 4]),
                                    np.ones(st.n_nodes))
    col = {c: i for i, c in enumerate(st.codes)}
    # I1 = (1 + 0.5) / 2, P2 = I2 = 0.2, overall = (0.75 + 0.2) / 2
    assert value[0, col["I1"]] == 0.75 and value[0, col["P2"]] == 0.2
    assert value[0, 0] == pytest.approx(0.475, abs=1e-15)
    assert share[0, col["Q1"]] == 0.25 and share[0, col["Q2"]] == 0.0
    assert share[0, col["Q4"]] == 0.5
    assert not avail[1].any() and np.isnan(value[1]).all()  # nothing available: no score


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_clean_csv_skips_cell_check_but_bad_cells_still_refused(tmp_path, encoding) -> None:
    """A file without control bytes skips the per-column check; one with them is refused."""
    from gci.inputs.tables import _clean_utf8, read_table

    good = tmp_path / "good.csv"
    good.write_text("iso3,Q1,Q2\nAAA,oui é,no\nBBB,yes,\n", encoding=encoding)
    df = read_table(good)
    assert list(df["Q1"]) == ["oui é", "yes"]
    assert _clean_utf8("é ü \t\r\n ,\"".encode()) and not _clean_utf8(b"a\x1fb")
    bad = tmp_path / "bad.csv"
    bad.write_text("iso3,Q1,Q2\nAAA,yes,no\nBBB,é\x07,no\n", encoding=encoding)
    with pytest.raises(gci.InputError, match=r"row 3, column 'Q1': a control character U\+0007"):
        read_table(bad)


def _reference_indicators(r: gci.ScoreResult) -> pd.DataFrame:
    """The indicators table the straightforward way (stack, per-row lookups)."""
    fw = r.framework
    codes = [c for c, n in fw.nodes.items() if not n.is_question and n.depth >= 2]
    cred = r.credit(codes).stack(future_stack=True).rename("credit")
    pts = r.points(codes).stack(future_stack=True).rename("points")
    out = pd.concat([cred, pts], axis=1).reset_index()
    out.columns = ["iso3", "indicator", "credit", "points"]
    out.insert(1, "pillar", [fw.pillar_of(c) for c in out["indicator"]])
    out.insert(3, "name", [fw.nodes[c].name for c in out["indicator"]])
    out.insert(4, "level", [fw.nodes[c].kind for c in out["indicator"]])
    out["max_points"] = out["indicator"].map(r.effective_weights["max_points"])
    return out


@pytest.mark.parametrize("n_units", [1_000, 10_000])
def test_indicators_and_their_csv_equal_reference(n_units: int, tmp_path) -> None:
    """indicators built from the matrices = the stacked reference; indicators.csv (written
    from codes, columns joined) is byte for byte pandas' CSV of the reference, at 2 decimals
    and at full precision; sub-indicators and missing answers (NaN points) included."""
    import io

    from gci.present.precision import round_table
    from gci.present.tables import safe_frame

    rng = np.random.default_rng(n_units)
    recs = [NodeRecord("P1", None, {"name": "a"}), NodeRecord("P2", None, {"name": "b"}),
            NodeRecord("I1", "P1", {"name": "=same, name"}),  # neutralised and quoted
            NodeRecord("I2", "P1", {"name": "=same, name"}),  # a name twice
            NodeRecord("I3", "P2", {"name": "with sub-indicators"}),
            NodeRecord("S1", "I3", {"name": "sub 1"}), NodeRecord("S2", "I3", {"name": "s2"})]
    owners = ["I1", "I1", "I1", "I2", "S1", "S1", "S2"]  # I2 and S2: one question each
    recs += [NodeRecord(f"Q{q}", o, {"name": "q", "type": "binary"})
             for q, o in enumerate(owners)]
    fw = framework_from_records(recs, {}, {"framework": "tree"})
    cols = {"iso3": [f"U{i:05d}" for i in range(n_units)]}
    for q in fw.question_codes:
        cols[q] = np.array(["yes", "no", ""], dtype=object)[rng.integers(0, 3, n_units)]
    resp = Responses.from_wide(pd.DataFrame(cols), check_countries=False)
    r = gci.score(resp, fw, equal_weights(), tiers=None, check_countries=False,
                  missing="exclude")
    ref = _reference_indicators(r)
    got = r.indicators
    pd.testing.assert_frame_equal(got, ref, check_exact=True)
    assert got["points"].isna().any() and len(got) == n_units * 5
    assert set(got["level"]) == {"indicator", "sub_indicator"}
    coded = r.indicator_table(coded=True)
    assert isinstance(coded["iso3"].dtype, pd.CategoricalDtype)
    text = ["iso3", "pillar", "indicator", "name", "level"]
    pd.testing.assert_frame_equal(coded.astype({c: str for c in text}), ref, check_exact=True)
    for dec in (2, "full"):
        r.write(tmp_path / f"out{dec}", decimals=dec)
        buf = io.StringIO()
        safe_frame(round_table(ref, None if dec == "full" else dec)).to_csv(
            buf, index=False, lineterminator="\n")
        assert (tmp_path / f"out{dec}" / "indicators.csv").read_bytes() == \
            buf.getvalue().encode()


def test_many_units_without_region_one_warning_with_count_and_examples() -> None:
    """Over UNGROUPED_EACH units without an ITU region: one warning naming the count and the
    first units, instead of one per unit; up to it, one per unit (test_run_membership)."""
    from gci.engine.scoring import UNGROUPED_EACH

    n = UNGROUPED_EACH + 1
    df = pd.DataFrame({"iso3": [f"U{i:04d}" for i in range(n)] + ["FRA"], "Q1": "yes"})
    recs = [NodeRecord("P", None, {"name": "p"}), NodeRecord("PI", "P", {"name": "i"}),
            NodeRecord("Q1", "PI", {"name": "a", "type": "binary"})]
    fw = framework_from_records(recs, {}, {"framework": "t"})
    r = gci.score(Responses.from_wide(df, check_countries=False), fw, equal_weights(),
                  tiers=None, check_countries=False)
    (w,) = [p for p in r.matrix.problems if p.kind == "ungrouped_country"]
    assert w.severity == "warning" and w.country is None
    assert w.message.startswith(f"{n} units have no ITU region (U0000, U0001, U0002, U0003, "
                                "U0004, …)")
    assert r.ranks["regional_rank"].isna().sum() == n  # FRA alone has a region and a rank
    assert r.ranks.loc["FRA", "regional_rank"] == 1


@pytest.mark.parametrize("seed", range(3))
def test_categorical_columns_read_like_text(seed: int) -> None:
    """A wide table whose answer columns are categoricals (as a clean CSV file is read, or as
    a user may hold it, with missing cells) gives the same matrix as its text columns."""
    rng = np.random.default_rng(50 + seed)
    fw = random_framework(rng, 9)
    df = random_wide(rng, fw, 60)
    df["iso3"] = df["iso3"].where(df["iso3"].str.strip() != "", "U9999")
    as_cat = df.copy()
    for q in fw.question_codes:
        if all(isinstance(v, str) for v in df[q].dropna()):
            as_cat[q] = pd.Categorical(df[q])  # a missing cell: code -1
    assert any(isinstance(as_cat[q].dtype, pd.CategoricalDtype) and as_cat[q].isna().any()
               for q in fw.question_codes)
    assert_same(build_matrix(Responses.from_wide(as_cat, check_countries=False), fw),
                build_matrix(Responses.from_wide(df, check_countries=False), fw))


@pytest.mark.parametrize("seed", range(5))
def test_neutralise_many_equals_one_by_one(seed: int) -> None:
    """neutralise_many (formula starts found in one pass over the joined text) = neutralise
    of each value: formula characters at the start, inside and at the end of values, empty
    values, values made only of a formula character, control characters, non-text values."""
    from gci.present.tables import neutralise, neutralise_many

    rng = np.random.default_rng(seed)
    pieces = ["a", "=", "+", "-", "@", "\t", "\r", "", "x y", "é", "1", "'"]
    texts = ["".join(rng.choice(pieces, int(rng.integers(0, 4)))) for _ in range(300)]
    for values in (texts, [*texts, "bell\x07"], [*texts, 1, None, 2.5, True]):
        assert neutralise_many(list(values)) == [neutralise(v) for v in values]
    assert neutralise_many(["-1", "a-b", "", "=", "b"]) == ["'-1", "a-b", "", "'=", "b"]


def test_categorical_read_keeps_text_as_written(tmp_path) -> None:
    """pandas turns a categorical column's categories into numbers or booleans when all look
    so ("007" -> 7, "1" and "1.0" merged): read_table(categorical=True) reads such columns
    again as text, so every cell is exactly the text of the plain read."""
    from gci.inputs.tables import read_table

    path = tmp_path / "wide.csv"
    path.write_text("iso3,Q1,Q2,Q3,Q4\nFRA,007,True,yes,1\nDEU,1.50,False,no,1.0\n"
                    "ITA,0,true,,1\n", encoding="utf-8")
    cat = read_table(path, categorical=True)
    plain = read_table(path)
    assert isinstance(cat["Q3"].dtype, pd.CategoricalDtype)  # text categories: kept coded
    assert cat.astype(object).equals(plain.astype(object))
    assert list(cat["Q1"].astype(object)) == ["007", "1.50", "0"]
    assert list(cat["Q4"].astype(object)) == ["1", "1.0", "1"]
    resp = gci.load_responses(path, check_countries=False)
    assert resp.to_wide().loc["FRA", "Q1"] == "007" and resp.to_wide().loc["DEU", "Q4"] == "1.0"


def _reference_aggregate(st, credit, avail, w, agg, drop):
    """The batched (block) path on a batch of one: the reference of the single-table path."""
    from gci.engine.aggregate import aggregate

    out = aggregate(st, credit[None], avail[None], w, agg,
                    drop=None if drop is None else drop[None])
    return tuple(x[0] for x in out)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # sums of the largest floats overflow
@pytest.mark.parametrize("seed", range(6))
def test_aggregate_states_is_question_inputs_then_aggregate(seed: int) -> None:
    """aggregate_states (question rows made from the matrix's credit and states) gives, bit
    for bit, aggregate(question_inputs(...)): zero and exclude, missing and not-applicable
    answers, answered credit that is NaN or infinite (a normalised numeric question: counted
    as nan_to_num does), zero weights, dropped aggregates, several methods; and both agree
    with the batched path to 1e-12."""
    from gci.engine.aggregate import Structure, aggregate, aggregate_states
    from gci.engine.scoring import question_inputs
    from gci.inputs.responses import AnswerMatrix

    rng = np.random.default_rng(200 + seed)
    fw = _random_tree(rng)
    st = Structure.of(fw)
    nc, nq = int(rng.integers(1, 400)), len(fw.question_codes)
    state = rng.choice(np.array([0, 1, 2], dtype=np.int8), (nc, nq), p=[0.7, 0.2, 0.1])
    credit = np.where(state == 0, rng.choice([0.0, 0.5, 1.0, 0.25], (nc, nq)), np.nan)
    odd = (state == 0) & (rng.random((nc, nq)) < 0.02)
    huge = seed >= 3  # infinite credit too: counts as +-the largest float (nan_to_num)
    credit[odd] = rng.choice([np.nan, np.inf, -np.inf] if huge else [np.nan], int(odd.sum()))
    if seed % 2:  # the layout a wide table gives
        credit, state = np.asfortranarray(credit), np.asfortranarray(state)
    m = AnswerMatrix([f"U{i}" for i in range(nc)], list(fw.question_codes), credit, state,
                     None, None, [])
    w = rng.random(st.n_nodes) * 2
    w[rng.random(st.n_nodes) < 0.15] = 0.0
    drop = rng.random((nc, st.n_nodes)) < 0.05
    for missing in ("zero", "exclude"):
        c_in, a_in = question_inputs(m, missing)
        for agg in ("arithmetic", "geometric_shifted", {"pillar": "harmonic"}):
            for dr in (None, drop):
                got = aggregate_states(st, credit, state, w, agg, drop=dr, missing=missing)
                want = aggregate(st, c_in, a_in, w, agg, drop=dr)
                for x, y in zip(got, want):
                    assert x.shape == y.shape
                    np.testing.assert_array_equal(x, y)  # bit for bit (NaN where NaN)
                if huge:  # sums of +-1.8e308 overflow in an order-dependent way
                    continue
                ref = _reference_aggregate(st, c_in, a_in, w, agg, dr)
                np.testing.assert_array_equal(got[1], ref[1])
                for x, y in ((got[0], ref[0]), (got[2], ref[2])):
                    np.testing.assert_allclose(x, y, rtol=0, atol=1e-12, equal_nan=True)
    with pytest.raises(ValueError, match="zero' or 'exclude"):
        aggregate_states(st, credit, state, w, missing="group_mean")


def test_aggregate_states_by_hand() -> None:
    """P1 = I1 (Q1, Q2, Q3), P2 = I2 (Q4); equal weights. Unit 0: Q1 yes, Q2 missing, Q3 half,
    Q4 not applicable; unit 1: nothing answered, Q4 not applicable."""
    from gci.engine.aggregate import Structure, aggregate_states

    recs = [NodeRecord("P1", None, {"name": "a"}), NodeRecord("P2", None, {"name": "b"}),
            NodeRecord("I1", "P1", {"name": "i"}), NodeRecord("I2", "P2", {"name": "j"})]
    recs += [NodeRecord(f"Q{q}", "I1" if q < 4 else "I2", {"name": "q", "type": "binary"})
             for q in range(1, 5)]
    st = Structure.of(framework_from_records(recs, {}, {"framework": "hand"}))
    col = {c: i for i, c in enumerate(st.codes)}
    credit = np.array([[1.0, np.nan, 0.5, np.nan], [np.nan] * 4])
    state = np.array([[0, 1, 0, 2], [1, 1, 1, 2]], dtype=np.int8)
    w = np.ones(st.n_nodes)
    # zero: I1 = (1 + 0 + 0.5) / 3 = 0.5; P2 has nothing applicable: P1 alone makes the overall
    value, avail, share = aggregate_states(st, credit, state, w, missing="zero")
    assert value[0, col["I1"]] == 0.5 and value[0, 0] == 0.5
    assert not avail[0, col["P2"]] and np.isnan(value[0, col["P2"]])
    assert share[0, col["Q2"]] == pytest.approx(1 / 3) and share[0, col["Q4"]] == 0.0
    assert value[1, 0] == 0.0 and avail[1, 0]  # missing answers count 0
    # exclude: Q2 left out, I1 = (1 + 0.5) / 2; unit 1 has nothing: no score
    value, avail, share = aggregate_states(st, credit, state, w, missing="exclude")
    assert value[0, col["I1"]] == 0.75 and share[0, col["Q1"]] == 0.5
    assert share[0, col["Q2"]] == 0.0 and np.isnan(value[0, col["Q2"]])
    assert not avail[1].any() and np.isnan(value[1]).all()


def test_not_applicable_answers_named_country_by_country() -> None:
    """Answers to questions that do not apply: one warning each, by country, then question
    (as np.nonzero of the whole matrix gave them), whatever the order of the conditions."""
    recs = [NodeRecord("P", None, {"name": "p"}), NodeRecord("PI", "P", {"name": "i"}),
            NodeRecord("Q1", "PI", {"name": "a", "type": "binary"}),
            NodeRecord("Q2", "PI", {"name": "b", "type": "binary", "applies_if": "Q4 == yes"}),
            NodeRecord("Q3", "PI", {"name": "c", "type": "binary", "applies_if": "Q1 == yes"}),
            NodeRecord("Q4", "PI", {"name": "d", "type": "binary", "applies_if": "Q1 == yes"})]
    fw = framework_from_records(recs, {}, {"framework": "t"})
    df = pd.DataFrame({"iso3": ["BBB", "AAA", "CCC"], "Q1": ["no", "no", "yes"],
                       "Q2": ["yes", "no", "yes"], "Q3": ["yes", "", "no"],
                       "Q4": ["yes", "yes", "no"]})
    for resp in (Responses.from_wide(df, check_countries=False),
                 Responses(reference_long(df), ["<table>"], [])):
        m = build_matrix(resp, fw)
        got = [(p.country, p.item, p.line) for p in m.problems
               if p.kind == "answer_not_applicable"]
        # AAA (row 3): Q2 (Q4 does not apply), Q4; BBB (row 2): Q2, Q3, Q4; CCC: Q2 (Q4 no)
        assert got == [("AAA", "Q2", 3), ("AAA", "Q4", 3), ("BBB", "Q2", 2), ("BBB", "Q3", 2),
                       ("BBB", "Q4", 2), ("CCC", "Q2", 4)]
        np.testing.assert_array_equal(m.state, [[0, 2, 2, 2], [0, 2, 2, 2], [0, 2, 0, 0]])


@pytest.mark.parametrize("seed", range(4))
def test_padded_and_blank_checks_equal_strip(seed: int) -> None:
    """_any_padded (one regex scan) = any text empty or changed by strip; _blank_values =
    the pandas isna-or-whitespace check; on random texts with ASCII and Unicode spaces."""
    from gci.inputs.responses import _any_padded, _blank_values

    rng = np.random.default_rng(seed)
    pieces = ["A", "b", " ", "\t", "\u00a0", "\u2003", "\x1f", "é", "\n", ""]
    for _ in range(200):
        texts = ["".join(rng.choice(pieces, int(rng.integers(0, 4))))
                 for _ in range(int(rng.integers(1, 6)))]
        want = any(not t.strip() or t.strip() != t for t in texts)
        assert _any_padded(np.array(texts, dtype=object)) == want, texts
    u = np.array([*pieces, None, np.nan, pd.NA, 1.0, True, " no", 0], dtype=object)
    us = pd.Series(u, dtype=object)
    want = (us.isna() | (us.astype(str).str.strip() == "")).to_numpy()
    np.testing.assert_array_equal(_blank_values(u), want)
    many = np.array([str(i) for i in range(100)] + [" ", None], dtype=object)  # pandas pass
    assert _blank_values(many).tolist() == [False] * 100 + [True, True]


@pytest.mark.parametrize("block", [1, 7, 300])
def test_node_major_blocks_of_countries_same_bits(block: int, monkeypatch) -> None:
    """The single-table path works in blocks of BLOCK countries: any block size gives the
    same values, availability and shares, bit for bit (the same additions in the same order),
    for every method mix and with dropped aggregates."""
    import gci.engine.aggregate as agg_mod
    from gci.engine.aggregate import aggregate

    fw, st, credit, avail, w, drop = _random_inputs(np.random.default_rng(block), 257)
    for method in ("arithmetic", {"pillar": "geometric", "indicator": "power_2"}):
        whole = aggregate(st, credit, avail, w, method, drop=drop)  # one block (BLOCK > nc)
        monkeypatch.setattr(agg_mod, "BLOCK", block)
        got = aggregate(st, credit, avail, w, method, drop=drop)
        monkeypatch.undo()
        for x, y in zip(got, whole):
            np.testing.assert_array_equal(x, y)
