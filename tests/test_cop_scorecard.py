"""The child-online-protection scorecard (examples/cop_scorecard), scored by hand.

Data (ITU 2020, Table 25; gci/data/cop_ecosystem_see.csv): every country is party to the
Lanzarote Convention and signed WeProtect, so the commitments area is full everywhere.

Scheme ``equal``: three areas of 100/3 points each; governance is the mean of three yes/no
answers; the ecosystem is active_cop_organisations / 20, capped at 1 (goalposts 0 and 20).

* ALB: strategy yes, regulation yes, agency yes -> governance 1; 7 organisations -> 7/20 = 0.35.
  Overall (1 + 1 + 0.35) / 3 * 100 = 78.333...
* BIH: strategy no, regulation no, agency no -> governance 0; 11 organisations -> 0.55.
  Overall (1 + 0 + 0.55) / 3 * 100 = 51.666...
* MNE: no, yes, no -> 1/3; 12 -> 0.6. Overall (1 + 1/3 + 0.6) / 3 * 100 = 64.444...
* MKD: no, yes, yes -> 2/3; 4 -> 0.2. Overall (1 + 2/3 + 0.2) / 3 * 100 = 62.222...
* SRB: yes, yes, yes -> 1; 7 -> 0.35. Overall 78.333... (same as ALB)
* MDA: yes, yes, no -> 2/3; 4 -> 0.2. Overall 62.222... (same as MKD)
* UKR: yes, yes, yes -> 1; 44 -> capped at 1. Overall 100
* GEO: yes, yes, yes -> 1; 16 -> 0.8. Overall (1 + 1 + 0.8) / 3 * 100 = 93.333...

Scheme ``per_indicator``: each of the six indicators is 100/6 points, so the overall is
(number of yes + organisations credit) / 6 * 100, e.g. ALB (5 + 0.35) / 6 * 100 = 89.1666...,
BIH (2 + 0.55) / 6 * 100 = 42.5, GEO (5 + 0.8) / 6 * 100 = 96.666...
"""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

import gci
from gci.cli.app import main
from gci.inputs.framework_table import node_differences, read_framework_table

EQUAL = {"ALB": (1 + 1 + 0.35) / 3 * 100, "BIH": (1 + 0 + 0.55) / 3 * 100,
         "MNE": (1 + 1 / 3 + 0.6) / 3 * 100, "MKD": (1 + 2 / 3 + 0.2) / 3 * 100,
         "SRB": (1 + 1 + 0.35) / 3 * 100, "MDA": (1 + 2 / 3 + 0.2) / 3 * 100,
         "UKR": 100.0, "GEO": (1 + 1 + 0.8) / 3 * 100}
PER_INDICATOR = {"ALB": 5.35 / 6 * 100, "BIH": 2.55 / 6 * 100, "MNE": 3.6 / 6 * 100,
                 "MKD": 4.2 / 6 * 100, "SRB": 5.35 / 6 * 100, "MDA": 4.2 / 6 * 100,
                 "UKR": 100.0, "GEO": 5.8 / 6 * 100}


@pytest.fixture
def cop(root):
    d = root / "examples" / "cop_scorecard"
    return {"framework": d / "indicators.yaml", "weights": d / "weights.yaml",
            "responses": d / "responses", "table": d / "framework_table.csv", "dir": d}


def test_scores_by_hand(cop):
    r = gci.score(cop["responses"], cop["framework"], cop["weights"], tiers=None)
    assert r.overall.to_dict() == pytest.approx(EQUAL)
    pts = r.pillars
    assert pts.loc["BIH", "governance"] == 0.0
    assert pts.loc["MNE", "governance"] == pytest.approx(100 / 9)     # 1/3 of 33.33
    assert pts.loc["GEO", "ecosystem"] == pytest.approx(0.8 * 100 / 3)
    # ITU's dense ranks on the scores rounded to 2 decimals: ties share a rank
    ranks = r.ranks["global_rank"].to_dict()
    assert ranks == {"UKR": 1, "GEO": 2, "ALB": 3, "SRB": 3, "MNE": 4, "MKD": 5, "MDA": 5,
                     "BIH": 6}
    assert set(r.ranks["itu_region"]) == {"Europe"}
    assert r.validation.empty


def test_per_indicator_scheme_by_hand(cop):
    r = gci.score(cop["responses"], cop["framework"], cop["weights"], scheme="per_indicator",
                  tiers=None)
    assert r.overall.to_dict() == pytest.approx(PER_INDICATOR)


def test_responses_are_the_reference_data(cop, root):
    with open(root / "gci" / "data" / "cop_ecosystem_see.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    countries = rows[0][1:]
    resp = gci.load_responses(cop["responses"])
    assert sorted(resp.countries) == sorted(countries)
    wide = resp.to_wide()
    for row in rows[1:]:
        for iso, value in zip(countries, row[1:]):
            got = wide.loc[iso, row[0]]
            assert str(got).lower() == value, (iso, row[0])
    assert set(resp.table["source"]) == {"desk_research"}


def test_table_version_matches_yaml(cop):
    fw = gci.load_framework(cop["framework"])
    fw2, ws2 = read_framework_table(cop["table"])
    assert node_differences(fw, fw2) == []
    r = gci.score(cop["responses"], cop["table"], cop["table"], tiers=None)
    assert r.overall.to_dict() == pytest.approx(PER_INDICATOR)


def test_cli_score_command(cop, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["score", "--framework", str(cop["framework"]), "--weights",
                                    str(cop["weights"]), "--responses", str(cop["responses"]),
                                    "-o", str(out), "--tiers", "none", "--quiet"])
    assert res.exit_code == 0, res.output
    with open(out / "scores.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["iso3"] for r in rows][:2] == ["UKR", "GEO"]
    got = {r["iso3"]: float(r["overall"]) for r in rows}
    # written at the default 2 decimals: each is the hand value to the nearest 0.01
    assert got == {iso: round(v, 2) for iso, v in EQUAL.items()}
    assert got == pytest.approx(EQUAL, abs=0.005)
    manifest = json.loads((out / "manifest.json").read_text())
    assert "cop_scorecard" in json.dumps(manifest)


def test_normalised_alternative(cop, tmp_path):
    # The same data with the count normalised across countries by percentile rank instead of
    # goalposts: counts 7, 11, 12, 4, 7, 4, 44, 16 -> average ranks 3.5, 5, 6, 1.5, 3.5, 1.5, 8,
    # 7 -> (rank - 1) / 7. ALB: (1 + 1 + 2.5/7) / 3 * 100; UKR 100; MKD (1 + 2/3 + 0.5/7) / 3
    text = cop["framework"].read_text(encoding="utf-8").replace(
        "goalposts: [0, 20]", "normalise: percentile_rank")
    fw = tmp_path / "cop_prank.yaml"
    fw.write_text(text, encoding="utf-8")
    r = gci.score(cop["responses"], fw, cop["weights"], tiers=None)
    assert r.overall["ALB"] == pytest.approx((2 + 2.5 / 7) / 3 * 100)
    assert r.overall["MKD"] == pytest.approx((1 + 2 / 3 + 0.5 / 7) / 3 * 100)
    assert r.overall["UKR"] == pytest.approx(100.0)
