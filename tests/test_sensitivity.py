"""Sobol estimator: Ishigami's analytic indices, exact linear cases, and the rank application."""

from __future__ import annotations

import numpy as np
import pytest

from gci.analysis.sensitivity import (
    ishigami,
    ishigami_indices,
    rank_sensitivity,
    sobol_indices,
)
from gci.analysis.uncertainty import Choices, UncertaintyModel

# designs with plain geometric/harmonic aggregation are deliberate here (engine checks)
pytestmark = pytest.mark.filterwarnings("ignore::gci.analysis.uncertainty.ZeroAggregationWarning")


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


# --- the numpy Sobol' sampler ---------------------------------------------------------------
@pytest.mark.parametrize(("dim", "n", "seed"), [(1, 2, 0), (2, 8, 0), (7, 1024, 1),
                                                (40, 1000, 3), (300, 64, 7)])
def test_scrambled_sobol_is_scipys_sequence(dim, n, seed):
    """Second method: scipy's own engine, same generator -> the very same points."""
    import warnings

    from scipy.stats import qmc

    from gci.analysis.sensitivity import scrambled_sobol

    ours = scrambled_sobol(n, dim, np.random.default_rng(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n = 1000: scipy warns about the balance property
        ref = qmc.Sobol(dim, scramble=True, rng=np.random.default_rng(seed)).random(n)
    np.testing.assert_array_equal(ours, ref)


def test_scrambled_sobol_generator_is_consumed_like_scipys():
    from scipy.stats import qmc

    from gci.analysis.sensitivity import scrambled_sobol

    g1, g2 = np.random.default_rng(11), np.random.default_rng(11)
    a1, a2 = scrambled_sobol(16, 3, g1), scrambled_sobol(16, 3, g1)
    b1, b2 = qmc.Sobol(3, rng=g2).random(16), qmc.Sobol(3, rng=g2).random(16)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)  # a used generator gives a new scramble


def test_scrambled_sobol_balance():
    # a (0, m, s)-net property: 2^m points put exactly one point in each 1/2^m interval of every
    # coordinate (any scrambling keeps it)
    from gci.analysis.sensitivity import scrambled_sobol

    x = scrambled_sobol(256, 5, np.random.default_rng(4))
    assert ((x >= 0) & (x < 1)).all()
    for col in x.T:
        assert sorted(np.floor(col * 256).astype(int)) == list(range(256))


def test_scrambled_sobol_falls_back_to_scipy(monkeypatch):
    import gci.analysis.sensitivity as sens

    ref = sens.scrambled_sobol(32, 4, np.random.default_rng(5))
    monkeypatch.setattr(sens, "_scipy_direction_table", lambda: None)
    np.testing.assert_array_equal(sens.scrambled_sobol(32, 4, np.random.default_rng(5)), ref)


def test_linear_model_first_order_indices_w2_var():
    # f = sum w_i x_i with x_i uniform on [0, c_i]: S1_i = ST_i = w_i^2 var_i / sum, var_i =
    # c_i^2 / 12 (analytic)
    w, c = np.array([3.0, -1.0, 0.5, 2.0]), np.array([1.0, 4.0, 2.0, 0.5])
    expected = w ** 2 * c ** 2 / np.sum(w ** 2 * c ** 2)
    res = sobol_indices(lambda u: (u * c) @ w, 4, 2 ** 13, seed=3)
    np.testing.assert_allclose(res.first[:, 0], expected, atol=0.01)
    np.testing.assert_allclose(res.total[:, 0], expected, atol=0.01)


def test_sensitivity_does_not_import_scipy_stats():
    """Importing scipy.stats took longer than the whole default analysis (issue 10)."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from gci.analysis.sensitivity import sobol_indices\n"
            "sobol_indices(lambda u: u.sum(axis=1), 3, 64)\n"
            "print('scipy.stats' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_non_power_of_two_sample_warns_as_scipy_did():
    with pytest.warns(UserWarning, match=r"power of 2 \(e\.g\. 128\)"):
        sobol_indices(lambda u: u.sum(axis=1), 2, 100)
