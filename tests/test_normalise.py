"""Normalisation methods: values worked out by hand (see comments), edge cases, frameworks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import gci
from gci.engine.normalise import NORMALISERS, normalise, normalise_frame, register_normaliser
from gci.errors import FrameworkError, GCIError
from gci.inputs.weights import equal_weights
from tests.conftest import write

NAN = np.nan


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=0, atol=1e-12,
                               equal_nan=True)


# --- one method at a time ---------------------------------------------------------------------
def test_minmax_by_hand():
    x = [2.0, 4.0, 10.0]
    # min 2, max 10, range 8: (x - 2) / 8 * 100
    close(normalise(x, "minmax"), [0, 25, 100])
    close(normalise(x, "minmax", high=1), [0, 0.25, 1])
    close(normalise(x, "minmax", low=-1, high=1), [-1, -0.5, 1])
    # lower is better: -x has min -10, max -2: (-x + 10) / 8 * 100
    close(normalise(x, "minmax", direction=-1), [100, 75, 0])
    # NaN passes through and is ignored by min/max
    close(normalise([2.0, NAN, 10.0], "minmax"), [0, NAN, 100])


def test_minmax_constant_indicator_is_documented_value_not_nan():
    # range 0: the middle of the target range, or what `constant` says
    close(normalise([5.0, 5.0, 5.0], "minmax"), [50, 50, 50])
    close(normalise([5.0, 5.0, NAN], "minmax", high=1), [0.5, 0.5, NAN])
    close(normalise([5.0, 5.0], "minmax", constant="high"), [100, 100])
    close(normalise([5.0, 5.0], "minmax", constant=0.3), [0.3, 0.3])
    close(normalise([7.0, NAN, NAN], "minmax"), [50, NAN, NAN])  # one value present
    close(normalise([NAN, NAN], "minmax"), [NAN, NAN])  # nothing present: stays missing
    with pytest.raises(GCIError, match="constant"):
        normalise([1.0, 1.0], "minmax", constant="middle")


def test_zscore_by_hand_and_against_scipy():
    x = np.array([2.0, 4.0, 6.0])
    # mean 4, sample sd sqrt((4 + 0 + 4) / 2) = 2
    close(normalise(x, "zscore"), [-1, 0, 1])
    close(normalise(x, "zscore", mean=50, sd=10), [40, 50, 60])
    close(normalise(x, "zscore", direction=-1), [1, 0, -1])
    # population sd sqrt(8 / 3): z = +-2 / sqrt(8/3) = +-sqrt(1.5)
    close(normalise(x, "zscore", ddof=0), [-math.sqrt(1.5), 0, math.sqrt(1.5)])
    y = np.array([3.0, 7.0, 1.0, 9.0, 4.0])
    close(normalise(y, "zscore"), stats.zscore(y, ddof=1))
    # constant: the target mean; NaN passes
    close(normalise([3.0, 3.0, NAN], "zscore", mean=50), [50, 50, NAN])
    close(normalise([3.0], "zscore"), [0])


def test_goalposts_by_hand():
    x = [7.0, 44.0, 4.0, -5.0]
    # (x - 0) / (20 - 0), clipped to [0, 1]
    close(normalise(x, "goalposts", low=0, high=20), [0.35, 1, 0.2, 0])
    # lower is better: (x - 20) / (0 - 20)
    close(normalise(x, "goalposts", -1, low=0, high=20), [0.65, 0, 0.8, 1])
    close(normalise(x, "goalposts", low=0, high=20, clip=False), [0.35, 2.2, 0.2, -0.25])
    close(normalise(x, "goalposts", low=0, high=20, scale=100), [35, 100, 20, 0])
    # constant data is no problem for fixed goalposts
    close(normalise([5.0, 5.0], "goalposts", low=0, high=10), [0.5, 0.5])
    with pytest.raises(GCIError, match="goalposts"):
        normalise(x, "goalposts", low=3, high=3)


def test_rank_and_percentile_rank_by_hand():
    x = [3.0, 1.0, 3.0, 2.0]
    # sorted 1, 2, 3, 3 -> ranks 1, 2, 3, 3 (ties take the lowest rank of the group)
    close(normalise(x, "rank"), [3, 1, 3, 2])
    # -x = -3, -1, -3, -2; sorted -3, -3, -2, -1 -> ranks 1, 1, 3, 4
    close(normalise(x, "rank", direction=-1), [1, 4, 1, 3])
    close(normalise([10.0, 20, 30, 40, 50], "percentile_rank"), [0, 0.25, 0.5, 0.75, 1])
    # average ties: ranks 1, 2.5, 2.5, 4 -> (r - 1) / 3
    close(normalise([1.0, 2, 2, 3], "percentile_rank"), [0, 0.5, 0.5, 1])
    # COINr's n_prank uses min ties: ranks 1, 2, 2, 4 -> (r - 1) / 3
    close(normalise([1.0, 2, 2, 3], "percentile_rank", ties="min"), [0, 1 / 3, 1 / 3, 1])
    # constant or a single value: 0.5; NaN passes and does not count in n
    close(normalise([4.0, 4, 4], "percentile_rank"), [0.5, 0.5, 0.5])
    close(normalise([4.0, NAN], "percentile_rank"), [0.5, NAN])
    close(normalise([1.0, NAN, 3], "percentile_rank"), [0, NAN, 1])
    close(normalise([1.0, NAN, 1], "rank"), [1, NAN, 1])


def test_distance_to_target_by_hand():
    x = [2.0, 5.0, 8.0, 12.0]
    # direction 1, target 10: (x - min) / (10 - min) = (x - 2) / 8, capped at 1
    close(normalise(x, "distance_to_target", target=10), [0, 0.375, 0.75, 1])
    close(normalise(x, "distance_to_target", target=10, cap=False), [0, 0.375, 0.75, 1.25])
    # direction -1, target 4: (max - x) / (max - 4) = (12 - x) / 8; 2 <= 4 reached -> 1
    close(normalise(x, "distance_to_target", -1, target=4), [1, 0.875, 0.5, 0])
    # target at or below the worst value: everyone has reached it
    close(normalise(x, "distance_to_target", target=1), [1, 1, 1, 1])
    close(normalise([5.0, 5.0], "distance_to_target", target=5), [1, 1])
    close(normalise([5.0, NAN], "distance_to_target", target=9), [0, NAN])


def test_distance_to_max_by_hand():
    # 1 - (max - x) / (max - min) = 1 - (10 - x) / 8
    close(normalise([2.0, 4.0, 10.0], "distance_to_max"), [0, 0.25, 1])
    close(normalise([2.0, 4.0, 10.0], "distance_to_max", direction=-1), [1, 0.75, 0])
    close(normalise([6.0, 6.0], "distance_to_max"), [1, 1])  # all at the maximum


@pytest.mark.parametrize("method,params", [
    ("minmax", {}), ("zscore", {}), ("goalposts", {"low": 0, "high": 9}), ("rank", {}),
    ("percentile_rank", {}), ("distance_to_target", {"target": 6}), ("distance_to_max", {}),
])
def test_columns_are_normalised_independently(method, params):
    a = np.array([1.0, 5.0, 3.0, NAN, 9.0])
    b = np.array([4.0, 4.0, 4.0, 4.0, NAN])  # constant column
    both = normalise(np.column_stack([a, b]), method, **params)
    close(both[:, 0], normalise(a, method, **params))
    close(both[:, 1], normalise(b, method, **params))
    assert np.isnan(both[3, 0]) and np.isnan(both[4, 1])
    assert np.isfinite(both[:3, 1]).all()  # the constant column gets finite values


def test_bad_method_direction_and_parameters():
    with pytest.raises(GCIError, match="unknown normalisation method 'nope'.*minmax"):
        normalise([1.0, 2.0], "nope")
    with pytest.raises(GCIError, match="direction"):
        normalise([1.0, 2.0], "minmax", direction=2)
    with pytest.raises(GCIError, match="target"):
        normalise([1.0, 2.0], "distance_to_target")


def test_custom_method_registered_by_name():
    def fraction_of_max(x, top=1.0):
        return x / np.nanmax(x, axis=0, keepdims=True) * top

    register_normaliser("fraction_of_max", fraction_of_max, bounded=True)
    try:
        close(normalise([2.0, 5.0, NAN], "fraction_of_max"), [0.4, 1, NAN])
        close(normalise([2.0, 5.0], "fraction_of_max", top=100), [40, 100])
        # a plain function works too
        close(normalise([1.0, 3.0], lambda x: x * 2), [2, 6])
    finally:
        NORMALISERS.pop("fraction_of_max")


def test_frame_global_and_individual_specs_and_pooled():
    df = pd.DataFrame({"a": [1.0, 2, 3], "b": [10.0, 30, 20], "c": [0.0, 5, 10],
                       "name": list("xyz")}, index=["ALB", "BIH", "MNE"])
    out = normalise_frame(df, "minmax", high=1, directions={"b": -1},
                          specs={"c": {"method": "goalposts", "low": 0, "high": 20}})
    close(out["a"], [0, 0.5, 1])
    close(out["b"], [1, 0, 0.5])        # lower is better: (30 - b) / 20
    close(out["c"], [0, 0.25, 0.5])     # c / 20
    assert list(out["name"]) == list("xyz")  # text columns untouched
    # pooled: one min (1) and max (4) over every value
    pooled = normalise_frame(pd.DataFrame({"a": [1.0, 3], "b": [2.0, 4]}), "minmax", pooled=True)
    close(pooled.to_numpy(), [[0, 100 / 3], [200 / 3, 100]])
    with pytest.raises(GCIError, match="unknown column"):
        normalise_frame(df, directions={"zz": -1})


# --- framework integration ----------------------------------------------------------------------
FW = """
framework: norm_test
pillars:
  - code: P
    name: Pillar
    children:
      - code: I
        name: Indicator
        children:
          - {code: N1, name: Staff, type: numeric, normalise: minmax}
          - {code: N2, name: Incidents, type: numeric, direction: -1, target: 2,
             normalise: {method: distance_to_target, cap: true}}
          - {code: B, name: Law, type: binary}
"""
ANSWERS = """iso3,question,answer
DEU,N1,10
DEU,N2,2
DEU,B,yes
FRA,N1,20
FRA,N2,6
FRA,B,no
KEN,N1,30
KEN,N2,10
KEN,B,yes
"""


def test_framework_numeric_question_normalised_across_countries(tmp_path):
    fw = write(tmp_path / "fw.yaml", FW)
    resp = write(tmp_path / "r" / "answers.csv", ANSWERS)
    node = gci.load_framework(fw).nodes["N2"]
    assert (node.normalise, node.direction, dict(node.normalise_params)) == \
        ("distance_to_target", -1, {"cap": True, "target": 2.0})
    r = gci.score(resp, fw, equal_weights(), tiers=None)
    # N1 minmax over 10, 20, 30 (onto 0-1 as credit): 0, 0.5, 1
    # N2 lower is better, target 2, worst (max) 10: (10 - x) / 8 -> DEU 1, FRA 0.5, KEN 0
    # B: 1, 0, 1. One indicator, equal weights: mean of the three credits * 100
    expected = {"DEU": (0 + 1 + 1) / 3 * 100, "FRA": (0.5 + 0.5 + 0) / 3 * 100,
                "KEN": (1 + 0 + 1) / 3 * 100}
    for iso, v in expected.items():
        assert r.overall[iso] == pytest.approx(v)
    q = r.questions.set_index(["iso3", "question"])["credit"]
    assert q[("FRA", "N1")] == pytest.approx(0.5)
    assert q[("DEU", "N2")] == pytest.approx(1.0)


def test_missing_value_left_out_of_the_normalisation(tmp_path):
    fw = write(tmp_path / "fw.yaml", FW)
    resp = write(tmp_path / "r" / "answers.csv", ANSWERS.replace("KEN,N1,30\n", ""))
    r = gci.score(resp, fw, equal_weights(), tiers=None)
    # N1 over DEU 10 and FRA 20 only: 0 and 1; KEN's missing N1 counts 0 (missing=zero)
    assert r.overall["FRA"] == pytest.approx((1 + 0.5 + 0) / 3 * 100)
    assert r.overall["KEN"] == pytest.approx((0 + 0 + 1) / 3 * 100)


def test_direction_reverses_plain_goalposts(tmp_path):
    fw = write(tmp_path / "fw.yaml", FW.replace(
        "normalise: {method: distance_to_target, cap: true}}", "goalposts: [0, 10]}").replace(
        "target: 2,\n", ""))
    resp = write(tmp_path / "r" / "answers.csv", ANSWERS)
    credit = gci.score(resp, fw, equal_weights(), tiers=None).questions.set_index(
        ["iso3", "question"])["credit"]
    # lower is better on [0, 10]: 1 - x / 10 -> 2 -> 0.8, 6 -> 0.4, 10 -> 0
    assert [credit[(c, "N2")] for c in ("DEU", "FRA", "KEN")] == pytest.approx([0.8, 0.4, 0.0])


def test_framework_rejects_bad_normalise_with_file_and_line(tmp_path):
    bad = FW.replace("normalise: minmax}", "normalise: minimax}").replace(
        "{code: B, name: Law, type: binary}", "{code: B, name: Law, type: binary, normalise: rank}")
    fw = write(tmp_path / "fw.yaml", bad)
    with pytest.raises(FrameworkError) as err:
        gci.load_framework(fw)
    text = str(err.value)
    assert "fw.yaml:10" in text and "unknown normalisation method 'minimax'" in text
    assert "only numeric questions are normalised" in text and "[item B]" in text
    gp = write(tmp_path / "gp.yaml", FW.replace("normalise: minmax}", "normalise: goalposts}"))
    with pytest.raises(FrameworkError, match="missing a required argument: 'low'"):
        gci.load_framework(gp)
