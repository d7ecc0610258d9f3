"""ITU's published GCI results shipped with gci (``gci/data/gci_published_scores.csv``).

Overall score and global rank of every country in the 2014, 2017, 2018 (scale 0–1) and 2020
(scale 0–100) editions, from public transcriptions of ITU's reports; provenance in
``gci/data/REFERENCE_PROVENANCE.md``. The one reader of that file: editions, plots and the demo
generator all go through here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from .countries import country_name, region_of
from .errors import GCIError


@lru_cache(maxsize=1)
def published_table() -> pd.DataFrame:
    """The whole table: ``iso3, edition, score, published_rank, rank_source``."""
    with resources.files("gci.data").joinpath("gci_published_scores.csv").open(
            "r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"iso3": str, "rank_source": str})


def published_editions() -> list[int]:
    """Editions with published results shipped with gci."""
    return sorted(int(e) for e in published_table()["edition"].unique())


def _edition(edition: int | str) -> pd.DataFrame:
    try:
        year = int(str(edition).strip())
    except ValueError:
        year = None
    if year not in published_editions():
        raise GCIError(f"no published GCI results for edition {edition}; available: "
                       f"{', '.join(map(str, published_editions()))}")
    data = published_table()
    return data[data["edition"] == year].set_index("iso3")


def published_scores(edition: int | str = 2020) -> pd.Series:
    """Published overall scores of one edition, on the scale published (ISO3 → score)."""
    return _edition(edition)["score"].astype(float).rename("score")


def published_ranks(edition: int | str) -> pd.Series:
    """Published global ranks of one edition (ISO3 → rank), as published (dense ties)."""
    return _edition(edition)["published_rank"].astype(int).rename(f"rank {edition}")


def published_results(edition: int | str) -> pd.DataFrame:
    """ITU's published overall score (on 0–100) and global rank of one edition.

    Returns
    -------
    DataFrame
        Indexed by iso3: name, overall, global_rank, itu_region, published_score (as published,
        0–1 before 2020), best first.

    Raises
    ------
    GCIError
        When the edition is not shipped (the message lists those that are).
    """
    t = _edition(edition)
    factor = 100.0 if t["score"].max() <= 1.0 else 1.0
    regions = region_of()
    out = pd.DataFrame({
        "name": [country_name(c) for c in t.index],
        "overall": t["score"].astype(float) * factor,
        "global_rank": t["published_rank"].astype("Int64"),
        "itu_region": [regions.get(c) for c in t.index],
        "published_score": t["score"].astype(float),
    }, index=pd.Index(t.index, name="iso3"))
    return out.sort_values(["global_rank", "name"])
