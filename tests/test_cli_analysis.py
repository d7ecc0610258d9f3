"""The analysis commands, through click's CliRunner, on the tiny framework (hand results in
tests/test_whatif.py and tests/test_gaps.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from gci.cli.app import main


@pytest.fixture
def tiny_args(tiny_paths):
    return ["--framework", str(tiny_paths["framework"]), "--weights",
            str(tiny_paths["weights"]), "--responses", str(tiny_paths["responses"])]


def _run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_whatif(tiny_args, tmp_path):
    out = tmp_path / "whatif.csv"
    r = _run(["whatif", "KEN", "--set", "Q5=yes", "--set", "Q6=yes", *tiny_args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "Passes 1: FRA (50.00, rank 2)" in r.output
    t = pd.read_csv(out).set_index("measure")
    assert float(t.loc["overall", "after"]) == 75.0
    assert int(t.loc["global_rank", "after"]) == 2


def test_whatif_bad_answers_exit_2(tiny_args):
    r = CliRunner().invoke(main, ["whatif", "KEN", "--set", "Q5=maybe", "--set", "Q9=yes",
                                  *tiny_args])
    assert r.exit_code == 2
    assert "Q5=maybe" in r.output and "expected yes or no" in r.output
    assert "'Q9' is not in the framework" in r.output


def test_whatif_refuses_to_overwrite_input(tiny_args, tiny_paths):
    target = tiny_paths["responses"] / "answers.csv"
    before = target.read_bytes()
    r = CliRunner().invoke(main, ["whatif", "KEN", "--set", "Q5=yes", *tiny_args,
                                  "-o", str(target)])
    assert r.exit_code == 2 and "refusing to write inside the input folder" in r.output
    assert target.read_bytes() == before


def test_gaps(tiny_args, tmp_path):
    out = tmp_path / "gaps.csv"
    r = _run(["gaps", "FRA", *tiny_args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "A: 3 question(s); the largest single gain is 12.50 points" in r.output
    t = pd.read_csv(out)
    assert t["question"].tolist() == ["Q4", "Q2", "Q3", "Q6"]
    assert t["points_gain"].tolist() == [12.5, 6.25, 6.25, 25.0]
    r = _run(["gaps", "FRA", *tiny_args, "--flat", "--top", "1", "-q", "-o", str(out)])
    assert pd.read_csv(out)["question"].tolist() == ["Q6"]


def test_compare_published_editions(tmp_path):
    out = tmp_path / "cmp.csv"
    r = _run(["compare", "--edition", "2018=published", "--edition", "2020=published",
              "--top", "2", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "2018 -> 2020: 194 countries in both" in r.output
    t = pd.read_csv(out).set_index("iso3")
    assert t.loc["DEU", "rank_change"] == 9 and t.loc["GBR", "rank_change"] == -1


def test_compare_scored_editions(tiny_paths, tmp_path):
    text = tiny_paths["responses"].joinpath("answers.csv").read_text()
    later = tmp_path / "later.csv"
    later.write_text(text.replace("KEN,Q5,no", "KEN,Q5,yes"))
    out = tmp_path / "cmp.csv"
    r = _run(["compare", "--edition", f"a={tiny_paths['responses']}", "--edition",
              f"b={later}", "--framework", str(tiny_paths["framework"]), "--weights",
              str(tiny_paths["weights"]), "-q", "-o", str(out)])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out).set_index("iso3")
    assert t.loc["KEN", "overall_change"] == 25.0   # B1 = (1 + 0)/2 -> 25 points


def test_compare_usage_errors():
    r = CliRunner().invoke(main, ["compare", "--edition", "2018=published"])
    assert r.exit_code == 2 and "at least two --edition" in r.output
    r = CliRunner().invoke(main, ["compare", "--edition", "2018"])
    assert r.exit_code == 2 and "LABEL=PATH" in r.output
    r = CliRunner().invoke(main, ["compare", "--edition", "2019=published",
                                  "--edition", "2020=published"])
    assert r.exit_code == 2 and "available: 2014, 2017, 2018, 2020" in r.output


def test_uncertainty_zero_noise(tiny_args, tmp_path):
    out = tmp_path / "unc.csv"
    png = tmp_path / "unc.png"
    r = _run(["uncertainty", "--draws", "50", "--seed", "1", "--spread", "0", "--schemes",
              "equal", "--policies", "zero", "--aggregation", "arithmetic", "--partial", "0.5",
              "--goalposts", "1", *tiny_args,
              "-q", "-o", str(out), "--plot", str(png)])
    assert r.exit_code == 0, r.output
    # --quiet drops the settings line and "wrote"; the rank table (the result) is printed
    assert "draws (seed" not in r.output and "wrote" not in r.output
    assert "nominal_rank" in r.output.splitlines()[0] and "KEN" in r.output
    t = pd.read_csv(out).set_index("iso3")
    assert t["nominal_rank"].to_dict() == {"DEU": 1, "FRA": 2, "KEN": 3}
    assert (t["median_rank"] == t["nominal_rank"]).all() and (t["interval_width"] == 0).all()
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_uncertainty_seeded(tiny_args, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for f in (a, b):
        r = _run(["uncertainty", "--draws", "200", "--seed", "5", "--spread", "0.9",
                  *tiny_args, "-q", "-o", str(f)])
        assert r.exit_code == 0, r.output
    assert a.read_text() == b.read_text()
    r = CliRunner().invoke(main, ["uncertainty", "--policies", "zero,drop", *tiny_args, "-q"])
    assert r.exit_code == 2 and "'drop'" in r.output


def test_sensitivity(tiny_args, tmp_path):
    out = tmp_path / "s.csv"
    r = _run(["sensitivity", "--samples", "16", "--spread", "0.5", *tiny_args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "Sobol indices of the mean absolute rank shift" in r.output
    t = pd.read_csv(out)
    assert {"weights:pillar", "scheme", "missing", "aggregation"} <= set(t["factor"])


def test_sensitivity_measure_ties_and_design_file(tiny_args, tmp_path):
    import json

    out = tmp_path / "s.csv"
    r = _run(["sensitivity", "--samples", "16", "--spread", "0.5", "--measure", "score",
              "--bootstrap", "20", *tiny_args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "mean absolute score shift" in r.output and "pillar aggregation" in r.output
    t = pd.read_csv(out)
    assert list(t.columns[:3]) == ["iso3", "factor", "S1"] and "ST_high" in t.columns
    design = json.loads((tmp_path / "s.csv.design.json").read_text())
    assert design["measure"] == "score" and design["bootstrap"] == 20
    assert any("geometric_shifted" in d for d in design["design"])


def test_geometric_warns_with_count(tiny_args):
    # tiny: KEN has pillar B at zero, so the plain geometric mean scores it 0
    r = CliRunner().invoke(main, ["uncertainty", "--draws", "10", "--aggregation",
                                  "arithmetic,geometric", *tiny_args, "-q"])
    assert r.exit_code == 0, r.output
    assert "warning: 1 of 3 countries have a pillar at zero" in r.output
