"""Properties of scoring that must hold for any data (hypothesis), on the tiny framework.

* scores stay in [0, scale], node credit in [0, 1], pillars within their share;
* multiplying every weight by the same positive number changes no score;
* a better answer never lowers a score — *with one exception* found here: a "yes" that switches
  on a dependent question (``applies_if``) can lower it (see
  :func:`test_yes_that_switches_on_a_dependant_can_lower_the_score`); the property that holds is
  stated and tested for questions without dependants and for dependants answered in full;
* ranks do not depend on the order of input rows;
* save → load round trips are exact (responses long and wide CSV, results CSV, framework YAML
  ↔ metadata table).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gci
from gci.engine.aggregate import AGGREGATORS
from gci.engine.score_table import rank_table
from gci.inputs.framework import load_framework
from gci.inputs.responses import ANSWERED, Responses, build_matrix, load_responses
from gci.inputs.weights import WeightScheme, load_weights

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"

FW = load_framework(TINY / "indicators.yaml")
SCALE = 100.0
COUNTRIES = ["FRA", "DEU", "KEN", "BRA", "JPN", "IND", "CHL"]
PROPS = settings(max_examples=15, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

BINARY = st.sampled_from(["yes", "no", None])
ANSWERS = {
    "Q1": BINARY,
    "Q2": st.sampled_from(["in_place", "partial", "none", None]),
    "Q3": st.one_of(st.none(), st.integers(0, 30).map(str),
                    st.floats(0, 25, allow_nan=False).map(repr)),
    "Q4": BINARY, "Q5": BINARY, "Q6": BINARY,
}
# evidence text with commas, quotes and formula-like starts; an unquoted cell's leading spaces
# are dropped by the CSV reader (skipinitialspace), so the text starts with a non-space
EVIDENCE = st.one_of(st.none(), st.from_regex(
    r"[A-Za-z0-9=+@:/.,\"'-][A-Za-z0-9=+@:/.,\"' -]{0,12}", fullmatch=True))


@st.composite
def records(draw) -> list[dict]:
    """Answers of 1–7 countries to the tiny framework, as long-table rows (text, as in CSV)."""
    countries = draw(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=7, unique=True))
    rows = []
    for c in countries:
        for q, strategy in ANSWERS.items():
            a = draw(strategy)
            if a is not None:
                rows.append({"iso3": c, "question": q, "answer": a, "evidence": draw(EVIDENCE),
                             "source": draw(st.sampled_from(["questionnaire", "desk_research"]))})
        if not any(r["iso3"] == c for r in rows):  # every country gives at least one answer
            rows.append({"iso3": c, "question": "Q5", "answer": "no", "evidence": None,
                         "source": "questionnaire"})
    return rows


WEIGHTS = st.fixed_dictionaries({code: st.floats(0.01, 100) for code in FW.nodes})
MISSING = st.sampled_from(["zero", "exclude"])
AGGREGATION = st.sampled_from(sorted(AGGREGATORS))


def run(rows, weights=None, missing="zero", aggregation="arithmetic", scale=SCALE):
    scheme = WeightScheme("h", dict(weights or {}), scale)
    return gci.score(Responses.from_records(rows), FW, scheme, missing=missing,
                     aggregation=aggregation, tiers=None)


# ---------------------------------------------------------------- ranges
@PROPS
@given(records(), WEIGHTS, MISSING, AGGREGATION, st.floats(1, 1000))
def test_scores_stay_in_range(rows, weights, missing, aggregation, scale):
    res = run(rows, weights, missing, aggregation, scale)
    overall = res.overall.to_numpy()
    answered_any = (res.matrix.state == ANSWERED).any(axis=1)
    if missing == "zero":
        assert np.isfinite(overall).all()
    else:  # with nothing answered there is nothing to score
        assert np.array_equal(np.isfinite(overall), answered_any)
    ok = np.isfinite(overall)
    assert (overall[ok] >= 0).all() and (overall[ok] <= scale * (1 + 1e-12)).all()
    value = np.where(res.available, res.value, 0.0)
    assert (value >= 0).all() and (value <= 1 + 1e-12).all()
    pillars = res.pillars.to_numpy()
    share = res.share[:, [res.structure.codes.index(p.code) for p in FW.pillars]]
    seen = np.isfinite(pillars)
    assert (pillars[seen] >= 0).all()
    assert (pillars[seen] <= share[seen] * scale * (1 + 1e-12)).all()
    if missing == "zero":  # no pillar drops out, so each stays within its nominal maximum
        nominal = res.effective_weights.loc[[p.code for p in FW.pillars], "max_points"]
        assert (pillars <= nominal.to_numpy() * (1 + 1e-12)).all()
    if aggregation == "arithmetic":  # pillar points add up to the overall score
        np.testing.assert_allclose(np.nansum(pillars, axis=1)[ok], overall[ok], rtol=1e-12,
                                   atol=1e-9)


# ---------------------------------------------------------------- weights
@PROPS
@given(records(), WEIGHTS, st.floats(1e-3, 1e3), MISSING, AGGREGATION)
def test_scaling_all_weights_changes_no_score(rows, weights, factor, missing, aggregation):
    base = run(rows, weights, missing, aggregation).overall
    scaled = run(rows, {k: v * factor for k, v in weights.items()}, missing,
                 aggregation).overall
    np.testing.assert_allclose(scaled.to_numpy(), base.to_numpy(), rtol=1e-9, atol=1e-9)


def test_scaling_weights_is_not_vacuous():
    """Weights do matter (so the property above can fail): a_heavy differs from equal."""
    rows = pd.read_csv(TINY / "responses" / "answers.csv", dtype=str).to_dict("records")
    assert run(rows).overall["DEU"] == pytest.approx(87.5)
    assert run(rows, {"A": 3, "Q2": 3}).overall["DEU"] == pytest.approx(90.625)


# ---------------------------------------------------------------- a better answer
DEPENDED_ON = {q.applies_if.question for q in FW.questions if q.applies_if is not None}
BEST = {"binary": "yes", "scale": "in_place", "numeric": "10"}
FREE = [q.code for q in FW.questions if q.code not in DEPENDED_ON]  # Q2..Q6


@PROPS
@given(records(), WEIGHTS, MISSING, AGGREGATION, st.sampled_from(FREE), st.data())
def test_best_answer_never_lowers_a_score_without_dependants(rows, weights, missing,
                                                               aggregation, q, data):
    """Holds for every question no ``applies_if`` refers to (here Q2..Q6; yes for binary)."""
    iso = data.draw(st.sampled_from(sorted({r["iso3"] for r in rows})))
    before = run(rows, weights, missing, aggregation).overall
    resp = Responses.from_records(rows).with_answers(iso, {q: BEST[FW.nodes[q].type]})
    after = gci.score(resp, FW, WeightScheme("h", weights), missing=missing,
                      aggregation=aggregation, tiers=None).overall
    if np.isfinite(before[iso]):
        assert after[iso] >= before[iso] - 1e-9
    others = before.index != iso  # and nobody else moves
    np.testing.assert_array_equal(after[others].to_numpy(), before[others].to_numpy())


@PROPS
@given(records(), WEIGHTS, MISSING, AGGREGATION, st.data())
def test_yes_never_lowers_a_score_when_dependants_are_answered_in_full(rows, weights, missing,
                                                                       aggregation, data):
    """Q1 has a dependant (Q4 applies if Q1 == yes): with Q4 answered yes, Q1 = yes is safe."""
    iso = data.draw(st.sampled_from(sorted({r["iso3"] for r in rows})))
    resp = Responses.from_records(rows).with_answers(iso, {"Q4": "yes"})
    scheme = WeightScheme("h", weights)
    kw = {"missing": missing, "aggregation": aggregation, "tiers": None}
    before = gci.score(resp, FW, scheme, **kw).overall[iso]
    after = gci.score(resp.with_answers(iso, {"Q1": "yes"}), FW, scheme, **kw).overall[iso]
    assert np.isfinite(after)
    if np.isfinite(before):  # (under exclude a country with nothing answered has no score)
        assert after >= before - 1e-9


@pytest.mark.parametrize("missing, q4", [("zero", None), ("exclude", "no"), ("zero", "no")])
def test_yes_that_switches_on_a_dependant_can_lower_the_score(missing, q4):
    """The finding: "adding a yes never lowers a score" is false with ``applies_if``.

    Tiny framework, scheme a_heavy (A 3 : B 1; in A1, Q1 1 : Q2 3). DEU answers Q1 no, Q2
    in_place, Q3 20 (credit 1), Q5 yes, Q6 yes, so Q4 (applies if Q1 == yes) does not apply:
    A1 = 3/4, A2 = Q3 = 1, A = (0.75 + 1)/2 = 0.875 → 0.875 × 75 + 25 = 90.625.
    With Q1 = yes, Q4 applies; unanswered it counts 0 (missing=zero), and answered "no" it is
    0 under either policy: A1 = 1, A2 = (1 + 0)/2 = 0.5, A = 0.75 → 56.25 + 25 = 81.25.
    """
    rows = pd.read_csv(TINY / "responses" / "answers.csv", dtype=str).to_dict("records")
    resp = Responses.from_records(rows)
    if q4 is not None:
        resp = resp.with_answers("DEU", {"Q4": q4})
    scheme = WeightScheme("a_heavy", {"A": 3.0, "Q2": 3.0})
    before = gci.score(resp, FW, scheme, missing=missing, tiers=None).overall["DEU"]
    after = gci.score(resp.with_answers("DEU", {"Q1": "yes"}), FW, scheme, missing=missing,
                      tiers=None).overall["DEU"]
    assert before == pytest.approx(90.625)
    assert after == pytest.approx(81.25)


def test_yes_with_an_unanswered_dependant_is_harmless_under_exclude():
    """Under missing=exclude an unanswered dependant stays out, so the same yes only helps."""
    rows = pd.read_csv(TINY / "responses" / "answers.csv", dtype=str).to_dict("records")
    resp = Responses.from_records(rows)
    scheme = WeightScheme("a_heavy", {"A": 3.0, "Q2": 3.0})
    after = gci.score(resp.with_answers("DEU", {"Q1": "yes"}), FW, scheme, missing="exclude",
                      tiers=None).overall["DEU"]
    # A1 = 1, A2 = Q3 = 1 (Q4 unanswered, excluded): A = 1 → 75 + 25
    assert after == pytest.approx(100.0)


# ---------------------------------------------------------------- row order
@PROPS
@given(records(), st.randoms(use_true_random=False), MISSING)
def test_ranks_do_not_depend_on_row_order(rows, rnd, missing):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a, b = run(rows, missing=missing), run(shuffled, missing=missing)
    pd.testing.assert_series_equal(a.overall, b.overall)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    pd.testing.assert_frame_equal(a.scores, b.scores)


@PROPS
@given(st.dictionaries(st.sampled_from(COUNTRIES), st.integers(0, 20).map(lambda x: x * 5.0),
                       min_size=1), st.randoms(use_true_random=False))
def test_rank_table_does_not_depend_on_row_order(scores, rnd):
    items = list(scores.items())
    rnd.shuffle(items)
    a = rank_table(pd.Series(scores))
    b = rank_table(pd.Series(dict(items)))
    pd.testing.assert_frame_equal(a, b)
    # dense ranks worked out independently: 1 + number of distinct better scores
    better = {c: len({v for v in scores.values() if v > s}) + 1 for c, s in scores.items()}
    assert dict(zip(a["iso3"], a["global_rank"])) == better


# ---------------------------------------------------------------- round trips
@PROPS
@given(records())
def test_responses_long_csv_round_trip_is_exact(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("long") / "answers.csv"
    resp = Responses.from_records(rows)
    resp.to_long().to_csv(path, index=False)
    back = load_responses(path)
    cols = ["iso3", "question", "answer", "source"]
    pd.testing.assert_frame_equal(back.to_long()[cols], resp.to_long()[cols])
    ev_in = resp.to_long()["evidence"].fillna("").to_numpy()
    assert list(back.to_long()["evidence"]) == list(ev_in)
    m1, m2 = build_matrix(resp, FW), build_matrix(back, FW)
    assert np.array_equal(m1.state, m2.state)
    assert np.array_equal(m1.credit, m2.credit, equal_nan=True)


@PROPS
@given(records())
def test_responses_wide_csv_round_trip_is_exact(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    wide = Responses.from_records(rows).to_wide()
    wide.to_csv(path, index_label="iso3")
    back = load_responses(path).to_wide()
    pd.testing.assert_frame_equal(back.sort_index(axis=1), wide.sort_index(axis=1),
                                  check_names=False)


@PROPS
@given(records(), WEIGHTS, MISSING)
def test_results_csv_round_trip_is_exact(tmp_path_factory, rows, weights, missing):
    out = tmp_path_factory.mktemp("results")
    res = run(rows, weights, missing)
    res.write(out, decimals="full")  # every digit: the round trip is exact
    scores = pd.read_csv(out / "scores.csv", keep_default_na=False,
                         na_values=[""]).set_index("iso3")
    pd.testing.assert_series_equal(scores["overall"].sort_index(), res.overall.sort_index(),
                                   check_exact=True)
    for p in FW.pillars:
        np.testing.assert_array_equal(scores[p.code].sort_index().to_numpy(),
                                      res.pillars[p.code].sort_index().to_numpy())
    ind = pd.read_csv(out / "indicators.csv")
    pd.testing.assert_series_equal(ind["points"], res.indicators["points"], check_exact=True)
    # the default (2 decimals) reads back as exactly the rounded values
    two = tmp_path_factory.mktemp("results2")
    res.write(two)
    scores2 = pd.read_csv(two / "scores.csv", keep_default_na=False,
                          na_values=[""]).set_index("iso3")
    np.testing.assert_array_equal(scores2["overall"].sort_index().to_numpy(),
                                  np.round(res.overall.sort_index().to_numpy(), 2))


@pytest.mark.parametrize("source", [TINY / "indicators.yaml",
                                    ROOT / "indicators.yaml"])
def test_framework_yaml_table_yaml_round_trip_is_exact(source, tmp_path):
    ft = pytest.importorskip("gci.inputs.framework_table")
    fw = load_framework(source)
    ft.write_framework_table(fw, tmp_path / "fw.csv")
    from_table, _ = ft.read_framework_table(tmp_path / "fw.csv")
    assert ft.node_differences(fw, from_table) == []
    # the table keeps each scale's levels exactly (not its free-text description)
    assert {k: dict(v.levels) for k, v in from_table.scales.items()} == \
        {k: dict(v.levels) for k, v in fw.scales.items()}
    ft.write_framework_yaml(from_table, tmp_path / "fw.yaml")
    again = load_framework(tmp_path / "fw.yaml")
    assert ft.node_differences(fw, again) == []
    assert len(fw.questions) == len(again.questions) > 0


@PROPS
@given(WEIGHTS)
def test_weights_survive_the_framework_table_exactly(tmp_path_factory, weights):
    ft = pytest.importorskip("gci.inputs.framework_table")
    path = tmp_path_factory.mktemp("fwt") / "fw.csv"
    scheme = WeightScheme("h", weights)
    ft.write_framework_table(FW, path, scheme)
    _, back = ft.read_framework_table(path)
    assert {k: back.weights.get(k, 1.0) for k in FW.nodes} == weights


def test_tiny_weights_file_round_trips_through_the_table(tmp_path):
    ft = pytest.importorskip("gci.inputs.framework_table")
    scheme = load_weights(TINY / "weights.yaml", FW).scheme("a_heavy")
    ft.write_framework_table(FW, tmp_path / "fw.xlsx", scheme)
    fw2, scheme2 = ft.read_framework_table(tmp_path / "fw.xlsx")
    res = gci.score(TINY / "responses", fw2, scheme2, tiers=None)
    assert res.overall.to_dict() == pytest.approx({"DEU": 90.625, "FRA": 45.3125,
                                                   "KEN": 28.125})
