"""The Excel workbook of a run (``gci report --all -o results/report.xlsx``).

A ``README`` sheet first (what each sheet holds, then the run's manifest), a ``chart`` sheet
with a native Excel stacked bar chart of the pillar points of every country, then one sheet per
table:

=================  ====================================================================
``overall``        overall score, global rank, region, regional rank, tier, missing answers
``pillars``        pillar points (contribution to the overall) and pillar score % per country
``indicators``     indicator and sub-indicator credit and points (long)
``ranks_by_region`` each region's countries in regional-rank order
``weights``        effective weights: every node's share of the overall and maximum points
``validation``     every warning found in the inputs
``manifest``       the run's manifest, flattened to ``key``/``value`` rows
=================  ====================================================================

Every sheet has a frozen, bold header row, fitted column widths and number formats (scores and
points ``0.00``, shares ``0.0000``, ranks and counts ``0``); tier cells are coloured by tier
(conditional formatting, so sorting keeps the colours). The stored numbers are exact: the
formats only choose what is shown (``gci score --format xlsx`` stores them at ``--decimals``).

The workbook is written atomically and its text cells are neutralised against formula injection
(see :func:`gci.present.output.write_workbook`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import GCIError
from .sheets import (  # noqa: F401 - defined in sheets; kept importable from here
    SHEET_DESCRIPTIONS,
    _jsonable,
    manifest_rows,
    write_sheets,
)
from .tables import write_workbook

if TYPE_CHECKING:
    from ..engine.result import ScoreResult

#: Sheet names of the tables, in workbook order (``README`` and ``chart`` come first).
SHEETS = ("overall", "pillars", "indicators", "ranks_by_region", "weights", "validation",
          "manifest")


def report_tables(result: ScoreResult, *, command: str | None = None) -> dict[str, pd.DataFrame]:
    """The workbook's tables by sheet name (see the module docstring)."""
    scores = result.scores
    group_col = result.options["groups"]
    rank_cols = [c for c in ("global_rank", group_col, "regional_rank", "tier")
                 if c in scores.columns]
    overall = scores[["name", "overall", *rank_cols, "missing_answers",
                      "not_applicable"]].reset_index()
    codes = [p.code for p in result.framework.pillars]
    pct = (result.credit(codes) * 100.0).reindex(scores.index)
    pillars = scores[["name", "overall", *codes]].copy()
    for c in codes:
        pillars[f"{c}_pct"] = pct[c]
    pillars = pillars.reset_index()
    by_region = scores[["name", group_col, "regional_rank", "overall", "global_rank"]
                       + (["tier"] if "tier" in scores.columns else [])].reset_index()
    by_region = by_region.sort_values([group_col, "regional_rank", "name"], kind="stable",
                                      na_position="last")
    by_region = by_region[[group_col, "regional_rank", "iso3", "name", "overall",
                           "global_rank"] + (["tier"] if "tier" in by_region.columns else [])]
    return {
        "overall": overall,
        "pillars": pillars,
        "indicators": result.indicators,
        "ranks_by_region": by_region.reset_index(drop=True),
        "weights": result.weights_table(),
        "validation": result.validation,
        "manifest": manifest_rows(result.manifest(command=command)),
    }


def write_report_workbook(result: ScoreResult, path: str | os.PathLike, *,
                          protect: list[str | os.PathLike] | None = None,
                          command: str | None = None) -> Path:
    """Write the workbook to ``path`` (``.xlsx``) atomically, never over an input file.

    Raises
    ------
    GCIError
        When ``path`` does not end in ``.xlsx``, is an input, or openpyxl is missing.
    """
    from .report_html import refuse_input_target

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise GCIError(f"cannot write the workbook to {path}: the file name must end in .xlsx")
    refuse_input_target(result, path, protect)
    from .output import workbook_style

    tables = report_tables(result, command=command)
    write_workbook(tables, path, style=workbook_style(result, tables, command, None))
    return path
