"""The content-hash cache of parsed response files (gci.inputs.cache): invisible, never stale."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gci import fileio
from gci.cli.app import main
from gci.errors import InputError, ResponsesError
from gci.inputs import cache, responses
from gci.inputs.framework import load_framework
from gci.inputs.responses import load_responses

ROOT = Path(__file__).resolve().parent.parent

DOC = """country: KEN
source: questionnaire
colour: blue
answers:
  Q01: yes
  Q02: {answer: partial, evidence: "https://e.example/2", note: n, extra: 1}
  Q03: 12
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache folder for one test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GCI_CACHE_DIR", str(folder))
    monkeypatch.delenv("GCI_NO_CACHE", raising=False)
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json")) if folder.exists() else []


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading a response document fail loudly: a run that passes used the cache only."""
    def boom(*args, **kwargs):
        raise AssertionError("parsed a file that should have come from the cache")

    monkeypatch.setattr(responses, "_country_doc", boom)
    monkeypatch.setattr(fileio, "parse_json", boom)


def sealed(body: bytes) -> bytes:
    """A cache entry with a valid checksum around ``body``."""
    return b"gci-cache 1 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def snapshot(resp) -> tuple:
    """Everything load_responses gives, as plain values."""
    return (resp.table.to_csv(), resp.table.dtypes.astype(str).tolist(),
            [str(p) for p in resp.problems], [p.to_dict() for p in resp.problems],
            resp.members.to_csv(), resp.files)


def test_score_default_edition_same_bytes_cold_warm_and_without(cache_dir, tmp_path,
                                                                 monkeypatch):
    """The shipped edition: cold run fills 194 entries; warm run parses nothing; same bytes."""
    runner = CliRunner()
    monkeypatch.chdir(ROOT)
    outs = {}
    for label in ("cold", "warm"):
        if label == "warm":
            no_parsing(monkeypatch)
        res = runner.invoke(main, ["score", "-q", "-o", str(tmp_path / label)])
        assert res.exit_code == 0, res.output
        outs[label] = tmp_path / label
        if label == "cold":  # one entry per file, and one for the set of 194 files
            found = entries(cache_dir)
            assert len([e for e in found if not e.name.startswith("set-")]) == 194
            assert len([e for e in found if e.name.startswith("set-")]) == 1
    monkeypatch.undo()
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GCI_NO_CACHE", "1")
    res = runner.invoke(main, ["score", "-q", "-o", str(tmp_path / "off")])
    assert res.exit_code == 0, res.output
    for name in ("scores.csv", "indicators.csv", "effective_weights.csv", "validation.csv"):
        cold = (outs["cold"] / name).read_bytes()
        assert cold == (outs["warm"] / name).read_bytes() == (tmp_path / "off" / name).read_bytes()
        assert cold == (ROOT / "results" / name).read_bytes()  # the committed results
    manifests = [(p / "manifest.json").read_text().replace(str(p), "OUT")
                 for p in (outs["cold"], outs["warm"], tmp_path / "off")]
    assert manifests[0] == manifests[1] == manifests[2]


def test_warnings_and_lines_replayed_identically(cache_dir, tmp_path, monkeypatch):
    folder = tmp_path / "resp"
    folder.mkdir()
    (folder / "KEN.yaml").write_text(DOC)
    (folder / "FRA.json").write_text('{"country": "FRA", "answers": {"Q01": "no", "Q9": true}}')
    resp = load_responses(folder)
    cold = snapshot(resp)
    found = entries(cache_dir)  # one entry per file, and one for the set of both
    assert len(found) == 3 and sum(e.name.startswith("set-") for e in found) == 1
    assert [(p.kind, p.line) for p in resp.problems] == [("unknown_key", 3),
                                                         ("unknown_key", 6)]
    assert resp.table["line"].tolist()[2:] == [5, 6, 7]  # FRA.json (no lines) comes first
    no_parsing(monkeypatch)
    assert snapshot(load_responses(folder)) == cold
    for e in found:  # from the files' own entries, too
        if e.name.startswith("set-"):
            e.unlink()
    assert snapshot(load_responses(folder)) == cold


def test_validation_errors_same_message_with_lines(cache_dir, tmp_path, monkeypatch):
    """An error found after reading (unknown question) names the same line from the cache."""
    folder = tmp_path / "resp"
    folder.mkdir()
    (folder / "KEN.yaml").write_text("country: KEN\nanswers:\n  Q01: yes\n\n  Q999: yes\n")
    fw = load_framework(ROOT / "indicators.yaml")
    with pytest.raises(ResponsesError) as cold:
        load_responses(folder, framework=fw)
    assert len(entries(cache_dir)) == 1
    no_parsing(monkeypatch)
    with pytest.raises(ResponsesError) as warm:
        load_responses(folder, framework=fw)
    assert str(warm.value) == str(cold.value)
    assert "KEN.yaml:5" in str(warm.value) and "Q999" in str(warm.value)


def test_file_with_an_error_is_never_cached(cache_dir, tmp_path):
    folder = tmp_path / "resp"
    folder.mkdir()
    (folder / "KEN.yaml").write_text("country: KEN\nanswers:\n  Q01: yes\n  Q01: no\n")
    messages = []
    for _ in range(2):
        with pytest.raises(InputError) as err:
            load_responses(folder)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert "KEN.yaml:4" in messages[0] and "duplicate key 'Q01'" in messages[0]
    assert entries(cache_dir) == []


def test_edited_file_same_size_same_mtime_is_read_again(cache_dir, tmp_path):
    path = tmp_path / "resp" / "KEN.yaml"
    path.parent.mkdir()
    path.write_text("country: KEN\nanswers:\n  Q01: yes\n")
    st = path.stat()
    assert load_responses(path).table["answer"].tolist() == ["yes"]
    path.write_text("country: KEN\nanswers:\n  Q01: no \n")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same modification time
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert load_responses(path).table["answer"].tolist() == ["no"]
    assert len(entries(cache_dir)) == 2


def test_same_bytes_under_another_name_names_its_own_file(cache_dir, tmp_path):
    a, b = tmp_path / "a" / "KEN.yaml", tmp_path / "b" / "KEN.yaml"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text("country: KEN\nanswers:\n  Q01: yes\n")
    assert load_responses(a).table["file"].tolist() == [str(a)]
    assert load_responses(b).table["file"].tolist() == [str(b)]


@pytest.mark.parametrize("damage", ["garbage", "flip", "truncate", "empty", "other_key"])
def test_corrupt_entry_is_ignored_and_rewritten(cache_dir, tmp_path, damage):
    folder = tmp_path / "resp"
    folder.mkdir()
    (folder / "KEN.yaml").write_text(DOC)
    cold = snapshot(load_responses(folder))
    (entry,) = entries(cache_dir)
    good = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x00\xffnot a cache entry")
    elif damage == "flip":  # a changed digit with the old checksum: a wrong line number
        entry.write_bytes(good.replace(b"[5,6,7]", b"[6,6,7]", 1))  # the lines column
        assert entry.read_bytes() != good
    elif damage == "truncate":
        entry.write_bytes(good[: len(good) // 2])
    elif damage == "empty":
        entry.write_bytes(b"")
    else:  # a well-formed entry (valid checksum) written for another key
        body = good.partition(b"\n")[2].replace(entry.stem.encode(), b"f" * 64)
        entry.write_bytes(sealed(body))
    assert snapshot(load_responses(folder)) == cold
    assert entry.read_bytes() == good  # rebuilt


def test_unwritable_cache_folder_still_works(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GCI_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("GCI_NO_CACHE", raising=False)
    path = tmp_path / "KEN.yaml"
    path.write_text(DOC)
    resp = load_responses(path)
    assert resp.table["question"].tolist() == ["Q01", "Q02", "Q03"]
    assert load_responses(path).table["question"].tolist() == ["Q01", "Q02", "Q03"]
    assert blocker.read_text() == "not a folder"


def test_no_cache_bypasses_reading_and_writing(cache_dir, tmp_path, monkeypatch):
    path = tmp_path / "KEN.yaml"
    path.write_text(DOC)
    cold = snapshot(load_responses(path))
    (entry,) = entries(cache_dir)
    # a doctored entry (valid checksum, other answers) is used with the cache on ...
    body = entry.read_bytes().partition(b"\n")[2].replace(b'"partial"', b'"none"')
    entry.write_bytes(sealed(body))
    assert "none" in load_responses(path).table["answer"].tolist()
    # ... and never with GCI_NO_CACHE=1, which also writes nothing
    monkeypatch.setenv("GCI_NO_CACHE", "1")
    assert snapshot(load_responses(path)) == cold
    path2 = tmp_path / "FRA.yaml"
    path2.write_text("country: FRA\nanswers:\n  Q01: yes\n")
    load_responses(path2)
    assert len(entries(cache_dir)) == 1


def test_entries_of_another_gci_build_are_not_used(cache_dir, tmp_path, monkeypatch):
    path = tmp_path / "KEN.yaml"
    path.write_text(DOC)
    load_responses(path)
    monkeypatch.setattr(cache, "context", lambda: "another-build")
    monkeypatch.setattr(cache, "_folders", {})
    no_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="should have come from the cache"):
        load_responses(path)


def test_context_covers_gci_code(monkeypatch):
    """The context hash changes when any gci module changes (here: its bytes as read)."""
    before = cache.context()
    assert before and len(before) == 64
    real = Path.read_bytes

    def edited(self: Path) -> bytes:
        data = real(self)
        return data + b"\n# edited" if self.name == "values.py" else data

    cache.context.cache_clear()
    monkeypatch.setattr(Path, "read_bytes", edited)
    try:
        assert cache.context() != before
    finally:
        monkeypatch.undo()
        cache.context.cache_clear()
    assert cache.context() == before


def test_default_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("GCI_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "gci"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache.cache_dir() == Path.home() / ".cache" / "gci"
    monkeypatch.setenv("GCI_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"


def test_suite_never_writes_to_the_user_cache():
    """tests/conftest.py points the cache at a session folder."""
    assert os.environ.get("GCI_CACHE_DIR")
    assert Path(os.environ["GCI_CACHE_DIR"]).resolve() != (Path.home() / ".cache" / "gci")


def test_clear_removes_only_gci_entries(cache_dir, tmp_path):
    path = tmp_path / "KEN.yaml"
    path.write_text(DOC)
    load_responses(path)
    keep = cache_dir / "notes.txt"
    keep.write_text("not gci's")
    assert entries(cache_dir)
    cache.clear()
    assert entries(cache_dir) == [] and keep.read_text() == "not gci's"
    keep.unlink()
    load_responses(path)
    cache.clear()
    assert not cache_dir.exists()  # empty once gci's entries are gone
