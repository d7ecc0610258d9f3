"""Country names: the shipped names table, its folding, ambiguity and suggestions.

Every expected code below is a public fact (ISO 3166-1 alpha-3), checked against the spelling
used by ISO 3166-1, the UN M49 / ITU member list or the World Bank.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import gci
from gci.errors import GroupingError
from gci.inputs.countries import (
    AMBIGUOUS_NAMES,
    _fold,
    country_names,
    itu_regions,
    load_grouping,
    resolve_country,
)

SPELLINGS = [
    ("Bahamas, The", "BHS"), ("The Bahamas", "BHS"), ("Bahamas (the)", "BHS"),
    ("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("Russian Federation", "RUS"), ("Russia", "RUS"),
    ("State of Palestine", "PSE"), ("Palestine, State of", "PSE"), ("Türkiye", "TUR"),
    ("Turkey", "TUR"), ("Turkiye", "TUR"), ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"),
    ("Ivory Coast", "CIV"), ("Congo (Rep.)", "COG"), ("Congo, Rep.", "COG"),
    ("Republic of the Congo", "COG"), ("Republic of Congo", "COG"),
    ("Congo, Dem. Rep.", "COD"), ("Democratic Republic of the Congo", "COD"),
    ("Democratic Republic of Congo", "COD"), ("DR Congo", "COD"), ("Korea, Rep.", "KOR"),
    ("Republic of Korea", "KOR"), ("South Korea", "KOR"), ("Korea, Dem. People's Rep.", "PRK"),
    ("North Korea", "PRK"), ("Iran, Islamic Rep.", "IRN"), ("Iran (Islamic Republic of)", "IRN"),
    ("Lao PDR", "LAO"), ("Lao People's Democratic Republic", "LAO"), ("Laos", "LAO"),
    ("Micronesia, Fed. Sts.", "FSM"), ("Micronesia (Federated States of)", "FSM"),
    ("Egypt, Arab Rep.", "EGY"), ("Gambia, The", "GMB"), ("The Gambia", "GMB"),
    ("Yemen, Rep.", "YEM"), ("Holy See", "VAT"), ("Vatican", "VAT"), ("Czechia", "CZE"),
    ("Czech Republic", "CZE"), ("North Macedonia", "MKD"), ("Eswatini", "SWZ"),
    ("Swaziland", "SWZ"), ("Cabo Verde", "CPV"), ("Cape Verde", "CPV"), ("Timor-Leste", "TLS"),
    ("East Timor", "TLS"), ("St. Lucia", "LCA"), ("Saint Lucia", "LCA"),
    ("St. Kitts and Nevis", "KNA"), ("St. Vincent & the Grenadines", "VCT"),
    ("Venezuela, RB", "VEN"), ("Kyrgyz Republic", "KGZ"), ("Slovak Republic", "SVK"),
    ("West Bank and Gaza", "PSE"), ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
    ("United States", "USA"), ("Tanzania, the United Republic of", "TZA"),
    ("Moldova (the Republic of)", "MDA"), ("Bolivia (Plurinational State of)", "BOL"),
    ("  sao tome AND principe ", "STP"), ("GUINEA", "GIN"), ("Niger", "NER"),
    ("Guinea-Bissau", "GNB"), ("Dominica", "DMA"), ("Dominican Republic", "DOM"),
    ("fra", "FRA"),
]


@pytest.mark.parametrize("text,iso3", SPELLINGS)
def test_official_and_common_spellings(text, iso3):
    assert resolve_country(text) == (iso3, None)


def test_every_itu_name_and_every_alias_resolves_to_its_own_code():
    regions = itu_regions()
    assert len(regions) == 194
    for code, name in zip(regions["iso3"], regions["name"]):
        assert resolve_country(code) == (code, None)
        assert resolve_country(name) == (code, None), name
    table = country_names()
    assert set(table["iso3"]) == set(regions["iso3"])  # every economy, nothing else
    assert set(table["source"]) == {"ITU", "ISO 3166-1", "UN M49", "World Bank", "common"}
    folded = table.assign(key=table["name"].map(_fold))
    per_key = folded.groupby("key")["iso3"].nunique()
    assert per_key.max() == 1, per_key[per_key > 1]  # no spelling names two codes
    for code, name in zip(table["iso3"], table["name"]):
        if _fold(name) not in AMBIGUOUS_NAMES:
            assert resolve_country(name) == (code, None), name


def test_no_itu_name_is_ambiguous():
    names = itu_regions()["name"]
    assert [n for n in names if _fold(n) in AMBIGUOUS_NAMES] == []


@pytest.mark.parametrize("text", ["Congo", "CONGO", "Republic of the Congo", "Congo, Rep."])
def test_congo_is_cog_as_itu_iso_and_un_write_it(text):
    # ITU's member list, ISO 3166-1 and UN M49 call COG "Congo"; ITU's published tables too
    assert resolve_country(text) == ("COG", None)
    assert resolve_country("Democratic Republic of the Congo") == ("COD", None)


@pytest.mark.parametrize("text,codes", [("Korea", ("KOR", "PRK")), ("KOREA", ("KOR", "PRK"))])
def test_ambiguous_names_list_the_candidates(text, codes):
    code, err = resolve_country(text)
    assert code is None
    assert err == (f"country {text!r} is ambiguous: it could be "
                   + ", ".join(f"{c} ({gci.inputs.countries.country_name(c)})" for c in codes)
                   + "; use the ISO3 code")


@pytest.mark.parametrize("text,hint", [("Germny", "Germany (DEU)"), ("Frnace", "France (FRA)"),
                                       ("Viet Nma", "Viet Nam (VNM)"),
                                       ("Cabo Verd", "Cabo Verde (CPV)")])
def test_near_miss_suggests_the_closest_name(text, hint):
    code, err = resolve_country(text)
    assert code is None and err.startswith(f"unknown country {text!r}")
    assert err.endswith(f"did you mean {hint}?")


def test_unknown_without_suggestion_and_known_subset():
    code, err = resolve_country("Atlantis")
    assert code is None and "unknown country 'Atlantis'" in err and "did you mean" not in err
    # no guessing from parts of names any more ("Guinea New" is not Papua New Guinea)
    assert resolve_country("Guinea New")[0] is None
    assert resolve_country("France", {"DEU", "FRA"}) == ("FRA", None)
    code, err = resolve_country("France", {"DEU"})
    assert code is None and "'France' (FRA) is not one of the 1 countries" in err


def _grouping(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "groups.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_grouping_duplicates_and_unknown_codes_are_errors(tmp_path):
    p = _grouping(tmp_path, "iso3,group\nFRA,West\nGermny,West\nfrance,East\n")
    with pytest.raises(GroupingError) as exc:
        load_grouping(p)
    got = {(q.kind, q.line, q.country) for q in exc.value.problems}
    assert got == {("unknown_country", 3, "Germny"), ("duplicate_country", 4, "FRA")}
    text = str(exc.value)
    assert "did you mean Germany (DEU)?" in text and "rows 2 and 4" in text


def test_grouping_must_cover_every_scored_country(tmp_path, tiny_paths):
    p = _grouping(tmp_path, "iso3,group\nFRA,West\nDEU,West\n")
    with pytest.raises(GroupingError) as exc:
        gci.score(tiny_paths["responses"], tiny_paths["framework"], tiny_paths["weights"],
                  groups=p)
    (prob,) = exc.value.problems
    assert prob.kind == "ungrouped_country" and prob.file == str(p)
    assert "1 scored country(ies) have no group" in prob.message and "KEN" in prob.message
    full = _grouping(tmp_path, "iso3,group\nFRA,West\nDEU,West\nKenya,South\n")
    r = gci.score(tiny_paths["responses"], tiny_paths["framework"], tiny_paths["weights"],
                  groups=full)
    assert r.scores["regional_rank"].to_dict() == {"DEU": 1, "FRA": 2, "KEN": 1}
    with pytest.raises(GroupingError, match="KEN"):  # a Series grouping too
        gci.score(tiny_paths["responses"], tiny_paths["framework"], tiny_paths["weights"],
                  groups=pd.Series({"FRA": "W", "DEU": "W"}, name="g"))
