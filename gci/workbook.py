"""The Excel workbook of a run (``gci report --all -o results/report.xlsx``).

One sheet per table:

=================  ====================================================================
``overall``        overall score, global rank, region, regional rank, tier, missing answers
``pillars``        pillar points (contribution to the overall) and pillar score % per country
``indicators``     indicator and sub-indicator credit and points (long)
``ranks_by_region`` each region's countries in regional-rank order
``weights``        effective weights: every node's share of the overall and maximum points
``validation``     every warning found in the inputs
``manifest``       the run's manifest, flattened to ``key``/``value`` rows
=================  ====================================================================

The workbook is written atomically and its text cells are neutralised against formula injection
(see :func:`gci.output.write_workbook`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import GCIError
from .output import _jsonable, write_workbook

if TYPE_CHECKING:
    from .result import ScoreResult

#: Sheet names, in workbook order.
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


def manifest_rows(manifest: dict) -> pd.DataFrame:
    """A manifest flattened to rows ``key`` (dotted path, ``[i]`` for list items), ``value``."""
    rows: list[tuple[str, Any]] = []

    def walk(obj: Any, key: str) -> None:
        if isinstance(obj, dict) and obj:
            for k, v in obj.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(obj, (list, tuple)) and obj:
            for i, v in enumerate(obj):
                walk(v, f"{key}[{i}]")
        elif isinstance(obj, (dict, list, tuple)):
            rows.append((key, json.dumps(obj)))
        else:
            rows.append((key, obj))

    walk(_jsonable(manifest), "")
    return pd.DataFrame(rows, columns=["key", "value"], dtype=object)


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
    write_workbook(report_tables(result, command=command), path)
    return path
