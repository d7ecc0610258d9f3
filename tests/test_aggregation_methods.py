"""Aggregation methods by name: weighted means worked out by hand, zeros, missing children."""

from __future__ import annotations

import math

import numpy as np
import pytest

import gci
from gci.engine.aggregate import (
    AGGREGATORS,
    Structure,
    aggregate,
    generalised_mean,
    register_generalised_mean,
)
from gci.engine.scoring import node_weights, question_inputs
from gci.inputs.weights import equal_weights


def mean_of(method, v, w, a=None):
    """Parent value of one parent with children values v, weights w (all available)."""
    v = np.array([v], float)
    w = np.array([w], float)
    a = np.ones_like(v, bool) if a is None else np.array([a], bool)
    fn = AGGREGATORS[method] if isinstance(method, str) else method
    num, den = fn(v, a, w)
    return float(num[0] / den[0])


# children 0.2 (weight 1) and 0.8 (weight 3)
V, W = [0.2, 0.8], [1.0, 3.0]


def test_weighted_means_by_hand():
    assert mean_of("arithmetic", V, W) == pytest.approx((0.2 + 3 * 0.8) / 4)          # 0.65
    assert mean_of("geometric", V, W) == pytest.approx(0.2 ** 0.25 * 0.8 ** 0.75)   # 0.5657
    assert mean_of("harmonic", V, W) == pytest.approx(4 / (1 / 0.2 + 3 / 0.8))      # 0.4571
    # quadratic: sqrt((0.04 + 3 * 0.64) / 4) = sqrt(0.49) = 0.7
    assert mean_of("power_2", V, W) == pytest.approx(0.7)
    assert mean_of("quadratic", V, W) == pytest.approx(0.7)
    # p = 1/2: ((sqrt .2 + 3 sqrt .8) / 4)^2 = (7 sqrt .2 / 4)^2 = 49 * 0.2 / 16 = 0.6125
    assert mean_of("power_0.5", V, W) == pytest.approx(0.6125)
    # cube: ((0.008 + 3 * 0.512) / 4) ** (1/3)
    assert mean_of("power_3", V, W) == pytest.approx((1.544 / 4) ** (1 / 3))
    assert mean_of("power_0", V, W) == pytest.approx(mean_of("geometric", V, W))
    assert mean_of("power_-1", V, W) == pytest.approx(mean_of("harmonic", V, W))


def test_power_means_are_ordered():
    v, w = [0.1, 0.4, 0.9], [2.0, 1.0, 1.0]
    means = [mean_of(m, v, w) for m in ("harmonic", "geometric", "arithmetic", "power_2",
                                         "power_3")]
    assert means == sorted(means) and len(set(np.round(means, 9))) == 5


def test_zeros_under_each_mean():
    v, w = [0.0, 0.8], [1.0, 3.0]
    assert mean_of("arithmetic", v, w) == pytest.approx(0.6)
    assert mean_of("geometric", v, w) == 0.0       # a zero child makes the geometric mean 0
    assert mean_of("harmonic", v, w) == 0.0
    # p > 0: the zero counts as 0 ** 2: sqrt(3 * 0.64 / 4) = sqrt(0.48)
    assert mean_of("power_2", v, w) == pytest.approx(math.sqrt(0.48))
    assert mean_of(generalised_mean(2), v, w) == pytest.approx(math.sqrt(0.48))
    # a zero with weight 0, or an unavailable zero, does not count
    assert mean_of("geometric", v, [0.0, 1.0]) == pytest.approx(0.8)
    assert mean_of("geometric", v, w, a=[False, True]) == pytest.approx(0.8)
    assert mean_of("harmonic", v, w, a=[False, True]) == pytest.approx(0.8)


def test_generalised_mean_registration():
    assert generalised_mean(1) is AGGREGATORS["arithmetic"]
    name = register_generalised_mean(4)
    try:
        assert name == "power_4"
        assert mean_of(name, V, W) == pytest.approx(((0.2 ** 4 + 3 * 0.8 ** 4) / 4) ** 0.25)
    finally:
        AGGREGATORS.pop(name)


def run(tiny_paths, **kw):
    return gci.score(tiny_paths["responses"], tiny_paths["framework"], tiny_paths["weights"],
                     **kw)


def test_per_level_methods_on_tiny(tiny_paths):
    # pillar credits (equal scheme, see test_scoring): DEU A 0.75 B 1; FRA 0.5 0.5; KEN 0.5 0
    r = run(tiny_paths, aggregation={"overall": "geometric"})
    assert r.overall["DEU"] == pytest.approx(100 * math.sqrt(0.75 * 1.0))
    assert r.overall["FRA"] == pytest.approx(50.0)
    assert r.overall["KEN"] == 0.0  # pillar B is 0
    r = run(tiny_paths, aggregation={"overall": "power_2"})
    assert r.overall["DEU"] == pytest.approx(100 * math.sqrt((0.75 ** 2 + 1) / 2))
    assert r.overall["KEN"] == pytest.approx(100 * math.sqrt(0.25 / 2))
    r = run(tiny_paths, aggregation={"overall": "harmonic"})
    assert r.overall["DEU"] == pytest.approx(100 * 2 / (1 / 0.75 + 1))


def test_unknown_method_is_rejected(tiny_paths):
    with pytest.raises(gci.GCIError, match="aggregation 'power_9'"):
        run(tiny_paths, aggregation="power_9")


def test_drop_leaves_an_aggregate_missing_and_reweights_the_parent(tiny_paths):
    fw = gci.load_framework(tiny_paths["framework"])
    r = run(tiny_paths)
    s = Structure.of(fw)
    credit, avail = question_inputs(r.matrix, "zero")
    w = node_weights(equal_weights(), s)
    drop = np.zeros((3, s.n_nodes), bool)
    deu = r.matrix.countries.index("DEU")
    drop[deu, s.codes.index("B")] = True
    value, av, share = aggregate(s, credit, avail, w, drop=drop)
    assert np.isnan(value[deu, s.codes.index("B")]) and not av[deu, s.codes.index("B")]
    assert value[deu, 0] == pytest.approx(0.75)   # overall = pillar A alone (0.75, not 0.875)
    assert share[deu, s.codes.index("A")] == pytest.approx(1.0)
    assert share[deu, s.codes.index("Q5")] == 0.0
    assert value[deu, s.codes.index("B1")] == pytest.approx(1.0)  # below B: unchanged
    fra = r.matrix.countries.index("FRA")
    assert value[fra, 0] == pytest.approx(0.5)  # other countries unchanged


def test_score_warns_when_a_geometric_mean_zeroes_countries(default_result):
    # issue 9: a geometric overall is 0 for every country with one pillar at 0 -- say so.
    # Expected set worked out independently: pillars at 0 in the arithmetic run.
    import gci

    zero_pillar = set(default_result.pillars.index[(default_result.pillars == 0).any(axis=1)])
    assert len(zero_pillar) > 10  # the synthetic 2024 demo has such countries
    geo = gci.score(aggregation={"overall": "geometric"})
    assert set(geo.overall.index[geo.overall == 0]) == zero_pillar
    v = geo.validation
    (msg,) = v.loc[v["kind"] == "zeroing_aggregation", "message"]
    assert msg.startswith(f"{len(zero_pillar)} of 194 countries get an overall score of 0")
    assert "'geometric' mean" in msg and "geometric_shifted" in msg
    assert "zeroing_aggregation" not in set(default_result.validation["kind"])
    shifted = gci.score(aggregation={"overall": "geometric_shifted"})
    assert "zeroing_aggregation" not in set(shifted.validation["kind"])
    assert (shifted.overall[sorted(zero_pillar)] > 0).all()
