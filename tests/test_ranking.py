"""Ranks and tie rules, checked against every published GCI edition."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

import gci
from gci.cli.app import main
from gci.engine.ranking import rank_scores, rank_within

REF = gci.__file__.replace("__init__.py", "data/gci_published_scores.csv")


def published() -> pd.DataFrame:
    return pd.read_csv(REF, dtype={"iso3": str})


@pytest.mark.parametrize("edition", [2014, 2017, 2018, 2020])
def test_dense_rule_reproduces_published_global_ranks(edition):
    df = published().query("edition == @edition").set_index("iso3")
    ranks = rank_scores(df["score"], "dense")
    mismatch = df.index[ranks.to_numpy() != df["published_rank"].to_numpy()]
    assert list(mismatch) == []


@pytest.mark.parametrize("edition", [2014, 2017, 2018, 2020])
def test_other_tie_rules_do_not_match_published(edition):
    """The published tables are dense: competition ranking would differ where ties exist."""
    df = published().query("edition == @edition").set_index("iso3")
    assert (rank_scores(df["score"], "min") != df["published_rank"]).any()


@pytest.mark.parametrize("edition", [2014, 2017, 2018, 2020])
def test_gci_rank_command_reproduces_published(tmp_path, edition):
    df = published().query("edition == @edition")
    src = tmp_path / f"gci{edition}.csv"
    df[["iso3", "score"]].to_csv(src, index=False)
    out = tmp_path / "ranked.csv"
    res = CliRunner().invoke(main, ["rank", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out).set_index("iso3")
    assert list(got.columns) == ["score", "global_rank", "itu_region", "regional_rank"]
    exp = df.set_index("iso3")["published_rank"]
    assert (got["global_rank"].reindex(exp.index) == exp).all()
    assert got["itu_region"].notna().all()


def test_tie_rules_by_hand():
    s = pd.Series([90.0, 80.0, 80.0, 70.0, float("nan")], index=list("abcde"))
    assert rank_scores(s, "dense").tolist()[:4] == [1, 2, 2, 3]
    assert rank_scores(s, "min").tolist()[:4] == [1, 2, 2, 4]
    assert rank_scores(s, "max").tolist()[:4] == [1, 3, 3, 4]
    assert rank_scores(s, "average").tolist()[:4] == [1, 2.5, 2.5, 4]
    assert rank_scores(s, "first").tolist()[:4] == [1, 2, 3, 4]
    assert pd.isna(rank_scores(s, "dense")["e"])
    with pytest.raises(ValueError, match="unknown tie rule"):
        rank_scores(s, "olympic")


def test_rounding_before_ranking():
    s = pd.Series([99.541, 99.539, 99.0], index=["GBR", "SAU", "EST"])
    assert rank_scores(s).tolist() == [1, 2, 3]
    assert rank_scores(s, decimals=2).tolist() == [1, 1, 2]


def test_regional_rank_by_hand():
    s = pd.Series([50.0, 60.0, 60.0, 10.0], index=["FRA", "DEU", "ITA", "KEN"])
    g = pd.Series({"FRA": "Europe", "DEU": "Europe", "ITA": "Europe", "KEN": "Africa"})
    assert rank_within(s, g).tolist() == [2, 1, 1, 1]


def test_gci_rank_2020_regional_ranks_and_tiers(tmp_path):
    df = published().query("edition == 2020")
    res = gci.rank_table(df.set_index("iso3")["score"], tiers="gci2024")
    top = res.set_index("iso3")
    # USA 100 is first in the Americas; GBR and SAU tie at 99.54 (rank 2 globally);
    # SAU is first of the Arab States; GBR first of Europe (EST 99.48 second).
    assert top.loc["USA", ["global_rank", "regional_rank"]].tolist() == [1, 1]
    assert top.loc["SAU", ["global_rank", "itu_region", "regional_rank"]].tolist() == [
        2, "Arab States", 1]
    assert top.loc["EST", "regional_rank"] == 2
    assert top.loc["USA", "tier"] == "Tier 1 - Role-modelling"
    counts = top.groupby("itu_region").size().to_dict()
    assert counts == {"Africa": 44, "Americas": 35, "Arab States": 22, "Asia-Pacific": 38,
                      "CIS": 9, "Europe": 46}


def test_rank_refuses_tiers_on_the_wrong_scale(tmp_path):
    df = published().query("edition == 2018")
    src = tmp_path / "gci2018.csv"
    df[["iso3", "score"]].to_csv(src, index=False)
    res = CliRunner().invoke(main, ["rank", str(src), "--tiers", "gci2024"])
    assert res.exit_code == 2
    assert "out of 100" in res.output and "out of 1" in res.output


def test_rank_reports_every_bad_row(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("iso3,score\nFRA,80\nXYZ,70\nDEU,abc\nFRA,60\nITA,-5\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["rank", str(src)])
    assert res.exit_code == 2
    out = res.output
    assert f"{src}:3" in out and "XYZ" in out          # unknown country, row 3
    assert f"{src}:4" in out and "'abc'" in out         # not a number
    assert f"{src}:5" in out and "FRA appears in rows 2 and 5" in out
    assert f"{src}:6" in out and "'-5'" in out
    assert "Traceback" not in out


def test_custom_grouping(tmp_path):
    grp = tmp_path / "groups.csv"
    grp.write_text("iso3,group\nFRA,EU\nDEU,EU\nKEN,Other\n", encoding="utf-8")
    s = pd.Series({"FRA": 50.0, "DEU": 60.0, "KEN": 70.0})
    from gci.inputs.countries import load_grouping

    res = gci.rank_table(s, groups=load_grouping(grp)).set_index("iso3")
    assert res.loc[["DEU", "FRA", "KEN"], "regional_rank"].tolist() == [1, 2, 1]
    assert res.loc["FRA", "group"] == "EU"
