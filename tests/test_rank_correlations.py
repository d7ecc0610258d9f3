"""gci.analysis.editions.rank_correlations: scipy.stats' rho, tau-b and p-values without it."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from gci.analysis.editions import _betainc, _kendall_p_exact, agreement, rank_correlations


def _samples():
    rng = np.random.default_rng(20261124)
    for trial in range(400):
        n = int(rng.integers(2, 200))
        kind = trial % 4
        if kind == 0:  # continuous, correlated
            x = rng.normal(size=n)
            y = x + rng.normal(size=n) * rng.uniform(0, 3)
        elif kind == 1:  # many ties (answers on a scale)
            x = rng.integers(0, 6, n).astype(float)
            y = rng.integers(0, 8, n).astype(float)
        elif kind == 2:  # untied, nearly the same order (exact Kendall p-value path)
            x = rng.permutation(n).astype(float)
            y = x.copy()
            for _ in range(int(rng.integers(0, 3))):
                i, j = rng.integers(0, n, 2)
                y[i], y[j] = y[j], y[i]
        else:  # scores rounded as published
            x = np.round(rng.uniform(0, 100, n), 1)
            y = np.round(x + rng.normal(0, 5, n), 0)
        if np.ptp(x) > 0 and np.ptp(y) > 0:
            yield x, y


@pytest.mark.parametrize("x,y", list(_samples())[:400:4] + list(_samples())[1:400:4]
                         + list(_samples())[2:400:4] + list(_samples())[3:400:4])
def test_same_as_scipy(x, y):
    got = rank_correlations(x, y)
    rho, tau = stats.spearmanr(x, y), stats.kendalltau(x, y)
    for key, want in (("spearman", rho.statistic), ("spearman_p", rho.pvalue),
                      ("kendall", tau.statistic), ("kendall_p", tau.pvalue)):
        if math.isnan(want):
            assert math.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(float(want), rel=1e-9, abs=1e-300), key


def test_hand_values():
    # 1 2 3 4 against 1 3 2 4: rho = 1 - 6 * 2 / (4 * 15) = 0.8; one discordant pair of six:
    # tau = 4 / 6; exact p of tau: 2 * P(at most 1 inversion in 4!) = 2 * (1 + 3) / 24 = 1/3
    r = rank_correlations(np.array([1.0, 2, 3, 4]), np.array([1.0, 3, 2, 4]))
    assert r["spearman"] == pytest.approx(0.8)
    assert r["kendall"] == pytest.approx(4 / 6)
    assert r["kendall_p"] == pytest.approx(1 / 3)
    # t = 0.8 * sqrt(2 / 0.36); two-sided p of Student's t with 2 d.f.: 1 - t / sqrt(2 + t^2)
    t = 0.8 * math.sqrt(2 / 0.36)
    assert r["spearman_p"] == pytest.approx(1 - t / math.sqrt(2 + t * t))


def test_helpers_by_hand():
    assert _betainc(1.0, 1.0, 0.3) == pytest.approx(0.3)  # uniform distribution
    assert _betainc(2.0, 3.0, 0.4) == pytest.approx(0.5248)  # 1 - sum of binomial(4, 0.4)
    assert _kendall_p_exact(3, 3) == pytest.approx(2 / 6)  # 3 in order: 1 of 3! each side
    assert _kendall_p_exact(5, 10) == pytest.approx(2 / 120)


def test_agreement_keeps_its_keys():
    a = np.arange(10.0)
    s = agreement(pd.Series(a), pd.Series(a[::-1]))
    assert s["spearman"] == pytest.approx(-1.0) and s["kendall"] == pytest.approx(-1.0)
    # every pair discordant: exact p = 2 / 10! (one ordering of 10! at each extreme)
    assert s["spearman_p"] < 1e-60 and s["kendall_p"] == pytest.approx(2 / math.factorial(10))
    assert s["n"] == 10 and s["mean_abs_diff"] == pytest.approx(5.0)


def test_editions_import_does_not_load_scipy_stats():
    code = "import sys, gci.analysis.editions; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
