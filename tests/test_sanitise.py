"""The one sanitising path (gci.sanitise) and every writer using it.

User text with mathtext (``$x$``), a control character (BEL, ``\\x07``) and a lone surrogate
(``\\ud800``) reaches a plot, a workbook, CSV/JSON tables and the HTML report without a crash,
and each shows the literal (visible) text.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import gci
from gci.sanitise import for_cell, for_html, for_json, for_plot

matplotlib.use("Agg")

TINY = Path(__file__).resolve().parent / "data" / "tiny"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MATH, BEL, SUR = "$x$ law", "bell\x07A", "sur\ud800B"


# --- the functions ----------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("$x$", r"\$x\$"), ("a\x07b", "ab"), ("s\ud800", "s\ufffd"), ("two\nlines", "two\nlines"),
    ("tab\there", "tab here"), (42, "42"), ("100$ and 5$", r"100\$ and 5\$")])
def test_for_plot(text, expected):
    assert for_plot(text) == expected


@pytest.mark.parametrize("value,expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("-1", "'-1"), ("@x", "'@x"), ("a\x07b", "a\\x07b"),
    ("\x00", "\\x00"), ("s\ud800", "s\ufffd"), ("line\nbreak", "line\nbreak"), (1.5, 1.5),
    (None, None), ("plain", "plain")])
def test_for_cell(value, expected):
    assert for_cell(value) == expected


def test_for_html_and_for_json():
    assert for_html('<b a="1">\x07\ud800') == "&lt;b a=&quot;1&quot;&gt;\ufffd\ufffd"
    assert for_json({"k\ud800": ["v\udfff", 1, None], "n": {"x": "ok"}}) == {
        "k\ufffd": ["v\ufffd", 1, None], "n": {"x": "ok"}}
    json.dumps(for_json({"a": "\ud800"})).encode("utf-8")  # encodable


# --- a run whose names hold all three -----------------------------------------------------------
@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    text = (TINY / "indicators.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Pillar A", 'name: "$x$ law"').replace(
        "name: Pillar B", 'name: "bell\\aA"')
    path = folder / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    fw = gci.load_framework(path)
    # a lone surrogate cannot come through a file (every reader refuses it, with the line), but
    # it can through the library: give one to a name in memory, for the output paths
    fw.nodes["A1"] = dataclasses.replace(fw.nodes["A1"], name="sur\ud800B")
    rows = [("$y$", "Q1", "yes", "https://e.example/\ud800"), ("$y$", "Q5", "yes", None),
            ("U\x07", "Q1", "no", None), ("S\ud800", "Q6", "yes", None)]
    resp = gci.Responses.from_records(
        [{"iso3": c, "question": q, "answer": a, "evidence": e, "source": "questionnaire"}
         for c, q, a, e in rows], check_countries=False)
    groups = pd.Series({"$y$": "$r$", "U\x07": "R\x07", "S\ud800": "$r$"}, name="g")
    return gci.score(resp, fw, TINY / "weights.yaml", groups=groups)


def _shown(text_obj) -> str:
    """The string matplotlib draws for a Text (after its own $-unescaping)."""
    s, is_math = text_obj._preprocess_math(text_obj.get_text())
    assert not is_math
    return s


def test_pillar_bars_show_literal_names(hostile, tmp_path):
    from gci.present.plots import pillar_bars, save_figure
    from gci.present.plots._common import row_labels

    ax = pillar_bars(hostile)
    shown = [_shown(t) for t in row_labels(ax)]  # the names as drawn
    assert sorted(shown) == sorted(["$y$", "U", "S\ufffd"])
    legend = [_shown(t) for t in ax.get_legend().get_texts()]
    assert legend == ["$x$ law", "bellA"]
    png = save_figure(ax, tmp_path / "pillars.png")
    assert png.stat().st_size > 5_000


def test_heatmap_radar_distribution_render(hostile, tmp_path):
    from gci.present.plots import indicator_heatmap, radar, save_figure, score_distribution

    ax = indicator_heatmap(hostile)
    assert "sur\ufffdB" in [_shown(t) for t in ax.get_xticklabels()]
    save_figure(ax, tmp_path / "heat.png")
    ax = radar(hostile, "$y$")
    assert _shown(ax.title).startswith("$y$ ($y$)")
    assert [_shown(t) for t in ax.get_xticklabels()][0] == "$x$ law"
    save_figure(ax, tmp_path / "radar.png")
    ax = score_distribution(hostile)
    assert sorted(_shown(t).split("\n")[0] for t in ax.get_xticklabels()) == ["$r$", "R"]
    save_figure(ax, tmp_path / "strip.png")


def test_workbook_holds_the_visible_form(hostile, tmp_path):
    import openpyxl

    from gci.present.workbook import write_report_workbook

    path = write_report_workbook(hostile, tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(path)
    overall = [[c.value for c in row] for row in wb["overall"].iter_rows()]
    codes = {row[0] for row in overall[1:]}
    assert codes == {"$y$", "U\\x07", "S\ufffd"}
    weights = {c.value for row in wb["weights"].iter_rows() for c in row}
    assert {"$x$ law", "bell\\x07A", "sur\ufffdB"} <= weights


def test_csv_and_json_tables_write(hostile, tmp_path):
    from gci.present.tables import write_table

    df = pd.DataFrame({"name": ["sur\ud800", "=1+1", "a\x07"]})
    write_table(df, tmp_path / "t.csv")
    write_table(df, tmp_path / "t.json")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == (
        "name\nsur\ufffd\n'=1+1\na\\x07\n")
    assert [r["name"] for r in json.loads((tmp_path / "t.json").read_text("utf-8"))] == [
        "sur\ufffd", "'=1+1", "a\\x07"]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not on PATH")
def test_html_report_with_hostile_text_renders_in_chromium(hostile, tmp_path):
    from gci.present.report_html import write_country_profile

    path = write_country_profile(hostile, "$y$", tmp_path / "y.html")
    text = path.read_text(encoding="utf-8")
    assert "https://e.example/\ufffd" in text
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}", "--dump-dom",
         path.as_uri()], capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'id="country-name">$y$' in done.stdout
    assert "$x$ law" in done.stdout and "sur\ufffdB" in done.stdout


def test_json_writer_replaces_lone_surrogates(tmp_path):
    from gci.fileio import write_json_atomic

    path = tmp_path / "m.json"
    write_json_atomic(path, {"command": "gci score --responses r\udcff.csv"})
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "command": "gci score --responses r\ufffd.csv"}
