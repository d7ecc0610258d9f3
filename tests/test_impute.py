"""Missing-data policies and coverage: values worked out by hand (see the comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gci
from gci.engine.aggregate import Structure
from gci.engine.impute import coverage, impute, thresholds
from gci.errors import GCIError
from gci.inputs.responses import ANSWERED, MISSING, NOT_APPLICABLE

A, M, N = ANSWERED, MISSING, NOT_APPLICABLE
COUNTRIES = ["A1", "A2", "A3", "A4", "B1", "B2", "C1", "D1"]
GROUPS = pd.Series({"A1": "X", "A2": "X", "A3": "X", "A4": "X", "B1": "Y", "B2": "Y",
                    "C1": "Z"})  # D1 has no group
#              q1   q2   q3
CREDIT = np.array([
    [1.0, 0.2, 1.0],   # A1
    [0.0, 0.4, 0.0],   # A2
    [0.2, 0.9, 0.0],   # A3
    [np.nan, 0.0, np.nan],  # A4: q1 missing, q3 does not apply
    [0.5, np.nan, 1.0],  # B1: q2 missing
    [np.nan, np.nan, 1.0],  # B2: q1, q2 missing
    [np.nan, 1.0, 1.0],  # C1: q1 missing, only member of Z
    [np.nan, 1.0, 1.0],  # D1: q1 missing, no group
])
STATE = np.array([
    [A, A, A], [A, A, A], [A, A, A], [M, A, N], [A, M, A], [M, M, A], [M, A, A], [M, A, A],
])


def run(method, fallback="exclude"):
    return impute(CREDIT, STATE, COUNTRIES, ["q1", "q2", "q3"], GROUPS, method, fallback)


def test_group_mean_and_median_by_hand():
    mean = run("group_mean")
    # group X answered q1 with 1, 0, 0.2: mean 0.4, median 0.2
    assert mean.credit[3, 0] == pytest.approx(0.4)
    assert run("group_median").credit[3, 0] == pytest.approx(0.2)
    # group Y answered q1 with 0.5 (B1 only)
    assert mean.credit[5, 0] == pytest.approx(0.5)
    # answered cells unchanged, not-applicable stays out
    assert mean.credit[0, 1] == 0.2 and not mean.available[3, 2]
    assert mean.imputed.sum() == 2 and mean.imputed[3, 0] and mean.imputed[5, 0]


def test_all_missing_group_and_no_group_are_flagged_and_excluded():
    r = run("group_mean")
    # nobody in Y answered q2 (B1, B2), Z has only C1 for q1, D1 has no group
    for i, j in [(4, 1), (5, 1), (6, 0), (7, 0)]:
        assert not r.available[i, j] and not r.imputed[i, j]
    rep = r.report.set_index(["iso3", "question"])
    assert rep.loc[("B1", "q2"), "flag"] == "group_all_missing"
    assert rep.loc[("C1", "q1"), "flag"] == "group_all_missing"
    assert rep.loc[("D1", "q1"), "flag"] == "no_group"
    assert rep.loc[("A4", "q1"), ["flag", "outcome"]].tolist() == ["imputed", "group_mean"]
    assert rep.loc[("A4", "q1"), "credit"] == pytest.approx(0.4)
    assert len(rep) == 6  # one row per missing answer (A4 q3 does not apply)
    kinds = sorted(p.kind for p in r.problems)
    assert kinds == ["group_all_missing", "group_all_missing", "imputed", "imputed", "no_group"]
    msg = next(p for p in r.problems if p.kind == "group_all_missing" and p.item == "q2")
    assert "group 'Y'" in msg.message and "B1, B2" in msg.message and msg.severity == "warning"


def test_fallbacks():
    zero = run("group_mean", "zero")
    assert zero.available[6, 0] and zero.credit[6, 0] == 0.0 and zero.credit[4, 1] == 0.0
    over = run("group_mean", "overall")
    # all countries that answered q1: 1, 0, 0.2, 0.5 -> mean 0.425, median 0.35
    assert over.credit[6, 0] == pytest.approx(0.425) and over.credit[7, 0] == pytest.approx(0.425)
    # q2 answered by 0.2, 0.4, 0.9, 0, 1, 1 -> mean 3.5 / 6
    assert over.credit[4, 1] == pytest.approx(3.5 / 6)
    assert run("group_median", "overall").credit[6, 0] == pytest.approx(0.35)
    assert over.report.set_index(["iso3", "question"]).loc[("C1", "q1"), "outcome"] == \
        "overall_mean"
    with pytest.raises(GCIError, match="fallback"):
        run("group_mean", "guess")
    with pytest.raises(GCIError, match="imputation method"):
        run("mean")


def run_tiny(tiny_paths, **kw):
    return gci.score(tiny_paths["responses"], tiny_paths["framework"], tiny_paths["weights"],
                     **kw)


def test_group_mean_policy_in_score(tiny_paths):
    # KEN did not answer Q3 (goalposts 0-10). One group for all three countries: Q3 is imputed
    # with the mean credit of DEU (20 -> 1) and FRA (5 -> 0.5) = 0.75.
    # KEN: A1 = (Q1 1 + Q2 0) / 2 = 0.5; A2 = (Q3 0.75 + Q4 1) / 2 = 0.875; A = 0.6875; B = 0
    one = pd.Series({"DEU": "G", "FRA": "G", "KEN": "G"})
    r = run_tiny(tiny_paths, missing="group_mean", impute_by=one)
    assert r.overall["KEN"] == pytest.approx(100 * (0.6875 + 0) / 2)
    assert r.overall["DEU"] == pytest.approx(87.5) and r.overall["FRA"] == pytest.approx(50)
    assert "imputed" in set(r.validation["kind"])
    step = next(s for s in r.log if s["step"] == "impute")
    assert (step["imputed"], step["flagged"]) == (1, 0)
    # default grouping: ITU regions. KEN (Africa) has no one to impute from: left out
    # (as exclude, 37.5) and flagged
    r = run_tiny(tiny_paths, missing="group_median")
    assert r.overall["KEN"] == pytest.approx(37.5)
    flagged = r.validation[r.validation["kind"] == "group_all_missing"]
    assert list(flagged["item"]) == ["Q3"] and "KEN" in flagged["message"].iloc[0]


def test_coverage_by_hand(tiny_paths):
    r = run_tiny(tiny_paths)
    s = Structure.of(r.framework)
    cov = pd.DataFrame(coverage(s, r.matrix.state), index=r.matrix.countries, columns=s.codes)
    # KEN: Q3 missing. A2 has Q3, Q4 -> 1/2; A has Q1-Q4 -> 3/4; overall 5 of 6
    assert cov.loc["KEN", ["A2", "A", "overall", "B"]].tolist() == \
        pytest.approx([0.5, 0.75, 5 / 6, 1.0])
    # DEU: Q4 does not apply (not counted), everything else answered
    assert cov.loc["DEU", ["A2", "overall"]].tolist() == [1.0, 1.0]
    need = thresholds(s, {"indicator": 0.6, "B": 0.3})
    assert need[s.codes.index("A2")] == 0.6 and need[s.codes.index("B")] == 0.3
    assert need[s.codes.index("A")] == 0.0 and need[s.codes.index("Q1")] == 0.0
    with pytest.raises(GCIError, match="coverage"):
        thresholds(s, 1.5)
    with pytest.raises(GCIError, match="level names"):
        thresholds(s, {"pilar": 0.5})


def test_minimum_coverage_in_score(tiny_paths):
    # exclude: KEN A2 = Q4 alone = 1 -> A = 0.75 -> 37.5. With indicators needing 60% data,
    # A2 (50%) is left missing: A = A1 = 0.5, overall (0.5 + 0) / 2 = 25
    r = run_tiny(tiny_paths, missing="exclude", coverage={"indicator": 0.6})
    assert r.overall["KEN"] == pytest.approx(25.0)
    assert r.overall["DEU"] == pytest.approx(87.5)
    assert np.isnan(r.credit(["A2"]).loc["KEN", "A2"])
    low = r.validation[r.validation["kind"] == "low_coverage"]
    assert low[["country", "item"]].values.tolist() == [["KEN", "A2"]]
    assert "50%" in low["message"].iloc[0] and "60%" in low["message"].iloc[0]
    assert r.options["coverage"] == {"indicator": 0.6}
    # 90% everywhere: KEN's A2, A and overall (5/6) all fall below; its overall is missing
    r = run_tiny(tiny_paths, coverage=0.9)
    assert np.isnan(r.overall["KEN"]) and r.overall["FRA"] == pytest.approx(50)
    assert set(r.validation.loc[r.validation["kind"] == "low_coverage", "item"]) == \
        {"A2", "A", "overall"}
