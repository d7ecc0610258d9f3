"""`gci compare`: movers by position among the countries in both editions, not dense ranks.

Expected values are worked out independently of gci.analysis.editions: positions with
``scipy.stats.rankdata(method="min")`` on the raw published table
(``gci/data/gci_published_scores.csv``), Spearman as the Pearson correlation of average ranks,
and small editions by hand.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from gci.analysis.editions import common_positions, compare_editions, published_results
from gci.cli.analysis import _corr
from gci.cli.app import main


def raw_scores(edition: int) -> pd.Series:
    """The published score of an edition on 0-100, read straight from the shipped CSV."""
    with resources.files("gci.data").joinpath("gci_published_scores.csv").open() as fh:
        t = pd.read_csv(fh)
    s = t[t["edition"] == edition].set_index("iso3")["score"].astype(float)
    return (s * 100 if s.max() <= 1 else s).round(2)


@pytest.fixture(scope="module")
def c1820():
    return compare_editions(published_results(2018), published_results(2020),
                            labels=(2018, 2020), top=10)


def test_positions_match_scipy_on_published_2018_2020(c1820):
    old, new = raw_scores(2018), raw_scores(2020)
    common = old.index.intersection(new.index)
    assert len(common) == 194 == c1820.stats["n"]
    pos_old = pd.Series(stats.rankdata(-old[common].to_numpy(), method="min"), index=common)
    pos_new = pd.Series(stats.rankdata(-new[common].to_numpy(), method="min"), index=common)
    t = c1820.table.loc[common]
    assert (t["position_old"].astype(int) == pos_old).all()
    assert (t["position_new"].astype(int) == pos_new).all()


def test_a_riser_is_no_longer_listed_as_a_faller(c1820):
    # Maldives: 0.004 (2018, dense rank 175) -> 2.95 (2020, dense rank 177). The dense ranks say
    # "fell 2 places"; in fact its score rose and it overtook 9 countries, none overtook it.
    t = c1820.table
    assert t.loc["MDV", "rank_old"] == 175 and t.loc["MDV", "rank_new"] == 177
    assert t.loc["MDV", "rank_change"] == -2
    assert t.loc["MDV", "overall_change"] == pytest.approx(2.95 - 0.4)
    old, new = raw_scores(2018), raw_scores(2020)
    passed = int(((old > old["MDV"]) & (new < new["MDV"])).sum())  # by hand, from the CSV
    assert passed == 9 and t.loc["MDV", "passed"] == 9 and t.loc["MDV", "passed_by"] == 0
    assert t.loc["MDV", "position_old"] == 194 and t.loc["MDV", "position_new"] == 185
    assert t.loc["MDV", "position_change"] == 9
    assert "MDV" not in c1820.down.index
    # every listed faller was overtaken by someone; every riser overtook someone
    assert (c1820.down["passed_by"] > 0).all() and (c1820.up["passed"] > 0).all()
    assert c1820.down["position_change"].is_monotonic_increasing
    assert list(c1820.up.index[:2]) == ["TCD", "TGO"]  # 57 and 52 places among the 194


def test_correlations_on_the_common_set_match_independent_values(c1820):
    old, new = raw_scores(2018), raw_scores(2020)
    common = old.index.intersection(new.index)
    x, y = old[common].to_numpy(), new[common].to_numpy()
    rho = np.corrcoef(stats.rankdata(x), stats.rankdata(y))[0, 1]  # Spearman by definition
    assert c1820.stats["spearman"] == pytest.approx(rho, abs=1e-12)
    assert c1820.stats["kendall"] == pytest.approx(stats.kendalltau(x, y).statistic)
    assert c1820.stats["moved"] == int((stats.rankdata(-x, method="min")
                                        != stats.rankdata(-y, method="min")).sum())


def test_position_changes_from_ties_only_are_flagged_not_movers():
    def ed(scores):
        s = pd.Series(scores, dtype=float)
        return pd.DataFrame({"name": s.index, "overall": s,
                             "global_rank": s.rank(method="dense", ascending=False)})

    # C was tied with B (place 2), then scores 45: place 3, but nobody overtook C.
    # E was behind D (place 5), then ties with D: place 4, but E overtook nobody.
    old = ed({"A": 60, "B": 50, "C": 50, "D": 30, "E": 20})
    new = ed({"A": 60, "B": 50, "C": 45, "D": 30, "E": 30})
    c = compare_editions(old, new)
    t = c.table
    assert (t.loc["C", "position_old"], t.loc["C", "position_new"]) == (2, 3)
    assert (t.loc["E", "position_old"], t.loc["E", "position_new"]) == (5, 4)
    assert bool(t.loc["C", "ties_only"]) and bool(t.loc["E", "ties_only"])
    assert not t.loc[["A", "B", "D"], "ties_only"].any()
    assert c.up.empty and c.down.empty
    assert c.stats["moved"] == 2 and c.stats["ties_only"] == 2
    # a real pass: C (45, behind B) overtakes B; from a tie (C 50 -> 55 above) it would not be
    c2 = compare_editions(ed({"A": 60, "B": 50, "C": 45, "D": 30, "E": 20}),
                          ed({"A": 60, "B": 50, "C": 55, "D": 30, "E": 20}))
    assert list(c2.up.index) == ["C"] and list(c2.down.index) == ["B"]
    assert c2.table.loc["C", "passed"] == 1 and c2.table.loc["B", "passed_by"] == 1


def test_common_positions_round_before_comparing():
    pos = common_positions(pd.Series({"A": 50.004, "B": 50.0}),
                           pd.Series({"A": 50.0, "B": 50.001}))
    assert pos["position_old"].tolist() == [1, 1]  # 50.00 and 50.00: a tie as printed
    assert not pos["ties_only"].any() and (pos["position_change"] == 0).all()


def test_methodology_notes():
    c = compare_editions(published_results(2018), published_results(2020), labels=(2018, 2020))
    assert len(c.notes) == 2
    assert "2018 and 2020 are not like for like" in c.notes[0]
    assert "0-1 and 0-100" in c.notes[1]
    same = compare_editions(published_results(2020), published_results(2020),
                            labels=("published 2020", "published 2020"))
    assert same.notes == [] and same.stats["moved"] == 0 and same.stats["spearman"] == 1.0
    bare = compare_editions(published_results(2020)[["name", "overall", "global_rank"]],
                            published_results(2020)[["name", "overall", "global_rank"]])
    assert len(bare.notes) == 1 and "is not known" in bare.notes[0]


def test_correlation_text_never_rounds_to_one():
    assert _corr(1.0) == "1.0000"
    assert _corr(0.99996) == "0.999960"  # "1.000" would hide that positions moved
    assert _corr(0.94110710) == "0.9411"
    assert _corr(float("nan")) == "n/a"


def test_cli_compare_prints_positions_and_warns(tmp_path):
    run = CliRunner().invoke(main, ["compare", "--edition", "2018=published", "--edition",
                                    "2020=published", "--top", "3", "-q"])
    assert run.exit_code == 0, run.output
    out = run.stdout
    assert "2018 -> 2020: 194 countries in both editions" in out
    assert "Spearman 0.9411, Kendall tau-b 0.7879 (n=194)" in out
    assert "185 of 194 countries changed position (0 only through ties" in out
    assert "TCD" in out and "GAB" in out  # the biggest riser and faller among the 194
    assert "not like for like" in run.stderr and "not like for like" not in out
