"""Framework loading and validation: every message names the file and the item."""

from __future__ import annotations

import pytest

import gci
from gci.errors import FrameworkError, InputError
from gci.inputs.framework import NodeRecord, framework_from_records
from tests.conftest import write

HEAD = """framework: t
scales:
  implementation:
    levels: {in_place: 1.0, partial: 0.5, none: 0.0}
pillars:
"""


def test_shipped_framework_structure(root):
    fw = gci.load_framework(root / "indicators.yaml")
    assert [p.code for p in fw.pillars] == ["legal", "technical", "organizational",
                                            "capacity_development", "cooperation"]
    assert len(fw.indicators) == 21
    assert len(fw.questions) == 83  # as many as ITU's GCI 2024 questionnaire (Q81-Q83 added)
    assert fw.question_codes[0] == "Q01" and fw.question_codes[-1] == "Q80"
    assert sorted(fw.question_codes) == [f"Q{i:02d}" for i in range(1, 84)]
    types = {t: sum(q.type == t for q in fw.questions) for t in ("binary", "scale", "numeric")}
    assert types == {"binary": 58, "scale": 18, "numeric": 7}
    assert {fw.pillar_of(q) for q in ("Q81", "Q82", "Q83")} == {
        "organizational", "technical", "capacity_development"}
    assert fw.max_depth == 4  # pillar > indicator > sub-indicator > question
    assert fw.nodes["Q08"].applies_if.question == "Q07"
    assert fw.pillar_of("Q08") == "legal"
    assert all(n.name and n.description for n in fw.nodes.values())


def test_credit_of_each_answer_type(tiny_paths):
    fw = gci.load_framework(tiny_paths["framework"])
    assert fw.credit_of("Q1", "YES") == 1.0
    assert fw.credit_of("Q1", False) == 0.0
    assert fw.credit_of("Q2", "Partial") == 0.5
    assert fw.credit_of("Q3", 2.5) == 0.25
    assert fw.credit_of("Q3", "40") == 1.0
    with pytest.raises(ValueError, match="expected one of in_place, partial, none"):
        fw.credit_of("Q2", "mostly")
    with pytest.raises(ValueError, match="expected a number >= 0"):
        fw.credit_of("Q3", -1)


def bad(tmp_path, body: str) -> FrameworkError:
    path = write(tmp_path / "indicators.yaml", HEAD + body)
    with pytest.raises(FrameworkError) as exc:
        gci.load_framework(path)
    assert str(path) in str(exc.value)
    return exc.value


def kinds(err) -> list[str]:
    return sorted(p.kind for p in err.errors)


def test_collects_every_problem_together(tmp_path):
    err = bad(tmp_path, """  - code: A
    name: A
    children:
      - code: A1
        name: A1
        children:
          - {code: Q1, name: q1, type: yesno}
          - {code: Q2, name: q2, type: scale, scale: stars}
          - {code: Q3, name: q3, type: numeric, goalposts: [5, 5]}
          - {code: Q1, name: again, type: binary}
          - {code: Q4, name: q4, type: binary, applies_if: "Q9 == yes"}
          - {code: Q5, name: q5, type: binary, applies_if: "Q2 = yes"}
      - code: A2
        name: empty
""")
    assert kinds(err) == ["bad_condition", "bad_condition", "bad_goalposts", "bad_type",
                          "duplicate_code", "no_children", "unknown_scale"]
    msgs = {p.kind: p for p in err.errors}
    assert msgs["bad_type"].item == "Q1" and "yesno" in msgs["bad_type"].message
    assert "binary, scale, numeric" in msgs["bad_type"].message
    assert msgs["bad_type"].line == 12
    dup = msgs["duplicate_code"]
    assert dup.line == 15 and "first at line 12" in dup.message
    assert msgs["unknown_scale"].item == "Q2" and "implementation" in msgs["unknown_scale"].message
    assert msgs["no_children"].item == "A2"


def test_condition_value_must_fit_the_question(tmp_path):
    err = bad(tmp_path, """  - code: A
    name: A
    children:
      - code: A1
        name: A1
        children:
          - {code: Q1, name: q1, type: scale, scale: implementation}
          - {code: Q2, name: q2, type: binary, applies_if: "Q1 == yes"}
          - {code: Q3, name: q3, type: binary, applies_if: "Q1 > 2"}
""")
    msgs = [p.message for p in err.errors]
    assert any("expected one of in_place, partial, none" in m for m in msgs)
    assert any("only == and != apply" in m for m in msgs)


def test_condition_cycle(tmp_path):
    err = bad(tmp_path, """  - code: A
    name: A
    children:
      - code: A1
        name: A1
        children:
          - {code: Q1, name: q1, type: binary, applies_if: "Q2 == yes"}
          - {code: Q2, name: q2, type: binary, applies_if: "Q1 == yes"}
""")
    assert "condition_cycle" in kinds(err)
    assert any("Q1 -> Q2 -> Q1" in p.message for p in err.errors)


def test_question_with_children_and_missing_name(tmp_path):
    err = bad(tmp_path, """  - code: A
    children:
      - code: Q1
        name: q1
        type: binary
        children:
          - {code: Q2, name: q2, type: binary}
""")
    assert "question_with_children" in kinds(err)
    assert "missing_name" in kinds(err)


def test_orphans_and_cycles_in_flat_records():
    recs = [NodeRecord("A", None, {"name": "A"}, 2),
            NodeRecord("Q1", "A", {"name": "q", "type": "binary"}, 3),
            NodeRecord("Q2", "NOPE", {"name": "q", "type": "binary"}, 4),
            NodeRecord("X", "Y", {"name": "x"}, 5),
            NodeRecord("Y", "X", {"name": "y"}, 6)]
    with pytest.raises(FrameworkError) as exc:
        framework_from_records(recs, {}, source="table.csv")
    ks = kinds(exc.value)
    assert "orphan" in ks and "cycle" in ks
    orphan = next(p for p in exc.value.errors if p.kind == "orphan")
    assert orphan.item == "Q2" and orphan.line == 4 and "'NOPE'" in orphan.message
    cycle = next(p for p in exc.value.errors if p.kind == "cycle")
    assert "X -> Y -> X" in cycle.message or "Y -> X -> Y" in cycle.message


def test_duplicate_yaml_keys_are_refused(tmp_path):
    path = write(tmp_path / "f.yaml", HEAD + """  - code: A
    name: A
    name: B
""")
    with pytest.raises(InputError) as exc:
        gci.load_framework(path)
    assert "duplicate key 'name'" in str(exc.value) and f"{path}:8" in str(exc.value)


def test_not_a_mapping_and_empty(tmp_path):
    with pytest.raises(FrameworkError, match="expected a YAML mapping"):
        gci.load_framework(write(tmp_path / "a.yaml", "- 1\n- 2\n"))
    with pytest.raises(InputError, match="empty"):
        gci.load_framework(write(tmp_path / "b.yaml", "# nothing\n"))


def test_unknown_keys_are_warnings_not_errors(tmp_path):
    path = write(tmp_path / "f.yaml", HEAD + """  - code: A
    name: A
    colour: red
    children:
      - {code: Q1, name: q1, type: binary}
""")
    fw = gci.load_framework(path)
    assert [p.kind for p in fw.warnings] == ["unknown_key"]
    assert fw.warnings[0].item == "A" and fw.warnings[0].line == 8
