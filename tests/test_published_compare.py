"""`gci compare --published 2024`: pillar by pillar differences and the tier agreement table."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from gci.analysis.editions import compare_published, score_editions, tier_agreement
from gci.cli.app import main
from gci.inputs import published
from gci.inputs.tiers import GCI2024


def _computed() -> pd.DataFrame:
    """Published 2024 with three countries changed by hand (a stand-in for a computed run)."""
    t = published.published_results(2024).drop(columns=["tier", "published_score"])
    # DNK 100 -> legal 20 -> 10: overall 90, Tier 1 -> Tier 2 (one tier down)
    t.loc["DNK", "legal"] -= 10.0
    t.loc["DNK", "overall"] -= 10.0
    # AFG 18.42 -> +5 cooperation: 23.42, Tier 5 -> Tier 4 (one tier up)
    t.loc["AFG", "cooperation"] += 5.0
    t.loc["AFG", "overall"] += 5.0
    # KEN: +1 technical, stays in its tier
    t.loc["KEN", "technical"] += 1.0
    t.loc["KEN", "overall"] += 1.0
    t["global_rank"] = t["overall"].rank(method="dense", ascending=False).astype("Int64")
    return t


def test_compare_published_2024_pillars_and_tiers():
    c = compare_published(_computed(), 2024)
    t = c.table
    assert c.labels == ("published 2024", "computed")
    assert t.loc["DNK", "legal_change"] == pytest.approx(-10.0)
    assert t.loc["DNK", "overall_change"] == pytest.approx(-10.0)
    assert t.loc["AFG", "cooperation_change"] == pytest.approx(5.0)
    assert t.loc["KEN", "technical_change"] == pytest.approx(1.0)
    others = t.drop(index=["DNK", "AFG", "KEN"])
    for p in published.PILLARS:
        assert (others[f"{p}_change"].abs() < 1e-12).all()
    assert t.loc["DNK", ["tier_old", "tier_new", "tier_change"]].tolist() == [
        GCI2024.labels[0], GCI2024.labels[1], -1]
    assert t.loc["AFG", "tier_change"] == 1 and t.loc["KEN", "tier_change"] == 0
    tiers = c.tiers
    # rows: published tiers 46/29/49/56/14; two countries moved off the diagonal
    assert tiers.sum(axis=1).tolist() == [46, 29, 49, 56, 14]
    assert tiers.sum(axis=1).sum() == 194
    assert tiers.iloc[0, 1] == 1 and tiers.iloc[4, 3] == 1
    assert int(pd.Series([tiers.iloc[i, i] for i in range(5)]).sum()) == 192
    assert c.stats["tier_agreement"] == pytest.approx(192 / 194)
    assert t["rank_old"].isna().all()  # GCI 2024 publishes no ranks


def test_tier_agreement_by_hand():
    old = pd.Series({"A": GCI2024.labels[0], "B": GCI2024.labels[2], "C": GCI2024.labels[2]})
    new = pd.Series({"A": GCI2024.labels[0], "B": GCI2024.labels[3], "D": GCI2024.labels[4]})
    t = tier_agreement(old, new, GCI2024)
    assert t.shape == (5, 5) and int(t.to_numpy().sum()) == 2  # A and B are in both
    assert t.iloc[0, 0] == 1 and t.iloc[2, 3] == 1


def test_published_2024_as_an_edition():
    eds = score_editions({2020: "published", 2024: "published"})
    assert eds[2024].loc["EST", "tier"] == GCI2024.labels[0]
    assert eds[2024].loc["EST", "overall"] == pytest.approx(95.03706869)


def test_cli_compare_published_2024(tmp_path):
    out = tmp_path / "cmp.csv"
    res = CliRunner().invoke(main, ["compare", "--published", "2024", "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = res.output
    assert "published 2024 -> computed: 194 countries in both editions" in text
    assert "not like for like" in text  # ITU's 2024 questionnaire vs gci's own framework
    assert "Pillars, mean |change|" in text and "capacity_development" in text
    assert "Tier 1  Tier 2  Tier 3  Tier 4  Tier 5" in text
    t = pd.read_csv(out).set_index("iso3")
    for p in published.PILLARS:
        assert (t[f"{p}_change"] - (t[f"{p}_new"] - t[f"{p}_old"])).abs().max() < 1e-9
    assert t.loc["EST", "legal_old"] == pytest.approx(20.0)
    assert t["tier_old"].value_counts()[GCI2024.labels[0]] == 46


def test_compare_reads_published_tables_as_people_have_them(tmp_path):
    # a wide table in ITU's spellings and headers gives the same comparison as the shipped data
    p18, p20 = published.published_results(2018), published.published_results(2020)
    names = {"TUR": "Turkey", "USA": "United States", "CZE": "Czech Republic"}
    src = tmp_path / "gci_wide.csv"
    pd.DataFrame({
        "Member State": [names.get(c, p18.loc[c, "name"]) for c in p18.index],
        "GCI 2018": p18["published_score"].map(lambda v: f"{v:.3f}"),
        "GCI 2020": p20["published_score"].reindex(p18.index).map(lambda v: f"{v:.2f}"),
    }).to_csv(src, index=False)
    runner = CliRunner()
    from_file = runner.invoke(main, ["compare", "--edition", f"2018={src}", "--edition",
                                     f"2020={src}", "-o", str(tmp_path / "a.csv")])
    shipped = runner.invoke(main, ["compare", "--edition", "2018=published", "--edition",
                                   "2020=published", "-o", str(tmp_path / "b.csv")])
    assert from_file.exit_code == 0 and shipped.exit_code == 0, from_file.output
    a = pd.read_csv(tmp_path / "a.csv").set_index("iso3")
    b = pd.read_csv(tmp_path / "b.csv").set_index("iso3")
    cols = ["overall_old", "overall_new", "rank_old", "rank_new", "rank_change"]
    pd.testing.assert_frame_equal(a[cols].sort_index(), b[cols].sort_index())
    # Brazil: 2018 rank 70 (0.577), 2020 rank 18 (96.6): 52 places up
    assert a.loc["BRA", ["rank_old", "rank_new", "rank_change"]].tolist() == [70, 18, 52]


def test_slope_plot_with_2024_says_tiers_not_ranks(tmp_path):
    out = tmp_path / "slope.png"
    res = CliRunner().invoke(main, ["plot", "slope", "--edition", "2024", "-o", str(out)])
    assert res.exit_code == 2
    assert "GCI 2024 publishes tiers, not ranks" in res.output
    assert not out.exists()


def test_rank_change_plot_refuses_a_table_of_tiers():
    from gci.errors import GCIError
    from gci.present.plots import rank_change

    with pytest.raises(GCIError, match="tiers, not ranks"):
        rank_change(published.published_results(2024), published.published_results(2020))
