"""Responses: every input format, country names, and every validation problem."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import gci
from gci.errors import InputError, ResponsesError
from gci.inputs.responses import build_matrix
from tests.conftest import write

FRA_YAML = """country: France
source: questionnaire
answers:
  Q1: {answer: yes, evidence: "https://e.example/1"}
  Q2: partial
  Q3: 5
  Q4: no
  Q5: yes
  Q6: {answer: "no", source: desk_research}
"""


@pytest.fixture
def fw(tiny_paths):
    return gci.load_framework(tiny_paths["framework"])


def overall(resp, fw, tiny_paths):
    return gci.score(resp, fw, tiny_paths["weights"]).overall


def test_yaml_json_long_wide_xlsx_all_agree(tmp_path, fw, tiny_paths):
    # FRA scores 50 by hand (tests/test_scoring.py) in every format.
    y = write(tmp_path / "y" / "FRA.yaml", FRA_YAML)
    j = write(tmp_path / "j" / "fra.json", json.dumps({
        "country": "FRA", "answers": {"Q1": {"answer": "yes", "evidence": "https://e.example/1"},
                                       "Q2": "partial", "Q3": 5, "Q4": False, "Q5": True,
                                       "Q6": "no"}}))
    wide = write(tmp_path / "w" / "wide.csv",
                 "iso3,Q1,Q2,Q3,Q4,Q5,Q6\nFRA,yes,partial,5,no,yes,no\n")
    long = tiny_paths["responses"] / "answers.csv"
    pd.DataFrame({"iso3": ["FRA"], "Q1": ["yes"], "Q2": ["partial"], "Q3": [5], "Q4": ["no"],
                  "Q5": ["yes"], "Q6": ["no"]}).to_excel(tmp_path / "wide.xlsx", index=False)
    for src in (y, j, wide, long, tmp_path / "wide.xlsx"):
        resp = gci.load_responses(src)
        assert overall(resp, fw, tiny_paths)["FRA"] == pytest.approx(50.0), src


def test_folder_reads_every_file_sorted(tmp_path, fw, tiny_paths):
    write(tmp_path / "FRA.yaml", FRA_YAML)
    write(tmp_path / "DEU.yaml", "country: Germany\nanswers: {Q1: no, Q2: in_place, Q3: 20, "
                                 "Q5: yes, Q6: yes}\n")
    write(tmp_path / "README.md", "not read")
    resp = gci.load_responses(tmp_path)
    assert [p.rsplit("/", 1)[-1] for p in resp.files] == ["DEU.yaml", "FRA.yaml"]
    assert overall(resp, fw, tiny_paths).to_dict() == pytest.approx({"DEU": 87.5, "FRA": 50.0})


@pytest.mark.parametrize("text,iso3", [("cote d'ivoire", "CIV"), ("Türkiye", "TUR"),
                                        ("turkey", "TUR"), ("united states", "USA"),
                                        ("fra", "FRA"), ("Republic of Korea", "KOR")])
def test_country_names_resolve(text, iso3):
    from gci.inputs.countries import resolve_country

    assert resolve_country(text) == (iso3, None)


def test_ambiguous_and_unknown_country_names():
    from gci.inputs.countries import resolve_country

    code, err = resolve_country("Korea")
    assert code is None and "ambiguous" in err and "KOR" in err and "PRK" in err
    code, err = resolve_country("Atlantis")
    assert code is None and "unknown country 'Atlantis'" in err


def test_every_validation_problem_is_reported_together(tmp_path, fw):
    path = write(tmp_path / "all.csv", "\n".join([
        "iso3,question,answer,evidence,source",
        "FRA,Q1,yes,https://e.example/1,questionnaire",   # row 2 ok
        "FRA,Q2,sometimes,,questionnaire",                # row 3 bad scale level
        "FRA,Q3,-4,,questionnaire",                       # row 4 negative count
        "FRA,Q9,yes,,questionnaire",                      # row 5 unknown question
        "Narnia,Q1,yes,,questionnaire",                   # row 6 unknown country
        "DEU,Q1,no,,questionnaire",                       # row 7
        "DEU,Q4,yes,,questionnaire",                      # row 8 Q4 does not apply
        "DEU,Q5,yes,,questionnaire",                      # row 9
        "DEU,Q5,no,,questionnaire",                       # row 10 conflicting answer
        "DEU,Q6,yes,,questionnaire",                      # row 11
        "DEU,Q6,yes,,questionnaire",                      # row 12 duplicate (same answer)
        "KEN,Q5,maybe,,rumour",                           # row 13 bad binary, bad source
    ]) + "\n")
    with pytest.raises(ResponsesError) as exc:
        gci.load_responses(path, fw)
    err = exc.value
    got = {(p.kind, p.country, p.item, p.line, p.severity) for p in err.problems}
    f = str(path)
    assert ("bad_answer", "FRA", "Q2", 3, "error") in got
    assert ("bad_answer", "FRA", "Q3", 4, "error") in got
    assert ("unknown_question", "FRA", "Q9", 5, "error") in got
    assert ("unknown_country", "Narnia", None, 6, "error") in got
    assert ("conflicting_answers", "DEU", "Q5", 10, "error") in got
    assert ("duplicate_answer", "DEU", "Q6", 12, "warning") in got
    assert ("answer_not_applicable", "DEU", "Q4", 8, "warning") in got
    assert ("bad_answer", "KEN", "Q5", 13, "error") in got
    assert ("bad_source", "KEN", "Q5", 13, "error") in got
    assert all(p.file == f for p in err.problems)
    text = str(err)
    assert "expected one of in_place, partial, none" in text
    assert "expected a number >= 0" in text
    assert "expected yes or no" in text
    assert f"{f}:9, {f}:10" in text  # both conflicting rows are named


def test_missing_answers_are_counted_and_reported(tmp_path, fw, tiny_paths):
    resp = gci.load_responses(tiny_paths["responses"])
    m = build_matrix(resp, fw)
    assert m.missing_counts.to_dict() == {"DEU": 0, "FRA": 0, "KEN": 1}
    miss = [p for p in m.problems if p.kind == "missing_answers"]
    assert len(miss) == 1 and miss[0].country == "KEN" and "Q3" in miss[0].message
    assert "counted as 0" in miss[0].message


def test_missing_evidence_is_a_warning(tmp_path, fw):
    path = write(tmp_path / "FRA.yaml", "country: FRA\nanswers: {Q1: yes}\n")
    m = build_matrix(gci.load_responses(path), fw)
    ev = [p for p in m.problems if p.kind == "missing_evidence"]
    assert len(ev) == 1 and ev[0].country == "FRA" and "Q1" in ev[0].message


def test_yaml_document_problems(tmp_path):
    with pytest.raises(ResponsesError) as exc:
        gci.load_responses(write(tmp_path / "x.yaml", "country: ZZZ\nanswers: [1, 2]\n"))
    kinds = sorted(p.kind for p in exc.value.errors)
    assert kinds == ["no_answers", "unknown_country"]
    with pytest.raises(InputError, match="duplicate key 'Q1'"):
        gci.load_responses(write(tmp_path / "d.yaml", "country: FRA\nanswers:\n  Q1: yes\n"
                                                      "  Q1: no\n"))
    with pytest.raises(InputError, match="duplicate key"):
        gci.load_responses(write(tmp_path / "d.json", '{"country": "FRA", "country": "DEU"}'))


def test_no_response_files(tmp_path):
    with pytest.raises(InputError, match="no response files"):
        gci.load_responses(tmp_path)


def test_what_if_copy_leaves_original(tiny_paths, fw):
    resp = gci.load_responses(tiny_paths["responses"])
    new = resp.with_answers("FRA", {"Q6": "yes"})
    assert overall(new, fw, tiny_paths)["FRA"] == pytest.approx(75.0)  # B: .5 -> 1
    assert overall(resp, fw, tiny_paths)["FRA"] == pytest.approx(50.0)


def test_long_wide_round_trip(tiny_paths):
    resp = gci.load_responses(tiny_paths["responses"])
    wide = resp.to_wide()
    back = gci.Responses.from_wide(wide)
    a = resp.to_long().sort_values(["iso3", "question"])[["iso3", "question", "answer"]]
    b = back.to_long().sort_values(["iso3", "question"])[["iso3", "question", "answer"]]
    assert a.to_numpy().tolist() == b.to_numpy().tolist()
