"""Scores worked out by hand on tests/data/tiny (see the comments for each number)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gci
from gci.engine.aggregate import Structure, aggregate
from gci.engine.scoring import question_inputs
from gci.inputs.responses import Responses


def run(tiny_paths, **kw):
    return gci.score(tiny_paths["responses"], tiny_paths["framework"], tiny_paths["weights"], **kw)


def test_equal_weights_by_hand(tiny_paths):
    r = run(tiny_paths)
    s = r.scores
    # FRA: A1 = (yes 1 + partial .5)/2 = .75; A2 = (Q3 5/10 = .5 + Q4 no 0)/2 = .25
    #      A = (.75 + .25)/2 = .5 -> 25 of 50 points; B = (1 + 0)/2 = .5 -> 25. Total 50.
    assert s.loc["FRA", "overall"] == pytest.approx(50.0)
    assert s.loc["FRA", ["A", "B"]].tolist() == pytest.approx([25.0, 25.0])
    # DEU: Q1 no, so Q4 does not apply and A2 = Q3 alone = min(20/10, 1) = 1;
    #      A1 = (0 + 1)/2 = .5; A = .75 -> 37.5; B = 1 -> 50. Total 87.5.
    assert s.loc["DEU", "overall"] == pytest.approx(87.5)
    assert s.loc["DEU", ["A", "B"]].tolist() == pytest.approx([37.5, 50.0])
    assert s.loc["DEU", "not_applicable"] == 1
    # KEN: Q3 missing counts 0; A1 = (1 + 0)/2 = .5; A2 = (0 + 1)/2 = .5; A = .5 -> 25; B = 0.
    assert s.loc["KEN", "overall"] == pytest.approx(25.0)
    assert s.loc["KEN", "missing_answers"] == 1


def test_exclude_policy_renormalises_inside_parent(tiny_paths):
    r = run(tiny_paths, missing="exclude")
    # KEN: Q3 left out, A2 = Q4 alone = 1; A = (.5 + 1)/2 = .75 -> 37.5; B = 0.
    assert r.overall["KEN"] == pytest.approx(37.5)
    assert r.overall["FRA"] == pytest.approx(50.0)  # nothing missing: unchanged


def test_weight_scheme_by_hand(tiny_paths):
    r = run(tiny_paths, scheme="a_heavy")
    # A weighs 3/4 (75 points), B 1/4 (25); inside A1, Q1 1/4 and Q2 3/4.
    # FRA: A1 = .25*1 + .75*.5 = .625; A2 = .25; A = .4375 -> 32.8125; B = .5*25 = 12.5.
    assert r.scores.loc["FRA", ["overall", "A", "B"]].tolist() == pytest.approx(
        [45.3125, 32.8125, 12.5])
    # DEU: A1 = .25*0 + .75*1 = .75; A2 = 1; A = .875 -> 65.625; B = 25. Total 90.625.
    assert r.overall["DEU"] == pytest.approx(90.625)


def test_effective_weights_by_hand(tiny_paths):
    r = run(tiny_paths, scheme="a_heavy")
    ew = r.effective_weights
    # Q2: A (3/4) * A1 (1/2) * Q2 in A1 (3/4) = 9/32 of the score -> 28.125 points.
    assert ew.loc["Q2", "effective_weight"] == pytest.approx(9 / 32)
    assert ew.loc["Q2", "max_points"] == pytest.approx(28.125)
    q = ew[ew["kind"] == "question"]
    assert q["effective_weight"].sum() == pytest.approx(1.0)
    assert ew.loc["B", "max_points"] == pytest.approx(25.0)


def test_pillar_points_add_up_and_indicator_table(tiny_paths):
    r = run(tiny_paths)
    s = r.scores
    assert (s[["A", "B"]].sum(axis=1) - s["overall"]).abs().max() < 1e-9
    ind = r.indicators.set_index(["iso3", "indicator"])
    # FRA A2 credit .25 and points .25 * 25 (A2 is half of pillar A's 50 points).
    assert ind.loc[("FRA", "A2"), "credit"] == pytest.approx(0.25)
    assert ind.loc[("FRA", "A2"), "points"] == pytest.approx(6.25)
    assert ind.loc[("FRA", "A2"), "max_points"] == pytest.approx(25.0)
    # DEU A2: Q4 does not apply, A2 = 1 -> all of A2's 25 points.
    assert ind.loc[("DEU", "A2"), "points"] == pytest.approx(25.0)


def test_question_table_points(tiny_paths):
    q = run(tiny_paths).questions.set_index(["iso3", "question"])
    # FRA Q2 partial: credit .5, worth 12.5 points at most (1/2 of A1 = 1/4 of A = 12.5).
    assert q.loc[("FRA", "Q2"), "credit"] == pytest.approx(0.5)
    assert q.loc[("FRA", "Q2"), "points"] == pytest.approx(6.25)
    assert q.loc[("DEU", "Q4"), "state"] == "not_applicable"
    assert q.loc[("KEN", "Q3"), "state"] == "missing"


def test_ranks_tiers_and_regions(tiny_paths):
    r = run(tiny_paths)
    ranks = r.ranks
    assert ranks.loc[["DEU", "FRA", "KEN"], "global_rank"].tolist() == [1, 2, 3]
    # DEU and FRA are both in Europe; KEN is first in Africa.
    assert ranks.loc[["DEU", "FRA", "KEN"], "regional_rank"].tolist() == [1, 2, 1]
    assert ranks.loc["DEU", "tier"] == "Tier 2 - Advancing"        # 87.5 >= 85
    assert ranks.loc["FRA", "tier"] == "Tier 4 - Evolving"         # 20 <= 50 < 55
    assert r.scores.index.tolist() == ["DEU", "FRA", "KEN"]


def test_geometric_aggregation_at_pillar_level(tiny_paths):
    r = run(tiny_paths, aggregation={"overall": "geometric"})
    # FRA: pillars .5 and .5 -> geometric mean .5 -> 50. KEN: B = 0 -> overall 0.
    assert r.overall["FRA"] == pytest.approx(50.0)
    assert r.overall["KEN"] == pytest.approx(0.0)
    # DEU: sqrt(.75 * 1) = .8660 -> 86.60
    assert r.overall["DEU"] == pytest.approx(100 * np.sqrt(0.75))


def test_vectorised_equals_loop_over_countries(default_result):
    """Second method: score each country alone, one by one; same numbers as the batch."""
    r = default_result
    m = r.matrix
    structure = Structure.of(r.framework)
    credit, avail = question_inputs(m, "zero")
    weights = np.ones(structure.n_nodes)
    for i in range(0, len(m.countries), 37):
        v, _, _ = aggregate(structure, credit[i:i + 1], avail[i:i + 1], weights)
        assert v[0, 0] * 100 == pytest.approx(r.overall.iloc[i])


def test_batch_axis_broadcasts(tiny_paths):
    r = run(tiny_paths)
    structure = r.structure
    credit, avail = question_inputs(r.matrix, "zero")
    w = np.ones((3, structure.n_nodes))
    w[1, structure.codes.index("A")] = 3.0  # draw 1: A weighs 3
    v, _, share = aggregate(structure, credit, avail, w)
    assert v.shape == (3, 3, structure.n_nodes)
    assert v[0, :, 0] * 100 == pytest.approx(r.overall.to_numpy())
    fra = r.countries.index("FRA")
    assert v[1, fra, 0] * 100 == pytest.approx(0.75 * 50 + 0.25 * 50)
    assert share[0, fra, structure.codes.index("Q2")] == pytest.approx(0.125)


def test_all_questions_not_applicable_hands_weight_to_siblings(tmp_path, tiny_paths):
    fw = gci.load_framework(tiny_paths["framework"])
    resp = Responses.from_records([
        {"iso3": "ITA", "question": "Q1", "answer": "no"},
        {"iso3": "ITA", "question": "Q2", "answer": "in_place"},
        {"iso3": "ITA", "question": "Q5", "answer": "yes"},
        {"iso3": "ITA", "question": "Q6", "answer": "yes"},
    ])
    r = gci.score(resp, fw, tiny_paths["weights"], missing="exclude")
    # Q3 missing (excluded), Q4 not applicable: A2 has no child left and drops out of A;
    # A = A1 = .5 -> 25; B = 1 -> 50; total 75.
    assert r.overall["ITA"] == pytest.approx(75.0)
    assert np.isnan(r.credit(["A2"]).loc["ITA", "A2"])


def test_scoring_errors_stop_with_all_problems(tiny_paths):
    resp = Responses.from_records([
        {"iso3": "FRA", "question": "Q1", "answer": "maybe"},
        {"iso3": "FRA", "question": "Q99", "answer": "yes"},
        {"iso3": "XXX", "question": "Q1", "answer": "yes"},
    ])
    with pytest.raises(gci.ResponsesError) as exc:
        gci.score(resp, tiny_paths["framework"], tiny_paths["weights"])
    kinds = sorted(p.kind for p in exc.value.errors)
    assert kinds == ["bad_answer", "unknown_country", "unknown_question"]


def test_repr_html_and_csv(tiny_paths):
    r = run(tiny_paths)
    html = r._repr_html_()
    assert "<table" in html and "Germany" in html and "87.50" in html
    text = r.to_csv()
    first = text.splitlines()[1].split(",")
    assert first[:3] == ["DEU", "Germany", "87.5"]
    back = pd.read_csv(pd.io.common.StringIO(text))
    assert back["overall"].tolist() == pytest.approx([87.5, 50.0, 25.0])


def test_country_code_accepts_codes_and_names_of_scored_countries(tiny_paths):
    r = run(tiny_paths)
    assert r.country_code("KEN") == "KEN"
    assert r.country_code("kenya") == "KEN"
    assert r.country_code("Germany") == "DEU"
    with pytest.raises(gci.GCIError,
                       match="'United States' has no responses; scored countries: DEU, FRA"):
        r.country_code("United States")
    with pytest.raises(gci.GCIError, match="unknown country 'Atlantis'"):
        r.country_code("Atlantis")
