"""The command line, run with click's CliRunner."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from gci.cli.app import main


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_score_default_writes_results_and_manifest(tmp_path, root, monkeypatch):
    monkeypatch.chdir(root)
    out = tmp_path / "res"
    res = CliRunner().invoke(main, ["score", "-o", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == [
        "effective_weights.csv", "indicators.csv", "manifest.json", "scores.csv",
        "validation.csv"]
    scores = pd.read_csv(out / "scores.csv")
    assert len(scores) == 194
    assert list(scores.columns[:8]) == ["iso3", "name", "overall", "legal", "technical",
                                        "organizational", "capacity_development", "cooperation"]
    man = json.loads((out / "manifest.json").read_text())
    assert man["options"]["scheme"] == "equal" and man["options"]["missing"] == "zero"
    assert man["inputs"]["framework"]["sha256"] == sha(root / "indicators.yaml")
    assert man["inputs"]["weights"]["sha256"] == sha(root / "weights.yaml")
    assert len(man["inputs"]["responses"]) == 194
    fra = next(e for e in man["inputs"]["responses"] if e["path"].endswith("FRA.yaml"))
    assert fra["sha256"] == sha(root / "responses" / "FRA.yaml")
    assert man["outputs"]["scores.csv"] == sha(out / "scores.csv")
    assert [s["step"] for s in man["steps"]] == ["load_framework", "weights", "load_responses",
                                                 "validate", "aggregate", "rank"]


def test_score_options_and_formats(tmp_path, tiny_paths):
    args = ["score", "--framework", str(tiny_paths["framework"]), "--weights",
            str(tiny_paths["weights"]), "--responses", str(tiny_paths["responses"]),
            "--scheme", "a_heavy", "--missing", "exclude", "--quiet"]
    res = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "j"), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "j" / "results.json").read_text())
    by = {r["iso3"]: r for r in data["scores"]}
    # a_heavy + exclude, KEN: A1 = .25*1 + .75*0 = .25; A2 = Q4 = 1; A = .625 * 75 = 46.875,
    # written at the default 2 decimals (46.875 is exact in binary: half to even gives 46.88)
    assert by["KEN"]["overall"] == 46.88
    res = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "f"), "--format", "json",
                                    "--decimals", "full"])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "f" / "results.json").read_text())
    assert {r["iso3"]: r for r in data["scores"]}["KEN"]["overall"] == 46.875
    res = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "x"), "--format", "xlsx"])
    assert res.exit_code == 0, res.output
    book = pd.read_excel(tmp_path / "x" / "results.xlsx", sheet_name=None)
    assert set(book) == {"README", "chart", "scores", "indicators", "effective_weights",
                         "validation"}
    assert book["scores"].set_index("iso3").loc["KEN", "overall"] == 46.88


def test_score_refuses_to_write_into_responses(tmp_path, tiny_paths):
    before = sha(tiny_paths["responses"] / "answers.csv")
    res = CliRunner().invoke(main, [
        "score", "--framework", str(tiny_paths["framework"]), "--weights",
        str(tiny_paths["weights"]), "--responses", str(tiny_paths["responses"]),
        "-o", str(tiny_paths["responses"]), "--quiet"])
    assert res.exit_code == 2
    assert "refusing to write results into" in res.output
    assert sha(tiny_paths["responses"] / "answers.csv") == before
    assert sorted(p.name for p in tiny_paths["responses"].iterdir()) == ["answers.csv"]


def test_validate_exit_codes(tmp_path, tiny_paths):
    ok = CliRunner().invoke(main, ["validate", "--framework", str(tiny_paths["framework"]),
                                   "--weights", str(tiny_paths["weights"]), "--responses",
                                   str(tiny_paths["responses"])])
    assert ok.exit_code == 0, ok.output
    assert "0 error(s), 1 warning(s)" in ok.output          # KEN's missing Q3
    strict = CliRunner().invoke(main, ["validate", "--framework", str(tiny_paths["framework"]),
                                       "--weights", str(tiny_paths["weights"]), "--responses",
                                       str(tiny_paths["responses"]), "--strict"])
    assert strict.exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("iso3,question,answer\nFRA,Q1,perhaps\nFRA,Q77,yes\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", "--framework", str(tiny_paths["framework"]),
                                    "--weights", str(tiny_paths["weights"]), "--responses",
                                    str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:2: error: answer 'perhaps' is not allowed" in res.output
    assert f"{bad}:3: error: unknown question 'Q77'" in res.output
    assert "2 error(s)" in res.output


def test_validate_reports_framework_and_weights_problems_together(tmp_path, tiny_paths):
    fw = tmp_path / "f.yaml"
    fw.write_text("pillars:\n  - code: A\n    name: A\n    children:\n"
                  "      - {code: Q1, name: q, type: bool}\n", encoding="utf-8")
    w = tmp_path / "w.yaml"
    w.write_text("schemes:\n  s:\n    weights: {A: -2}\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", "--framework", str(fw), "--weights", str(w),
                                    "--responses", str(tiny_paths["responses"])])
    assert res.exit_code == 2
    assert f"{fw}:5" in res.output and "type 'bool'" in res.output
    assert f"{w}:3" in res.output and "weight -2" in res.output


def test_bad_input_exit_2_internal_error_exit_1(tmp_path, tiny_paths, monkeypatch):
    res = CliRunner().invoke(main, ["score", "--framework", str(tmp_path / "missing.yaml"),
                                    "--weights", str(tiny_paths["weights"]), "--responses",
                                    str(tiny_paths["responses"])])
    assert res.exit_code == 2 and "file not found" in res.output
    import gci.engine.scoring

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(gci.engine.scoring, "score", boom)
    res = CliRunner().invoke(main, ["score", "--framework", str(tiny_paths["framework"]),
                                    "--weights", str(tiny_paths["weights"]), "--responses",
                                    str(tiny_paths["responses"]), "-o", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "internal error: RuntimeError: kaput" in res.output
    assert "Traceback" not in res.output


def test_weights_command(tiny_paths):
    res = CliRunner().invoke(main, ["weights", "--framework", str(tiny_paths["framework"]),
                                    "--weights", str(tiny_paths["weights"]), "--scheme",
                                    "a_heavy", "--level", "question"])
    assert res.exit_code == 0, res.output
    rows = dict(line.split(",")[0:1] + [line.split(",")[-1]]
                for line in res.output.splitlines()[1:])
    assert float(rows["Q2"]) == pytest.approx(28.125)
    assert float(rows["Q5"]) == pytest.approx(12.5)


def test_validate_report_lists_every_problem_and_message_is_bounded(tmp_path, tiny_paths):
    bad = tmp_path / "many.csv"
    rows = [f"FRA,Q{i},yes" for i in range(100, 180)]  # 80 unknown questions
    bad.write_text("iso3,question,answer\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = tmp_path / "problems.csv"
    args = ["--framework", str(tiny_paths["framework"]), "--weights", str(tiny_paths["weights"]),
            "--responses", str(bad)]
    res = CliRunner().invoke(main, ["validate", *args, "--report", str(report), "--quiet"])
    assert res.exit_code == 2
    table = pd.read_csv(report)
    assert (table["kind"] == "unknown_question").sum() == 80
    assert table.loc[table["item"] == "Q179", "line"].tolist() == [81]
    res = CliRunner().invoke(main, ["score", *args, "-o", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "80 error(s)" in res.output and "... and 30 more error(s)" in res.output
    assert res.output.count("unknown question") == 50


def test_score_coverage_option(tmp_path, tiny_paths):
    # KEN answered 1 of the 2 applicable questions of A2 (coverage 0.5): with a minimum of
    # 0.75, A2 is left missing for KEN and A = A1 = (1 + 0)/2 = .5 -> 25 points; B = 0.
    res = CliRunner().invoke(main, [
        "score", "--framework", str(tiny_paths["framework"]), "--weights",
        str(tiny_paths["weights"]), "--responses", str(tiny_paths["responses"]),
        "--coverage", "0.75", "--quiet", "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    ind = pd.read_csv(tmp_path / "indicators.csv").set_index(["iso3", "indicator"])
    assert pd.isna(ind.loc[("KEN", "A2"), "credit"])
    scores = pd.read_csv(tmp_path / "scores.csv").set_index("iso3")
    assert scores.loc["KEN", "overall"] == pytest.approx(25.0)
    assert scores.loc["FRA", "overall"] == pytest.approx(50.0)
    man = json.loads((tmp_path / "manifest.json").read_text())
    assert man["options"]["coverage"] == 0.75


def test_gci_help_imports_no_pandas_and_choices_match_their_modules():
    # issue 10: `gci --help` is interactive (no numpy/pandas/scipy/matplotlib at start-up); the
    # light constants of gci.choices are the ones the implementing modules use
    import subprocess
    import sys

    from gci import choices
    from gci.engine import ranking
    from gci.inputs import responses, tiers

    code = ("import sys, runpy; sys.argv = ['gci', '--help']\n"
            "try:\n    runpy.run_module('gci', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print([m for m in ('numpy', 'pandas', 'scipy', 'matplotlib') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "Usage:" in out and out.strip().splitlines()[-1] == "[]"
    assert set(choices.TIER_SCHEME_NAMES) == set(tiers.TIER_SCHEMES)
    assert ranking.TIE_METHODS is choices.TIE_METHODS
    assert responses.MISSING_POLICIES is choices.MISSING_POLICIES
