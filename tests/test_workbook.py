"""The Excel workbook reopens with pandas with the same values as the result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import gci
from gci.errors import GCIError
from gci.present.sheets import manifest_rows
from gci.present.workbook import SHEETS, report_tables, write_report_workbook

pytest.importorskip("openpyxl")

TINY = Path(__file__).resolve().parent / "data" / "tiny"


@pytest.fixture(scope="module")
def tiny():
    return gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml")


def test_tiny_workbook_hand_values(tiny, tmp_path):
    path = write_report_workbook(tiny, tmp_path / "out" / "report.xlsx")
    book = pd.read_excel(path, sheet_name=None)
    assert list(book) == ["README", "chart", *SHEETS]  # README and the pillar chart first
    overall = book["overall"].set_index("iso3")
    assert overall["overall"].to_dict() == {"DEU": 87.5, "FRA": 50.0, "KEN": 25.0}
    assert overall["global_rank"].to_dict() == {"DEU": 1, "FRA": 2, "KEN": 3}
    assert overall["regional_rank"].to_dict() == {"DEU": 1, "FRA": 2, "KEN": 1}
    assert overall.loc["DEU", "tier"] == "Tier 2 - Advancing"
    assert overall.loc["KEN", "missing_answers"] == 1
    pillars = book["pillars"].set_index("iso3")
    assert pillars[["A", "B"]].to_dict("index") == {
        "DEU": {"A": 37.5, "B": 50.0}, "FRA": {"A": 25.0, "B": 25.0},
        "KEN": {"A": 25.0, "B": 0.0}}
    assert pillars.loc["DEU", "A_pct"] == 75.0 and pillars.loc["KEN", "B_pct"] == 0.0
    by_region = book["ranks_by_region"]
    assert by_region[["itu_region", "regional_rank", "iso3"]].values.tolist() == [
        ["Africa", 1, "KEN"], ["Europe", 1, "DEU"], ["Europe", 2, "FRA"]]
    ind = book["indicators"].set_index(["iso3", "indicator"])["credit"]
    assert ind[("FRA", "A1")] == 0.75 and ind[("FRA", "A2")] == 0.25
    weights = book["weights"].set_index("code")
    assert weights.loc["Q1", "max_points"] == pytest.approx(12.5)  # 1/2 x 1/2 x 1/2 x 100
    manifest = book["manifest"].set_index("key")["value"]
    assert manifest["options.scheme"] == "equal" and manifest["options.missing"] == "zero"
    assert manifest["framework.code"] == "tiny"


def test_default_workbook_equals_result_tables(default_result, tmp_path):
    r = default_result
    path = write_report_workbook(r, tmp_path / "report.xlsx", command="gci report --all")
    book = pd.read_excel(path, sheet_name=None)
    tables = report_tables(r, command="gci report --all")
    for name in ("overall", "pillars", "ranks_by_region", "weights", "indicators"):
        got, want = book[name], tables[name].reset_index(drop=True)
        assert list(got.columns) == list(want.columns), name
        pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=False,
                                      rtol=1e-12, obj=name)
    # the overall sheet against the result's own accessors
    overall = book["overall"].set_index("iso3")
    np.testing.assert_allclose(overall["overall"], r.overall.loc[overall.index])
    assert (overall["global_rank"] == r.ranks.loc[overall.index, "global_rank"]).all()
    assert len(book["validation"]) == len(r.validation)
    assert set(book["validation"]["message"]) == set(r.validation["message"])
    manifest = book["manifest"].set_index("key")["value"]
    assert manifest["command"] == "gci report --all"
    assert manifest["inputs.responses[0].path"].endswith("AFG.yaml")


def test_manifest_rows_flatten():
    rows = manifest_rows({"a": {"b": 1, "c": [{"d": "x"}, 2]}, "e": [], "f": None})
    assert rows.values.tolist() == [["a.b", 1], ["a.c[0].d", "x"], ["a.c[1]", 2], ["e", "[]"],
                                    ["f", None]]


def test_formula_like_text_is_neutralised(tmp_path):
    fw_text = (TINY / "indicators.yaml").read_text(encoding="utf-8").replace(
        "name: Pillar A", "name: '=HYPERLINK(\"http://x\")'")
    (tmp_path / "indicators.yaml").write_text(fw_text, encoding="utf-8")
    r = gci.score(TINY / "responses", tmp_path / "indicators.yaml", TINY / "weights.yaml")
    path = write_report_workbook(r, tmp_path / "r.xlsx")
    weights = pd.read_excel(path, sheet_name="weights").set_index("code")
    assert weights.loc["A", "name"] == "'=HYPERLINK(\"http://x\")"


def test_refuses_inputs_and_bad_suffix(tiny, tmp_path):
    with pytest.raises(GCIError, match="refusing"):
        write_report_workbook(tiny, TINY / "responses" / "report.xlsx")
    assert not (TINY / "responses" / "report.xlsx").exists()
    existing = tmp_path / "mine.xlsx"
    existing.write_bytes(b"keep")
    with pytest.raises(GCIError, match="refusing"):
        write_report_workbook(tiny, existing, protect=[existing])
    assert existing.read_bytes() == b"keep"
    with pytest.raises(GCIError, match=r"must end in \.xlsx"):
        write_report_workbook(tiny, tmp_path / "report.csv")


def test_cells_hold_what_pandas_to_excel_wrote(tmp_path):
    """The streamed writer stores values as pandas' ``to_excel`` did: empty, inf as text."""
    import openpyxl

    from gci.present.tables import write_workbook

    df = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"],
                       "score": [1.25, np.nan, np.inf],
                       "rank": pd.array([1, None, 3], dtype="Int64"),
                       "count": np.array([4, 5, 6], dtype=np.int64),
                       "flag": [True, False, True],
                       "value": ["x", None, 2.5]})
    path = tmp_path / "t.xlsx"
    write_workbook({"t": df}, path, decimals=2)
    ws = openpyxl.load_workbook(path)["t"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows == [["iso3", "score", "rank", "count", "flag", "value"],
                    ["AAA", 1.25, 1, 4, True, "x"],
                    ["BBB", None, None, 5, False, None],
                    ["CCC", "inf", 3, 6, True, 2.5]]
    assert [ws.cell(2, j).number_format for j in range(1, 7)] == [
        "General", "0.00", "0", "0", "General", "General"]
    head = ws["A1"]
    assert head.font.b and head.fill.fgColor.rgb == "00DDE4EE"
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:F4"
    assert pd.read_excel(path, sheet_name="t")["count"].tolist() == [4, 5, 6]


def test_error_midway_leaves_no_temporary_sheet_files(tmp_path, monkeypatch):
    """Streamed sheets go to temporary files until saved: an error removes them at once."""
    import tempfile

    from gci.present import sheets
    from gci.present.tables import write_workbook

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    real, calls = sheets._write_table, []

    def dies(book, name, *args, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(book, name, *args, **kwargs)

    monkeypatch.setattr(sheets, "_write_table", dies)
    df = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(OSError, match="disk full"):
        write_workbook({"one": df, "two": df}, tmp_path / "w.xlsx")
    assert calls == ["one", "two"]
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "w.xlsx").exists()
