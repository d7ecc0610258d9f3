"""Frameworks as metadata tables: round trips, validation through framework_from_records, CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import gci
from gci.cli.app import main
from gci.errors import FrameworkError
from gci.inputs.framework import load_framework
from gci.inputs.framework_table import (
    framework_to_table,
    node_differences,
    read_framework_table,
    write_framework_table,
    write_framework_yaml,
)
from gci.inputs.weights import load_weights
from tests.conftest import write

HEADER = ("code,parent,level,name,weight,direction,type,goalpost_low,goalpost_high,normalise,"
          "target\n")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_shipped_and_tiny(tmp_path, root, tiny_paths, suffix):
    for fw_path, w_path, scheme in [
        (root / "indicators.yaml", root / "weights.yaml", "capacity_focus"),
        (tiny_paths["framework"], tiny_paths["weights"], "a_heavy"),
    ]:
        fw = load_framework(fw_path)
        ws = load_weights(w_path, fw).scheme(scheme)
        out = write_framework_table(fw, tmp_path / f"{fw.code}{suffix}", ws)
        fw2, ws2 = read_framework_table(out)
        assert node_differences(fw, fw2) == []
        assert dict(ws2.weights) == dict(ws.weights)
        assert {k: dict(s.levels) for k, s in fw2.scales.items()} == \
            {k: dict(s.levels) for k, s in fw.scales.items()}
        if suffix == ".xlsx":  # the meta sheet keeps title and scheme name
            assert (fw2.title, fw2.version, ws2.name) == (fw.title, fw.version, ws.name)
        # and back to YAML
        write_framework_yaml(fw2, tmp_path / "back.yaml")
        assert node_differences(fw, load_framework(tmp_path / "back.yaml")) == []


def test_table_scores_like_yaml(tmp_path, tiny_paths):
    fw = load_framework(tiny_paths["framework"])
    ws = load_weights(tiny_paths["weights"], fw).scheme("a_heavy")
    table = write_framework_table(fw, tmp_path / "tiny.csv", ws)
    r = gci.score(tiny_paths["responses"], table, table)
    # a_heavy by hand (tests/test_scoring.py): DEU 90.625, FRA 45.3125, KEN 28.125
    assert r.overall.to_dict() == pytest.approx({"DEU": 90.625, "FRA": 45.3125, "KEN": 28.125})


def test_rows_in_any_order_with_normalisation(tmp_path):
    p = write(tmp_path / "fw.csv", HEADER +
              "N1,I,3,Staff,2,-1,numeric,,,minmax,\n"
              "I,P,2,Indicator,,,,,,,\n"
              "N2,I,question,Gap,,1,numeric,,,distance_to_target,5\n"
              "P,,pillar,Pillar,,,,,,,\n")
    fw, ws = read_framework_table(p)
    assert list(fw.nodes) == ["P", "I", "N1", "N2"]
    assert (fw.nodes["N1"].normalise, fw.nodes["N1"].direction) == ("minmax", -1)
    assert dict(fw.nodes["N2"].normalise_params) == {"target": 5.0}
    assert dict(ws.weights) == {"N1": 2.0} and ws.scale == 100
    assert fw.code == "fw"
    table = framework_to_table(fw, ws).set_index("code")
    assert table.loc["N1", "weight"] == 2 and table.loc["N2", "target"] == 5


def test_structural_problems_are_caught_with_rows(tmp_path):
    p = write(tmp_path / "bad.csv", HEADER +
              "P,,1,Pillar,,,,,,,\n"             # row 2
              "I,P,2,Indicator,,,,,,,\n"         # row 3
              "Q1,I,3,Law,,,binary,,,,\n"        # row 4
              "Q1,I,3,Law again,,,binary,,,,\n"  # row 5: duplicate code
              "Q2,X,3,Orphan,,,binary,,,,\n"     # row 6: parent X undefined
              "C1,C2,2,Loop one,,,,,,,\n"        # rows 7-8: cycle
              "C2,C1,2,Loop two,,,,,,,\n"
              "Q3,I,3,Count,heavy,,numeric,0,,,\n")  # row 9: bad weight, one goalpost
    with pytest.raises(FrameworkError) as err:
        read_framework_table(p)
    text = str(err.value)
    for expected in ["bad.csv:5: error: code 'Q1' is used twice (first at line 4)",
                     "bad.csv:6: error: 'Q2' names parent 'X', which is not defined",
                     "the hierarchy has a cycle", "bad.csv:9: error: weight of Q3 is 'heavy'",
                     "bad.csv:9: error: Q3 gives only one goalpost"]:
        assert expected in text


def test_cell_problems_level_mismatch_and_unknown_column(tmp_path):
    bad = write(tmp_path / "cells.csv",
                "code,parent,level,name,type,levels,evidence_required,colour\n"
                "P,,1,Pillar,,,,red\n"
                "Q1,P,3,Law,binary,,maybe,\n"            # row 3: evidence cell
                "Q2,P,2,Scale q,scale,high=1; low=2,,\n")  # row 4: credit 2 out of range
    with pytest.raises(FrameworkError) as err:
        read_framework_table(bad)
    text = str(err.value)
    assert "cells.csv:3: error: evidence_required of Q1 is 'maybe'" in text
    assert "cells.csv:4: error: levels of Q2" in text
    assert "unknown column 'colour'" in text  # warnings are listed with the errors
    mismatch = write(tmp_path / "lvl.csv", "code,parent,level,name,type\n"
                     "P,,1,Pillar,\nQ1,P,3,Law,binary\n")
    with pytest.raises(FrameworkError, match=r"lvl.csv:3: error: Q1 is given level '3', but its "
                       "parents make it a question at depth 2"):
        read_framework_table(mismatch)
    missing = write(tmp_path / "nocode.csv", "name,parent\nx,\n")
    with pytest.raises(FrameworkError, match="needs a 'code' column"):
        read_framework_table(missing)


def test_cli_export_and_import(tmp_path, tiny_paths):
    runner = CliRunner()
    table = tmp_path / "tiny.csv"
    res = runner.invoke(main, ["framework", "export", str(tiny_paths["framework"]), "--weights",
                               str(tiny_paths["weights"]), "--scheme", "a_heavy", "-o", str(table)])
    assert res.exit_code == 0, res.output
    assert "wrote" in res.output and table.is_file()
    out = tmp_path / "fw.yaml"
    res = runner.invoke(main, ["framework", "import", str(table), "-o", str(out),
                               "--weights-out", str(tmp_path / "w.yaml")])
    assert res.exit_code == 0, res.output
    fw = load_framework(out)
    assert node_differences(fw, load_framework(tiny_paths["framework"])) == []
    ws = load_weights(tmp_path / "w.yaml", fw).scheme()
    assert dict(ws.weights) == {"A": 3.0, "Q2": 3.0}
    # refuses to overwrite its input, and bad suffixes exit 2 with a message
    res = runner.invoke(main, ["framework", "import", str(table), "-o", str(table)])
    assert res.exit_code == 2 and ".yaml" in res.output
    res = runner.invoke(main, ["framework", "export", str(out), "-o", str(out)])
    assert res.exit_code == 2 and "csv or .xlsx" in res.output


def test_cli_normalise(tmp_path):
    data = write(tmp_path / "d.csv", "iso3,orgs,gap\nALB,7,3\nBIH,11,1\nUKR,44,\n")
    out = tmp_path / "n.csv"
    res = CliRunner().invoke(main, ["normalise", str(data), "-m", "minmax", "-p", "high=1",
                                    "-d", "gap=-1", "-o", str(out)])
    assert res.exit_code == 0, res.output
    lines = out.read_text().splitlines()
    # orgs: (x - 7) / 37; gap lower is better: (3 - x) / 2; UKR's gap stays empty
    assert lines[1].split(",") == ["ALB", "0.0", "0.0"]
    assert lines[2].split(",")[1:] == [repr(4 / 37), "1.0"]
    assert lines[3].split(",") == ["UKR", "1.0", ""]
    bad = write(tmp_path / "b.csv", "iso3,orgs\nALB,seven\n")
    res = CliRunner().invoke(main, ["normalise", str(bad), "-o", str(out)])
    assert res.exit_code == 2 and "b.csv:2: column orgs: 'seven' is not a number" in res.output
