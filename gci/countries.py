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
from functools import lru_cache
from importlib import resources

import pandas as pd

from .errors import GroupingError, InputError, Problem
from .fileio import decode_text, read_bytes

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
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return " ".join(text.split())


_ALIASES = {
    "united states": "USA", "us": "USA", "usa": "USA", "united kingdom": "GBR", "uk": "GBR",
    "turkey": "TUR", "south korea": "KOR", "korea republic of": "KOR", "north korea": "PRK",
    "russia": "RUS", "ivory coast": "CIV", "laos": "LAO", "vatican": "VAT", "holy see": "VAT",
    "palestine": "PSE", "czech republic": "CZE", "swaziland": "SWZ", "macedonia": "MKD",
}


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict[str, str], dict[str, str]]:
    df = itu_regions()
    exact = {_fold(n): c for c, n in zip(df["iso3"], df["name"])}
    for alias, code in _ALIASES.items():
        if code in set(df["iso3"]):
            exact.setdefault(alias, code)
    names = dict(zip(df["iso3"], df["name"]))
    return exact, names


def resolve_country(text: object, known: set[str] | None = None) -> tuple[str | None, str | None]:
    """Resolve a country code or name to an ISO3 code.

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
    if folded in exact and exact[folded] in known:
        return exact[folded], None
    words = set(folded.split())
    candidates = sorted(c for c, n in names.items()
                        if c in known and words and words <= set(_fold(n).split()))
    if len(candidates) == 1:
        return candidates[0], None
    if len(candidates) > 1:
        listed = ", ".join(f"{c} ({names[c]})" for c in candidates[:6])
        return None, f"country {raw!r} is ambiguous: it could be {listed}; use the ISO3 code"
    from .values import suggest

    pool = sorted(known) if len(raw) <= 3 else [names[c] for c in sorted(known) if c in names]
    hint = suggest(raw, pool, cutoff=0.75)
    return None, (f"unknown country {raw!r}; expected an ISO 3166-1 alpha-3 code of one of the "
                  f"{len(known)} economies (e.g. FRA) or an unambiguous name"
                  + (f" ({hint})" if hint else ""))


def country_name(iso3: str) -> str:
    """English short name of ``iso3`` (the code itself when unknown)."""
    return _name_index()[1].get(iso3, iso3)


def load_grouping(path: str | os.PathLike) -> pd.Series:
    """Read a country → group mapping CSV (columns ``iso3`` and ``group``).

    Returns
    -------
    Series
        Group name indexed by ISO3.

    Raises
    ------
    GroupingError
        Unknown countries, duplicates, missing columns or empty groups (all listed together).
    """
    name = str(path)
    text = decode_text(read_bytes(path), path)
    try:
        from io import StringIO

        df = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the grouping as CSV: {exc}", name) from None
    cols = {c.strip().lower(): c for c in df.columns}
    gcol = next((cols[c] for c in ("group", "itu_region", "region") if c in cols), None)
    ccol = next((cols[c] for c in ("iso3", "country") if c in cols), None)
    if gcol is None or ccol is None:
        raise GroupingError([Problem("missing_column", "a grouping CSV needs columns 'iso3' and "
                                     f"'group'; found {list(df.columns)}", name, 1)], name)
    problems = []
    out: dict[str, str] = {}
    for i, (c, g) in enumerate(zip(df[ccol], df[gcol]), start=2):
        iso, err = resolve_country(c)
        if err:
            problems.append(Problem("unknown_country", err, name, i, country=str(c)))
            continue
        if not str(g).strip():
            problems.append(Problem("empty_group", "the group is empty", name, i, country=iso))
            continue
        if iso in out:
            problems.append(Problem("duplicate_country", f"{iso} appears twice", name, i,
                                    country=iso))
            continue
        out[iso] = str(g).strip()
    if problems:
        raise GroupingError(problems, name)
    return pd.Series(out, name="group", dtype=object)
