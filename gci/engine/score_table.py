"""Rank already computed overall scores (``gci rank``), reading score tables as people have them.

Input: a CSV/XLSX table with a country column and a score column, under the headers people use
for them (ITU's own tables, World Bank downloads, spreadsheets):

* country: ``iso3`` / ``ISO`` / ``Code`` / ``Country code`` (codes), or ``Country`` / ``Member
  State`` / ``Economy`` / ``Name`` (names in UN/ITU/World Bank spellings, resolved by
  :func:`gci.inputs.countries.resolve_country`);
* score: ``score`` / ``GCI`` / ``GCI Score`` / ``Overall`` / ``Overall score``, or a year column of
  a wide multi-year table (``GCI 2018``, ``2018``, ``Score 2020`` …) chosen with ``year``;
* optional published rank (``Rank``, ``Global Rank``, ``Rank 2018`` …), checked against the
  computed rank: every difference is reported;
* recognised and not used: ``Region``, ``ITU region``, ``Regional rank``, ``Tier``.

Cells ``#N/A``, ``N/A``, ``NA``, ``-``, ``..`` and empty cells are missing scores: an error
listing the rows, or with ``drop_missing=True`` the rows are left out and named in a warning.
A number with a comma (``55,2``) is refused, never read as 552 or 55.2.

Output: ``iso3, score, global_rank, itu_region, regional_rank``, ``tier`` when a tier scheme that
fits the scale is named (or the scores are of GCI 2024, which publishes tiers: its tiers are
added and a warning says the ranks are gci's, not ITU's), and ``published_rank,
rank_difference`` when the table has ranks.
Warnings (a subset of an edition, rows dropped, ranks that differ) are ``Problem`` objects in
``table.attrs["problems"]``; ``gci rank`` prints them.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from dataclasses import dataclass, field

import pandas as pd

from ..errors import GCIError, Problem, ResponsesError, raise_if_errors
from ..inputs import values
from ..inputs.countries import itu_regions, region_of, resolve_rows
from ..inputs.tables import read_table
from ..inputs.tiers import TierScheme, get_tier_scheme
from .ranking import DEFAULT_TIES, rank_scores, rank_within

#: Headers (folded: lower case, punctuation as spaces) of a column of ISO3 codes.
CODE_HEADERS = ("iso3", "iso 3", "iso", "iso code", "iso3 code", "iso alpha 3", "code",
                "country code", "country iso3", "economy code")
#: Headers of a column of country names (or codes).
NAME_HEADERS = ("country", "member state", "economy", "country name", "name",
                "country or area", "country economy", "member states", "economy name")
#: Headers of an overall-score column (a year may be added: ``GCI 2018``, ``2018``).
SCORE_HEADERS = ("score", "gci", "gci score", "overall", "overall score", "gci overall score",
                 "total score", "gci total score", "gci overall", "")
#: Headers of a published global-rank column (a year may be added: ``Rank 2018``).
RANK_HEADERS = ("rank", "global rank", "gci rank", "published rank", "global_rank",
                "world rank", "overall rank")
#: Headers recognised and not used.
OTHER_HEADERS = ("region", "itu region", "regional rank", "tier", "gci tier", "itu_region")

#: Cells that mean "no value" in published tables (compared case-insensitively, stripped).
MISSING_MARKERS = ("", "#n/a", "n/a", "na", "-", "\u2013", "\u2014", "..", "...", "\u2026")

_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")


def _fold(header: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(header).lower()).split())


def _accepted() -> str:
    return ("country: " + ", ".join(("ISO3", "Code", "Country", "Member State", "Economy"))
            + "; score: " + ", ".join(("Score", "GCI", "GCI Score", "Overall score",
                                        "GCI 2020", "2020"))
            + "; optional: " + ", ".join(("Rank", "Global Rank", "Region")))


def parse_score(text: object, decimal: str | None = None) -> float:
    """Read one score cell with :func:`gci.inputs.values.parse_number` (a finite number >= 0).

    ``decimal`` is the decimal mark (default ``"."``, or the CLI's ``--decimal``): ``55,2`` is
    refused unless it is ``","`` — it could be 55.2 or 552, and gci never guesses.

    Raises
    ------
    ValueError
        With a message saying what is wrong and how to write the score.
    """
    try:
        value = values.parse_number(text, decimal=values.check_decimal(decimal))
    except values.BadValue as exc:
        raise ValueError(f"score {exc.message}") from None
    if value < 0:
        raise ValueError(f"score {text!r} is negative; expected a number >= 0")
    return value


def _parse_rank(text: object) -> int:
    """One published-rank cell (:func:`gci.inputs.values.parse_number`): a whole number >= 1."""
    try:
        value = values.parse_number(text)
    except values.BadValue as exc:
        raise ValueError(f"rank {exc.message}; a rank is a whole number >= 1") from None
    if value < 1 or value != int(value):
        raise ValueError(f"rank {text!r} is not a whole number >= 1")
    return int(value)


def _is_missing(text: object) -> bool:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return True  # an XLSX error cell (#N/A) or empty cell, as read by pandas
    return str(text).strip().lower() in MISSING_MARKERS


def _shown(text: object) -> str:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return "an empty or error cell such as #N/A"
    return repr(str(text)) if str(text).strip() else "empty"


@dataclass
class ScoreTable:
    """Scores read from a published-style table (see :func:`read_score_table`).

    Attributes
    ----------
    scores : Series
        ISO3 → score (float), in file order.
    published_rank : Series or None
        ISO3 → published global rank, when the table has a rank column.
    edition : int or None
        The year the score column names (``GCI 2018``) or the ``year`` asked for.
    column : str
        The header of the score column used.
    problems : list of Problem
        Warnings (rows dropped, columns ignored).
    """

    scores: pd.Series
    published_rank: pd.Series | None = None
    edition: int | None = None
    column: str = ""
    problems: list[Problem] = field(default_factory=list)


def _classify(columns: list) -> dict[str, list]:
    """Sort headers into code/name/score/rank/other/unknown; year columns as (year, header)."""
    kinds: dict[str, list] = {"code": [], "name": [], "score": [], "rank": [], "other": [],
                              "unknown": []}
    for col in columns:
        f = _fold(col)
        years = _YEAR.findall(f)
        rest = " ".join(_YEAR.sub(" ", f).split())
        year = int(years[0]) if len(years) == 1 else None
        if f in CODE_HEADERS:
            kinds["code"].append(col)
        elif f in NAME_HEADERS:
            kinds["name"].append(col)
        elif f in OTHER_HEADERS:
            kinds["other"].append(col)
        elif f and f in SCORE_HEADERS:
            kinds["score"].append((None, col))
        elif f in RANK_HEADERS:
            kinds["rank"].append((None, col))
        elif year is not None and rest in SCORE_HEADERS:
            kinds["score"].append((year, col))
        elif year is not None and rest in RANK_HEADERS:
            kinds["rank"].append((year, col))
        else:
            kinds["unknown"].append(col)
    return kinds


def _has_country_column(header: list) -> bool:
    """A sheet test for :func:`gci.inputs.tables.read_table`: the header names a country column."""
    kinds = _classify(list(header))
    return bool(kinds["code"] or kinds["name"])


def _closest(header: object) -> str | None:
    every = [*CODE_HEADERS, *NAME_HEADERS, *SCORE_HEADERS[:-1], *RANK_HEADERS]
    hit = difflib.get_close_matches(_fold(header), every, n=1, cutoff=0.6)
    return hit[0] if hit else None


def _header_problem(name: str, what: str, columns: list) -> Problem:
    hints = [f"{c!r} (did you mean {m!r}?)" for c in columns
             if (m := _closest(c)) is not None and _fold(c) != m]
    found = ", ".join(repr(str(c)) for c in columns)
    msg = (f"{what}; expected columns iso3 and score, or headers such as {_accepted()}; "
           f"found {found}")
    if hints:
        msg += "; " + "; ".join(hints)
    return Problem("missing_column", msg, name, 1)


def _pick_score(kinds: dict[str, list], name: str, year: int | None, column: str | None,
                columns: list) -> tuple[object, int | None, object | None]:
    """The score column, its edition and the matching rank column (or None)."""
    scores, ranks = kinds["score"], kinds["rank"]
    if column is not None:
        match = [c for c in columns if _fold(c) == _fold(column)]
        if not match:
            near = difflib.get_close_matches(str(column), [str(c) for c in columns], n=1,
                                             cutoff=0.5)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ResponsesError([Problem(
                "missing_column", f"no column {column!r} (--column); the columns are "
                f"{', '.join(repr(str(c)) for c in columns)}{hint}", name, 1)], name)
        col = match[0]
        years = _YEAR.findall(_fold(col))
        ed = year if year is not None else (int(years[0]) if len(years) == 1 else None)
        rank = [c for y, c in ranks if y == ed and ed is not None] or (
            [c for y, c in ranks if y is None] if len(scores) <= 1 else [])
        return col, ed, rank[0] if rank else None
    if year is not None:
        hit = [c for y, c in scores if y == year]
        if not hit:
            found = sorted({y for y, _ in scores if y is not None})
            raise ResponsesError([Problem(
                "missing_column", f"no score column for {year} (--year); "
                + (f"years found: {', '.join(map(str, found))}" if found else
                   "the table has no year columns such as 'GCI 2018' or '2018'")
                + f"; the columns are {', '.join(repr(str(c)) for c in columns)}",
                name, 1)], name)
        if len(hit) > 1:
            raise ResponsesError([Problem(
                "ambiguous_column", f"several score columns for {year}: "
                f"{', '.join(map(repr, hit))}; choose one with --column", name, 1)], name)
        rank = [c for y, c in ranks if y == year]
        if not rank and len(scores) == 1:
            rank = [c for y, c in ranks if y is None]
        return hit[0], year, rank[0] if rank else None
    plain = [c for y, c in scores if y is None]
    if len(plain) > 1:
        raise ResponsesError([Problem(
            "ambiguous_column", f"several score columns: {', '.join(map(repr, plain))}; "
            "choose one with --column", name, 1)], name)
    if plain:
        rank = [c for y, c in ranks if y is None]
        return plain[0], None, rank[0] if rank else None
    years = sorted({y for y, _ in scores})
    if len(scores) == 1:
        ed, col = scores[0]
        rank = [c for y, c in ranks if y in (ed, None)]
        return col, ed, rank[0] if rank else None
    if len(scores) > 1:
        raise ResponsesError([Problem(
            "ambiguous_column", f"the table has scores for several years "
            f"({', '.join(map(str, years))}): choose one with --year (e.g. --year {years[-1]}) "
            "or a column with --column", name, 1)], name)
    raise ResponsesError([_header_problem(name, "no score column", columns)], name)


def read_score_table(path: str | os.PathLike, *, year: int | None = None,
                     column: str | None = None, drop_missing: bool = False,
                     check_countries: bool = True, decimal: str | None = None) -> ScoreTable:
    """Read overall scores (and a published rank, if any) from a table as people have it.

    Parameters
    ----------
    path : path
        CSV or XLSX.
    year : int, optional
        In a wide multi-year table, the year whose score column to use (``GCI 2018`` or
        ``2018``).
    column : str, optional
        The score column, by header (case and punctuation ignored).
    drop_missing : bool
        Leave out rows whose score is missing (``#N/A``, ``N/A``, ``-``, ``..``, empty) and
        name them in a warning; by default they are errors.
    check_countries : bool
        Resolve countries against the 194 GCI economies (else any non-empty code is kept).
    decimal : {".", ","}, optional
        Decimal mark of the scores (default ``"."``, or :func:`gci.inputs.values.decimal_mark`'s):
        ``55,2`` is refused unless it is ``","``, never read as 552.

    Raises
    ------
    ResponsesError
        Missing or ambiguous columns (with the accepted headers and the closest), unknown or
        duplicate countries, missing or bad scores, bad ranks: every problem, by row.
    """
    name = str(path)
    decimal = values.check_decimal(decimal)
    df = read_table(path, is_table=_has_country_column)
    columns = list(df.columns)
    kinds = _classify(columns)
    ccol = (kinds["code"] or kinds["name"] or [None])[0]
    if ccol is None:
        raise ResponsesError([_header_problem(name, "no country column", columns)], name)
    scol, edition, rcol = _pick_score(kinds, name, year, column, columns)
    problems: list[Problem] = []
    out: dict[str, float] = {}
    ranks: dict[str, int] = {}
    missing_rows: list[str] = []
    row_codes, row_problems = resolve_rows(df[ccol], name, known=set(itu_regions()["iso3"]),
                                           check=check_countries)
    problems += row_problems
    rank_values = df[rcol] if rcol is not None else [None] * len(df)
    for row, (iso, s, r) in enumerate(zip(row_codes, df[scol], rank_values), start=2):
        if iso is None:
            continue
        if _is_missing(s):
            shown = _shown(s)
            if drop_missing:
                missing_rows.append(iso)
                problems.append(Problem("missing_score", f"no score ({shown}) in column "
                                        f"{scol!r}: row left out (--drop-missing)", name, row,
                                        country=iso, severity="warning"))
            else:
                problems.append(Problem("missing_score", f"no score ({shown}) in column "
                                        f"{scol!r}; give the score, or pass --drop-missing to "
                                        "leave such rows out", name, row, country=iso))
            continue
        try:
            value = parse_score(s, decimal)
        except ValueError as exc:
            problems.append(Problem("bad_score", str(exc), name, row, country=iso,
                                    item=str(scol)))
            continue
        if rcol is not None and not _is_missing(r):
            try:
                ranks[iso] = _parse_rank(r)
            except ValueError as exc:
                problems.append(Problem("bad_rank", f"{exc} (column {rcol!r})", name, row,
                                        country=iso, item=str(rcol)))
                continue
        out[iso] = value
    if not out and not problems:
        problems.append(Problem("no_rows", "the table has no data rows", name, 2))
    unused = kinds["unknown"] + [c for _, c in kinds["score"] + kinds["rank"]
                                 if c not in (scol, rcol)]
    if unused:
        problems.append(Problem("ignored_columns", "columns not used: " + ", ".join(
            repr(str(c)) for c in unused), name, 1, severity="warning"))
    raise_if_errors(problems, ResponsesError, name)
    scores = pd.Series(out, name="score", dtype=float).rename_axis("iso3")
    published_rank = (pd.Series(ranks, name="published_rank", dtype="Int64").rename_axis("iso3")
                      if rcol is not None else None)
    return ScoreTable(scores, published_rank, edition, str(scol), problems)


def read_scores(path: str | os.PathLike, *, check_countries: bool = True, **options
                ) -> pd.Series:
    """Read ``iso3 → score`` (see :func:`read_score_table` for the columns and options)."""
    return read_score_table(path, check_countries=check_countries, **options).scores


def infer_scale(scores: pd.Series) -> float:
    """1 when every score is within [0, 1], else 100."""
    return 1.0 if float(scores.max()) <= 1.0 else 100.0


def _edition_scale(edition: int) -> float:
    from ..inputs.published import published_scores

    return infer_scale(published_scores(edition))


def _subset_problem(present: int, edition: int | None, within: int | None, total: int,
                    source: str | None) -> Problem | None:
    if present >= total:
        return None
    if within is not None:
        msg = (f"the table has {present} of the {total} economies of GCI {within}; they are "
               f"ranked inside the full published edition (--within {within}): the other "
               f"{total - present} take their published scores")
    else:
        of = f"of GCI {edition}" if edition is not None else "scored by the GCI"
        hint = edition if edition is not None else "YEAR"
        msg = (f"the table has {present} of the {total} economies {of}: the ranks are within "
               f"these {present} only, not ranks in the full edition; pass --within {hint} to "
               "rank them inside a published edition")
    return Problem("subset", msg, source, severity="warning")


def rank_table(scores: pd.Series | str | os.PathLike, *, ties: str = DEFAULT_TIES,
               decimals: int | None = None, tiers: str | TierScheme | None = None,
               scale: float | None = None, groups: pd.Series | None = None,
               check_countries: bool = True, year: int | None = None,
               column: str | None = None, drop_missing: bool = False,
               within: int | str | None = None) -> pd.DataFrame:
    """Rank overall scores globally and by region, optionally with tiers.

    Parameters
    ----------
    scores : Series (indexed by ISO3) or path
        Overall scores, or a table read with :func:`read_score_table`.
    ties : str
        Tie rule (``dense`` is ITU's).
    decimals : int, optional
        Round before ranking.
    tiers : str or TierScheme, optional
        Tier scheme; it must fit the scale.
    scale : float, optional
        Maximum score; inferred when not given (1 if every score <= 1, else 100; with
        ``within``, the edition's scale).
    groups : Series, optional
        ISO3 → group (default ITU regions).
    year, column, drop_missing
        How to read a table (see :func:`read_score_table`).
    within : int, optional
        A published edition (e.g. 2020): rank the table's countries inside the full edition,
        the other economies taking their published scores, so that a region's table gets
        the ranks it has in the edition.

    Returns
    -------
    DataFrame
        Columns ``iso3, score, global_rank, itu_region, regional_rank[, tier]``, best first
        (``group`` instead of ``itu_region`` when ``groups`` is given), plus
        ``published_rank, rank_difference`` (computed - published) when the table has ranks.
        ``attrs["problems"]`` lists the warnings: a subset of an edition, rows dropped,
        published ranks that differ from the computed ones.
    """
    source = None
    published_rank = None
    problems: list[Problem] = []
    edition = year
    if not isinstance(scores, pd.Series):
        source = str(scores)
        read = read_score_table(scores, year=year, column=column, drop_missing=drop_missing,
                                check_countries=check_countries)
        scores, published_rank, edition = read.scores, read.published_rank, read.edition
        problems += read.problems
    within_year = None
    if within is not None:
        from ..inputs.published import published_editions, published_scores

        within_year = int(str(within).strip()) if str(within).strip().isdigit() else within
        if within_year not in published_editions():
            raise GCIError(f"--within {within}: no published GCI edition {within}; available: "
                           f"{', '.join(map(str, published_editions()))}")
        if edition is not None and edition != within_year:
            problems.append(Problem("edition_mismatch", f"the scores are of {edition} but are "
                                    f"ranked within GCI {within_year}", source,
                                    severity="warning"))
        edition = within_year
        if scale is None:
            scale = _edition_scale(within_year)
    scale = infer_scale(scores) if scale is None else float(scale)
    if (scores > scale).any():
        worst = scores[scores > scale]
        raise ResponsesError([Problem("score_above_scale", f"score {v:g} is above the scale "
                                      f"{scale:g}; pass --scale or fix the score", source,
                                      country=str(c)) for c, v in worst.items()],
                             f"scores above the scale {scale:g} in {source or 'the scores'}")
    ranked = scores
    if within_year is not None:
        full = published_scores(within_year) * (scale / _edition_scale(within_year))
        common = scores.index.intersection(full.index)
        off = (scores[common] - full[common]).abs() > 1e-9
        differ = [(c, scores[c], full[c]) for c in common[off.to_numpy()]]
        if differ:
            problems.append(Problem("score_differs", f"{len(differ)} score(s) differ from GCI "
                                    f"{within_year} as published (the table's are used): "
                                    + "; ".join(f"{c} {v:g} (published {p:g})"
                                                for c, v, p in differ[:20])
                                    + (" ..." if len(differ) > 20 else ""), source,
                                    severity="warning"))
        ranked = pd.concat([scores, full.drop(scores.index, errors="ignore")])
        members = full.index
    else:
        members = _edition_members(edition) if edition is not None else pd.Index([])
        edition = edition if len(members) else None
        if not len(members):
            members = pd.Index(itu_regions()["iso3"])
    if check_countries:
        sub = _subset_problem(int(scores.index.isin(members).sum()), edition, within_year,
                              len(members), source)
        if sub is not None:
            problems.append(sub)
    region = (groups if groups is not None else pd.Series(region_of())).reindex(ranked.index)
    global_rank = rank_scores(ranked, ties, decimals).reindex(scores.index)
    regional = rank_within(ranked, region, ties, decimals).reindex(scores.index)
    out = pd.DataFrame({"iso3": scores.index, "score": scores.to_numpy()})
    out["global_rank"] = global_rank.to_numpy()
    group_col = "itu_region" if groups is None else "group"
    out[group_col] = region.reindex(scores.index).to_numpy()
    out["regional_rank"] = regional.to_numpy()
    scheme = get_tier_scheme(tiers)
    from ..inputs.published import TIER_EDITIONS

    if edition in TIER_EDITIONS:
        # GCI 2024 publishes tiers, not ranks: add its tiers and say whose the ranks are
        if scheme is None and TIER_EDITIONS[edition].fits(scale):
            scheme = TIER_EDITIONS[edition]
        problems.append(Problem("ranks_not_published", f"GCI {edition} publishes tiers, not "
                                "ranks: these ranks are computed by gci from the scores, they "
                                "are not ITU's", source, severity="warning"))
    if scheme is not None:
        if not scheme.fits(scale):
            raise GCIError(f"tier scheme {scheme.name!r} is for scores out of {scheme.scale:g}, "
                           f"but these scores are out of {scale:g}; rescale them or drop --tiers")
        shown = scores.round(decimals) if decimals is not None else scores
        out["tier"] = scheme.assign(shown).to_numpy()
    if published_rank is not None:
        pub = published_rank.reindex(scores.index)
        out["published_rank"] = pub.to_numpy()
        out["rank_difference"] = (global_rank - pub).to_numpy()
        subset = any(p.kind == "subset" for p in problems) and within_year is None
        problems += _rank_differences(out, source, subset)
    out = out.sort_values(["global_rank", "iso3"]).reset_index(drop=True)
    out.attrs["problems"] = problems
    return out


def _edition_members(edition: int) -> pd.Index:
    """ISO3 codes of the economies of a published edition (empty when it is not shipped)."""
    from ..inputs.published import published_editions, published_scores

    if edition not in published_editions():
        return pd.Index([])
    return published_scores(edition).index


def _rank_differences(out: pd.DataFrame, source: str | None, subset: bool) -> list[Problem]:
    """One warning per country whose published rank differs from the computed one."""
    diff = out.dropna(subset=["published_rank", "global_rank"])
    diff = diff[diff["rank_difference"] != 0]
    if diff.empty:
        return []
    hint = "; the table is part of an edition: pass --within YEAR" if subset else ""
    return [Problem("rank_differs", f"published rank {int(r.published_rank)}, computed "
                    f"{int(r.global_rank)} (score {r.score:g}){hint if i == 0 else ''}",
                    source, country=r.iso3, severity="warning")
            for i, r in enumerate(diff.itertuples())]


def is_score_table(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a published-style score table rather than responses.

    True for a CSV/XLSX file whose headers name a country and a score column and no
    ``question``/``answer`` column; False for anything else, including an unreadable file
    (the responses loader then reports what is wrong with it).
    """
    from pathlib import Path

    p = Path(path)
    if not p.is_file() or p.suffix.lower() not in (".csv", ".xlsx"):
        return False
    try:
        columns = list(read_table(p).columns)
    except GCIError:
        return False
    folded = {_fold(c) for c in columns}
    if folded & {"question", "answer", "code answer"}:
        return False
    kinds = _classify(columns)
    return bool((kinds["code"] or kinds["name"]) and kinds["score"])


def edition_from_table(path: str | os.PathLike, label: object = None, *,
                       ties: str = DEFAULT_TIES) -> pd.DataFrame:
    """An edition table (:func:`gci.analysis.editions.compare_editions`) from a published one.

    In a wide multi-year table, ``label`` names the year (``2018`` picks ``GCI 2018``).

    Returns
    -------
    DataFrame
        Indexed by iso3: name, overall (0–100; a table on 0–1 is multiplied by 100),
        global_rank (ranked within the table), itu_region, regional_rank; ``attrs["problems"]``
        holds the warnings of :func:`rank_table`.
    """
    from ..inputs.countries import country_name

    kinds = _classify(list(read_table(path).columns))
    years = {y for y, _ in kinds["score"] if y is not None}
    year = int(str(label)) if str(label).strip().isdigit() and len(years) > 1 else None
    ranked = rank_table(path, ties=ties, year=year)
    t = ranked.set_index("iso3")
    factor = 100.0 if infer_scale(t["score"]) == 1.0 else 1.0
    out = pd.DataFrame({"name": [country_name(c) for c in t.index],
                        "overall": t["score"] * factor,
                        "global_rank": t["global_rank"],
                        "itu_region": t["itu_region"],
                        "regional_rank": t["regional_rank"]}, index=t.index)
    out.attrs["problems"] = ranked.attrs.get("problems", [])
    return out
