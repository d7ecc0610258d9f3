"""The faster paths of ``gci score`` (issue 10) give what the plain paths give.

* answers that are all text are typed once per kind of question (all yes/no questions are one
  kind): same credit, states, raw answers and messages, in the same order, as typing question
  by question;
* a cell's file and line are found only when a problem must name them;
* cache entries hold rows column by column; the table built from columns is the one built
  from row tuples;
* input paths are resolved folder by folder (``fileio.resolve_path``): the same paths as
  ``Path.resolve``, symbolic links included.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gci.engine import scoring
from gci.errors import InputError
from gci.fileio import resolve_path
from gci.inputs import responses
from gci.inputs.framework_table import load_framework_any
from gci.inputs.project import fill_defaults
from gci.inputs.responses import ANSWERED, MISSING, build_matrix, load_responses


@pytest.fixture(scope="module")
def fw():
    return load_framework_any(fill_defaults(None, None, None)[0])


def _doc(iso: str, answers: list[tuple[str, str]]) -> str:
    lines = [f"country: {iso}", "answers:"] + [f"  {q}: {a}" for q, a in answers]
    return "\n".join(lines) + "\n"


# ARG.yaml, BRA.yaml, CAN.yaml are read in that order; answers start on line 3 of each file
DOCS = {
    "ARG": [("Q05", "maybe"), ("Q01", "yes"), ("Q17", '"-1"'), ("Q21", "no"),
            ("Q22", "full")],
    "BRA": [("Q01", "perhaps"), ("Q05", "partial"), ("Q17", '"5"'), ("Q25", '"4"'),
            ("Q78", '"4"')],
    "CAN": [("Q17", "lots"), ("Q05", "maybe"), ("Q01", "no"), ("Q63", '"4"')],
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "resp"
    out.mkdir()
    for iso, answers in DOCS.items():
        (out / f"{iso}.yaml").write_text(_doc(iso, answers))
    return out


def test_text_answers_typed_by_kind_as_by_question(folder, fw, monkeypatch):
    resp = load_responses(folder)
    fast = build_matrix(resp, fw)
    monkeypatch.setattr(responses, "_all_text", lambda values_: False)
    slow = build_matrix(resp, fw)
    assert [(p.kind, p.message, p.file, p.line, p.country, p.item, p.severity)
            for p in fast.problems] == \
        [(p.kind, p.message, p.file, p.line, p.country, p.item, p.severity)
         for p in slow.problems]
    assert np.array_equal(fast.credit, slow.credit, equal_nan=True)
    assert np.array_equal(fast.state, slow.state)
    pd.testing.assert_frame_equal(fast.raw, slow.raw, check_exact=True)

    # worked out by hand: bad answers question by question in the order the files first name
    # the questions (Q05 in ARG's first line, then Q01, then Q17), rows in file order
    bad = [(p.country, p.item, Path(p.file).name, p.line) for p in fast.problems
           if p.kind == "bad_answer"]
    assert bad == [("ARG", "Q05", "ARG.yaml", 3), ("CAN", "Q05", "CAN.yaml", 4),
                   ("BRA", "Q01", "BRA.yaml", 3),
                   ("ARG", "Q17", "ARG.yaml", 5), ("CAN", "Q17", "CAN.yaml", 3)]
    msg = {(p.country, p.item): p.message for p in fast.problems if p.kind == "bad_answer"}
    assert msg[("ARG", "Q05")].startswith(
        "answer 'maybe' is not allowed for scale question Q05; expected one of in_place, "
        "partial, none")
    assert msg[("ARG", "Q17")].startswith(
        "answer '-1' is not allowed for numeric question Q17; expected a number >= 0")
    # Q22 applies only if Q21 == yes, Q25 only if Q24 == yes (BRA did not answer Q24): the
    # answers are ignored, each named with its file and line
    na = [(p.country, p.item, Path(p.file).name, p.line) for p in fast.problems
          if p.kind == "answer_not_applicable"]
    assert na == [("ARG", "Q22", "ARG.yaml", 7), ("BRA", "Q25", "BRA.yaml", 6)]

    c = pd.DataFrame(fast.credit, index=fast.countries, columns=fast.questions)
    s = pd.DataFrame(fast.state, index=fast.countries, columns=fast.questions)
    assert c.loc["ARG", "Q01"] == 1.0 and c.loc["CAN", "Q01"] == 0.0
    assert c.loc["BRA", "Q05"] == 0.5
    assert c.loc["BRA", "Q17"] == pytest.approx(5 / 25)  # goalposts 0..25
    # Q78 and Q63 share goalposts 0..10 (one kind): 4 -> 0.4 for both
    assert c.loc["BRA", "Q78"] == pytest.approx(0.4) and c.loc["CAN", "Q63"] == pytest.approx(0.4)
    assert np.isnan(c.loc["BRA", "Q25"]) and np.isnan(c.loc["ARG", "Q22"])
    for iso, q in [("ARG", "Q05"), ("CAN", "Q05"), ("BRA", "Q01"), ("ARG", "Q17"),
                   ("CAN", "Q17")]:
        assert s.loc[iso, q] == MISSING and np.isnan(c.loc[iso, q])
        assert pd.isna(fast.raw.loc[iso, q])
    assert s.loc["BRA", "Q05"] == ANSWERED and fast.raw.loc["BRA", "Q05"] == "partial"


def test_columns_table_is_the_row_table():
    rows = [("KEN", "Kenya", "Q01", "yes", None, "questionnaire", "a.yaml", 3),
            ("KEN", "Kenya", "Q02", "no", "https://e", "questionnaire", "a.yaml", 4)]
    more = [("FRA", "France", "Q01", "yes", None, "questionnaire", "b.json", None)]
    cols = responses._Columns([list(c) for c in zip(*more)])
    got = responses._in_order([rows, cols, []], responses.COLUMNS)
    want = pd.DataFrame(rows + more, columns=responses.COLUMNS)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got["line"].tolist()[:2] == [3.0, 4.0] and np.isnan(got["line"].iloc[2])
    # a table between runs of rows keeps its place
    table = pd.DataFrame([("ARG", "Argentina", "Q01", "no", None, "csv", "t.csv", 2)],
                         columns=responses.COLUMNS)
    got = responses._in_order([rows, table, cols], responses.COLUMNS)
    assert got["iso3"].tolist() == ["KEN", "KEN", "ARG", "FRA"]


def _sealed(body: bytes) -> bytes:
    return b"gci-cache 1 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


@pytest.mark.parametrize("damage", [b'"n":4', b'"n":-1', b'"n":"5"'])
def test_entry_with_wrong_shape_is_ignored(folder, tmp_path, monkeypatch, damage):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GCI_CACHE_DIR", str(cache))
    monkeypatch.delenv("GCI_NO_CACHE", raising=False)
    cold = load_responses(folder)
    for p in cache.rglob("set-*.json"):  # the files' own entries are read without it
        p.unlink()
    entry = next(p for p in sorted(cache.rglob("*.json"))
                 if b"BRA.yaml" in p.read_bytes())
    good = entry.read_bytes()
    body = good.partition(b"\n")[2]
    assert b'"n":5' in body  # BRA has five answers
    entry.write_bytes(_sealed(body.replace(b'"n":5', damage, 1)))
    warm = load_responses(folder)
    pd.testing.assert_frame_equal(warm.table, cold.table, check_exact=True)
    assert entry.read_bytes() == good  # read again and rewritten


def test_resolve_path_is_path_resolve(tmp_path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.yaml").write_text("x")
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.yaml").write_text("y")
    os.symlink(other / "b.yaml", real / "link.yaml")  # a file linked from elsewhere
    os.symlink(real, tmp_path / "via")  # a linked folder
    monkeypatch.chdir(tmp_path)
    paths = [Path("real/a.yaml"), Path("real/link.yaml"), Path("via/a.yaml"),
             Path("via/link.yaml"), Path("real/../other/b.yaml"), Path("real/missing.yaml"),
             Path("real"), Path("."), Path(".."), tmp_path / "real" / "a.yaml", Path("/")]
    folders: dict = {}
    assert [resolve_path(p, folders) for p in paths] == [p.resolve() for p in paths]
    assert resolve_path(paths[1], folders) == other / "b.yaml"
    # the manifest's paths: relative to the working folder when inside it
    where: dict = {}
    shown = [scoring._display_path(p, where) for p in paths]
    def plain(p: Path) -> str:  # what the manifest showed before (one full resolve each)
        try:
            return str(p.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(p)

    assert shown == [plain(p) for p in paths]
    assert shown[:5] == ["real/a.yaml", "other/b.yaml", "real/a.yaml", "other/b.yaml",
                         "other/b.yaml"]
    assert shown[6:9] == ["real", ".", ".."] and shown[10] == "/"


@pytest.mark.parametrize("name, text, line", [
    ("KEN.yaml", 'country: KEN\nanswers:\n  Q01: yes\n  Q02: "ye\\x07s"\n', 4),
    ("KEN.yaml", 'country: KEN\nanswers:\n  Q01: {answer: "yes", evidence: "a\\x1b"}\n', 3),
    ("KEN.json", '{"country": "KEN", "answers": {"Q01": "n\\u0001o"}}', None),
])
def test_escaped_control_characters_still_refused(tmp_path, name, text, line):
    # the document's text holds no control character, only an escape that makes one: the
    # values are walked (the text alone cannot clear them)
    (tmp_path / name).write_text(text)
    with pytest.raises(InputError, match="control character|lone surrogate") as err:
        load_responses(tmp_path / name)
    assert err.value.line == line


def test_backslash_in_a_comment_is_fine(tmp_path):
    (tmp_path / "KEN.yaml").write_text('# C:\\answers\\ken\ncountry: KEN\nanswers:\n  Q01: yes\n')
    assert load_responses(tmp_path / "KEN.yaml").table["answer"].tolist() == ["yes"]


def _snap(resp) -> tuple:
    return (resp.table.to_csv(), resp.table.dtypes.astype(str).tolist(),
            [(p.kind, p.message, p.file, p.line, p.country, p.item, p.severity)
             for p in resp.problems], resp.members.to_csv())


@pytest.mark.parametrize("damage", ["none", "files", "count", "garbage"])
def test_set_entry_replays_the_files_or_is_ignored(folder, tmp_path, monkeypatch, damage):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GCI_CACHE_DIR", str(cache))
    monkeypatch.delenv("GCI_NO_CACHE", raising=False)
    (folder / "DEU.yaml").write_text("country: DEU\ncolour: red\nanswers:\n")  # warnings
    seen: list = []
    cold = load_responses(folder, progress=seen.append)
    (entry,) = cache.rglob("set-*.json")
    good = entry.read_bytes()
    body = good.partition(b"\n")[2]
    if damage == "files":  # a well-sealed entry holding one file too few
        doc = json.loads(body)
        doc["data"]["files"] = doc["data"]["files"][:-1]
        entry.write_bytes(_sealed(json.dumps(doc, separators=(",", ":")).encode()))
    elif damage == "count":  # the rows of one file no longer match their count
        assert b'"n":5' in body
        entry.write_bytes(_sealed(body.replace(b'"n":5', b'"n":6', 1)))
    elif damage == "garbage":
        entry.write_bytes(b"gci-cache 1 nonsense\n{}")
    calls: list = []
    monkeypatch.setattr(responses, "_country_doc",
                        lambda *a, **k: calls.append(a[1]) or [])  # must not be needed
    warm_seen: list = []
    warm = load_responses(folder, progress=warm_seen.append)
    assert _snap(warm) == _snap(cold)
    assert warm_seen == seen == sorted(folder.iterdir())  # each file named once, in order
    assert calls == []  # every file came from an entry (the set's or its own)
    assert entry.read_bytes() == good  # a damaged set entry is stored again
    assert [p.kind for p in cold.problems].count("unknown_key") == 1
    assert any(p.kind == "empty_submission" and p.country == "DEU" for p in cold.problems)


def test_set_entry_follows_every_file(folder, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GCI_CACHE_DIR", str(cache))
    monkeypatch.delenv("GCI_NO_CACHE", raising=False)
    load_responses(folder)
    # one answer changed in one file (same size): another set, read from the files again
    text = (folder / "CAN.yaml").read_text()
    (folder / "CAN.yaml").write_text(text.replace("Q01: no", "Q01: ye"))
    resp = load_responses(folder)
    assert resp.table.set_index(["iso3", "question"]).loc[("CAN", "Q01"), "answer"] == "ye"
    assert len(list(cache.rglob("set-*.json"))) == 2
    # a malformed file before one over the size limit: the same first error as without the
    # cache (the set's read-ahead meets the large file first, and gives way)
    (folder / "ARG.yaml").write_text("country: ARG\nanswers: [\n")
    (folder / "CAN.yaml").write_text(text + "# padding\n" * 50)
    monkeypatch.setattr("gci.fileio.MAX_YAML_BYTES", (folder / "CAN.yaml").stat().st_size - 1)
    with pytest.raises(InputError) as with_cache:
        load_responses(folder)
    monkeypatch.setenv("GCI_NO_CACHE", "1")
    with pytest.raises(InputError) as without:
        load_responses(folder)
    assert str(with_cache.value) == str(without.value)
    assert "ARG.yaml" in str(with_cache.value) and "malformed YAML" in str(with_cache.value)
