"""Nothing lost: atomic outputs, untouched inputs, no overwriting inputs, safe exports.

* an interrupted write leaves the old file whole and no temporary file behind;
* a full ``gci score`` (every output format) leaves every input byte-for-byte unchanged;
* ``--output`` refuses a responses folder (or a folder inside it, or a link to it) and any
  output path that is an input file, before writing anything;
* text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) are written as
  text, in CSV and XLSX; numbers are left alone;
* the HTML country profile escapes every piece of user text.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import gci
from gci import fileio
from gci.cli.app import main
from gci.errors import GCIError
from gci.present import output, tables

TINY = Path(__file__).resolve().parent / "data" / "tiny"
HOSTILE = ["=HYPERLINK(\"http://x.example\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3",
           "@SUM(A1:A9)"]


@pytest.fixture
def tiny(tmp_path) -> dict[str, Path]:
    """A private copy of the tiny inputs (so that nothing shared can be harmed)."""
    dst = tmp_path / "in"
    shutil.copytree(TINY, dst)
    return {"framework": dst / "indicators.yaml", "weights": dst / "weights.yaml",
            "responses": dst / "responses", "root": dst}


def digest(folder: Path) -> dict[str, tuple[str, int]]:
    """sha256 and mtime of every file under ``folder``."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                         p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def score_args(paths: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return ["score", "--framework", str(paths["framework"]), "--weights", str(paths["weights"]),
            "--responses", str(paths["responses"]), "--output", str(out), "--quiet", *extra]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or
                  p.suffix == ".tmp")


# ---------------------------------------------------------------- atomic writes
def test_atomic_write_keeps_the_old_file_when_the_body_fails(tmp_path):
    target = tmp_path / "scores.csv"
    target.write_text("old,complete\n1,2\n")
    with pytest.raises(OSError, match="disk full"):
        with fileio.atomic_write(target) as fh:
            fh.write("new,half")
            raise OSError("disk full")
    assert target.read_text() == "old,complete\n1,2\n"
    assert leftovers(tmp_path) == []


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with fileio.atomic_write(target) as fh:
        fh.write("new")
        assert target.read_text() == "old"  # not visible until the end
    assert target.read_text() == "new" and leftovers(tmp_path) == []


def test_interrupted_csv_results_leave_the_whole_old_set(tiny, tmp_path, monkeypatch):
    out = tmp_path / "results"
    result = gci.score(tiny["responses"], tiny["framework"], tiny["weights"])
    result.write(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = tables.csv_blocks
    calls = []

    def dies_on_second_table(df, decimals=None):  # interrupted while the 2nd of 4 tables
        calls.append(1)                            # is being written
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(df, decimals)

    monkeypatch.setattr(tables, "csv_blocks", dies_on_second_table)
    with pytest.raises(KeyboardInterrupt):
        gci.score(tiny["responses"], tiny["framework"], tiny["weights"],
                  scheme="a_heavy").write(out)
    assert leftovers(out) == [] and leftovers(tmp_path) == []
    # the set is one transaction: no new scores.csv beside old tables (the old writer did that)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    old_scores = pd.read_csv(out / "scores.csv").set_index("iso3")["overall"]
    assert old_scores.to_dict() == pytest.approx({"DEU": 87.5, "FRA": 50.0, "KEN": 25.0})


def test_interrupted_xlsx_midway_leaves_the_old_workbook(tiny, tmp_path, monkeypatch):
    pytest.importorskip("openpyxl")
    out = tmp_path / "results"
    result = gci.score(tiny["responses"], tiny["framework"], tiny["weights"])
    result.write(out, "xlsx")
    old = (out / "results.xlsx").read_bytes()
    from gci.present import sheets as workbook_sheets

    real = workbook_sheets._write_table
    sheets = []

    def dies_midway(book, name, *args, **kwargs):  # two sheets written, then a crash
        sheets.append(name)
        if len(sheets) == 3:
            raise OSError("disk full")
        return real(book, name, *args, **kwargs)

    monkeypatch.setattr(workbook_sheets, "_write_table", dies_midway)
    with pytest.raises(GCIError, match="results: cannot write it: disk full"):  # exit 2
        result.write(out, "xlsx")
    assert (out / "results.xlsx").read_bytes() == old
    assert leftovers(out) == []
    monkeypatch.undo()
    assert pd.read_excel(out / "results.xlsx", sheet_name=None).keys() >= {"scores"}


def test_cli_interrupt_reports_and_keeps_files(tiny, tmp_path, monkeypatch):
    out = tmp_path / "results"
    assert CliRunner().invoke(main, score_args(tiny, out)).exit_code == 0
    old = (out / "indicators.csv").read_bytes()

    def interrupted(df, path, decimals=None):
        with fileio.atomic_write(path, "w", newline="") as fh:
            fh.write("iso3,partial")
            raise KeyboardInterrupt

    monkeypatch.setattr(output, "write_table", interrupted)
    run = CliRunner().invoke(main, score_args(tiny, out))
    assert run.exit_code == 130
    assert "interrupted" in run.output and "Traceback" not in run.output
    assert (out / "indicators.csv").read_bytes() == old
    assert leftovers(out) == []


# ---------------------------------------------------------------- inputs untouched
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_full_score_never_modifies_inputs(tiny, tmp_path, fmt):
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    before = digest(tiny["root"])
    out = tiny["root"] / f"results_{fmt}"  # beside the inputs, which is allowed
    run = CliRunner().invoke(main, score_args(tiny, out, "--format", fmt))
    assert run.exit_code == 0, run.output
    after = {k: v for k, v in digest(tiny["root"]).items()
             if not k.startswith(f"results_{fmt}")}
    assert after == before
    assert (out / "manifest.json").is_file()


def test_inputs_untouched_when_scoring_fails(tiny, tmp_path):
    bad = tiny["responses"] / "answers.csv"
    bad.write_text(bad.read_text() + "FRA,Q1,no,,questionnaire\n")  # a conflicting answer
    before = digest(tiny["root"])
    run = CliRunner().invoke(main, score_args(tiny, tmp_path / "out"))
    assert run.exit_code == 2 and "2 different answers" in run.output
    assert digest(tiny["root"]) == before and not (tmp_path / "out").exists()


# ---------------------------------------------------------------- never overwrite inputs
def test_output_refuses_the_responses_folder(tiny):
    before = digest(tiny["root"])
    run = CliRunner().invoke(main, score_args(tiny, tiny["responses"]))
    assert run.exit_code == 2
    assert "refusing to write results into" in run.output
    assert digest(tiny["root"]) == before


def test_output_refuses_a_folder_inside_the_responses_folder(tiny):
    run = CliRunner().invoke(main, score_args(tiny, tiny["responses"] / "out"))
    assert run.exit_code == 2 and "refusing" in run.output
    assert not (tiny["responses"] / "out").exists()


def test_output_refuses_a_link_to_the_responses_folder(tiny, tmp_path):
    link = tmp_path / "link"
    os.symlink(tiny["responses"], link)
    before = digest(tiny["root"])
    run = CliRunner().invoke(main, score_args(tiny, link))
    assert run.exit_code == 2 and "refusing" in run.output
    assert digest(tiny["root"]) == before


def test_results_may_go_beside_a_responses_file(tiny, tmp_path, monkeypatch):
    """Responses named as one file: its folder is not a responses folder (default output)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(tiny["responses"] / "answers.csv", "answers.csv")
    before = digest(tmp_path)
    run = CliRunner().invoke(main, ["score", "--framework", str(tiny["framework"]),
                                    "--weights", str(tiny["weights"]), "--responses",
                                    "answers.csv", "--quiet"])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "results" / "scores.csv").is_file()
    assert {k: v for k, v in digest(tmp_path).items() if not k.startswith("results")} == before


def test_output_refuses_to_overwrite_a_responses_file(tiny, tmp_path):
    """Responses given as one file called scores.csv: writing beside it would replace it."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    answers = folder / "scores.csv"
    shutil.copy(tiny["responses"] / "answers.csv", answers)
    before = digest(folder)
    paths = {**tiny, "responses": answers}
    run = CliRunner().invoke(main, score_args(paths, folder))
    assert run.exit_code == 2
    assert "refusing to overwrite input file" in run.output and "scores.csv" in run.output
    assert digest(folder) == before  # refused before anything was written


def test_output_refuses_the_framework_file_name(tiny, tmp_path):
    """A framework file called manifest.json in the output folder is an input too."""
    fw = tmp_path / "manifest.json"
    fw.write_text(tiny["framework"].read_text())  # YAML is read whatever the suffix
    run = CliRunner().invoke(main, score_args({**tiny, "framework": fw}, tmp_path))
    assert run.exit_code == 2 and "refusing to overwrite input file" in run.output
    assert fw.read_text() == tiny["framework"].read_text()


def test_rank_refuses_to_overwrite_its_input(tmp_path):
    scores = tmp_path / "scores.csv"
    scores.write_text("iso3,score\nFRA,50\nDEU,60\n")
    run = CliRunner().invoke(main, ["rank", str(scores), "--output", str(scores)])
    assert run.exit_code == 2 and "refusing to overwrite the input" in run.output
    assert scores.read_text() == "iso3,score\nFRA,50\nDEU,60\n"


def test_library_write_refuses_the_responses_folder(tiny):
    result = gci.score(tiny["responses"], tiny["framework"], tiny["weights"])
    with pytest.raises(GCIError, match="refusing"):
        result.write(tiny["responses"])
    assert sorted(p.name for p in tiny["responses"].iterdir()) == ["answers.csv"]


# ---------------------------------------------------------------- formula cells
def hostile_framework(tiny) -> Path:
    """The tiny framework with spreadsheet formulas as node names."""
    text = tiny["framework"].read_text()
    for old, new in zip(["Indicator A1", "Indicator A2", "Pillar B", "Indicator B1"], HOSTILE):
        text = text.replace(f"name: {old}", f"name: {json.dumps(new)}")
    path = tiny["root"] / "hostile.yaml"
    path.write_text(text)
    return path


def test_csv_cells_starting_like_formulas_are_neutralised(tiny, tmp_path):
    fw = hostile_framework(tiny)
    out = tmp_path / "out"
    run = CliRunner().invoke(main, score_args({**tiny, "framework": fw}, out))
    assert run.exit_code == 0, run.output
    ind = pd.read_csv(out / "indicators.csv", keep_default_na=False)
    names = set(ind["name"])
    assert names == {"'" + HOSTILE[0], "'" + HOSTILE[1], "'" + HOSTILE[3]}
    ew = pd.read_csv(out / "effective_weights.csv", keep_default_na=False)
    assert set(ew["name"]) >= {"'" + h for h in HOSTILE}
    raw = (out / "effective_weights.csv").read_text()
    for h in HOSTILE:  # no cell starts with a formula character
        assert f",{h.split(',')[0]}" not in raw and f"\n{h}" not in raw
    # numbers are not text: a negative number stays a number
    assert pd.api.types.is_float_dtype(ind["points"])


def test_xlsx_cells_starting_like_formulas_are_text(tiny, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    fw = hostile_framework(tiny)
    out = tmp_path / "out"
    result = gci.score(tiny["responses"], fw, tiny["weights"])
    result.write(out, "xlsx")
    wb = openpyxl.load_workbook(out / "results.xlsx")  # formulas would load as formulas
    ws = wb["effective_weights"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert {"'" + h for h in HOSTILE} <= values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)


def test_formula_like_file_names_and_group_names_are_neutralised(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = Path("=cmd.csv")  # a relative file name, as it appears in validation.csv
    shutil.copy(tiny["responses"] / "answers.csv", evil)
    run = CliRunner().invoke(main, score_args({**tiny, "responses": evil}, Path("out")))
    assert run.exit_code == 0, run.output
    val = pd.read_csv("out/validation.csv", keep_default_na=False)
    assert set(val["file"]) == {"'=cmd.csv"}
    groups = tmp_path / "groups.csv"
    groups.write_text("iso3,group\nFRA,@evil\nDEU,=1+1\nKEN,ok\n")
    scores = tmp_path / "s.csv"
    scores.write_text("iso3,score\nFRA,50\nDEU,60\nKEN,40\n")
    run = CliRunner().invoke(main, ["rank", str(scores), "--groups", str(groups), "-o",
                                    str(tmp_path / "ranked.csv")])
    assert run.exit_code == 0, run.output
    ranked = pd.read_csv(tmp_path / "ranked.csv", keep_default_na=False).set_index("iso3")
    assert ranked["group"].to_dict() == {"DEU": "'=1+1", "FRA": "'@evil", "KEN": "ok"}


def test_neutralise_leaves_other_text_and_numbers():
    frame = pd.DataFrame({"t": ["=1", "+1", "-x", "@a", "a=1", "ok", "\tx"], "n": [-1.5] * 7})
    safe = output.safe_frame(frame)
    assert list(safe["t"]) == ["'=1", "'+1", "'-x", "'@a", "a=1", "ok", "'\tx"]
    assert list(safe["n"]) == [-1.5] * 7
    assert list(frame["t"])[0] == "=1"  # the caller's frame is not changed


# ---------------------------------------------------------------- HTML
def test_html_profile_escapes_user_text(tiny, tmp_path):
    from gci.present import report_html

    script = "<script>alert('x')</script>"
    text = tiny["framework"].read_text().replace("name: Law exists", f'name: "{script}"')
    text = text.replace("name: Pillar A", 'name: "<img src=x onerror=alert(1)>"')
    fw = tiny["root"] / "html.yaml"
    fw.write_text(text)
    answers = tiny["responses"] / "answers.csv"
    answers.write_text(answers.read_text().replace(
        "FRA,Q1,yes,https://e.example/1", 'FRA,Q1,yes,"<script>alert(1)</script>"').replace(
        "KEN,Q1,yes,https://e.example/k1", "KEN,Q1,yes,javascript:alert(1)"))
    groups = pd.Series({"FRA": "<b>bold</b> region", "DEU": "x", "KEN": "y"}, name="group")
    result = gci.score(tiny["responses"], fw, tiny["weights"], groups=groups)
    for iso in ("FRA", "KEN"):
        page = report_html.country_profile(result, iso)
        assert "<script>" not in page and "<img" not in page and "<b>bold</b>" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as text
        assert 'href="javascript:' not in page
    page = report_html.country_profile(result, "FRA")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt; region" in page
