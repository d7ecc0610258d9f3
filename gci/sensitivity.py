r"""Variance-based (Sobol) sensitivity of ranks to the modelling choices.

:func:`sobol_indices` estimates first-order and total Sobol indices of any vectorised function
of the unit hypercube, for single inputs or groups of inputs, with the Saltelli (2010)
estimator of the first-order index and Jansen's (1999) estimator of the total index:

.. math::

    S_i = \frac{\overline{f(B)\,(f(A_B^{i}) - f(A))}}{V}, \qquad
    S_{Ti} = \frac{\overline{(f(A) - f(A_B^{i}))^2}}{2V}

where ``A`` and ``B`` are two independent samples, ``A_B^i`` is ``A`` with the columns of
input (group) ``i`` taken from ``B``, and ``V`` the variance of ``f`` over ``A`` and ``B``. It
costs ``n (k + 2)`` evaluations for ``k`` inputs, all made in one call. It is checked against
the Ishigami function, whose indices are known analytically (``tests/test_sensitivity.py``).

:func:`rank_sensitivity` applies it to a :class:`gci.uncertainty.UncertaintyModel`: the inputs
are the modelling choices (weights of each level, weight scheme, missing-answer policy,
aggregation), the output the mean absolute shift of the countries' ranks from their nominal
ranks (and, per country, each country's rank).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import qmc

from .errors import GCIError
from .uncertainty import UncertaintyModel, dense_rank


@dataclass
class SobolResult:
    """First-order and total indices.

    Attributes
    ----------
    names : list of str
        Input (group) names.
    first, total : ndarray (inputs, outputs)
        ``S1`` and ``ST`` of each input for each output column (NaN where the output does not
        vary).
    variance : ndarray (outputs,)
    n : int
        Base sample size (the function was evaluated ``n (k + 2)`` times).
    """

    names: list[str]
    first: np.ndarray
    total: np.ndarray
    variance: np.ndarray
    n: int

    def table(self, output: int = 0) -> pd.DataFrame:
        """Indices of one output column: rows are inputs, columns ``S1`` and ``ST``."""
        return pd.DataFrame({"S1": self.first[:, output], "ST": self.total[:, output]},
                            index=pd.Index(self.names, name="factor"))


def sample_matrices(n: int, dim: int, seed: int | np.random.Generator | None = 0,
                    method: str = "sobol") -> tuple[np.ndarray, np.ndarray]:
    """Two independent samples ``A``, ``B`` of shape (n, dim) in the unit hypercube.

    ``method="sobol"`` uses a scrambled Sobol' sequence of dimension ``2 dim`` (n a power of 2
    keeps its balance); ``"random"`` plain pseudo-random numbers.
    """
    if n < 2:
        raise GCIError(f"the Sobol sample size must be at least 2, got {n}")
    rng = np.random.default_rng(seed)
    if method == "sobol":
        eng = qmc.Sobol(2 * dim, scramble=True, rng=rng)
        m = int(np.log2(n))
        x = eng.random_base2(m) if 2 ** m == n else eng.random(n)
    elif method == "random":
        x = rng.random((n, 2 * dim))
    else:
        raise GCIError(f"sampling method {method!r}; expected sobol or random")
    return x[:, :dim], x[:, dim:]


def sobol_indices(func: Callable[[np.ndarray], np.ndarray], dim: int, n: int = 4096, *,
                  groups: Mapping[str, Sequence[int]] | None = None,
                  seed: int | np.random.Generator | None = 0,
                  method: str = "sobol") -> SobolResult:
    """First-order and total Sobol indices of ``func`` on the unit hypercube.

    Parameters
    ----------
    func : callable
        Vectorised: points (m, dim) → outputs (m,) or (m, outputs).
    dim : int
        Number of inputs (columns).
    n : int
        Base sample size.
    groups : mapping name → columns, optional
        Inputs grouped into factors (default: each column ``x1``, ``x2``, … on its own).
    seed : int or Generator
        Reproducible sampling.
    method : {"sobol", "random"}
        Sampling (see :func:`sample_matrices`).
    """
    if groups is None:
        groups = {f"x{i + 1}": [i] for i in range(dim)}
    if not groups:
        raise GCIError("no input varies: nothing to attribute variance to")
    a, b = sample_matrices(n, dim, seed, method)
    mats = [a, b]
    for cols in groups.values():
        ab = a.copy()
        ab[:, list(cols)] = b[:, list(cols)]
        mats.append(ab)
    y = np.asarray(func(np.vstack(mats)), dtype=float)
    y = y.reshape(len(mats), n, -1)
    fa, fb, fab = y[0], y[1], y[2:]
    var = np.var(np.concatenate([fa, fb]), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe = np.where(var > 0, var, np.nan)
        first = np.mean(fb[None] * (fab - fa[None]), axis=1) / safe
        total = 0.5 * np.mean((fa[None] - fab) ** 2, axis=1) / safe
    return SobolResult(list(groups), first, total, var, n)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami function on [-pi, pi]^3 (a standard test of sensitivity estimators)."""
    x = np.asarray(x, dtype=float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, np.ndarray]:
    """Analytic first-order and total indices of :func:`ishigami`."""
    pi = np.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": np.array([v1, v2, 0.0]) / v, "ST": np.array([v1 + v13, v2, v13]) / v}


@dataclass
class RankSensitivity:
    """Result of :func:`rank_sensitivity`.

    Attributes
    ----------
    summary : DataFrame
        Per factor: ``S1`` and ``ST`` of the mean absolute rank shift from the nominal ranks.
    countries : DataFrame
        Long: iso3, factor, S1, ST of each country's rank (NaN where a rank never moves).
    n : int
        Base sample size; the model was scored ``n (factors + 2)`` times.
    """

    summary: pd.DataFrame
    countries: pd.DataFrame
    n: int


def rank_sensitivity(model: UncertaintyModel, n: int = 1024, seed: int | None = 0, *,
                     engine: str = "fast", method: str = "sobol",
                     progress: Callable[[int], None] | None = None) -> RankSensitivity:
    """Sobol indices of the modelling choices on ranks.

    Parameters
    ----------
    model : UncertaintyModel
        Inputs and the choices varied (factors are ``model.groups``).
    n : int
        Base sample size (a power of 2 with ``method="sobol"``).
    seed : int or None
    engine : {"fast", "aggregate"}
    method : {"sobol", "random"}
    progress : callable, optional
        Called with the number of draws scored after each chunk.
    """
    nominal = dense_rank(model.nominal_overall(engine), model.rank_decimals)

    def f(u: np.ndarray) -> np.ndarray:
        ranks = model.ranks(model.score(u, engine=engine, progress=progress))
        shift = np.nanmean(np.abs(ranks - nominal[None, :]), axis=1)
        return np.column_stack([shift, ranks])

    res = sobol_indices(f, model.dimension, n, groups=model.groups, seed=seed, method=method)
    summary = res.table(0)
    k = len(res.names)
    nc = len(model.countries)
    countries = pd.DataFrame({
        "iso3": np.tile(model.countries, k),
        "factor": np.repeat(res.names, nc),
        "S1": res.first[:, 1:].reshape(-1),
        "ST": res.total[:, 1:].reshape(-1),
    })
    return RankSensitivity(summary, countries, n)
