"""Monte Carlo uncertainty analysis of ranks over modelling choices (JRC/OECD practice).

The modelling choices varied are

* the **weights**: every node's relative weight multiplied by an independent factor drawn
  uniformly in ``[1 - s, 1 + s]`` (``s`` per level: pillar, indicator, sub-indicator, question),
  or the weights inside each parent drawn from a Dirichlet distribution centred on the nominal
  shares (concentration ``k`` per level; larger is closer to nominal);
* the **weight scheme** the perturbation is centred on (e.g. every scheme of ``weights.yaml``);
* the **missing-answer policy** (``zero`` or ``exclude``);
* the **aggregation** of the pillars into the overall score (``arithmetic`` or ``geometric``).

Each draw is one point of the unit hypercube (:meth:`UncertaintyModel.decode` maps it to
choices), so the same model serves the Monte Carlo run (:func:`run_uncertainty`) and the Sobol
sensitivity analysis (:mod:`gci.analysis.sensitivity`).

Vectorisation: all draws are scored as arrays, in chunks sized to stay in the CPU cache
(and below ``memory_limit`` bytes of working memory). Two interchangeable engines do it:

``fast`` (default)
    Aggregates the overall score only. At the question level, where the credit does not depend
    on the draw, each parent's weighted sum over its questions is one matrix product of the
    draws' weights (draws × questions) with a constant (questions × countries·parents) matrix;
    the levels above are small element-wise sums. Same arithmetic as
    :func:`gci.engine.aggregate.aggregate` (tested equal to it and to a one-draw-at-a-time loop).
``aggregate``
    Calls :func:`gci.engine.aggregate.aggregate` with batch axes (weights of shape ``(draws,
    nodes)``),
    which also computes every node's value and share; slower, kept as the reference.

Ranks are dense (ITU's rule) after rounding the overall points to ``rank_decimals``, exactly as
:attr:`gci.ScoreResult.ranks`; they are computed for all draws at once by sorting each row.
Intervals are the 5th and 95th percentiles of a country's ranks over the draws (numpy's
default linear interpolation); the median likewise.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..engine.aggregate import AGGREGATORS, GEOMETRIC_SHIFT, ZEROING, Structure, aggregate
from ..engine.scoring import node_weights, question_inputs
from ..errors import GCIError
from ..inputs.countries import country_name, region_of
from ..inputs.framework import Framework
from ..inputs.framework_table import load_framework_any
from ..inputs.project import fill_defaults
from ..inputs.responses import MISSING_POLICIES, Responses, build_matrix, load_responses
from ..inputs.weights import Weights, WeightScheme, load_weights, resolve_scheme

PathLike = str | os.PathLike
LEVELS = ("pillar", "indicator", "sub_indicator", "question")
WEIGHT_METHODS = ("uniform", "dirichlet", "none")
ENGINES = ("fast", "aggregate")
#: Default bound on the working memory of one chunk of draws (bytes).
MEMORY_LIMIT = 400 * 2**20
#: Preferred working memory of one chunk (bytes): chunks that stay in the CPU cache are several
#: times faster than large ones (measured: 128 draws of the default edition per chunk score
#: 10,000 draws about 4x faster than 2,048). ``memory_limit`` caps it.
CACHE_BYTES = 24 * 2**20
_FAST_METHODS = {"arithmetic": 1.0, "geometric": 0.0, "harmonic": -1.0,
                 "geometric_shifted": 0.0}
_FAST_SHIFT = {"geometric_shifted": GEOMETRIC_SHIFT}
#: Tie rules of the Monte Carlo ranks.
RANK_TIES = ("dense", "min")


@dataclass(frozen=True)
class Choices:
    """The modelling choices a Monte Carlo run varies.

    Attributes
    ----------
    weights : {"uniform", "dirichlet", "none"}
        How the weights are perturbed around the scheme drawn.
    spread : float or mapping level → float
        For ``uniform``: each relative weight is multiplied by U(1 - spread, 1 + spread);
        0 <= spread < 1. A mapping gives it per level (missing levels: 0).
    concentration : float or mapping level → float
        For ``dirichlet``: the in-parent shares are Dirichlet(concentration × nominal shares);
        ``inf`` means no noise. A mapping gives it per level (missing levels: ``inf``).
    schemes : tuple of str
        Weight schemes drawn from with equal probability (empty: the nominal scheme only).
    missing : tuple of str
        Missing-answer policies drawn from (``zero``, ``exclude``; empty: the nominal one).
    aggregation : tuple of str
        Methods for aggregating the pillars into the overall score, drawn from.
    partial : tuple of float
        Credits of a half-way answer drawn from (e.g. ``(0.25, 0.5, 0.75)``; empty: the
        framework's levels). Each intermediate level ``c`` of a ``scale`` question becomes
        ``c ** (log p / log 0.5)``: a level at 0.5 (``partial``) gets credit ``p``; 0 and 1 and
        the order of the levels are kept.
    goalposts : tuple of float
        Multipliers of the span of the goalposts of ``numeric`` questions drawn from (e.g.
        ``(0.8, 1.0, 1.2)``: the upper goalpost at 80%, 100% or 120% of its distance from the
        lower one; empty: the framework's goalposts).
    """

    weights: str = "uniform"
    spread: float | Mapping[str, float] = 0.2
    concentration: float | Mapping[str, float] = 100.0
    schemes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    aggregation: tuple[str, ...] = ("arithmetic",)
    partial: tuple[float, ...] = ()
    goalposts: tuple[float, ...] = ()

    def per_level(self, value: float | Mapping[str, float], default: float) -> dict[str, float]:
        """A per-level value as a full mapping over :data:`LEVELS`."""
        if isinstance(value, Mapping):
            unknown = set(value) - set(LEVELS)
            if unknown:
                raise GCIError(f"unknown level(s) {', '.join(sorted(unknown))} in the weight "
                               f"noise; expected {', '.join(LEVELS)}")
            return {lv: float(value.get(lv, default)) for lv in LEVELS}
        return {lv: float(value) for lv in LEVELS}

    def check(self) -> None:
        """Raise :class:`GCIError` naming every invalid choice."""
        bad = []
        if self.weights not in WEIGHT_METHODS:
            bad.append(f"weight perturbation {self.weights!r}; expected one of "
                       f"{', '.join(WEIGHT_METHODS)}")
        try:
            for lv, s in self.per_level(self.spread, 0.0).items():
                if not (0.0 <= s < 1.0):
                    bad.append(f"spread {s!r} for level {lv}; expected 0 <= spread < 1")
            for lv, c in self.per_level(self.concentration, math.inf).items():
                if not c > 0:
                    bad.append(f"concentration {c!r} for level {lv}; expected > 0 (inf: none)")
        except GCIError as exc:
            bad.append(str(exc))
        for m in self.missing:
            if m not in MISSING_POLICIES:
                bad.append(f"missing-answer policy {m!r}; expected one of "
                           f"{', '.join(MISSING_POLICIES)}")
        for a in self.aggregation:
            if a not in AGGREGATORS:
                bad.append(f"aggregation {a!r}; expected one of {', '.join(AGGREGATORS)}")
        if not self.aggregation:
            bad.append("no aggregation method to draw from")
        for p in self.partial:
            if not (isinstance(p, (int, float)) and 0.0 < p < 1.0):
                bad.append(f"partial credit {p!r}; expected 0 < partial < 1")
        for g in self.goalposts:
            if not (isinstance(g, (int, float)) and g > 0):
                bad.append(f"goalpost multiplier {g!r}; expected > 0")
        if bad:
            raise GCIError("invalid uncertainty settings:\n  - " + "\n  - ".join(bad))


@dataclass
class UncertaintyModel:
    """Everything needed to score draws of modelling choices as arrays.

    Build with :meth:`build`. Attributes are arrays in :class:`~gci.engine.aggregate.Structure`
    order (root first).
    """

    framework: Framework
    structure: Structure
    countries: list[str]
    choices: Choices
    schemes: list[WeightScheme]
    nominal_weights: np.ndarray          # (schemes, nodes)
    inputs: dict[str, tuple[np.ndarray, np.ndarray]]  # policy -> (credit, available)
    scale: float
    rank_decimals: int | None
    node_level: np.ndarray               # level index per node (-1 root)
    groups: dict[str, list[int]] = field(default_factory=dict)  # factor -> hypercube columns
    nominal: dict[str, Any] = field(default_factory=dict)
    ties: str = "dense"
    notes: list[str] = field(default_factory=list)
    matrices: dict[str, Any] = field(default_factory=dict)   # policy -> AnswerMatrix

    # --- construction -----------------------------------------------------------------------
    @classmethod
    def build(cls, responses: Responses | PathLike | None = None,
              framework: Framework | PathLike | None = None,
              weights: Weights | WeightScheme | PathLike | None = None, *,
              scheme: str | None = None, choices: Choices | None = None,
              missing: str = "zero", rank_decimals: int | None = 2,
              check_countries: bool = True, ties: str = "dense") -> UncertaintyModel:
        """Load and validate the inputs once.

        ``scheme`` and ``missing`` give the nominal run (the nominal aggregation is
        arithmetic); ``choices`` what is varied around it; ``ties`` the rank rule of the
        draws (``dense`` as ITU, or ``min``, which an analysis of rank shifts should use: with
        dense ranks a tie forming anywhere moves every lower rank).

        Warns (:class:`ZeroAggregationWarning`, also kept in :attr:`notes`) when a method
        drawn from zeroes every country with one zero pillar (geometric, harmonic).
        """
        if ties not in RANK_TIES:
            raise GCIError(f"tie rule {ties!r}; expected one of {', '.join(RANK_TIES)}")
        choices = choices or Choices()
        choices.check()
        framework, weights, responses = fill_defaults(framework, weights, responses)
        fw = framework if isinstance(framework, Framework) else load_framework_any(framework)
        if isinstance(weights, (str, os.PathLike)):
            weights = load_weights(weights, fw)
        base = resolve_scheme(weights, scheme, fw)
        names = list(choices.schemes)
        schemes = [base]
        for n in names:
            if n == base.name:
                continue
            if not isinstance(weights, Weights):
                raise GCIError(f"alternative scheme {n!r} needs a weights file with it")
            schemes.append(resolve_scheme(weights, n, fw))
        if any(s.scale != base.scale for s in schemes):
            raise GCIError("the schemes drawn from must share one scale; got "
                           + ", ".join(f"{s.name}: {s.scale:g}" for s in schemes))
        if not isinstance(responses, Responses):
            responses = load_responses(responses, check_countries=check_countries)
        structure = Structure.of(fw)
        policies = list(dict.fromkeys([missing, *choices.missing]))
        inputs = {}
        matrices: dict[str, Any] = {}
        countries: list[str] = []
        for pol in policies:
            matrix = build_matrix(responses, fw, missing=pol)
            errors = [p for p in matrix.problems if p.severity == "error"]
            if errors:
                from ..errors import ResponsesError
                raise ResponsesError(errors, "responses")
            inputs[pol] = question_inputs(matrix, pol)
            countries = matrix.countries
            matrices[pol] = matrix
        level_index = {lv: i for i, lv in enumerate(LEVELS)}
        node_level = np.array([-1] + [level_index.get(fw.nodes[c].kind, 3)
                                      for c in structure.codes[1:]])
        nominal_w = np.stack([node_weights(s, structure) for s in schemes])
        model = cls(fw, structure, countries, choices, schemes, nominal_w, inputs,
                    float(base.scale), rank_decimals, node_level,
                    nominal={"scheme": base.name, "missing": missing,
                             "aggregation": "arithmetic"}, ties=ties,
                    matrices=matrices)
        model.groups = model._factor_groups()
        model._check_zeroing()
        return model

    def _check_zeroing(self) -> None:
        """Warn when a zeroing aggregation meets countries with a zero pillar."""
        zeroing = [a for a in self.choices.aggregation if a in ZEROING]
        if not zeroing:
            return
        credit, avail = self.inputs[self.nominal["missing"]]
        value, ok, _ = aggregate(self.structure, credit, avail, self.nominal_weights[0])
        kids = np.nonzero(self.structure.parent == 0)[0]
        zero = ((value[:, kids] <= 0) & ok[:, kids]).any(axis=1)
        n = int(zero.sum())
        if n:
            msg = (f"{n} of {len(self.countries)} countries have a pillar at zero, so "
                   f"{' and '.join(zeroing)} aggregation scores them 0 and ties them at the "
                   "bottom; the ranks and Sobol index of 'aggregation' then mostly measure "
                   "this. Use 'geometric_shifted' (the geometric mean of the credit rescaled "
                   "to [1, 100]) instead")
            self.notes.append(msg)
            warnings.warn(msg, ZeroAggregationWarning, stacklevel=3)

    def _factor_groups(self) -> dict[str, list[int]]:
        """Hypercube columns of each factor that actually varies."""
        n_w = self.structure.n_nodes - 1
        groups: dict[str, list[int]] = {}
        ch = self.choices
        if ch.weights != "none":
            if ch.weights == "uniform":
                active = {lv: s > 0 for lv, s in ch.per_level(ch.spread, 0.0).items()}
            else:
                active = {lv: math.isfinite(c)
                          for lv, c in ch.per_level(ch.concentration, math.inf).items()}
            for i, lv in enumerate(LEVELS):
                cols = [j for j in range(n_w) if self.node_level[j + 1] == i]
                if cols and active[lv]:
                    groups[f"weights:{lv}"] = cols
        extra = n_w
        for name, n in (("scheme", len(self.schemes)), ("missing", len(self.policies)),
                        ("aggregation", len(self.aggregations))):
            if n > 1:
                groups[name] = [extra]
            extra += 1
        if self._credit_columns:
            for name, n in (("partial", len(self.choices.partial)),
                            ("goalposts", len(self.choices.goalposts))):
                if n > 1:
                    groups[name] = [extra]
                extra += 1
        return groups

    @property
    def _credit_columns(self) -> bool:
        """Whether draws carry the two question-credit columns (partial, goalposts).

        Only when one of them is varied, so the draws (and results) of a seed are unchanged
        for designs without them.
        """
        return bool(self.choices.partial or self.choices.goalposts)

    def credit_variant(self, policy: str, partial: int = -1, goal: int = -1
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Question credit and availability under a policy and a partial/goalpost choice.

        ``partial``/``goal`` index :attr:`Choices.partial`/:attr:`Choices.goalposts`; -1 is
        the framework's own value. Cached.
        """
        key = (policy, partial, goal)
        cache = self.__dict__.setdefault("_variants", {})
        if key in cache:
            return cache[key]
        credit, avail = self.inputs[policy]
        if partial < 0 and goal < 0:
            return credit, avail
        credit = credit.copy()
        fw = self.framework
        qs = fw.question_codes
        if partial >= 0:
            k = math.log(self.choices.partial[partial]) / math.log(0.5)
            cols = [i for i, q in enumerate(qs) if fw.nodes[q].type == "scale"]
            sub = credit[:, cols]
            mid = (sub > 0) & (sub < 1)
            credit[:, cols] = np.where(mid, np.where(mid, sub, 0.5) ** k, sub)
        if goal >= 0:
            import dataclasses

            from ..inputs.framework import answers_to_credit
            from ..inputs.responses import ANSWERED

            m = self.choices.goalposts[goal]
            numbers = self.__dict__.setdefault("_numbers", {})
            if policy not in numbers:   # the numbers answered, parsed once per policy
                matrix = self.matrices[policy]
                numbers[policy] = {}
                for i, q in enumerate(qs):  # numeric questions only (a handful)
                    node = fw.nodes[q]
                    if node.type != "numeric" or node.goalposts is None or node.normalise:
                        continue
                    x, ok = answers_to_credit(dataclasses.replace(node, goalposts=None),
                                              matrix.raw[q])
                    numbers[policy][i] = (x, (matrix.state[:, i] == ANSWERED) & ok)
            for i, (x, answered) in numbers[policy].items():
                node = fw.nodes[qs[i]]
                lo, hi = node.goalposts
                with np.errstate(invalid="ignore"):
                    c = np.clip((x - lo) / (m * (hi - lo)), 0.0, 1.0)
                if node.direction == -1:
                    c = 1.0 - c
                credit[:, i] = np.where(answered, c, credit[:, i])
        cache[key] = (credit, avail)
        return credit, avail

    @property
    def policies(self) -> list[str]:
        """Missing-answer policies drawn from (the nominal one when none is given)."""
        return list(self.choices.missing) or [self.nominal["missing"]]

    @property
    def aggregations(self) -> list[str]:
        """Pillar → overall aggregation methods drawn from."""
        return list(self.choices.aggregation)

    @property
    def dimension(self) -> int:
        """Columns of the unit hypercube one draw uses."""
        return self.structure.n_nodes - 1 + 3 + (2 if self._credit_columns else 0)

    # --- draws ------------------------------------------------------------------------------
    def decode(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Map points of the unit hypercube (draws, :attr:`dimension`) to modelling choices.

        Returns
        -------
        weights : ndarray (draws, nodes)
            Relative node weights (root first).
        policy : ndarray of int (draws,)
            Index into :attr:`policies`.
        method : ndarray of int (draws,)
            Index into :attr:`aggregations`.
        """
        u = np.asarray(u, dtype=float)
        n_w = self.structure.n_nodes - 1
        if u.ndim != 2 or u.shape[1] != self.dimension:
            raise ValueError(f"expected draws of shape (n, {self.dimension}), got {u.shape}")

        def pick(col: int, k: int) -> np.ndarray:
            return np.minimum((u[:, col] * k).astype(np.int64), k - 1)

        scheme = pick(n_w, len(self.schemes))
        policy = pick(n_w + 1, len(self.policies))
        method = pick(n_w + 2, len(self.aggregations))
        w = self.nominal_weights[scheme]          # (draws, nodes), a copy
        uw = u[:, :n_w]
        ch = self.choices
        lvl = self.node_level[1:]
        if ch.weights == "uniform":
            s = np.array([ch.per_level(ch.spread, 0.0)[lv] for lv in LEVELS])[lvl]
            w[:, 1:] *= 1.0 + s * (2.0 * uw - 1.0)
        elif ch.weights == "dirichlet":
            conc = np.array([ch.per_level(ch.concentration, math.inf)[lv] for lv in LEVELS])[lvl]
            noisy = np.isfinite(conc)
            if noisy.any():
                # x_i = Gamma(c s_i) / c has mean s_i (the nominal in-parent share); siblings
                # renormalise, which gives Dirichlet(c s) when the siblings share one c.
                from scipy.special import gammaincinv  # only here: a slow import

                share = self._in_parent_share(w)
                alpha = conc[noisy] * share[:, 1:][:, noisy]
                with np.errstate(invalid="ignore"):
                    g = gammaincinv(np.where(alpha > 0, alpha, 1.0), uw[:, noisy])
                g = np.where(alpha > 0, np.maximum(g, 1e-300), 0.0) / conc[noisy]
                sub = share[:, 1:]
                sub[:, noisy] = g
                w[:, 1:] = sub
        return w, policy, method

    def _in_parent_share(self, w: np.ndarray) -> np.ndarray:
        parent = self.structure.parent
        tot = np.zeros_like(w)
        np.add.at(tot.T, parent[1:], w[:, 1:].T)
        out = np.ones_like(w)
        out[:, 1:] = w[:, 1:] / tot[:, parent[1:]]
        return out

    # --- scoring ----------------------------------------------------------------------------
    def overall(self, weights: np.ndarray, policy: str, method: str, engine: str = "fast",
                variant: tuple[int, int] = (-1, -1)) -> np.ndarray:
        """Overall points (draws, countries) for one policy and pillar aggregation method.

        ``variant`` is the (partial, goalposts) choice (see :meth:`credit_variant`).
        """
        credit, avail = self.credit_variant(policy, *variant)
        agg = {"overall": method}
        if engine == "aggregate" or method not in _FAST_METHODS:
            value, _, _ = aggregate(self.structure, credit, avail, weights, agg)
            return value[..., 0] * self.scale
        if engine != "fast":
            raise GCIError(f"engine {engine!r}; expected one of {', '.join(ENGINES)}")
        return _fast_overall(self._plan(policy, variant), weights, method) * self.scale

    def _plan(self, policy: str, variant: tuple[int, int] = (-1, -1)) -> _Plan:
        cache = self.__dict__.setdefault("_plans", {})
        key = (policy, *variant)
        if key not in cache:
            credit, avail = self.credit_variant(policy, *variant)
            cache[key] = _Plan.of(self.structure, credit, avail)
        return cache[key]

    def bytes_per_draw(self, engine: str = "fast") -> int:
        """Rough working memory of one draw (used to size chunks)."""
        nc, nn = len(self.countries), self.structure.n_nodes
        if engine == "aggregate":
            return 8 * nc * nn * 14
        width = max(len(p) for _, p, _, _ in self.structure.groups)
        return 8 * nc * 6 * width + 16 * nn

    def score(self, u: np.ndarray, *, engine: str = "fast", memory_limit: int = MEMORY_LIMIT,
              chunk_size: int | None = None,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Overall points of every draw: ``u`` (draws, dimension) → (draws, countries).

        Draws are grouped by (missing policy, aggregation) and scored in chunks of
        ``chunk_size`` draws (default: as many as fit in :data:`CACHE_BYTES`), never more than
        ``memory_limit`` bytes of working memory; ``progress`` is called with the number of
        draws finished after each chunk.
        """
        w, pol, meth = self.decode(u)
        part, goal = self.decode_credit(u)
        out = np.empty((len(w), len(self.countries)))
        per = self.bytes_per_draw(engine)
        chunk = max(1, int(min(memory_limit, CACHE_BYTES) // per))
        if chunk_size is not None:
            chunk = max(1, min(int(chunk_size), int(memory_limit // per)))
        variants = sorted(set(zip(part.tolist(), goal.tolist())))
        for i, p in enumerate(self.policies):
            for j, m in enumerate(self.aggregations):
                for v in variants:
                    rows = np.nonzero((pol == i) & (meth == j) & (part == v[0])
                                      & (goal == v[1]))[0]
                    for start in range(0, len(rows), chunk):
                        r = rows[start:start + chunk]
                        out[r] = self.overall(w[r], p, m, engine, v)
                        if progress is not None:
                            progress(len(r))
        return out

    def decode_credit(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Partial-credit and goalpost choices of draws (indices; -1: the framework's own)."""
        u = np.asarray(u, dtype=float)
        n = len(u)
        if not self._credit_columns:
            return np.full(n, -1), np.full(n, -1)
        base = self.structure.n_nodes - 1 + 3
        out = []
        for col, opts in ((base, self.choices.partial), (base + 1, self.choices.goalposts)):
            k = len(opts)
            out.append(np.minimum((u[:, col] * k).astype(np.int64), k - 1) if k
                       else np.full(n, -1))
        return out[0], out[1]

    def ranks(self, overall: np.ndarray, ties: str | None = None) -> np.ndarray:
        """Ranks (1 = best) of every row of overall points by :attr:`ties` (or ``ties``)."""
        from .audit import min_rank

        rule = ties or self.ties
        if rule == "min":
            return min_rank(overall, self.rank_decimals)
        return dense_rank(overall, self.rank_decimals)

    def design(self) -> list[str]:
        """What the Monte Carlo design varies, one line per factor (for summaries/manifests)."""
        ch = self.choices
        out = []
        if ch.weights == "uniform":
            out.append(f"weights: each relative weight times U(1 - s, 1 + s), s = {ch.spread}")
        elif ch.weights == "dirichlet":
            out.append(f"weights: Dirichlet around the nominal shares, concentration "
                       f"{ch.concentration}")
        if len(self.schemes) > 1:
            out.append("weight scheme: " + ", ".join(s.name for s in self.schemes))
        if len(self.policies) > 1:
            out.append("missing answers: " + ", ".join(self.policies))
        if len(self.aggregations) > 1:
            out.append("pillar aggregation: " + ", ".join(self.aggregations))
        if len(ch.partial) > 1:
            out.append("credit of a half-way ('partial') answer: "
                       + ", ".join(f"{p:g}" for p in ch.partial))
        if len(ch.goalposts) > 1:
            out.append("span of numeric goalposts times: "
                       + ", ".join(f"{g:g}" for g in ch.goalposts))
        out.append(f"ranks: {self.ties} ties after rounding to {self.rank_decimals} decimals")
        return out

    def nominal_overall(self, engine: str = "fast") -> np.ndarray:
        """Overall points (countries,) under the nominal choices."""
        w = self.nominal_weights[:1]
        return self.overall(w, self.nominal["missing"], "arithmetic", engine)[0]


# --------------------------------------------------------------------------------------------
# fast overall-only aggregation
# --------------------------------------------------------------------------------------------
@dataclass
class _Plan:
    """Precomputed arrays of the fast engine for one (credit, available) pair.

    ``levels`` holds, per parent depth (deepest first), the parents, and for each parent with
    question children the constant matrices ``(questions, countries)`` of available credit
    (transformed for power means), availability and zero credit; and the computed children
    (the parents of the level below) with a one-hot map to their parent.
    """

    structure: Structure
    levels: list
    n_countries: int

    @classmethod
    def of(cls, structure: Structure, credit: np.ndarray, available: np.ndarray) -> _Plan:
        nn = structure.n_nodes
        is_q = np.zeros(nn, dtype=bool)
        is_q[structure.question_idx] = True
        qpos = np.full(nn, -1)
        qpos[structure.question_idx] = np.arange(len(structure.question_idx))
        nc = credit.shape[0]
        levels: list[dict] = []
        for d, parents, child, mask in structure.groups:
            P = len(parents)
            blocks = []
            for r in range(P):  # parents of one level (a handful), not countries × questions
                nodes_q = child[r][mask[r] & is_q[child[r]]]
                if not len(nodes_q):
                    continue
                a = available[:, qpos[nodes_q]].T                     # (Kq, nc)
                v = np.where(a, credit[:, qpos[nodes_q]].T, 0.0)
                with np.errstate(divide="ignore"):
                    f = {"arithmetic": v,
                         "geometric": np.log(np.where(v > 0, v, 1.0)),
                         "harmonic": 1.0 / np.where(v > 0, v, 1.0),
                         "geometric_shifted": np.log(np.maximum(v, 0.0) + GEOMETRIC_SHIFT)}
                blocks.append({"row": r, "nodes": nodes_q,
                               "f": {k: np.ascontiguousarray(a * x) for k, x in f.items()},
                               "a": np.ascontiguousarray(a.astype(float)),
                               "zero": np.ascontiguousarray(((v <= 0) & a).astype(float))})
            nk = mask & ~is_q[child]
            rows_n, cols_n = np.nonzero(nk)
            n_nodes = child[rows_n, cols_n]
            # computed children are the parents of the level below (previous group)
            prev = levels[-1]["parents"] if levels else np.zeros(0, dtype=np.int64)
            where = {int(n): i for i, n in enumerate(prev)}
            known = np.array([int(n) in where for n in n_nodes], dtype=bool)
            rows_n, n_nodes = rows_n[known], n_nodes[known]  # childless nodes: unavailable
            prev_cols = np.array([where[int(n)] for n in n_nodes], dtype=np.int64)
            onehot_t = np.zeros((P, len(rows_n)))
            onehot_t[rows_n, np.arange(len(rows_n))] = 1.0
            levels.append({
                "depth": d, "parents": parents, "blocks": blocks, "n_nodes": n_nodes,
                "prev_cols": prev_cols, "onehot_t": onehot_t,
                "all_prev": bool(len(prev_cols) == len(prev)
                                 and (prev_cols == np.arange(len(prev))).all()),
                "has_n": len(rows_n) > 0, "P": P,
            })
        return cls(structure, levels, nc)


def _fast_overall(plan: _Plan, weights: np.ndarray, method: str) -> np.ndarray:
    """Overall credit (draws, countries); other levels arithmetic, the overall by ``method``.

    Loops run over the levels of the hierarchy and the parents of a level, never over
    countries or questions. Each level's values are an array (draws, parents, countries);
    unavailable nodes hold 0 and are flagged in ``ok``. A parent's weighted sum over its
    questions is one matrix product (draws × questions) @ (questions × countries).
    """
    weights = np.ascontiguousarray(np.atleast_2d(np.asarray(weights, dtype=float)))
    nd, nc = weights.shape[0], plan.n_countries
    val = ok = np.zeros((nd, 0, nc))
    for lv in plan.levels:
        name = method if lv["depth"] == 0 else "arithmetic"
        p = _FAST_METHODS[name]
        shift = _FAST_SHIFT.get(name)
        P = lv["P"]
        num = np.zeros((nd, P, nc))
        den = np.zeros((nd, P, nc))
        zero = np.zeros((nd, P, nc), dtype=bool) if p != 1.0 else None
        for b in lv["blocks"]:
            wq = weights[:, b["nodes"]]
            num[:, b["row"], :] = wq @ b["f"][name]
            den[:, b["row"], :] = wq @ b["a"]
            if zero is not None and shift is None:
                zero[:, b["row"], :] = ((wq > 0).astype(float) @ b["zero"]) > 0
        if lv["has_n"]:
            cols = lv["prev_cols"]
            vals = val if lv["all_prev"] else val[:, cols, :]           # (nd, Kn, nc)
            oks = ok if lv["all_prev"] else ok[:, cols, :]
            wmat = lv["onehot_t"][None] * weights[:, None, lv["n_nodes"]]  # (nd, P, Kn)
            den += wmat @ oks.astype(float)
            if p == 1.0:
                num += wmat @ vals                                   # vals are 0 where not ok
            elif shift is not None:
                num += wmat @ np.where(oks, np.log(np.maximum(vals, 0.0) + shift), 0.0)
            else:
                pos = oks & (vals > 0)
                with np.errstate(divide="ignore"):
                    f = np.log(np.where(pos, vals, 1.0)) if p == 0.0 else \
                        np.where(pos, vals, 1.0) ** p
                num += wmat @ f
                zero |= ((wmat > 0).astype(float) @ (oks & ~pos).astype(float)) > 0
        ok = den > 0
        den[~ok] = 1.0                      # where no child is available, num is 0 too
        val = np.divide(num, den, out=num)
        if p != 1.0:
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                val = np.exp(val) if p == 0.0 else val ** (1.0 / p)
            if shift is not None:
                val = np.maximum(val - shift, 0.0)
            val = np.where(ok & ~zero, val, 0.0)
    return np.where(ok[:, 0, :], val[:, 0, :], np.nan)


# --------------------------------------------------------------------------------------------
# ranks and the Monte Carlo run
# --------------------------------------------------------------------------------------------
def dense_rank(scores: np.ndarray, decimals: int | None = None) -> np.ndarray:
    """Dense ranks (highest score = 1) along the last axis; NaN scores get NaN.

    Matches :func:`gci.engine.ranking.rank_scores` with ``ties="dense"`` row by row, for all rows at
    once: each row is sorted, a new rank starts wherever the sorted value changes.
    """
    s = np.asarray(scores, dtype=float)
    if decimals is not None:
        s = np.round(s, decimals)
    nan = np.isnan(s)
    key = np.where(nan, np.inf, -s)            # ascending key: best first, NaN last
    order = np.argsort(key, axis=-1, kind="stable")
    srt = np.take_along_axis(key, order, axis=-1)
    new = np.ones(srt.shape, dtype=np.int64)
    new[..., 1:] = srt[..., 1:] != srt[..., :-1]
    dense = np.cumsum(new, axis=-1).astype(float)
    out = np.empty_like(dense)
    np.put_along_axis(out, order, dense, axis=-1)
    out[nan] = np.nan
    return out


class ZeroAggregationWarning(UserWarning):
    """A geometric or harmonic aggregation scores countries with a zero pillar 0."""


@dataclass
class UncertaintyResult:
    """Result of :func:`run_uncertainty`.

    Attributes
    ----------
    table : DataFrame
        Per country (iso3 index, sorted by nominal rank): name, region, nominal score and rank,
        median rank, 5th and 95th percentile ranks, interval width, mean and standard deviation
        of the score.
    ranks : ndarray (draws, countries)
        Rank of every country in every draw (columns in :attr:`countries` order).
    overall : ndarray (draws, countries)
    countries : list of str
    settings : dict
        Draws, seed, engine and the choices varied (for the record).
    """

    table: pd.DataFrame
    ranks: np.ndarray
    overall: np.ndarray
    countries: list[str]
    settings: dict


def run_uncertainty(model: UncertaintyModel | None = None, draws: int = 1000,
                    seed: int | None = 0, *, engine: str = "fast",
                    memory_limit: int = MEMORY_LIMIT, chunk_size: int | None = None,
                    progress: Callable[[int], None] | None = None,
                    percentiles: Sequence[float] = (5.0, 95.0),
                    **build: Any) -> UncertaintyResult:
    """Monte Carlo run: draw modelling choices, score every draw, summarise ranks.

    Parameters
    ----------
    model : UncertaintyModel, optional
        Built inputs; default ``UncertaintyModel.build(**build)`` (shipped data).
    draws : int
        Number of Monte Carlo draws (>= 1).
    seed : int or None
        Seed of the numpy Generator; the same seed gives the same result.
    engine : {"fast", "aggregate"}
        See the module docstring.
    memory_limit : int
        Bound on one chunk's working memory, bytes.
    chunk_size : int, optional
        Draws per chunk (default: sized to the CPU cache, see :meth:`UncertaintyModel.score`).
    progress : callable, optional
        Called with the number of draws finished after each chunk.
    percentiles : pair of float
        Lower and upper percentile of the rank interval.
    """
    if draws < 1:
        raise GCIError(f"draws must be at least 1, got {draws}")
    if engine not in ENGINES:
        raise GCIError(f"engine {engine!r}; expected one of {', '.join(ENGINES)}")
    model = model or UncertaintyModel.build(**build)
    rng = np.random.default_rng(seed)
    u = rng.random((draws, model.dimension))
    overall = model.score(u, engine=engine, memory_limit=memory_limit, chunk_size=chunk_size,
                          progress=progress)
    ranks = model.ranks(overall)
    nominal = model.nominal_overall(engine)
    nominal_rank = model.ranks(nominal[None, :])[0]
    lo, hi = percentiles
    with np.errstate(invalid="ignore"):
        q = np.nanpercentile(ranks, [lo, 50.0, hi], axis=0) if draws else None
    regions = region_of()
    table = pd.DataFrame({
        "name": [country_name(c) for c in model.countries],
        "itu_region": [regions.get(c) for c in model.countries],
        "nominal_score": nominal,
        "nominal_rank": pd.array(np.where(np.isnan(nominal_rank), np.nan, nominal_rank),
                                 dtype="Float64").round().astype("Int64"),
        "median_rank": q[1],
        f"p{lo:g}_rank": q[0],
        f"p{hi:g}_rank": q[2],
        "interval_width": q[2] - q[0],
        "mean_score": np.nanmean(overall, axis=0),
        "sd_score": np.nanstd(overall, axis=0),
    }, index=pd.Index(model.countries, name="iso3"))
    table = table.sort_values(["nominal_rank", "name"])
    ch = model.choices
    settings = {"draws": draws, "seed": seed, "engine": engine, "weights": ch.weights,
                "spread": ch.spread, "concentration": ch.concentration,
                "schemes": [s.name for s in model.schemes], "missing": model.policies,
                "aggregation": model.aggregations, "nominal": model.nominal,
                "partial": list(ch.partial), "goalposts": list(ch.goalposts),
                "percentiles": list(percentiles), "rank_decimals": model.rank_decimals,
                "ties": model.ties, "design": model.design(), "notes": list(model.notes)}
    return UncertaintyResult(table, ranks, overall, model.countries, settings)
