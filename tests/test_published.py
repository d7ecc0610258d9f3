"""Published GCI data shipped with gci, read back a second way (the csv module)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gci.errors import GCIError
from gci.inputs import published

DATA = Path(published.__file__).parent.parent / "data"  # gci/data


def _raw_2024() -> dict[str, dict[str, float]]:
    with open(DATA / "gci2024_published_pillars.csv", encoding="utf-8", newline="") as fh:
        return {r["iso3"]: {k: float(v) for k, v in r.items() if k != "iso3"}
                for r in csv.DictReader(fh)}


def test_2024_pillars_add_up_to_overall_in_every_row():
    raw = _raw_2024()
    assert len(raw) == 194
    for iso3, row in raw.items():
        total = sum(row[p] for p in published.PILLARS)
        assert total == pytest.approx(row["overall"], abs=1e-6), iso3
        assert all(0.0 <= row[p] <= 20.0 for p in published.PILLARS), iso3


def test_scores_2024_is_the_shipped_table():
    raw = _raw_2024()
    s = published.scores(2024)
    assert list(s.columns) == ["overall", *published.PILLARS]
    assert len(s) == 194 and s.index.is_unique and s.index.name == "iso3"
    for iso3 in ("DNK", "EST", "BRA", "SLV", "AFG"):
        for col in s.columns:
            assert s.loc[iso3, col] == raw[iso3][col]
    # El Salvador as corrected by ITU (see REFERENCE_PROVENANCE.md)
    assert round(s.loc["SLV", "overall"], 2) == 37.29
    assert round(s.loc["BRA", "capacity_development"], 2) == 19.25  # 19.09 in the PDF
    assert np.allclose(s[list(published.PILLARS)].sum(axis=1), s["overall"], atol=1e-6)


def test_pillars_2024_is_tidy():
    raw = _raw_2024()
    long = published.pillars("2024")
    assert list(long.columns) == ["iso3", "pillar", "score"]
    assert len(long) == 194 * 5
    assert list(long["pillar"].iloc[:5]) == list(published.PILLARS)
    assert long["iso3"].iloc[0] == "AFG"
    afg = long[long["iso3"] == "AFG"].set_index("pillar")["score"]
    assert afg.to_dict() == {p: raw["AFG"][p] for p in published.PILLARS}
    # back to wide: the same numbers as scores()
    wide = long.pivot(index="iso3", columns="pillar", values="score")[list(published.PILLARS)]
    pd.testing.assert_frame_equal(wide, published.scores(2024)[list(published.PILLARS)],
                                  check_names=False)


def test_2024_tier_counts_match_itu():
    tiers = published.published_tiers(2024)
    counts = tiers.value_counts()
    got = [int(counts.get(label, 0)) for label in published.TIER_EDITIONS[2024].labels]
    assert got == [46, 29, 49, 56, 14]
    # ITU published: Tier 1 = 46 economies; Tiers 3 + 4 = 105
    assert got[0] == 46 and got[2] + got[3] == 105
    # independently: thresholds on the raw scores rounded to 2 decimals
    raw = _raw_2024()
    by_hand = [sum(1 for r in raw.values() if lo <= round(r["overall"], 2) < hi)
               for lo, hi in ((95, 1e9), (85, 95), (55, 85), (20, 55), (-1, 20))]
    assert by_hand == got
    assert tiers["EST"].startswith("Tier 1")  # 95.04, the closest to a bound


def test_published_results_2024_has_tiers_not_ranks():
    r = published.published_results(2024)
    assert len(r) == 194 and r["global_rank"].isna().all()
    assert r.loc["DNK", "overall"] == 100.0 and r.loc["DNK", "tier"].startswith("Tier 1")
    assert r["overall"].is_monotonic_decreasing
    assert r.loc["KEN", "itu_region"] == "Africa"
    for p in published.PILLARS:
        assert r.loc["AGO", p] == _raw_2024()["AGO"][p]
    with pytest.raises(GCIError, match="GCI 2024 publishes tiers, not ranks"):
        published.published_ranks(2024)


def test_earlier_editions():
    assert published.published_editions() == [2014, 2017, 2018, 2020, 2024]
    assert published.pillar_editions() == [2024]
    s18 = published.scores(2018)
    assert list(s18.columns) == ["overall"]
    assert s18.loc["GBR", "overall"] == pytest.approx(93.1)  # 0.931 published
    with pytest.raises(GCIError, match="no published pillar scores for GCI 2020"):
        published.pillars(2020)
    with pytest.raises(GCIError, match="GCI 2018 publishes ranks, not tiers"):
        published.published_tiers(2018)
    with pytest.raises(GCIError, match="available: 2014, 2017, 2018, 2020, 2024"):
        published.scores(2019)
