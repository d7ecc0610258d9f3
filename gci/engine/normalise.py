"""Normalisation of numeric indicators across countries, by method name (as COINr's ``n_*``).

A normalisation brings an indicator measured in its own unit (a count of organisations, a
percentage, …) onto a common scale so that it can be aggregated with others. Methods are chosen
by name from :data:`NORMALISERS`; :func:`register_normaliser` adds custom ones.

Every method works column by column on an array of shape ``(countries,)`` or
``(countries, indicators)``: statistics (minimum, mean, ranks, …) are taken over the countries
of each column. ``NaN`` (a missing value) passes through as ``NaN`` and is ignored by the
statistics.

Direction
---------
``direction=+1`` means "higher is better", ``-1`` "lower is better". For the methods that depend
only on the data (``minmax``, ``zscore``, ``rank``, ``percentile_rank``, ``distance_to_max``)
the values are multiplied by the direction first, as COINr does. ``goalposts`` and
``distance_to_target`` take fixed reference values, so they handle the direction themselves
(``-1`` makes the *low* goalpost, or values at or below the target, the best).

Methods (``x`` after the direction is applied; ``min``, ``max`` over the countries)
-----------------------------------------------------------------------------------
``minmax`` (``low=0, high=100``)
    ``(x - min) / (max - min) * (high - low) + low``. Use ``high=1`` for the 0–1 scale.
``zscore`` (``mean=0, sd=1, ddof=1``)
    ``(x - mean(x)) / sd(x) * sd + mean``, with the sample standard deviation (``ddof=1``, as
    R's ``sd``).
``goalposts`` (``low, high, scale=1, clip=True``)
    ``(x - worst) / (best - worst) * scale`` with ``(worst, best) = (low, high)`` for direction
    +1 and ``(high, low)`` for −1; clipped to ``[0, scale]`` unless ``clip=False``.
``rank`` (``ties="min"``)
    Rank, 1 for the lowest value and ``n`` for the highest (higher is better); ties share the
    lowest rank of their group ("sport" ranking, as COINr's ``n_rank``).
``percentile_rank`` (``ties="average"``)
    ``(rank - 1) / (n - 1)`` in ``[0, 1]``, ``n`` the number of values present. Ties share their
    average rank (COINr's ``n_prank`` uses ``"min"``; pass ``ties="min"`` to match it).
``distance_to_target`` (``target, cap=True``)
    Direction +1: ``(x - min) / (target - min)``; −1: ``(max - x) / (max - target)``. Values at
    or beyond the target score 1 (and above 1 if ``cap=False``).
``distance_to_max``
    ``1 - (max - x) / (max - min)``: 1 for the best country, 0 for the worst.

Constant indicators
-------------------
When every present value of a column is the same (or only one is present), the spread-based
formulas divide by zero. Instead of ``NaN``/``inf`` the methods return a documented value:
``minmax`` the middle of its range ``(low + high) / 2`` (``constant=`` may give ``"low"``,
``"high"`` or a number), ``zscore`` the target mean, ``distance_to_max`` 1 (every country is at
the maximum), ``percentile_rank`` 0.5 (with average ties; 0 with ``"min"`` ties), ``rank`` 1 for
all. ``distance_to_target`` scores 1 where the target is reached even when ``target`` equals the
worst value.

In a framework
--------------
A numeric question may say ``normalise: <method>`` (with ``direction: -1``, ``target: …`` or
``normalise: {method: …, <parameter>: …}``) instead of fixed goalposts. Its answers are then
normalised across the countries scored together, and the result is the question's credit:
``minmax`` maps onto ``[0, 1]`` there (not 0–100). Methods marked ``bounded`` in the registry
give credit in ``[0, 1]``; ``zscore`` and ``rank`` do not, so scores built on them are not on
the 0–``scale`` range (use them with the arithmetic mean, or for analysis with
:func:`normalise_frame`). Because the credit depends on the other countries, a country's score
changes when the set of countries changes.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from ..errors import GCIError

__all__ = ["NORMALISERS", "Normaliser", "register_normaliser", "normalise", "normalise_frame",
           "check_spec", "node_spec", "normalised_credit"]


@dataclass(frozen=True)
class Normaliser:
    """A normalisation method in the registry.

    Attributes
    ----------
    name : str
    func : callable
        ``func(x, **params)`` with ``x`` of shape ``(countries, indicators)`` → same shape.
    handles_direction : bool
        ``True`` when ``func`` takes ``direction`` itself; otherwise ``x`` is multiplied by the
        direction before the call.
    bounded : bool
        Whether the output lies in ``[0, 1]`` with the parameters the framework uses (so it can be
        used as question credit).
    credit_params : mapping
        Parameters used when the method turns a framework's numeric question into credit (e.g.
        ``minmax`` to ``[0, 1]``); explicit parameters override them.
    description : str
    """

    name: str
    func: Callable[..., np.ndarray]
    handles_direction: bool = False
    bounded: bool = False
    credit_params: Mapping[str, Any] | None = None
    description: str = ""


def _quiet(fn: Callable, x: np.ndarray, **kw: Any) -> np.ndarray:
    """Run a nan-aware column statistic without all-NaN warnings (keeps dimensions)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(x, axis=0, keepdims=True, **kw)


def _present(x: np.ndarray) -> np.ndarray:
    return np.isfinite(x)


def _constant_value(constant: str | float, low: float, high: float) -> float:
    if isinstance(constant, str):
        table = {"mid": (low + high) / 2.0, "low": low, "high": high}
        if constant not in table:
            raise ValueError(f"constant={constant!r}; expected 'mid', 'low', 'high' or a number")
        return table[constant]
    return float(constant)


def n_minmax(x: np.ndarray, low: float = 0.0, high: float = 100.0,
             constant: str | float = "mid") -> np.ndarray:
    """Min-max scaling of each column onto ``[low, high]`` (constant columns → ``constant``)."""
    mn, mx = _quiet(np.nanmin, x), _quiet(np.nanmax, x)
    rng = mx - mn
    const = ~(rng > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (x - mn) / np.where(const, 1.0, rng) * (high - low) + low
    fill = _constant_value(constant, float(low), float(high))
    return np.where(const & _present(x), fill, np.where(_present(x), y, np.nan))


def n_zscore(x: np.ndarray, mean: float = 0.0, sd: float = 1.0, ddof: int = 1) -> np.ndarray:
    """Standardise each column to mean ``mean`` and standard deviation ``sd``."""
    if not sd > 0:
        raise ValueError(f"sd={sd!r}; expected a positive number")
    m = _quiet(np.nanmean, x)
    s = _quiet(np.nanstd, x, ddof=ddof)
    const = ~(s > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (x - m) / np.where(const, 1.0, s) * sd + mean
    return np.where(const & _present(x), float(mean), np.where(_present(x), y, np.nan))


def n_goalposts(x: np.ndarray, low: float, high: float, scale: float = 1.0, direction: int = 1,
                clip: bool = True) -> np.ndarray:
    """Fraction of the way from the worst goalpost to the best one (times ``scale``)."""
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high)) or low == high:
        raise ValueError(f"goalposts ({low!r}, {high!r}); expected two different finite numbers")
    worst, best = (low, high) if direction == 1 else (high, low)
    y = (x - worst) / (best - worst)
    if clip:
        y = np.clip(y, 0.0, 1.0)
    return y * float(scale)


def n_rank(x: np.ndarray, ties: str = "min") -> np.ndarray:
    """Rank of each value in its column: 1 for the lowest, ``n`` for the highest."""
    r = rankdata(x, method=ties, axis=0, nan_policy="omit")
    return np.where(_present(x), r, np.nan)


def n_percentile_rank(x: np.ndarray, ties: str = "average", constant: float = 0.5) -> np.ndarray:
    """``(rank - 1) / (n - 1)``; a column with one value present gets ``constant``."""
    r = n_rank(x, ties)
    n = _present(x).sum(axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (r - 1.0) / np.where(n > 1, n - 1.0, 1.0)
    return np.where(_present(x), np.where(n > 1, y, float(constant)), np.nan)


def n_distance_to_target(x: np.ndarray, target: float, direction: int = 1,
                         cap: bool = True) -> np.ndarray:
    """Progress from the worst value towards ``target`` (1 at or beyond the target)."""
    target = float(target)
    if not np.isfinite(target):
        raise ValueError(f"target={target!r}; expected a finite number")
    if direction == 1:
        worst = _quiet(np.nanmin, x)
        span = target - worst
        num = x - worst
        reached = x >= target
    else:
        worst = _quiet(np.nanmax, x)
        span = worst - target
        num = worst - x
        reached = x <= target
    with np.errstate(invalid="ignore", divide="ignore"):
        y = num / np.where(span > 0, span, 1.0)
    # target at or beyond the worst value: every country reaches it
    y = np.where(span > 0, y, np.where(reached, 1.0, 0.0))
    if cap:
        y = np.where(reached, 1.0, np.minimum(y, 1.0))
    return np.where(_present(x), y, np.nan)


def n_distance_to_max(x: np.ndarray, constant: float = 1.0) -> np.ndarray:
    """``1 - (max - x) / (max - min)``; a constant column gets ``constant`` (1: all at the max)."""
    return n_minmax(x, 0.0, 1.0, constant=constant)


#: Normalisation methods by name (see the module documentation for the formulas).
NORMALISERS: dict[str, Normaliser] = {
    "minmax": Normaliser("minmax", n_minmax, False, True, {"low": 0.0, "high": 1.0},
                         "linear rescaling of [min, max] onto [low, high] (default 0-100)"),
    "zscore": Normaliser("zscore", n_zscore, False, False, None,
                         "standard score (mean 0, sample sd 1 by default)"),
    "goalposts": Normaliser("goalposts", n_goalposts, True, True, None,
                            "fraction of the way from the worst to the best goalpost"),
    "rank": Normaliser("rank", n_rank, False, False, None,
                       "rank, 1 for the worst value and n for the best (ties: min)"),
    "percentile_rank": Normaliser("percentile_rank", n_percentile_rank, False, True, None,
                                  "(rank - 1) / (n - 1) in [0, 1] (ties: average)"),
    "distance_to_target": Normaliser("distance_to_target", n_distance_to_target, True, True,
                                     None, "progress from the worst value to a target (capped 1)"),
    "distance_to_max": Normaliser("distance_to_max", n_distance_to_max, False, True, None,
                                  "1 - distance to the best value as a share of the range"),
}


def register_normaliser(name: str, func: Callable[..., np.ndarray], *,
                        handles_direction: bool = False, bounded: bool = False,
                        credit_params: Mapping[str, Any] | None = None,
                        description: str = "") -> None:
    """Add a custom normalisation method to :data:`NORMALISERS`.

    Parameters
    ----------
    name : str
        The name frameworks and :func:`normalise` refer to.
    func : callable
        ``func(x, **params)``: ``x`` is a float array ``(countries, indicators)`` with ``NaN``
        for missing values; it returns an array of the same shape (keep ``NaN`` where ``x`` has
        it). Vectorise over the columns.
    handles_direction : bool
        Whether ``func`` takes ``direction`` itself (else ``x`` is multiplied by it first).
    bounded : bool
        Whether the output lies in ``[0, 1]`` (usable as credit without a warning).
    credit_params : mapping, optional
        Default parameters when used for a framework question.
    description : str
    """
    if not callable(func):
        raise TypeError(f"normaliser {name!r} must be callable")
    NORMALISERS[name] = Normaliser(name, func, handles_direction, bounded,
                                   dict(credit_params or {}), description)


def _get(method: str | Callable) -> Normaliser:
    if callable(method):
        return Normaliser(getattr(method, "__name__", "custom"), method)
    if method not in NORMALISERS:
        raise GCIError(f"unknown normalisation method {method!r}; expected one of "
                       f"{', '.join(NORMALISERS)} (or register one with register_normaliser)")
    return NORMALISERS[method]


def check_spec(method: Any, params: Mapping[str, Any] | None = None) -> str | None:
    """Why ``method`` with ``params`` cannot run, or ``None`` when it can.

    Checks that the method is registered and that its function accepts the parameters (and is
    given the ones it requires). Used to validate frameworks before any data is read.
    """
    if not isinstance(method, str) or method not in NORMALISERS:
        return (f"unknown normalisation method {method!r}; expected one of "
                f"{', '.join(NORMALISERS)}")
    norm = NORMALISERS[method]
    params = dict(params or {})
    if norm.handles_direction:
        params.setdefault("direction", 1)
    try:
        inspect.signature(norm.func).bind(np.zeros((1, 1)), **params)
    except TypeError as exc:
        names = list(inspect.signature(norm.func).parameters)[1:]
        return (f"method {method!r}: {exc} (given {sorted(params) or 'none'}); its parameters "
                f"are {', '.join(names)}")
    return None


def _direction(direction: Any) -> int:
    if direction in (1, -1) and not isinstance(direction, bool):
        return int(direction)
    raise GCIError(f"direction {direction!r}; expected 1 (higher is better) or -1 (lower is "
                   "better)")


def normalise(x: Any, method: str | Callable = "minmax", direction: int = 1,
              **params: Any) -> np.ndarray:
    """Normalise ``x`` column by column with the method called ``method``.

    Parameters
    ----------
    x : array-like, shape (countries,) or (countries, indicators)
        Values; ``NaN`` for missing (passed through).
    method : str or callable
        A name in :data:`NORMALISERS` or a function ``f(x, **params)``.
    direction : {1, -1}
        Higher is better (1) or lower is better (-1).
    **params
        Parameters of the method (``low``, ``high``, ``target``, ``ties``, …).

    Returns
    -------
    ndarray of float, the shape of ``x``
    """
    arr = np.asarray(x, dtype=float)
    one_d = arr.ndim == 1
    a2 = arr[:, None] if one_d else arr
    norm = _get(method)
    d = _direction(direction)
    try:
        if norm.handles_direction:
            out = norm.func(a2, direction=d, **params)
        else:
            out = norm.func(a2 * d, **params)
    except (TypeError, ValueError) as exc:
        why = check_spec(method, params) if isinstance(method, str) else None
        raise GCIError(f"normalisation {norm.name!r} with parameters {params}: {why or exc}") \
            from None
    out = np.asarray(out, dtype=float)
    if out.shape != a2.shape:
        raise GCIError(f"normalisation {norm.name!r} returned shape {out.shape}; expected "
                       f"{a2.shape}")
    return out[:, 0] if one_d else out


def normalise_frame(data: pd.DataFrame, method: str | Callable = "minmax", *,
                    directions: Mapping[str, int] | pd.Series | None = None,
                    specs: Mapping[str, str | Mapping[str, Any]] | None = None,
                    pooled: bool = False, **params: Any) -> pd.DataFrame:
    """Normalise every numeric column of a countries × indicators table.

    Like COINr's ``Normalise(global_specs=, indiv_specs=)``: ``method`` and ``params`` are the
    global specification used for every column, ``specs`` overrides it per indicator.

    Parameters
    ----------
    data : DataFrame
        Countries in rows, indicators in columns.
    method : str or callable
        Global method.
    directions : mapping or Series, optional
        Direction per column (default 1).
    specs : mapping, optional
        Per-indicator specification: a method name, or a mapping with ``method`` and its
        parameters (and optionally ``direction``).
    pooled : bool
        Global *statistics*: normalise all columns that use the global specification together,
        with one minimum/maximum/mean/… over all their values (after applying directions),
        instead of one per column. Only for methods that do not handle direction themselves.
    **params
        Parameters of the global method.

    Returns
    -------
    DataFrame of the same shape (non-numeric columns are returned unchanged).
    """
    out = data.copy()
    directions = dict(directions or {})
    specs = dict(specs or {})
    unknown = [c for c in [*directions, *specs] if c not in data.columns]
    if unknown:
        raise GCIError(f"normalisation given for unknown column(s) {', '.join(map(str, unknown))}"
                       f"; the table has {', '.join(map(str, data.columns))}")
    numeric = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
    glob = [c for c in numeric if c not in specs]
    if glob:
        dirs = np.array([_direction(directions.get(c, 1)) for c in glob], dtype=float)
        values = data[glob].to_numpy(dtype=float)
        norm = _get(method)
        if pooled:
            if norm.handles_direction:
                raise GCIError(f"pooled normalisation is not available for {norm.name!r}, which "
                               "uses fixed reference values; normalise per indicator")
            flat = (values * dirs).reshape(-1)
            out[glob] = normalise(flat, method, 1, **params).reshape(values.shape)
        elif norm.handles_direction:
            for j, c in enumerate(glob):
                out[c] = normalise(values[:, j], method, int(dirs[j]), **params)
        else:
            out[glob] = normalise(values * dirs, method, 1, **params)
    for c, spec in specs.items():
        if isinstance(spec, str) or callable(spec):
            m, p = spec, {}
        else:
            p = dict(spec)
            m = p.pop("method", method)
        d = p.pop("direction", directions.get(c, 1))
        out[c] = normalise(data[c].to_numpy(dtype=float), m, d, **p)
    return out


# --------------------------------------------------------------------------------------------
# framework questions
# --------------------------------------------------------------------------------------------
def node_spec(node: Any) -> tuple[str, int, dict[str, Any]]:
    """Method, direction and parameters with which a framework question is normalised.

    The method's ``credit_params`` (``minmax`` onto ``[0, 1]``) come first, then the question's
    ``goalposts`` (for the ``goalposts`` method) and its own parameters.
    """
    method = node.normalise
    norm = NORMALISERS[method]
    params: dict[str, Any] = dict(norm.credit_params or {})
    if method == "goalposts" and node.goalposts is not None:
        params["low"], params["high"] = node.goalposts
    params.update(dict(node.normalise_params or {}))
    return method, int(node.direction or 1), params


def normalised_credit(node: Any, values: np.ndarray) -> np.ndarray:
    """Credit of one numeric question whose framework entry names a normalisation method.

    Parameters
    ----------
    node : Node
        The question (``node.normalise`` set).
    values : ndarray (countries,)
        Raw numbers of the countries that answered (and to which it applies); ``NaN`` elsewhere.
    """
    method, direction, params = node_spec(node)
    return normalise(values, method, direction, **params)
