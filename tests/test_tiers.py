"""Tier bounds of GCI 2024 at the exact thresholds, with rounding to 2 decimals."""

from __future__ import annotations

import pandas as pd
import pytest

from gci.inputs.tiers import GCI2024, TierScheme, get_tier_scheme

T1, T2, T3, T4, T5 = GCI2024.labels


@pytest.mark.parametrize("bound, at, below", [(95, T1, T2), (85, T2, T3), (55, T3, T4),
                                              (20, T4, T5)])
def test_bounds_are_inclusive_at_every_threshold(bound, at, below):
    # exactly on the bound is in the upper tier (>=, not >); one hundredth below is not
    got = GCI2024.assign(pd.Series([float(bound), bound - 0.01, bound + 0.01]))
    assert list(got) == [at, below, at]


@pytest.mark.parametrize("bound, at, below", [(95, T1, T2), (85, T2, T3), (55, T3, T4),
                                              (20, T4, T5)])
def test_scores_are_rounded_to_two_decimals_before_tiering(bound, at, below):
    # 94.999999999 prints as 95.00 and is Tier 1; 94.996 rounds up to 95.00; 94.994 rounds
    # down to 94.99 (documented in gci.inputs.tiers: GCI2024.decimals == 2)
    got = GCI2024.assign(pd.Series([bound - 1e-9, bound - 0.004, bound - 0.006, bound + 1e-9]))
    assert list(got) == [at, at, below, at]


def test_exact_comparison_when_decimals_is_none():
    exact = TierScheme("exact", ("hi", "lo"), (95.0, 0.0), decimals=None)
    assert list(exact.assign(pd.Series([94.999999999, 95.0]))) == ["lo", "hi"]


def test_scheme_names_its_edition_and_missing_scores():
    assert GCI2024.edition == "GCI 2024" and GCI2024.decimals == 2
    assert get_tier_scheme("gci2024") is GCI2024
    got = GCI2024.assign(pd.Series([0.0, float("nan"), 100.0]))
    assert got.iloc[0] == T5 and got.iloc[1] is None and got.iloc[2] == T1
