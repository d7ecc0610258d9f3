"""What-if on the tiny framework, every number worked out by hand.

Tiny (equal scheme, missing=zero): pillars A, B weigh 1/2 each; A = mean(A1, A2), A1 = mean(Q1,
Q2), A2 = mean(Q3, Q4) with Q4 applying only if Q1 == yes (else it drops out and Q3 carries
A2); B = B1 = mean(Q5, Q6). Points = credit * 100 * share.
Current: DEU 87.5 (A 37.5, B 50), FRA 50 (25, 25), KEN 25 (25, 0); ranks DEU 1, FRA 2, KEN 3;
Europe: DEU 1, FRA 2; Africa: KEN 1.
"""

from __future__ import annotations

import pytest

from gci.analysis.whatif import WhatIfError, parse_assignments, what_if
from gci.errors import GCIError


def _run(tiny_paths, iso3, answers, **kw):
    return what_if(iso3, answers, tiny_paths["responses"], tiny_paths["framework"],
                   tiny_paths["weights"], **kw)


def test_kenya_meets_both_b_questions_passes_france(tiny_paths):
    # KEN Q5=yes, Q6=yes: B1 = (1 + 1)/2 = 1 -> B = 50 points; A unchanged 25; overall 75.
    # 75 > FRA 50 -> global rank 3 -> 2 (DEU 87.5 still ahead); Africa rank stays 1.
    # Tier: 75 >= 55 -> Tier 3 (was 25 -> Tier 4).
    res = _run(tiny_paths, "ken", {"Q5": "yes", "Q6": "yes"})
    t = res.table
    assert res.iso3 == "KEN"
    assert t.loc["overall", "before"] == pytest.approx(25.0)
    assert t.loc["overall", "after"] == pytest.approx(75.0)
    assert t.loc["overall", "change"] == pytest.approx(50.0)
    assert t.loc["A", "after"] == pytest.approx(25.0)
    assert t.loc["B", "change"] == pytest.approx(50.0)
    assert (t.loc["global_rank", "before"], t.loc["global_rank", "after"]) == (3, 2)
    assert t.loc["global_rank", "change"] == 1
    assert (t.loc["regional_rank", "before"], t.loc["regional_rank", "after"]) == (1, 1)
    assert t.loc["tier", "before"] == "Tier 4 - Evolving"
    assert t.loc["tier", "after"] == "Tier 3 - Establishing"
    assert res.passed["iso3"].tolist() == ["FRA"]
    assert res.passed.loc[0, "direction"] == "passed"
    assert (res.passed.loc[0, "rank_before"], res.passed.loc[0, "rank_after"]) == (2, 3)


def test_condition_drops_question_and_weight_moves(tiny_paths):
    # FRA Q1=no: Q1 credit 0 and Q4 no longer applies. A1 = (0 + 0.5)/2 = 0.25;
    # A2 = Q3 alone = 0.5; A = 0.375 -> 18.75 points; overall 18.75 + 25 = 43.75.
    res = _run(tiny_paths, "FRA", {"Q1": "no"})
    assert res.table.loc["A", "after"] == pytest.approx(18.75)
    assert res.table.loc["overall", "after"] == pytest.approx(43.75)
    assert res.table.loc["global_rank", "after"] == 2  # KEN 25 still behind
    assert res.passed.empty


def test_answer_that_adds_a_missing_question_gains_nothing(tiny_paths):
    # DEU Q1=yes: A1 = (1 + 1)/2 = 1, but Q4 now applies and is unanswered (0 under zero):
    # A2 = (1 + 0)/2 = 0.5, A = 0.75 -> still 37.5; overall stays 87.5.
    res = _run(tiny_paths, "DEU", ["Q1=yes"])
    assert res.table.loc["overall", "change"] == pytest.approx(0.0)
    assert res.table.loc["A", "after"] == pytest.approx(37.5)


def test_decrease_is_passed_by(tiny_paths):
    # FRA Q5=no: B = 0 -> overall 25, ties KEN 25 (dense: both rank 2): not passed, a tie.
    # FRA Q5=no, Q2=none: A1 = 0.5, A2 = 0.25, A = 0.375 -> 18.75 < KEN 25 -> passed by KEN.
    res = _run(tiny_paths, "FRA", {"Q5": "no", "Q2": "none"})
    assert res.table.loc["overall", "after"] == pytest.approx(18.75)
    assert res.passed["iso3"].tolist() == ["KEN"]
    assert res.passed["direction"].tolist() == ["passed_by"]


def test_scheme_option_is_used(tiny_paths):
    # a_heavy: A weighs 3/4, B 1/4; KEN before 28.125 (given); after Q5=Q6=yes B = 1 ->
    # 25 points of B; A = 0.5 * 75 = 3.125 + 25 ... A credit: A1 = (1*1 + 0*3)/4 = 0.25,
    # A2 = 0.5, A = 0.375 -> 0.375 * 75 = 28.125 = before; after = 28.125 + 25 = 53.125.
    res = _run(tiny_paths, "KEN", {"Q5": "yes", "Q6": "yes"}, scheme="a_heavy")
    assert res.table.loc["overall", "before"] == pytest.approx(28.125)
    assert res.table.loc["overall", "after"] == pytest.approx(53.125)


def test_original_responses_unchanged(tiny_paths):
    from gci import load_responses

    resp = load_responses(tiny_paths["responses"])
    n = len(resp.table)
    _run(tiny_paths | {"responses": resp}, "KEN", {"Q5": "yes"})
    assert len(resp.table) == n
    assert resp.table.query("iso3 == 'KEN' and question == 'Q5'")["answer"].item() == "no"


def test_bad_answers_all_reported(tiny_paths):
    with pytest.raises(WhatIfError) as err:
        _run(tiny_paths, "DEU", ["Q9=yes", "Q2=maybe", "Q3=many", "oops"])
    msg = str(err.value)
    assert "4 error(s)" in msg
    assert "'Q9' is not in the framework" in msg and "Q1 … Q6" in msg
    assert "Q2=maybe" in msg and "one of in_place, partial, none" in msg
    assert "Q3=many" in msg and "a number >= 0" in msg
    assert "expected QUESTION=ANSWER" in msg
    assert {p.item for p in err.value.problems} == {"Q9", "Q2", "Q3", "oops"}


def test_non_question_code_rejected(tiny_paths):
    with pytest.raises(WhatIfError, match="'A1' is not a question"):
        _run(tiny_paths, "DEU", {"A1": "yes"})


def test_unknown_country(tiny_paths):
    with pytest.raises(GCIError, match="country 'USA' has no responses; scored countries: "
                                       "DEU, FRA, KEN"):
        _run(tiny_paths, "USA", {"Q1": "yes"})


def test_parse_assignments():
    assert parse_assignments(["Q07=yes", " Q31 = partial "]) == {"Q07": "yes", "Q31": "partial"}
    with pytest.raises(WhatIfError, match="two answers"):
        parse_assignments(["Q1=yes", "Q1=no"])


def test_answer_that_does_not_apply_is_reported(tiny_paths):
    # DEU answered Q1 no, so Q4 does not apply: setting it changes nothing and is noted.
    res = _run(tiny_paths, "DEU", {"Q4": "yes"})
    assert res.table.loc["overall", "change"] == pytest.approx(0.0)
    assert [p.kind for p in res.warnings] == ["answer_not_applicable"]
    assert "Q4 applies only if Q1 == yes" in res.warnings[0].message
