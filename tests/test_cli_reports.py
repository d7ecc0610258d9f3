"""`gci plot` and `gci report` through click's CliRunner, on the tiny hand-checked fixture."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from gci.cli.app import main

TINY = Path(__file__).resolve().parent / "data" / "tiny"
INPUTS = ["--framework", str(TINY / "indicators.yaml"), "--weights", str(TINY / "weights.yaml"),
          "--responses", str(TINY / "responses")]


def run(*args: str):
    return CliRunner().invoke(main, [*args, *INPUTS], catch_exceptions=False)


@pytest.mark.parametrize("kind", ["pillars", "heatmap", "distribution", "tiers"])
def test_plot_kinds_write_png(kind, tmp_path):
    out = tmp_path / f"{kind}.png"
    res = run("plot", kind, "-o", str(out), "--quiet")
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_svg_region_and_radar(tmp_path):
    res = run("plot", "pillars", "--region", "Europe", "-o", str(tmp_path / "eu.svg"))
    assert res.exit_code == 0, res.output
    assert "wrote" in res.output
    assert "<svg" in (tmp_path / "eu.svg").read_text(encoding="utf-8")
    res = run("plot", "radar", "--country", "kenya", "-o", str(tmp_path / "ken.png"), "-q")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "ken.png").read_bytes()[:4] == b"\x89PNG"


def test_plot_slope_from_previous_ranks(tmp_path):
    prev = tmp_path / "ranks_2023.csv"
    prev.write_text("iso3,global_rank\nKEN,1\nFRA,2\nDEU,3\n", encoding="utf-8")
    res = run("plot", "slope", "--previous", str(prev), "-o", str(tmp_path / "s.png"), "-q")
    assert res.exit_code == 0, res.output
    res = run("plot", "slope", "--edition", "2018", "-o", str(tmp_path / "e.png"), "-q")
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("args, message", [
    (["radar"], "radar needs exactly one --country"),
    (["pillars", "--region", "Mars"], "unknown region 'Mars'; expected one of: Africa, Americas, "
     "Arab States, Asia-Pacific, CIS, Europe"),
    (["radar", "--country", "Atlantis"], "unknown country 'Atlantis'"),
    (["slope"], "slope needs either --previous FILE or --published YEAR"),
    (["slope", "--edition", "1999"], "no published GCI results for edition 1999"),
    (["tiers", "--top", "3"], "--region, --top and --country do not apply"),
    (["pillars", "--edition", "2018"], "for the slope plot only"),
])
def test_plot_usage_errors_exit_2(args, message, tmp_path):
    out = tmp_path / "x.png"
    res = run("plot", *args, "-o", str(out), "-q")
    assert res.exit_code == 2
    assert message in res.output
    assert not out.exists()


def test_plot_bad_suffix(tmp_path):
    res = run("plot", "pillars", "-o", str(tmp_path / "x.gif"))
    assert res.exit_code == 2 and "must end in .png, .svg or .pdf" in res.output


def test_report_country_html(tmp_path):
    out = tmp_path / "deu.html"
    res = run("report", "DEU", "-o", str(out), "-q")
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert '<span id="overall-score">87.50</span>' in text  # hand value
    assert '<div class="mid" id="tier">Tier 2 - Advancing</div>' in text


def test_report_default_output_uses_iso3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run("report", "germany", "-q")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "results" / "DEU.html").is_file()


def test_report_all_workbook(tmp_path):
    out = tmp_path / "results" / "report.xlsx"
    res = run("report", "--all", "-o", str(out))
    assert res.exit_code == 0, res.output
    overall = pd.read_excel(out, sheet_name="overall").set_index("iso3")
    assert overall["overall"].to_dict() == {"DEU": 87.5, "FRA": 50.0, "KEN": 25.0}


@pytest.mark.parametrize("args, message", [
    (["report"], "give either a COUNTRY"),
    (["report", "DEU", "--all"], "give either a COUNTRY"),
    (["report", "DEU", "-o", "x.xlsx"], "must end in .html"),
    (["report", "--all", "-o", "x.html"], "must end in .xlsx"),
])
def test_report_usage_errors(args, message):
    res = run(*args)
    assert res.exit_code == 2 and message in res.output


def test_report_refuses_to_write_into_inputs():
    target = TINY / "responses" / "DEU.html"
    res = run("report", "DEU", "-o", str(target), "-q")
    assert res.exit_code == 2 and "refusing" in res.output
    assert not target.exists()


def test_commands_registered_and_documented():
    res = CliRunner().invoke(main, ["--help"])
    assert "plot" in res.output and "report" in res.output
    res = CliRunner().invoke(main, ["plot", "--help"])
    assert "gci plot pillars --region Europe -o europe.png" in res.output


def test_report_published_option(tmp_path):
    out = tmp_path / "fra.html"
    res = run("report", "FRA", "--published", "2024", "-o", str(out), "--quiet")
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    # France's published GCI 2024 overall 98.98 (the CSV row) is shown beside the tiny run's 50.00
    assert 'id="published"' in text and "98.98" in text and "50.00" in text
    res = run("report", "FRA", "--published", "1999", "-o", str(tmp_path / "x.html"))
    assert res.exit_code == 2 and "available: 2014, 2017, 2018, 2020, 2024" in res.output
    assert not (tmp_path / "x.html").exists()
    res = run("report", "--all", "--published", "2024", "-o", str(tmp_path / "a.xlsx"))
    assert res.exit_code == 2 and "--published goes with a COUNTRY" in res.output
