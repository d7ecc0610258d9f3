"""Sobol estimator: Ishigami's analytic indices, exact linear cases, and the rank application."""

from __future__ import annotations

import numpy as np
import pytest

from gci.sensitivity import (
    ishigami,
    ishigami_indices,
    rank_sensitivity,
    sobol_indices,
)
from gci.uncertainty import Choices, UncertaintyModel

# designs with plain geometric/harmonic aggregation are deliberate here (engine checks)
pytestmark = pytest.mark.filterwarnings("ignore::gci.uncertainty.ZeroAggregationWarning")


def test_ishigami_analytic_values():
    # published values for a = 7, b = 0.1
    ref = ishigami_indices()
    np.testing.assert_allclose(ref["S1"], [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(ref["ST"], [0.5576, 0.4424, 0.2437], atol=1e-4)


def test_estimator_on_ishigami():
    # N = 2^14 scrambled Sobol' points (81,920 evaluations): the estimates are within 0.02
    # (their standard error at this size is well under 0.01).
    res = sobol_indices(lambda u: ishigami(2 * np.pi * u - np.pi), 3, 2 ** 14, seed=1)
    np.testing.assert_allclose(res.first[:, 0], [0.3139, 0.4424, 0.0], atol=0.02)
    np.testing.assert_allclose(res.total[:, 0], [0.5576, 0.4424, 0.2437], atol=0.02)
    assert res.names == ["x1", "x2", "x3"]


def test_estimator_on_ishigami_random_sampling():
    res = sobol_indices(lambda u: ishigami(2 * np.pi * u - np.pi), 3, 2 ** 15, seed=2,
                        method="random")
    np.testing.assert_allclose(res.first[:, 0], [0.3139, 0.4424, 0.0], atol=0.04)
    np.testing.assert_allclose(res.total[:, 0], [0.5576, 0.4424, 0.2437], atol=0.04)


def test_linear_function_and_groups():
    # f = x1 + 2 x2 (+ 0 x3), uniform inputs: Var = 1/12 + 4/12; S1 = ST = (1/5, 4/5, 0).
    def f(u):
        return u[:, 0] + 2 * u[:, 1]

    res = sobol_indices(f, 3, 2 ** 12, seed=0)
    np.testing.assert_allclose(res.first[:, 0], [0.2, 0.8, 0.0], atol=0.01)
    np.testing.assert_allclose(res.total[:, 0], [0.2, 0.8, 0.0], atol=0.01)
    grouped = sobol_indices(f, 3, 2 ** 12, groups={"x1+x2": [0, 1], "x3": [2]}, seed=0)
    np.testing.assert_allclose(grouped.total[:, 0], [1.0, 0.0], atol=0.01)
    assert list(grouped.table().index) == ["x1+x2", "x3"]


def test_constant_output_gives_nan():
    res = sobol_indices(lambda u: np.zeros(len(u)), 2, 64)
    assert np.isnan(res.first).all() and np.isnan(res.total).all()


@pytest.fixture(scope="module")
def model(default_result):
    from gci import Responses

    resp = Responses.from_wide(default_result.matrix.raw)
    return UncertaintyModel.build(resp, default_result.framework, default_result.scheme,
                                  choices=Choices(weights="none",
                                                  aggregation=("arithmetic", "geometric")))


def test_single_factor_explains_everything(model):
    # Only the aggregation varies: it is the one factor, so S1 = ST = 1 up to sampling error.
    res = rank_sensitivity(model, n=256, seed=0)
    assert list(res.summary.index) == ["aggregation"]
    assert res.summary.loc["aggregation", "ST"] == pytest.approx(1.0, abs=0.1)
    assert res.summary.loc["aggregation", "S1"] == pytest.approx(1.0, abs=0.1)
    assert set(res.countries.columns) == {"iso3", "factor", "S1", "ST"}
    assert len(res.countries) == len(model.countries)


def test_dominant_factor_ranked_first(default_result):
    from gci import Responses

    # pillar weights vary a little, aggregation a lot; the (inactive) question weights are
    # not a factor at all
    resp = Responses.from_wide(default_result.matrix.raw)
    m = UncertaintyModel.build(resp, default_result.framework, default_result.scheme,
                               choices=Choices(spread={"pillar": 0.05},
                                               aggregation=("arithmetic", "geometric")))
    res = rank_sensitivity(m, n=128, seed=1)
    assert list(res.summary.index) == ["weights:pillar", "aggregation"]
    assert res.summary.loc["aggregation", "ST"] > res.summary.loc["weights:pillar", "ST"]


def test_bootstrap_intervals_cover_the_linear_case():
    # f = x1 + 2 x2: S1 = (0.2, 0.8); the 95% bootstrap intervals contain the truth and the
    # estimate, and shrink with n.
    def f(u):
        return u[:, 0] + 2 * u[:, 1]

    res = sobol_indices(f, 2, 2 ** 12, seed=0, bootstrap=300)
    t = res.table()
    assert ((t["S1_low"] <= [0.2, 0.8]) & (t["S1_high"] >= [0.2, 0.8])).all()
    assert ((t["S1_low"] <= t["S1"]) & (t["S1"] <= t["S1_high"])).all()
    small = sobol_indices(f, 2, 2 ** 8, seed=0, bootstrap=300).table()
    assert ((small["S1_high"] - small["S1_low"]) > (t["S1_high"] - t["S1_low"])).all()


def test_rank_sensitivity_measure_ties_and_settings(default_result):
    from gci import Responses

    resp = Responses.from_wide(default_result.matrix.raw)
    m = UncertaintyModel.build(resp, default_result.framework, default_result.scheme,
                               choices=Choices(spread={"pillar": 0.2},
                                               aggregation=("arithmetic",
                                                            "geometric_shifted")))
    res = rank_sensitivity(m, n=64, seed=0, bootstrap=50)
    assert res.settings["ties"] == "min" and res.settings["measure"] == "rank"
    assert any("geometric_shifted" in d for d in res.settings["design"])
    assert {"S1_low", "ST_high"} <= set(res.summary.columns)
    sc = rank_sensitivity(m, n=64, seed=0, measure="score", bootstrap=0)
    assert sc.settings["measure"] == "score" and sc.settings["ties"] is None
    # per-country score indices: the score of a country moves, so ST is defined and >= 0
    assert (sc.countries["ST"].dropna() >= -0.05).all()
    with pytest.raises(Exception, match="measure"):
        rank_sensitivity(m, n=8, measure="points")
