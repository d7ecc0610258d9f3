"""`-q/--quiet` on every command: it silences progress bars and summary lines only.

Results (tables printed to stdout, problems found) are printed with and without --quiet; each
command is run both ways with click's CliRunner on the tiny framework.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gci.cli.app import main

TINY = Path(__file__).resolve().parent / "data" / "tiny"
FILES = ["--framework", str(TINY / "indicators.yaml"), "--weights", str(TINY / "weights.yaml")]
INPUTS = [*FILES, "--responses", str(TINY / "responses")]


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += commands(cmd, f"{prefix}{name} ")
        else:
            out.append((prefix + name, cmd))
    return out


@pytest.mark.parametrize("name,cmd", commands(main), ids=lambda x: x if isinstance(x, str)
                         else "")
def test_every_command_has_quiet(name, cmd):
    opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
    assert {"--quiet", "-q"} <= opts, name


def both(args: list[str]) -> tuple:
    """Run ``args`` without and with -q; both must succeed."""
    loud = CliRunner().invoke(main, args)
    quiet = CliRunner().invoke(main, [*args, "-q"])
    assert loud.exit_code == 0, loud.output
    assert quiet.exit_code == 0, quiet.output
    return loud, quiet


@pytest.mark.parametrize("args,result,summary", [
    (["gaps", "KEN", *INPUTS], "Q5", "the largest single gain is"),
    (["gaps", "KEN", "--flat", *INPUTS], "Q5", None),
    (["whatif", "KEN", "--set", "Q5=yes", *INPUTS], "global_rank", "What if KEN"),
    (["weights", *FILES], "effective", None),
    (["uncertainty", "--draws", "20", "--seed", "1", *INPUTS], "median_rank", "draws (seed 1)"),
    (["sensitivity", "--samples", "8", *INPUTS], "ST", "Sobol indices of"),
    (["compare", "--edition", "2018=published", "--edition", "2020=published", "--top", "2"],
     "Spearman 0.9411", None),
])
def test_results_are_printed_even_when_quiet(args, result, summary):
    loud, quiet = both(args)
    assert result in loud.stdout and result in quiet.stdout
    if summary is not None:
        assert summary in loud.stdout and summary not in quiet.stdout


def test_gaps_quiet_prints_every_gap_with_its_pillar():
    loud, quiet = both(["gaps", "KEN", *INPUTS])
    rows = [line.split()[:2] for line in quiet.stdout.splitlines()[2:]]
    # KEN's gaps (tests/test_gaps.py by hand): A: Q2, Q3 (12.5 points each); B: Q5, Q6 (25)
    assert rows == [["Q2", "A"], ["Q3", "A"], ["Q5", "B"], ["Q6", "B"]]
    assert quiet.stdout.splitlines()[0].split()[0] == "pillar"
    assert "A: 2 question(s)" in loud.stdout


def test_validate_quiet_lists_every_problem_without_the_count(tmp_path):
    bad = tmp_path / "answers.csv"
    bad.write_text((TINY / "responses" / "answers.csv").read_text()
                   .replace("FRA,Q4,no", "FRA,Q4,perhaps"))
    args = ["validate", *FILES, "--responses", str(bad)]
    loud = CliRunner().invoke(main, args)
    quiet = CliRunner().invoke(main, [*args, "-q"])
    assert loud.exit_code == quiet.exit_code == 2
    assert "perhaps" in loud.stderr and "perhaps" in quiet.stderr
    assert "error(s)" in loud.stdout and "error(s)" not in quiet.stdout


@pytest.mark.parametrize("make", ["score", "plot", "report", "rank", "export", "normalise"])
def test_file_writers_say_nothing_when_quiet(make, tmp_path):
    scores = tmp_path / "s.csv"
    scores.write_text("iso3,score\nFRA,50\nDEU,60\n")
    args = {
        "score": ["score", *INPUTS, "-o", str(tmp_path / "r")],
        "plot": ["plot", "pillars", *INPUTS, "-o", str(tmp_path / "p.png")],
        "report": ["report", "KEN", *INPUTS, "-o", str(tmp_path / "k.html")],
        "rank": ["rank", str(scores), "-o", str(tmp_path / "ranked.csv")],
        "export": ["framework", "export", str(TINY / "indicators.yaml"), "-o",
                   str(tmp_path / "fw.csv")],
        "normalise": ["normalise", str(scores), "-o", str(tmp_path / "n.csv")],
    }[make]
    loud, quiet = both(args)
    assert "wrote" in loud.stdout
    assert quiet.stdout == ""
    if make == "rank":  # warnings are not summaries: two of 194 economies is a subset
        assert quiet.stderr.count("\n") == 1
        assert "warning: the table has 2 of the 194" in quiet.stderr
    else:
        assert quiet.stderr == ""


def test_rank_prints_its_table_when_quiet(tmp_path):
    scores = tmp_path / "s.csv"
    scores.write_text("iso3,score\nFRA,50\nDEU,60\n")
    loud, quiet = both(["rank", str(scores)])
    assert quiet.stdout == loud.stdout and "DEU,60" in quiet.stdout
