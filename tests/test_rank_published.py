"""`gci rank` on published tables as people have them: ITU headers and names, wide tables,
missing cells, commas, subsets of an edition. Expected ranks come from the shipped published
data, read a second way (the csv module)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import gci
from gci.cli.app import main
from gci.engine.score_table import parse_score, rank_table
from gci.errors import ResponsesError
from gci.inputs import published
from gci.inputs.countries import country_name, region_of

DATA = Path(published.__file__).parent.parent / "data"  # gci/data

# spellings of ITU's GCI 2018 report that differ from gci's names table (and resolve today)
ITU_2018_NAMES = {"TUR": "Turkey", "USA": "United States", "CZE": "Czech Republic",
                  "SWZ": "Swaziland", "MKD": "Macedonia", "KOR": "Republic of Korea",
                  "LAO": "Lao PDR", "CIV": "Côte d'Ivoire", "VAT": "Vatican"}


def _raw(edition: int) -> dict[str, tuple[str, int]]:
    """iso3 -> (score text, published rank) of one edition, straight from the CSV."""
    with open(DATA / "gci_published_scores.csv", encoding="utf-8", newline="") as fh:
        return {r["iso3"]: (r["score"], int(r["published_rank"]))
                for r in csv.DictReader(fh) if r["edition"] == str(edition)}


def _run(args: list[str]) -> tuple[pd.DataFrame | None, str, int]:
    res = CliRunner().invoke(main, ["rank", *args])
    out = res.stdout
    table = pd.read_csv(io.StringIO(out)).set_index("iso3") if res.exit_code == 0 else None
    return table, res.stderr if res.exit_code == 0 else res.output, res.exit_code


def test_itu_2018_table_with_itu_headers_and_names(tmp_path):
    raw = _raw(2018)
    src = tmp_path / "GCI2018.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Member State", "Score", "Global Rank", "Region"])
        for iso3, (score, rank) in raw.items():
            w.writerow([ITU_2018_NAMES.get(iso3, country_name(iso3)), score, rank,
                        region_of()[iso3]])
    table, err, code = _run([str(src)])
    assert code == 0, err
    assert len(table) == len(raw) == 194
    for iso3, (_, rank) in raw.items():
        assert table.loc[iso3, "global_rank"] == rank, iso3
    assert (table["rank_difference"] == 0).all()
    assert table.loc["GBR", "global_rank"] == 1 and table.loc["TUR", "global_rank"] == 20
    assert "warning" not in err  # every rank agrees, every economy is there


def test_wide_multi_year_table_with_year(tmp_path):
    r18, r20 = _raw(2018), _raw(2020)
    src = tmp_path / "gci_wide.csv"
    rows = ["Country,GCI 2018,GCI 2020,Rank 2018"]
    rows += [f"\"{country_name(c)}\",{s},{r20[c][0]},{r}" for c, (s, r) in r18.items()]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table, err, code = _run([str(src)])
    assert code == 2
    assert "scores for several years (2018, 2020)" in err and "--year" in err
    t18, err18, code = _run([str(src), "--year", "2018"])
    assert code == 0, err18
    assert t18["global_rank"].to_dict() == {c: r for c, (_, r) in r18.items()}
    assert (t18["rank_difference"] == 0).all()      # Rank 2018 is checked
    t20, _, code = _run([str(src), "--year", "2020"])
    assert code == 0
    assert t20["global_rank"].to_dict() == {c: r for c, (_, r) in r20.items()}
    assert "published_rank" not in t20.columns      # no rank column for 2020
    t20c, _, _ = _run([str(src), "--column", "gci 2020"])
    assert t20c["global_rank"].equals(t20["global_rank"])
    # plain year headers, as in World Bank downloads
    src2 = tmp_path / "years.csv"
    src2.write_text(src.read_text().replace("GCI 2018", "2018").replace("GCI 2020", "2020"),
                    encoding="utf-8")
    t, _, code = _run([str(src2), "--year", "2018"])
    assert code == 0 and t.loc["EST", "global_rank"] == r18["EST"][1]
    _, err, code = _run([str(src2), "--year", "2019"])
    assert code == 2 and "no score column for 2019" in err and "years found: 2018, 2020" in err


def test_missing_cells_are_reported_by_row(tmp_path):
    src = tmp_path / "missing.csv"
    src.write_text("Economy,GCI Score\nFrance,97.6\nKenya,#N/A\nGermany,\nItaly,..\n"
                   "Spain,-\nGhana,N/A\nPeru,60\n", encoding="utf-8")
    _, err, code = _run([str(src)])
    assert code == 2
    assert "6 error(s)" not in err and "5 error(s)" in err
    for row, cell in ((3, "'#N/A'"), (4, "empty"), (5, "'..'"), (6, "'-'"), (7, "'N/A'")):
        assert f"missing.csv:{row}: error: no score ({cell})" in err
    assert "--drop-missing" in err
    table, err, code = _run([str(src), "--drop-missing"])
    assert code == 0
    assert table.index.tolist() == ["FRA", "PER"]
    for row, iso3 in ((3, "KEN"), (4, "DEU"), (5, "ITA"), (6, "ESP"), (7, "GHA")):
        assert f"missing.csv:{row}: warning: no score" in err and f"country {iso3}" in err


def test_comma_in_a_number_is_refused_not_read_as_552(tmp_path):
    src = tmp_path / "comma.csv"
    src.write_text('Country,Score\nFrance,"55,2"\nKenya,"1,234"\nItaly,50\n', encoding="utf-8")
    _, err, code = _run([str(src)])
    assert code == 2
    assert "comma.csv:2" in err and "'55,2' has a comma" in err
    assert "write 55.2 with a decimal point, or 552 without separators" in err
    assert "comma.csv:3" in err and "write 1.234 with a decimal point, or 1234" in err
    with pytest.raises(ValueError, match="decimal point"):
        parse_score("55,2")
    assert parse_score(" 55.2 ") == 55.2 and parse_score("0") == 0.0
    for bad, why in (("abc", "'abc' is not a number"), ("-1", "'-1' is negative"),
                     ("nan", "'nan' is not a finite number"),
                     ("inf", "'inf' is not a finite number"),
                     ("55.2%", "'55.2%' is a percentage")):
        with pytest.raises(ValueError, match=why):
            parse_score(bad)


def test_unrecognised_headers_list_the_accepted_ones(tmp_path):
    src = tmp_path / "hdr.csv"
    src.write_text("Countr,Scor\nFrance,55\n", encoding="utf-8")
    with pytest.raises(ResponsesError) as info:
        rank_table(src)
    text = str(info.value)
    assert "hdr.csv:1" in text and "Member State" in text and "GCI Score" in text
    assert "'Countr' (did you mean 'country'?)" in text
    assert "'Scor' (did you mean 'score'?)" in text


def test_a_published_rank_that_differs_is_reported(tmp_path):
    raw = _raw(2020)
    src = tmp_path / "ranks.csv"
    lines = ["ISO3,GCI Score,Global Rank"]
    for c, (s, r) in raw.items():
        lines.append(f"{c},{s},{5 if c == 'FRA' else r}")   # FRA is 9th in GCI 2020
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table, err, code = _run([str(src)])
    assert code == 0
    assert table.loc["FRA", ["global_rank", "published_rank", "rank_difference"]].tolist() \
        == [9, 5, 4]
    assert "published rank 5, computed 9 (score 97.6) [country FRA]" in err
    assert len(err.strip().splitlines()) == 1  # only FRA differs


def _europe_2020() -> pd.Series:
    s = published.published_scores(2020)
    return s[[region_of()[c] == "Europe" for c in s.index]]


def test_a_region_table_is_a_subset_and_within_gives_itu_ranks(tmp_path):
    eu = _europe_2020()
    assert len(eu) == 46
    raw = _raw(2020)
    src = tmp_path / "europe.csv"
    eu.rename("GCI Score").rename_axis("Economy").to_csv(src)
    alone, err, code = _run([str(src)])
    assert code == 0
    assert "46 of the 194 economies" in err and "--within" in err
    # alone: Europe's own order; 45 ranks as Germany and Luxembourg tie at 97.41
    assert alone.loc["GBR", "global_rank"] == 1 and alone["global_rank"].max() == 45
    within, err, code = _run([str(src), "--within", "2020"])
    assert code == 0 and "ranked inside the full published edition" in err
    assert within["global_rank"].to_dict() == {c: raw[c][1] for c in eu.index}
    assert within.loc["GBR", "global_rank"] == 2 and within.loc["VAT", "global_rank"] == 182
    assert within["regional_rank"].equals(alone["global_rank"].reindex(within.index))


def test_the_lower_half_of_europe_gets_regional_ranks_24_to_45():
    # GCI 2020, Europe: North Macedonia (89.92) is 24th in the region and 38th in the world;
    # the Vatican (0.00) is last, 45th in the region (one tie above) and 182nd in the world.
    eu = _europe_2020()
    lower = eu[eu < 90.0]
    assert len(lower) == 22
    alone = rank_table(lower).set_index("iso3")
    assert alone["regional_rank"].tolist() == list(range(1, 23))
    assert any(p.kind == "subset" for p in alone.attrs["problems"])
    within = rank_table(lower, within=2020).set_index("iso3")
    assert within["regional_rank"].tolist() == list(range(24, 46))
    assert within.loc["MKD", ["global_rank", "regional_rank"]].tolist() == [38, 24]
    assert within.loc["VAT", ["global_rank", "regional_rank"]].tolist() == [182, 45]


def test_a_top_10_with_a_year_header_names_its_edition(tmp_path):
    raw = _raw(2020)
    top = sorted(raw.items(), key=lambda kv: kv[1][1])[:10]
    src = tmp_path / "top10.csv"
    src.write_text("Country,GCI 2020\n" + "".join(f"{c},{s}\n" for c, (s, _) in top),
                   encoding="utf-8")
    _, err, code = _run([str(src)])
    assert code == 0
    assert "10 of the 194 economies of GCI 2020" in err and "--within 2020" in err


def test_rank_table_is_exported():
    assert gci.rank_table is rank_table


def test_import_gci_is_light_and_names_stay_functions():
    # `import gci` loads no pandas/scipy/matplotlib (PEP 562), and gci.rank_table is the
    # function even after its module was imported (the module is gci.engine.score_table)
    import subprocess
    import sys

    code = ("import sys, gci; heavy = [m for m in ('pandas', 'scipy', 'matplotlib') "
            "if m in sys.modules]; import gci.engine.score_table; "
            "print(heavy, callable(gci.rank_table), gci.present.plots.published_ranks.__name__, "
            "gci.analysis.whatif.what_if.__name__, gci.engine.normalise.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["[]", "True", "published_ranks", "what_if", "gci.engine.normalise"]


def test_world_bank_and_itu_abbreviated_spellings(tmp_path):
    s = pd.Series({"Korea, Rep.": 98.52, "Iran, Islamic Rep.": 81.07, "Congo, Dem. Rep.": 9.0,
                   "Gambia, The": 16.6, "Egypt, Arab Rep.": 95.48})
    frame = pd.DataFrame({"Country Name": s.index, "GCI Score": s.to_numpy()})
    path = tmp_path / "wb_names.csv"
    frame.to_csv(path, index=False)
    t = rank_table(path).set_index("iso3")
    assert sorted(t.index) == ["COD", "EGY", "GMB", "IRN", "KOR"]


def test_a_2024_table_gets_tiers_and_a_note_that_ranks_are_not_itus(tmp_path):
    s24 = published.scores(2024)["overall"]
    src = tmp_path / "gci2024.csv"
    s24.rename("GCI 2024").rename_axis("ISO3").to_csv(src)
    table, err, code = _run([str(src)])
    assert code == 0
    assert "GCI 2024 publishes tiers, not ranks" in err and "not ITU's" in err
    counts = table["tier"].value_counts()
    assert [int(counts[label]) for label in published.TIER_EDITIONS[2024].labels] == [
        46, 29, 49, 56, 14]
    assert table.loc["EST", "tier"].startswith("Tier 1")
    # a region of 2024 inside the full edition: Estonia (95.04) among Europe's 46
    eu = s24[[region_of()[c] == "Europe" for c in s24.index]]
    within = rank_table(eu, within=2024).set_index("iso3")
    assert within["tier"].notna().all()
    assert within.loc["DNK", "global_rank"] == 1  # 100.00, first with the 11 others at 100
    assert (s24.round(2) == 100.0).sum() == 12
    kinds = {p.kind for p in within.attrs["problems"]}
    assert {"subset", "ranks_not_published"} <= kinds


def test_xlsx_with_an_na_error_cell_and_within(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Economy", "ISO3", "GCI Score", "Global Rank"])
    for row in (["France", "FRA", 97.6, 9], ["Kenya", "KEN", "#N/A", None],
                ["Germany", "DEU", 97.41, 13], ["Italy", "ITA", 96.13, 20]):
        ws.append(row)
    src = tmp_path / "gci2020_part.xlsx"
    wb.save(src)
    _, err, code = _run([str(src)])
    assert code == 2 and "gci2020_part.xlsx:3: error: no score" in err and "KEN" in err
    table, err, code = _run([str(src), "--drop-missing", "--within", "2020"])
    assert code == 0
    # GCI 2020 ranks: France 9, Germany 13, Italy 20; Europe: 5, 7, 13
    assert table["global_rank"].to_dict() == {"FRA": 9, "DEU": 13, "ITA": 20}
    assert table["regional_rank"].to_dict() == {"FRA": 5, "DEU": 7, "ITA": 13}
    assert (table["rank_difference"] == 0).all()
    assert "gci2020_part.xlsx:3: warning: no score" in err
    assert "3 of the 194 economies of GCI 2020" in err


def test_within_reports_scores_that_differ_from_the_published_ones():
    # GCI 2018 (0-1): France 0.918 (rank 3), Germany 0.849 (rank 22); a table with 0.85
    s = pd.Series({"FRA": 0.918, "DEU": 0.85})
    t = rank_table(s, within=2018).set_index("iso3")
    assert t.loc["FRA", "global_rank"] == 3
    differ = [p for p in t.attrs["problems"] if p.kind == "score_differs"]
    assert len(differ) == 1 and "DEU 0.85 (published 0.849)" in differ[0].message
    assert "FRA" not in differ[0].message


@pytest.mark.parametrize("cell,why", [("1_000", "thousands separators"), ("1_0", "not a number"),
                                      ("2,0", "has a comma"), ("2.5", "not a whole number"),
                                      ("0", "not a whole number"), ("inf", "not a finite number")])
def test_published_rank_cells_are_read_strictly(cell, why):
    from gci.engine.score_table import _parse_rank

    with pytest.raises(ValueError, match=why):
        _parse_rank(cell)
    assert _parse_rank(" 12 ") == 12 and _parse_rank("3.0") == 3
