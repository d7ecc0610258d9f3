"""ITU's published GCI results shipped with gci: the one reader of the published-data files.

Two files in ``gci/data`` (provenance in ``gci/data/REFERENCE_PROVENANCE.md``):

* ``gci_published_scores.csv``: overall score and global rank of every country in the 2014,
  2017, 2018 (scale 0–1) and 2020 (scale 0–100) editions, from public transcriptions of ITU's
  reports;
* ``gci2024_published_pillars.csv``: GCI 2024 (fifth edition) overall score (0–100) and the five
  pillar scores (0–20 each) of the 194 economies, as ITU released them through the World Bank
  Data360 dataset ``ITU_GCI``.

GCI 2024 publishes **tiers, not ranks**: where earlier editions give a global rank, 2024 gives the
tier, computed here with the GCI 2024 thresholds (:data:`gci.inputs.tiers.GCI2024`: 95 / 85 / 55 /
20 on
the published overall score rounded to 2 decimals).

Public API (editions are years, ``2024`` or ``"2024"``):

* :func:`published_editions`: the editions shipped; :func:`pillar_editions`, those with pillars.
* :func:`scores`: one row per economy, ``overall`` on 0–100 (+ the pillar scores when published).
* :func:`pillars`: the pillar scores as a tidy table ``iso3, pillar, score``.
* :func:`published_tiers`: the tier of each economy (2024).
* :func:`published_scores`, :func:`published_ranks`: overall score as published / global rank.
* :func:`published_results`: the per-country table used by editions, compare, plots.

Editions, plots and the demo generator all go through here.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

import pandas as pd

from ..errors import GCIError
from .countries import country_name, region_of
from .tiers import GCI2024, TierScheme

#: Pillar codes of the published pillar scores (GCI 2024), in ITU's order; each is out of 20.
PILLARS: tuple[str, ...] = ("legal", "technical", "organizational", "capacity_development",
                            "cooperation")

#: The tier scheme of each edition that publishes tiers instead of ranks.
TIER_EDITIONS: dict[int, TierScheme] = {2024: GCI2024}

_PILLAR_FILES: dict[int, str] = {2024: "gci2024_published_pillars.csv"}


def _read(filename: str, **kwargs) -> pd.DataFrame:
    with resources.files("gci.data").joinpath(filename).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, **kwargs)


@lru_cache(maxsize=1)
def published_table() -> pd.DataFrame:
    """The ranked editions (2014–2020): ``iso3, edition, score, published_rank, rank_source``."""
    return _read("gci_published_scores.csv", dtype={"iso3": str, "rank_source": str})


@cache
def _pillar_table(edition: int) -> pd.DataFrame:
    t = _read(_PILLAR_FILES[edition], dtype={"iso3": str}).set_index("iso3")
    return t[["overall", *PILLARS]].astype(float)


def published_editions() -> list[int]:
    """Editions with published results shipped with gci (2014, 2017, 2018, 2020, 2024)."""
    ranked = {int(e) for e in published_table()["edition"].unique()}
    return sorted(ranked | set(_PILLAR_FILES))


def pillar_editions() -> list[int]:
    """Editions whose published pillar scores are shipped (2024)."""
    return sorted(_PILLAR_FILES)


def _year(edition: int | str) -> int:
    try:
        year = int(str(edition).strip())
    except ValueError:
        year = None
    if year not in published_editions():
        raise GCIError(f"no published GCI results for edition {edition}; available: "
                       f"{', '.join(map(str, published_editions()))}")
    return year


def _edition(edition: int | str) -> pd.DataFrame:
    """Rows of a ranked edition (``score``, ``published_rank`` …) indexed by ISO3."""
    year = _year(edition)
    if year in _PILLAR_FILES:
        t = _pillar_table(year)
        return pd.DataFrame({"score": t["overall"], "published_rank": pd.NA,
                             "rank_source": "none: tiers, not ranks"}, index=t.index)
    data = published_table()
    return data[data["edition"] == year].set_index("iso3")


def scores(edition: int | str = 2024) -> pd.DataFrame:
    """Published scores of one edition: ``overall`` on 0–100, plus the pillars when published.

    Parameters
    ----------
    edition : int or str
        A year of :func:`published_editions`.

    Returns
    -------
    DataFrame
        Indexed by ``iso3`` (sorted): ``overall`` (0–100; editions published on 0–1 are
        multiplied by 100) and, for :func:`pillar_editions` (2024), the five pillar scores
        (columns :data:`PILLARS`, each 0–20; they add up to ``overall``).

    Raises
    ------
    GCIError
        When the edition is not shipped (the message lists those that are).
    """
    year = _year(edition)
    if year in _PILLAR_FILES:
        return _pillar_table(year).copy().sort_index()
    s = _edition(year)["score"].astype(float)
    factor = 100.0 if s.max() <= 1.0 else 1.0
    return (s * factor).rename("overall").to_frame().sort_index()


def pillars(edition: int | str = 2024) -> pd.DataFrame:
    """Published pillar scores as a tidy table.

    Returns
    -------
    DataFrame
        Columns ``iso3, pillar, score`` (score 0–20), one row per economy and pillar, economies
        sorted by ISO3 and pillars in ITU's order (:data:`PILLARS`).

    Raises
    ------
    GCIError
        When the edition has no published pillar scores (the transcriptions of 2014–2020
        carry only the overall score) or is not shipped.
    """
    year = _year(edition)
    if year not in _PILLAR_FILES:
        raise GCIError(f"no published pillar scores for GCI {year}: gci ships the overall "
                       f"score and rank only for that edition; pillar scores are shipped for "
                       f"{', '.join(map(str, pillar_editions()))}")
    wide = _pillar_table(year)[list(PILLARS)].sort_index().rename_axis(columns="pillar")
    return wide.stack().rename("score").reset_index()


def published_tiers(edition: int | str = 2024) -> pd.Series:
    """Tier of each economy in an edition that publishes tiers (ISO3 → label, e.g. 2024).

    Computed from the published overall score with the edition's scheme
    (:data:`TIER_EDITIONS`; for 2024 :data:`gci.inputs.tiers.GCI2024`, which rounds to 2 decimals).
    """
    year = _year(edition)
    if year not in TIER_EDITIONS:
        raise GCIError(f"GCI {year} publishes ranks, not tiers; tiers are published for "
                       f"{', '.join(map(str, sorted(TIER_EDITIONS)))}")
    return TIER_EDITIONS[year].assign(scores(year)["overall"]).rename(f"tier {year}")


def published_scores(edition: int | str = 2020) -> pd.Series:
    """Published overall scores of one edition, on the scale published (ISO3 → score)."""
    return _edition(edition)["score"].astype(float).rename("score")


def published_ranks(edition: int | str) -> pd.Series:
    """Published global ranks of one edition (ISO3 → rank), as published (dense ties).

    Raises
    ------
    GCIError
        For GCI 2024, which publishes tiers, not ranks (see :func:`published_tiers`).
    """
    year = _year(edition)
    if year in TIER_EDITIONS:
        raise GCIError(f"GCI {year} publishes tiers, not ranks: use published_tiers({year}), "
                       f"or rank its scores yourself with `gci rank` (not ITU's ranks)")
    return _edition(year)["published_rank"].astype(int).rename(f"rank {edition}")


def published_results(edition: int | str) -> pd.DataFrame:
    """ITU's published results of one edition: overall (0–100), rank or tier, pillars.

    Returns
    -------
    DataFrame
        Indexed by iso3: name, overall, global_rank (missing for GCI 2024, which publishes
        tiers), itu_region, published_score (as published, 0–1 before 2020), and for 2024 also
        ``tier`` and the pillar scores (:data:`PILLARS`). Best first.

    Raises
    ------
    GCIError
        When the edition is not shipped (the message lists those that are).
    """
    year = _year(edition)
    t = _edition(year)
    factor = 100.0 if t["score"].max() <= 1.0 else 1.0
    regions = region_of()
    out = pd.DataFrame({
        "name": [country_name(c) for c in t.index],
        "overall": t["score"].astype(float) * factor,
        "global_rank": t["published_rank"].astype("Int64"),
        "itu_region": [regions.get(c) for c in t.index],
        "published_score": t["score"].astype(float),
    }, index=pd.Index(t.index, name="iso3"))
    if year in TIER_EDITIONS:
        out["tier"] = TIER_EDITIONS[year].assign(out["overall"])
        for p in PILLARS:
            out[p] = _pillar_table(year)[p].reindex(out.index)
        return out.sort_values(["overall", "name"], ascending=[False, True])
    return out.sort_values(["global_rank", "name"])
