"""One command line (issue 13): one name per concept, and checks that need no data run first.

* Every command about one country takes the same COUNTRY argument (ISO3 code or name, resolved
  by gci.inputs.countries with did-you-mean); every ``-o/--output`` states the same rule.
* Names known without data (regions, weight schemes, tie rules, tier schemes, missing-answer
  policies, aggregation methods, published editions, ``--set`` syntax, countries) are checked
  before any response file is read: each case below runs with the readers of responses
  replaced by a function that fails the test, and with ``--responses`` naming a folder that
  does not exist (so a command that read first would report that instead).
* ``gci gaps COUNTRY`` starts with the country's current score and tier or ranks, checked
  against ``results/scores.csv`` (the committed default run) read with the csv module.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gci.choices import (
    AGGREGATION_METHODS,
    did_you_mean,
    itu_regions,
    match_choice,
)
from gci.cli.app import main
from gci.cli.options import OUTPUT_RULE

ROOT = Path(__file__).resolve().parents[1]
TINY = Path(__file__).resolve().parent / "data" / "tiny"
FILES = ["--framework", str(TINY / "indicators.yaml"), "--weights", str(TINY / "weights.yaml")]
INPUTS = [*FILES, "--responses", str(TINY / "responses")]
REGIONS = "Africa, Americas, Arab States, Asia-Pacific, CIS, Europe"


@pytest.fixture
def no_reading(monkeypatch, tmp_path):
    """Make every reader of responses fail the test; return args naming absent responses."""
    def boom(*_a, **_k):
        raise AssertionError("responses were read before the option check")

    import gci.analysis.uncertainty
    import gci.analysis.whatif  # noqa: F401 - imported so that their bound readers are replaced too

    for name, module in list(sys.modules.items()):
        if name.startswith("gci") and module is not None:
            for attr in ("load_responses", "read_responses"):
                if hasattr(module, attr):
                    monkeypatch.setattr(module, attr, boom)
    return [*FILES, "--responses", str(tmp_path / "absent")]


EARLY = [
    (["plot", "pillars", "--region", "Eurpe", "-o", "x.png"],
     f"unknown region 'Eurpe'; expected one of: {REGIONS}; did you mean Europe?"),
    (["score", "--scheme", "equl", "-o", "out"], "unknown weight scheme 'equl' in "),
    (["score", "--ties", "dens", "-o", "out"], "did you mean dense?"),
    (["score", "--tiers", "gci2042", "-o", "out"], "did you mean gci2024?"),
    (["score", "--missing", "zeroo", "-o", "out"], "did you mean zero?"),
    (["score", "--decimals", "two", "-o", "out"], "expected a whole number 0-12 or 'full'"),
    (["uncertainty", "--policies", "zero,exclud"],
     "unknown missing-answer policy 'exclud'; expected one of: zero, exclude, group_mean, "
     "group_median; did you mean exclude?"),
    (["uncertainty", "--aggregation", "geometric_shiftd"], "did you mean geometric_shifted?"),
    (["sensitivity", "--aggregation", "mean"], "unknown aggregation method 'mean'"),
    (["uncertainty", "--schemes", "equal,a_haevy"],
     "unknown weight scheme 'a_haevy' in " + str(TINY / "weights.yaml")
     + "; expected one of: equal, a_heavy; did you mean a_heavy?"),
    (["gaps", "Kenyaa"], "did you mean Kenya (KEN)?"),
    (["whatif", "Narnia", "--set", "Q1=yes"], "unknown country 'Narnia'"),
    (["whatif", "KEN", "--set", "Q1", "--set", "=yes"],
     "--set 'Q1': expected QUESTION=ANSWER, e.g. Q07=yes; --set '=yes': expected"),
    (["whatif", "KEN", "--set", "Q9=yes", "--set", "Q1=maybe"],
     "2 error(s) in what-if answers: - error: Q9=yes: 'Q9' is not in the framework"),
    (["report", "Frnace", "-o", "f.html"], "did you mean France (FRA)?"),
    (["template", "Atlantis", "-o", "t.yaml"], "unknown country 'Atlantis'"),
    (["questionnaire", "Atlantis", "-o", "q.html"], "unknown country 'Atlantis'"),
    (["plot", "radar", "--country", "Frnace", "-o", "x.png"], "did you mean France (FRA)?"),
    (["compare", "--published", "2019"],
     "unknown published edition '2019'; expected one of: 2014, 2017, 2018, 2020, 2024"),
    (["audit", "--scheme", "eqal"], "did you mean equal?"),
    (["weights", "--scheme", "eqal"], "did you mean equal?"),
]


@pytest.mark.parametrize("args,message", EARLY, ids=lambda x: " ".join(x)[:40]
                         if isinstance(x, list) else "")
def test_checks_needing_no_data_fire_before_responses_are_read(args, message, no_reading,
                                                               tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    extra = {"compare": [], "weights": FILES,
             "template": [*FILES[:2], *no_reading[-2:]]}.get(args[0], no_reading)
    res = CliRunner().invoke(main, [*args, *extra])
    assert res.exit_code == 2, res.output
    assert message in " ".join(res.output.split()), res.output
    assert "absent" not in res.output  # the missing responses folder was never looked at
    assert not any(tmp_path.iterdir())


def test_rank_within_is_checked_before_the_table_is_read(tmp_path):
    res = CliRunner().invoke(main, ["rank", str(tmp_path / "absent.csv"), "--within", "2019"])
    assert res.exit_code == 2
    assert "unknown published edition '2019'" in res.output and "absent" not in res.output


def test_misspelt_region_needs_neither_pandas_nor_numpy():
    code = ("import sys; from click.testing import CliRunner; from gci.cli.app import main; "
            "r = CliRunner().invoke(main, ['plot', 'pillars', '--region', 'Eurpe', '-o', "
            "'x.png']); print(r.exit_code, 'pandas' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.split() == ["2", "False", "False"]


def test_region_is_matched_case_blind_and_left_to_groups_files(tmp_path):
    res = CliRunner().invoke(main, ["plot", "pillars", "--region", "europe", *INPUTS,
                                    "-o", str(tmp_path / "eu.png"), "-q"])
    assert res.exit_code == 0, res.output
    groups = tmp_path / "groups.csv"
    groups.write_text("iso3,group\nKEN,South\nFRA,North\nDEU,North\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["plot", "pillars", "--region", "North", "--groups",
                                    str(groups), *INPUTS, "-o", str(tmp_path / "n.png"), "-q"])
    assert res.exit_code == 0, res.output


def test_country_names_are_accepted_where_codes_are(tmp_path):
    by_code = CliRunner().invoke(main, ["gaps", "KEN", *INPUTS, "--flat", "-q"])
    by_name = CliRunner().invoke(main, ["gaps", "kenya", *INPUTS, "--flat", "-q"])
    assert by_code.exit_code == 0 and by_code.output == by_name.output
    res = CliRunner().invoke(main, ["whatif", "Kenya", "--set", "Q5=yes", *INPUTS])
    assert res.exit_code == 0 and "What if KEN" in res.output


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in group.commands.items():
        out += (_commands(cmd, f"{prefix}{name} ") if isinstance(cmd, click.Group)
                else [(prefix + name, cmd)])
    return out


def test_one_country_argument_and_one_output_rule_everywhere():
    one_country = {"whatif", "gaps", "report", "template", "questionnaire"}
    for name, cmd in _commands(main):
        args = {p.name: p for p in cmd.params if isinstance(p, click.Argument)}
        if name in one_country:
            assert "country" in args and args["country"].callback is not None, name
            assert "COUNTRY" in cmd.collect_usage_pieces(click.Context(cmd))[-1], name
        else:
            assert not {"iso3", "country"} & set(args), name
        for p in cmd.params:
            if "-o" in getattr(p, "opts", []):
                assert OUTPUT_RULE in p.help, name
    help_text = CliRunner().invoke(main, ["plot", "--help"]).output
    assert "--published YEAR" in help_text and "--edition" not in help_text


def test_plot_edition_is_a_hidden_alias_of_published(tmp_path):
    res = CliRunner().invoke(main, ["plot", "slope", "--edition", "2018", "--published", "2020",
                                    *INPUTS, "-o", str(tmp_path / "s.png")])
    assert res.exit_code == 2 and "former name of --published" in res.output
    res = CliRunner().invoke(main, ["plot", "slope", "--published", "2018", *INPUTS,
                                    "-o", str(tmp_path / "s.png"), "-q"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"


def _published_run(iso3: str) -> tuple[dict[str, str], int]:
    """KEN's row of the committed default run, and how many countries share its region."""
    with open(ROOT / "results" / "scores.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["iso3"] == iso3)
    return row, sum(r["itu_region"] == row["itu_region"] for r in rows)


def test_gaps_starts_with_the_current_score_and_tier(monkeypatch):
    monkeypatch.chdir(ROOT)
    row, _ = _published_run("KEN")
    res = CliRunner().invoke(main, ["gaps", "Kenya"])
    assert res.exit_code == 0, res.output
    # results/scores.csv: KEN 98.38, Tier 1 - Role-modelling (written with 2 decimals)
    assert res.output.splitlines()[0] == (
        f"Kenya (KEN) now: overall {float(row['overall']):.2f} of 100; GCI 2024 tier: "
        f"{row['tier']}.")
    assert row["overall"] == "98.38" and row["tier"] == "Tier 1 - Role-modelling"


def test_gaps_of_a_ranked_run_starts_with_the_ranks(monkeypatch):
    monkeypatch.chdir(ROOT)
    row, n_region = _published_run("KEN")
    res = CliRunner().invoke(main, ["gaps", "KEN", "--tiers", "none"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == (
        f"Kenya (KEN) now: overall 98.38 of 100; global rank {row['global_rank']} of 194, "
        f"rank {row['regional_rank']} of {n_region} in Africa.")
    assert (row["global_rank"], row["regional_rank"], n_region) == ("13", "4", 44)
    quiet = CliRunner().invoke(main, ["gaps", "KEN", "--tiers", "none", "-q"])
    assert quiet.output.splitlines()[0].split()[0] == "pillar"  # -q: the roadmap only


def test_choice_helpers():
    import pandas as pd

    from gci.engine.aggregate import AGGREGATORS
    from gci.inputs.countries import itu_regions as region_table

    assert itu_regions() == tuple(sorted(pd.unique(region_table()["itu_region"])))
    assert ", ".join(itu_regions()) == REGIONS
    assert set(AGGREGATION_METHODS) <= set(AGGREGATORS)
    assert did_you_mean("eurpe", itu_regions()) == "; did you mean Europe?"
    assert did_you_mean("xyz", itu_regions()) == ""
    assert match_choice(" arab states", itu_regions(), "region") == "Arab States"
    with pytest.raises(ValueError, match="unknown region 'Mars'; expected one of: Africa"):
        match_choice("Mars", itu_regions(), "region")


def test_rank_round_is_rounding_before_ranking_and_decimals_its_former_name(tmp_path):
    """`gci rank --round N` (not --decimals: elsewhere that is the written precision)."""
    table = tmp_path / "scores.csv"
    table.write_text("iso3,score\nKEN,90.04\nGHA,90.01\nNGA,80\n", encoding="utf-8")

    def ranks(*args: str) -> dict[str, str]:
        res = CliRunner().invoke(main, ["rank", str(table), *args])
        assert res.exit_code == 0, res.output
        rows = [line.split(",") for line in res.stdout.splitlines()[1:]]
        return {r[0]: r[2] for r in rows}

    assert ranks() == {"KEN": "1", "GHA": "2", "NGA": "3"}
    # 90.04 and 90.01 are both 90.0 at one decimal: tied (dense ranks by default)
    assert ranks("--round", "1") == {"KEN": "1", "GHA": "1", "NGA": "2"}
    res = CliRunner().invoke(main, ["rank", str(table), "--decimals", "1"])
    assert res.exit_code == 0 and "is now `--round N`" in res.stderr
    assert "--decimals" not in CliRunner().invoke(main, ["rank", "--help"]).output
    clash = CliRunner().invoke(main, ["rank", str(table), "--decimals", "1", "--round", "2"])
    assert clash.exit_code == 2 and "former name of --round" in clash.output


def test_gaps_table_speaks_in_tiers_for_a_tier_edition_and_in_ranks_otherwise(monkeypatch):
    """GCI 2024 publishes tiers, not ranks: the roadmap shows the tier each answer would give."""
    monkeypatch.chdir(ROOT)
    tiers = CliRunner().invoke(main, ["gaps", "KEN", "--flat", "-q"])
    header = tiers.output.splitlines()[0].split()
    assert header[-1] == "new_tier" and "new_global_rank" not in header
    # Kenya is in Tier 1 (98.38): every full-credit answer keeps it there
    rows = tiers.output.splitlines()[2:]
    assert rows and all(line.rstrip().endswith("Tier 1 - Role-modelling") for line in rows)
    ranks = CliRunner().invoke(main, ["gaps", "KEN", "--flat", "-q", "--tiers", "none"])
    header = ranks.output.splitlines()[0].split()
    assert header[-2:] == ["new_global_rank", "ranks_gained"] and "new_tier" not in header
