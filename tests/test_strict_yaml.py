"""gci's YAML typing: every scalar is text, tags and merge keys refused, lines kept.

Each case states the exact outcome: the text read, or the error class, file, line and message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gci import errors, fileio
from gci.cli.app import main
from gci.inputs.framework import load_framework
from gci.inputs.weights import load_weights


@pytest.mark.parametrize("text, expected", [
    ("a: 1:20\n", "1:20"),          # YAML 1.1: 80 (sexagesimal)
    ("a: 010\n", "010"),            # YAML 1.1: 8 (octal)
    ("a: 0x1F\n", "0x1F"),
    ("a: on\n", "on"),              # YAML 1.1: true
    ("a: off\n", "off"),
    ("a: y\n", "y"),
    ("a: yes\n", "yes"),
    ("a: true\n", "true"),
    ("a: 2024-01-05\n", "2024-01-05"),  # YAML 1.1: a date
    ("a: 2024-13-45\n", "2024-13-45"),  # an invalid date used to crash
    ("a: 1e3\n", "1e3"),
    ("a: .inf\n", ".inf"),
    ("a: 3,5\n", "3,5"),
    ("a: 1_000\n", "1_000"),
    ("a: \"null\"\n", "null"),      # quoted: the text null
    ("a: 'null'\n", "null"),
    ("a: !!str 5\n", "5"),
    ("a: ! 5\n", "5"),
])
def test_every_scalar_is_the_text_written(text, expected):
    assert fileio.parse_yaml(text, "x.yaml")["a"] == expected


@pytest.mark.parametrize("text", ["a:\n", "a: ~\n", "a: null\n", "a: Null\n", "a: NULL\n"])
def test_plain_empty_and_null_are_no_value(text):
    assert fileio.parse_yaml(text, "x.yaml")["a"] is None


def test_keys_are_text_too():
    data = fileio.parse_yaml("010: a\n1:20: b\non: c\n2024-01-05: d\n", "x.yaml")
    assert list(data) == ["010", "1:20", "on", "2024-01-05"]


@pytest.mark.parametrize("text, tag, line", [
    ("a: 1\nb: !!int abc\n", "!!int", 2),
    ("a: !!float 1\n", "!!float", 1),
    ("a:\n  b: !!set {x, y}\n", "!!set", 2),
    ("a: !!timestamp 2024-01-05\n", "!!timestamp", 1),
    ("a: !!python/object:os.system x\n", "!!python/object:os.system", 1),
    ("a: !foo x\n", "!foo", 1),
    ("a: !!binary aGk=\n", "!!binary", 1),
    ("a: !!bool yes\n", "!!bool", 1),
    ("a: !!null ''\n", "!!null", 1),
    ("a: !!map [1]\n", "!!map", 1),
    ("- !!str [1]\n", "!!str", 1),
])
def test_explicit_tags_refused_naming_file_and_line(text, tag, line):
    with pytest.raises(errors.InputError) as info:
        fileio.parse_yaml(text, "t.yaml")
    exc = info.value
    assert (exc.file, exc.line) == ("t.yaml", line)
    assert f"tag {tag}" in exc.message and "remove the tag" in exc.message


def test_merge_keys_refused():
    with pytest.raises(errors.InputError) as info:
        fileio.parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "m.yaml")
    assert info.value.line == 3 and "merge keys" in info.value.message


def test_quoted_merge_key_is_a_plain_key():
    assert fileio.parse_yaml("'<<': 1\n", "m.yaml") == {"<<": "1"}


def test_lines_of_keys_and_items():
    data = fileio.parse_yaml("a: 1\nb:\n  - x\n  - y\nc:\n  d: 2\n", "x.yaml")
    assert data.lines == {"a": 1, "b": 2, "c": 5}
    assert data["b"].lines == [3, 4]
    assert data["c"].line_of("d") == 6


def test_duplicate_keys_refused():
    with pytest.raises(errors.InputError, match=r"duplicate key 'a' \(first at line 1\)") as info:
        fileio.parse_yaml("a: 1\nb: 2\na: 3\n", "d.yaml")
    assert info.value.line == 3


def test_more_than_one_document_refused():
    with pytest.raises(errors.InputError, match="more than one YAML document"):
        fileio.parse_yaml("a: 1\n---\nb: 2\n", "d.yaml")


def test_alias_cycle_refused():
    with pytest.raises(errors.InputError, match="cycle"):
        fileio.parse_yaml("a: &x [1, *x]\n", "c.yaml")


def test_too_many_aliases_refused():
    n = fileio.MAX_YAML_ALIASES + 1
    text = "a: &x 1\nb:\n" + "".join(f"  k{i}: *x\n" for i in range(n))
    with pytest.raises(errors.InputError, match="more than 100 YAML aliases") as info:
        fileio.parse_yaml(text, "a.yaml")
    assert info.value.line == 2 + n  # the line of the 101st alias


def test_parser_is_libyaml():
    assert fileio.YAML_PARSER == "libyaml"


def test_json_numbers_kept_as_text():
    assert fileio.parse_json('{"a": 1.50, "b": 1e999, "c": true, "d": null, "e": 010.5e0}'
                             .replace("010.5e0", "10.5e0")) == \
        {"a": "1.50", "b": "1e999", "c": True, "d": None, "e": "10.5e0"}


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_refused(token):
    with pytest.raises(errors.InputError, match=f"JSON contains {token}"):
        fileio.parse_json('{"a": ' + token + "}", "x.json")


# ---------------------------------------------------------------- frameworks and weights
FRAMEWORK = """\
framework: t
version: {version}
scales:
  impl:
    levels:
      none: 0
      partial: {credit}
      in_place: 1
pillars:
  - code: P1
    name: P1
    children:
      - code: I1
        name: I1
        children:
          - code: Q1
            name: q1
            type: binary
            evidence_required: {evidence}
          - code: Q2
            name: q2
            type: scale
            scale: impl
          - code: Q3
            name: q3
            type: numeric
            goalposts: [0, {high}]
          - code: Q4
            name: q4
            type: binary
            applies_if: "{cond}"
"""
GOOD = {"version": "2024-01-05", "credit": "0.5", "evidence": "yes", "high": "10",
        "cond": "Q3 >= 2.5"}


def _framework(tmp_path, **changes):
    f = tmp_path / "indicators.yaml"
    f.write_text(FRAMEWORK.format(**{**GOOD, **changes}), "utf-8")
    return f


def test_framework_values_typed_by_gci(tmp_path):
    fw = load_framework(_framework(tmp_path))
    assert fw.version == "2024-01-05"  # a date in YAML 1.1 (it used to crash)
    assert fw.scales["impl"].levels == {"none": 0.0, "partial": 0.5, "in_place": 1.0}
    assert fw.nodes["Q1"].evidence_required is True
    assert fw.nodes["Q3"].goalposts == (0.0, 10.0)
    assert fw.nodes["Q4"].applies_if.value == 2.5


@pytest.mark.parametrize("change, kind, line, part", [
    ({"credit": "0,5"}, "bad_level_credit", 7, "has a comma"),
    ({"credit": "50%"}, "bad_level_credit", 7, "is a percentage"),
    ({"evidence": "on"}, "bad_evidence_required", 19, "'on' is not true or false"),
    ({"high": "'1,000'"}, "bad_goalposts", 27, "has a comma"),
    ({"high": "1,000"}, "bad_goalposts", 27, "found [0, 1, 000]"),  # YAML: three items
    ({"high": "1:20"}, "bad_goalposts", 27, "time or a ratio"),
    ({"cond": "Q3 >= 1,000"}, "bad_condition", 28, "has a comma"),
    ({"cond": "Q3 >= 1 000"}, "bad_condition", 28, "thousands separators"),
    ({"version": "[1, 2]"}, "bad_metadata", 2, "version is a list"),
])
def test_framework_values_refused(tmp_path, change, kind, line, part):
    f = _framework(tmp_path, **change)
    with pytest.raises(errors.FrameworkError) as info:
        load_framework(f)
    found = [p for p in info.value.errors if p.kind == kind]
    assert len(found) == 1, info.value
    p = found[0]
    assert p.file == str(f) and part in p.message
    if kind != "bad_condition":  # conditions are reported on the question's line
        assert p.line == line
    else:
        assert p.line == line and p.item == "Q4"


def test_framework_tag_refused_with_line(tmp_path):
    f = _framework(tmp_path, high="!!int 10")
    with pytest.raises(errors.InputError) as info:
        load_framework(f)
    assert (info.value.file, info.value.line) == (str(f), 27)


WEIGHTS = "default: s\nschemes:\n  s:\n    scale: {scale}\n    weights:\n      P1: {w}\n"


@pytest.mark.parametrize("w, scale, kind, line, part", [
    ("1,5", "100", "bad_weight", 6, "weight 1,5; expected a finite number"),
    ("1 000", "100", "bad_weight", 6, "thousands separators"),
    ("2", "1,00", "bad_scale", 4, "has scale 1,00"),
    ("0x10", "100", "bad_weight", 6, "hexadecimal"),
    ("50%", "100", "bad_weight", 6, "is a percentage"),
])
def test_weights_refused(tmp_path, w, scale, kind, line, part):
    f = tmp_path / "weights.yaml"
    f.write_text(WEIGHTS.format(w=w, scale=scale), "utf-8")
    with pytest.raises(errors.WeightsError) as info:
        load_weights(f)
    (p,) = info.value.errors
    assert (p.kind, p.file, p.line) == (kind, str(f), line) and part in p.message


def test_weights_read_as_decimal_numbers(tmp_path):
    f = tmp_path / "weights.yaml"
    f.write_text(WEIGHTS.format(w="010", scale="1e2"), "utf-8")
    s = load_weights(f).scheme()
    assert s.weights == {"P1": 10.0} and s.scale == 100.0  # 010 is ten, never eight


def test_cli_tagged_file_exits_2(tmp_path):
    f = tmp_path / "weights.yaml"
    f.write_text("schemes:\n  s:\n    scale: !!float 100\n", "utf-8")
    fw = Path(__file__).resolve().parent / "data" / "tiny" / "indicators.yaml"
    res = CliRunner().invoke(main, ["validate", "--framework", str(fw), "--weights", str(f),
                                    "-q"])
    assert res.exit_code == 2
    assert f"{f}:3" in res.output and "remove the tag !!float" in res.output


# ---------------------------------------------------------------- libyaml and the fallback agree
def _corpus_yaml() -> list:
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "responses").glob("*.yaml"))[:20]
    files += sorted((root / "tests" / "bad_inputs").rglob("*.yaml"))
    files += [root / "indicators.yaml", root / "weights.yaml"]
    return files


def _parse(text: str, composer) -> tuple:
    try:
        data = fileio.parse_yaml(text, "x.yaml", allow_empty=True, _composer=composer)
    except errors.InputError as exc:
        return ("error", exc.line, exc.message.split(":")[0])

    def lines(obj):
        if isinstance(obj, dict):
            return (obj.line, dict(obj.lines), {k: lines(v) for k, v in obj.items()})
        if isinstance(obj, list):
            return (obj.line, list(obj.lines), [lines(v) for v in obj])
        return obj
    return ("ok", lines(data))


@pytest.mark.parametrize("path", _corpus_yaml(), ids=lambda p: p.name)
def test_libyaml_and_python_parsers_agree(path):
    """Same values, same lines, same refusals (the pure-Python parser is the fallback)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert _parse(text, fileio._CComposer) == _parse(text, fileio._PyComposer)


@pytest.mark.parametrize("text", [
    "a: ~\nb: 'null'\nc: 010\nd: 1:20\ne:\n", "a: !!int 1\n", "a: !x 1\n", "<<: {a: 1}\n",
    "a: &x [1, 2]\nb: *x\nc: {d: *x}\n", "a: &x [1, *x]\n", "a: [1\n", "a: 1\n---\nb: 2\n",
    "a: 1\na: 2\n", "? [1]\n: 2\n", "- a\n- - b\n  - ~\n", "a: |\n  x\n  y\nb: >\n  z\n",
])
def test_parsers_agree_on_edge_cases(text):
    assert _parse(text, fileio._CComposer) == _parse(text, fileio._PyComposer)


def test_every_tag_reported_together():
    with pytest.raises(errors.InputError) as info:
        fileio.parse_yaml("a: !!int 1\nb: ok\nc: !!float 2\nd:\n  - !foo x\n", "t.yaml")
    assert info.value.line == 1
    assert info.value.message.endswith("(and the tags !!float at line 3, !foo at line 5)")


def test_tagged_keys_reported_together():
    with pytest.raises(errors.InputError) as info:
        fileio.parse_yaml("!!int 1: a\n!!int 2: b\n", "t.yaml")
    assert info.value.line == 1 and "(and the tags !!int at line 2)" in info.value.message
