"""Edition comparison: small synthetic editions by hand, tiny responses, published data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gci.analysis.editions import (
    agreement,
    compare_editions,
    compare_published,
    published_editions,
    published_results,
    score_editions,
)
from gci.errors import GCIError


def _edition(rows):
    return pd.DataFrame(rows, columns=["iso3", "name", "overall", "global_rank", "P"]
                        ).set_index("iso3")


def test_synthetic_editions_by_hand():
    old = _edition([("AAA", "A", 80.0, 1, 40.0), ("BBB", "B", 70.0, 2, 30.0),
                    ("CCC", "C", 60.0, 3, 20.0)])
    new = _edition([("AAA", "A", 65.0, 2, 35.0), ("BBB", "B", 75.0, 1, 40.0),
                    ("DDD", "D", 50.0, 3, 10.0)])
    c = compare_editions(old, new, labels=(2019, 2020))
    t = c.table
    # AAA: 80 -> 65 = -15, rank 1 -> 2 = one place lost; pillar P 40 -> 35 = -5
    assert t.loc["AAA", "overall_change"] == -15.0
    assert t.loc["AAA", "rank_change"] == -1
    assert t.loc["AAA", "P_change"] == -5.0
    # BBB: 70 -> 75 = +5, rank 2 -> 1 = one place gained; P +10
    assert t.loc["BBB", "overall_change"] == 5.0
    assert t.loc["BBB", "rank_change"] == 1
    assert t.loc["BBB", "P_change"] == 10.0
    assert t.loc["CCC", "status"] == "dropped" and pd.isna(t.loc["CCC", "overall_new"])
    assert t.loc["DDD", "status"] == "new" and pd.isna(t.loc["DDD", "rank_change"])
    assert list(c.up.index) == ["BBB"] and list(c.down.index) == ["AAA"]
    # in both: (80, 70) -> (65, 75): order reversed -> Spearman -1, Kendall -1;
    # |changes| 15 and 5 -> mean 10, rmse sqrt((225 + 25) / 2)
    assert c.stats["n"] == 2
    assert c.stats["spearman"] == pytest.approx(-1.0)
    assert c.stats["kendall"] == pytest.approx(-1.0)
    assert c.stats["mean_abs_diff"] == pytest.approx(10.0)
    assert c.stats["rmse"] == pytest.approx(np.sqrt(125.0))
    assert c.labels == (2019, 2020)


def test_agreement_hand_values():
    a = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    b = pd.Series([1.0, 3.0, 2.0, 4.0], index=list("abcd"))
    s = agreement(a, b)
    # rank differences 0, 1, 1, 0: rho = 1 - 6 * 2 / (4 * 15) = 0.8; one discordant pair of
    # six: tau = (5 - 1) / 6
    assert s["spearman"] == pytest.approx(0.8)
    assert s["kendall"] == pytest.approx(4 / 6)
    assert s["mean_abs_diff"] == pytest.approx(0.5)


def test_tiny_editions_scored(tiny_paths, tmp_path):
    # 2021: KEN answers Q5 and Q6 yes -> B 0 -> 50, overall 25 -> 75, rank 3 -> 2; FRA 2 -> 3.
    text = tiny_paths["responses"].joinpath("answers.csv").read_text()
    text = text.replace("KEN,Q5,no", "KEN,Q5,yes").replace("KEN,Q6,no", "KEN,Q6,yes")
    later = tmp_path / "answers2021.csv"
    later.write_text(text)
    eds = score_editions({2020: tiny_paths["responses"], 2021: later},
                         tiny_paths["framework"], tiny_paths["weights"])
    c = compare_editions(eds[2020], eds[2021], labels=(2020, 2021))
    t = c.table
    assert t.loc["KEN", "overall_change"] == pytest.approx(50.0)
    assert t.loc["KEN", "B_change"] == pytest.approx(50.0)
    assert t.loc["KEN", "A_change"] == pytest.approx(0.0)
    assert (t.loc["KEN", "rank_old"], t.loc["KEN", "rank_new"]) == (3, 2)
    assert t.loc["FRA", "rank_change"] == -1 and t.loc["DEU", "rank_change"] == 0
    assert list(c.up.index) == ["KEN"] and list(c.down.index) == ["FRA"]


def test_published_2018_vs_2020():
    # From gci/data/gci_published_scores.csv:
    # GBR 2018 0.931 rank 1 -> 2020 99.54 rank 2; DEU 0.849 rank 22 -> 97.41 rank 13;
    # KEN 0.748 rank 44 -> 81.70 rank 51; USA 0.926 rank 2 -> 100.0 rank 1.
    c = compare_editions(published_results(2018), published_results(2020))
    t = c.table
    assert t.loc["GBR", "overall_change"] == pytest.approx(99.54 - 93.1)
    assert t.loc["GBR", "rank_change"] == -1
    assert t.loc["DEU", "overall_change"] == pytest.approx(97.41 - 84.9)
    assert t.loc["DEU", "rank_change"] == 9
    assert t.loc["KEN", "rank_change"] == -7
    assert t.loc["USA", "rank_change"] == 1
    assert c.stats["n"] == 194
    assert 0.9 < c.stats["spearman"] < 1.0


def test_published_results_scale_and_errors():
    assert published_editions() == [2014, 2017, 2018, 2020, 2024]
    p17 = published_results("2017")
    assert p17.loc["USA", "overall"] == pytest.approx(91.9)      # 0.919 on 0-1
    assert p17.loc["USA", "published_score"] == pytest.approx(0.919)
    assert p17.loc["USA", "global_rank"] == 2
    with pytest.raises(GCIError, match="no published GCI results for edition 2019; "
                                       "available: 2014, 2017, 2018, 2020"):
        published_results(2019)


def test_published_label_in_score_editions():
    eds = score_editions({2018: "published", "2020": "Published"})
    assert eds[2018].loc["FRA", "global_rank"] == 3
    assert eds["2020"].loc["FRA", "overall"] == pytest.approx(97.6)


def test_compare_published_with_computed(default_result):
    c = compare_published(default_result, 2020)
    t = c.table
    # overall_change = computed - published
    assert t.loc["USA", "overall_change"] == pytest.approx(
        default_result.overall["USA"] - 100.0)
    assert t.loc["USA", "rank_old"] == 1
    assert t.loc["USA", "rank_new"] == default_result.ranks.loc["USA", "global_rank"]
    assert c.labels == ("published 2020", "computed")
    assert c.stats["n"] == 194
