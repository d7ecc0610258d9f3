"""Outputs ready to publish: stated precision of written numbers, the analyst workbook, plots
that never hide data."""

from __future__ import annotations

import json
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from gci.cli.app import main  # noqa: E402
from gci.errors import GCIError  # noqa: E402
from gci.present.plots._common import row_labels  # noqa: E402
from gci.present.plots.colors import PILLAR_PALETTE, tier_colors  # noqa: E402
from gci.present.plots.heatmap import colour_floor, indicator_heatmap  # noqa: E402
from gci.present.plots.pillars import pillar_bars  # noqa: E402
from gci.present.precision import parse_decimals, round_table

openpyxl = pytest.importorskip("openpyxl")

TWO_PLACES = re.compile(r"^-?\d+(\.\d{1,2})?$")
FOUR_PLACES = re.compile(r"^-?\d+(\.\d{1,4})?$")


# --- precision of written tables ----------------------------------------------------------------
def test_default_csvs_carry_two_decimals_and_exact_ranks(default_result, tmp_path):
    r = default_result
    r.write(tmp_path)
    text = pd.read_csv(tmp_path / "scores.csv", dtype=str).set_index("iso3")
    for col in ["overall", *[p.code for p in r.framework.pillars]]:
        bad = [v for v in text[col].dropna() if not TWO_PLACES.match(v)]
        assert not bad, (col, bad[:3])
        written = text[col].astype(float)
        exact = r.scores[col].reindex(written.index)
        assert (written - exact).abs().max() <= 0.005 + 1e-12
    # at least one score really was cut (the demo has thirds and sevenths)
    assert (r.scores["overall"] * 100 % 1 > 1e-6).any()
    # ranks and tiers are those of the exact result (rounding is for display only)
    back = pd.read_csv(tmp_path / "scores.csv").set_index("iso3")
    assert back["global_rank"].tolist() == r.scores["global_rank"].astype(int).tolist()
    assert back["tier"].tolist() == r.scores["tier"].tolist()
    ind = pd.read_csv(tmp_path / "indicators.csv", dtype=str)
    assert all(FOUR_PLACES.match(v) for v in ind["credit"].dropna())
    assert all(TWO_PLACES.match(v) for v in ind["points"].dropna())
    # the library table keeps full precision
    assert (r.scores["overall"].round(2) != r.scores["overall"]).any()
    man = json.loads((tmp_path / "manifest.json").read_text())
    assert man["precision"]["decimals"] == 2 and man["precision"]["share_decimals"] == 4


def test_decimals_full_keeps_every_digit(default_result, tmp_path):
    default_result.write(tmp_path, decimals="full")
    back = pd.read_csv(tmp_path / "scores.csv").set_index("iso3")
    exact = default_result.scores["overall"].reindex(back.index)
    assert back["overall"].tolist() == exact.tolist()  # bit for bit
    assert json.loads((tmp_path / "manifest.json").read_text())["precision"]["decimals"] == "full"


def test_cli_decimals_option(tiny_paths, tmp_path):
    args = ["score", "--framework", str(tiny_paths["framework"]), "--weights",
            str(tiny_paths["weights"]), "--responses", str(tiny_paths["responses"]), "-q"]
    res = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "a"), "--decimals", "0"])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "a" / "manifest.json").read_text())["precision"][
        "decimals"] == 0
    overall = pd.read_csv(tmp_path / "a" / "scores.csv", dtype=str)["overall"]
    assert all(re.match(r"^\d+(\.0)?$", v) for v in overall)
    res = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "b"), "--decimals", "two"])
    assert res.exit_code == 2 and "--decimals" in res.output and "'full'" in res.output
    assert not (tmp_path / "b").exists()


def test_round_table_by_column_kind():
    df = pd.DataFrame({"iso3": ["A"], "points": [1 / 3], "credit": [1 / 3], "rank": [3],
                       "missing": [np.nan]})
    out = round_table(df, 2)
    assert out.loc[0, "points"] == 0.33 and out.loc[0, "credit"] == 0.3333
    assert out.loc[0, "rank"] == 3 and np.isnan(out.loc[0, "missing"])
    assert df.loc[0, "points"] == 1 / 3  # the input is not changed
    assert round_table(df, None) is df


@pytest.mark.parametrize("value, expected", [(2, 2), ("3", 3), (" full ", None), (None, None),
                                             ("FULL", None), (0, 0)])
def test_parse_decimals(value, expected):
    assert parse_decimals(value) == expected


@pytest.mark.parametrize("value", ["-1", "2.5", "13", True, 1.5, ""])
def test_parse_decimals_refuses(value):
    with pytest.raises(GCIError, match="whole number 0-12 or 'full'"):
        parse_decimals(value)


# --- the workbook -------------------------------------------------------------------------------
def _report(result, path):
    from gci.present.workbook import write_report_workbook

    write_report_workbook(result, path)
    return openpyxl.load_workbook(path)


def test_report_workbook_reads_like_an_analysts(default_result, tmp_path):
    r = default_result
    book = _report(r, tmp_path / "r.xlsx")
    assert book.sheetnames[:3] == ["README", "chart", "overall"]
    ws = book["overall"]
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "C2" and header[:2] == ["iso3", "name"]
    assert ws["A1"].font.bold
    col = header.index("overall") + 1
    assert ws.cell(row=2, column=col).number_format == "0.00"
    # exact values stored, shown at two decimals
    iso = ws.cell(row=2, column=1).value
    assert ws.cell(row=2, column=col).value == pytest.approx(r.scores.loc[iso, "overall"],
                                                             abs=1e-12)
    rank_col = header.index("global_rank") + 1
    assert ws.cell(row=2, column=rank_col).number_format == "0"
    assert ws.column_dimensions["B"].width >= len("United States of America")
    weights = book["weights"]
    wh = [c.value for c in weights[1]]
    assert weights.cell(row=2, column=wh.index("effective_weight") + 1).number_format == "0.0000"
    # tier colours: one rule per tier on the tier column, filled with the tier's colour
    tier_letter = openpyxl.utils.get_column_letter(header.index("tier") + 1)
    rules = {}
    for rng in ws.conditional_formatting:
        assert str(rng.sqref) == f"{tier_letter}2:{tier_letter}{len(r.scores) + 1}"
        for rule in rng.rules:
            rules[rule.formula[0]] = rule.dxf.fill.fgColor.rgb
    colors = tier_colors(r.tier_scheme)
    assert len(rules) == len(colors)
    for label, color in colors.items():
        assert rules[f'${tier_letter}2="{label}"'].endswith(color.lstrip("#").upper())


def test_report_workbook_pillar_chart_and_readme(default_result, tmp_path):
    r = default_result
    book = _report(r, tmp_path / "r.xlsx")
    charts = book["chart"]._charts
    assert len(charts) == 1
    chart = charts[0]
    assert chart.type == "bar" and chart.grouping == "stacked" and chart.overlap == 100
    header = [c.value for c in book["pillars"][1]]
    n = len(r.scores)
    codes = [p.code for p in r.framework.pillars]
    refs = [s.val.numRef.f for s in chart.series]
    letters = [openpyxl.utils.get_column_letter(header.index(c) + 1) for c in codes]
    assert refs == [f"'pillars'!${L}$2:${L}${n + 1}" for L in letters]
    assert [s.tx.v for s in chart.series] == [p.name for p in r.framework.pillars]
    name_letter = openpyxl.utils.get_column_letter(header.index("name") + 1)
    assert chart.series[0].cat.strRef.f == f"'pillars'!${name_letter}$2:${name_letter}${n + 1}"
    fills = [s.graphicalProperties.solidFill for s in chart.series]
    colours = [getattr(f.srgbClr, "val", f.srgbClr) for f in fills]
    assert colours == [c.lstrip("#").upper() for c in PILLAR_PALETTE[:len(codes)]]
    readme = {row[0]: row[1] for row in book["README"].iter_rows(values_only=True) if row[0]}
    for sheet in book.sheetnames[1:]:
        assert readme.get(sheet), f"README does not describe sheet {sheet}"
    assert readme["framework.code"] == r.framework.code
    assert readme["options.scheme"] == r.options["scheme"]
    assert readme["precision.decimals"] == "full"


def test_score_xlsx_stores_rounded_numbers(tiny_paths, tmp_path):
    args = ["score", "--framework", str(tiny_paths["framework"]), "--weights",
            str(tiny_paths["weights"]), "--responses", str(tiny_paths["responses"]), "-q",
            "--scheme", "a_heavy", "--missing", "exclude", "--format", "xlsx"]
    res = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "x"), "--decimals", "1"])
    assert res.exit_code == 0, res.output
    book = openpyxl.load_workbook(tmp_path / "x" / "results.xlsx")
    ws = book["scores"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "KEN")
    cell = row[header.index("overall")]
    assert cell.value == 46.9 and cell.number_format == "0.0"  # 46.875 at one decimal
    assert book["README"] is not None and len(book["chart"]._charts) == 1


# --- plots --------------------------------------------------------------------------------------
def _bbox(artist, ax):
    return artist.get_window_extent(ax.figure.canvas.get_renderer())


def test_pillar_bars_totals_legend_and_region(default_result):
    r = default_result
    ax = pillar_bars(r, region="europe", top=12)
    ax.figure.canvas.draw()
    totals = [t for t in ax.texts if t.get_gid() == "bar-total"]
    iso = [r.country_code(n) for n in (t.get_text() for t in row_labels(ax))]
    assert len(totals) == 12
    # each total sits at the end of its bar and reads the overall score
    for k, (t, code) in enumerate(zip(totals, iso)):
        x, y = t.get_position()
        assert y == k and x == pytest.approx(r.overall[code], abs=1e-9)
        assert float(t.get_text()) == pytest.approx(r.overall[code], abs=0.05)
    legend = _bbox(ax.get_legend(), ax)
    axes = ax.get_window_extent()
    assert legend.x0 >= axes.x1  # outside the axes: covers no bar
    for t in totals:  # nor any total
        assert not legend.overlaps(_bbox(t, ax))
    assert "Europe" in ax.get_title(loc="left")
    bounds = sorted(line.get_xdata()[0] for line in ax.lines if line.get_gid() == "tier-bound")
    assert bounds == sorted(b for b in r.tier_scheme.lower if b > 0)
    assert all(line.get_zorder() > 2 for line in ax.lines if line.get_gid() == "tier-bound")
    plt.close("all")


def test_heatmap_colour_scale_spreads_the_top_group(default_result):
    r = default_result
    ax = indicator_heatmap(r, top=15)
    image = next(c for c in ax.collections if c.get_gid() == "indicator-heatmap")
    shown = image.get_array().compressed()
    vmin = image.norm.vmin
    assert 0 < vmin <= shown.min() < vmin + 0.1 and image.norm.vmax == 1.0
    values = [t for t in ax.texts if t.get_gid() == "cell-value"]
    assert len(values) == shown.size
    full = indicator_heatmap(r)  # the whole world has zeros: the scale starts at 0
    assert next(c for c in full.collections
                if c.get_gid() == "indicator-heatmap").norm.vmin == 0.0
    assert not [t for t in full.texts if t.get_gid() == "cell-value"]
    assert "Arab States" in indicator_heatmap(r, region="arab states").get_title(loc="left")
    plt.close("all")


@pytest.mark.parametrize("values, floor", [([0.73, 1.0], 0.7), ([0.7, 0.9], 0.7),
                                           ([0.05, 1.0], 0.0), ([np.nan], 0.0),
                                           ([1.0, 1.0], 0.9)])
def test_colour_floor(values, floor):
    assert colour_floor(np.array(values)) == floor


def test_generic_tables_keep_their_digits_in_view(tmp_path):
    from gci.present.tables import write_workbook

    df = pd.DataFrame({"code": ["a", "b"], "weight": [1 / 3, 2 / 3], "n": [1, 2]})
    write_workbook({"t": df}, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    assert ws["B2"].number_format == "General" and ws["B2"].value == 1 / 3
    assert ws["C2"].number_format == "0" and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C3"
