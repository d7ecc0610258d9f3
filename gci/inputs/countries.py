"""Countries, names and groupings (ITU regions by default).

The 194 economies scored by the GCI and their ITU region ship with the package
(``gci/data/itu_regions.csv``; provenance in ``gci/data/REFERENCE_PROVENANCE.md``). Other
groupings can be given as a CSV with columns ``iso3`` and ``group`` (or ``itu_region``/``region``).

Countries are identified by ISO 3166-1 alpha-3 codes. On input, a country name is accepted when it
matches exactly one country (case, accents and punctuation ignored; e.g. ``cote d'ivoire``,
``Türkiye``); an ambiguous or unknown name is an error that lists the candidates.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import pandas as pd

from ..errors import GroupingError, Problem

ISO3_RE = re.compile(r"^[A-Z]{3}$")


@lru_cache(maxsize=1)
def itu_regions() -> pd.DataFrame:
    """The shipped ITU country list: columns ``iso3``, ``name``, ``itu_region`` (194 rows)."""
    with resources.files("gci.data").joinpath("itu_regions.csv").open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return df


def region_of() -> dict[str, str]:
    """Mapping ISO3 → ITU region."""
    df = itu_regions()
    return dict(zip(df["iso3"], df["itu_region"]))


def _fold(text: str) -> str:
    """Fold a name for matching ("Bahamas, The" = "The Bahamas" = "bahamas").

    Case, accents, punctuation, "&" / "and", "St." / "Saint" and the word "the" are ignored.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and "))
    return " ".join("saint" if w == "st" else w for w in text.split() if w != "the")


#: Names that several economies are called by; refused with the candidates listed. ("Congo"
#: alone is not here: ITU, ISO 3166-1 and UN M49 all use it for COG, and ITU's published
#: tables write it so; the other Congo is always "Democratic Republic of the Congo" or a
#: short form of it.)
AMBIGUOUS_NAMES: dict[str, tuple[str, ...]] = {
    "korea": ("KOR", "PRK"),
}


@lru_cache(maxsize=1)
def country_names() -> pd.DataFrame:
    """The shipped names table ``gci/data/country_names.csv``, one row per spelling.

    Columns ``iso3``, ``name``, ``source`` (ITU, ISO 3166-1, UN M49, World Bank or common).
    """
    with resources.files("gci.data").joinpath("country_names.csv").open(
            "r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict[str, str], dict[str, str]]:
    df = itu_regions()
    names = dict(zip(df["iso3"], df["name"]))
    exact: dict[str, str] = {}
    table = country_names()
    for code, name in zip(table["iso3"], table["name"]):
        key = _fold(name)
        if key in AMBIGUOUS_NAMES:
            continue
        if exact.setdefault(key, code) != code:  # the shipped table is checked by the tests
            raise RuntimeError(f"country_names.csv: {name!r} names {exact[key]} and {code}")
    return exact, names


def _suggest(folded: str, exact: dict[str, str], known: set[str]) -> str:
    import difflib

    keys = [k for k, c in exact.items() if c in known]
    close = difflib.get_close_matches(folded, keys, n=3, cutoff=0.75)
    if not close:
        return ""
    by_code = {}
    for k in close:
        by_code.setdefault(exact[k], k)
    return "; did you mean " + " or ".join(
        f"{country_name(c)} ({c})" for c in by_code) + "?"


def resolve_country(text: object, known: set[str] | None = None) -> tuple[str | None, str | None]:
    """Resolve a country code or name to an ISO3 code.

    A name matches when it equals (after :func:`_fold`) one spelling of the shipped names table
    (:func:`country_names`: ITU, ISO 3166-1, UN M49, World Bank and common names of the 194
    economies). Names of several economies ("Congo", "Korea") are refused with the candidates;
    an unknown name gets the closest names as a suggestion. Nothing is guessed.

    Parameters
    ----------
    text : object
        ISO3 code (any case) or country name.
    known : set of str, optional
        Accepted ISO3 codes (default: the 194 GCI economies).

    Returns
    -------
    iso3, error : tuple
        The code and ``None``, or ``None`` and a message saying what was wrong.
    """
    exact, names = _name_index()
    known = set(names) if known is None else known
    if text is None or (isinstance(text, float) and text != text):
        return None, "no country given; expected an ISO 3166-1 alpha-3 code such as FRA"
    raw = str(text).strip()
    if not raw:
        return None, "no country given; expected an ISO 3166-1 alpha-3 code such as FRA"
    if raw.upper() in known and len(raw) == 3:
        return raw.upper(), None
    folded = _fold(raw)
    if folded in AMBIGUOUS_NAMES:
        listed = ", ".join(f"{c} ({names.get(c, c)})" for c in AMBIGUOUS_NAMES[folded])
        return None, f"country {raw!r} is ambiguous: it could be {listed}; use the ISO3 code"
    code = exact.get(folded)
    if code is None and len(raw) == 3 and raw.upper() in names:
        code = raw.upper()
    if code is not None:
        if code in known:
            return code, None
        return None, (f"country {raw!r} ({code}) is not one of the {len(known)} countries "
                      "accepted here")
    return None, (f"unknown country {raw!r}; expected an ISO 3166-1 alpha-3 code of one of the "
                  f"{len(known)} economies (e.g. FRA) or an unambiguous name"
                  f"{_suggest(folded, exact, known)}")


def country_name(iso3: str) -> str:
    """English short name of ``iso3`` (the code itself when unknown)."""
    return _name_index()[1].get(iso3, iso3)


def check_grouping(groups: pd.Series, countries: list[str], what: str = "the grouping"
                   ) -> None:
    """Refuse a grouping that leaves some scored countries without a group.

    Raises
    ------
    GroupingError
        Listing every scored country the grouping does not cover (a country without a group
        would silently get no regional rank).
    """
    have = {k for k, v in groups.items() if isinstance(v, str) and v.strip()}
    lacking = [c for c in countries if c not in have]
    if lacking:
        shown = ", ".join(lacking[:20]) + (" …" if len(lacking) > 20 else "")
        raise GroupingError([Problem("ungrouped_country", f"{len(lacking)} scored "
                                     f"country(ies) have no group in {what}: {shown}; add a "
                                     "row for each (iso3,group)", what, None)], what)


def resolve_rows(cells: Iterable[object], name: str, *, known: set[str] | None = None,
                 check: bool = True, first: int = 2) -> tuple[list[str | None], list[Problem]]:
    """Resolve a table's country column, row by row (the first data row is ``first``).

    Returns the code of every row — ``None`` for a row refused: an unknown or ambiguous country,
    or one already given in an earlier row — and the problems: ``unknown_country`` and
    ``duplicate_country`` (naming both rows). ``check=False`` keeps any non-empty text as the
    code (units that are not countries). The one resolver of the table readers that key rows by
    country (score tables, slope tables, groupings).
    """
    codes: list[str | None] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for row, c in enumerate(cells, start=first):
        if check:
            iso, err = resolve_country(c, known)
        else:
            iso = str(c).strip() or None
            err = None if iso else "no country given"
        if err:
            problems.append(Problem("unknown_country", err, name, row, country=str(c)))
            codes.append(None)
            continue
        if iso in first_row:
            problems.append(Problem("duplicate_country", f"{iso} appears in rows "
                                    f"{first_row[iso]} and {row}; keep one row per country",
                                    name, row, country=iso))
            codes.append(None)
            continue
        first_row[iso] = row
        codes.append(iso)
    return codes, problems


def load_grouping(path: str | os.PathLike) -> pd.Series:
    """Read a country → group mapping CSV or XLSX (columns ``iso3`` and ``group``).

    Returns
    -------
    Series
        Group name indexed by ISO3.

    Raises
    ------
    GroupingError
        Unknown countries, duplicates, missing columns or empty groups (all listed together).
    """
    from .tables import has_columns, read_table

    name = str(path)
    df = read_table(path, is_table=has_columns("iso3", "country"))
    cols = {c.strip().lower(): c for c in df.columns}
    gcol = next((cols[c] for c in ("group", "itu_region", "region") if c in cols), None)
    ccol = next((cols[c] for c in ("iso3", "country") if c in cols), None)
    if gcol is None or ccol is None:
        raise GroupingError([Problem("missing_column", "a grouping CSV needs columns 'iso3' and "
                                     f"'group'; found {list(df.columns)}", name, 1)], name)
    codes, problems = resolve_rows(df[ccol], name)
    out: dict[str, str] = {}
    for i, (iso, g) in enumerate(zip(codes, df[gcol]), start=2):
        if iso is None:
            continue
        if not str(g).strip():
            problems.append(Problem("empty_group", "the group is empty", name, i, country=iso))
            continue
        out[iso] = str(g).strip()
    if problems:
        raise GroupingError(problems, name)
    return pd.Series(out, name="group", dtype=object)
