"""Vectorised aggregation: question credit → indicators → pillars → overall.

Everything here is plain numpy on arrays of shape ``(..., countries, questions)``; the leading
``...`` axes (for example Monte Carlo draws) broadcast against weights of shape
``(..., nodes)``. Python loops run over the levels of the hierarchy only (three or four), never
over countries or questions.

Aggregation methods are chosen by name from :data:`AGGREGATORS` (``arithmetic``, ``geometric``,
``harmonic``, and weighted power means ``power_<p>`` such as ``power_2`` = ``quadratic``;
see :func:`register_generalised_mean`), per level of the parent node (``overall``,
``pillar``, ``indicator``, ``sub_indicator``). Inside each parent, only the children
*available* for a country take part and their weights are rescaled to sum to 1: a question
that does not apply (or, under the ``exclude`` policy, is unanswered) hands its weight to its
siblings in proportion to theirs.
A parent with no available child is itself unavailable in its own parent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..inputs.framework import ROOT, Framework

LEVEL_NAMES = ("overall", "pillar", "indicator", "sub_indicator")


def _arith(v: np.ndarray, a: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    wa = a * w
    den = wa.sum(axis=-1)
    num = np.where(a, v, 0.0) * w
    return num.sum(axis=-1), den


def _power(p: float) -> Callable:
    def agg(v: np.ndarray, a: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wa = a * w
        den = wa.sum(axis=-1)
        # over: for p < 0 a tiny value overflows to inf, and inf ** (1/p) = 0 is the right limit
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            zero = ((v <= 0) & a & (w > 0)).any(axis=-1)
            safe = np.where(a & (v > 0), v, 1.0)
            if p == 0:
                m = np.exp((np.log(safe) * wa).sum(axis=-1) / den)
            else:
                m = ((safe ** p) * wa).sum(axis=-1) / den
                m = m ** (1.0 / p)
            m = np.where(zero, 0.0, m)
        return m * den, den
    return agg


#: Aggregation methods by name. Each takes values ``v``, availability ``a`` and weights ``w``
#: (children on the last axis) and returns ``(numerator, denominator)`` such that the parent's
#: value is ``numerator / denominator`` (the weighted mean) and ``denominator`` is the total
#: weight of the available children.
AGGREGATORS: dict[str, Callable] = {
    "arithmetic": _arith,
    "geometric": _power(0.0),
    "harmonic": _power(-1.0),
}


def register_aggregator(name: str, func: Callable) -> None:
    """Add an aggregation method to :data:`AGGREGATORS` (see its contract there)."""
    AGGREGATORS[name] = func


def generalised_mean(p: float) -> Callable:
    """Aggregator for the weighted power mean of order ``p`` (1 arithmetic, 0 geometric)."""
    if p > 0 and p != 1:  # zeros count as 0 ** p (not as a zero mean, which holds for p <= 0)
        return _positive_power(float(p))
    return _arith if p == 1 else _power(float(p))


def _positive_power(p: float) -> Callable:
    """Weighted power mean of order ``p > 0``: ``(sum w v**p / sum w) ** (1/p)``, v >= 0."""
    def agg(v: np.ndarray, a: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wa = a * w
        den = wa.sum(axis=-1)
        safe = np.where(a, np.maximum(v, 0.0), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            m = ((safe ** p) * wa).sum(axis=-1) / den
        return np.where(den > 0, m, 0.0) ** (1.0 / p) * den, den
    return agg


def register_generalised_mean(p: float) -> str:
    """Register the weighted power mean of order ``p`` as ``"power_<p>"`` and return the name.

    ``p = 1`` is the arithmetic mean, ``0`` the geometric, ``-1`` the harmonic, ``2`` the
    quadratic mean. Negative values are clipped to 0 for ``p > 0``; for ``p <= 0`` a zero (or
    negative) child makes the mean 0.
    """
    name = f"power_{float(p):g}"
    AGGREGATORS.setdefault(name, generalised_mean(float(p)))
    return name


for _p in (-1.0, 0.0, 0.5, 2.0, 3.0):
    register_generalised_mean(_p)
AGGREGATORS.setdefault("quadratic", AGGREGATORS["power_2"])

#: Shift of :func:`shifted_geometric`: credit in [0, 1] rescaled to [1, 100] is ``99 (v + c)``.
GEOMETRIC_SHIFT = 1.0 / 99.0


def shifted_geometric(shift: float = GEOMETRIC_SHIFT) -> Callable:
    """Weighted geometric mean of ``v + shift``, minus ``shift``: zeros no longer zero the mean.

    With ``shift = 1/99`` this is the geometric mean of the values rescaled from [0, 1] to
    [1, 100], mapped back to [0, 1] (COINr's aggregation vignette rescales min-max to [1, 100]
    before ``a_gmean`` because the geometric mean needs strictly positive values). Equal
    children give the child's value, as every mean does.
    """
    def agg(v: np.ndarray, a: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wa = a * w
        den = wa.sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            lg = np.log(np.where(a, np.maximum(v, 0.0) + shift, 1.0))
            # clip: exp(log(shift)) - shift can be -1e-18 by rounding
            m = np.maximum(np.exp((lg * wa).sum(axis=-1) / den) - shift, 0.0)
        return np.where(den > 0, m, 0.0) * den, den
    return agg


AGGREGATORS.setdefault("geometric_shifted", shifted_geometric())
#: Methods under which one zero child makes the parent 0 (the zero artefact).
ZEROING = frozenset({"geometric", "harmonic", "power_0", "power_-1"})


@dataclass(frozen=True)
class Structure:
    """Array view of a framework's hierarchy (built once per framework).

    Attributes
    ----------
    codes : list of str
        Node codes; index 0 is the root ``overall``, then the framework's nodes in order.
    parent : ndarray of int
        Parent index of every node (-1 for the root).
    depth : ndarray of int
    question_idx : ndarray of int
        Node indices of the questions, in the framework's question order.
    groups : list of (parent_depth, parents, children_lists)
        For each parent depth from deepest to the root: the parent node indices and, for each,
        its children's indices padded into a rectangular array with a mask.
    """

    codes: list[str]
    parent: np.ndarray
    depth: np.ndarray
    question_idx: np.ndarray
    groups: list

    @classmethod
    def of(cls, fw: Framework) -> Structure:
        """Build the structure of ``fw``."""
        codes = [ROOT, *fw.nodes]
        index = {c: i for i, c in enumerate(codes)}
        parent = np.array([-1] + [index[n.parent] for n in fw.nodes.values()])
        depth = np.array([0] + [n.depth for n in fw.nodes.values()])
        qidx = np.array([index[q] for q in fw.question_codes], dtype=np.int64)
        groups = []
        for d in range(int(depth.max()) - 1, -1, -1):
            parents = [i for i in range(len(codes)) if depth[i] == d
                       and (i == 0 or not fw.nodes[codes[i]].is_question)]
            parents = [p for p in parents if (parent == p).any()]
            if not parents:
                continue
            kids = [np.nonzero(parent == p)[0] for p in parents]
            width = max(len(k) for k in kids)
            child = np.zeros((len(parents), width), dtype=np.int64)
            mask = np.zeros((len(parents), width), dtype=bool)
            for r, k in enumerate(kids):
                child[r, :len(k)] = k
                mask[r, :len(k)] = True
            groups.append((d, np.array(parents), child, mask))
        return cls(codes, parent, depth, qidx, groups)

    @property
    def n_nodes(self) -> int:
        """Number of nodes including the root."""
        return len(self.codes)


def aggregate(structure: Structure, credit: np.ndarray, available: np.ndarray,
              weights: np.ndarray, aggregation: str | Mapping[str, str] = "arithmetic",
              drop: np.ndarray | None = None,
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Aggregate question credit up the hierarchy.

    Parameters
    ----------
    structure : Structure
    credit : ndarray (..., countries, questions)
        Credit in [0, 1] (any value where not available).
    available : ndarray of bool, same shape
        Whether each question takes part for each country.
    weights : ndarray (..., nodes)
        Relative weight of every node (index as ``structure.codes``; the root's is ignored).
    aggregation : str or mapping
        Method name for every level, or a mapping level name → method name (levels of the
        *parent*: ``overall``, ``pillar``, ``indicator``, ``sub_indicator``; missing levels are
        arithmetic).
    drop : ndarray of bool (..., countries, nodes), optional
        Aggregates to leave missing (e.g. below a data-coverage threshold): such a node is
        unavailable, so its parent shares its weight among its other children.

    Returns
    -------
    value : ndarray (..., countries, nodes)
        Credit in [0, 1] of every node (NaN where unavailable); column 0 is the overall.
    avail : ndarray of bool (..., countries, nodes)
    share : ndarray (..., countries, nodes)
        Each node's effective share of the overall score for each country, after weights of
        unavailable nodes were redistributed (0 where unavailable). ``share * value * scale`` is
        a node's points.
    """
    credit = np.asarray(credit, dtype=float)
    available = np.asarray(available, dtype=bool)
    weights = np.asarray(weights, dtype=float)
    if credit.ndim == 2 and available.ndim == 2 and weights.ndim == 1 and (
            drop is None or np.ndim(drop) == 2):
        return _aggregate_node_major(structure, credit, available, weights, aggregation, drop)
    batch = np.broadcast_shapes(credit.shape[:-2], weights.shape[:-1])
    nc = credit.shape[-2]
    shape = (*batch, nc, structure.n_nodes)
    value = np.zeros(shape)
    avail = np.zeros(shape, dtype=bool)
    value[..., structure.question_idx] = np.where(available, credit, 0.0)
    avail[..., structure.question_idx] = available
    # per-group normalised weight of each child (needed for the shares)
    local = np.zeros(shape)
    w_nodes = weights[..., None, :]  # (..., 1, nodes)
    for d, parents, child, mask in structure.groups:
        method = _method_for(aggregation, d)
        v = value[..., child]                    # (..., nc, P, K)
        a = avail[..., child] & mask
        w = np.where(mask, w_nodes[..., child], 0.0)  # (..., 1, P, K)
        num, den = AGGREGATORS[method](v, a, w)
        ok = den > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            value[..., parents] = np.where(ok, num / np.where(ok, den, 1.0), 0.0)
            frac = np.where(a, (a * w) / np.where(ok, den, 1.0)[..., None], 0.0)
        avail[..., parents] = ok
        if drop is not None:
            avail[..., parents] &= ~np.asarray(drop, dtype=bool)[..., parents]
        for r in range(child.shape[1]):
            cols = child[:, r]
            m = mask[:, r]
            local[..., cols[m]] = frac[..., m, r]
    share = np.zeros(shape)
    share[..., 0] = np.where(avail[..., 0], 1.0, 0.0)
    for _d, parents, child, mask in reversed(structure.groups):
        for r in range(child.shape[1]):
            cols = child[:, r][mask[:, r]]
            par = parents[mask[:, r]]
            share[..., cols] = share[..., par] * local[..., cols]
    value = np.where(avail, value, np.nan)
    return value, avail, share


def aggregate_states(structure: Structure, credit: np.ndarray, state: np.ndarray,
                     weights: np.ndarray, aggregation: str | Mapping[str, str] = "arithmetic",
                     drop: np.ndarray | None = None, *, missing: str = "zero",
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`aggregate` of an answer matrix's credit and states under ``zero``/``exclude``.

    The same values, bit for bit, as ``aggregate(structure, *question_inputs(matrix,
    missing), weights, ...)`` (:func:`gci.engine.scoring.question_inputs`: the credit of
    answered questions, 0 elsewhere; available: every applicable question under ``zero``, the
    answered ones under ``exclude``), without the two countries x questions arrays in between:
    one table (no batch axes) is read block by block.

    Parameters
    ----------
    credit : ndarray (countries, questions)
        The matrix's credit (NaN where not answered).
    state : ndarray of int8, same shape
        ``ANSWERED`` (0), ``MISSING`` (1), ``NOT_APPLICABLE`` (2)
        (:data:`gci.inputs.responses.ANSWERED`, ...).
    missing : {"zero", "exclude"}
    """
    from ..inputs.responses import ANSWERED, NOT_APPLICABLE

    if missing not in ("zero", "exclude"):
        raise ValueError(f"aggregate_states takes missing 'zero' or 'exclude', not {missing!r}")
    weights = np.asarray(weights, dtype=float)
    if credit.ndim == 2 and weights.ndim == 1 and (drop is None or np.ndim(drop) == 2):
        return _aggregate_node_major(structure, credit, None, weights, aggregation, drop,
                                     state=state, exclude=missing == "exclude")
    answered = state == ANSWERED
    available = answered if missing == "exclude" else state != NOT_APPLICABLE
    cred = np.where(answered, credit, 0.0)
    if not np.isfinite(cred).all():
        cred = np.nan_to_num(cred, copy=False)
    return aggregate(structure, cred, available, weights, aggregation, drop=drop)


#: Countries aggregated at a time by :func:`_aggregate_node_major`: a block's rows (256 KiB
#: each) stay in the processor's cache while a parent sums its children, where whole rows of
#: 1,000,000 countries (8 MB each) would stream through memory at every step.
BLOCK = 32768


def _aggregate_node_major(structure: Structure, credit: np.ndarray,
                          available: np.ndarray | None, weights: np.ndarray,
                          aggregation: str | Mapping[str, str], drop: np.ndarray | None, *,
                          state: np.ndarray | None = None, exclude: bool = False,
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`aggregate` of one table (no batch axes), node by node, in blocks of countries.

    The arrays are held node-major (one contiguous row of countries per node), so each parent
    reads its children's rows in one pass instead of gathering a countries x parents x children
    block per level; every row of the results is written once (no whole-table fill or pass
    before or after), :data:`BLOCK` countries at a time, through scratch rows reused from node
    to node. The arithmetic mean is summed child by child, in the framework's order (the same
    additions for any block size; ``np.sum`` over a block adds in an order that depends on the
    block's shape, so this path and the batched one agree to a few units in the last place, not
    bit for bit); other methods get their block, built as the batched path builds it. With
    ``state`` (:func:`aggregate_states`) each question's row is made from the matrix's credit
    and states column (no countries x questions array in between). The results are returned
    as countries x nodes views (Fortran order) of the node-major arrays.
    """
    nc = credit.shape[0]
    n_nodes = structure.n_nodes
    value = np.empty((n_nodes, nc))
    avail = np.empty((n_nodes, nc), dtype=bool)
    share = np.empty((n_nodes, nc))
    # a node that is neither a question nor a parent (an aggregate without children) is
    # never available; every other row is written block by block
    written = np.zeros(n_nodes, dtype=bool)
    written[structure.question_idx] = True
    for g in structure.groups:
        written[g[1]] = True
    for r in np.nonzero(~written)[0]:
        value[r], avail[r] = 0.0, False
    methods = [_method_for(aggregation, g[0]) for g in structure.groups]
    n_parents = sum(len(g[1]) for g in structure.groups)
    size = min(BLOCK, max(nc, 1))
    # scratch, reused block after block: each parent's total available weight (1 where none)
    scratch = (np.empty((n_parents, size)), np.empty(size, dtype=bool), np.empty(size),
               np.empty(size))
    drop_b = None if drop is None else np.asarray(drop, dtype=bool)
    for s in range(0, nc, BLOCK):
        e = min(s + BLOCK, nc)
        _node_major_block(structure, methods, weights, credit[s:e],
                          None if available is None else available[s:e],
                          None if state is None else state[s:e], exclude,
                          None if drop_b is None else drop_b[s:e],
                          value[:, s:e], avail[:, s:e], share[:, s:e],
                          tuple(x[..., :e - s] for x in scratch))
    return value.T, avail.T, share.T


def _node_major_block(structure: Structure, methods: list[str], weights: np.ndarray,
                      credit: np.ndarray, available: np.ndarray | None,
                      state: np.ndarray | None, exclude: bool, drop: np.ndarray | None,
                      value: np.ndarray, avail: np.ndarray, share: np.ndarray,
                      scratch: tuple) -> None:
    """:func:`_aggregate_node_major` of one block of countries (views of the results)."""
    dens, off, tmp, num = scratch
    value[0], avail[0] = 0.0, False  # the root (computed last) is the blocks' padding
    for j, q in enumerate(structure.question_idx):  # an unavailable question counts 0
        row = value[q]
        np.copyto(row, credit[:, j])
        if state is None:
            np.copyto(avail[q], available[:, j])
            np.logical_not(avail[q], out=off)
        else:  # as question_inputs: the credit of answered questions, 0 elsewhere
            st = state[:, j]
            np.not_equal(st, 0, out=off)  # not ANSWERED
            if exclude:
                np.logical_not(off, out=avail[q])
            else:
                np.not_equal(st, 2, out=avail[q])  # NOT_APPLICABLE drops out
        np.copyto(row, 0.0, where=off)
        if state is not None and not np.isfinite(row).all():  # rare: a normalised numeric
            np.nan_to_num(row, copy=False)  # question (as question_inputs)
    drop_nm = None if drop is None else drop.T
    den_of: dict[int, np.ndarray] = {}
    for (_d, parents, child, mask), method in zip(structure.groups, methods):
        if method == "arithmetic":
            # value is 0 wherever a node is unavailable (kept so below), so the sum of
            # value * weight over the children is the sum over the available ones
            for r, p in enumerate(parents):
                den = den_of[int(p)] = dens[len(den_of)]
                num.fill(0.0)
                den.fill(0.0)
                for c in child[r][mask[r]]:
                    w = weights[c]
                    num += np.multiply(value[c], w, out=tmp)
                    den += np.multiply(avail[c], w, out=tmp)
                ok = np.greater(den, 0, out=avail[p])
                np.logical_not(ok, out=off)
                np.copyto(den, 1.0, where=off)
                np.divide(num, den, out=value[p])  # 0 where no child is available
        else:  # a block countries x parents x children, as the batched path builds it
            v = np.ascontiguousarray(value[child].transpose(2, 0, 1))
            a = np.ascontiguousarray(avail[child].transpose(2, 0, 1)) & mask
            w = np.where(mask, weights[child], 0.0)[None]
            b_num, b_den = AGGREGATORS[method](v, a, w)
            ok = b_den > 0
            safe = np.where(ok, b_den, 1.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                value[parents] = np.where(ok, b_num / safe, 0.0).T
            avail[parents] = ok.T
            for r, p in enumerate(parents):
                den = den_of[int(p)] = dens[len(den_of)]
                den[:] = safe[:, r]
        if drop_nm is not None:
            avail[parents] &= ~drop_nm[parents]
            for p in parents:  # a dropped aggregate counts as unavailable (value 0)
                np.logical_not(avail[p], out=off)
                np.copyto(value[p], 0.0, where=off)
    # shares top-down: a child's share is its parent's times its weight / the parent's total;
    # a node's value is NaN where unavailable once its parent has been aggregated
    share[0] = avail[0]
    np.logical_not(avail[0], out=off)
    np.copyto(value[0], np.nan, where=off)
    for _d, parents, child, mask in reversed(structure.groups):
        for r, p in enumerate(parents):
            for c in child[r][mask[r]]:
                np.divide(weights[c], den_of[int(p)], out=tmp)
                np.multiply(share[p], tmp, out=share[c])
                np.logical_not(avail[c], out=off)
                np.copyto(share[c], 0.0, where=off)
                np.copyto(value[c], np.nan, where=off)


def zeroed_by_aggregation(structure: Structure, value: np.ndarray, avail: np.ndarray,
                          aggregation: str | Mapping[str, str] = "arithmetic"
                          ) -> dict[str, np.ndarray]:
    """Countries that a zeroing mean (geometric, harmonic, ...) scores 0 at each level.

    A geometric or harmonic mean is 0 as soon as one of its components is 0, whatever the
    others: such a country is tied at the bottom for a reason that has nothing to do with its
    other answers. Returns level name (of the parent: ``overall``, ``pillar``, ...) → boolean
    array over countries, for the levels aggregated with a method of :data:`ZEROING` where at
    least one country is so zeroed. ``value``/``avail`` are those of :func:`aggregate`
    (countries × nodes, no batch axes).
    """
    out: dict[str, np.ndarray] = {}
    for d, _parents, child, mask in structure.groups:
        if _method_for(aggregation, d) not in ZEROING:
            continue
        v = np.nan_to_num(value[:, child], nan=1.0)   # (countries, P, K)
        zero = (v <= 0) & avail[:, child] & mask        # an available component at 0
        hit = zero.any(axis=(1, 2))
        if hit.any():
            level = LEVEL_NAMES[min(d, len(LEVEL_NAMES) - 1)]
            out[level] = out[level] | hit if level in out else hit
    return out


def _method_for(aggregation: str | Mapping[str, str], parent_depth: int) -> str:
    if isinstance(aggregation, str):
        method = aggregation
    else:
        level = LEVEL_NAMES[min(parent_depth, len(LEVEL_NAMES) - 1)]
        method = aggregation.get(level, "arithmetic")
    if method not in AGGREGATORS:
        raise ValueError(f"unknown aggregation {method!r}; expected one of "
                         f"{', '.join(AGGREGATORS)}")
    return method
