"""The shipped synthetic demo: labelled, calibrated to GCI 2024, questionnaire-like, reproducible;
shipped results not stale.

Calibration is checked on `gci.score` of the shipped files against the published table read
here with the csv module (a second reader, independent of gci.analysis.demo's).
"""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd
import pytest
import yaml

import gci
from gci.analysis.demo import DEFAULT_SEED, generate_demo

PILLARS = ["legal", "technical", "organizational", "capacity_development", "cooperation"]


@pytest.fixture(scope="module")
def published_2024() -> pd.DataFrame:
    from conftest import ROOT

    path = ROOT / "gci" / "data" / "gci2024_published_pillars.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return pd.DataFrame({k: [float(r[k]) for r in rows] for k in ["overall", *PILLARS]},
                        index=pd.Index([r["iso3"] for r in rows], name="iso3"))


def _tier_by_hand(score: float) -> str:
    """GCI 2024 tiers, written out (95 / 85 / 55 / 20)."""
    for bound, label in [(95, "Tier 1 - Role-modelling"), (85, "Tier 2 - Advancing"),
                         (55, "Tier 3 - Establishing"), (20, "Tier 4 - Evolving")]:
        if score >= bound:
            return label
    return "Tier 5 - Building"


def test_shipped_table_is_the_reference_copy(root):
    refs = [b / "shared" / "reference" / "gci2024_published_pillars.csv" for b in root.parents]
    ref = next((r for r in refs if r.exists()), None)
    if ref is None:
        pytest.skip("the project's reference folder is not here")
    assert (root / "gci" / "data" / "gci2024_published_pillars.csv").read_bytes() == \
        ref.read_bytes()


def test_published_table_facts(published_2024):
    p = published_2024
    assert len(p) == 194
    np.testing.assert_allclose(p[PILLARS].sum(axis=1), p["overall"], atol=1e-7)
    tiers = p["overall"].map(_tier_by_hand)
    # ITU's published counts: Tier 1 = 46 economies; Tiers 3 + 4 = 105
    assert (tiers == "Tier 1 - Role-modelling").sum() == 46
    assert tiers.isin(["Tier 3 - Establishing", "Tier 4 - Evolving"]).sum() == 105


def test_every_demo_file_is_labelled_synthetic(root):
    files = sorted((root / "responses").glob("*.yaml"))
    assert len(files) == 194
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert text.startswith("# SYNTHETIC DEMO DATA - not ITU data"), f
        assert f"calibrated to ITU's published GCI 2024 pillar scores, seed {DEFAULT_SEED}" \
            in text, f
        doc = yaml.safe_load(text)
        assert doc["synthetic"] is True and doc["edition"] == "demo-2024", f
        assert doc["country"] == f.stem


def test_demo_covers_every_gci_economy(root):
    from gci.inputs.countries import itu_regions

    regions = itu_regions()
    stems = {f.stem for f in (root / "responses").glob("*.yaml")}
    assert stems == set(regions["iso3"])


def test_demo_pillars_within_half_a_point_of_2024(default_result, published_2024):
    got = default_result.pillars.reindex(published_2024.index)
    diff = (got[PILLARS] - published_2024[PILLARS]).abs()
    assert diff.notna().all().all()
    assert float(diff.max().max()) <= 0.5, diff.max()
    # overall = sum of pillars, so it is close too
    overall = default_result.overall.reindex(published_2024.index)
    assert float((overall - published_2024["overall"]).abs().max()) <= 2.5


def test_demo_tiers_are_the_published_2024_tiers(default_result, published_2024):
    want = published_2024["overall"].map(_tier_by_hand)
    got = default_result.scores["tier"].reindex(want.index)
    wrong = want[got != want]
    assert wrong.empty, wrong
    # the closest case: Estonia, published 95.04, just above the Tier 1 bound
    assert default_result.scores.loc["EST", "tier"] == "Tier 1 - Role-modelling"


def test_conditional_questions_are_consistent(root):
    """A question whose applies_if is false (or refers to an unanswered question) has no answer."""
    fw = gci.load_framework(root / "indicators.yaml")
    conds = {q.code: q.applies_if for q in fw.questions if q.applies_if is not None}
    assert conds, "the framework has conditional questions"
    checked = 0
    for f in sorted((root / "responses").glob("*.yaml")):
        answers = yaml.safe_load(f.read_text(encoding="utf-8"))["answers"]
        for q, cond in conds.items():
            ref = answers.get(cond.question, {}).get("answer")
            applies = ref is not None and ((str(ref) == str(cond.value)) == (cond.op == "=="))
            assert (q in answers) <= applies, (f.name, q, cond.text, ref)
            if applies:
                checked += 1
    assert checked > 194  # many conditions hold, and those questions are then answered


def test_evidence_where_required(root):
    fw = gci.load_framework(root / "indicators.yaml")
    required = {q.code for q in fw.questions if q.evidence_required}
    credited_with_evidence = 0
    for f in sorted((root / "responses").glob("*.yaml")):
        iso3 = f.stem
        for q, entry in yaml.safe_load(f.read_text(encoding="utf-8"))["answers"].items():
            credited = entry["answer"] not in ("no", "none", 0)
            if q in required and credited:
                assert entry.get("evidence") == \
                    f"https://example.org/synthetic/{iso3}/{q}", (f.name, q)
                credited_with_evidence += 1
            else:
                assert "evidence" not in entry, (f.name, q)
    assert credited_with_evidence > 5000


def test_answers_look_like_a_questionnaire(root, default_result):
    text = "".join(f.read_text(encoding="utf-8") for f in (root / "responses").glob("*.yaml"))
    # partial levels are used, numbers are plain whole numbers, no YAML tags or anchors
    assert text.count('"partial"') > 100 and text.count('"some"') > 20
    assert re.search(r"answer: \d+\}", text) and not re.search(r"answer: \"\d", text)
    assert "!!" not in text and not re.search(r"(^|[\s:{,])[&*!][A-Za-z]", text, re.M)
    # no validation problem other than a few missing answers (counted as zero)
    assert set(default_result.validation["kind"]) <= {"missing_answers"}


def test_demo_generation_is_deterministic(tmp_path, root):
    fw = gci.load_framework(root / "indicators.yaml")
    ws = gci.load_weights(root / "weights.yaml", fw).scheme()
    some = ["EST", "KEN", "USA", "VAT"]
    made = generate_demo(fw, ws, tmp_path, countries=some)
    assert sorted(made) == some
    for iso in some:
        assert (tmp_path / f"{iso}.yaml").read_bytes() == \
            (root / "responses" / f"{iso}.yaml").read_bytes(), iso


@pytest.mark.parametrize("name", ["scores.csv", "indicators.csv", "effective_weights.csv",
                                  "validation.csv"])
def test_shipped_results_are_not_stale(tmp_path, root, default_result, name, monkeypatch):
    monkeypatch.chdir(root)
    fresh = gci.score()  # relative paths, exactly as `gci score` from the project folder
    fresh.write(tmp_path)
    new = pd.read_csv(tmp_path / name)
    old = pd.read_csv(root / "results" / name)
    pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=1e-12)


def test_scores_table_presents_tiers_before_ranks(root):
    cols = pd.read_csv(root / "results" / "scores.csv", nrows=1).columns.tolist()
    assert cols[:8] == ["iso3", "name", "overall", *PILLARS]
    assert cols.index("tier") < cols.index("global_rank") < cols.index("regional_rank")


def test_shipped_manifest_matches_the_shipped_inputs(tmp_path, root, monkeypatch):
    import json

    monkeypatch.chdir(root)
    gci.score().write(tmp_path)
    new = json.loads((tmp_path / "manifest.json").read_text())
    old = json.loads((root / "results" / "manifest.json").read_text())
    for key in ("inputs", "options", "framework", "counts", "steps", "gci_version"):
        assert new[key] == old[key], key
