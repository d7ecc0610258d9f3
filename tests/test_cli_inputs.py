"""How the CLI finds its inputs, and what `validate --report` writes.

* defaults are resolved file by file (gci.engine.scoring.fill_defaults): each of indicators.yaml,
  weights.yaml and responses/ from the current folder when there, else the shipped default; a
  framework and weights from two folders only when both are named;
* a repeated --responses combines its arguments (a path given twice is refused);
* `validate --report` writes integer line numbers and every missing answer (no "…").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from gci.cli.app import main
from gci.inputs.project import fill_defaults, shipped_root

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"

needs_checkout = pytest.mark.skipif(shipped_root() is None,
                                    reason="gci is not installed from a source checkout")


def copy_tiny(here: Path, *names: str) -> None:
    for name in names:
        src = TINY / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, here / name)


# ---------------------------------------------------------------- defaults, file by file
@needs_checkout
def test_a_local_framework_is_never_paired_with_the_shipped_weights(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    copy_tiny(Path("."), "indicators.yaml")
    run = runner.invoke(main, ["weights"])
    assert run.exit_code == 2, run.output
    assert "indicators.yaml is in the current folder but weights.yaml is not" in run.output
    assert str(shipped_root() / "weights.yaml") in run.output
    assert "name both with --framework and --weights" in run.output


@needs_checkout
def test_local_files_are_taken_one_by_one(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    copy_tiny(Path("."), "indicators.yaml", "weights.yaml")
    # framework and weights from here; responses/ is not here: the shipped demo folder
    fw, w, resp = fill_defaults(None, None, None)
    assert (fw, w) == (Path("indicators.yaml"), Path("weights.yaml"))
    assert resp == shipped_root() / "responses"
    run = runner.invoke(main, ["weights", "--level", "pillar"])
    assert run.exit_code == 0, run.output
    assert run.output.splitlines()[1].startswith("A,")  # the tiny framework's pillar A
    copy_tiny(Path("."), "responses")
    assert fill_defaults(None, None, None)[2] == Path("responses")
    run = runner.invoke(main, ["score", "-o", "out", "-q"])
    assert run.exit_code == 0, run.output
    scores = pd.read_csv("out/scores.csv").set_index("iso3")["overall"]
    assert scores.to_dict() == pytest.approx({"DEU": 87.5, "FRA": 50.0, "KEN": 25.0})


@needs_checkout
def test_one_named_file_with_a_default_from_elsewhere_is_refused(tmp_path, monkeypatch):
    copy_tiny(tmp_path, "indicators.yaml", "weights.yaml")
    runner = CliRunner()
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")
    run = runner.invoke(main, ["weights", "--framework", str(tmp_path / "indicators.yaml")])
    assert run.exit_code == 2, run.output
    assert "was given but not --weights" in run.output and "pass --weights too" in run.output
    run = runner.invoke(main, ["weights", "--weights", str(tmp_path / "weights.yaml")])
    assert run.exit_code == 2 and "pass --framework too" in run.output
    ok = runner.invoke(main, ["weights", "--framework", str(tmp_path / "indicators.yaml"),
                              "--weights", str(tmp_path / "weights.yaml")])
    assert ok.exit_code == 0, ok.output


def test_a_named_framework_with_weights_beside_it_in_the_current_folder(tmp_path,
                                                                       monkeypatch):
    copy_tiny(tmp_path, "indicators.yaml", "weights.yaml")
    monkeypatch.chdir(tmp_path)
    fw, w, _ = fill_defaults(Path("indicators.yaml"), None, Path("x"))
    assert w == Path("weights.yaml")  # the same folder: allowed


# ---------------------------------------------------------------- repeated --responses
def split_tiny(tmp_path: Path) -> tuple[Path, Path]:
    rows = (TINY / "responses" / "answers.csv").read_text().splitlines()
    head, body = rows[0], rows[1:]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("\n".join([head] + [r for r in body if not r.startswith("KEN")]) + "\n")
    b.write_text("\n".join([head] + [r for r in body if r.startswith("KEN")]) + "\n")
    return a, b


def test_repeated_responses_are_combined(tmp_path):
    a, b = split_tiny(tmp_path)
    args = ["score", "--framework", str(TINY / "indicators.yaml"), "--weights",
            str(TINY / "weights.yaml"), "--responses", str(a), "--responses", str(b),
            "-o", str(tmp_path / "out"), "-q"]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output
    scores = pd.read_csv(tmp_path / "out" / "scores.csv").set_index("iso3")["overall"]
    assert scores.to_dict() == pytest.approx({"DEU": 87.5, "FRA": 50.0, "KEN": 25.0})
    only_a = CliRunner().invoke(main, [*args[:6], str(a), "-o", str(tmp_path / "o2"), "-q"])
    assert only_a.exit_code == 0, only_a.output
    assert "KEN" not in pd.read_csv(tmp_path / "o2" / "scores.csv")["iso3"].tolist()


def test_the_same_responses_twice_is_refused(tmp_path):
    a, _ = split_tiny(tmp_path)
    run = CliRunner().invoke(main, ["validate", "--framework", str(TINY / "indicators.yaml"),
                                    "--weights", str(TINY / "weights.yaml"),
                                    "--responses", str(a), "--responses", str(a)])
    assert run.exit_code == 2 and "given twice" in run.output


def test_a_country_in_two_combined_responses_is_an_error_naming_both(tmp_path):
    a, b = split_tiny(tmp_path)
    again = tmp_path / "again.csv"  # Kenya again, by name, in a third file
    again.write_text("country,question,answer\nKenya,Q1,yes\n", encoding="utf-8")
    run = CliRunner().invoke(main, ["score", "--framework", str(TINY / "indicators.yaml"),
                                    "--weights", str(TINY / "weights.yaml"), "--responses",
                                    str(b), "--responses", str(again), "-o",
                                    str(tmp_path / "out"), "-q"])
    assert run.exit_code == 2
    assert "KEN is submitted 2 times" in run.output and str(again) in run.output
    assert not (tmp_path / "out").exists()


def test_repeated_responses_reach_every_command(tmp_path):
    a, b = split_tiny(tmp_path)
    both = ["--framework", str(TINY / "indicators.yaml"), "--weights",
            str(TINY / "weights.yaml"), "--responses", str(a), "--responses", str(b)]
    run = CliRunner().invoke(main, ["gaps", "KEN", *both, "--flat", "-q"])
    assert run.exit_code == 0, run.output
    assert [line.split()[0] for line in run.output.splitlines()[2:]] == ["Q5", "Q6", "Q2",
                                                                         "Q3"]


# ---------------------------------------------------------------- validate --report
def test_validate_report_writes_integer_lines_and_every_missing_answer(tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("iso3,question,answer\nFRA,Q01,yes\nFRA,Q02,perhaps\n")
    report = tmp_path / "problems.csv"
    run = CliRunner().invoke(main, ["validate", "--framework", str(ROOT / "indicators.yaml"),
                                    "--weights", str(ROOT / "weights.yaml"), "--responses",
                                    str(answers), "--report", str(report)])
    assert run.exit_code == 2
    text = report.read_text()
    assert "…" not in text and "14.0" not in text and ",3.0," not in text
    table = pd.read_csv(report, dtype={"line": "Int64"})
    bad = table[table["kind"] != "missing_answers"]
    assert "perhaps" in bad["message"].iloc[0] and bad["line"].iloc[0] == 3
    assert ",3," in text  # written as an integer
    missing = table[table["kind"] == "missing_answers"]
    # the terminal's per-country summary counts them (its list stops at 12 with "…")
    summary = next(line for line in run.output.splitlines() if "missing answer(s)" in line)
    count = int(summary.split("warning: ")[1].split()[0])
    assert " …" in summary and count > 12
    assert len(missing) == count == missing["item"].nunique()
    assert set(missing["country"]) == {"FRA"}
    assert "Q80" in set(missing["item"]) and "Q02" in set(missing["item"])
    assert "Q01" not in set(missing["item"])
