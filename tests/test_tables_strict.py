"""Strict tables: every case of ``tests/corpus/tables/cases.yaml`` gets its exact outcome.

Files are built in a temporary folder (XLSX with openpyxl, so no binaries are committed), read
through the library (exact error class, Problem kind, line and message) and through ``gci
validate`` (exit 2 naming the file). Accepted files are scored and compared with the tiny
framework's hand-worked scores.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import gci
from gci import errors
from gci.cli.app import main
from gci.inputs.responses import TEMPLATE_INFO_COLUMNS
from gci.inputs.tables import read_table

HERE = Path(__file__).resolve().parent
TINY = HERE / "data" / "tiny"
TINY_FW, TINY_W = TINY / "indicators.yaml", TINY / "weights.yaml"
with open(HERE / "corpus" / "tables" / "cases.yaml", encoding="utf-8") as _fh:
    CASES = yaml.safe_load(_fh)


def build(case: dict, folder: Path) -> Path:
    """Write the case's file into ``folder``."""
    if "csv" in case:
        path = folder / f"{case['id']}.csv"
        path.write_bytes(case["csv"].encode("utf-8"))
        return path
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in case["xlsx"]:
        ws = wb.create_sheet(spec["title"])
        for row in spec["rows"]:
            ws.append(row)
        for ref in spec.get("percent", []):
            ws[ref].number_format = "0%"
        for ref in spec.get("dates", []):
            ws[ref].value = dt.datetime(2024, 3, 1)
            ws[ref].number_format = "yyyy-mm-dd"
        for ref, formula in spec.get("formulas", {}).items():
            ws[ref] = formula  # openpyxl stores no cached result: as a generated file would
        for rng in spec.get("merge", []):
            ws.merge_cells(rng)
        ws.sheet_state = spec.get("state", "visible")
    path = folder / f"{case['id']}.xlsx"
    wb.save(path)
    return path


def test_corpus_size():
    assert len(CASES) >= 35
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c["error"]], ids=lambda c: c["id"])
def test_library_refuses_with_exact_error(case, tmp_path):
    path = build(case, tmp_path)
    cls = getattr(errors, case["error"])
    with pytest.raises(errors.GCIError) as exc, gci.inputs.tables.sheet_context(case.get("sheet")):
        gci.score(path, TINY_FW, TINY_W)
    err = exc.value
    assert type(err) is cls, str(err)
    text = str(err)
    for piece in case["contains"]:
        assert piece in text, f"{piece!r} not in {text!r}"
    if isinstance(err, errors.InputError):
        assert err.file == str(path)
        assert err.line == case["line"]
    else:
        hits = [p for p in err.errors if p.kind == case["kind"]]
        assert hits, text
        assert all(p.file == str(path) and p.line == case["line"] for p in hits)


@pytest.mark.parametrize("case", [c for c in CASES if c["error"] and "sheet" not in c],
                         ids=lambda c: c["id"])
def test_cli_exits_2_naming_the_file(case, tmp_path):
    path = build(case, tmp_path)
    res = CliRunner().invoke(main, ["validate", "--framework", str(TINY_FW), "--weights",
                                    str(TINY_W), "--responses", str(path), "-q"])
    assert res.exit_code == 2, res.output
    out = res.output + (res.stderr if hasattr(res, "stderr") else "")
    assert path.name in out and case["contains"][0] in out
    assert "Traceback" not in out


@pytest.mark.parametrize("case", [c for c in CASES if not c["error"]], ids=lambda c: c["id"])
def test_accepted_files_score_exactly(case, tmp_path):
    path = build(case, tmp_path)
    with gci.inputs.responses.sheet_context(case.get("sheet")):
        r = gci.score(path, TINY_FW, TINY_W)
    assert r.overall.to_dict() == pytest.approx(case["overall"])
    if "warning" in case:
        kind, country = case["warning"]
        assert any(p.kind == kind and p.country == country and p.file == str(path)
                   for p in r.matrix.problems)


def test_sheet_option_on_the_command_line(tmp_path):
    case = next(c for c in CASES if c["id"] == "xlsx_two_sheets_with_answers")
    path = build(case, tmp_path)
    base = ["score", "--framework", str(TINY_FW), "--weights", str(TINY_W), "--responses",
            str(path), "-q"]
    res = CliRunner().invoke(main, [*base, "-o", str(tmp_path / "r1")])
    assert res.exit_code == 2 and "pass --sheet NAME" in res.output
    res = CliRunner().invoke(main, [*base, "--sheet", "Old", "-o", str(tmp_path / "r2")])
    assert res.exit_code == 0, res.output
    overall = (tmp_path / "r2" / "scores.csv").read_text(encoding="utf-8")
    assert "FRA" in overall
    # the option does not leak into the next command run in the same process
    res = CliRunner().invoke(main, [*base, "-o", str(tmp_path / "r3")])
    assert res.exit_code == 2


def test_read_table_sheet_rule_for_other_tables(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["key", "value"])
    data = wb.create_sheet("data")
    data.append(["iso3", "score"])
    data.append(["FRA", 1.5])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    with pytest.raises(errors.InputError, match="sheets 'notes' and 'data' each hold a table"):
        read_table(p)
    df = read_table(p, is_table=gci.inputs.responses.has_columns("iso3"))
    assert df.to_dict("records") == [{"iso3": "FRA", "score": "1.5"}]
    assert read_table(p, sheet="notes").columns.tolist() == ["key", "value"]


def test_template_columns_constant():
    assert TEMPLATE_INFO_COLUMNS == ("pillar", "indicator", "question_text", "allowed_answers",
                                     "evidence_required", "applies_if", "unit")
