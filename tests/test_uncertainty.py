"""Monte Carlo uncertainty: zero noise, hand results on tiny, and a one-at-a-time second method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gci import Responses, score
from gci.analysis.uncertainty import Choices, UncertaintyModel, dense_rank, run_uncertainty
from gci.engine.ranking import rank_scores
from gci.errors import GCIError
from gci.inputs.weights import WeightScheme

# designs with plain geometric/harmonic aggregation are deliberate here (engine checks)
pytestmark = pytest.mark.filterwarnings("ignore::gci.analysis.uncertainty.ZeroAggregationWarning")


@pytest.fixture(scope="module")
def default_inputs(default_result):
    resp = Responses.from_wide(default_result.matrix.raw)
    return resp, default_result.framework, default_result


def _tiny_model(tiny_paths, **choices):
    return UncertaintyModel.build(tiny_paths["responses"], tiny_paths["framework"],
                                  tiny_paths["weights"], choices=Choices(**choices))


def test_zero_noise_every_interval_zero_at_nominal_rank(default_inputs):
    resp, fw, base = default_inputs
    model = UncertaintyModel.build(resp, fw, base.scheme, choices=Choices(spread=0.0))
    res = run_uncertainty(model, draws=200, seed=3)
    t = res.table
    assert (t["interval_width"] == 0).all()
    assert (t["median_rank"] == t["nominal_rank"]).all()
    assert (t["p5_rank"] == t["nominal_rank"]).all()
    # the nominal ranks are the engine's published-style ranks
    expected = base.ranks["global_rank"].reindex(t.index)
    assert (t["nominal_rank"] == expected).all()
    np.testing.assert_allclose(t["nominal_score"], base.overall.reindex(t.index), atol=1e-9)


def test_tiny_hand_results_per_choice(tiny_paths):
    # Hand results: equal scheme DEU 87.5, FRA 50, KEN 25; KEN exclude 37.5 (Q3 left out);
    # geometric overall: DEU sqrt(.75 * 1) * 100 = 86.60, FRA sqrt(.5 * .5) = 50, KEN B = 0 -> 0.
    # a_heavy: DEU 90.625, FRA 45.3125, KEN 28.125.
    model = _tiny_model(tiny_paths, weights="none", schemes=("equal", "a_heavy"),
                        missing=("zero", "exclude"), aggregation=("arithmetic", "geometric"))
    n_w = model.structure.n_nodes - 1
    u = np.full((4, model.dimension), 0.1)
    u[1, n_w + 1] = 0.9          # exclude
    u[2, n_w + 2] = 0.9          # geometric
    u[3, n_w] = 0.9              # a_heavy
    overall = model.score(u)
    idx = [model.countries.index(c) for c in ("DEU", "FRA", "KEN")]
    np.testing.assert_allclose(overall[0, idx], [87.5, 50, 25])
    np.testing.assert_allclose(overall[1, idx[2]], 37.5)
    np.testing.assert_allclose(overall[2, idx], [100 * np.sqrt(0.75), 50, 0])
    np.testing.assert_allclose(overall[3, idx], [90.625, 45.3125, 28.125])


def test_uniform_perturbation_hand(tiny_paths):
    # Pillar weights only, spread 0.5: u = 1 for A -> weight 1.5, u = 0 for B -> 0.5:
    # shares A .75, B .25 -> DEU .75*.75 + .25*1 = .8125 -> 81.25; KEN .75*.5 = 37.5.
    model = _tiny_model(tiny_paths, spread={"pillar": 0.5})
    u = np.full((1, model.dimension), 0.5)
    codes = model.structure.codes
    u[0, codes.index("A") - 1] = 1.0
    u[0, codes.index("B") - 1] = 0.0
    overall = model.score(u)[0]
    assert overall[model.countries.index("DEU")] == pytest.approx(81.25)
    assert overall[model.countries.index("KEN")] == pytest.approx(37.5)
    assert list(model.groups) == ["weights:pillar"]


def test_vectorised_equals_one_at_a_time(default_inputs):
    """Second method: each draw re-scored alone with gci.score and a WeightScheme."""
    resp, fw, base = default_inputs
    model = UncertaintyModel.build(resp, fw, base.scheme, choices=Choices(
        spread=0.3, missing=("zero", "exclude"), aggregation=("arithmetic", "geometric")))
    u = np.random.default_rng(7).random((4, model.dimension))
    n_w = model.structure.n_nodes - 1
    u[:, n_w + 1] = [0.2, 0.7, 0.2, 0.7]   # both policies
    u[:, n_w + 2] = [0.2, 0.2, 0.7, 0.7]   # both aggregations
    overall = model.score(u)
    ranks = model.ranks(overall)
    w, pol, meth = model.decode(u)
    for d in range(len(u)):
        scheme = WeightScheme("draw", dict(zip(model.structure.codes[1:], w[d, 1:])), 100.0)
        one = score(resp, fw, scheme, missing=model.policies[pol[d]],
                    aggregation={"overall": model.aggregations[meth[d]]}, tiers=None)
        np.testing.assert_allclose(overall[d], one.overall.reindex(model.countries), atol=1e-9)
        assert (ranks[d] == one.ranks["global_rank"].reindex(model.countries)
                .to_numpy(float)).all()


def test_engines_and_chunks_agree(default_inputs):
    resp, fw, base = default_inputs
    model = UncertaintyModel.build(resp, fw, base.scheme, choices=Choices(
        weights="dirichlet", concentration=20.0, missing=("zero", "exclude"),
        aggregation=("arithmetic", "geometric", "harmonic")))
    u = np.random.default_rng(1).random((40, model.dimension))
    fast = model.score(u)
    ref = model.score(u, engine="aggregate")
    np.testing.assert_allclose(fast, ref, atol=1e-9)
    seen = []
    small = model.score(u, memory_limit=1, progress=seen.append)   # one draw per chunk
    np.testing.assert_allclose(small, fast, atol=1e-12)
    assert sum(seen) == 40 and max(seen) == 1


def test_seeded_and_reproducible(tiny_paths):
    model = _tiny_model(tiny_paths, spread=0.9, missing=("zero", "exclude"))
    a = run_uncertainty(model, 300, seed=11)
    b = run_uncertainty(model, 300, seed=11)
    c = run_uncertainty(model, 300, seed=12)
    np.testing.assert_array_equal(a.overall, b.overall)
    assert not np.array_equal(a.overall, c.overall)
    assert a.settings["seed"] == 11 and a.settings["draws"] == 300
    assert list(a.table.columns[:4]) == ["name", "itu_region", "nominal_score", "nominal_rank"]


def test_interval_is_percentiles_of_draw_ranks(tiny_paths):
    model = _tiny_model(tiny_paths, spread=0.9, missing=("zero", "exclude"))
    res = run_uncertainty(model, 500, seed=2)
    j = res.countries.index("KEN")
    assert res.table.loc["KEN", "p5_rank"] == np.percentile(res.ranks[:, j], 5)
    assert res.table.loc["KEN", "median_rank"] == np.median(res.ranks[:, j])


def test_dirichlet_moments(tiny_paths):
    # a_heavy pillar shares (.75, .25); Dirichlet(c * s), c = 10: mean s, var s(1-s)/(c+1).
    model = UncertaintyModel.build(tiny_paths["responses"], tiny_paths["framework"],
                                   tiny_paths["weights"], scheme="a_heavy",
                                   choices=Choices(weights="dirichlet",
                                                   concentration={"pillar": 10.0}))
    u = np.random.default_rng(5).random((40000, model.dimension))
    w, _, _ = model.decode(u)
    codes = model.structure.codes
    a, b = w[:, codes.index("A")], w[:, codes.index("B")]
    share = a / (a + b)
    assert share.mean() == pytest.approx(0.75, abs=0.005)
    assert share.var() == pytest.approx(0.75 * 0.25 / 11, rel=0.05)
    # questions untouched: their in-parent shares stay nominal (Q2 3/4 of A1 in a_heavy)
    q1, q2 = w[:, codes.index("Q1")], w[:, codes.index("Q2")]
    np.testing.assert_allclose(q2 / (q1 + q2), 0.75)


def test_dense_rank_matches_rank_scores():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 6, size=(20, 30)).astype(float) + rng.random((20, 30)) * 1e-4
    x[0, :3] = np.nan
    got = dense_rank(x, decimals=2)
    for row in range(20):
        want = rank_scores(pd.Series(x[row]), "dense", 2).to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(got[row], want)


def test_bad_settings_named(tiny_paths):
    with pytest.raises(GCIError) as err:
        _tiny_model(tiny_paths, spread=1.5, missing=("zero", "drop"), aggregation=("median",))
    msg = str(err.value)
    assert "spread 1.5" in msg and "'drop'" in msg and "'median'" in msg
    with pytest.raises(GCIError, match="draws must be at least 1"):
        run_uncertainty(_tiny_model(tiny_paths), draws=0)
    with pytest.raises(GCIError, match="unknown level"):
        _tiny_model(tiny_paths, spread={"pilar": 0.1})


def test_plot_draws_intervals_and_medians(tiny_paths):
    import matplotlib.pyplot as plt

    from gci.present.plots.uncertainty import plot_rank_intervals

    model = _tiny_model(tiny_paths, spread=0.9, missing=("zero", "exclude"))
    res = run_uncertainty(model, 200, seed=4)
    t = res.table.sort_values("nominal_rank")
    ax = plot_rank_intervals(res, label="iso3")
    assert [tl.get_text() for tl in ax.get_yticklabels()] == list(t.index)
    named = plot_rank_intervals(res)  # country names by default
    assert [tl.get_text() for tl in named.get_yticklabels()] == list(t["name"])
    assert list(t["name"])[:1] != list(t.index)[:1]
    legend = named.get_legend().get_window_extent(named.figure.canvas.get_renderer())
    assert legend.y0 >= named.get_window_extent().y1 - 1  # above the axes: covers no row
    segs = ax.collections[0].get_segments()
    for k, iso in enumerate(t.index):
        (x0, y0), (x1, y1) = segs[k]
        assert (x0, x1) == (t.loc[iso, "p5_rank"], t.loc[iso, "p95_rank"]) and y0 == y1 == k
    median_line, nominal_line = ax.lines[0], ax.lines[1]
    np.testing.assert_array_equal(median_line.get_xdata(), t["median_rank"].to_numpy(float))
    np.testing.assert_array_equal(nominal_line.get_xdata(), t["nominal_rank"].to_numpy(float))
    assert ax.get_ylim()[0] > ax.get_ylim()[1]          # best at the top
    fig, given = plt.subplots()
    assert plot_rank_intervals(res.table, ax=given, top=2) is given
    assert len(given.get_yticklabels()) == 2
    plt.close("all")


def test_nominal_policy_used_when_none_varied(tiny_paths):
    # nominal exclude, no policy varied: every draw uses exclude (KEN 37.5, by hand)
    model = UncertaintyModel.build(tiny_paths["responses"], tiny_paths["framework"],
                                   tiny_paths["weights"], missing="exclude",
                                   choices=Choices(weights="none"))
    res = run_uncertainty(model, 20, seed=0)
    j = res.countries.index("KEN")
    np.testing.assert_allclose(res.overall[:, j], 37.5)
    assert res.table.loc["KEN", "nominal_score"] == pytest.approx(37.5)
    assert model.groups == {}


def test_geometric_shifted_hand_and_engines(tiny_paths):
    # tiny, equal weights: KEN pillar A .5, B 0 -> shifted geometric:
    # sqrt((.5 + c)(0 + c)) - c with c = 1/99, i.e. the geometric mean on [1, 100] mapped back.
    c = 1 / 99
    model = _tiny_model(tiny_paths, weights="none", aggregation=("geometric_shifted",))
    u = np.full((1, model.dimension), 0.5)
    idx = model.countries.index("KEN")
    fast = model.score(u)[0, idx]
    slow = model.score(u, engine="aggregate")[0, idx]
    expect = 100 * (np.sqrt((0.5 + c) * c) - c)
    assert fast == pytest.approx(expect, abs=1e-9) and slow == pytest.approx(expect, abs=1e-9)
    assert expect > 0       # not zeroed as by the plain geometric mean
    deu = model.countries.index("DEU")   # DEU A .75, B 1
    assert model.score(u)[0, deu] == pytest.approx(100 * (np.sqrt((.75 + c) * (1 + c)) - c))


def test_zeroing_warning_counts_countries(default_inputs):
    import warnings as w

    from gci.analysis.uncertainty import ZeroAggregationWarning

    resp, fw, base = default_inputs
    pillars = [p.code for p in fw.pillars]
    n_zero = int((base.credit(pillars) == 0).any(axis=1).sum())
    with pytest.warns(ZeroAggregationWarning, match=f"^{n_zero} of {len(base.countries)} "):
        m = UncertaintyModel.build(resp, fw, base.scheme,
                                   choices=Choices(aggregation=("arithmetic", "geometric")))
    assert len(m.notes) == 1
    with w.catch_warnings():
        w.simplefilter("error")
        UncertaintyModel.build(resp, fw, base.scheme,
                               choices=Choices(aggregation=("arithmetic", "geometric_shifted")))


def test_min_ties_in_monte_carlo(default_inputs):
    from scipy.stats import rankdata

    resp, fw, base = default_inputs
    model = UncertaintyModel.build(resp, fw, base.scheme, choices=Choices(spread=0.0),
                                   ties="min")
    res = run_uncertainty(model, draws=5, seed=0)
    expect = rankdata(-base.overall.round(2).to_numpy(), method="min")
    got = res.table["nominal_rank"].reindex(base.countries).to_numpy()
    np.testing.assert_array_equal(got, expect)
    assert res.settings["ties"] == "min" and res.settings["design"]


def test_partial_credit_and_goalposts_hand(tiny_paths):
    # FRA (equal weights): Q1 yes, Q2 partial, Q3 = 5 of goalposts [0, 10], Q4 no; B = .5.
    # nominal 50. partial = .25: A1 = (1 + .25)/2, A = (.625 + .25)/2 -> 46.875.
    # goalposts x0.5 (upper goalpost 5): Q3 = 1, A2 = .5, A = .625 -> 56.25. Both: 53.125.
    # DEU (Q2 in_place, Q3 = 20 beyond either goalpost) stays 87.5.
    model = _tiny_model(tiny_paths, weights="none", partial=(0.25, 0.5),
                        goalposts=(0.5, 1.0))
    n_w = model.structure.n_nodes - 1
    assert model.dimension == n_w + 5
    assert set(model.groups) == {"partial", "goalposts"}
    u = np.full((4, model.dimension), 0.9)           # 0.9: partial .5, goalposts x1
    u[1, n_w + 3] = 0.1                               # partial .25
    u[2, n_w + 4] = 0.1                               # goalposts x0.5
    u[3, n_w + 3] = u[3, n_w + 4] = 0.1               # both
    fra, deu = model.countries.index("FRA"), model.countries.index("DEU")
    for engine in ("fast", "aggregate"):
        out = model.score(u, engine=engine)
        np.testing.assert_allclose(out[:, fra], [50, 46.875, 56.25, 53.125], atol=1e-9)
        np.testing.assert_allclose(out[:, deu], 87.5, atol=1e-9)
    assert any("partial" in d for d in model.design())


def test_partial_credit_power_keeps_order():
    # a 4-level scale (0, 1/3, 2/3, 1): the map c -> c ** (log p / log .5) keeps 0, 1 and order
    c = np.array([0.0, 1 / 3, 2 / 3, 1.0])
    for p in (0.2, 0.5, 0.8):
        k = np.log(p) / np.log(0.5)
        m = np.where((c > 0) & (c < 1), c ** k, c)
        assert m[0] == 0 and m[-1] == 1 and (np.diff(m) > 0).all()
        assert 0.5 ** k == pytest.approx(p)


def test_invalid_partial_and_goalposts(tiny_paths):
    with pytest.raises(GCIError, match="(?s)partial credit 1.5.*goalpost multiplier 0"):
        _tiny_model(tiny_paths, partial=(1.5,), goalposts=(0,))


def test_geometric_shifted_is_rescaled_geometric_mean():
    # the geometric mean of 1 + 99 v (credit rescaled to [1, 100]) mapped back by (g - 1) / 99;
    # scipy's weighted geometric mean as the second method. Zeros do not zero the mean.
    from scipy.stats import gmean

    from gci.engine.aggregate import AGGREGATORS

    rng = np.random.default_rng(3)
    v = rng.random((50, 4))
    v[::5, 1] = 0.0
    w = rng.random(4) + 0.1
    a = np.ones_like(v, dtype=bool)
    num, den = AGGREGATORS["geometric_shifted"](v, a, w)
    expect = (gmean(1 + 99 * v, axis=1, weights=np.broadcast_to(w, v.shape)) - 1) / 99
    np.testing.assert_allclose(num / den, expect, rtol=1e-12, atol=1e-15)
    assert (num / den >= v.min(axis=1) - 1e-15).all() and (num / den > 0).all()
