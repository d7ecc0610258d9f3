"""gci.inputs.values: the one strict reader of values, driven by tests/corpus/values/cases.yaml.

Expected numbers are the decimal literals of the corpus read by Python's own float() (a second
method); expected credits are worked out by hand from the test framework (Q3: goalposts [0, 10],
so 2.5 is credit 0.25).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from frameworks import THREE_TYPES

from gci import errors
from gci.fileio import read_yaml
from gci.inputs import values
from gci.inputs.framework import load_framework
from gci.inputs.responses import build_matrix, load_responses

CORPUS = read_yaml(Path(__file__).parent / "corpus" / "values" / "cases.yaml")
LEVELS = ["none", "partial", "in_place"]

FRAMEWORK = THREE_TYPES
FORMATS = ["yaml", "json", "csv_long", "csv_wide", "xlsx"]


def _id(case: dict) -> str:
    return f"{case['value']!r}" + (f" decimal {case['decimal']}" if "decimal" in case else "")


def test_corpus_has_enough_cases():
    n = sum(len(CORPUS[k]) for k in ("numbers", "binary", "levels")) + \
        len(CORPUS["answers"]) * len(FORMATS)
    assert n >= 70


@pytest.mark.parametrize("case", CORPUS["numbers"], ids=_id)
def test_number(case):
    decimal = case.get("decimal", ".")
    if "number" in case:
        assert values.parse_number(case["value"], decimal=decimal) == float(case["number"])
    else:
        with pytest.raises(values.BadValue) as info:
            values.parse_number(case["value"], decimal=decimal)
        assert case["error"] in info.value.message


@pytest.mark.parametrize("case", CORPUS["binary"], ids=_id)
def test_binary(case):
    if "answer" in case:
        assert values.parse_binary(case["value"]) is (case["answer"] == "yes")
    else:
        with pytest.raises(values.BadValue) as info:
            values.parse_binary(case["value"])
        assert case["error"] in info.value.message


@pytest.mark.parametrize("case", CORPUS["levels"], ids=_id)
def test_level(case):
    if "level" in case:
        assert values.parse_level(case["value"], LEVELS) == case["level"]
    else:
        with pytest.raises(values.BadValue) as info:
            values.parse_level(case["value"], LEVELS)
        assert case["error"] in info.value.message


# ---------------------------------------------------------------- values that are not text
@pytest.mark.parametrize("value, expected", [(3, 3.0), (2.5, 2.5), (-0.0, 0.0)])
def test_numbers_given_as_numbers(value, expected):
    assert values.parse_number(value) == expected


@pytest.mark.parametrize("value, part", [
    (True, "true/false value"), (False, "true/false value"), (10 ** 400, "too large"),
    (float("nan"), "not a finite number"), (float("inf"), "not a finite number"),
    ([1], "is not a number"), (None, "is not a number"),
])
def test_non_text_refused_as_numbers(value, part):
    with pytest.raises(values.BadValue, match=part):
        values.parse_number(value)


@pytest.mark.parametrize("value, expected", [(True, True), (False, False), (1, True), (0, False),
                                             (1.0, True), (0.0, False)])
def test_binary_given_as_booleans_or_exact_numbers(value, expected):
    assert values.parse_binary(value) is expected


@pytest.mark.parametrize("value", [2, 0.9999999, 1.0000001, -1, float("nan"), None, ["yes"]])
def test_binary_refuses_other_numbers(value):
    with pytest.raises(values.BadValue, match="not a yes/no answer"):
        values.parse_binary(value)


def test_decimal_mark_is_checked():
    with pytest.raises(ValueError, match="expected '.' or ','"):
        values.parse_number("3", decimal=";")


def test_decimal_mark_context():
    assert values.check_decimal(None) == "."
    with values.decimal_mark(","):
        assert values.check_decimal(None) == ","
        assert values.check_decimal(".") == "."
    assert values.check_decimal(None) == "."


@pytest.mark.parametrize("value, choices, hint", [
    ("Q7", ["Q07", "Q70", "Q79"], "did you mean Q07?"),
    ("q07", ["Q07", "Q70"], "did you mean Q07?"),
    ("legl", ["legal", "technical"], "did you mean legal?"),
    ("zzz", ["legal", "technical"], ""),
    ("", ["legal"], ""),
])
def test_suggest(value, choices, hint):
    assert values.suggest(value, choices) == hint


@pytest.mark.parametrize("value, expected", [
    ("a", "a"), ("  a  ", "a"), (["a", " b "], "a\nb"), (None, None), ("", None),
    (True, "true"),  # JSON true: the text YAML and CSV give
])
def test_evidence(value, expected):
    assert values.parse_evidence(value) == expected


@pytest.mark.parametrize("value, part", [
    ({"url": "x"}, "evidence is a mapping"), (["a", ""], "must be a non-empty text"),
    (["a", ["b"]], "must be a non-empty text"), ([True], "must be a non-empty text"),
])
def test_evidence_refused(value, part):
    with pytest.raises(values.BadValue, match=part):
        values.parse_evidence(value)


@pytest.mark.parametrize("value, expected", [
    ("3", 3), ("2.5", 2.5), ("true", True), ("False", False), ("abc", "abc"), ("1e2", 100.0),
    ("3,5", "3,5"),
])
def test_param(value, expected):
    out = values.parse_param(value)
    assert out == expected and type(out) is type(expected)


def test_number_map_types_each_distinct_value_once():
    numbers, bad = values.number_map(["1", "2.5", "1", "x", "3,5"])
    assert numbers == {"1": 1.0, "2.5": 2.5}
    assert set(bad) == {"x", "3,5"} and "has a comma" in bad["3,5"]


# ---------------------------------------------------------------- one answer, every format
def write_answer(folder: Path, fmt: str, question: str, answer: str) -> tuple[Path, int | None]:
    """Write FRA's answer to ``question`` in ``fmt``; return the file and the answer's line."""
    import csv

    if fmt == "yaml":
        f = folder / "fra.yaml"
        f.write_text(f"country: FRA\nanswers:\n  {question}: {json.dumps(answer)}\n", "utf-8")
        return f, 3
    if fmt == "json":
        f = folder / "fra.json"
        f.write_text(json.dumps({"country": "FRA", "answers": {question: answer}}), "utf-8")
        return f, None
    if fmt == "csv_long":
        f = folder / "long.csv"
        with open(f, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([["iso3", "question", "answer"], ["FRA", question, answer]])
        return f, 2
    if fmt == "csv_wide":
        f = folder / "wide.csv"
        with open(f, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([["iso3", "Q1", "Q2", "Q3"],
                                      ["FRA", *[answer if q == question else ""
                                                for q in ("Q1", "Q2", "Q3")]]])
        return f, 2
    import openpyxl

    f = folder / "long.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["iso3", "question", "answer"])
    ws.append(["FRA", question, answer])
    wb.save(f)
    return f, 2


@pytest.fixture(scope="module")
def framework(tmp_path_factory):
    f = tmp_path_factory.mktemp("fw") / "indicators.yaml"
    f.write_text(FRAMEWORK, "utf-8")
    return load_framework(f)


ANSWER_CASES = [(fmt, c) for c in CORPUS["answers"] for fmt in FORMATS]


@pytest.mark.parametrize("fmt, case", ANSWER_CASES,
                         ids=[f"{f}-{c['question']}={c['answer']}" for f, c in ANSWER_CASES])
def test_answer_in_every_format(tmp_path, framework, fmt, case):
    f, line = write_answer(tmp_path, fmt, case["question"], case["answer"])
    q = case["question"]
    j = framework.question_codes.index(q)
    if "credit" in case:
        m = build_matrix(load_responses(f), framework)
        assert m.credit[0, j] == float(case["credit"])
        assert not [p for p in m.problems if p.severity == "error"]
        return
    with pytest.raises(errors.ResponsesError) as info:
        load_responses(f, framework)
    bad = [p for p in info.value.errors if p.kind == "bad_answer"]
    assert len(bad) == 1, info.value
    p = bad[0]
    assert (p.file, p.line, p.country, p.item) == (str(f), line, "FRA", q)
    assert case["error"] in p.message
    assert f"question {q}" in p.message


def test_numeric_answer_with_decimal_comma(tmp_path, framework):
    f, _ = write_answer(tmp_path, "csv_long", "Q3", "2,5")
    m = build_matrix(load_responses(f, decimal=","), framework)
    assert m.credit[0, 2] == 0.25
    f.write_text("iso3,question,answer\nFRA,Q3,2.5\n", "utf-8")
    with pytest.raises(errors.ResponsesError, match="has a dot but the decimal mark is a comma"):
        load_responses(f, framework, decimal=",")


def test_numeric_condition_uses_the_decimal_mark(tmp_path):
    fw_file = tmp_path / "fw.yaml"
    fw_file.write_text(FRAMEWORK + "          - {code: Q4, name: q4, type: binary, "
                       "applies_if: 'Q3 >= 2.5'}\n", "utf-8")
    fw = load_framework(fw_file)
    resp = tmp_path / "r.csv"
    resp.write_text('iso3,question,answer\nFRA,Q3,"2,5"\nFRA,Q4,yes\n'
                    'DEU,Q3,"2,4"\nDEU,Q4,yes\n', "utf-8")
    m = build_matrix(load_responses(resp, decimal=","), fw)
    # FRA: 2.5 >= 2.5 so Q4 applies (credit 1); DEU: 2.4 < 2.5 so Q4 does not apply
    assert m.countries == ["DEU", "FRA"]
    assert m.credit[1, 3] == 1.0
    assert m.state[0, 3] == 2  # NOT_APPLICABLE


def test_evidence_list_is_one_text_in_yaml_and_json(tmp_path, framework):
    y = tmp_path / "y"
    y.mkdir()
    (y / "fra.yaml").write_text("country: FRA\nanswers:\n  Q1:\n    answer: yes\n    evidence:\n"
                                "      - https://a.example\n      - law 12/2020\n", "utf-8")
    j = tmp_path / "j"
    j.mkdir()
    (j / "fra.json").write_text(json.dumps({"country": "FRA", "answers": {"Q1": {
        "answer": "yes", "evidence": ["https://a.example", "law 12/2020"]}}}), "utf-8")
    for folder in (y, j):
        m = build_matrix(load_responses(folder), framework)
        assert m.evidence.loc["FRA", "Q1"] == "https://a.example\nlaw 12/2020"


def test_evidence_mapping_refused_with_line(tmp_path, framework):
    f = tmp_path / "fra.yaml"
    f.write_text("country: FRA\nanswers:\n  Q1:\n    answer: yes\n    evidence: {url: x}\n",
                 "utf-8")
    with pytest.raises(errors.ResponsesError) as info:
        load_responses(f, framework)
    (p,) = [p for p in info.value.errors if p.kind == "bad_evidence"]
    assert (p.file, p.line, p.country, p.item) == (str(f), 5, "FRA", "Q1")
    assert "evidence is a mapping" in p.message and "{" not in p.message


def test_json_true_is_yes_and_json_numbers_keep_their_text(tmp_path, framework):
    f = tmp_path / "fra.json"
    f.write_text('{"country": "FRA", "answers": {"Q1": true, "Q3": 2.50}}', "utf-8")
    resp = load_responses(f)
    assert dict(zip(resp.table["question"], resp.table["answer"])) == {"Q1": "yes",
                                                                         "Q3": "2.50"}
    m = build_matrix(resp, framework)
    assert m.credit[0, 0] == 1.0 and m.credit[0, 2] == 0.25


def test_unknown_question_suggests_the_code(tmp_path, framework):
    f = tmp_path / "fra.yaml"
    f.write_text("country: FRA\nanswers:\n  q3: 2\n", "utf-8")
    with pytest.raises(errors.ResponsesError) as info:
        load_responses(f, framework)
    (p,) = [p for p in info.value.errors if p.kind == "unknown_question"]
    assert (p.line, p.item) == (3, "q3") and "did you mean Q3?" in p.message


def test_unknown_country_suggests_the_name(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("country: Frnace\nanswers:\n  Q1: yes\n", "utf-8")
    with pytest.raises(errors.ResponsesError) as info:
        load_responses(f)
    (p,) = info.value.errors
    assert (p.kind, p.line) == ("unknown_country", 1) and "did you mean France (FRA)?" in p.message


# ---------------------------------------------------------------- evidence in the HTML profile
def test_evidence_list_in_the_profile_in_headless_chromium(tmp_path):
    """Two sources given as a YAML list: one link and one text line, never a Python list."""
    import shutil
    import subprocess
    from html.parser import HTMLParser

    import gci
    from gci.present.report_html import write_country_profile

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not on PATH")
    tiny = Path(__file__).parent / "data" / "tiny"
    rows = (tiny / "responses" / "answers.csv").read_text("utf-8").splitlines()
    resp = tmp_path / "responses"
    resp.mkdir()
    (resp / "answers.csv").write_text("\n".join(r for r in rows if not r.startswith("KEN,"))
                                      + "\n", "utf-8")
    (resp / "ken.yaml").write_text(
        "country: KEN\nanswers:\n  Q1:\n    answer: yes\n    evidence:\n"
        "      - https://a.example/law\n      - Law 12/2020, art. 3\n", "utf-8")
    r = gci.score(resp, tiny / "indicators.yaml", tiny / "weights.yaml")
    page = write_country_profile(r, "KEN", tmp_path / "ken.html")
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.in_row, self.cells, self.links = False, [], []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "tr" and a.get("data-question") == "Q1":
                self.in_row = True
            if self.in_row and tag == "td":
                self.cells.append("")
            if self.in_row and tag == "a":
                self.links.append(a["href"])
            if self.in_row and tag == "br":
                self.cells[-1] += "|"

        def handle_endtag(self, tag):
            if tag == "tr":
                self.in_row = False

        def handle_data(self, data):
            if self.in_row and self.cells:
                self.cells[-1] += data

    dom = done.stdout
    ev = dom[dom.index('id="evidence"'):]
    cells = Cells()
    cells.feed(ev)
    assert cells.links == ["https://a.example/law"]
    assert cells.cells[-1] == "https://a.example/law|Law 12/2020, art. 3"
    assert "['" not in ev and "&#x27;" not in ev


def test_xlsx_cells_that_are_numbers_booleans_or_dates(tmp_path, framework):
    """Typed workbook cells: a number cell is its number, TRUE is yes, a date cell is refused."""
    import datetime

    import openpyxl

    rows = [["iso3", "question", "answer"], ["FRA", "Q3", 2.5], ["FRA", "Q1", True],
            ["DEU", "Q3", 10], ["DEU", "Q1", 0]]
    dated = tmp_path / "dated.xlsx"
    wb = openpyxl.Workbook()
    for row in [*rows, ["KEN", "Q3", datetime.date(2024, 1, 5)]]:
        wb.active.append(row)
    wb.save(dated)
    with pytest.raises(errors.InputError) as info:  # the cell itself is refused, by reference
        load_responses(dated, framework)
    assert "Sheet!C6 holds a date or time" in str(info.value)
    f = tmp_path / "cells.xlsx"
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(f)
    m = build_matrix(load_responses(f), framework)
    fra, deu = m.countries.index("FRA"), m.countries.index("DEU")
    assert (m.credit[fra, 2], m.credit[fra, 0]) == (0.25, 1.0)
    assert (m.credit[deu, 2], m.credit[deu, 0]) == (1.0, 0.0)
