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

The scrambled Sobol' sample is drawn by :func:`scrambled_sobol`, a numpy version of
``scipy.stats.qmc.Sobol(d, scramble=True, rng=rng).random(n)`` (Joe & Kuo direction numbers,
LMS + digital-shift scrambling, Gray-code order) that gives the same points for the same
generator (tested): importing ``scipy.stats`` alone takes longer than the whole analysis of
``gci sensitivity --samples 1024``. The direction numbers are read from the table scipy ships;
when that file is not where this scipy version keeps it, ``scipy.stats.qmc`` is used instead.

:func:`rank_sensitivity` applies it to a :class:`gci.analysis.uncertainty.UncertaintyModel`: the
inputs
are the modelling choices (weights of each level, weight scheme, missing-answer policy,
aggregation), the output the mean absolute shift of the countries' ranks from their nominal
ranks (and, per country, each country's rank).
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import GCIError
from .uncertainty import UncertaintyModel

MEASURES = ("rank", "score")


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
    first_ci: np.ndarray | None = None
    total_ci: np.ndarray | None = None
    confidence: float = 0.95

    def table(self, output: int = 0) -> pd.DataFrame:
        """Indices of one output column: rows are inputs, columns ``S1`` and ``ST``.

        With bootstrap intervals (output 0 only), also ``S1_low``, ``S1_high``, ``ST_low``,
        ``ST_high``.
        """
        t = pd.DataFrame({"S1": self.first[:, output], "ST": self.total[:, output]},
                         index=pd.Index(self.names, name="factor"))
        if output == 0 and self.first_ci is not None and self.total_ci is not None:
            t["S1_low"], t["S1_high"] = self.first_ci[:, 0], self.first_ci[:, 1]
            t["ST_low"], t["ST_high"] = self.total_ci[:, 0], self.total_ci[:, 1]
        return t


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
        if n & (n - 1):
            warnings.warn(f"{n} Sobol' samples: the balance properties of Sobol' points "
                          f"require a power of 2 (e.g. {2 ** round(np.log2(n))})", UserWarning,
                          stacklevel=3)
        x = scrambled_sobol(n, 2 * dim, rng)
    elif method == "random":
        x = rng.random((n, 2 * dim))
    else:
        raise GCIError(f"sampling method {method!r}; expected sobol or random")
    return x[:, :dim], x[:, dim:]


#: Bits of the Sobol' integers (scipy's default): at most 2**30 points.
_BITS = 30


def _scipy_direction_table() -> Path | None:
    """The Joe & Kuo direction-number table shipped with scipy, without importing scipy.stats."""
    spec = importlib.util.find_spec("scipy")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = Path(root) / "stats" / "_sobol_direction_numbers.npz"
        if path.is_file():
            return path
    return None


def _direction_numbers(dim: int, table: Path) -> np.ndarray:
    """Direction numbers ``v`` (dim, bits) of the unscrambled Sobol' sequence (Bratley & Fox).

    Row 0 is the van der Corput sequence; row ``d`` starts with the table's initial numbers
    and continues by the recurrence of its primitive polynomial; column ``j`` is then scaled
    by ``2**(bits - 1 - j)``.
    """
    with np.load(table) as z:
        poly = z["poly"][:dim].astype(np.uint64)
        vinit = z["vinit"][:dim].astype(np.uint64)
    bits = _BITS
    v = np.zeros((dim, bits), dtype=np.uint64)
    v[0] = 1
    if dim > 1:
        p = poly[1:]
        deg = np.array([int(x).bit_length() - 1 for x in p])         # polynomial degrees
        rows = np.arange(1, dim)
        for j in range(bits):
            init = j < deg
            if init.any():
                v[rows[init], j] = vinit[rows[init], j]
            rec = ~init
            if not rec.any():
                continue
            r, m, pr = rows[rec], deg[rec], p[rec]
            newv = v[r, j - m]
            for k in range(int(m.max())):
                use = k < m
                coef = (pr >> np.maximum(m - 1 - k, 0).astype(np.uint64)) & np.uint64(1)
                term = v[r, np.maximum(j - k - 1, 0)] << np.uint64(k + 1)
                newv = np.where(use & (coef == 1), newv ^ term, newv)
            v[r, j] = newv
    return v << np.arange(bits - 1, -1, -1, dtype=np.uint64)[None, :]


def scrambled_sobol(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points of a scrambled Sobol' sequence in ``[0, 1)^dim``, as scipy draws them.

    The same points as ``scipy.stats.qmc.Sobol(dim, scramble=True, rng=rng).random(n)``
    (first draw of a new engine; the engine spawns a child of ``rng``, as here): LMS scrambling
    of the direction numbers by random lower-triangular bit matrices, a random digital shift,
    points in Gray-code order.
    """
    table = _scipy_direction_table()
    if table is None:  # another scipy layout: its own engine (slower import, same points)
        from scipy.stats import qmc

        return qmc.Sobol(dim, scramble=True, rng=rng).random(n)
    if n > 2 ** _BITS:
        raise GCIError(f"at most 2**{_BITS} Sobol' points, got {n}")
    bits = _BITS
    child = rng.spawn(1)[0]
    shift_bits = child.integers(2, size=(dim, bits), dtype=np.uint32).astype(np.uint64)
    shift = shift_bits @ (np.uint64(1) << np.arange(bits, dtype=np.uint64))
    ltm = np.tril(child.integers(2, size=(dim, bits, bits), dtype=np.uint32)).astype(np.uint8)
    ltm[:, np.arange(bits), np.arange(bits)] = 1
    v = _direction_numbers(dim, table)
    # LMS: bit p (from the top) of each scrambled number is the parity of row p of the
    # matrix against the number's bits (from the top)
    msb = np.arange(bits - 1, -1, -1, dtype=np.uint64)
    vbits = ((v[:, :, None] >> msb[None, None, :]) & np.uint64(1)).astype(np.uint8)
    scr = np.einsum("dpk,djk->djp", ltm, vbits, dtype=np.int64) & 1   # (dim, j, p)
    sv = (scr.astype(np.uint64) << msb[None, None, :]).sum(axis=2, dtype=np.uint64)
    # point i: the shift XOR the direction numbers of the set bits of the Gray code of i
    i = np.arange(n, dtype=np.uint64)
    gray = i ^ (i >> np.uint64(1))
    quasi = np.broadcast_to(shift, (n, dim)).copy()
    for k in range(max(int(n - 1).bit_length(), 0)):
        on = ((gray >> np.uint64(k)) & np.uint64(1)).astype(bool)
        quasi[on] ^= sv[:, k]
    return quasi * (1.0 / 2 ** bits)


def sobol_indices(func: Callable[[np.ndarray], np.ndarray], dim: int, n: int = 4096, *,
                  groups: Mapping[str, Sequence[int]] | None = None,
                  seed: int | np.random.Generator | None = 0,
                  method: str = "sobol", bootstrap: int = 0,
                  confidence: float = 0.95) -> SobolResult:
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
    bootstrap : int
        Bootstrap resamples of the ``n`` rows for percentile confidence intervals of the
        indices of output column 0 (0: none). The model is not re-evaluated: the rows of
        ``A``, ``B`` and every ``A_B^i`` are resampled together (Archer, Saltelli & Sobol 1997).
    confidence : float
        Coverage of the intervals.
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
    res = SobolResult(list(groups), first, total, var, n, confidence=confidence)
    if bootstrap > 0:
        rng = np.random.default_rng(None if seed is None else
                                    np.random.default_rng(seed).integers(2 ** 63))
        idx = rng.integers(0, n, size=(bootstrap, n))          # (B, n)
        a0, b0, ab0 = fa[:, 0][idx], fb[:, 0][idx], fab[:, :, 0][:, idx]   # (B, n), (k, B, n)
        v = np.var(np.concatenate([a0, b0], axis=1), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.where(v > 0, v, np.nan)
            s1 = np.mean(b0[None] * (ab0 - a0[None]), axis=2) / v          # (k, B)
            st = 0.5 * np.mean((a0[None] - ab0) ** 2, axis=2) / v
        q = [50 * (1 - confidence), 50 * (1 + confidence)]
        res.first_ci = np.nanpercentile(s1, q, axis=1).T
        res.total_ci = np.nanpercentile(st, q, axis=1).T
    return res


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
        Per factor: ``S1`` and ``ST`` (with bootstrap intervals) of the mean absolute shift of
        the measure from its nominal value.
    countries : DataFrame
        Long: iso3, factor, S1, ST of each country's measure (NaN where it never moves).
    n : int
        Base sample size; the model was scored ``n (factors + 2)`` times.
    settings : dict
        Measure, tie rule, design (what was varied), bootstrap, seed.
    """

    summary: pd.DataFrame
    countries: pd.DataFrame
    n: int
    settings: dict = field(default_factory=dict)


def rank_sensitivity(model: UncertaintyModel, n: int = 1024, seed: int | None = 0, *,
                     engine: str = "fast", method: str = "sobol",
                     progress: Callable[[int], None] | None = None, measure: str = "rank",
                     ties: str = "min", bootstrap: int = 200,
                     confidence: float = 0.95) -> RankSensitivity:
    """Sobol indices of the modelling choices on ranks (or scores).

    The output analysed is the mean absolute shift of ``measure`` from its nominal value over
    the countries (and, per country, the measure itself). Ranks use ``ties`` (default ``min``:
    with ``dense`` ranks a tie forming or breaking anywhere moves every lower rank, and the
    index of any factor that creates ties, e.g. weights, is inflated by that artefact).

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
    measure : {"rank", "score"}
    ties : {"min", "dense"}
    bootstrap, confidence
        Bootstrap confidence intervals of the summary indices (see :func:`sobol_indices`).
    """
    if measure not in MEASURES:
        raise GCIError(f"measure {measure!r}; expected one of {', '.join(MEASURES)}")
    base = model.nominal_overall(engine)
    nominal = model.ranks(base[None, :], ties)[0] if measure == "rank" else base

    def f(u: np.ndarray) -> np.ndarray:
        out = model.score(u, engine=engine, progress=progress)
        if measure == "rank":
            out = model.ranks(out, ties)
        shift = np.nanmean(np.abs(out - nominal[None, :]), axis=1)
        return np.column_stack([shift, out])

    res = sobol_indices(f, model.dimension, n, groups=model.groups, seed=seed, method=method,
                        bootstrap=bootstrap, confidence=confidence)
    summary = res.table(0)
    k = len(res.names)
    nc = len(model.countries)
    countries = pd.DataFrame({
        "iso3": np.tile(model.countries, k),
        "factor": np.repeat(res.names, nc),
        "S1": res.first[:, 1:].reshape(-1),
        "ST": res.total[:, 1:].reshape(-1),
    })
    settings = {"measure": measure, "ties": ties if measure == "rank" else None,
                "samples": n, "seed": seed, "bootstrap": bootstrap, "confidence": confidence,
                "design": [d for d in model.design() if not d.startswith("ranks:")],
                "notes": list(model.notes)}
    return RankSensitivity(summary, countries, n, settings)
