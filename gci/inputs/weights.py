"""Weight schemes (``weights.yaml``).

A weights file holds several named schemes. Each scheme gives *relative* weights to any node of
the framework (pillar, indicator, sub-indicator, question); a node it does not mention has weight
1. Weights are rescaled inside each parent, so only ratios between siblings matter. ``scale`` is
the maximum overall score (100 by default); a pillar's maximum is its share of it (20 for five
equally weighted pillars).

Example::

    default: equal
    schemes:
      equal:
        description: Equal weights inside every parent.
        scale: 100
      legal_double:
        description: Legal pillar counts twice.
        weights: {legal: 2}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import GCIError, Problem, WeightsError, raise_if_errors
from ..fileio import line_of, read_yaml
from . import values
from .framework import ROOT, Framework

DEFAULT_SCALE = 100.0
#: Largest relative weight and largest scale accepted: bigger numbers are typos, and sums of
#: them overflow to infinity.
MAX_WEIGHT = 1e9
MAX_SCALE = 1e9


@dataclass(frozen=True)
class WeightScheme:
    """One named weight scheme.

    Attributes
    ----------
    name : str
        Scheme name.
    weights : mapping
        Relative weight per node code (nodes not listed weigh 1).
    scale : float
        Maximum overall score.
    description : str
        What the scheme is for.
    """

    name: str
    weights: Mapping[str, float] = field(default_factory=dict)
    scale: float = DEFAULT_SCALE
    description: str = ""

    def relative(self, fw: Framework) -> pd.Series:
        """Relative weight of every node of ``fw`` (1 where not given), indexed by code."""
        return pd.Series([float(self.weights.get(c, 1.0)) for c in fw.nodes],
                         index=list(fw.nodes), dtype=float)

    def in_parent(self, fw: Framework) -> pd.Series:
        """Weight of every node as a share of its siblings' total (sums to 1 in each parent)."""
        rel = self.relative(fw)
        parents = pd.Series({c: n.parent for c, n in fw.nodes.items()})
        totals = rel.groupby(parents).transform("sum")
        return rel / totals

    def effective(self, fw: Framework) -> pd.DataFrame:
        """Effective weights: each node's share of the overall score and its maximum points.

        Returns
        -------
        DataFrame
            Indexed by code, with columns ``kind``, ``parent``, ``relative_weight``,
            ``weight_in_parent``, ``effective_weight`` (share of the overall score; the
            questions' shares sum to 1) and ``max_points`` (``effective_weight * scale``).
            Shares assume every question applies; a question that does not apply to a country
            passes its share to its siblings for that country.
        """
        share_in_parent = self.in_parent(fw)
        eff: dict[str, float] = {}
        for code, node in fw.nodes.items():  # pre-order: parents first
            eff[code] = share_in_parent[code] * (eff[node.parent] if node.parent != ROOT else 1.0)
        out = pd.DataFrame({
            "kind": [n.kind for n in fw.nodes.values()],
            "parent": [n.parent for n in fw.nodes.values()],
            "relative_weight": self.relative(fw).to_numpy(),
            "weight_in_parent": share_in_parent.to_numpy(),
            "effective_weight": [eff[c] for c in fw.nodes],
        }, index=pd.Index(list(fw.nodes), name="code"))
        out["max_points"] = out["effective_weight"] * self.scale
        return out

    def validate(self, fw: Framework, source: str | None = None) -> list[Problem]:
        """Problems of this scheme against ``fw``: unknown codes, all-zero sibling groups."""
        problems = []
        for code in self.weights:
            if code not in fw.nodes:
                problems.append(Problem("unknown_code", f"scheme {self.name!r} weights {code!r}, "
                                        "which is not a node of the framework "
                                        f"{fw.source or fw.code}"
                                        + _hint(values.suggest(code, fw.nodes)), source,
                                        item=code))
        # plain floats by code (no pandas lookup per parent); nansum as Series.sum does
        rel = {c: float(self.weights.get(c, 1.0)) for c in fw.nodes}
        for parent in [ROOT, *fw.nodes]:
            kids = fw.children(parent)
            if kids and float(np.nansum(np.array([rel[k] for k in kids], dtype=float))) <= 0:
                problems.append(Problem("all_zero", f"scheme {self.name!r} gives weight 0 to every"
                                        f" child of {parent!r} ({', '.join(kids)}); at least one "
                                        "must be positive", source, item=parent))
        return problems


@dataclass
class Weights:
    """All schemes of a weights file.

    Attributes
    ----------
    schemes : dict[str, WeightScheme]
    default : str
        Name of the scheme used when none is named.
    source : str or None
        The file read.
    """

    schemes: dict[str, WeightScheme]
    default: str
    source: str | None = None

    def scheme(self, name: str | None = None) -> WeightScheme:
        """The scheme called ``name`` (the default when ``None``).

        Raises
        ------
        WeightsError
            When there is no such scheme.
        """
        name = name or self.default
        if name not in self.schemes:
            raise WeightsError([Problem("unknown_scheme", f"no weight scheme {name!r}; defined: "
                                        f"{', '.join(self.schemes)}", self.source, item=name)],
                               self.source or "weights")
        return self.schemes[name]

    def validate(self, fw: Framework) -> list[Problem]:
        """Problems of every scheme against ``fw``."""
        out: list[Problem] = []
        for scheme in self.schemes.values():
            out += scheme.validate(fw, self.source)
        return out


def equal_weights(scale: float = DEFAULT_SCALE) -> WeightScheme:
    """The scheme with weight 1 everywhere (equal inside each parent)."""
    return WeightScheme("equal", {}, float(scale), "Equal weights inside every parent.")


def load_weights(path: str | os.PathLike = "weights.yaml",
                 framework: Framework | None = None) -> Weights:
    """Read and validate a weights file.

    Parameters
    ----------
    path : path-like
        The weights file.
    framework : Framework, optional
        When given, every scheme is also checked against it (unknown codes, all-zero groups).

    Raises
    ------
    InputError
        The file cannot be read as YAML.
    WeightsError
        With every problem found.
    """
    path = Path(path)
    name = str(path)
    data = read_yaml(path)
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("schemes"), dict) \
            or not data["schemes"]:
        raise WeightsError([Problem("no_schemes", "expected a mapping with 'schemes': a mapping "
                                    "of scheme name to {weights: {code: weight}}", name,
                                    line_of(data) or 1)], name)
    for key in data:
        if key not in ("default", "schemes", "description"):
            problems.append(Problem("unknown_key", f"unknown top-level key {key!r}; expected "
                                    "default, schemes, description", name, line_of(data, key),
                                    severity="warning"))
    raw = data["schemes"]
    schemes: dict[str, WeightScheme] = {}
    for sname, spec in raw.items():
        sline = line_of(raw, sname)
        spec = {} if spec is None else spec
        if not isinstance(spec, dict):
            problems.append(Problem("bad_scheme", f"scheme {sname!r} must be a mapping with "
                                    "'weights' (and optionally 'scale', 'description')", name,
                                    sline, item=str(sname)))
            continue
        for key in spec:
            if key not in ("weights", "scale", "description"):
                problems.append(Problem("unknown_key", f"unknown key {key!r} in scheme {sname!r};"
                                        " expected weights, scale, description", name,
                                        line_of(spec, key), item=str(sname), severity="warning"))
        scale_raw = spec.get("scale", DEFAULT_SCALE)
        scale, why = _number(scale_raw)
        if scale is None or scale <= 0 or scale > MAX_SCALE:
            problems.append(Problem("bad_scale", f"scheme {sname!r} has scale "
                                    f"{values.written(scale_raw)}; expected a positive number up "
                                    f"to {MAX_SCALE:g} (e.g. 100){why}", name,
                                    line_of(spec, "scale"), item=str(sname)))
            scale = DEFAULT_SCALE
        wraw = spec.get("weights") or {}
        if not isinstance(wraw, dict):
            problems.append(Problem("bad_weights", f"'weights' of scheme {sname!r} must be a "
                                    "mapping of node code to relative weight", name,
                                    line_of(spec, "weights"), item=str(sname)))
            wraw = {}
        weights: dict[str, float] = {}
        for code, w_raw in wraw.items():
            w, why = _number(w_raw)
            if w is None or w < 0 or w > MAX_WEIGHT:
                problems.append(Problem("bad_weight", f"scheme {sname!r} gives {code!r} weight "
                                        f"{values.written(w_raw, 40)}; expected a finite number "
                                        f">= 0 and <= {MAX_WEIGHT:g}{why}", name,
                                        line_of(wraw, code),
                                        item=str(code)))
                continue
            weights[str(code)] = w
        scheme = WeightScheme(str(sname), weights, float(scale), str(spec.get("description") or ""))
        if framework is not None:
            for p in scheme.validate(framework, name):
                problems.append(Problem(p.kind, p.message, name,
                                        line_of(wraw, p.item) if p.item in wraw else sline,
                                        item=p.item))
        schemes[str(sname)] = scheme
    default = data.get("default", next(iter(raw)))
    if default not in raw:
        problems.append(Problem("unknown_scheme", f"default scheme {default!r} is not defined; "
                                f"defined: {', '.join(map(str, raw))}", name,
                                line_of(data, "default"), item=str(default)))
    raise_if_errors(problems, WeightsError, name)
    out = Weights(schemes, str(default), name)
    out.warnings = [p for p in problems if p.severity == "warning"]  # type: ignore[attr-defined]
    return out


def _hint(text: str) -> str:
    return f" ({text})" if text else ""


def _number(x: Any) -> tuple[float | None, str]:
    """``x`` as a finite number (:func:`gci.inputs.values.parse_number`), or (None, reason)."""
    try:
        return values.parse_number(x), ""
    except values.BadValue as exc:
        return None, f" ({exc.message})"


def resolve_scheme(weights: Weights | WeightScheme | str | os.PathLike | None,
                   scheme: str | None, fw: Framework) -> WeightScheme:
    """Turn whatever the user gave into one validated :class:`WeightScheme`.

    ``None`` means equal weights on a 0–100 scale.
    """
    if weights is None:
        if scheme not in (None, "equal"):
            raise GCIError(f"scheme {scheme!r} named but no weights file given")
        return equal_weights()
    if isinstance(weights, WeightScheme):
        ws = weights
    else:
        if not isinstance(weights, Weights):
            weights = load_weights(weights, fw)
        ws = weights.scheme(scheme)
    raise_if_errors(ws.validate(fw, getattr(weights, "source", None)), WeightsError,
                    f"weight scheme {ws.name!r}")
    return ws

