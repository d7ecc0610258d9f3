"""Bad input, hostile files: every file of ``tests/bad_inputs/`` gets a clear, exact error.

Each case of ``tests/bad_inputs/cases.yaml`` is run twice: through the library (the exact error
class, the Problem kind, a message naming the file and the item) and through the command line
(exit code 2, the same names in the message, no traceback). Files gci must accept are scored and
compared with the hand-worked tiny results. Limits (file size, table rows/columns, XLSX
expansion, YAML aliases) are tested on files generated here at run time.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import gci
from gci import errors, fileio
from gci.cli.app import main
from gci.engine.score_table import rank_table
from gci.inputs.framework import NodeRecord, Scale, framework_from_records, load_framework
from gci.inputs.validate import validate_all
from gci.inputs.values import BadValue, parse_number
from gci.inputs.weights import load_weights

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "bad_inputs"
TINY = HERE / "data" / "tiny"
TINY_FW, TINY_W, TINY_R = TINY / "indicators.yaml", TINY / "weights.yaml", TINY / "responses"
with open(CORPUS / "cases.yaml", encoding="utf-8") as _fh:
    CASES = yaml.safe_load(_fh)
BAD = [c for c in CASES if c["error"]]
GOOD = [c for c in CASES if not c["error"]]


def _id(case: dict) -> str:
    return case["file"]


def feed(case: dict):
    """Run the library on a corpus file the way ``case['as']`` says."""
    path = CORPUS / case["file"]
    fed = case["as"]
    if fed == "framework" and path.suffix == ".csv":  # a framework table (parent column)
        ft = pytest.importorskip("gci.inputs.framework_table")
        return ft.load_framework_any(path)
    if fed == "framework":
        return load_framework(path)
    if fed == "weights":
        return gci.score(TINY_R, TINY_FW, path)
    if fed == "responses":
        return gci.score(path, TINY_FW, TINY_W)
    if fed == "scores":
        return rank_table(path)
    raise AssertionError(f"unknown 'as' {fed!r} in cases.yaml")


def cli_args(case: dict, out: Path) -> list[str]:
    """The ``gci`` command line for a corpus file."""
    path = str(CORPUS / case["file"])
    fed = case["as"]
    if fed == "scores":
        return ["rank", path]
    paths = {"framework": str(TINY_FW), "weights": str(TINY_W), "responses": str(TINY_R)}
    paths[fed] = path
    return ["score", "--framework", paths["framework"], "--weights", paths["weights"],
            "--responses", paths["responses"], "--output", str(out), "--quiet"]


def kinds(exc: errors.GCIError) -> set[str]:
    """Problem kinds of an error (an unreadable file is kind ``unreadable``, as in validate)."""
    if isinstance(exc, errors.ValidationError):
        return {p.kind for p in exc.errors}
    return {"unreadable"}


def test_corpus_is_large_and_listed():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*")
             if p.is_file() and p.suffix != ".py" and p.name != "cases.yaml"}
    assert files == {c["file"] for c in CASES}
    assert len(BAD) >= 40
    assert {c["as"] for c in BAD} == {"framework", "weights", "responses", "scores"}


@pytest.mark.parametrize("case", BAD, ids=_id)
def test_library_raises_exact_error(case):
    cls = getattr(errors, case["error"])
    with pytest.raises(errors.GCIError) as info:
        feed(case)
    exc = info.value
    assert type(exc) is cls, f"{type(exc).__name__}: {exc}"
    assert case["kind"] in kinds(exc)
    text = str(exc)
    assert Path(case["file"]).name in text
    for part in case["contains"]:
        assert part in text, f"{part!r} not in {text!r}"
    if isinstance(exc, errors.ValidationError):  # the problem itself names the file
        hits = [p for p in exc.errors if p.kind == case["kind"]]
        assert all(p.file and p.file.endswith(Path(case["file"]).name) for p in hits)
    else:
        assert exc.file is not None and exc.file.endswith(Path(case["file"]).name)


@pytest.mark.parametrize("case", BAD, ids=_id)
def test_cli_exits_2_naming_file_and_item(case, tmp_path):
    result = CliRunner().invoke(main, cli_args(case, tmp_path / "out"))
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out and "internal error" not in out
    assert Path(case["file"]).name in out
    for part in case["contains"]:
        assert part in out
    assert not (tmp_path / "out").exists()  # nothing written on bad input


@pytest.mark.parametrize("case", [c for c in BAD if c["as"] != "scores"], ids=_id)
def test_validate_reports_the_problem_kind(case):
    path = CORPUS / case["file"]
    paths = {"framework": TINY_FW, "weights": TINY_W, "responses": TINY_R, case["as"]: path}
    report = validate_all(paths["framework"], paths["weights"], paths["responses"])
    hits = [p for p in report.errors if p.kind == case["kind"]]
    assert hits and all(str(p.file).endswith(path.name) for p in hits)


@pytest.mark.parametrize("case", GOOD, ids=_id)
def test_good_files_are_accepted_with_hand_worked_scores(case, tmp_path):
    result = feed(case)
    assert result.overall.to_dict() == pytest.approx(case["overall"])
    if case.get("warning"):
        assert case["warning"] in set(result.validation["kind"])
    run = CliRunner().invoke(main, cli_args(case, tmp_path / "out"))
    assert run.exit_code == 0, run.output
    written = pd.read_csv(tmp_path / "out" / "scores.csv").set_index("iso3")["overall"]
    # written at 2 decimals, rounded as ranks and tiers round (numpy: an exact tie such as
    # 90.625 goes to the even digit, 90.62)
    assert written.to_dict() == pytest.approx(case["overall"], abs=0.005)
    assert written.to_dict() == {k: float(np.round(v, 2)) for k, v in case["overall"].items()}


def test_utf16_bom_reads_the_same_table_as_utf8():
    utf8 = gci.inputs.responses.read_table(TINY_R / "answers.csv")
    utf16 = gci.inputs.responses.read_table(CORPUS / "responses" / "good_utf16_bom.csv")
    bom8 = gci.inputs.responses.read_table(CORPUS / "responses" / "good_utf8_bom.csv")
    pd.testing.assert_frame_equal(utf16, utf8)
    pd.testing.assert_frame_equal(bom8, utf8)
    assert list(bom8.columns)[0] == "iso3"  # the BOM is not glued to the first column name


def test_duplicate_yaml_keys_are_refused_though_pyyaml_accepts_them():
    text = (CORPUS / "responses" / "yaml_duplicate_answer.yaml").read_text("utf-8")
    assert yaml.safe_load(text)["answers"]["Q1"] is False  # PyYAML silently keeps the last
    with pytest.raises(errors.InputError, match="duplicate key 'Q1'"):
        fileio.parse_yaml(text, "x.yaml")


# ---------------------------------------------------------------- hierarchy from a table
def _rec(code, parent, line, **fields):
    return NodeRecord(code, parent, {"code": code, "name": f"node {code}", **fields}, line)


HIERARCHY_CASES = {
    "orphan": ([_rec("A", None, 2), _rec("A1", "A", 3), _rec("Q1", "A1", 4, type="binary"),
                _rec("Q2", "A9", 5, type="binary")],
               "orphan", ["table.csv:5", "'Q2'", "'A9'"]),
    "two-node cycle": ([_rec("A", None, 2), _rec("Q1", "A", 3, type="binary"),
                        _rec("B", "C", 4), _rec("C", "B", 5), _rec("Q2", "C", 6, type="binary")],
                       "cycle", ["table.csv:4", "B -> C -> B"]),
    "self parent": ([_rec("A", "A", 2), _rec("Q1", "A", 3, type="binary")],
                    "cycle", ["table.csv:2", "A -> A"]),
    "duplicate code": ([_rec("A", None, 2), _rec("Q1", "A", 3, type="binary"),
                        _rec("Q1", "A", 4, type="binary")],
                       "duplicate_code", ["table.csv:4", "'Q1'", "first at line 3"]),
    "missing code": ([_rec("A", None, 2), _rec(None, "A", 3, type="binary")],
                     "bad_code", ["table.csv:3"]),
    "question at top": ([_rec("Q1", None, 2, type="binary")],
                        "question_at_top", ["table.csv:2", "Q1"]),
}


@pytest.mark.parametrize("name", list(HIERARCHY_CASES))
def test_hierarchy_tables_with_cycles_and_orphans(name):
    records, kind, parts = HIERARCHY_CASES[name]
    with pytest.raises(errors.FrameworkError) as info:
        framework_from_records(records, {}, source="table.csv")
    assert kind in kinds(info.value)
    for part in parts:
        assert part in str(info.value)


def test_hierarchy_table_without_problems_is_built():
    """The same builder accepts a sound table (so the failures above are about the faults)."""
    records = [_rec("Q1", "A1", 4, type="binary"), _rec("A1", "A", 3), _rec("A", None, 2),
               _rec("Q2", "A1", 5, type="scale", scale="s")]
    fw = framework_from_records(records, {"s": Scale("s", {"hi": 1.0, "lo": 0.0})},
                                source="table.csv")
    assert list(fw.nodes) == ["A", "A1", "Q1", "Q2"]
    assert fw.nodes["Q1"].depth == 3


# ---------------------------------------------------------------- limits
def _sparse(path: Path, size: int, head: bytes) -> Path:
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)  # a sparse file: huge size, no disk used
    return path


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    big = _sparse(tmp_path / "huge.csv", fileio.MAX_INPUT_BYTES + 1, b"iso3,question,answer\n")
    with pytest.raises(errors.InputError, match="over the limit of 209,715,200 bytes") as info:
        gci.score(big, TINY_FW, TINY_W)
    assert info.value.file.endswith("huge.csv")
    run = CliRunner().invoke(main, ["score", "--framework", str(TINY_FW), "--weights",
                                    str(TINY_W), "--responses", str(big), "-o",
                                    str(tmp_path / "o"), "-q"])
    assert run.exit_code == 2 and "huge.csv" in run.output and "over the limit" in run.output


def test_yaml_over_its_size_limit_is_refused(tmp_path):
    big = _sparse(tmp_path / "big.yaml", fileio.MAX_YAML_BYTES + 1, b"country: FRA\n")
    with pytest.raises(errors.InputError, match="over the limit of 20,971,520 bytes"):
        gci.score(big, TINY_FW, TINY_W)


def test_yaml_limit_can_be_changed_deliberately(tmp_path, monkeypatch):
    doc = tmp_path / "fra.yaml"
    doc.write_text("country: FRA\nanswers:\n" + "".join(f"  Q{i}: yes\n" for i in (1, 5, 6)))
    monkeypatch.setattr(fileio, "MAX_YAML_BYTES", doc.stat().st_size - 1)
    with pytest.raises(errors.InputError, match="over the limit"):
        load_weights(doc)
    monkeypatch.setattr(fileio, "MAX_YAML_BYTES", doc.stat().st_size)
    assert fileio.read_yaml(doc)["answers"]["Q5"] == "yes"  # every YAML scalar is text


def test_table_rows_over_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "MAX_TABLE_ROWS", 50)
    table = tmp_path / "long.csv"
    table.write_text("iso3,question,answer\n" + "FRA,Q1,yes\n" * 51)
    with pytest.raises(errors.InputError, match="more than 50 rows") as info:
        gci.score(table, TINY_FW, TINY_W)
    assert info.value.file.endswith("long.csv")
    table.write_text("iso3,question,answer\n" + "FRA,Q1,yes\n" * 50)  # at the limit: read
    assert len(gci.inputs.responses.read_table(table)) == 50


def test_table_columns_over_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "MAX_TABLE_COLUMNS", 20)
    table = tmp_path / "wide.csv"
    table.write_text("iso3," + ",".join(f"Q{i}" for i in range(1, 21)) + "\nFRA" + ",yes" * 20)
    with pytest.raises(errors.InputError, match="21 columns, over the limit of 20") as info:
        gci.score(table, TINY_FW, TINY_W)
    assert info.value.line == 1


def _workbook(extra: dict[str, bytes]) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    for row in (["iso3", "question", "answer"], ["FRA", "Q1", "yes"]):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for name, body in extra.items():
            dst.writestr(name, body)
    return out.getvalue()


def test_xlsx_zip_bomb_is_refused_before_openpyxl(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "MAX_XLSX_UNCOMPRESSED_BYTES", 1_000_000)
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(_workbook({"xl/media/zeros.bin": bytes(2_000_000)}))
    assert bomb.stat().st_size < 50_000  # 2 MB of zeros compress to a few KB
    seen = []
    monkeypatch.setattr(pd, "read_excel", lambda *a, **k: seen.append(1))
    with pytest.raises(errors.InputError, match="possible zip bomb") as info:
        gci.inputs.responses.read_table(bomb)
    assert info.value.file.endswith("bomb.xlsx") and not seen


def test_xlsx_with_too_many_parts_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "MAX_XLSX_MEMBERS", 12)
    many = tmp_path / "many.xlsx"
    many.write_bytes(_workbook({f"xl/extra/{i}.xml": b"<x/>" for i in range(20)}))
    with pytest.raises(errors.InputError, match="over the limit of 12"):
        gci.inputs.responses.read_table(many)


def test_xlsx_within_limits_is_read(tmp_path):
    ok = tmp_path / "ok.xlsx"
    ok.write_bytes(_workbook({}))
    table = gci.inputs.responses.read_table(ok)
    assert table.to_dict("records") == [{"iso3": "FRA", "question": "Q1", "answer": "yes"}]


def test_alias_bomb_is_refused_quickly_though_under_the_alias_cap():
    text = (CORPUS / "responses" / "yaml_alias_bomb.yaml").read_text("utf-8")
    assert text.count("*") < fileio.MAX_YAML_ALIASES  # the alias cap alone would let it in
    with pytest.raises(errors.InputError, match="billion laughs"):
        fileio.parse_yaml(text, "bomb.yaml")


def test_a_few_aliases_are_still_allowed():
    data = fileio.parse_yaml("base: &b {scale: 100}\nschemes:\n  s: *b\n  t: *b\n", "w.yaml")
    assert data["schemes"]["t"]["scale"] == "100"  # text; typed by gci.inputs.values


def test_exponent_numbers_read_as_numbers():
    # YAML gives text; gci.inputs.values reads 1e3 and 2E-2 as numbers, e3 is no number
    data = fileio.parse_yaml("a: 1e3\nb: 2E-2\nc: '1e3'\nd: e3\n", "x.yaml")
    assert data == {"a": "1e3", "b": "2E-2", "c": "1e3", "d": "e3"}
    assert parse_number(data["a"]) == 1000.0
    assert math.isclose(parse_number(data["b"]), 0.02)
    with pytest.raises(BadValue):
        parse_number(data["d"])


# ---------------------------------------------------------------- exit codes
def test_missing_input_file_exits_2(tmp_path):
    run = CliRunner().invoke(main, ["score", "--framework", str(TINY_FW), "--weights",
                                    str(TINY_W), "--responses", str(tmp_path / "nowhere.csv"),
                                    "-o", str(tmp_path / "o")])
    assert run.exit_code == 2 and "nowhere.csv" in run.output and "not found" in run.output


def test_bad_option_exits_2():
    run = CliRunner().invoke(main, ["score", "--missing", "sometimes"])
    assert run.exit_code == 2 and "sometimes" in run.output


def test_internal_error_exits_1_without_traceback(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom in the engine")

    monkeypatch.setattr(gci.engine.scoring, "score", broken)
    monkeypatch.delenv("GCI_DEBUG", raising=False)
    args = ["score", "--framework", str(TINY_FW), "--weights", str(TINY_W), "--responses",
            str(TINY_R), "-o", str(tmp_path / "o"), "-q"]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == errors.EXIT_INTERNAL == 1
    assert "internal error: RuntimeError: boom in the engine" in run.output
    assert "bug in gci" in run.output and "Traceback" not in run.output
    assert not (tmp_path / "o").exists()
    monkeypatch.setenv("GCI_DEBUG", "1")  # the traceback only on request
    debug = CliRunner().invoke(main, args)
    assert debug.exit_code == 1 and "Traceback" in debug.output


def test_exit_codes_are_documented():
    assert (errors.EXIT_OK, errors.EXIT_INTERNAL, errors.EXIT_INPUT) == (0, 1, 2)
    helptext = CliRunner().invoke(main, ["--help"]).output
    assert "1 internal error" in helptext and "2 usage or validation error" in helptext
