"""Regenerate the bad-input corpus (``python tests/bad_inputs/make_corpus.py``).

Text files could be written by hand; the binary ones (Latin-1, UTF-16, XLSX) cannot, so every
file is made here from the tiny test framework's vocabulary (questions Q1..Q6, pillars A and B).
``cases.yaml`` (written by hand) says what each file is fed as and what gci must answer.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TINY_ANSWERS = (HERE.parent / "data" / "tiny" / "responses" / "answers.csv").read_text("utf-8")
BIG_INT = "9" * 400

FW_HEAD = """framework: broken
title: Broken test framework
scales:
  implementation:
    levels: {in_place: 1.0, partial: 0.5, none: 0.0}
pillars:
"""


def fw(body: str) -> str:
    """A framework file: the common head and ``body`` (the pillars list, indented 2)."""
    return FW_HEAD + body


def pillar(*questions: str, code: str = "A") -> str:
    """One pillar with one indicator holding ``questions`` (flow mappings)."""
    qs = "".join(f"          - {q}\n" for q in questions)
    return (f"  - code: {code}\n    name: Pillar {code}\n    children:\n"
            f"      - code: {code}1\n        name: Indicator {code}1\n        children:\n{qs}")


def bomb(levels: int = 9, key: str = "lol") -> str:
    """Classic "billion laughs": 9 levels of 9 aliases each (81 aliases, under the alias cap)."""
    lines = [f'{key}0: &{key}0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"{key}{i}: &{key}{i} [" + ", ".join([f"*{key}{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def xlsx(rows: list[list[object]]) -> bytes:
    """A real one-sheet workbook holding ``rows`` (needs openpyxl)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def corrupt_sheet(data: bytes) -> bytes:
    """The workbook with its sheet XML replaced by broken XML (a valid zip, an invalid xlsx)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = b"<worksheet><sheetData><row><c r='A1' t='s'><v>0</v></c></sheetDat"
            dst.writestr(info.filename, body)
    return out.getvalue()


FILES: dict[str, str | bytes] = {
    # ---------------------------------------------------------------- framework
    "framework/malformed_indent.yaml": fw(
        "  - code: A\n    name: Pillar A\n   children:\n"
        "      - {code: Q1, name: q, type: binary}\n"),
    "framework/duplicate_key.yaml": fw(
        "  - code: A\n    name: Pillar A\n    name: Pillar A again\n    children:\n"
        "      - {code: Q1, name: q, type: binary}\n"),
    "framework/duplicate_code.yaml": fw(pillar("{code: Q1, name: q1, type: binary}",
                                               "{code: Q2, name: q2, type: binary}",
                                               "{code: Q2, name: q2 again, type: binary}")),
    "framework/alias_cycle.yaml": fw(
        "  - code: A\n    name: Pillar A\n    children: &kids\n"
        "      - code: A1\n        name: Indicator A1\n        children: *kids\n"),
    "framework/alias_bomb.yaml": bomb() + fw(pillar("{code: Q1, name: q, type: binary}")),
    "framework/empty.yaml": "",
    "framework/only_comments.yaml": "# nothing here yet\n# pillars: to do\n",
    "framework/top_level_list.yaml": "- code: A\n  name: Pillar A\n",
    "framework/latin1.yaml": fw(pillar("{code: Q1, name: Sécurité, type: binary}")).encode(
        "latin-1"),
    "framework/utf16_no_bom.yaml": fw(pillar("{code: Q1, name: q, type: binary}")).encode(
        "utf-16-le"),
    "framework/unknown_type.yaml": fw(pillar("{code: Q1, name: q, type: boolean}")),
    "framework/goalposts_nan.yaml": fw(pillar("{code: Q3, name: q, type: numeric, "
                                              "goalposts: [0, .nan]}")),
    "framework/goalposts_huge_int.yaml": fw(pillar("{code: Q3, name: q, type: numeric, "
                                                   f"goalposts: [0, {BIG_INT}]}}")),
    "framework/level_credit_out_of_range.yaml": FW_HEAD.replace("partial: 0.5", "partial: 1.5")
    + pillar("{code: Q2, name: q, type: scale, scale: implementation}"),
    "framework/unknown_scale.yaml": fw(pillar("{code: Q2, name: q, type: scale, scale: maturity}")),
    "framework/condition_cycle.yaml": fw(pillar(
        "{code: Q1, name: q1, type: binary, applies_if: 'Q2 == yes'}",
        "{code: Q2, name: q2, type: binary, applies_if: 'Q1 == yes'}")),
    "framework/condition_unknown_question.yaml": fw(pillar(
        "{code: Q1, name: q1, type: binary, applies_if: 'Q9 == yes'}")),
    "framework/empty_indicator.yaml": fw(
        "  - code: A\n    name: Pillar A\n    children:\n      - code: A1\n"
        "        name: Indicator A1\n      - code: A2\n        name: Indicator A2\n"
        "        children:\n          - {code: Q1, name: q, type: binary}\n"),
    "framework/question_with_children.yaml": fw(
        "  - code: A\n    name: Pillar A\n    children:\n      - code: A1\n"
        "        name: Indicator A1\n        children:\n          - code: Q1\n"
        "            name: q\n            type: binary\n            children:\n"
        "              - {code: Q2, name: q2, type: binary}\n"),
    "framework/bad_code.yaml": fw(pillar("{code: Q1, name: q, type: binary}",
                                         "{code: 2nd question, name: q, type: binary}")),
    "framework/tab_indent.yaml": fw("  - code: A\n\tname: Pillar A\n"),
    "framework/python_tag.yaml": fw(pillar("{code: Q1, name: !!python/object/apply:os.system "
                                           "[echo hacked], type: binary}")),
    "framework/two_documents.yaml": fw(pillar("{code: Q1, name: q, type: binary}"))
    + "---\nframework: second\n",
    "framework/range_reversed.yaml": fw(pillar("{code: Q3, name: q, type: numeric, "
                                               "goalposts: [0, 10], range: [10, 0]}")),
    "framework/no_pillars.yaml": FW_HEAD + "  []\n",
    # framework tables (gci.inputs.framework_table): the hierarchy comes from a parent column
    "framework/table_orphan.csv": "code,parent,name,type\nA,,Pillar A,\nA1,A,Indicator A1,\n"
                                  "Q1,A1,q1,binary\nQ2,A9,q2,binary\n",
    "framework/table_cycle.csv": "code,parent,name,type\nA,,Pillar A,\nQ1,A,q1,binary\n"
                                 "B,C,Node B,\nC,B,Node C,\nQ2,C,q2,binary\n",
    "framework/table_self_parent.csv": "code,parent,name,type\nA,A,Pillar A,\nQ1,A,q1,binary\n",
    "framework/table_duplicate_code.csv": "code,parent,name,type\nA,,Pillar A,\n"
                                          "Q1,A,q1,binary\nQ1,A,q1 again,binary\n",
    # ---------------------------------------------------------------- weights
    "weights/negative.yaml": "schemes:\n  s:\n    weights: {A: -1}\n",
    "weights/nan.yaml": "schemes:\n  s:\n    weights: {A: .nan}\n",
    "weights/inf.yaml": "schemes:\n  s:\n    weights: {B: .inf}\n",
    "weights/huge.yaml": "schemes:\n  s:\n    weights: {A: 1e308, B: 1e308}\n",
    "weights/huge_int.yaml": f"schemes:\n  s:\n    weights:\n      A: 1\n      Q2: {BIG_INT}\n",
    "weights/text_weight.yaml": "schemes:\n  s:\n    weights: {A: two}\n",
    "weights/boolean_weight.yaml": "schemes:\n  s:\n    weights: {A: yes}\n",
    "weights/unknown_code.yaml": "schemes:\n  s:\n    weights: {A: 2, Z9: 1}\n",
    "weights/all_zero.yaml": "schemes:\n  s:\n    weights: {Q5: 0, Q6: 0}\n",
    "weights/scale_zero.yaml": "schemes:\n  s:\n    scale: 0\n",
    "weights/duplicate_scheme.yaml": ("schemes:\n  s:\n    weights: {A: 2}\n"
                                      "  s:\n    weights: {A: 3}\n"),
    "weights/unknown_default.yaml": "default: heavy\nschemes:\n  equal: {}\n",
    "weights/no_schemes.yaml": "default: equal\n",
    "weights/weights_list.yaml": "schemes:\n  s:\n    weights: [A, B]\n",
    "weights/empty.yaml": "\n\n",
    "weights/malformed.yaml": "schemes:\n  s:\n    weights: {A: 2, B: 3\n  t: {}\n",
    "weights/alias_bomb.yaml": bomb() + "schemes:\n  s:\n    weights: {A: 2}\n",
    "weights/good_exponent.yaml": "schemes:\n  s:\n    weights: {A: 3e0, Q2: 30e-1}\n",
    # ---------------------------------------------------------------- responses
    "responses/latin1.csv": ("iso3,country,question,answer\nFRA,France,Q1,yes\n"
                             "CIV,Côte d'Ivoire,Q1,yes\n").encode("latin-1"),
    "responses/utf16_le_no_bom.csv": TINY_ANSWERS.encode("utf-16-le"),
    "responses/utf16_be_no_bom.csv": TINY_ANSWERS.encode("utf-16-be"),
    "responses/good_utf16_bom.csv": TINY_ANSWERS.encode("utf-16"),
    "responses/good_utf8_bom.csv": "\ufeff" + TINY_ANSWERS,
    "responses/good_duplicate_rows.csv": TINY_ANSWERS + "FRA,Q2,partial,,questionnaire\n",
    "responses/good_case_and_spaces.csv": TINY_ANSWERS.replace("FRA,Q1,yes", "FRA,Q1, YES ")
    .replace("FRA,Q2,partial", "FRA,Q2,Partial"),
    "responses/conflicting_rows.csv": TINY_ANSWERS + "FRA,Q1,no,,questionnaire\n",
    "responses/unknown_question.csv": TINY_ANSWERS + "KEN,Q99,yes,,questionnaire\n",
    "responses/unknown_country.csv": TINY_ANSWERS + "XYZ,Q1,yes,,questionnaire\n",
    "responses/numeric_nan.csv": TINY_ANSWERS.replace("FRA,Q3,5", "FRA,Q3,NaN"),
    "responses/numeric_inf.yaml": "country: FRA\nanswers:\n  Q1: yes\n  Q3: .inf\n",
    "responses/numeric_negative.csv": TINY_ANSWERS.replace("DEU,Q3,20", "DEU,Q3,-5"),
    "responses/numeric_huge.csv": TINY_ANSWERS.replace("DEU,Q3,20", "DEU,Q3,1e400"),
    "responses/numeric_huge_int.yaml": f"country: KEN\nanswers:\n  Q1: yes\n  Q3: {BIG_INT}\n",
    "responses/binary_huge_int.yaml": f"country: KEN\nanswers:\n  Q5: {BIG_INT}\n",
    "responses/binary_number.yaml": "country: FRA\nanswers:\n  Q1: yes\n  Q5: 2\n",
    "responses/scale_wrong_level.csv": TINY_ANSWERS.replace("KEN,Q2,none", "KEN,Q2,yes"),
    "responses/answer_list.yaml": "country: DEU\nanswers:\n  Q1: yes\n  Q6: [yes, no]\n",
    "responses/answer_date.yaml": "country: DEU\nanswers:\n  Q1: yes\n  Q3: 2020-01-01\n",
    "responses/bad_source.yaml": ("country: FRA\nanswers:\n  Q1: yes\n"
                                  "  Q6: {answer: yes, source: hearsay}\n"),
    "responses/extra_field.csv": TINY_ANSWERS.replace("DEU,Q5,yes,,desk_research",
                                                      "DEU,Q5,yes,,desk_research,oops"),
    "responses/extra_field_first_row.csv": TINY_ANSWERS.replace(
        "FRA,Q1,yes,https://e.example/1,questionnaire",
        "FRA,Q1,yes,https://e.example/1,questionnaire,extra"),
    "responses/unclosed_quote.csv": TINY_ANSWERS.replace("KEN,Q5,no", 'KEN,Q5,"no'),
    "responses/semicolons.csv": TINY_ANSWERS.replace(",", ";"),
    "responses/header_only.csv": "iso3,question,answer,evidence,source\n",
    "responses/empty.csv": "",
    "responses/whitespace_only.csv": "\n  \n\n",
    "responses/no_question_column.csv": "iso3,answer\nFRA,yes\n",
    "responses/duplicate_columns.csv": "iso3,Q1,Q2,Q1\nFRA,yes,partial,no\n",
    "responses/wide_duplicate_country.csv": "iso3,Q1,Q2\nFRA,yes,partial\nDEU,no,none\n"
                                            "FRA,no,partial\n",
    "responses/blank_country.csv": TINY_ANSWERS + ",Q1,yes,,questionnaire\n",
    "responses/yaml_duplicate_answer.yaml": "country: FRA\nanswers:\n  Q1: yes\n  Q2: partial\n"
                                            "  Q1: no\n",
    "responses/yaml_alias_bomb.yaml": bomb() + "country: FRA\nanswers:\n  Q1: yes\n",
    "responses/yaml_alias_bomb_country.yaml": bomb() + "country: *lol8\nanswers:\n  Q1: yes\n",
    "responses/yaml_not_mapping.yaml": "- FRA\n- Q1\n- yes\n",
    "responses/yaml_no_answers.yaml": "country: FRA\nanswer:\n  Q1: yes\n",
    "responses/yaml_unknown_country.yaml": "country: Atlantis\nanswers:\n  Q1: yes\n",
    "responses/json_nan.json": '{"country": "FRA", "answers": {"Q1": "yes", "Q3": NaN}}\n',
    "responses/json_duplicate_key.json": '{"country": "FRA", "answers": {"Q1": "yes", '
                                         '"Q1": "no"}}\n',
    "responses/json_malformed.json": '{"country": "FRA",\n "answers": {"Q1": "yes",}\n}\n',
    "responses/xlsx_not_zip.xlsx": b"iso3,question,answer\nFRA,Q1,yes\n",
    "responses/nul_byte_late.csv": TINY_ANSWERS + "FRA,Q5,yes," + "x" * 5000
    + "\x00,questionnaire\n",
    "responses/png_named_csv.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    "responses/json_deep.json": "[" * 5000 + "]" * 5000,
    "responses/yaml_deep.yaml": "country: FRA\nanswers: " + "[" * 5000 + "]" * 5000 + "\n",
    "responses/good_cr_line_ends.csv": TINY_ANSWERS.replace("\n", "\r"),
    "responses/good_crlf_line_ends.csv": TINY_ANSWERS.replace("\n", "\r\n"),
    "responses/good_quoted_multiline_evidence.csv": TINY_ANSWERS.replace(
        "FRA,Q2,partial,,", 'FRA,Q2,partial,"two lines,\nwith ""quotes"" and commas",'),
    "responses/unknown_extension.txt": TINY_ANSWERS,
    # ---------------------------------------------------------------- scores (gci rank)
    "scores/duplicate_country.csv": "iso3,score\nFRA,50\nDEU,60\nFRA,55\n",
    "scores/bad_numbers.csv": "iso3,score\nFRA,abc\nDEU,-1\nKEN,nan\nUSA,inf\nBRA,1e400\n",
    "scores/missing_column.csv": "iso3,points\nFRA,50\n",
    "scores/header_only.csv": "iso3,score\n",
    "scores/above_scale.csv": "iso3,score\nFRA,50\nDEU,1e308\n",
    "scores/latin1.csv": "iso3,score,note\nFRA,50,très bien\n".encode("latin-1"),
    "scores/unknown_country.csv": "iso3,score\nFRA,50\nQQQ,40\n",
}


def binary_workbooks() -> dict[str, bytes]:
    """The XLSX cases (need openpyxl)."""
    header = ["iso3", "question", "answer"]
    good = xlsx([header, ["FRA", "Q1", "yes"], ["FRA", "Q2", "partial"]])
    return {
        "responses/xlsx_truncated.xlsx": good[: len(good) // 2],
        "responses/xlsx_corrupt_sheet.xlsx": corrupt_sheet(good),
        "responses/xlsx_unknown_question.xlsx": xlsx([header, ["FRA", "Q1", "yes"],
                                                      ["FRA", "Q77", "yes"]]),
        "responses/xlsx_formula_no_value.xlsx": xlsx([header, ["FRA", "Q1", "yes"],
                                                     ["=HYPERLINK(\"x\")", "Q1", "yes"]]),
    }


def main() -> None:
    """Write every file of the corpus."""
    files = {**FILES, **binary_workbooks()}
    for rel, body in files.items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, str):
            path.write_text(body, encoding="utf-8", newline="\n")
        else:
            path.write_bytes(body)
    print(f"wrote {len(files)} files under {HERE}")


if __name__ == "__main__":
    main()
