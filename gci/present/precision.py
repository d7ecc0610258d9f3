"""The precision of written numbers.

``--decimals N|full`` (default 2, as ITU publishes;
shares two more), and the ``precision`` record of a manifest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import GCIError

#: Decimals of written scores and points by default (as the GCI reports publish them).
DEFAULT_DECIMALS = 2


#: Columns holding shares of 1 (credit, weights): written with two more decimals than scores,
#: so that a share keeps the precision of the points it gives (0.0167 of 100 = 1.67 points).
SHARE_COLUMNS = frozenset({"credit", "relative_weight", "weight_in_parent", "effective_weight"})


def parse_decimals(value: int | str | None) -> int | None:
    """Decimals from ``value``: an int 0..12, ``"full"``/``None`` (no rounding), or its text.

    Raises
    ------
    GCIError
        For anything else, saying what is expected.
    """
    if value is None or (isinstance(value, str) and value.strip().lower() == "full"):
        return None
    if isinstance(value, bool):
        raise GCIError(f"decimals {value!r}: expected a whole number 0-12 or 'full'")
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise GCIError(f"decimals {value!r}: expected a whole number 0-12 or 'full'")
        value = int(text)
    if not isinstance(value, (int, np.integer)) or not 0 <= int(value) <= 12:
        raise GCIError(f"decimals {value!r}: expected a whole number 0-12 or 'full'")
    return int(value)


def column_decimals(column: str, decimals: int | None) -> int | None:
    """Decimals used for ``column`` (shares of 1 get two more than scores); ``None``: full."""
    if decimals is None:
        return None
    return decimals + 2 if str(column) in SHARE_COLUMNS else decimals


#: A float64 at least this large is a whole number (its 52 fraction bits are all above the point).
_WHOLE = 2.0 ** 52


def round_values(values: np.ndarray, places: int) -> np.ndarray:
    """``np.round(values, places)``, without turning huge values into infinity.

    numpy rounds by scaling (``x * 10**places``), which overflows for ``|x|`` near the float
    limit: ``np.round(1e300, 12)`` is ``inf``. A float of magnitude ``2**52`` or more is a whole
    number already, so it is kept as it is; every other value is rounded as numpy rounds it.
    """
    values = np.asarray(values)
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.round(values, places)
        huge = np.abs(values) >= _WHOLE
    if huge.any():
        out = np.where(huge, values, out)
    return out


def round_table(df: pd.DataFrame, decimals: int | None) -> pd.DataFrame:
    """A copy of ``df`` with its float columns rounded for writing (``None``: unchanged).

    Scores and points get ``decimals``; shares of 1 (:data:`SHARE_COLUMNS`) two more, rounded as
    :mod:`gci.engine.ranking` and :mod:`gci.inputs.tiers` round (numpy: an exact tie such as 90.625
    goes to the
    even digit, 90.62), so a written score is the one that was ranked and tiered. Integer,
    text and missing cells are left as they are. This is for display only: rank and tier columns
    already in ``df`` were computed on the exact values.
    """
    if decimals is None:
        return df
    out = df.copy(deep=False)  # copy-on-write: only the rounded columns are new
    for j, col in enumerate(out.columns):
        if pd.api.types.is_float_dtype(out.dtypes.iloc[j]):
            series = out.iloc[:, j]
            places = column_decimals(col, decimals)
            if not isinstance(series.dtype, np.dtype):  # nullable Float64: pandas rounds it
                out.isetitem(j, series.round(places))
                continue
            out.isetitem(j, pd.Series(round_values(series.to_numpy(), places),
                                      index=out.index, name=series.name, dtype=series.dtype))
    return out


def precision_record(decimals: int | None) -> dict[str, Any]:
    """The ``precision`` entry of a manifest: how the written numbers were rounded."""
    if decimals is None:
        return {"decimals": "full", "note": "numbers written at full float precision"}
    return {"decimals": decimals, "share_decimals": decimals + 2,
            "share_columns": sorted(SHARE_COLUMNS),
            "rounding": "numpy round (an exact tie goes to the even digit: 90.625 -> 90.62), "
                        "as ranks and tiers round scores before comparing them",
            "note": "written numbers rounded to these decimals for display only; ranks and "
                    "tiers were computed on the exact values"}
