"""Answer templates (gci template) and a country's answers among the others (--with, replace=).

Tiny fixture by hand (equal scheme, missing=zero): DEU 87.5 (A 37.5, B 50), FRA 50, KEN 25.
KEN answering as DEU does (Q1 no, Q2 in_place, Q3 20, Q5 yes, Q6 yes; Q4 then does not apply)
scores 87.5 too: A1 = (0 + 1)/2, A2 = Q3 alone = 1, A = .75 -> 37.5 points; B = 1 -> 50.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import gci
from gci.analysis.whatif import replacement_changes
from gci.cli.app import main
from gci.inputs.validate import validate_all
from gci.present.template import (
    TEMPLATE_COLUMNS,
    TEMPLATE_INFO_COLUMNS,
    template_table,
    write_template,
)

TINY = Path(__file__).resolve().parent / "data" / "tiny"
FW_ARGS = ["--framework", str(TINY / "indicators.yaml"), "--weights", str(TINY / "weights.yaml"),
           "--responses", str(TINY / "responses")]
AS_DEU = {"Q1": "no", "Q2": "in_place", "Q3": "20", "Q5": "yes", "Q6": "yes"}


@pytest.fixture(scope="module")
def tiny_fw():
    return gci.load_framework(TINY / "indicators.yaml")


def _score(path: Path) -> gci.ScoreResult:
    return gci.score(path, TINY / "indicators.yaml", TINY / "weights.yaml")


def test_template_table_documents_every_question(tiny_fw):
    t = template_table(tiny_fw, "KEN")
    assert list(t.columns) == list(TEMPLATE_COLUMNS)
    assert set(TEMPLATE_INFO_COLUMNS) <= set(t.columns)
    assert t["question"].tolist() == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
    assert (t["iso3"] == "KEN").all() and (t["answer"] == "").all()
    row = t.set_index("question")
    assert row.loc["Q2", "allowed_answers"] == "one of: in_place (1), partial (0.5), none (0)"
    assert row.loc["Q3", "allowed_answers"].startswith("a number >= 0; 0 or less scores 0, "
                                                       "10 or more full credit")
    assert row.loc["Q3", "unit"] == "people"
    assert row.loc["Q1", "evidence_required"] == "yes"
    assert row.loc["Q4", "applies_if"].startswith("Answer only if Q1 (Law exists) is yes")
    assert row.loc["Q5", "pillar"] == "Pillar B" and row.loc["Q5", "indicator"] == "Indicator B1"


def test_template_prefilled_with_current_answers(tiny_fw):
    resp = gci.load_responses(TINY / "responses")
    t = template_table(tiny_fw, "KEN", resp).set_index("question")
    assert t["answer"].tolist() == ["yes", "none", "", "yes", "no", "no"]  # Q3 unanswered
    assert t.loc["Q1", "evidence"] == "https://e.example/k1"


def _fill_yaml(path: Path, answers: dict[str, str]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        code = line.strip().rstrip(":")
        if line.startswith("  Q") and line.strip().endswith(":") and code in answers:
            extra = ', evidence: "https://law.example/1"' if code == "Q1" else ""
            line = f"  {code}: {{answer: {json.dumps(answers[code])}{extra}}}"
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _fill_table(path: Path, answers: dict[str, str]) -> None:
    if path.suffix == ".csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df["answer"] = df["question"].map(answers).fillna("")
        df.to_csv(path, index=False)
        return
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Answers"]
    head = [c.value for c in ws[1]]
    qcol, acol = head.index("question") + 1, head.index("answer") + 1
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, qcol).value
        if code in answers:  # Excel stores a typed number as a number
            value = answers[code]
            ws.cell(r, acol).value = int(value) if value.isdigit() else value
    wb.save(path)


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".xlsx"])
def test_round_trip_template_fill_validate_score(tmp_path, tiny_fw, suffix):
    path = tmp_path / f"answers{suffix}"
    runner = CliRunner()
    res = runner.invoke(main, ["template", "Kenya", "-o", str(path), "--blank",
                               "--framework", str(TINY / "indicators.yaml")])
    assert res.exit_code == 0, res.output
    assert "6 questions" in res.output
    # the blank template reads as no answers at all: 6 missing, nothing wrong
    found = validate_all(TINY / "indicators.yaml", TINY / "weights.yaml", path)
    assert found.errors == []
    (_fill_yaml if suffix == ".yaml" else _fill_table)(path, AS_DEU)
    res = runner.invoke(main, ["validate", "--strict", "--framework",
                               str(TINY / "indicators.yaml"), "--weights",
                               str(TINY / "weights.yaml"), "--responses", str(path)])
    if suffix == ".yaml":  # evidence given for Q1: nothing to warn about
        assert res.exit_code == 0, res.output
        assert "0 error(s), 0 warning(s)" in res.output
    else:  # Q1 = no earns no credit, so its missing evidence is no warning either
        assert res.exit_code == 0, res.output
    r = _score(path)
    assert r.countries == ["KEN"]
    assert r.overall["KEN"] == pytest.approx(87.5)
    assert r.pillars.loc["KEN"].tolist() == pytest.approx([37.5, 50.0])
    assert r.matrix.state[0].tolist() == [0, 0, 0, 2, 0, 0]  # Q4 does not apply


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".xlsx"])
def test_prefilled_template_scores_like_the_country(tmp_path, default_result, suffix):
    fw = default_result.framework
    resp = gci.load_responses(gci.default_paths()["responses"] / "KEN.yaml")
    path = write_template(fw, tmp_path / f"ken{suffix}", "KEN", resp)
    found = validate_all(gci.default_paths()["framework"], gci.default_paths()["weights"], path)
    assert found.errors == []
    r = gci.score(path)
    assert r.overall["KEN"] == pytest.approx(default_result.overall["KEN"], abs=1e-12)
    pd.testing.assert_frame_equal(r.pillars.loc[["KEN"]], default_result.pillars.loc[["KEN"]])


def test_xlsx_template_is_usable_in_excel(tmp_path, tiny_fw):
    import openpyxl

    resp = gci.Responses.from_records([{"iso3": "KEN", "question": "Q1", "answer": "yes",
                                        "evidence": "=HYPERLINK(\"x\")"}])
    path = write_template(tiny_fw, tmp_path / "t.xlsx", "KEN", resp)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Answers", "Read me"]
    ws = wb["Answers"]
    head = [c.value for c in ws[1]]
    assert head == list(TEMPLATE_COLUMNS)
    col = {name: ws.cell(1, i + 1).column_letter for i, name in enumerate(head)}
    # dropdowns: yes/no on Q1, Q4, Q5, Q6 (rows 2, 5, 6, 7), the scale on Q2, a number on Q3
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert lists['"yes,no"'].split() == [f"{col['answer']}{r}" for r in (2, 5, 6, 7)]
    assert lists['"in_place,partial,none"'] == f"{col['answer']}3"
    number = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert [(dv.operator, dv.formula1, str(dv.sqref)) for dv in number] == \
        [("greaterThanOrEqual", "0", f"{col['answer']}4")]
    # documentation locked, answer cells open, sheet protected
    assert ws.protection.sheet
    assert ws[f"{col['question_text']}2"].protection.locked
    assert not ws[f"{col['answer']}2"].protection.locked
    assert not ws[f"{col['evidence']}2"].protection.locked
    # user text that looks like a formula stays text, and reads back unchanged
    assert ws[f"{col['evidence']}2"].data_type == "s"
    back = gci.load_responses(path).table
    assert back.loc[back["question"] == "Q1", "evidence"].iloc[0] == "=HYPERLINK(\"x\")"
    # the explanation sheet names every column and is no responses table
    notes = [r[0].value for r in wb["Read me"].iter_rows(min_row=5)]
    assert "answer" in notes and "evidence" in notes


def test_template_refuses_unknown_suffix_and_country(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["template", "KEN", "-o", str(tmp_path / "t.txt")])
    assert res.exit_code == 2 and ".yaml, .csv or .xlsx" in res.output
    res = runner.invoke(main, ["template", "Kenia", "-o", str(tmp_path / "t.yaml")])
    assert res.exit_code == 2 and "Kenya" in res.output  # did you mean
    assert not (tmp_path / "t.yaml").exists()


# --- my answers among the others ---------------------------------------------------------------
def _ken_as_deu(tmp_path: Path) -> Path:
    path = tmp_path / "ken.yaml"
    path.write_text("country: KEN\nanswers:\n  Q1: 'no'\n  Q2: in_place\n  Q3: 20\n  Q4:\n"
                    "  Q5: 'yes'\n  Q6: 'yes'\n", encoding="utf-8")
    return path


def test_score_replace_by_hand(tmp_path):
    path = _ken_as_deu(tmp_path)
    before = gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml")
    after = gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml",
                      replace=path)
    assert after.options["replaced"] == ["KEN"]
    assert after.overall.to_dict() == pytest.approx({"DEU": 87.5, "FRA": 50.0, "KEN": 87.5})
    assert after.ranks.loc["KEN", "global_rank"] == 1  # tied with DEU (dense)
    assert "replace" in after.inputs and before.overall["KEN"] == pytest.approx(25.0)
    t = replacement_changes(before, after).set_index("measure")
    assert t.loc["overall", "change"] == pytest.approx(62.5)
    assert (t.loc["global_rank", "before"], t.loc["global_rank", "after"]) == (3, 1)
    assert (t.loc["tier", "before"], t.loc["tier", "after"]) == ("Tier 4 - Evolving",
                                                                 "Tier 2 - Advancing")
    # the responses given are untouched
    assert before.overall["KEN"] == pytest.approx(25.0)


def test_replace_adds_a_new_country(tmp_path):
    path = tmp_path / "gha.yaml"
    path.write_text("country: Ghana\nanswers: {Q5: 'yes', Q6: 'no'}\n", encoding="utf-8")
    before = gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml")
    after = gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml",
                      replace=[path])
    assert after.overall["GHA"] == pytest.approx(25.0)  # B = 1/2, A = 0
    assert after.ranks.loc["GHA", "regional_rank"] == 1  # tied with KEN in Africa
    t = replacement_changes(before, after)
    assert t["before"].isna().all()


def test_cli_score_with_prints_changes_and_writes_nothing(tmp_path, monkeypatch):
    path = _ken_as_deu(tmp_path)
    runner = CliRunner()
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    res = runner.invoke(main, ["score", *FW_ARGS, "--with", str(path)])
    assert res.exit_code == 0, res.output
    assert not Path("results").exists()
    assert "KEN (Kenya) with the given answers:" in res.output
    assert "25.00 -> 87.50 (+62.50)" in res.output
    assert "3 ->    1 of 3 (+2 places)" in res.output
    assert "Tier 4 - Evolving -> Tier 2 - Advancing" in res.output
    out = tmp_path / "out"
    res = runner.invoke(main, ["score", *FW_ARGS, "--with", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    scores = pd.read_csv(out / "scores.csv").set_index("iso3")
    assert scores.loc["KEN", "overall"] == pytest.approx(87.5)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["replaced"] == ["KEN"]
    # a file that is not there is refused before anything runs
    res = runner.invoke(main, ["score", *FW_ARGS, "--with", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 2


def test_cli_report_with(tmp_path):
    path = _ken_as_deu(tmp_path)
    out = tmp_path / "ken.html"
    res = CliRunner().invoke(main, ["report", "KEN", *FW_ARGS, "--with", str(path),
                                    "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "25.00 -> 87.50" in res.output
    assert "87.50" in out.read_text(encoding="utf-8")


def test_csv_template_keeps_negative_numbers_and_defuses_formulas(tmp_path, tiny_fw):
    resp = gci.Responses.from_records([
        {"iso3": "KEN", "question": "Q3", "answer": "-5"},
        {"iso3": "KEN", "question": "Q1", "answer": "yes", "evidence": "=cmd()"}])
    path = write_template(tiny_fw, tmp_path / "t.csv", "KEN", resp)
    t = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("question")
    assert t.loc["Q3", "answer"] == "-5"  # read back as typed (and refused: below the range)
    assert t.loc["Q1", "evidence"] == "'=cmd()"  # a spreadsheet shows it as text


def test_template_with_several_responses_prefills_from_them(tmp_path):
    # several --responses are read together (an internal error before)
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "ken.yaml"
    res = CliRunner().invoke(main, ["template", "KEN", "-o", str(out), "--responses",
                                    str(root / "responses" / "KEN.yaml"), "--responses",
                                    str(root / "responses" / "FRA.yaml"), "-q"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["validate", "--responses", str(out), "-q"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["template", "Kenia", "-o", str(tmp_path / "x.yaml")])
    assert res.exit_code == 2 and res.output.count("did you mean") == 1
