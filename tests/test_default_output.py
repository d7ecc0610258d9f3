"""`gci score` without -o writes results/ only for the default run; `gci init DIR`.

Rule under test (README, "Which inputs"): the default output folder ``results/`` is written only
when every input and option is at its default (inputs named explicitly count as default when
they are the very files the default rule picks; ``--scheme`` naming the default scheme too).
Any other choice must name its output folder with ``-o``; ``results/`` is left byte for byte as
it was. Everything runs in temporary copies: the real ``results/`` is never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT, TINY

from gci.cli.app import main


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def default_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped default edition with its committed results/, as the cwd."""
    for name in ("indicators.yaml", "weights.yaml"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    for name in ("responses", "results"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def tiny_copy(tmp_path, monkeypatch) -> Path:
    """The tiny framework as a project folder (cwd), already scored into results/."""
    for name in ("indicators.yaml", "weights.yaml"):
        shutil.copyfile(TINY / name, tmp_path / name)
    shutil.copytree(TINY / "responses", tmp_path / "responses")
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["score", "-q"])
    assert run.exit_code == 0, run.output
    return tmp_path


def test_other_scheme_does_not_overwrite_committed_results(default_copy):
    before = _snapshot(default_copy / "results")
    run = CliRunner().invoke(main, ["score", "--scheme", "capacity_focus"])
    assert run.exit_code == 2, run.output
    assert "--scheme capacity_focus changes the result" in run.output
    assert "-o results-capacity_focus" in run.output
    assert _snapshot(default_copy / "results") == before
    # the suggested command works, and leaves results/ alone
    run = CliRunner().invoke(main, ["score", "-q", "--scheme", "capacity_focus",
                                    "-o", "results-capacity_focus"])
    assert run.exit_code == 0, run.output
    assert _snapshot(default_copy / "results") == before
    other = pd.read_csv(default_copy / "results-capacity_focus" / "scores.csv")
    committed = pd.read_csv(default_copy / "results" / "scores.csv")
    assert other["overall"].round(6).tolist() != committed["overall"].round(6).tolist()
    # the default run still writes results/, and reproduces the committed tables
    run = CliRunner().invoke(main, ["score", "-q"])
    assert run.exit_code == 0, run.output
    for name in ("scores.csv", "indicators.csv", "effective_weights.csv", "validation.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(default_copy / "results" / name),
                                      pd.read_csv(ROOT / "results" / name), check_exact=False,
                                      rtol=1e-12)


@pytest.mark.parametrize("args", [
    ["--scheme", "equal"],                       # the default scheme, named
    ["--missing", "zero", "--ties", "dense", "--tiers", "gci2024", "--format", "csv"],
    ["--responses", "responses", "--framework", "indicators.yaml", "--weights", "weights.yaml"],
    ["--decimal", "."],                          # how to read, not what to compute
])
def test_default_choices_spelled_out_still_write_results(tiny_copy, args):
    (tiny_copy / "results" / "scores.csv").unlink()
    run = CliRunner().invoke(main, ["score", "-q", *args])
    assert run.exit_code == 0, run.output
    assert (tiny_copy / "results" / "scores.csv").is_file()


@pytest.mark.parametrize("args, named, folder", [
    (["--scheme", "a_heavy"], "--scheme a_heavy changes", "results-a_heavy"),
    (["--missing", "exclude"], "--missing exclude changes", "results-missing-exclude"),
    (["--ties", "min"], "--ties min changes", "results-ties-min"),
    (["--tiers", "none"], "--tiers none changes", "results-tiers-none"),
    (["--coverage", "0.5"], "--coverage 0.5 changes", "results-coverage-0.5"),
    (["--format", "xlsx"], "--format xlsx changes", "results-xlsx"),
    (["--missing", "exclude", "--format", "json"], "--missing exclude, --format json change",
     "results-missing-exclude-json"),
])
def test_any_other_choice_needs_an_output_folder(tiny_copy, args, named, folder):
    before = _snapshot(tiny_copy / "results")
    run = CliRunner().invoke(main, ["score", *args])
    assert run.exit_code == 2, run.output
    assert named in run.output and f"-o {folder}" in run.output
    assert _snapshot(tiny_copy / "results") == before
    assert sorted(p.name for p in tiny_copy.iterdir()) == [
        "indicators.yaml", "responses", "results", "weights.yaml"]  # no staging left behind


def test_other_inputs_need_an_output_folder(tiny_copy, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(TINY / "responses", other / "responses")
    before = _snapshot(tiny_copy / "results")
    run = CliRunner().invoke(main, ["score", "--responses", str(other / "responses")])
    assert run.exit_code == 2, run.output
    assert f"--responses {other / 'responses'} changes the result" in run.output
    assert _snapshot(tiny_copy / "results") == before


def test_inputs_named_in_a_folder_without_its_own_write_results(tmp_path, monkeypatch):
    """No indicators.yaml/weights.yaml/responses/ here: results/ records no default of its own."""
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["score", "-q", "--framework", str(TINY / "indicators.yaml"),
                                    "--weights", str(TINY / "weights.yaml"),
                                    "--responses", str(TINY / "responses")])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "results" / "scores.csv").is_file()
    # ... but an option other than the default still needs -o
    run = CliRunner().invoke(main, ["score", "--framework", str(TINY / "indicators.yaml"),
                                    "--weights", str(TINY / "weights.yaml"),
                                    "--responses", str(TINY / "responses"), "--missing",
                                    "exclude"])
    assert run.exit_code == 2 and "--missing exclude changes the result" in run.output


def test_scheme_of_a_framework_table_only_names_its_weights(tiny_copy):
    """`--weights fw.csv --scheme X`: the table's one weight column, named X (same numbers)."""
    run = CliRunner().invoke(main, ["framework", "export", "indicators.yaml", "--weights",
                                    "weights.yaml", "-o", "fw.csv"])
    assert run.exit_code == 0, run.output
    run = CliRunner().invoke(main, ["score", "-q", "--framework", "fw.csv", "--weights",
                                    "fw.csv", "--scheme", "mine"])
    assert run.exit_code == 2, run.output  # the framework and weights replace the folder's own
    assert "--scheme mine" not in run.output
    assert "--framework fw.csv, --weights fw.csv change the result" in run.output


def test_bad_input_is_reported_before_the_output_rule(tiny_copy):
    run = CliRunner().invoke(main, ["score", "--framework", "nowhere.yaml", "--scheme", "x"])
    assert run.exit_code == 2 and "nowhere.yaml" in run.output
    assert "kept for this folder's default run" not in run.output


def test_explicit_output_is_obeyed(tiny_copy):
    run = CliRunner().invoke(main, ["score", "-q", "--scheme", "a_heavy", "-o", "results"])
    assert run.exit_code == 0, run.output
    assert '"scheme": "a_heavy"' in (tiny_copy / "results" / "manifest.json").read_text()


# --- gci init ---------------------------------------------------------------------------------

def test_init_writes_a_project_that_scores_at_once(tmp_path, monkeypatch):
    run = CliRunner().invoke(main, ["init", str(tmp_path / "new" / "edition")])
    assert run.exit_code == 0, run.output
    proj = tmp_path / "new" / "edition"
    assert sorted(_snapshot(proj)) == ["README.md", "indicators.yaml", "responses/KEN.yaml",
                                       "weights.yaml"]
    for rel in ("indicators.yaml", "weights.yaml"):
        assert (proj / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    assert (proj / "responses" / "KEN.yaml").read_bytes() == \
        (ROOT / "responses" / "KEN.yaml").read_bytes()
    readme = (proj / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "gci score" in readme and "# edition:" in readme
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["edition"]  # no staging
    monkeypatch.chdir(proj)
    run = CliRunner().invoke(main, ["score"])
    assert run.exit_code == 0, run.output
    assert "Scored 1 countries" in run.output
    got = pd.read_csv(proj / "results" / "scores.csv").set_index("iso3")
    committed = pd.read_csv(ROOT / "results" / "scores.csv").set_index("iso3")
    pillars = ["overall", "legal", "technical", "organizational", "capacity_development",
               "cooperation"]
    # KEN's points do not depend on the other countries: the committed default run's values
    assert got.loc["KEN", pillars].tolist() == pytest.approx(
        committed.loc["KEN", pillars].tolist(), abs=1e-9)
    assert got.loc["KEN", "tier"] == committed.loc["KEN", "tier"]


def test_init_into_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    run = CliRunner().invoke(main, ["init", "-q", str(tmp_path / "empty")])
    assert run.exit_code == 0, run.output
    assert run.output == ""
    assert (tmp_path / "empty" / "responses" / "KEN.yaml").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    proj = tmp_path / "mine"
    (proj / "responses").mkdir(parents=True)
    (proj / "notes.txt").write_text("my notes", encoding="utf-8")
    before = _snapshot(proj)
    run = CliRunner().invoke(main, ["init", str(proj)])
    assert run.exit_code == 2, run.output
    assert "is not empty (notes.txt, responses)" in run.output
    assert "never overwrites" in run.output
    assert _snapshot(proj) == before and sorted(p.name for p in proj.iterdir()) == [
        "notes.txt", "responses"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("x", encoding="utf-8")
    run = CliRunner().invoke(main, ["init", str(tmp_path / "f")])
    assert run.exit_code == 2
    assert (tmp_path / "f").read_text(encoding="utf-8") == "x"


def test_init_never_overwrites_a_file_that_appears_meanwhile(tmp_path, monkeypatch):
    import gci.inputs.project as project

    target = tmp_path / "race"
    real_rename = project.os.rename

    def rename_after_someone_writes(src, dst):
        target.mkdir()
        (target / "indicators.yaml").write_text("mine", encoding="utf-8")
        return real_rename(src, dst)

    monkeypatch.setattr(project.os, "rename", rename_after_someone_writes)
    run = CliRunner().invoke(main, ["init", str(target)])
    assert run.exit_code == 2, run.output
    assert "is not empty (indicators.yaml)" in run.output
    assert (target / "indicators.yaml").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race"]  # staging removed
