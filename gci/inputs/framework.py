"""The framework: pillars → indicators → (sub-indicators →) questions, and answer scales.

A framework is read from YAML (``indicators.yaml``) by :func:`load_framework`. The nested YAML is
first flattened into one record per node (code, parent, fields, line), and every check runs on
that flat collection, so that frameworks given as a table (code, parent, …) are held to the same
rules: unique codes, no orphans or cycles, every aggregate has children, questions are leaves,
answer types are complete, conditions refer to existing questions.

All problems of a file are collected and raised together as :class:`~gci.errors.FrameworkError`.

Answer types
------------
``binary``
    ``yes`` (credit 1) or ``no`` (credit 0). ``true``/``false``, ``y``/``n`` and ``1``/``0`` are
    accepted spellings.
``scale``
    One of the named levels of a scale, each mapped to a credit in [0, 1]
    (e.g. ``in_place`` = 1, ``partial`` = 0.5, ``none`` = 0).
``numeric``
    A number turned into credit by goalposts ``[low, high]``: at or beyond ``low`` credit 0, at
    or beyond ``high`` credit 1, linear in between. ``low > high`` means "lower is better".
    ``range`` gives the values accepted as valid answers (default ``[0, null]``: non-negative).
    ``direction: -1`` makes lower better. Instead of goalposts, ``normalise: <method>`` (with
    ``direction``, ``target`` or ``normalise: {method: …, <parameter>: …}``) turns the numbers
    into credit across countries with a method of :mod:`gci.engine.normalise` (``minmax`` onto 0–1,
    ``percentile_rank``, ``distance_to_target``, …).

Conditions
----------
``applies_if: "Q12 == yes"`` (operators ``==`` ``!=``, and for numeric questions also ``<``
``<=`` ``>`` ``>=``). When a question does not apply to a country it is neither credited nor
penalised: it is left out of its parent, whose other children share its weight in proportion to
their own weights. A question whose condition refers to a question that is unanswered or itself
does not apply is taken not to apply.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FrameworkError, Problem, raise_if_errors
from ..fileio import LineDict, line_of, read_yaml
from . import values

ROOT = "overall"
ANSWER_TYPES = ("binary", "scale", "numeric")
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_COND_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_.\-]*)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$")
YES = frozenset({"yes", "y", "true", "1", "1.0"})
NO = frozenset({"no", "n", "false", "0", "0.0"})
_NODE_KEYS = {"code", "name", "description", "children"}
_QUESTION_KEYS = {"code", "name", "description", "question", "type", "scale", "goalposts", "range",
                  "unit", "evidence_required", "applies_if", "normalise", "target"}


@dataclass(frozen=True)
class Scale:
    """A named answer scale: level name → credit in [0, 1]."""

    code: str
    levels: Mapping[str, float]
    description: str = ""


@dataclass(frozen=True)
class Condition:
    """``applies_if`` condition: ``question op value``."""

    question: str
    op: str
    value: str | float
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Node:
    """One node of the hierarchy (pillar, indicator, sub-indicator or question).

    Attributes
    ----------
    code, name, description : str
        Identity and documentation.
    parent : str
        Code of the parent node (``"overall"`` for pillars).
    depth : int
        1 for pillars, 2 for indicators, and so on.
    kind : str
        ``pillar``, ``indicator``, ``sub_indicator`` or ``question``.
    type : str or None
        Answer type of a question (``binary``, ``scale``, ``numeric``).
    """

    code: str
    name: str
    parent: str
    depth: int
    kind: str
    description: str = ""
    question: str = ""
    type: str | None = None
    levels: Mapping[str, float] | None = None
    scale: str | None = None
    goalposts: tuple[float, float] | None = None
    range: tuple[float | None, float | None] | None = None
    unit: str | None = None
    evidence_required: bool = False
    applies_if: Condition | None = None
    line: int | None = None
    normalise: str | None = None
    direction: int = 1
    normalise_params: Mapping[str, Any] | None = None

    @property
    def is_question(self) -> bool:
        """True for questions (leaves)."""
        return self.kind == "question"

    def allowed_answers(self) -> str:
        """Human description of the answers this question accepts."""
        if self.type == "binary":
            return "yes or no"
        if self.type == "scale":
            return "one of " + ", ".join(self.levels or {})
        if self.type == "numeric":
            lo, hi = self.range or (None, None)
            if lo is not None and hi is not None:
                return f"a number from {lo:g} to {hi:g}"
            if lo is not None:
                return f"a number >= {lo:g}"
            if hi is not None:
                return f"a number <= {hi:g}"
            return "a finite number"
        return "no answer (not a question)"


@dataclass
class Framework:
    """A validated framework.

    Use :func:`load_framework` (YAML) or :func:`framework_from_records` to build one.

    Attributes
    ----------
    code, title, version, description : str
        Metadata from the file.
    nodes : dict[str, Node]
        Every node in pre-order (a parent before its children, siblings in file order).
    scales : dict[str, Scale]
        The named answer scales.
    source : str or None
        The file it was read from.
    """

    code: str
    title: str
    version: str
    description: str
    nodes: dict[str, Node]
    scales: dict[str, Scale] = field(default_factory=dict)
    source: str | None = None

    def __post_init__(self) -> None:
        self._children: dict[str, list[str]] = {ROOT: []}
        for node in self.nodes.values():
            self._children.setdefault(node.code, [])
            self._children.setdefault(node.parent, []).append(node.code)

    # --- navigation -------------------------------------------------------------------------
    @property
    def questions(self) -> list[Node]:
        """All questions, in file order."""
        return [n for n in self.nodes.values() if n.is_question]

    @property
    def question_codes(self) -> list[str]:
        """Codes of all questions, in file order."""
        return [n.code for n in self.nodes.values() if n.is_question]

    @property
    def pillars(self) -> list[Node]:
        """The top-level nodes."""
        return [self.nodes[c] for c in self._children[ROOT]]

    @property
    def indicators(self) -> list[Node]:
        """Nodes at depth 2 (the indicators), questions excluded."""
        return [n for n in self.nodes.values() if n.depth == 2 and not n.is_question]

    @property
    def max_depth(self) -> int:
        """Depth of the deepest node."""
        return max(n.depth for n in self.nodes.values())

    def children(self, code: str = ROOT) -> list[str]:
        """Codes of the children of ``code`` (``"overall"`` for the pillars)."""
        return list(self._children[code])

    def ancestors(self, code: str) -> list[str]:
        """Codes from ``code``'s parent up to its pillar."""
        out = []
        node = self.nodes[code]
        while node.parent != ROOT:
            out.append(node.parent)
            node = self.nodes[node.parent]
        return out

    def pillar_of(self, code: str) -> str:
        """Code of the pillar that contains ``code``."""
        chain = [code, *self.ancestors(code)]
        return chain[-1]

    def indicator_of(self, code: str) -> str | None:
        """Code of the depth-2 node that contains ``code`` (``None`` for pillars)."""
        chain = [code, *self.ancestors(code)]
        return chain[-2] if len(chain) >= 2 else None

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return (f"<Framework {self.code!r}: {len(self.pillars)} pillars, "
                f"{len(self.indicators)} indicators, {len(self.questions)} questions>")

    # --- answers ----------------------------------------------------------------------------
    def credit_of(self, question: str, answer: Any) -> float:
        """Credit in [0, 1] of one answer to one question.

        Raises
        ------
        ValueError
            When the answer is not allowed for the question (the message says what is).
        """
        node = self.nodes[question]
        arr = answers_to_credit(node, pd.Series([answer], dtype=object))
        credit, ok = arr[0][0], arr[1][0]
        if not ok:
            raise ValueError(f"{question}: answer {answer!r} not allowed; expected "
                             f"{node.allowed_answers()}")
        return float(credit)

    # --- export -----------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per node: code, parent, depth, kind, name, type, … (the metadata table)."""
        rows = []
        for n in self.nodes.values():
            rows.append({
                "code": n.code, "parent": n.parent, "depth": n.depth, "kind": n.kind,
                "name": n.name, "description": n.description, "question": n.question,
                "type": n.type, "scale": n.scale,
                "goalposts": None if n.goalposts is None else list(n.goalposts),
                "unit": n.unit, "evidence_required": n.evidence_required,
                "applies_if": None if n.applies_if is None else n.applies_if.text,
            })
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# answer conversion (vectorised over a Series of raw answers)
# --------------------------------------------------------------------------------------------
def normalise_answer(value: Any) -> Any:
    """Normalise a raw answer: booleans to ``yes``/``no``, strings stripped and lower-cased."""
    if isinstance(value, bool) or isinstance(value, np.bool_):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.strip().lower()
    return value


def answers_to_credit(node: Node, raw: pd.Series, decimal: str = "."
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Convert raw answers to one question into credit.

    Parameters
    ----------
    node : Node
        The question.
    raw : Series
        Raw answers (strings, numbers, booleans).
    decimal : {".", ","}
        Decimal mark of numeric answers written as text (see
        :func:`gci.inputs.values.parse_number`).

    Returns
    -------
    credit : ndarray of float
        Credit in [0, 1] (NaN where the answer is invalid).
    ok : ndarray of bool
        Whether each answer is valid for the question.
    """
    credit, ok, _ = typed_answers(node, raw, decimal)
    return credit, ok


def typed_answers(node: Node, raw: Any, decimal: str = "."
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Credit, validity and the reason of each invalid answer to one question.

    Each distinct raw value is typed once (:mod:`gci.inputs.values`) and the result mapped back, so
    a
    column of 100,000 answers with a handful of distinct values costs a handful of parses.

    Returns
    -------
    credit : ndarray of float
        Credit in [0, 1] (or the number itself for questions normalised across countries);
        NaN where the answer is invalid.
    ok : ndarray of bool
    why : ndarray of object
        For invalid answers, the :class:`gci.inputs.values.BadValue` saying what is wrong with them
        (``None`` elsewhere).
    """
    series = raw if isinstance(raw, pd.Series) else pd.Series(list(raw), dtype=object)
    codes, uniq = pd.factorize(series.astype(object), use_na_sentinel=False)
    u_credit = np.full(len(uniq), np.nan)
    u_why = np.full(len(uniq), None, dtype=object)
    lo_r, hi_r = node.range or (None, None)
    levels = node.levels or {}
    for i, value in enumerate(uniq):
        try:
            if node.type == "binary":
                u_credit[i] = 1.0 if values.parse_binary(value) else 0.0
            elif node.type == "scale":
                u_credit[i] = float(levels[values.parse_level(value, levels)])
            elif node.type == "numeric":
                x = values.parse_number(value, decimal=decimal)
                if (lo_r is not None and x < lo_r) or (hi_r is not None and x > hi_r):
                    raise values.BadValue(f"{values.show(value)} is out of range; expected "
                                          f"{node.allowed_answers()}", plain=True)
                u_credit[i] = x
            else:
                raise values.BadValue("this node is not a question")
        except values.BadValue as exc:
            u_why[i] = exc
    u_ok = np.isfinite(u_credit)
    if node.type == "numeric" and node.goalposts is not None and not node.normalise:
        lo, hi = node.goalposts
        with np.errstate(invalid="ignore"):
            c = np.clip((u_credit - lo) / (hi - lo), 0.0, 1.0)
        if node.direction == -1:
            c = 1.0 - c
        u_credit = np.where(u_ok, c, np.nan)
    return u_credit[codes], u_ok[codes], u_why[codes]


def answer_number(value: Any, decimal: str = ".") -> float:
    """A numeric answer as a float (NaN when it is not a valid number)."""
    try:
        return values.parse_number(value, decimal=decimal)
    except values.BadValue:
        return float("nan")


# --------------------------------------------------------------------------------------------
# building and validation
# --------------------------------------------------------------------------------------------
@dataclass
class NodeRecord:
    """A node as read from a file, before validation."""

    code: Any
    parent: Any
    fields: dict
    line: int | None = None


def load_framework(path: str | os.PathLike = "indicators.yaml") -> Framework:
    """Read and validate a framework YAML file.

    Parameters
    ----------
    path : path-like
        The framework file (default ``indicators.yaml`` in the working folder).

    Returns
    -------
    Framework

    Raises
    ------
    InputError
        The file cannot be read as YAML.
    FrameworkError
        With every problem found in the file.
    """
    path = Path(path)
    data = read_yaml(path)
    name = str(path)
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise FrameworkError([Problem("not_a_mapping", "expected a YAML mapping with 'pillars' at "
                                      f"the top, found {_type_name(data)}", name, 1)], name)
    known_top = {"framework", "title", "version", "description", "scales", "pillars"}
    for key in data:
        if key not in known_top:
            problems.append(Problem("unknown_key", f"unknown top-level key {key!r}; expected "
                                    f"one of {sorted(known_top)}", name, line_of(data, key),
                                    severity="warning"))
    scales, sp = _read_scales(data.get("scales") or {}, name, data)
    problems += sp
    pillars = data.get("pillars")
    records: list[NodeRecord] = []
    if not isinstance(pillars, list) or not pillars:
        problems.append(Problem("no_pillars", "expected 'pillars': a non-empty list of pillars",
                                name, line_of(data, "pillars") or 1))
    else:
        _flatten(pillars, ROOT, records, problems, name)
    meta = {}
    for k in ("framework", "title", "version", "description"):
        try:
            meta[k] = "" if data.get(k) is None else values.parse_text(data.get(k), k)
        except values.BadValue as exc:
            problems.append(Problem("bad_metadata", f"{exc.message} (e.g. {k}: 2024)", name,
                                    line_of(data, k)))
            meta[k] = ""
    return framework_from_records(records, scales, meta, name, problems)


def _read_scales(raw: Any, name: str, parent: Any) -> tuple[dict[str, Scale], list[Problem]]:
    problems: list[Problem] = []
    scales: dict[str, Scale] = {}
    if not isinstance(raw, dict):
        return scales, [Problem("bad_scales", "'scales' must be a mapping of scale name to "
                                "{levels: {level: credit}}", name, line_of(parent, "scales"))]
    for code, spec in raw.items():
        line = line_of(raw, code)
        levels = spec.get("levels") if isinstance(spec, dict) else None
        if not isinstance(levels, dict) or not levels:
            problems.append(Problem("bad_scale", f"scale {code!r} needs 'levels': a mapping of "
                                    "level name to credit in [0, 1]", name, line, item=str(code)))
            continue
        good = {}
        for level, credit in levels.items():
            lname = normalise_answer(level)
            try:
                credit = values.parse_number(credit)
                ok = 0 <= credit <= 1
                why = ""
            except values.BadValue as exc:
                ok, why = False, f" ({exc.message})"
            if not ok:
                problems.append(Problem("bad_level_credit", f"level {level!r} of scale {code!r} "
                                        f"has credit {values.show(credit)}; expected a number in "
                                        f"[0, 1]{why}", name, line_of(levels, level),
                                        item=str(code)))
            elif lname in good:
                problems.append(Problem("duplicate_level", f"level {level!r} of scale {code!r} "
                                        "appears twice (levels are case-insensitive)", name,
                                        line_of(levels, level), item=str(code)))
            else:
                good[str(lname)] = float(credit)
        scales[str(code)] = Scale(str(code), good, str(spec.get("description") or ""))
    return scales, problems


def _flatten(items: Any, parent: str, out: list[NodeRecord], problems: list[Problem],
             name: str) -> None:
    for i, item in enumerate(items):
        line = line_of(items, i)
        if not isinstance(item, dict):
            what = "list" if isinstance(item, list) else type(item).__name__
            problems.append(Problem("bad_node", f"expected a mapping with 'code' under {parent!r},"
                                    f" found {what} {item!r:.80}", name, line,
                                    item=parent))
            continue
        fields = LineDict((k, v) for k, v in item.items() if k != "children")
        fields.line = line
        fields.lines = dict(getattr(item, "lines", {}))
        out.append(NodeRecord(item.get("code"), parent, fields, line))
        if "children" in item:
            kids = item["children"]
            if not isinstance(kids, list):
                problems.append(Problem("bad_children", f"'children' of {item.get('code')!r} must"
                                        " be a list", name, line_of(item, "children"),
                                        item=str(item.get("code"))))
                continue
            fields["_has_children_key"] = True
            _flatten(kids, str(item.get("code")), out, problems, name)


def framework_from_records(records: Iterable[NodeRecord], scales: Mapping[str, Scale],
                           meta: Mapping[str, str] | None = None, source: str | None = None,
                           problems: list[Problem] | None = None) -> Framework:
    """Validate flat node records and build a :class:`Framework`.

    Parameters
    ----------
    records : iterable of NodeRecord
        One record per node, parents may come after children (table input).
    scales : mapping
        Named answer scales.
    meta : mapping, optional
        ``framework``, ``title``, ``version``, ``description``.
    source : str, optional
        File name used in messages.
    problems : list of Problem, optional
        Problems found earlier, reported together with these.

    Raises
    ------
    FrameworkError
        With every problem found.
    """
    name = source
    problems = list(problems or [])
    records = list(records)
    by_code: dict[str, NodeRecord] = {}
    for rec in records:
        code = rec.code
        if not isinstance(code, str) or not CODE_RE.match(code) or code == ROOT:
            problems.append(Problem("bad_code", f"node code {code!r} is missing or invalid; "
                                    "expected letters, digits, '_', '.', '-' starting with a "
                                    f"letter (and not {ROOT!r})", name, rec.line,
                                    item=str(code) if code is not None else None))
            continue
        if code in by_code:
            problems.append(Problem("duplicate_code", f"code {code!r} is used twice (first at "
                                    f"line {by_code[code].line})", name, rec.line, item=code))
            continue
        by_code[code] = rec
    # parents: orphans and cycles
    parent_of: dict[str, str] = {}
    for code, rec in by_code.items():
        parent = rec.parent if rec.parent not in (None, "", float("nan")) else ROOT
        if isinstance(parent, float) and math.isnan(parent):
            parent = ROOT
        parent = str(parent)
        if parent != ROOT and parent not in by_code:
            problems.append(Problem("orphan", f"{code!r} names parent {parent!r}, which is not "
                                    "defined", name, rec.line, item=code))
            continue
        parent_of[code] = parent
    depth: dict[str, int] = {}
    for code in parent_of:
        seen = [code]
        cur = code
        while cur in parent_of and parent_of[cur] != ROOT:
            cur = parent_of[cur]
            if cur in seen:
                cyc = " -> ".join([*seen[seen.index(cur):], cur])
                problems.append(Problem("cycle", f"the hierarchy has a cycle: {cyc}", name,
                                        by_code[code].line, item=code))
                break
            seen.append(cur)
        else:
            if cur in parent_of:
                depth[code] = len(seen)
    children: dict[str, list[str]] = {}
    for code, parent in parent_of.items():
        children.setdefault(parent, []).append(code)
    # order: pre-order following record order
    ordered: list[str] = []

    def visit(code: str) -> None:
        for kid in children.get(code, []):
            if kid in depth:
                ordered.append(kid)
                visit(kid)

    visit(ROOT)
    nodes: dict[str, Node] = {}
    for code in ordered:
        rec = by_code[code]
        node = _build_node(rec, code, parent_of[code], depth[code], bool(children.get(code)),
                           scales, problems, name)
        if node is not None:
            nodes[code] = node
    if not children.get(ROOT) and not any(p.kind == "no_pillars" for p in problems):
        problems.append(Problem("no_pillars", "the framework has no pillars", name))
    _check_conditions(nodes, problems, name)
    raise_if_errors(problems, FrameworkError, name or "framework")
    meta = dict(meta or {})
    fw = Framework(code=meta.get("framework") or "framework", title=meta.get("title", ""),
                   version=meta.get("version", ""), description=meta.get("description", ""),
                   nodes=nodes, scales=dict(scales), source=name)
    fw.warnings = [p for p in problems if p.severity == "warning"]  # type: ignore[attr-defined]
    return fw


def _build_node(rec: NodeRecord, code: str, parent: str, depth: int, has_children: bool,
                scales: Mapping[str, Scale], problems: list[Problem], name: str | None
                ) -> Node | None:
    f = rec.fields
    line = rec.line
    qtype = f.get("type")
    is_question = qtype is not None and not (isinstance(qtype, float) and math.isnan(qtype))
    start = len(problems)

    def bad(kind: str, msg: str, key: str | None = None) -> None:
        problems.append(Problem(kind, msg, name, line_of(f, key) if key and
                                isinstance(f, LineDict) else line, item=code))

    allowed = _QUESTION_KEYS if is_question else _NODE_KEYS
    for key in f:
        if isinstance(key, str) and key.startswith("_"):
            continue
        if key not in allowed and key not in ("parent", "level", "weight", "direction", "depth",
                                               "kind"):
            problems.append(Problem("unknown_key", f"unknown key {key!r} on "
                                    f"{'question' if is_question else 'node'} {code}; expected "
                                    f"one of {sorted(allowed)}", name,
                                    line_of(f, key) if isinstance(f, LineDict) else line,
                                    item=code, severity="warning"))
    node_name = f.get("name")
    if not isinstance(node_name, str) or not node_name.strip():
        bad("missing_name", f"{code} needs a 'name' (a non-empty text)")
    if not is_question:
        if not has_children:
            bad("no_children", f"{code} has no children and no answer 'type': every pillar, "
                "indicator and sub-indicator needs at least one child, and a question needs "
                f"'type' (one of {', '.join(ANSWER_TYPES)})")
        kind = "pillar" if depth == 1 else "indicator" if depth == 2 else "sub_indicator"
        if len(problems) > start and any(p.severity == "error" for p in problems[start:]):
            return None
        return Node(code=code, name=str(node_name), parent=parent, depth=depth, kind=kind,
                    description=str(f.get("description") or ""), line=line)
    # questions
    if has_children or f.get("_has_children_key"):
        bad("question_with_children", f"question {code} has 'type' and 'children'; a question "
            "is a leaf: move its children under an indicator")
    if depth == 1:
        bad("question_at_top", f"question {code} sits directly under the root; questions belong "
            "inside a pillar")
    text = f.get("question") or f.get("name") or ""
    levels = None
    scale = None
    goalposts = None
    vrange: tuple[float | None, float | None] | None = None
    if qtype not in ANSWER_TYPES:
        bad("bad_type", f"question {code} has type {qtype!r}; expected one of "
            f"{', '.join(ANSWER_TYPES)}", "type")
    elif qtype == "scale":
        scale = f.get("scale")
        if scale not in scales:
            hint = values.suggest(scale, scales)
            bad("unknown_scale", f"question {code} uses scale {scale!r}, which is not defined "
                f"under 'scales' (defined: {', '.join(scales) or 'none'})"
                + (f"; {hint}" if hint else ""), "scale")
        else:
            levels = dict(scales[scale].levels)
    elif qtype == "numeric":
        gp = f.get("goalposts")
        norm_spec = _normalise_spec(f, code, bad)
        if norm_spec is not None and (gp is None or norm_spec[0] != "goalposts"):
            pass  # normalised across countries: goalposts only for the goalposts method
        else:
            gpn, why = _number_pair(gp)
            if gpn is None or gpn[0] is None or gpn[1] is None or gpn[0] == gpn[1]:
                bad("bad_goalposts", f"numeric question {code} needs 'goalposts: [low, high]', "
                    f"two different finite numbers; found {_shown(gp):.80}{why}", "goalposts")
            else:
                goalposts = (gpn[0], gpn[1])
        rg = f.get("range", [0, None])
        rgn, why = _number_pair(rg)
        if rgn is None or (rgn[0] is not None and rgn[1] is not None and rgn[0] > rgn[1]):
            bad("bad_range", f"numeric question {code} has range {_shown(rg)}; expected "
                f"[low, high] with numbers or null, low <= high{why}", "range")
        else:
            vrange = rgn
    ev = f.get("evidence_required", False)
    try:
        ev = False if ev is None else values.parse_bool(ev)
    except values.BadValue as exc:
        bad("bad_evidence_required", f"evidence_required of {code} must be true or false, found "
            f"{values.show(ev)} ({exc.message})", "evidence_required")
        ev = False
    cond = None
    raw_cond = f.get("applies_if")
    if raw_cond is not None and not (isinstance(raw_cond, float) and math.isnan(raw_cond)) \
            and raw_cond != "":
        m = _COND_RE.match(str(raw_cond))
        if not m:
            bad("bad_condition", f"applies_if of {code} is {raw_cond!r}; expected 'CODE == value'"
                " (operators == != < <= > >=)", "applies_if")
        else:
            value: str | float = m.group(3).strip().strip("'\"").lower()
            cond = Condition(m.group(1), m.group(2), value, str(raw_cond).strip())
    if len(problems) > start and any(p.severity == "error" for p in problems[start:]):
        return None
    norm_method, direction, norm_params = _numeric_options(f, code, qtype, bad)
    if len(problems) > start and any(p.severity == "error" for p in problems[start:]):
        return None
    return Node(code=code, name=str(node_name), parent=parent, depth=depth, kind="question",
                description=str(f.get("description") or ""), question=str(text), type=qtype,
                levels=levels, scale=scale, goalposts=goalposts, range=vrange,
                unit=None if f.get("unit") is None else str(f.get("unit")),
                evidence_required=ev, applies_if=cond, line=line, normalise=norm_method,
                direction=direction, normalise_params=norm_params)


def _normalise_spec(f: Mapping, code: str, bad: Any) -> tuple[str, dict] | None:
    """``normalise:`` of a numeric question as (method, params), or None (see gci.engine.normalise).

    ``normalise: minmax`` or ``normalise: {method: distance_to_target, cap: false}``; a
    ``target:`` key is passed as the ``target`` parameter.
    """
    raw = f.get("normalise")
    if raw is None or raw == "" or (isinstance(raw, float) and math.isnan(raw)):
        return None
    params: dict[str, Any] = {}
    if isinstance(raw, Mapping):
        params = {str(k): values.parse_param(v) for k, v in raw.items() if k != "method"}
        method = raw.get("method")
    else:
        method = raw
    target = f.get("target")
    if target is not None and not (isinstance(target, float) and math.isnan(target)):
        try:
            params["target"] = values.parse_number(target)
        except values.BadValue as exc:
            bad("bad_target", f"target of {code} is {values.show(target)}; expected a finite "
                f"number ({exc.message})", "target")
            return None
    from ..engine.normalise import check_spec

    if method == "goalposts":
        gp = f.get("goalposts")
        if isinstance(gp, (list, tuple)) and len(gp) == 2:
            params.setdefault("low", values.parse_param(gp[0]))
            params.setdefault("high", values.parse_param(gp[1]))
    why = check_spec(method, params)
    if why:
        bad("bad_normalise", f"normalise of {code}: {why}", "normalise")
        return None
    return str(method), params


def _numeric_options(f: Mapping, code: str, qtype: Any, bad: Any
                     ) -> tuple[str | None, int, dict | None]:
    """``normalise``, ``direction`` and normalisation parameters of a question."""
    raw_dir = f.get("direction")
    direction = 1
    if raw_dir is not None and raw_dir != "" and \
            not (isinstance(raw_dir, float) and math.isnan(raw_dir)):
        try:
            d = values.parse_number(raw_dir)
        except values.BadValue:
            d = None
        if d in (1.0, -1.0):
            direction = int(d)
        else:
            bad("bad_direction", f"direction of {code} is {raw_dir!r}; expected 1 (higher is "
                "better) or -1 (lower is better)", "direction")
    if qtype != "numeric":
        if f.get("normalise") not in (None, ""):
            bad("bad_normalise", f"normalise on {qtype} question {code}: only numeric questions "
                "are normalised", "normalise")
        return None, 1, None
    spec = _normalise_spec(f, code, lambda *a, **k: None)
    if spec is None:
        return None, direction, None
    method, params = spec
    params.pop("low", None) if method == "goalposts" else None
    params.pop("high", None) if method == "goalposts" else None
    return method, direction, params or None


def _type_name(x: Any) -> str:
    """``list``/``mapping`` for YAML collections (not gci's LineList/LineDict), else the type."""
    return "list" if isinstance(x, list) else "mapping" if isinstance(x, dict) \
        else type(x).__name__


def _shown(x: Any) -> str:
    """A framework value for a message: ``[0, 100]`` for a list, never a Python repr."""
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join("null" if v is None else values.show(v) if not isinstance(v, str)
                               else v for v in x) + "]"
    return values.show(x)


def _number_pair(x: Any) -> tuple[tuple[float | None, float | None] | None, str]:
    """``[low, high]`` (numbers or null) as floats, or (None, reason)."""
    if not isinstance(x, (list, tuple)) or len(x) != 2:
        return None, ""
    out: list[float | None] = []
    for v in x:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
            continue
        try:
            out.append(values.parse_number(v))
        except values.BadValue as exc:
            return None, f" ({exc.message})"
    return (out[0], out[1]), ""


def _check_conditions(nodes: dict[str, Node], problems: list[Problem], name: str | None) -> None:
    for node in list(nodes.values()):
        cond = node.applies_if
        if cond is None:
            continue
        target = nodes.get(cond.question)
        line = node.line

        def bad(kind: str, msg: str, line: int | None = line, code: str = node.code) -> None:
            problems.append(Problem(kind, msg, name, line, item=code))

        if target is None or not target.is_question:
            bad("bad_condition", f"applies_if of {node.code} refers to {cond.question!r}, which "
                "is not a question of this framework")
            continue
        if target.code == node.code:
            bad("bad_condition", f"applies_if of {node.code} refers to the question itself")
            continue
        if target.type == "numeric":
            try:
                value = values.parse_number(cond.value)
            except values.BadValue as exc:
                bad("bad_condition", f"applies_if of {node.code} compares numeric question "
                    f"{target.code} with {cond.value!r}; expected a number ({exc.message})")
                continue
            nodes[node.code] = replace(node, applies_if=Condition(cond.question, cond.op, value,
                                                                  cond.text))
        else:
            if cond.op not in ("==", "!="):
                bad("bad_condition", f"applies_if of {node.code} uses {cond.op!r} on "
                    f"{target.type} question {target.code}; only == and != apply")
                continue
            allowed = ({"yes", "no"} if target.type == "binary"
                       else set(target.levels or {}))
            val = str(cond.value)
            if target.type == "binary":
                val = "yes" if val in YES else "no" if val in NO else val
            if val not in allowed:
                bad("bad_condition", f"applies_if of {node.code} compares {target.code} with "
                    f"{cond.value!r}; expected {target.allowed_answers()}")
                continue
            nodes[node.code] = replace(node, applies_if=Condition(cond.question, cond.op, val,
                                                                  cond.text))
    # cycles among conditions
    for node in nodes.values():
        seen = [node.code]
        cur = node
        while cur.applies_if is not None and cur.applies_if.question in nodes:
            nxt = cur.applies_if.question
            if nxt in seen:
                if nxt == node.code:
                    problems.append(Problem("condition_cycle", "applies_if conditions form a "
                                            f"cycle: {' -> '.join([*seen, nxt])}", name,
                                            node.line, item=node.code))
                break
            seen.append(nxt)
            cur = nodes[nxt]


def condition_order(fw: Framework) -> list[str]:
    """Conditional questions ordered so that a condition's question comes before it."""
    conditional = [q.code for q in fw.questions if q.applies_if is not None]
    done: set[str] = set()
    out: list[str] = []

    def visit(code: str) -> None:
        if code in done:
            return
        done.add(code)
        cond = fw.nodes[code].applies_if
        if cond is not None and fw.nodes[cond.question].applies_if is not None:
            visit(cond.question)
        out.append(code)

    for code in conditional:
        visit(code)
    return out
