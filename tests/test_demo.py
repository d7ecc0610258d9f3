"""The shipped synthetic demo: labelled, calibrated, reproducible; shipped results not stale."""

from __future__ import annotations

import pandas as pd
import pytest

import gci
from gci.demo import generate_demo, published_scores


def test_every_demo_file_is_labelled_synthetic(root):
    files = sorted((root / "responses").glob("*.yaml"))
    assert len(files) == 194
    for f in files:
        head = f.read_text(encoding="utf-8")
        assert head.startswith("# SYNTHETIC DEMO DATA - not ITU data"), f
        assert "synthetic: true" in head and "seed 2020" in head


def test_demo_covers_every_gci_economy(root):
    from gci.countries import itu_regions

    regions = itu_regions()
    stems = {f.stem for f in (root / "responses").glob("*.yaml")}
    assert stems == set(regions["iso3"])


def test_demo_scores_are_close_to_published_2020(default_result):
    target = published_scores(2020)
    got = default_result.overall.reindex(target.index)
    assert (got - target).abs().max() <= 0.5 + 1e-9
    # the ordering is therefore close to the published one
    assert got.corr(target, method="spearman") > 0.99


def test_demo_generation_is_deterministic(tmp_path, root):
    fw = gci.load_framework(root / "indicators.yaml")
    ws = gci.load_weights(root / "weights.yaml", fw).scheme()
    some = ["FRA", "KEN", "USA", "VAT"]
    generate_demo(fw, ws, tmp_path, countries=some)
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


def test_shipped_manifest_matches_the_shipped_inputs(tmp_path, root, monkeypatch):
    import json

    monkeypatch.chdir(root)
    gci.score().write(tmp_path)
    new = json.loads((tmp_path / "manifest.json").read_text())
    old = json.loads((root / "results" / "manifest.json").read_text())
    for key in ("inputs", "options", "framework", "counts", "steps", "gci_version"):
        assert new[key] == old[key], key
