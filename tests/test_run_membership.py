"""Who is in the run: every country read is scored or named; one submission per country.

Tiny framework by hand (equal scheme, missing=zero): FRA 50, DEU 87.5; a country whose
submission holds no answer scores 0 and is named in an ``empty_submission`` warning.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import gci
from gci.cli.app import main
from gci.engine.score_table import rank_table
from gci.errors import InputError, ResponsesError, ValidationError

TINY = Path(__file__).resolve().parent / "data" / "tiny"
TINY_FW, TINY_W = TINY / "indicators.yaml", TINY / "weights.yaml"
FRA = "country: FRA\nanswers: {Q1: yes, Q2: partial, Q3: 5, Q4: no, Q5: yes, Q6: no}\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("doc", ["country: KEN\nanswers:\n", "country: KEN\nanswers: {}\n",
                                 '{"country": "KEN", "answers": {}}',
                                 '{"country": "Kenya", "answers": null}'])
def test_empty_submission_is_scored_and_named(tmp_path, doc):
    _write(tmp_path, "FRA.yaml", FRA)
    ken = _write(tmp_path, "KEN.json" if doc.startswith("{") else "KEN.yaml", doc)
    r = gci.score(tmp_path, TINY_FW, TINY_W)
    assert r.overall.to_dict() == {"FRA": 50.0, "KEN": 0.0}
    assert r.scores.loc["KEN", "missing_answers"] == 5  # Q4 does not apply without Q1
    (warn,) = [p for p in r.matrix.problems if p.kind == "empty_submission"]
    assert (warn.file, warn.country, warn.severity) == (str(ken), "KEN", "warning")
    assert "KEN has no answers; it is scored with every answer missing" in warn.message


def test_missing_answers_key_is_still_an_error(tmp_path):
    p = _write(tmp_path, "KEN.yaml", "country: KEN\nanswer:\n  Q1: yes\n")
    with pytest.raises(ResponsesError) as exc:
        gci.load_responses(p)
    assert [(q.kind, q.line) for q in exc.value.errors] == [("no_answers", 1)]


def test_two_files_for_one_country_name_both(tmp_path):
    a = _write(tmp_path, "a_FRA.yaml", FRA)
    b = _write(tmp_path, "b_france.yaml", "country: France\nanswers: {Q1: yes}\n")
    with pytest.raises(ResponsesError) as exc:
        gci.load_responses(tmp_path)
    (err,) = exc.value.errors
    assert (err.kind, err.country, err.file, err.line) == ("duplicate_country", "FRA", str(b), 1)
    assert f"FRA is submitted 2 times: {a}:1 and {b}:1" in err.message
    assert "keep one submission per country" in err.message


def test_a_file_and_a_table_for_one_country(tmp_path):
    _write(tmp_path, "a.csv", "iso3,question,answer\nDEU,Q1,no\nfra,Q5,yes\n")
    y = _write(tmp_path, "b.yaml", FRA)
    with pytest.raises(ResponsesError) as exc:
        gci.load_responses(tmp_path)
    (err,) = exc.value.errors
    assert err.country == "FRA" and err.file == str(y)
    assert f"{tmp_path / 'a.csv'}:3 and {y}:1" in err.message


def test_what_if_is_not_a_second_submission(tmp_path):
    _write(tmp_path, "FRA.yaml", FRA)
    resp = gci.load_responses(tmp_path)
    r = gci.score(resp.with_answers("FRA", {"Q6": "yes"}), TINY_FW, TINY_W)
    assert r.overall.to_dict() == {"FRA": 75.0}


def test_from_wide_duplicate_rows():
    df = pd.DataFrame({"iso3": ["FRA", "DEU", "France"], "Q1": ["yes", "no", "no"]})
    resp = gci.Responses.from_wide(df)
    (p,) = [p for p in resp.problems if p.kind == "duplicate_country"]
    assert p.line == 4 and "row 2 ('FRA') and row 4 ('France')" in p.message


def test_bad_text_refused_at_read_time(tmp_path):
    j = _write(tmp_path, "s.json", '{"country": "FRA", "answers": {"Q1": {"answer": "yes", '
                                   '"evidence": "x\\ud800"}}}')
    with pytest.raises(InputError) as exc:
        gci.load_responses(j)
    assert exc.value.file == str(j) and "lone surrogate U+D800" in str(exc.value)
    y = _write(tmp_path, "s.yaml", 'country: FRA\nanswers:\n  Q1: yes\n  Q2: "a\\x1bb"\n')
    with pytest.raises(InputError) as exc:
        gci.load_responses(y)
    assert exc.value.line == 4 and "control character U+001B" in str(exc.value)
    assert "the value of 'Q2'" in str(exc.value)


def test_normalise_refuses_duplicate_unit_rows(tmp_path):
    data = _write(tmp_path, "d.csv", "iso3,x\nFRA,1\nDEU,2\n fra ,3\nDEU,4\n")
    res = CliRunner().invoke(main, ["normalise", str(data), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert f"{data}:5: error: unit 'DEU' is in 2 rows (3, 5)" in res.output
    assert f"{data}:4: error: unit 'FRA' is in 2 rows (2, 4)" in res.output
    assert not (tmp_path / "o.csv").exists()


def test_rank_table_names_both_duplicate_rows(tmp_path):
    p = _write(tmp_path, "s.csv", "iso3,score\nFRA,90\nDEU,80\nFrance,70\n")
    with pytest.raises(ValidationError) as exc:
        rank_table(p)
    (err,) = exc.value.problems
    assert (err.kind, err.line, err.country) == ("duplicate_country", 4, "FRA")
    assert "rows 2 and 4" in err.message


def test_units_without_region_are_warned(tmp_path):
    _write(tmp_path, "a.csv", "iso3,question,answer\nU1,Q1,yes\nU2,Q1,no\n")
    r = gci.score(tmp_path, TINY_FW, TINY_W, check_countries=False)
    got = sorted(p.country for p in r.matrix.problems if p.kind == "ungrouped_country")
    assert got == ["U1", "U2"]


def test_normalise_sheet_option(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "2023"
    wb.active.append(["iso3", "x"])
    wb.active.append(["FRA", 1])
    new = wb.create_sheet("2024")
    for row in (["iso3", "x"], ["FRA", 2], ["DEU", 4]):
        new.append(row)
    src = tmp_path / "d.xlsx"
    wb.save(src)
    res = CliRunner().invoke(main, ["normalise", str(src), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code == 2 and "sheets '2023' and '2024' each hold a table" in res.output
    res = CliRunner().invoke(main, ["normalise", str(src), "--sheet", "2024", "-o",
                                    str(tmp_path / "o.csv")])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "o.csv")
    assert out.set_index("iso3")["x"].to_dict() == {"FRA": 0.0, "DEU": 100.0}  # minmax 0-100
