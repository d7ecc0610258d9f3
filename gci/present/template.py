"""Answer templates for member states (``gci template``): YAML, CSV or XLSX.

A template lists every question of a framework in order, grouped by pillar and indicator, with
its text, the answers it accepts (levels of a scale; range, goalposts and unit of a number),
whether evidence is required and, in plain words, when it applies (``applies_if``). It can be
prefilled with a country's current answers. Filled in, it is a responses file that
``gci validate`` and ``gci score`` read as it is:

* YAML: a country document; unanswered questions are left empty (``Q05:``), comments carry the
  documentation.
* CSV and XLSX: the long responses table ``iso3, question, answer, evidence, source`` plus the
  documentation columns :data:`TEMPLATE_INFO_COLUMNS`, which the reader ignores. The workbook's
  first sheet, "Answers", has a dropdown of the allowed answers on every row, locked
  documentation cells, and a "Read me" sheet explaining the columns.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import GCIError
from ..fileio import atomic_write, write_text_atomic
from ..inputs.countries import country_name
from ..inputs.framework import Framework, Node
from ..inputs.responses import TEMPLATE_INFO_COLUMNS as TEMPLATE_INFO_COLUMNS  # the reader's own
from ..inputs.responses import Responses

#: Columns of a template table, in the order written.
TEMPLATE_COLUMNS = ("iso3", "pillar", "indicator", "question", "question_text",
                    "allowed_answers", "unit", "evidence_required", "applies_if", "answer",
                    "evidence", "source")
TEMPLATE_FORMATS = (".yaml", ".yml", ".csv", ".xlsx")
ANSWER_SHEET = "Answers"
README_SHEET = "Read me"

_NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
#: Longest list Excel accepts in a dropdown written into the validation itself.
_MAX_LIST = 255
_OPS = {"==": "is", "!=": "is not", "<": "is below", "<=": "is at most", ">": "is above",
        ">=": "is at least"}


def allowed_text(node: Node) -> str:
    """The answers a question accepts, in words (with what a number is worth)."""
    if node.type == "binary":
        return "yes or no"
    if node.type == "scale":
        levels = node.levels or {}
        return "one of: " + ", ".join(f"{k} ({float(v):g})" for k, v in levels.items())
    base = node.allowed_answers()
    if node.goalposts is not None and not node.normalise:
        lo, hi = node.goalposts
        if node.direction == -1:
            lo, hi = hi, lo
        if lo < hi:
            return f"{base}; {lo:g} or less scores 0, {hi:g} or more full credit"
        return f"{base}; {lo:g} or more scores 0, {hi:g} or less full credit"
    if node.normalise:
        return f"{base}; scored against the other countries ({node.normalise})"
    return base


def condition_text(fw: Framework, node: Node) -> str:
    """``applies_if`` of a question in plain words (empty when it always applies)."""
    cond = node.applies_if
    if cond is None:
        return ""
    target = fw.nodes[cond.question]
    value = f"{cond.value:g}" if isinstance(cond.value, float) else str(cond.value)
    return (f"Answer only if {cond.question} ({target.name}) {_OPS[cond.op]} {value}; "
            "otherwise leave it empty")


def _answer_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        (isinstance(value, str) and not value.strip())


def template_table(fw: Framework, country: str | None = None,
                   responses: Responses | None = None) -> pd.DataFrame:
    """One row per question of ``fw``, in order: documentation, and answers when known.

    Parameters
    ----------
    fw : Framework
    country : str, optional
        ISO3 code written on every row (empty when not given).
    responses : Responses, optional
        Prefills ``answer``, ``evidence`` and ``source`` with ``country``'s answers in it.

    Returns
    -------
    DataFrame
        Columns :data:`TEMPLATE_COLUMNS`; every cell is text.
    """
    given: dict[str, tuple[Any, Any, Any]] = {}
    if responses is not None and country:
        t = responses.table
        mine = t[t["iso3"] == country]
        for r in mine.itertuples():
            given[str(r.question)] = (r.answer, r.evidence, r.source)
    rows = []
    for q in fw.questions:
        answer, evidence, source = given.get(q.code, (None, None, None))
        indicator = [fw.nodes[c].name for c in reversed(fw.ancestors(q.code)[:-1])]
        rows.append({
            "iso3": country or "",
            "pillar": fw.nodes[fw.pillar_of(q.code)].name,
            "indicator": " / ".join(indicator),
            "question": q.code,
            "question_text": " ".join((q.question or q.name).split()),
            "allowed_answers": allowed_text(q),
            "unit": q.unit or "",
            "evidence_required": "yes" if q.evidence_required else "no",
            "applies_if": condition_text(fw, q),
            "answer": _answer_text(answer),
            "evidence": "" if _blank(evidence) else str(evidence),
            "source": "" if _blank(source) or answer is None else str(source),
        })
    return pd.DataFrame(rows, columns=list(TEMPLATE_COLUMNS))


def template_yaml(fw: Framework, table: pd.DataFrame, country: str | None = None) -> str:
    """The template as a YAML country document with the documentation in comments."""
    name = country_name(country) if country else ""
    lines = [
        f"# Answer template: framework {fw.code!r}{' ' + fw.version if fw.version else ''}"
        f"{f', {country} ({name})' if country else ''}.",
        "# Fill in each answer after the colon (leave it empty if you do not know), then check it:",
        "#   gci validate --responses THIS_FILE     and score it:   gci score --with THIS_FILE",
        "# To give evidence, write  Q01: {answer: yes, evidence: \"https://...\"}",
        f"country: {country or ''}" + ("" if country else "   # your ISO3 code, e.g. KEN"),
        "source: questionnaire         # or desk_research",
        "answers:",
    ]
    last = (None, None)
    for r in table.itertuples():
        if r.pillar != last[0]:
            lines.append(f"  # ==== {_comment(r.pillar)} ====")
        if (r.pillar, r.indicator) != last:
            lines.append(f"  # -- {_comment(r.indicator)}")
        last = (r.pillar, r.indicator)
        lines.append(f"  # {r.question}: {_comment(r.question_text)}")
        unit = f" ({_comment(r.unit)})" if r.unit else ""
        lines.append(f"  #   answer: {_comment(r.allowed_answers)}{unit}"
                     + ("; evidence required" if r.evidence_required == "yes" else ""))
        if r.applies_if:
            lines.append(f"  #   {_comment(r.applies_if)}")
        value = _yaml_answer(r.answer, r.evidence, r.source)
        lines.append(f"  {r.question}:{' ' + value if value else ''}")
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _yaml_answer(answer: str, evidence: str, source: str) -> str:
    if not answer:
        return ""
    extra = []
    if evidence:
        extra.append(f"evidence: {json.dumps(evidence, ensure_ascii=False)}")
    if source and source != "questionnaire":
        extra.append(f"source: {json.dumps(source, ensure_ascii=False)}")
    quoted = json.dumps(answer, ensure_ascii=False)
    if not extra:
        return quoted
    return "{answer: " + quoted + ", " + ", ".join(extra) + "}"


def write_template(fw: Framework, path: str | os.PathLike, country: str | None = None,
                   responses: Responses | None = None) -> Path:
    """Write the answer template of ``fw`` to ``path`` (.yaml, .csv or .xlsx, atomically).

    Raises
    ------
    GCIError
        Unknown file type, or .xlsx without openpyxl.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEMPLATE_FORMATS:
        raise GCIError(f"{path}: a template is .yaml, .csv or .xlsx, not {suffix or 'no suffix'!r}")
    table = template_table(fw, country, responses)
    if suffix in (".yaml", ".yml"):
        write_text_atomic(path, template_yaml(fw, table, country))
    elif suffix == ".csv":
        from .tables import safe_frame

        # text a spreadsheet would run as a formula gets a leading ' (gci.present.output), except a
        # number such as -5 in the answer column, which must read back as typed
        safe = safe_frame(table)
        number = table["answer"].str.fullmatch(_NUMBER)
        safe.loc[number, "answer"] = table.loc[number, "answer"]
        with atomic_write(path, "w", newline="") as fh:
            safe.to_csv(fh, index=False, lineterminator="\n")
    else:
        _write_xlsx(fw, table, path)
    return path


_README = [
    ("iso3", "The country's ISO3 code, on every row. Do not change it."),
    ("pillar, indicator", "Where the question sits in the framework (for reading only)."),
    ("question", "The question's code. Do not change it."),
    ("question_text", "The question (locked)."),
    ("allowed_answers", "What you may answer; pick it from the dropdown of the answer cell."),
    ("unit", "The unit of a number."),
    ("evidence_required", "yes: give a link or document reference in the evidence column."),
    ("applies_if", "When the question applies; otherwise leave its answer empty."),
    ("answer", "YOUR ANSWER. Leave it empty if you do not know (it then counts as missing)."),
    ("evidence", "A link (https://...) or a document reference supporting the answer."),
    ("source", "questionnaire (default when empty) or desk_research."),
]


def _write_xlsx(fw: Framework, table: pd.DataFrame, path: Path) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill, Protection
        from openpyxl.worksheet.datavalidation import DataValidation
    except ImportError:
        raise GCIError("writing .xlsx needs openpyxl: pip install 'gci[xlsx]'") from None
    wb = Workbook()
    ws = wb.active
    ws.title = ANSWER_SHEET
    cols = list(TEMPLATE_COLUMNS)
    ws.append(cols)
    editable = {cols.index(c) + 1 for c in ("answer", "evidence", "source")}
    fill = PatternFill("solid", fgColor="FFF4CC")
    for row in table.itertuples(index=False):
        ws.append(list(row))
    for r in range(1, len(table) + 2):
        for c in range(1, len(cols) + 1):
            cell = ws.cell(r, c)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
            if r > 1 and c in editable:
                cell.protection = Protection(locked=False)
                cell.fill = fill
            if r > 1:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c in range(1, len(cols) + 1):
        ws.cell(1, c).font = Font(bold=True)
    widths = {"iso3": 6, "pillar": 18, "indicator": 24, "question": 9, "question_text": 60,
              "allowed_answers": 30, "unit": 12, "evidence_required": 10, "applies_if": 28,
              "answer": 16, "evidence": 36, "source": 16}
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths[c]
    ws.freeze_panes = "E2"
    # one dropdown per list of allowed answers
    answer_col = ws.cell(1, cols.index("answer") + 1).column_letter
    source_col = ws.cell(1, cols.index("source") + 1).column_letter
    lists: dict[str, list[int]] = {}
    numeric: dict[tuple, list[int]] = {}
    for i, q in enumerate(fw.questions, start=2):
        if q.type == "binary":
            lists.setdefault("yes,no", []).append(i)
        elif q.type == "scale":
            lists.setdefault(",".join(q.levels or {}), []).append(i)
        else:
            numeric.setdefault(tuple(q.range or (None, None)), []).append(i)
    for options, rows in lists.items():
        if len(options) + 2 > _MAX_LIST or '"' in options or \
                any("," in str(k) for q in fw.questions for k in (q.levels or {})):
            continue  # Excel cannot hold this list in a dropdown; allowed_answers says it
        dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Not an allowed answer",
                            error=f"Choose one of: {options.replace(',', ', ')}")
        ws.add_data_validation(dv)
        for r in rows:
            dv.add(f"{answer_col}{r}")
    for (lo, hi), rows in numeric.items():
        if lo is not None and hi is not None:
            dv = DataValidation(type="decimal", operator="between", formula1=f"{lo:g}",
                                formula2=f"{hi:g}", allow_blank=True)
        elif lo is not None:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual",
                                formula1=f"{lo:g}", allow_blank=True)
        elif hi is not None:
            dv = DataValidation(type="decimal", operator="lessThanOrEqual",
                                formula1=f"{hi:g}", allow_blank=True)
        else:
            dv = DataValidation(type="decimal", operator="between", formula1="-1E+300",
                                formula2="1E+300", allow_blank=True)
        dv.showErrorMessage = True
        dv.errorTitle = "Not an allowed answer"
        dv.error = "Enter a number (no thousands separators) in the allowed range."
        ws.add_data_validation(dv)
        for r in rows:
            dv.add(f"{answer_col}{r}")
    src = DataValidation(type="list", formula1='"questionnaire,desk_research"', allow_blank=True)
    ws.add_data_validation(src)
    src.add(f"{source_col}2:{source_col}{len(table) + 1}")
    ws.protection.sheet = True  # documentation locked; answer, evidence, source editable
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(cols)).column_letter}{len(table) + 1}"
    ws.protection.autoFilter = False
    info = wb.create_sheet(README_SHEET)
    info.append(["Answer template of framework", f"{fw.code} {fw.version}".strip()])
    info.append(["How to answer", "Fill the yellow cells of the sheet 'Answers' (answer, evidence,"
                 " source), save as .xlsx, then run: gci validate --responses THIS_FILE"])
    info.append([])
    info.append(["Column", "What it holds"])
    for name, text in _README:
        info.append([name, text])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    for r in (1, 2, 4):
        info.cell(r, 1).font = Font(bold=True)
    info.cell(4, 2).font = Font(bold=True)
    with atomic_write(path, "wb") as fh:
        wb.save(fh)
