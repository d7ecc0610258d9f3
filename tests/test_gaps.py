"""Gaps on the tiny framework, worked out by hand (see tests/test_whatif.py for the model).

FRA: Q1 yes (1), Q2 partial (.5), Q3 5 of 10 (.5), Q4 no (0), Q5 yes, Q6 no -> A1 .75, A2 .25,
A .5 (25 points), B .5 (25), overall 50, rank 2, Europe rank 2.
  Q2 -> in_place: A1 1, A .625 -> 31.25; overall 56.25, gain 6.25
  Q3 -> 10:       A2 .5, A .625 -> gain 6.25
  Q4 -> yes:      A2 .75, A .75 -> 37.5; gain 12.5
  Q6 -> yes:      B 1 -> 50; gain 25 (75 < DEU 87.5: rank stays 2)
KEN: Q1 yes, Q2 none, Q3 missing, Q4 yes, Q5 no, Q6 no -> A1 .5, A2 .5, A 25, B 0; overall 25,
rank 3 (FRA 50, DEU 87.5), Africa 1.
  Q2 -> in_place: A1 1, A .75 -> 37.5; gain 12.5; Q3 -> 10: A2 1 -> same, gain 12.5
  Q5 or Q6 -> yes: B .5 -> 25; overall 50 = FRA: dense rank 2, one place gained
DEU: only Q1 unmet (Q4 does not apply); Q1 -> yes makes Q4 apply, unanswered -> 0:
  A2 = (1 + 0)/2, A = (1 + .5)/2 = .75 -> no gain at all.
"""

from __future__ import annotations

import numpy as np
import pytest

from gci.analysis.gaps import full_credit_answer, gaps


def _gaps(tiny_paths, iso3, **kw):
    return gaps(iso3, tiny_paths["responses"], tiny_paths["framework"], tiny_paths["weights"],
                **kw)


def test_france_roadmap_grouped_by_pillar(tiny_paths):
    g = _gaps(tiny_paths, "FRA")
    assert g["question"].tolist() == ["Q4", "Q2", "Q3", "Q6"]   # A by gain (ties: file order)
    assert g["pillar"].tolist() == ["A", "A", "A", "B"]
    np.testing.assert_allclose(g["points_gain"], [12.5, 6.25, 6.25, 25.0])
    np.testing.assert_allclose(g["new_overall"], [62.5, 56.25, 56.25, 75.0])
    np.testing.assert_allclose(g["pillar_points_gain"], [12.5, 6.25, 6.25, 25.0])
    assert g["state"].tolist() == ["unmet", "partial", "partial", "unmet"]
    assert g["full_answer"].tolist() == ["yes", "in_place", "10", "yes"]
    assert g["new_global_rank"].tolist() == [2, 2, 2, 2]
    assert g["ranks_gained"].tolist() == [0, 0, 0, 0]
    assert g["new_tier"].tolist() == ["Tier 3 - Establishing"] * 4


def test_flat_order(tiny_paths):
    g = _gaps(tiny_paths, "FRA", by_pillar=False)
    assert g["question"].tolist() == ["Q6", "Q4", "Q2", "Q3"]


def test_kenya_missing_answer_and_rank_gain(tiny_paths):
    g = _gaps(tiny_paths, "KEN").set_index("question")
    assert list(g.index) == ["Q2", "Q3", "Q5", "Q6"]
    assert g.loc["Q3", "state"] == "missing"
    np.testing.assert_allclose(g["points_gain"], [12.5, 12.5, 25.0, 25.0])
    assert g.loc["Q5", "new_global_rank"] == 2 and g.loc["Q5", "ranks_gained"] == 1
    assert g.loc["Q2", "new_global_rank"] == 3 and g.loc["Q2", "ranks_gained"] == 0
    assert g.loc["Q5", "regional_rank"] == 1 and g.loc["Q5", "regional_ranks_gained"] == 0


def test_condition_makes_gain_zero(tiny_paths):
    g = _gaps(tiny_paths, "DEU")
    assert g["question"].tolist() == ["Q1"]
    assert g.loc[0, "points_gain"] == pytest.approx(0.0)
    assert g.loc[0, "now_applies"] == "Q4"
    # a_heavy: the same change costs 9.375 points (A .875 -> .75 of 75 points)
    h = _gaps(tiny_paths, "DEU", scheme="a_heavy")
    assert h.loc[0, "points_gain"] == pytest.approx(-9.375)


def test_exclude_policy(tiny_paths):
    # KEN with missing=exclude: Q3 left out, A2 = Q4 = 1, A = (.5 + 1)/2 = .75 -> 37.5.
    # Q3 -> 10 answered: A2 = 1 still -> gain 0. Q2 -> in_place: A1 1, A 1 -> 50; gain 12.5.
    g = _gaps(tiny_paths, "KEN", missing="exclude").set_index("question")
    assert g.loc["Q3", "points_gain"] == pytest.approx(0.0)
    assert g.loc["Q2", "points_gain"] == pytest.approx(12.5)


def test_gain_equals_what_if(default_result):
    """Second method: the batch gain equals a full what-if re-score of that one answer."""
    from gci import Responses, score
    from gci.analysis.whatif import what_if

    fw, wts = default_result.framework, default_result.scheme
    resp = Responses.from_wide(default_result.matrix.raw)   # the shipped answers, in memory
    base = score(resp, fw, wts)
    g = gaps("KEN", resp, fw, wts, base=base)
    top = g.sort_values("points_gain", ascending=False).head(3)
    for r in top.itertuples():
        w = what_if("KEN", {r.question: r.full_answer}, resp, fw, wts, base=base)
        assert w.table.loc["overall", "change"] == pytest.approx(r.points_gain, abs=1e-9)
        assert w.table.loc["global_rank", "after"] == r.new_global_rank


def test_full_credit_answers():
    from gci import load_framework
    from gci.inputs.framework import Node

    node = Node("Q", "q", "I", 3, "question", type="scale", levels={"none": 0, "all": 1,
                                                                     "some": 0.5})
    assert full_credit_answer(node) == "all"
    fw = load_framework("tests/data/tiny/indicators.yaml")
    assert fw.credit_of("Q3", full_credit_answer(fw.nodes["Q3"])) == 1.0
