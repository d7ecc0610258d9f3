"""Frameworks as a metadata table (CSV or XLSX), and back.

Many index teams keep their framework in a spreadsheet, one row per node (COINr's ``iMeta``).
:func:`read_framework_table` reads such a table into a :class:`~gci.inputs.framework.Framework` and
a
:class:`~gci.inputs.weights.WeightScheme`; the rows go through
:func:`gci.inputs.framework.framework_from_records`, so a table is held to the same rules as YAML
(unique codes, no orphans or cycles, complete answer types), and every problem is reported with
the file, the row (the header is row 1) and the code.

Columns
-------
``code`` (required), ``parent`` (empty for a pillar), ``name`` (required), ``level`` (optional
check: the depth, 1 for pillars, or ``pillar``/``indicator``/``sub_indicator``/``question``),
``weight`` (relative weight inside the parent, default 1), ``direction`` (1 or -1, numeric
questions), and the question fields: ``type``, ``question``, ``description``, ``scale``,
``levels`` (a scale's levels, ``in_place=1; partial=0.5; none=0``), ``goalpost_low``,
``goalpost_high``, ``range_min``, ``range_max``, ``unit``, ``evidence_required``,
``applies_if``, ``normalise``, ``target``, ``normalise_params`` (``key=value; key=value``).
Rows may come in any order. An XLSX file may add a sheet ``meta`` with ``key, value`` rows
(``framework``, ``title``, ``version``, ``description``, ``scheme``, ``scale``).

:func:`framework_to_table` and :func:`write_framework_table` export a framework (and a weight
scheme) to the same layout; :func:`framework_to_yaml` writes the YAML form.
"""

from __future__ import annotations

import math
import os
from io import BytesIO
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import FrameworkError, InputError, Problem, raise_if_errors
from ..fileio import read_bytes, write_text_atomic
from ..present.tables import write_table, write_workbook
from . import values
from .framework import ROOT, Framework, NodeRecord, Scale, framework_from_records, load_framework
from .tables import has_columns, read_table
from .weights import DEFAULT_SCALE, WeightScheme

TABLE_SUFFIXES = (".csv", ".xlsx")
COLUMNS = ["code", "parent", "level", "kind", "name", "weight", "direction", "type", "question",
           "description", "scale", "levels", "goalpost_low", "goalpost_high", "range_min",
           "range_max", "unit", "evidence_required", "applies_if", "normalise", "target",
           "normalise_params"]
_TEXT_FIELDS = ("name", "description", "question", "type", "scale", "unit", "applies_if")
_LEVELS = {"pillar": 1, "indicator": 2}
META_KEYS = ("framework", "title", "version", "description", "scheme", "scale")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""


def _number(text: Any) -> float | None:
    """A cell as a finite number (:func:`gci.inputs.values.parse_number`), or None."""
    try:
        return values.parse_number(text)
    except values.BadValue:
        return None


def _why(text: Any) -> str:
    """Why a cell is not a number, in brackets ("" when it is one)."""
    try:
        values.parse_number(text)
    except values.BadValue as exc:
        return f" ({exc.message})"
    return ""


def _value(text: str) -> Any:
    """A parameter cell as a number, a boolean or text."""
    t = str(text).strip()
    if t.lower() in ("true", "yes"):
        return True
    if t.lower() in ("false", "no"):
        return False
    return values.parse_param(t)


def _pairs(text: str) -> list[tuple[str, str]] | None:
    """``a=1; b=2`` → [("a", "1"), ("b", "2")] (None when malformed)."""
    out = []
    for part in str(text).split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            return None
        k, v = part.split("=", 1)
        if not k.strip():
            return None
        out.append((k.strip(), v.strip()))
    return out


def read_framework_table(path: str | os.PathLike, *, scheme_name: str | None = None
                         ) -> tuple[Framework, WeightScheme]:
    """Read a framework and its weights from a metadata table (CSV or XLSX).

    Parameters
    ----------
    path : path-like
        The table.
    scheme_name : str, optional
        Name of the returned weight scheme (default: ``meta`` sheet's ``scheme``, else
        ``"table"``).

    Returns
    -------
    (Framework, WeightScheme)

    Raises
    ------
    InputError
        The file cannot be read.
    FrameworkError
        Every problem of the table (bad cells, orphans, cycles, duplicate codes, …).
    """
    p = Path(path)
    name = str(p)
    df = read_table(p, is_table=has_columns("code"))
    meta = _read_meta(p) if p.suffix.lower() == ".xlsx" else {}
    problems: list[Problem] = []
    cols = {c.lower(): c for c in df.columns}
    if "code" not in cols:
        raise FrameworkError([Problem("missing_column", "a framework table needs a 'code' column "
                                      f"(and parent, name, …); found {list(df.columns)}", name,
                                      1)], name)
    for c in df.columns:
        if c.lower() not in COLUMNS:
            hint = values.suggest(c.lower(), COLUMNS)
            problems.append(Problem("unknown_column", f"unknown column {c!r} (ignored); expected "
                                    f"some of {', '.join(COLUMNS)}"
                                    + (f" ({hint})" if hint else ""), name, 1,
                                    severity="warning"))
    df = df.rename(columns={c: c.lower() for c in df.columns})
    records: list[NodeRecord] = []
    scales: dict[str, Scale] = {}
    scale_rows: dict[str, int] = {}
    weights: dict[str, float] = {}
    levels: dict[str, tuple[str, int]] = {}
    for i, row in enumerate(df.to_dict("records")):
        line = i + 2
        code = str(row.get("code", "")).strip()
        if not code and all(_blank(v) for v in row.values()):
            continue  # blank row

        def bad(kind: str, msg: str, code: str = code, line: int = line) -> None:
            problems.append(Problem(kind, msg, name, line, item=code or None))

        fields: dict[str, Any] = {}
        for key in _TEXT_FIELDS:
            if not _blank(row.get(key)):
                fields[key] = str(row[key]).strip()
        for lo_key, hi_key, field in (("goalpost_low", "goalpost_high", "goalposts"),
                                      ("range_min", "range_max", "range")):
            lo, hi = row.get(lo_key), row.get(hi_key)
            if _blank(lo) and _blank(hi):
                continue
            vals = []
            for key, v in ((lo_key, lo), (hi_key, hi)):
                x = None if _blank(v) else _number(v)
                if not _blank(v) and x is None:
                    bad("bad_number", f"{key} of {code} is {v!r}; expected a number{_why(v)}")
                vals.append(x)
            if field == "goalposts" and None in vals:
                if all(not _blank(v) for v in (lo, hi)):
                    continue  # already reported
                bad("bad_goalposts", f"{code} gives only one goalpost; give goalpost_low and "
                    "goalpost_high")
                continue
            fields[field] = vals
        if not _blank(row.get("evidence_required")):
            ev = str(row["evidence_required"]).strip().lower()
            if ev in ("true", "yes", "1"):
                fields["evidence_required"] = True
            elif ev in ("false", "no", "0"):
                fields["evidence_required"] = False
            else:
                bad("bad_evidence_required", f"evidence_required of {code} is {ev!r}; expected "
                    "true or false")
        if not _blank(row.get("direction")):
            d = _number(row["direction"])
            fields["direction"] = int(d) if d in (1.0, -1.0) else str(row["direction"])
        if not _blank(row.get("target")):
            t = _number(row["target"])
            fields["target"] = t if t is not None else str(row["target"])
        if not _blank(row.get("normalise")):
            method = str(row["normalise"]).strip()
            spec: Any = method
            if not _blank(row.get("normalise_params")):
                pairs = _pairs(row["normalise_params"])
                if pairs is None:
                    bad("bad_normalise_params", f"normalise_params of {code} is "
                        f"{row['normalise_params']!r}; expected key=value; key=value")
                else:
                    spec = {"method": method, **{k: _value(v) for k, v in pairs}}
            fields["normalise"] = spec
        if not _blank(row.get("levels")):
            pairs = _pairs(row["levels"])
            sname = fields.get("scale") or code
            fields["scale"] = sname
            lv: dict[str, float] = {}
            for k, v in pairs or []:
                x = _number(v)
                if x is None or not 0 <= x <= 1:
                    pairs = None
                    break
                lv[k.lower()] = x
            if not pairs:
                bad("bad_levels", f"levels of {code} is {row['levels']!r}; expected "
                    "level=credit; level=credit with credits from 0 to 1 (a decimal point: "
                    "partial=0.5)")
            elif sname in scales and dict(scales[sname].levels) != lv:
                bad("conflicting_scale", f"scale {sname!r} is defined differently at row "
                    f"{scale_rows[sname]}")
            else:
                scales.setdefault(sname, Scale(sname, lv))
                scale_rows.setdefault(sname, line)
        if not _blank(row.get("weight")):
            w = _number(row["weight"])
            if w is None or w < 0:
                bad("bad_weight", f"weight of {code} is {row['weight']!r}; expected a number "
                    f">= 0{_why(row['weight'])}")
            elif code:
                weights[code] = w
        if not _blank(row.get("level")):
            lv_text = str(row["level"]).strip().lower()
            depth = _number(lv_text)
            if depth is not None and depth.is_integer() and depth >= 1:
                levels[code] = (lv_text, int(depth))
            elif lv_text in _LEVELS or lv_text in ("sub_indicator", "question"):
                levels[code] = (lv_text, 0)
            else:
                bad("bad_level", f"level of {code} is {row['level']!r}; expected a depth (1 for "
                    "pillars) or pillar, indicator, sub_indicator, question")
        parent = "" if _blank(row.get("parent")) else str(row["parent"]).strip()
        records.append(NodeRecord(code or None, parent or ROOT, fields, line))
    fw_meta = {k: str(meta.get(k, "")) for k in ("framework", "title", "version", "description")}
    fw_meta["framework"] = fw_meta["framework"] or p.stem
    fw = framework_from_records(records, scales, fw_meta, name, problems)
    level_problems = []
    for code, (text, depth) in levels.items():
        node = fw.nodes.get(code)
        if node is None:
            continue
        ok = (depth == node.depth if depth else
              (text == "question" and node.is_question) or
              (not node.is_question and text == node.kind))
        if not ok:
            level_problems.append(Problem("level_mismatch", f"{code} is given level {text!r}, but "
                                          f"its parents make it a {node.kind} at depth "
                                          f"{node.depth}", name,
                                          next(r.line for r in records if r.code == code),
                                          item=code))
    raise_if_errors(level_problems, FrameworkError, name)
    scale = _number(meta["scale"]) if "scale" in meta else None
    if "scale" in meta and (scale is None or scale <= 0):
        raise FrameworkError([Problem("bad_scale", f"meta scale is {meta['scale']!r}; expected "
                                      f"a positive number{_why(meta['scale'])}", name,
                                      item="scale")], name)
    ws = WeightScheme(scheme_name or str(meta.get("scheme") or "table"),
                      {c: w for c, w in weights.items() if w != 1.0 and c in fw.nodes},
                      scale or DEFAULT_SCALE, "weights from the framework table")
    return fw, ws


def _read_meta(p: Path) -> dict[str, str]:
    try:
        sheets = pd.read_excel(BytesIO(read_bytes(p)), sheet_name=None, dtype=str,
                               keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise InputError(f"cannot read the workbook: {type(exc).__name__}: {exc}", p) from None
    meta = sheets.get("meta")
    if meta is None or meta.shape[1] < 2:
        return {}
    return {str(k).strip(): str(v).strip() for k, v in zip(meta.iloc[:, 0], meta.iloc[:, 1])
            if str(k).strip() in META_KEYS}


def load_framework_any(path: str | os.PathLike) -> Framework:
    """A framework from YAML or from a metadata table (by the file's suffix)."""
    if Path(path).suffix.lower() in TABLE_SUFFIXES:
        return read_framework_table(path)[0]
    return load_framework(path)


# --------------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------------
def _fmt(x: float) -> Any:
    return int(x) if float(x).is_integer() else float(x)


def framework_to_table(fw: Framework, scheme: WeightScheme | None = None) -> pd.DataFrame:
    """One row per node in the table layout of :func:`read_framework_table`."""
    rows = []
    weights = dict(scheme.weights) if scheme is not None else {}
    for n in fw.nodes.values():
        params = dict(n.normalise_params or {})
        target = params.pop("target", None)
        row = {
            "code": n.code, "parent": "" if n.parent == ROOT else n.parent, "level": n.depth,
            "kind": n.kind, "name": n.name, "weight": _fmt(weights.get(n.code, 1.0)),
            "direction": n.direction if n.is_question and n.type == "numeric" else "",
            "type": n.type or "", "question": n.question if n.is_question else "",
            "description": n.description, "scale": n.scale or "",
            "levels": "; ".join(f"{k}={v:g}" for k, v in (n.levels or {}).items()),
            "goalpost_low": "", "goalpost_high": "", "range_min": "", "range_max": "",
            "unit": n.unit or "",
            "evidence_required": str(n.evidence_required).lower() if n.is_question else "",
            "applies_if": n.applies_if.text if n.applies_if else "",
            "normalise": n.normalise or "", "target": "" if target is None else _fmt(target),
            "normalise_params": "; ".join(f"{k}={v}" for k, v in params.items()),
        }
        if n.goalposts is not None:
            row["goalpost_low"], row["goalpost_high"] = (_fmt(x) for x in n.goalposts)
        if n.range is not None:
            row["range_min"], row["range_max"] = ("" if x is None else _fmt(x) for x in n.range)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def write_framework_table(fw: Framework, path: str | os.PathLike,
                          scheme: WeightScheme | None = None) -> Path:
    """Write ``fw`` (and the weights of ``scheme``) as a CSV or XLSX table, atomically.

    An XLSX file gets a second sheet ``meta`` with the framework's title, version, … and the
    scheme's name and scale.
    """
    p = Path(path)
    table = framework_to_table(fw, scheme)
    if p.suffix.lower() == ".xlsx":
        meta = {"framework": fw.code, "title": fw.title, "version": fw.version,
                "description": fw.description}
        if scheme is not None:
            meta.update({"scheme": scheme.name, "scale": f"{scheme.scale:g}"})
        write_workbook({"framework": table,
                        "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})},
                       p)
    else:
        write_table(table, p)
    return p


def framework_to_dict(fw: Framework) -> dict[str, Any]:
    """The nested YAML of ``fw`` (what :func:`gci.inputs.framework.load_framework` reads)."""
    def node_dict(code: str) -> dict[str, Any]:
        n = fw.nodes[code]
        d: dict[str, Any] = {"code": n.code, "name": n.name}
        if n.description:
            d["description"] = n.description
        if not n.is_question:
            d["children"] = [node_dict(c) for c in fw.children(code)]
            return d
        if n.question and n.question != n.name:
            d["question"] = n.question
        d["type"] = n.type
        if n.scale:
            d["scale"] = n.scale
        if n.goalposts is not None:
            d["goalposts"] = [_fmt(x) for x in n.goalposts]
        if n.type == "numeric" and n.range is not None:
            d["range"] = [None if x is None else _fmt(x) for x in n.range]
        if n.unit:
            d["unit"] = n.unit
        if n.normalise:
            params = dict(n.normalise_params or {})
            d["normalise"] = {"method": n.normalise, **params} if params else n.normalise
        if n.type == "numeric" and n.direction != 1:
            d["direction"] = n.direction
        if n.evidence_required:
            d["evidence_required"] = True
        if n.applies_if is not None:
            d["applies_if"] = n.applies_if.text
        return d

    out: dict[str, Any] = {"framework": fw.code}
    for key in ("title", "version", "description"):
        if getattr(fw, key):
            out[key] = getattr(fw, key)
    if fw.scales:
        out["scales"] = {s.code: {"levels": dict(s.levels),
                                  **({"description": s.description} if s.description else {})}
                         for s in fw.scales.values()}
    out["pillars"] = [node_dict(c) for c in fw.children(ROOT)]
    return out


def framework_to_yaml(fw: Framework) -> str:
    """YAML text of ``fw``."""
    return yaml.safe_dump(framework_to_dict(fw), sort_keys=False, allow_unicode=True, width=100)


def scheme_to_yaml(scheme: WeightScheme) -> str:
    """A weights file holding ``scheme`` as its only (default) scheme."""
    spec: dict[str, Any] = {"description": scheme.description or "", "scale": _fmt(scheme.scale)}
    if scheme.weights:
        spec["weights"] = {k: _fmt(v) for k, v in scheme.weights.items()}
    return yaml.safe_dump({"default": scheme.name, "schemes": {scheme.name: spec}},
                          sort_keys=False, allow_unicode=True, width=100)


def write_framework_yaml(fw: Framework, path: str | os.PathLike,
                         scheme: WeightScheme | None = None,
                         weights_path: str | os.PathLike | None = None) -> None:
    """Write ``fw`` as YAML (and ``scheme`` as a weights file at ``weights_path``)."""
    write_text_atomic(path, framework_to_yaml(fw))
    if scheme is not None and weights_path is not None:
        write_text_atomic(weights_path, scheme_to_yaml(scheme))


def node_differences(a: Framework, b: Framework) -> list[str]:
    """Codes whose node differs between two frameworks (ignoring file line numbers)."""
    from dataclasses import replace

    codes = list(dict.fromkeys([*a.nodes, *b.nodes]))
    out = []
    for c in codes:
        na, nb = a.nodes.get(c), b.nodes.get(c)
        if na is None or nb is None or replace(na, line=None) != replace(nb, line=None):
            out.append(c)
    if list(a.nodes) != list(b.nodes) and not out:
        out.append("<order>")
    return out


__all__ = ["read_framework_table", "load_framework_any", "framework_to_table",
           "write_framework_table", "framework_to_dict", "framework_to_yaml", "scheme_to_yaml",
           "write_framework_yaml", "node_differences", "COLUMNS"]
