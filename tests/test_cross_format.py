"""The same answers in YAML, JSON, CSV (long and wide) and XLSX give the same outcome.

Property tests (hypothesis): answers are drawn from valid spellings and hostile ones (commas,
percents, 010, 1:20, dates, unicode digits, tag-like text, spaces); every format must give the
same credits, and a value refused in one format must be refused, for the same question, in all.
Also: score tables for ``gci rank``, framework tables and command-line values.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from frameworks import THREE_TYPES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gci import errors
from gci.cli.app import main
from gci.engine.score_table import read_scores
from gci.inputs.framework import load_framework
from gci.inputs.framework_table import read_framework_table
from gci.inputs.responses import build_matrix, load_responses

FRAMEWORK = THREE_TYPES
QUESTIONS = ["Q1", "Q2", "Q3"]
COUNTRIES = ["FRA", "KEN"]

HOSTILE = ["3,5", "2,5", "1,50", "55,2", "50%", "010", "1:20", "2024-01-05", "0x10", "inf",
           "nan", "1e999", "١٢", "３", "1 000", "1_000", "0.9999999", "2", "on", "off",
           "!!int 5", "True", "YES", " partial ", "parital", "in place", "-1", "+2", ".5", "5.",
           "1e1", "007.50", "null", "~", "[1]", "{a: 1}", "0.0", "1.0", "n", "Y"]
VALID = ["yes", "no", "y", "n", "1", "0", "none", "partial", "in_place", "0", "2.5", "10", "7"]
answer_text = st.one_of(st.sampled_from(HOSTILE + VALID),
                        st.from_regex(r"[0-9]{1,3}[.,][0-9]{1,3}", fullmatch=True),
                        st.from_regex(r"[0-9]{1,4}", fullmatch=True))
answers_st = st.dictionaries(st.sampled_from([(c, q) for c in COUNTRIES for q in QUESTIONS]),
                             answer_text, min_size=1, max_size=6)

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _yaml_scalar(text: str) -> str:
    """The answer as YAML that reads back as exactly ``text`` (plain when safe, else quoted)."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.,+%:_-]*", text) and \
            text not in ("null", "Null", "NULL") and ": " not in text:
        return text
    return json.dumps(text)  # a double-quoted YAML scalar


def write(folder: Path, fmt: str, answers: dict) -> list[Path]:
    """Write ``{(country, question): text}`` in format ``fmt``; return the files."""
    folder.mkdir()
    if fmt in ("yaml", "json"):
        files = []
        for c in COUNTRIES:
            mine = {q: a for (cc, q), a in answers.items() if cc == c}
            if not mine:
                continue
            f = folder / f"{c}.{fmt}"
            if fmt == "yaml":
                f.write_text(f"country: {c}\nanswers:\n" + "".join(
                    f"  {q}: {_yaml_scalar(a)}\n" for q, a in mine.items()), "utf-8")
            else:  # JSON numbers where the text is one, else strings
                body = ", ".join(f'"{q}": {a if _JSON_NUMBER.fullmatch(a) else json.dumps(a)}'
                                 for q, a in mine.items())
                f.write_text(f'{{"country": "{c}", "answers": {{{body}}}}}', "utf-8")
            files.append(f)
        return files
    if fmt == "csv_wide":
        f = folder / "wide.csv"
        rows = [["iso3", *QUESTIONS]]
        for c in COUNTRIES:
            if any(cc == c for cc, _ in answers):
                rows.append([c, *[answers.get((c, q), "") for q in QUESTIONS]])
        with open(f, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        return [f]
    rows = [["iso3", "question", "answer"]] + [[c, q, a] for (c, q), a in answers.items()]
    if fmt == "csv_long":
        f = folder / "long.csv"
        with open(f, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        return [f]
    import openpyxl

    f = folder / "long.xlsx"
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(f)
    return [f]


def outcome(files: list[Path], fw) -> tuple:
    """Credits (NaN-safe) and the (country, question) of every refused answer."""
    try:
        resp = load_responses(files)
    except errors.InputError as exc:
        return ("input_error", exc.message)
    m = build_matrix(resp, fw)
    refused = sorted((p.country, p.item) for p in m.problems if p.kind == "bad_answer")
    credit = {(c, q): m.credit[i, j] for i, c in enumerate(m.countries)
              for j, q in enumerate(m.questions) if not np.isnan(m.credit[i, j])}
    return credit, refused


@pytest.fixture(scope="module")
def fw(tmp_path_factory):
    f = tmp_path_factory.mktemp("fw") / "fw.yaml"
    f.write_text(FRAMEWORK, "utf-8")
    return load_framework(f)


FORMATS = ["yaml", "json", "csv_long", "csv_wide", "xlsx"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(answers=answers_st)
def test_every_format_gives_the_same_outcome(tmp_path_factory, fw, answers):
    base = tmp_path_factory.mktemp("answers")
    results = {fmt: outcome(write(base / fmt, fmt, answers), fw) for fmt in FORMATS}
    first = results["csv_long"]
    for fmt, res in results.items():
        assert res == first, (fmt, answers, res, first)
    credit, refused = first
    # and the outcome is the one gci.inputs.values gives for each text
    from gci.inputs import values

    for (c, q), a in answers.items():
        try:
            if q == "Q1":
                expect = 1.0 if values.parse_binary(a.strip().lower()) else 0.0
            elif q == "Q2":
                expect = {"none": 0.0, "partial": 0.5, "in_place": 1.0}[
                    values.parse_level(a, ["none", "partial", "in_place"])]
            else:
                x = values.parse_number(a)
                if x < 0:
                    raise values.BadValue("out of range")
                expect = min(max(x / 10, 0.0), 1.0)
        except values.BadValue:
            assert (c, q) in refused, (c, q, a)
            continue
        assert credit[(c, q)] == expect, (c, q, a)


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_answers_refused_in_every_format(tmp_path, fw, fmt):
    answers = {("FRA", "Q3"): "3,5", ("FRA", "Q1"): "on", ("KEN", "Q3"): "1:20",
               ("KEN", "Q2"): "parital", ("KEN", "Q1"): "yes"}
    credit, refused = outcome(write(tmp_path / fmt, fmt, answers), fw)
    assert refused == [("FRA", "Q1"), ("FRA", "Q3"), ("KEN", "Q2"), ("KEN", "Q3")]
    assert credit == {("KEN", "Q1"): 1.0}


# ---------------------------------------------------------------- score tables (gci rank)
@pytest.mark.parametrize("cell, decimal, expected", [
    ("55.2", ".", 55.2), ("55,2", ",", 55.2), ("010", ".", 10.0), ("1e1", ".", 10.0),
])
def test_score_table_numbers(tmp_path, cell, decimal, expected):
    f = tmp_path / "s.csv"
    f.write_text(f'iso3,score\nFRA,"{cell}"\n', "utf-8")
    assert read_scores(f, decimal=decimal)["FRA"] == expected


@pytest.mark.parametrize("cell, part", [
    ("55,2", "has a comma"), ("50%", "is a percentage"), ("1 000", "thousands separators"),
    ("inf", "not a finite number"), ("1:20", "time or a ratio"),
])
def test_score_table_refuses(tmp_path, cell, part):
    f = tmp_path / "s.csv"
    f.write_text(f'iso3,score\nDEU,1\nFRA,"{cell}"\n', "utf-8")
    with pytest.raises(errors.ResponsesError) as info:
        read_scores(f)
    (p,) = info.value.errors
    assert (p.kind, p.file, p.line, p.country) == ("bad_score", str(f), 3, "FRA")
    assert part in p.message


def test_cli_rank_decimal_comma(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text('iso3,score\nFRA,"55,2"\nDEU,"60,1"\n', "utf-8")
    res = CliRunner().invoke(main, ["rank", str(f)])
    assert res.exit_code == 2 and f"{f}:2" in res.output and "--decimal ," in res.output
    res = CliRunner().invoke(main, ["rank", str(f), "--decimal", ","])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[1:] == ["DEU,60.1,1,Europe,1", "FRA,55.2,2,Europe,2"]
    # the mark does not leak into the next command
    res = CliRunner().invoke(main, ["rank", str(f)])
    assert res.exit_code == 2


# ---------------------------------------------------------------- framework tables
TABLE = ("code,parent,name,type,scale,levels,goalpost_low,goalpost_high,weight\n"
         "P1,,P1,,,,,,{w}\n"
         "I1,P1,I1,,,,,,\n"
         "Q1,I1,q1,binary,,,,,\n"
         "Q2,I1,q2,scale,impl,{levels},,,\n"
         "Q3,I1,q3,numeric,,,0,{high},\n")


def _table(tmp_path, w="1", levels="none=0; partial=0.5; in_place=1", high="10"):
    f = tmp_path / "fw.csv"
    f.write_text(TABLE.format(w=w, levels=levels, high=high), "utf-8")
    return f


def test_framework_table_numbers(tmp_path):
    fw, ws = read_framework_table(_table(tmp_path, w="2", high="1e1"))
    assert fw.nodes["Q3"].goalposts == (0.0, 10.0) and ws.weights == {"P1": 2.0}
    assert dict(fw.scales["impl"].levels) == {"none": 0.0, "partial": 0.5, "in_place": 1.0}


@pytest.mark.parametrize("change, kind, line, part", [
    ({"w": '"1,5"'}, "bad_weight", 2, "has a comma"),
    ({"high": '"1,000"'}, "bad_number", 6, "has a comma"),
    ({"high": "50%"}, "bad_number", 6, "is a percentage"),
    ({"levels": '"none=0; partial=0,5; in_place=1"'}, "bad_levels", 5, "decimal point"),
])
def test_framework_table_refuses(tmp_path, change, kind, line, part):
    f = _table(tmp_path, **change)
    with pytest.raises(errors.FrameworkError) as info:
        read_framework_table(f)
    found = [p for p in info.value.errors if p.kind == kind]
    assert len(found) == 1, info.value
    assert (found[0].file, found[0].line) == (str(f), line) and part in found[0].message


# ---------------------------------------------------------------- command-line values
def test_cli_whatif_refuses_a_decimal_comma():
    res = CliRunner().invoke(main, ["whatif", "KEN", "--set", "Q17=3,5"])
    assert res.exit_code == 2
    assert "Q17=3,5" in res.output and "has a comma" in res.output and "country KEN" in \
        res.output


def test_cli_whatif_numbers_exact():
    from gci.analysis.whatif import what_if

    res = what_if("KEN", {"Q17": "12.5"})
    j = res.after.matrix.questions.index("Q17")
    i = res.after.matrix.countries.index("KEN")
    assert res.after.matrix.credit[i, j] == 0.5  # goalposts [0, 25]: 12.5 is half way
    with pytest.raises(errors.ValidationError, match="has a dot but the decimal mark is a comma"):
        what_if("KEN", {"Q17": "12.5"}, decimal=",")


def test_cli_whatif_suggests_the_question():
    res = CliRunner().invoke(main, ["whatif", "KEN", "--set", "Q7=yes"])
    assert res.exit_code == 2 and "did you mean Q07?" in res.output


def test_cli_normalise_refuses_a_comma_cell(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text('iso3,x\nFRA,1\nDEU,"2,5"\n', "utf-8")
    out = tmp_path / "o.csv"
    res = CliRunner().invoke(main, ["normalise", str(f), "-o", str(out)])
    assert res.exit_code == 2 and f"{f}:3: column x:" in res.output and "has a comma" in \
        res.output
    res = CliRunner().invoke(main, ["normalise", str(f), "-o", str(out), "--decimal", ","])
    assert res.exit_code == 0, res.output
    assert out.read_text("utf-8").splitlines()[1:] == ["FRA,0.0", "DEU,100.0"]  # minmax onto 0-100


def test_cli_validate_with_decimal_comma(tmp_path):
    d = tmp_path / "r"
    d.mkdir()
    (d / "ken.csv").write_text('iso3,question,answer\nKEN,Q17,"12,5"\n', "utf-8")
    res = CliRunner().invoke(main, ["validate", "--responses", str(d), "-q"])
    assert res.exit_code == 2 and f"{d / 'ken.csv'}:2" in res.output
    res = CliRunner().invoke(main, ["validate", "--responses", str(d), "-q", "--decimal", ","])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("value, part", [
    ("inf", "'inf' is not a finite number"), ("1e999", "too large"), ("nan", "not a finite"),
    ("3,5", "has a comma"), ("0", "0 is not positive"), ("-5", "is not positive"),
])
def test_cli_rank_scale_is_a_strict_number(tmp_path, value, part):
    f = tmp_path / "s.csv"
    f.write_text("iso3,score\nFRA,55.2\n", "utf-8")
    res = CliRunner().invoke(main, ["rank", str(f), "--scale", value])
    assert res.exit_code == 2 and "--scale" in res.output and part in res.output
    assert "--decimal" not in res.output


def test_cli_rank_scale_number(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("iso3,score\nFRA,0.552\n", "utf-8")
    res = CliRunner().invoke(main, ["rank", str(f), "--scale", "010"])
    assert res.exit_code == 0 and res.stdout.splitlines()[1] == "FRA,0.552,1,Europe,1"


def test_framework_table_unknown_column_suggests(tmp_path):
    f = tmp_path / "fw.csv"
    f.write_text(TABLE.format(w="1", levels="none=0; partial=0.5; in_place=1", high="10")
                 .replace("goalpost_high", "goalpost_hgh", 1), "utf-8")
    with pytest.raises(errors.FrameworkError) as info:
        read_framework_table(f)
    (w,) = [p for p in info.value.problems if p.kind == "unknown_column"]
    assert w.line == 1 and "did you mean goalpost_high?" in w.message
